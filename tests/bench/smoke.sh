#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check's smoke test of make bench: tests/bench/run.sh on the smallest
# topology (8 functions: the q35 chipset's 4, an nvme on the root bus, which
# no bus reset reaches and which has a Function Level Reset, and a root port
# with an e1000e and an nvme below it), then checks on what it measured that
# hold whatever the machine's speed. No time is asserted: times are only
# checked to be there.
#
#   tests/bench/smoke.sh [LINE]       (default: 6.12)
#
# Checks (TAP):
# - the bench module builds (W=1, sparse) and all three kdump cycles run;
# - the snapshot holds every function the topology gave QEMU;
# - the real walk, split in the bench into a quiesce and function reset
#   phase and a bus reset phase, makes exactly the reads and writes its dry
#   run counted;
# - the plan gives the root-bus nvme an FLR; the walk resets it (its Bus
#   Master set by the bench hook), at exactly 2 accesses more than the same
#   walk without function resets (the Transactions Pending read and the FLR
#   write; none pending under QEMU);
# - the snapshot grows by at most 64 bytes per function (SPEC §9);
# - the floor is a lower bound on the walk's reads and needs the walk's
#   writes, no fewer;
# - the sequential way makes the same accesses as the shared reset: one
#   Bridge Control read, an assert and a release per planned reset (the two
#   differ only in their holds);
# - the module run's crashed kernel printed its summary line, state done,
#   with as many functions as the dry run; the control run (no module) has
#   none, so the parser can tell the two apart;
# - the CSV has one row of as many fields as its header, the SVG is
#   well-formed with one line per series (ours, floor, sequential).
# Run directory: out/check/bench/.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/lib/tap.sh
. "$ROOT/tests/lib/tap.sh"

line="${1:-6.12}"
out="$ROOT/out/check/bench"
rm -rf "$out"
mkdir -p "$out"

if "$ROOT/tests/bench/run.sh" -k "$line" -s 8 -o "$out" >"$out/run.log" 2>&1; then
	tap_ok "bench $line: module built (W=1 C=1), bench, module and control cycles ran"
else
	tap_not_ok "bench $line: module built (W=1 C=1), bench, module and control cycles ran" \
		"$(tail -n 5 "$out/run.log")"
fi

env="$out/8.env"
# v KEY: a value of the run's key=value file, empty if absent
v() { sed -n "s/^$1=//p" "$env" 2>/dev/null | head -n 1; }
# is NAME GOT WANT: equal and not empty
is() {
	if [[ -n "$2" && "$2" == "$3" ]]; then
		tap_ok "$1 ($2)"
	else
		tap_not_ok "$1" "got '$2', want '$3'"
	fi
}
# add A B: A + B, empty unless both are numbers
add() { [[ "$1" =~ ^[0-9]+$ && "$2" =~ ^[0-9]+$ ]] && echo $(($1 + $2)); }
# sub A B: A - B, empty unless both are numbers
sub() { [[ "$1" =~ ^[0-9]+$ && "$2" =~ ^[0-9]+$ ]] && echo $(($1 - $2)); }
# le NAME A B: A <= B, both numbers
le() {
	if [[ "$2" =~ ^[0-9]+$ && "$3" =~ ^[0-9]+$ ]] && (($2 <= $3)); then
		tap_ok "$1 ($2 <= $3)"
	else
		tap_not_ok "$1" "got '$2' and '$3'"
	fi
}

is "bench: measurement valid" "$(v b_bench_valid)" 1
is "bench: snapshot holds every function of the topology" \
	"$(v b_bench_functions)" "$(v topo_functions)"
# The bus reset part's copy plans no quiesce step: it visits each bridge it
# resets (IDs, header type, Command) as a walk does for a bridge its quiesce
# phase did not reach. The whole walk reads the IDs and Command once; the
# header type only for a bridge it resets, so the function reset part's copy,
# which plans no bus reset, does not read it: 2 reads per reset twice.
is "bench: real walk reads = dry run reads, + 2 per bus reset visited again" \
	"$(add "$(v b_bench_fn_reads)" "$(v b_bench_reset_reads)")" \
	"$(add "$(v b_dry_config_reads)" "$((2 * $(v b_bench_resets)))")"
