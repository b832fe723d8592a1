#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scenario 15 of SPEC §7, CXL memory is never reset: q35 with a CXL host
# bridge, a CXL Type 3 memory device behind a CXL root port, a second CXL
# root port empty, and an e1000e behind an ordinary root port (topology
# q35-cxl). The plan gives the memory device no reset (reset=none:cxl-memory),
# its root port no bus reset (its subtree holds CXL memory) and the empty
# CXL port none either (its bus reset masked); after the panic the trace
# has no bus reset of either CXL port and no write to the memory device
# but Command, while the ordinary root port is reset (control: the trace
# check sees resets); the capture kernel comes up.
#
#   tests/e2e/cxl.sh [LINE...]      (default: 6.1 6.12)

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

[[ $# -gt 0 ]] || set -- 6.1 6.12

# dev NAME AWK-COND: the BDF (without 0000:) of the devices line matching
dev() {
	sed -n 's/^.*CQ-DEBUGFS: devices: //p' "$OUT/$1/serial.log" | tr -d '\r' |
		awk "$2 { b = \$1; sub(/^0000:/, \"\", b); print b; exit }"
}
plan_line() { grep -a "CQ-DEBUGFS: plan: [0-9]* quiesce 0000:$2 " "$OUT/$1/serial.log" | tr -d '\r'; }
# no_write NAME BDF OFFSET: no panic-segment write to BDF at OFFSET
no_write() { ! grep -qE "^panic .* $2 $3 " "$OUT/$1/segments.txt"; }
# writes_to NAME BDF: the offsets of BDF's panic-segment writes
writes_to() { awk -v b="$2" '$1 == "panic" && $4 == b { print $5 }' "$OUT/$1/segments.txt" | sort -u | tr '\n' ' '; }

mkdir -p "$OUT"
lines=()
for line in "$@"; do
	line_module "$line" || continue
	cycle "cxl-$line" "$kver" q35-cxl -m "$ko" -c cq.xhook=sysfsdump &
	lines+=("$line")
	[[ ${#lines[@]} -lt 2 ]] || wait
done
wait

for line in "${lines[@]}"; do
	r="cxl-$line"
	# shellcheck disable=SC2016 # awk conditions
	mem="$(dev "$r" '$3 ~ /^class=0502/')"
	# the CXL root ports: not on bus 0; the one with the memory device first
	# shellcheck disable=SC2016 # awk conditions
	crp="$(dev "$r" '$5 == "parent=-" && $4 == "type=root-port" && $1 !~ /^0000:00:/')"
	empty="$(sed -n 's/^.*CQ-DEBUGFS: devices: //p' "$OUT/$r/serial.log" | tr -d '\r' |
		awk '$4 == "type=root-port" && $1 !~ /^0000:00:/ { b = $1; sub(/^0000:/, "", b); if (n++) { print b; exit } }')"
	tap_check "$line cxl: capture kernel up" serial_has "$r" "CQ-MARK: capture-up"
	tap_check "$line cxl: the CXL memory device ${mem:-?} gets no reset (reset=none:cxl-memory)" \
		grep -qE "CQ-DEBUGFS: devices: 0000:$mem .* reset=none:cxl-memory([[:space:]]|$)" "$OUT/$r/serial.log"
	tap_check "$line cxl: its CXL root port ${crp:-?} is not reset: the plan says its subtree holds $mem ($(plan_line "$r" "$crp" | sed 's/.*; //'))" \
		eval "plan_line $r $crp | grep -q 'no reset: subtree holds 0000:$mem'"
	tap_check "$line cxl: the empty CXL root port ${empty:-?} is not reset: bus reset masked ($(plan_line "$r" "$empty" | sed 's/.*; //'))" \
		eval "plan_line $r $empty | grep -q 'no reset: cxl-sbr-masked'"
	tap_check "$line cxl: no bus reset of either CXL port after the panic" \
		eval "[[ -n '$crp' && -n '$empty' ]] && no_write $r $crp 0x3e && no_write $r $empty 0x3e"
	tap_check "$line cxl: the memory device got no write but Command's ($(writes_to "$r" "$mem"))" \
		eval "[[ -n '$mem' && '$(writes_to "$r" "$mem")' =~ ^(0x4\ )?$ ]]"
	tap_check "$line cxl: the ordinary root port 00:01.0 was reset (control)" \
		eval "! no_write $r 00:01.0 0x3e"
	tap_check "$line cxl: tools/pcq-plan --sysfs on the guest's tree lists what debugfs did" \
		plan_matches "$r"
	check_writes "$r"
done
tap_done
