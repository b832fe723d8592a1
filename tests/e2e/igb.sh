#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scenarios 13 and 14 of SPEC §7 (QEMU 10's igb, an 82576):
#
# 13. A root-bus NIC that replays DMA, with an FLR: igb on q35's pcie.0 (an
#     integrated endpoint at 00:03.0, so no bus reset reaches it) queues the
#     frames it gets while its Bus Master is off and writes them into the
#     crashed kernel's ring once a driver sets Bus Master again. The capture
#     kernel loads igb and brings the link up. Control: marker frames in the
#     dump; module: the FLR in the trace and none. And the case that stays a
#     gap: the same igb with its FLR off (x-pcie-flr-init=off) has a PM reset
#     as the kernel's method, which QEMU does not implement, so that the
#     card is only parked there: the plan says pm, the trace has the D3hot
#     write, and the frames still land (on hardware, the capture kernel's
#     move back to D0 resets a function whose No_Soft_Reset is clear).
# 14. VFs that do DMA: two igb VFs bound to igbvf in the crashed kernel,
#     receiving while the capture kernel boots (it loads no driver). Control:
#     marker frames in the dump, and writes to the VFs' queues after the
#     panic in QEMU's trace; module (default, and reset=none): none. And an
#     idle PF (bound to pci-pf-stub, Bus Master off) whose VFs have Bus
#     Master on: its FLR is made for its VFs (in the trace), and the summary
#     counts the PF and its 2 VFs as reset, none without; control: the same
#     VFs idle, no FLR, nothing counted.
#
#   tests/e2e/igb.sh [LINE...]      (default: 6.1 6.12)
#   CQ_IGB_CORE=1 tests/e2e/igb.sh LINE...
#                                   scenario 13's FLR case alone (control
#                                   and module): make check's run on 6.1
#
# Needs tests/build-matrix.sh to have built out/modules/<kver>/, and QEMU 10
# (the harness's default). Run directories: out/e2e/igb-LINE-*/.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"
# shellcheck source=tests/qemu/lib.sh
. "$Q/lib.sh" # the trace markers

