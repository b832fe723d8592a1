#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a small static helper program from one C file and print its path.
#
#   tests/qemu/build-tool.sh SRC.c
#
# gcc -static -O2 (static: the same binary runs on the host and in the guest
# initramfs, which has no C library). Cached under $CQ_CACHE/tools/NAME-HASH,
# HASH over the source and the compiler version, so a second call only hashes.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[[ $# -eq 1 && -f "$1" ]] || cq_die "usage: $0 SRC.c"
src="$1"
name="$(basename "$src" .c)"
command -v gcc >/dev/null || cq_die "gcc missing: scripts/install-deps.sh"
key="$( (sha256sum <"$src"; gcc --version | head -n1) | sha256sum | cut -c1-16)"
out="$CQ_CACHE/tools/$name-$key"

if [[ ! -x "$out" ]]; then
	mkdir -p "$CQ_CACHE/tools"
	tmp="$(mktemp "$CQ_CACHE/tools/.build.XXXXXX")"
	trap 'rm -f "$tmp"' EXIT
	gcc -static -O2 -Wall -Wextra -Werror -o "$tmp" "$src" ||
		cq_die "building $src failed (static: needs libc6-dev)"
	mv "$tmp" "$out"
	cq_prune "$CQ_CACHE/tools" "$name-*" 4
fi
echo "$out"
