#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A Debian trixie build root for the kernels the host cannot build modules
# for: Debian builds its 7.x kernels with gcc-14 (-fmin-function-alignment=16),
# which bookworm lacks. Made once with debootstrap into the cache, never by
# changing the host's apt sources; sparse comes from sid (scripts/papt.sh):
# trixie's 0.6.4 knows no __typeof_unqual__, which the 7.x headers use, and
# the kernel then turns C=1 off.
#
#   scripts/build-root.sh             make it (cached), print its path
#   scripts/build-root.sh run DIR... -- CMD...
#                                     run CMD in it, with /proc mounted and
#                                     each DIR (absolute) bound at its own path
#
# Needs root (debootstrap, chroot, mount) and the debootstrap package
# (scripts/install-deps.sh installs it).

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${CQ_CACHE:-$HOME/.cache/crash-quiesce}"
# shellcheck source=scripts/papt.sh
. "$ROOT/scripts/papt.sh"
log() { printf 'build-root: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

SUITE=trixie
MIRROR="${CQ_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# gcc-aarch64-linux-gnu: trixie's cross gcc-14, for the arm64 7.x kernels
pkgs=(gcc make libc6-dev libelf-dev libssl-dev bc flex bison kmod pahole xz-utils zstd cpio
	python3 openssl dkms gcc-aarch64-linux-gnu)
# what the root is made of: a change makes a new one
key="$(printf '%s\n' "$SUITE" "${pkgs[@]}" sparse-sid | sha256sum | cut -c1-12)"
dir="$CACHE/build-root/$SUITE-$key"

make_root() {
	local tmp deb
	[[ $EUID -eq 0 ]] || die "need root for debootstrap"
	command -v debootstrap >/dev/null || die "debootstrap missing: scripts/install-deps.sh"
	mkdir -p "$CACHE/build-root"
	tmp="$(mktemp -d "$CACHE/build-root/.make.XXXXXX")"
	# shellcheck disable=SC2064 # expand now
	trap "rm -rf '$tmp'" EXIT
	log "debootstrap $SUITE into the cache (about a minute and a half)"
	debootstrap --variant=minbase --include="$(
		IFS=,
		echo "${pkgs[*]}"
	)" "$SUITE" "$tmp/root" "$MIRROR" >"$tmp/debootstrap.log" 2>&1 ||
		{ tail -20 "$tmp/debootstrap.log" >&2; die "debootstrap $SUITE failed"; }
	mkdir -p "$tmp/sparse"
	(
		PAPT_DIR="$CACHE/apt-sid" PAPT_SUITES=sid PAPT_SECURITY_SUITES=
		papt_update
		papt_download "$tmp/sparse" sparse
	) || die "cannot download sid's sparse"
	for deb in "$tmp"/sparse/*.deb; do
		dpkg-deb -x "$deb" "$tmp/sparse/x"
	done
	install -m 0755 "$tmp/sparse/x/usr/bin/sparse" "$tmp/root/usr/local/bin/sparse"
	chroot "$tmp/root" /usr/local/bin/sparse --version >/dev/null ||
		die "sid's sparse does not run in the $SUITE root"
	rm -rf "$tmp/sparse"
	mv "$tmp/root" "$tmp/ready"
	rm -rf "$dir"
	mv "$tmp/ready" "$dir"
	rm -rf "$tmp"
	trap - EXIT
	# shellcheck disable=SC2012 # names are ours
	ls -1dt "$CACHE/build-root/$SUITE"-* | tail -n +2 | xargs -r rm -rf
	log "made $dir"
}

# run DIR... -- CMD...: CMD in the root, with /proc and each DIR bound at its
# own path, in a mount namespace of its own: the mounts end with the command,
# however it ends, and two runs at once never see each other's
run() {
	local binds=()
	while [[ $# -gt 0 && "$1" != -- ]]; do
		[[ "$1" == /* && -d "$1" ]] || die "run: $1 is not an absolute directory"
		binds+=("$(realpath "$1")")
		shift
	done
	[[ "${1:-}" == -- ]] && shift
	[[ $# -gt 0 ]] || die "run: no command"
	# objtool and the kernel's scripts read /proc (nproc, self/fd)
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private -- /bin/bash -euc '
		root="$1"; n="$2"; shift 2
		mount -t proc proc "$root/proc"
		while ((n-- > 0)); do
			mkdir -p "$root$1"
			mount --bind "$1" "$root$1"
			shift
		done
		exec chroot "$root" /usr/bin/env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
	' run "$dir" "${#binds[@]}" "${binds[@]}" "$@"
}

[[ -d "$dir/usr/local/bin" && -x "$dir/usr/local/bin/sparse" ]] || {
	exec 9>"$CACHE/.build-root.lock"
	flock 9
	[[ -x "$dir/usr/local/bin/sparse" ]] || make_root
}
case "${1:-}" in
run)
	shift
	run "$@"
	;;
'') echo "$dir" ;;
*) die "usage: $0 [run DIR... -- CMD...]" ;;
esac
