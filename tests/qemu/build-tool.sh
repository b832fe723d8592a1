#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a small static helper program from one C file and print its path.
#
#   tests/qemu/build-tool.sh [-x CROSS_COMPILE] SRC.c
#
# gcc -static -O2 (static: the same binary runs on the host and in the guest
# initramfs, which has no C library). With -x aarch64-linux-gnu- it is built
# for an arm64 guest with aarch64-linux-gnu-gcc (packages gcc-aarch64-linux-gnu
# and libc6-dev-arm64-cross). Cached under $CQ_CACHE/tools/NAME-HASH (NAME-ARCH-HASH
# when cross-built), HASH over the source and the compiler version, so a second
# call only hashes.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

cross=''
while getopts 'x:h' opt; do
	case "$opt" in
	x) cross="$OPTARG" ;;
	*) sed -n '3,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -eq 1 && -f "$1" ]] || cq_die "usage: $0 [-x CROSS_COMPILE] SRC.c"
src="$1"
name="$(basename "$src" .c)"
cc="${cross}gcc"
command -v "$cc" >/dev/null || cq_die "$cc missing: scripts/install-deps.sh"
[[ -z "$cross" ]] || name+="-${cross%%-*}"
key="$( (sha256sum <"$src"; "$cc" --version | head -n1) | sha256sum | cut -c1-16)"
out="$CQ_CACHE/tools/$name-$key"

if [[ ! -x "$out" ]]; then
	mkdir -p "$CQ_CACHE/tools"
	tmp="$(mktemp "$CQ_CACHE/tools/.build.XXXXXX")"
	trap 'rm -f "$tmp"' EXIT
	"$cc" -static -O2 -Wall -Wextra -Werror -o "$tmp" "$src" ||
		cq_die "building $src failed (static: needs libc6-dev${cross:+, libc6-dev-arm64-cross})"
	mv "$tmp" "$out"
	cq_prune "$CQ_CACHE/tools" "$name-*" 4
fi
echo "$out"
