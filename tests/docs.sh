#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The documentation names exactly what the code has (SPEC §10, issue 6):
# parameters (from modinfo of the built module), debugfs files and last_run
# keys (from the QEMU life-cycle run, out/e2e/<line>-life/serial.log),
# against the admin-guide page and the README. One TAP line per comparison.
#
#   tests/docs.sh [LINE]      (default: 6.12)

# shellcheck disable=SC2016 # the backticks in the sed patterns are literal
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tests/lib/tap.sh
. "$ROOT/tests/lib/tap.sh"
cd "$ROOT"

line="${1:-6.12}"
kver="$(scripts/fetch-kernels.sh --resolve "$line")"
ko="out/modules/$kver/pci_crash_quiesce.ko"
life="out/e2e/$line-life/serial.log"
RST=Documentation/admin-guide/kdump/pci-crash-quiesce.rst

# same WHAT A B: the two word lists name the same set
same() {
	local a b
	a="$(tr ' ' '\n' <<<"$2" | sed '/^$/d' | sort -u | tr '\n' ' ')"
	b="$(tr ' ' '\n' <<<"$3" | sed '/^$/d' | sort -u | tr '\n' ' ')"
	[[ -n "$a" && "$a" == "$b" ]] || { echo "$1: code has [$a], docs have [$b]"; return 1; }
}

# section TITLE: the body of an rst section
section() { awk -v t="$1" '$0 == t { on = 1; getline; next } on && /^[=]+$/ { exit } on' "$RST" | sed '$d'; }

params="$(modinfo -F parm "$ko" | cut -d: -f1 | tr '\n' ' ')"
rst_params="$(section Parameters | sed -n 's/^``\([a-z_]*\)`` (.*/\1/p' | tr '\n' ' ')"
readme_params="$(sed -n 's/^| `\([a-z_]*\)` | .*/\1/p' README.md | tr '\n' ' ')"
tap_check "parameters: modinfo matches $RST" same parameters "$params" "$rst_params"
tap_check "parameters: modinfo matches README.md" same parameters "$params" "$readme_params"
differs() { ! same "$@" >/dev/null; }
tap_check "parameters: a missing one is noticed (control)" differs parameters "$params" "${rst_params/skip/}"

files="$(sed -n 's/.*CQ-LIFE: INFO debugfs-files: //p' "$life" | tr -d '\r' | head -n1)"
rst_files="$(section debugfs | sed -n 's/^``\([a-z_]*\)``$/\1/p' | tr '\n' ' ')"
readme_files="$(sed -n '/^### debugfs/,/^###/s/^- `\([a-z_]*\)`.*/\1/p' README.md | tr '\n' ' ')"
tap_check "debugfs: the directory matches $RST" same debugfs "$files" "$rst_files"
tap_check "debugfs: the directory matches README.md" same debugfs "$files" "$readme_files"

keys="$(sed -n 's/.*CQ-LASTRUN-DRY: \([a-z_]*\)=.*/\1/p' "$life" | tr '\n' ' ')"
missing=''
for k in $keys; do
	grep -q "\`\`$k\`\`" "$RST" || missing="$missing $k"
done
tap_check "last_run: every key is documented in $RST" test -z "$missing"
missing=''
for k in $keys; do
	grep -qE "\`${k}[\`=]" README.md || missing="$missing $k"
done
tap_check "last_run: every key is documented in README.md" test -z "$missing"
tap_done