[[ $# -gt 0 ]] || set -- 6.1 6.12

PF=00:03.0
# the capture kernel loads igb and brings the link up before it counts
load=(-C igb -c "cq.dma.kmods=igb cq.dma.up=1" -w 2)
vfs=(-t q35-igb -K "igb,igbvf" -c "cq.hook=vfs cq.vfs.up=1")

get() { env_get "$OUT/$1/dma.env" "$2"; }
num() { local v; v="$(get "$1" "$2")"; echo "${v:-0}"; }
run() { run_bg "$Q/dma-cycle.sh" "$@"; }

# flr_made NAME BDF: a panic-segment write of Device Control with BCR_FLR
# (0x8000) to BDF
flr_made() {
	awk -v b="$2" '$1 == "panic" && $4 == b && $5 != "0x4" && length($6) >= 6 &&
		index("89abcdef", substr($6, length($6) - 3, 1)) { f = 1 } END { exit !f }' \
		"$OUT/$1/segments.txt"
}
# d3hot_made NAME BDF: a panic-segment write of PowerState D3hot (3) to BDF
d3hot_made() {
	awk -v b="$2" '$1 == "panic" && $4 == b && $5 != "0x4" && $5 != "0x3e" {
		v = $6; sub(/^0x/, "", v); if (index("37bf", substr(v, length(v), 1))) f = 1 }
		END { exit !f }' "$OUT/$1/segments.txt"
}
# vf_rx NAME: frames written to the VFs' queues (0, 1, 8, 9 with 2 VFs)
# after the panic-start marker
vf_rx() {
	awk -v ps="$CQ_MAGIC_PANIC_START" '
		/pci_cfg_write/ && / 00:00.0 @0x0 <- / && $NF == ps { p = 1 }
		p && /:e1000e_rx_written_to_guest / { q = $NF; gsub(/[^0-9]/, "", q); if (q % 8 < 2) n++ }
		END { print n + 0 }' "$OUT/$1/trace.log"
}
frames() {
	printf 'host sent %s frames after the crash, the NIC wrote %s to guest memory after it' \
		"$(num "$1" frames_offered)" "$(num "$1" rx_to_guest_after_panic)"
}
ran() { [[ "$(get "$1" result)" == pass ]]; }
markers_gt0() { ran "$1" && [[ "$(num "$1" markers)" -gt 0 ]]; }
markers_0() { ran "$1" && [[ -n "$(get "$1" quiesced)" && "$(get "$1" markers)" == 0 ]]; }
# (grep -c reads to the end: with pipefail, grep -q would cut tr off with SIGPIPE)
plan_has() { [[ "$(tr -d '\r' <"$OUT/$1/serial.log" | grep -cE "CQ-DEBUGFS(-VFS)?: devices: 0000:$2 .* reset=$3( |$)")" -gt 0 ]]; }
# without NAME: the summary's count of bus-mastering functions left without a reset
without() { sed -n 's/.*CQ-DMESG: .*, \([0-9]*\) without reset.*/\1/p' "$OUT/$1/serial.log" | tail -n1; }
# vfs_masters NAME KIND: how many of the hook's KIND (pf, vf) lines show
# Bus Master on, and how many in all: "ON ALL"
vfs_masters() {
	local on=0 all=0 c
	while read -r c; do
		all=$((all + 1))
		(((16#${c#0x} & 4) == 0)) || on=$((on + 1))
	done < <(grep -ao "CQ-VFS: $2 .* cmd=0x[0-9a-f]*" "$OUT/$1/serial.log" | sed 's/.*cmd=//')
	echo "$on $all"
}

mkdir -p "$OUT"
lines=()
for line in "$@"; do
	line_module "$line" || continue
	p="igb-$line"
	rm -rf "$OUT/$p"-*
	run "$p-control" "$kver" -t q35-igb -K igb "${load[@]}"
	run "$p-flr" "$kver" -t q35-igb -K igb "${load[@]}" -m "$ko"
	if [[ -n "${CQ_IGB_CORE:-}" ]]; then
		wait
		lines+=("$line")
		continue
	fi
	run "$p-pm-control" "$kver" -t q35-igb-pm -K igb "${load[@]}"
	run "$p-pm" "$kver" -t q35-igb-pm -K igb "${load[@]}" -m "$ko"
	run "$p-vf-control" "$kver" "${vfs[@]}"
	run "$p-vf" "$kver" "${vfs[@]}" -m "$ko"
	run "$p-vf-none" "$kver" "${vfs[@]}" -m "$ko" -a reset=none
	wait
	cycle "$p-idle" "$kver" q35-igb -K pci-pf-stub -m "$ko" \
		-c "cq.hook=vfs cq.vfs.pfdriver=pci-pf-stub cq.vfs.bme=1" &
	cycle "$p-idle-control" "$kver" q35-igb -K pci-pf-stub -m "$ko" \
		-c "cq.hook=vfs cq.vfs.pfdriver=pci-pf-stub" &
	wait
	lines+=("$line")
done

for line in "${lines[@]}"; do
	p="igb-$line"
	# 13: the root-bus igb, capture kernel loading its driver
	tap_check "$line igb on the root bus, control: markers in the dump ($(num "$p-control" markers); $(frames "$p-control"))" \
		markers_gt0 "$p-control"
	tap_check "$line igb: the plan resets 00:03.0 by FLR" plan_has "$p-flr" "$PF" flr
	tap_check "$line igb, module: no marker in the dump ($(num "$p-flr" markers); control $(num "$p-control" markers); $(frames "$p-flr"))" \
		eval "markers_gt0 $p-control && markers_0 $p-flr"
	tap_check "$line igb, module: the FLR of 00:03.0 in the trace after the panic" flr_made "$p-flr" "$PF"
	tap_check "$line igb, control: no FLR without the module (control)" eval "! flr_made $p-control $PF"
	for r in control flr pm-control pm; do
		[[ -z "${CQ_IGB_CORE:-}" || $r == control || $r == flr ]] || continue
		tap_check "$line igb-$r: the capture kernel loaded igb and brought the link up" \
			grep -q 'CQ-DMA: up ' "$OUT/$p-$r/serial.log"
	done
	[[ -z "${CQ_IGB_CORE:-}" ]] || continue
	# 13, the gap: FLR off, the kernel's method a PM reset QEMU does not make
	tap_check "$line igb, FLR off: the plan says pm, the kernel's first method" plan_has "$p-pm" "$PF" pm
	tap_check "$line igb, FLR off, module: the D3hot write in the trace, no FLR" \
		eval "d3hot_made $p-pm $PF && ! flr_made $p-pm $PF"
	tap_check "$line igb, FLR off: only parked under QEMU, whose D3hot->D0 resets nothing: markers still in the dump ($(num "$p-pm" markers); control $(num "$p-pm-control" markers))" \
		eval "markers_gt0 $p-pm-control && markers_gt0 $p-pm"

	# 14: VFs doing DMA
	tap_check "$line igb VFs: enabled and bound to igbvf" \
		eval "[[ \$(grep -c 'CQ-VFS: vf .* driver=igbvf' $OUT/$p-vf-control/serial.log) -eq 2 ]]"
	tap_check "$line igb VFs, control: the VFs wrote after the panic ($(vf_rx "$p-vf-control") frames to their queues) and markers are in the dump ($(num "$p-vf-control" markers))" \
		eval "markers_gt0 $p-vf-control && [[ \$(vf_rx $p-vf-control) -gt 0 ]]"
	tap_check "$line igb VFs: the plan reaches both VFs by their PF's FLR" \
		eval "[[ \$(grep -cE 'CQ-DEBUGFS-VFS: devices: .* reset=pf pf=0000:$PF' $OUT/$p-vf/serial.log) -eq 2 ]]"
	for r in vf vf-none; do
		tap_check "$line igb VFs, module ${r#vf}: no marker in the dump ($(num "$p-$r" markers)), no VF write after the panic ($(vf_rx "$p-$r"))" \
			eval "markers_gt0 $p-vf-control && markers_0 $p-$r && [[ \$(vf_rx $p-$r) -eq 0 ]]"
	done
	tap_check "$line igb VFs, module: the PF's FLR in the trace" flr_made "$p-vf" "$PF"
	# 14: the idle PF
	idle="$OUT/$p-idle/serial.log"
	tap_check "$line idle PF: bound to pci-pf-stub, Bus Master off, 2 VFs with Bus Master on" \
		eval "grep -q 'CQ-VFS: pf 0000:$PF driver=pci-pf-stub ' $idle &&
			[[ \"\$(vfs_masters $p-idle pf)\" == '0 1' && \"\$(vfs_masters $p-idle vf)\" == '2 2' ]]"
	tap_check "$line idle PF: its FLR made for its VFs (trace)" flr_made "$p-idle" "$PF"
	tap_check "$line idle PF: the summary counts the PF and its 2 VFs reset" \
		grep -qE 'CQ-DMESG: .*reset 3 functions, ' "$idle"
	tap_check "$line idle PF: no VF left without a reset: $(without "$p-idle") without, as with the VFs idle ($(without "$p-idle-control"): functions with no reset method)" \
		eval "[[ -n '$(without "$p-idle")' && '$(without "$p-idle")' == '$(without "$p-idle-control")' ]]"
	tap_check "$line idle PF: the plan's FLR step says it is for the VFs too" \
		grep -q "CQ-DEBUGFS-VFS: plan: [0-9]* flr 0000:$PF if bus master, or a VF it resets is" "$idle"
	tap_check "$line idle PF, VFs idle too: no FLR, nothing counted (control)" \
		eval "! flr_made $p-idle-control $PF && grep -qE 'CQ-DMESG: .*reset 0 functions' $OUT/$p-idle-control/serial.log"
done
tap_done
