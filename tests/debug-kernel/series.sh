#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The in-tree patch series (scripts/mkpatch.sh) against Debian's
# linux-source-6.12: each patch is checkpatch --strict clean, and the series
# applies in order with git apply (git am's engine) to the pristine files.
# (scripts/build-debug-kernel.sh applies it with patch -p1 and builds it.)
# One TAP line per check. The series is left in out/series/.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/lib/tap.sh
. "$ROOT/tests/lib/tap.sh"

ksrc="$("$ROOT/scripts/kernel-source.sh")"
out="$ROOT/out/series"
rm -rf "$out"
tap_check "mkpatch.sh generates the series" "$ROOT/scripts/mkpatch.sh" -k "$ksrc" "$out"

# Patches 3 and 4 add files under drivers/pci/crash_quiesce/, which patch 2's
# MAINTAINERS entry already covers; checkpatch asks about MAINTAINERS for any
# new file, so that one question is left out for them.
checkpatch() {
	local out ignore=()
	case "${1##*/}" in
	0003-* | 0004-*) ignore=(--ignore FILE_PATH_CHANGES) ;;
	esac
	out="$("$ksrc/scripts/checkpatch.pl" --strict --terse --no-tree "${ignore[@]}" "$1" | grep -v '^total:')"
	[[ -z "$out" ]] || { echo "$out"; return 1; }
}
for p in "$out"/*.patch; do
	tap_check "checkpatch --strict ${p##*/}" checkpatch "$p"
done

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# the kernel's files the series modifies, pristine (the others it creates)
grep -h '^--- a/' "$out"/*.patch | cut -c7- | sort -u | while read -r f; do
	[[ -f "$ksrc/$f" ]] || continue
	mkdir -p "$scratch/$(dirname "$f")"
	cp "$ksrc/$f" "$scratch/$f"
done
for p in "$out"/*.patch; do
	tap_check "git apply ${p##*/} on top of the previous ones" git -C "$scratch" apply "$p"
done
tap_done
