#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The in-tree patch series (scripts/mkpatch.sh) against the newest Debian
# linux-source (7.3 today): a cover letter naming its base, signed by git
# config's identity; PCI/crash: subjects, capitalised after the prefix; each
# patch is checkpatch --strict clean and signed off; the series, then the
# test-only patch, apply in order with git apply (git am's engine) to the
# pristine files; the upstream patches hold no test code and no word of
# this repository. (scripts/build-debug-kernel.sh applies them with
# patch -p1 and builds them; tests/debug-kernel/series-build.sh builds each
# prefix.) One TAP line per check. The series is left in out/series/.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/lib/tap.sh
. "$ROOT/tests/lib/tap.sh"

ksrc="$("$ROOT/scripts/kernel-source.sh" newest)"
base="$(make -s -C "$ksrc" kernelversion)"
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
tap_check "cover letter: based on v$base, said so" grep -q "^Based on v$base" "$cover"
subject_ok() { # the subsystem's prefix, then a capital
	grep -E '^Subject: \[PATCH [0-9]+/[0-9]+\] ' "$1" | sed 's/^Subject: \[PATCH [0-9/]*\] //' |
		grep -qE '^(PCI/crash|crash|Documentation: kdump): [A-Z]'
}
for p in "${patches[@]}"; do
	[[ "$p" == */test-only/* ]] ||
		tap_check "${p##*/}: subject prefix and capital (PCI/crash: Add ...)" subject_ok "$p"
done
tap_check "the subject check refuses 'PCI: crash quiesce: add' (control)" \
	eval "! subject_ok <(printf 'Subject: [PATCH 1/2] PCI: crash quiesce: add x\n')"
tap_check "cover letter: safety argument, prior art, measurements, limits" \
	eval "grep -q '^Safety argument' '$cover' && grep -q '^Prior art' '$cover' &&
		grep -q '^Measured' '$cover' && grep -q '^Known limits' '$cover'"
signed() { grep -qF "Signed-off-by: $git_name <$git_email>" "$1" && grep -qF "From: $git_name" "$1"; }
# Patches that add files only under drivers/pci/crash_quiesce/, which patch
# 1's MAINTAINERS entry already covers (the directory): checkpatch asks about
# MAINTAINERS for any new file, so that one question is left out for them.
checkpatch() {
	local out ignore=()
	! grep -q '^+++ b/MAINTAINERS$' "$1" &&
		! grep -A1 '^--- /dev/null$' "$1" | grep '^+++ b/' | grep -qv '^+++ b/drivers/pci/crash_quiesce/' &&
		ignore=(--ignore FILE_PATH_CHANGES)
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
