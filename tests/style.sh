#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel style of every source file: checkpatch.pl --strict (from Debian's
# linux-source-6.12) and kernel-doc warnings. One TAP line per file.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tests/lib/tap.sh
. "$ROOT/tests/lib/tap.sh"

KSRC="$("$ROOT/scripts/kernel-source.sh")"
cd "$ROOT"
mapfile -t files < <(git ls-files 'kernel/*.[ch]' 'drivers/*.[ch]' 'include/*.h' 'compat/*.[ch]' \
	'tests/bench/module/*.c' 'tests/debug-kernel/fault/*.[ch]')

# Each prints its findings and fails if there are any.
checkpatch() {
	local out
	out="$("$KSRC/scripts/checkpatch.pl" --strict --no-tree --terse -f "$1" | grep -v '^total:')"
	[[ -z "$out" ]] || { echo "$out"; return 1; }
}
kerneldoc() {
	local out
	out="$("$KSRC/scripts/kernel-doc" -none -Wall "$1" 2>&1)"
	[[ -z "$out" ]] || { echo "$out"; return 1; }
}

for f in "${files[@]}"; do
	tap_check "checkpatch --strict $f" checkpatch "$f"
	tap_check "kernel-doc $f" kerneldoc "$f"
done
mapfile -t scripts < <(git ls-files '*.sh' .ci/run tests/qemu/guest/init)
tap_check "shellcheck (${#scripts[@]} scripts)" shellcheck -x "${scripts[@]}"
tap_done
