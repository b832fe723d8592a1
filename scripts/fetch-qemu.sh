#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# QEMU 10 for the QEMU suite (SPEC §7): Debian's bookworm-backports QEMU,
# downloaded with a private apt configuration (scripts/papt.sh) and unpacked
# into the cache, never installed: the machine's QEMU (7.2, for make demo)
# and its apt sources stay as they are.
#
#   scripts/fetch-qemu.sh              fetch (cached), print the env file's path
#   scripts/fetch-qemu.sh --deps       print the host library packages it needs
#                                      that are not installed (install-deps.sh
#                                      installs them from bookworm)
#
# The version is bookworm-backports' candidate, resolved with apt-cache; its
# tree is $CQ_CACHE/qemu/VERSION/root (VERSION without its epoch), with
# qemu-system-x86, qemu-system-arm, their common and data packages (QEMU
# loads its modules from its own tree only with QEMU_MODULE_DIR set: else it
# takes the system's and aborts) and backports' seabios. The env file,
# $CQ_CACHE/qemu/VERSION/qemu.env:
#   CQ_QEMU_VERSION CQ_QEMU_X86 CQ_QEMU_ARM CQ_QEMU_MODULE_DIR CQ_QEMU_DATA
# (CQ_QEMU_DATA: the -L directories, colon-separated).

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${CQ_CACHE:-$HOME/.cache/crash-quiesce}"
# shellcheck source=scripts/papt.sh
. "$ROOT/scripts/papt.sh"
log() { printf 'fetch-qemu: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

SUITE=bookworm-backports
# Not the gui, opengl and spice module packages: the suite runs QEMU with
# -nographic -nodefaults, and never loads them (nor their libraries).
pkgs=(qemu-system-x86 qemu-system-arm qemu-system-common qemu-system-data seabios)

mkdir -p "$CACHE/qemu"
# Every QEMU run asks: the version resolved within the last day is the answer.
current="$CACHE/qemu/current.env"
if [[ "${1:-}" != --deps && -n "$(find "$current" -mmin -1440 2>/dev/null)" ]] &&
	[[ -f "$(cat "$current")" ]]; then
	cat "$current"
	exit 0
fi
exec 9>"$CACHE/qemu/.lock"
flock 9
papt_update
# "apt-cache policy": a version line, then the lines of the suites that have it
version="$(papt_cache policy qemu-system-x86 |
	awk -v s="$SUITE" '!/http/ && /^ +(\*\*\* )?[0-9]/ { v = $1 == "***" ? $2 : $1 }
		/http/ && $0 ~ " " s "/" && v { print v; exit }')"
[[ -n "$version" ]] || die "no qemu-system-x86 in $SUITE (private apt lists in $PAPT_DIR)"
dir="$CACHE/qemu/${version#*:}"

if [[ ! -f "$dir/qemu.env" ]]; then
	tmp="$(mktemp -d "$CACHE/qemu/.fetch.XXXXXX")"
	trap 'rm -rf "$tmp"' EXIT
	log "fetching QEMU $version from $SUITE"
	papt_download "$tmp" "${pkgs[@]/%//$SUITE}" || die "download of ${pkgs[*]} from $SUITE failed"
	mkdir "$tmp/root"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root"
		dpkg-deb -f "$deb" Depends >>"$tmp/depends"
	done
	rm -f "$tmp"/*.deb
	r="$dir/root"
	for b in x86_64 aarch64; do
		[[ -x "$tmp/root/usr/bin/qemu-system-$b" ]] || die "no qemu-system-$b in the packages"
	done
	# the libraries the binaries and modules need, as bookworm packages
	tr ',' '\n' <"$tmp/depends" | sed 's/^ *//; s/ .*//; s/:any$//' | grep '^lib' |
		sort -u >"$tmp/libraries"
	{
		printf 'CQ_QEMU_VERSION=%q\n' "$version"
		printf 'CQ_QEMU_X86=%q\n' "$r/usr/bin/qemu-system-x86_64"
		printf 'CQ_QEMU_ARM=%q\n' "$r/usr/bin/qemu-system-aarch64"
		printf 'CQ_QEMU_MODULE_DIR=%q\n' "$r/usr/lib/x86_64-linux-gnu/qemu"
		printf 'CQ_QEMU_DATA=%q\n' "$r/usr/share/qemu:$r/usr/share/seabios"
	} >"$tmp/qemu.env"
	chmod 755 "$tmp"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	trap - EXIT
	log "unpacked QEMU $version into $dir"
fi

if [[ "${1:-}" == --deps ]]; then
	while read -r p; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
	done <"$dir/libraries"
	exit 0
fi
echo "$dir/qemu.env" >"$current.tmp"
mv "$current.tmp" "$current"
echo "$dir/qemu.env"
