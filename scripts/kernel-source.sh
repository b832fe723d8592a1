#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unpack one of Debian's linux-source-VERSION packages into the cache once,
# and print the path of the tree.
#
#   scripts/kernel-source.sh [VERSION]            (default: 6.12)
#   scripts/kernel-source.sh --tarball [VERSION]  the .tar.xz only, not unpacked
#   scripts/kernel-source.sh --resolve newest     print the VERSION newest means
#
# 6.12 is the host's installed package (scripts/install-deps.sh installs it);
# another VERSION (7.3), or "newest" (the highest linux-source-X.Y in the
# suites of scripts/papt.sh: trixie-backports' today), is downloaded, never
# installed, with the private apt configuration, its newest upload.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${CQ_CACHE:-$HOME/.cache/crash-quiesce}"
tarball_only=false resolve_only=false
case "${1:-}" in
--tarball) tarball_only=true; shift ;;
--resolve) resolve_only=true; shift ;;
esac
ver="${1:-6.12}"
die() { echo "kernel-source: $*" >&2; exit 1; }

if [[ "$ver" == newest ]]; then
	# shellcheck source=scripts/papt.sh
	. "$ROOT/scripts/papt.sh"
	papt_update
	ver="$(papt_cache pkgnames linux-source- | sed -n 's/^linux-source-\([0-9][0-9.]*\)$/\1/p' |
		sort -V | tail -n1)"
	[[ -n "$ver" ]] || die "no linux-source-X.Y in the suites of scripts/papt.sh"
fi
if $resolve_only; then
	echo "$ver"
	exit 0
fi

if [[ "$ver" == 6.12 ]]; then
	tarball="$(find /usr/src -maxdepth 1 -name "linux-source-$ver*.tar.xz" | sort | tail -n1)"
	[[ -n "$tarball" ]] || die "linux-source-$ver is not installed: scripts/install-deps.sh"
else
	# shellcheck source=scripts/papt.sh
	. "$ROOT/scripts/papt.sh"
	papt_update
	pv="$(papt_cache madison "linux-source-$ver" | awk '{ print $3 }' | sort -V | tail -n1)"
	[[ -n "$pv" ]] || die "no linux-source-$ver in the suites of scripts/papt.sh"
	debs="$CACHE/src-debs/linux-source-$ver-${pv//[:~]/_}"
	tarball="$debs/linux-source-$ver.tar.xz"
	if [[ ! -f "$tarball" ]]; then
		exec 9>"$CACHE/.kernel-source.lock"
		flock 9
		if [[ ! -f "$tarball" ]]; then
			echo "kernel-source: downloading linux-source-$ver $pv (once)" >&2
			rm -rf "$debs"
			mkdir -p "$debs/tmp"
			papt_download "$debs/tmp" "linux-source-$ver=$pv" ||
				die "cannot download linux-source-$ver=$pv"
			dpkg-deb --fsys-tarfile "$debs"/tmp/*.deb |
				tar -xO "./usr/src/linux-source-$ver.tar.xz" >"$debs/tmp/src.tar.xz"
			mv "$debs/tmp/src.tar.xz" "$tarball"
			rm -rf "$debs/tmp"
			# shellcheck disable=SC2012 # names are ours
			ls -1dt "$CACHE/src-debs/linux-source-$ver-"* | tail -n +2 | xargs -r rm -rf
		fi
		exec 9>&-
	fi
fi
if $tarball_only; then
	echo "$tarball"
	exit 0
fi
name="$(basename "$tarball" .tar.xz)"
dest="$CACHE/src/$(stat -c %s-%Y "$tarball")"
if [[ ! -f "$dest/.done" ]]; then
	echo "kernel-source: unpacking $tarball (once)" >&2
	rm -rf "$dest"
	mkdir -p "$dest"
	tar -C "$dest" -xf "$tarball"
	touch "$dest/.done"
fi
echo "$dest/$name"