is "bench: real walk writes = dry run planned writes" \
	"$(add "$(v b_bench_fn_writes)" "$(v b_bench_reset_writes)")" "$(v b_dry_planned_writes)"
flr="$(v topo_rciep_flr)"
is "bench: the hook set Bus Master on every function planned for an FLR" \
	"$(v b_hook_bus_master_set)" "$flr"
is "bench: function resets planned, mastering, made = the topology's FLR functions" \
	"$(v b_bench_fresets)/$(v b_bench_fn_master)/$(v b_bench_fn_functions_reset)" "$flr/$flr/$flr"
is "bench: dry run counts the same function resets" "$(v b_dry_functions_reset)" "$flr"
is "bench: an FLR costs 2 accesses (walk with function resets - without, per reset)" \
	"$(sub "$(add "$(v b_bench_fn_reads)" "$(v b_bench_fn_writes)")" \
		"$(add "$(v b_bench_quiesce_reads)" "$(v b_bench_quiesce_writes)")")/$(v b_bench_fn_tp_pending)" \
	"$((2 * flr))/0"
le "bench: floor reads <= walk reads" "$(v b_bench_floor_reads)" "$(v b_dry_config_reads)"
is "bench: floor writes = walk writes" "$(v b_bench_floor_writes)" "$(v b_dry_planned_writes)"
resets="$(v b_bench_resets)"
if [[ "$resets" =~ ^[1-9][0-9]*$ ]]; then
	tap_ok "bench: the plan resets ($resets bridge)"
else
	tap_not_ok "bench: the plan resets" "resets='$resets'"
fi
is "bench: shared reset accesses = 4 reads (the bridge verified: IDs, header type, Command; Bridge Control) + 2 writes per reset" \
	"$(v b_bench_shared_reads)/$(v b_bench_shared_writes)" "$((4 * resets))/$((2 * resets))"
is "bench: sequential accesses = shared accesses" \
	"$(v b_bench_seq_reads)/$(v b_bench_seq_writes)" \
	"$(v b_bench_shared_reads)/$(v b_bench_shared_writes)"

# SPEC §9: at most 64 bytes per function (facts, plan step, walk scratch)
nfn="$(v b_bench_functions)"
le "bench: the snapshot's bytes beyond its header <= 64 per function (SPEC §9; $nfn functions)" \
	"$(sub "$(v b_bench_snapshot_bytes)" "$(v b_bench_snapshot_header_bytes)")" \
	"$([[ "$nfn" =~ ^[0-9]+$ ]] && echo $((64 * nfn)))"

is "module run: summary line, state done" "$(v m_panic_state)" "done"
is "module run: functions quiesced at panic = dry run" \
	"$(v m_panic_functions)" "$(v b_dry_functions_quiesced)"
state="$(v c_panic_state)"
if [[ -z "$state" ]]; then
	tap_ok "control run (no module): no summary line"
else
	tap_not_ok "control run (no module): no summary line" "panic_state=$state"
fi
for k in module:m control:c; do
	t="$(v "${k#*:}_panic_to_capture_s")"
	if [[ "$t" =~ ^[0-9]+\.[0-9]+$ ]]; then
		tap_ok "${k%:*} run: panic to capture-kernel init measured"
	else
		tap_not_ok "${k%:*} run: panic to capture-kernel init measured" "got '$t'"
	fi
done

csv="$out/bench.csv"
if [[ -s "$csv" ]] && awk -F, 'NR == 1 { n = NF } NR > 1 && NF != n { exit 1 }
	END { exit !(NR == 2 && n > 10) }' "$csv" &&
	[[ "$(awk -F, 'NR == 2 { print $1 }' "$csv")" == 8 ]]; then
	tap_ok "bench.csv: header and one row of 8 functions, same field count"
else
	tap_not_ok "bench.csv: header and one row of 8 functions, same field count" \
		"$(head -c 400 "$csv" 2>/dev/null)"
fi
tap_check "bench.svg: well-formed, one line per series" python3 -c '
import sys, xml.etree.ElementTree as ET
lines = ET.parse(sys.argv[1]).getroot().iter("{http://www.w3.org/2000/svg}polyline")
n = sum(1 for _ in lines)
sys.exit(0 if n >= 3 else "%d polylines" % n)' "$out/bench.svg"

tap_done
