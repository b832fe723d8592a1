#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test-only cq_marker.ko (marker/) for one kernel and print its path.
#
#   tests/qemu/build-marker.sh LINE|KVER|NAME
#
# Needs linux-headers-KVER (scripts/install-deps.sh); an arm64 kernel (LINE
# 6.12-arm64) is cross-built against its unpacked headers (fetch-kernels.sh)
# with ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-. Cached under
# $CQ_CACHE/marker/NAME-HASH.ko by a hash of the source (NAME: the kernel's
# cache name, lib.sh's CQ_KNAME: two builds of one release get two markers).

set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[[ $# -eq 1 ]] || cq_die "usage: $0 LINE|KVER|NAME"
cq_kernel_env "$1"
[[ -d "$CQ_KDIR" ]] || cq_die "no headers at $CQ_KDIR: run scripts/install-deps.sh"

src="$CQ_QEMU_DIR/marker"
key="$(cq_sha256 "$src/cq_marker.c" "$src/Kbuild")"
out="$CQ_CACHE/marker/$CQ_KNAME-$key.ko"

if [[ ! -f "$out" ]]; then
	mkdir -p "$CQ_CACHE/marker"
	tmp="$(mktemp -d "$CQ_CACHE/marker/.build.XXXXXX")"
	trap 'rm -rf "$tmp"' EXIT
	cp "$src/cq_marker.c" "$src/Kbuild" "$tmp/"
	mapfile -t kargs < <(cq_kbuild_args)
	"$CQ_ROOT/scripts/kmake.sh" "$CQ_KDIR" -s M="$tmp" "${kargs[@]}" modules >"$tmp/build.log" 2>&1 || {
		cat "$tmp/build.log" >&2
		cq_die "building cq_marker.ko for $CQ_KVER failed"
	}
	cq_vermagic_check "$tmp/cq_marker.ko" "$CQ_KVER"
	mv "$tmp/cq_marker.ko" "$out"
	cq_prune "$CQ_CACHE/marker" "$CQ_KNAME-*.ko" 4
fi
echo "$out"
