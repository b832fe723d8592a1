#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The documentation names exactly what the code has (SPEC §10, issue 6):
# parameters (from modinfo of the built module), debugfs files and last_run
# keys (from the QEMU life-cycle run, out/e2e/<line>-life/serial.log),
# against the admin-guide page and the README; and every kernel log line
# they quote ("pci_crash_quiesce: ...") is one the code's pr_*() formats
# print, the summary line's suffixes all explained. One TAP line per
# comparison.
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

# Log lines. The formats: every one-line pr_*() format of the driver and its
# compat files, as an ERE for what it prints after pr_fmt's prefix. The
# summary line's seven %s are its suffixes, in the order pcq_panic_walk()
# prints them; each suffix's text is checked to be core.c's own below.
CORE=drivers/pci/crash_quiesce/core.c
SUFFIX_RE='(, [0-9]+ not reached)?(, [0-9]+ CPUs not stopped)?(, clock stopped)?(, DMA stopped)?( \(dry run\)| \(aborted: [a-z-]+\))?'
suffixes=(', %u not reached' ', %u CPUs not stopped' ', clock stopped' ', DMA stopped' ' (dry run)' ' (aborted: ')
formats() {
	grep -ho 'pr_[a-z_]*("[^"]*\\n"' drivers/pci/crash_quiesce/*.c compat/*.c |
		sed 's/^pr_[a-z_]*("//; s/\\n"$//'
}
# fmt_re FORMAT: the ERE of the line FORMAT prints, with the prefix: the
# conversions become tokens, the rest is escaped, the tokens become EREs
fmt_re() {
	local r
	r="${1//%s%s%s%s%s%s%s/@SUFFIXES@}"
	r="$(printf '%s' "$r" | sed -e 's/%\(\.\*s\|ps\|s\)/@S@/g' \
		-e 's/%\(ll\|l\)\?u/@N@/g' -e 's/%\(ll\|l\)\?d/@D@/g' -e 's/%0\?[0-9]*x/@X@/g' \
		-e 's/[].[()*+?{}|^$\\]/\\&/g')"
	r="${r//@SUFFIXES@/$SUFFIX_RE}"
	r="${r//@S@/.*}"
	r="${r//@N@/[0-9]+}"
	r="${r//@D@/-?[0-9]+}"
	r="${r//@X@/[0-9a-f]+}"
	printf '^pci_crash_quiesce: %s$' "$r"
}
mapfile -t line_res < <(formats | while IFS= read -r f; do fmt_re "$f"; echo; done)
# printed LINE: some format prints LINE
printed() {
	local r
	for r in "${line_res[@]}"; do
		grep -qE -- "$r" <<<"$1" && return 0
	done
	return 1
}
# quoted FILE: the log lines FILE quotes, in code blocks or in backticks
quoted() { grep -o 'pci_crash_quiesce: [^`]*' "$1" | sed 's/[[:space:]]*$//'; }
# all_printed FILE: every line FILE quotes is printed by the code
all_printed() {
	local l n=0 bad=''
	while IFS= read -r l; do
		n=$((n + 1))
		printed "$l" || bad="$bad"$'\n'"  $l"
	done < <(quoted "$1")
	[[ $n -gt 0 && -z "$bad" ]] || { echo "$1: $n quoted, not printed by any format:$bad"; return 1; }
}
# summary_format: the summary line's format has its seven suffixes
summary_format() {
	local f
	f="$(formats | grep '^quiesced ')"
	[[ "$(grep -o '%s' <<<"$f" | wc -l)" == 7 && "$(fmt_re "$f")" == *"DMA stopped"* ]]
}
tap_check "log lines: the summary format is one line in $CORE with its seven suffixes" summary_format
missing=''
for x in "${suffixes[@]}"; do
	grep -qF -- "\"$x\"" "$CORE" || missing="$missing [$x]"
done
tap_check "log lines: every suffix the check knows is printed by $CORE" test -z "$missing"
tap_check "log lines: every one README.md quotes is printed by the code" all_printed README.md
tap_check "log lines: every one $RST quotes is printed by the code" all_printed "$RST"
quotes_summary() { quoted "$1" | grep -q '^pci_crash_quiesce: quiesced '; }
tap_check "log lines: README.md quotes the summary line" quotes_summary README.md
tap_check "log lines: $RST quotes the summary line" quotes_summary "$RST"
full='pci_crash_quiesce: quiesced 8 functions, reset 2 bridges, skipped 1 (mismatched 0) in 7246 us, reset 0 functions, 1 without reset, 2 not reached, 1 CPUs not stopped, clock stopped (aborted: budget)'
tap_check "log lines: a line with its suffixes is printed (control)" printed "$full"
not_printed() { ! printed "$1"; }
tap_check "log lines: suffixes out of order are not (control)" \
	not_printed "${full/clock stopped (aborted: budget)/DMA stopped, clock stopped}"
tap_check "log lines: a changed word is noticed (control)" not_printed "${full/bridges/bridge}"
# Each suffix explained: its words in both documents.
explained() {
	local x w missing=''
	for x in "${suffixes[@]}"; do
		w="${x//%u/N}"
		grep -qF -- "$w" "$1" || missing="$missing [$w]"
	done
	[[ -z "$missing" ]] || { echo "$1 does not explain:$missing"; return 1; }
}
tap_check "log lines: README.md explains every suffix of the summary line" explained README.md
tap_check "log lines: $RST explains every suffix of the summary line" explained "$RST"
tap_done
