#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The in-tree patch series (scripts/mkpatch.sh) against Debian's
# linux-source-6.12: a cover letter, signed by git config's identity; each
# patch is checkpatch --strict clean and signed off; the series, then the
# test-only patch, apply in order with git apply (git am's engine) to the
# pristine files; the upstream patches hold no test code and no word of
# this repository. (scripts/build-debug-kernel.sh applies them with
# patch -p1 and builds them.) One TAP line per check. The series is left
# in out/series/.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/lib/tap.sh
. "$ROOT/tests/lib/tap.sh"

ksrc="$("$ROOT/scripts/kernel-source.sh")"
out="$ROOT/out/series"
rm -rf "$out"
tap_check "mkpatch.sh generates the series" "$ROOT/scripts/mkpatch.sh" -k "$ksrc" "$out"

patches=()
for p in "$out"/0*.patch "$out"/test-only/*.patch; do
	[[ "$p" == */0000-* ]] || patches+=("$p")
done
cover="$out/0000-cover-letter.patch"
git_name="$(git -C "$ROOT" config user.name)" git_email="$(git -C "$ROOT" config user.email)"
tap_check "cover letter: [PATCH 0/$((${#patches[@]} - 1))] with a subject" \
	grep -qE "^Subject: \[PATCH 0/$((${#patches[@]} - 1))\] [A-Za-z]" "$cover"
tap_check "cover letter: safety argument, prior art, measurements, limits" \
	eval "grep -q '^Safety argument' '$cover' && grep -q '^Prior art' '$cover' &&
		grep -q '^Measured' '$cover' && grep -q '^Known limits' '$cover'"
signed() { grep -qF "Signed-off-by: $git_name <$git_email>" "$1" && grep -qF "From: $git_name" "$1"; }
# Patches after the second add files under drivers/pci/crash_quiesce/, which
# patch 2's MAINTAINERS entry already covers; checkpatch asks about
# MAINTAINERS for any new file, so that one question is left out for them.
checkpatch() {
	local out ignore=()
	case "$1" in
	*/test-only/*) ignore=(--ignore FILE_PATH_CHANGES) ;;
	*/0001-* | */0002-* | */0008-*) ;;
	*) ignore=(--ignore FILE_PATH_CHANGES) ;;
	esac
	out="$("$ksrc/scripts/checkpatch.pl" --strict --terse --no-tree "${ignore[@]}" "$1" | grep -v '^total:')"
	[[ -z "$out" ]] || { echo "$out"; return 1; }
}
# upstream: no test hooks, no word of this repository or its tests
clean_upstream() {
	! grep -nE '^\+.*(CQ_BENCH|pcq_bench|bench\.c|pcq_fault|FAULT_INJECT|fault\.[ch]|repository|tests/|qemu|QEMU)' "$1"
}
for p in "${patches[@]}"; do
	tap_check "checkpatch --strict ${p##*/}" checkpatch "$p"
	tap_check "${p##*/} is signed off by git config's identity ($git_name)" signed "$p"
	[[ "$p" == */test-only/* ]] ||
		tap_check "${p##*/} holds no test code and no word of the repository" clean_upstream "$p"
done
tap_check "the upstream check sees a test hook (control)" \
	eval "! clean_upstream <(printf '+#ifdef CQ_BENCH\n')"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# the kernel's files the series modifies, pristine (the others it creates)
grep -h '^--- a/' "${patches[@]}" | cut -c7- | sort -u | while read -r f; do
	[[ -f "$ksrc/$f" ]] || continue
	mkdir -p "$scratch/$(dirname "$f")"
	cp "$ksrc/$f" "$scratch/$f"
done
for p in "${patches[@]}"; do
	tap_check "git apply ${p##*/} on top of the previous ones" git -C "$scratch" apply "$p"
done
tap_done
