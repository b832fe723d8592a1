#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make against a kernel's build tree, with the compiler the kernel was built
# with: on the host when it has that compiler, else in the Debian trixie
# build root (scripts/build-root.sh), which has gcc-14 and sid's sparse.
# Debian's 7.x kernels are built with gcc-14; bookworm has gcc-12, and a
# module built with another compiler than its kernel's is refused by the
# kernel's own Makefile (-fmin-function-alignment=16 is gcc-14's).
#
#   scripts/kmake.sh KDIR [MAKE-ARGS...]      make -C KDIR MAKE-ARGS...
#   scripts/kmake.sh --for KDIR -- CMD...      CMD where that make would run
#                                              (make install, dkms)
#
# In the build root the repository, the cache, /tmp and the current
# directory are bound at their own paths, so every path a caller passes
# (M=, INSTALL_MOD_PATH=, the tree itself) works unchanged; make there
# uses sparse 0.6.5 (CHECK=/usr/local/bin/sparse).

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${CQ_CACHE:-$HOME/.cache/crash-quiesce}"
die() { echo "kmake: $*" >&2; exit 1; }

mode="make"
if [[ "${1:-}" == --for ]]; then
	mode=cmd
	shift
fi
[[ $# -ge 1 ]] || die "usage: $0 KDIR [MAKE-ARGS...] | --for KDIR -- CMD..."
kdir="$1"
shift
[[ -d "$kdir" ]] || die "no kernel build tree at $kdir"
if [[ $mode == cmd ]]; then
	[[ "${1:-}" == -- ]] || die "--for KDIR -- CMD..."
	shift
	[[ $# -gt 0 ]] || die "--for: no command"
else
	set -- make -C "$kdir" "$@"
fi

# The compiler the kernel names, e.g. x86_64-linux-gnu-gcc-14
kcc() {
	sed -n 's/^CONFIG_CC_VERSION_TEXT="\{0,1\}\([^ "]*\).*/\1/p' "$kdir/include/config/auto.conf" \
		2>/dev/null | head -n1
}

# kgcc_version: the kernel's CONFIG_GCC_VERSION (e.g. 140200), empty for clang
kgcc_version() {
	sed -n 's/^CONFIG_GCC_VERSION=//p' "$kdir/include/config/auto.conf" 2>/dev/null | head -n1
}
# host_gcc_version CC: the same number for the host's CC
host_gcc_version() {
	"$1" -dumpfullversion 2>/dev/null | awk -F. '{ printf "%d%02d%02d\n", $1, $2, $3 }'
}

cc="$(kcc)"
# the host has the kernel's compiler: by its name, and for a plain "gcc",
# of the kernel's version (a kernel built in the build root names "gcc")
if [[ -z "$cc" ]] || { command -v "$cc" >/dev/null &&
	{ [[ -z "$(kgcc_version)" ]] || [[ "$(host_gcc_version "$cc")" == "$(kgcc_version)" ]]; }; }; then
	exec "$@"
fi
mkdir -p "$CACHE"
binds=("$ROOT" "$(realpath "$CACHE")" /tmp "$PWD" "$(realpath "$kdir")")
# an O= build tree names its source tree through its source link
[[ ! -L "$kdir/source" ]] || binds+=("$(realpath "$kdir/source")")
[[ "$1" != make ]] || set -- make CHECK=/usr/local/bin/sparse "${@:2}"
# shellcheck disable=SC2016 # expanded by the inner shell
exec "$ROOT/scripts/build-root.sh" run "${binds[@]}" -- \
	/bin/sh -c 'cd "$1" && shift && exec "$@"' kmake "$PWD" "$@"
