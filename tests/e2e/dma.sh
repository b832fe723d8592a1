#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scenario 3 of SPEC §7, "DMA really stops": an e1000e behind a PCIe root
# port keeps receiving frames from the host after the crash; does any of
# them land in the crashed kernel's memory, i.e. in the dump? Three kdump
# cycles per kernel (tests/qemu/dma-cycle.sh): a control without the module,
# which must find the marker (else the check is broken and everything
# fails), and the module with reset=bus and with reset=none, which must find
# none. Then the same with a capture kernel that loads e1000e and brings
# the link up before it scans, as kdump to a network target does: the
# driver sets Bus Master again before it resets the card, so whatever a
# card that was only parked queued lands in the dump; a control without
# the module must find the marker, the module (reset=auto, the default:
# the root port's bus reset) none. Then a DMA source that no bus reset
# reaches (a virtio-net-pci behind a root port listed in skip) and that has
# an FLR: the control finds the marker, the module (Bus Master off, then
# the FLR) none. One TAP line per run.
#
#   tests/e2e/dma.sh [LINE...]      (default: 6.1 6.12)
#   CQ_DMA_CORE=1 tests/e2e/dma.sh LINE...
#                                   the core runs only: the control and
#                                   reset=bus, and the pair whose capture
#                                   kernel loads the driver (for a kernel
#                                   line whose device scenarios run on
#                                   another line)
#
# Needs tests/build-matrix.sh to have built out/modules/<kver>/. Run
# directories are kept as out/e2e/dma-LINE-{control,reset-bus,reset-none,
# load-control,load,virtio-control,virtio-flr}/
# (dma.env has the numbers), their logs beside them. Two QEMUs at a time.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

[[ $# -gt 0 ]] || set -- 6.1 6.12

# run NAME KVER [dma-cycle options...]: one cycle into $OUT/NAME
run() { run_bg "$Q/dma-cycle.sh" "$@"; }

# get NAME KEY: KEY from $OUT/NAME/dma.env (empty if absent)
get() { env_get "$OUT/$1/dma.env" "$2"; }

# frames NAME: what the host sent after the capture kernel started booting
frames() {
	printf 'host sent %s frames after capture start, %s before the scan; QEMU took %s, the NIC wrote %s to guest memory' \
		"$(get "$1" frames_offered)" "$(get "$1" frames_before_scan)" \
		"$(get "$1" frames_accepted)" "$(get "$1" rx_to_guest_after_panic)"
}

# check_control NAME LABEL: the marker must be in the dump
check_control() {
	local n
	n="$(get "$1" markers)"
	if [[ "$(get "$1" result)" != pass ]]; then
		tap_not_ok "$2 control: markers reached the dump" "run failed: $(get "$1" reason) (see $OUT/$1.log)"
	elif [[ "${n:-0}" -gt 0 ]]; then
		tap_ok "$2 control: markers reached the dump (N=$n; $(frames "$1"))"
	else
		tap_not_ok "$2 control: markers reached the dump" \
			"N=0 without the module: the check is broken ($(frames "$1"))"
	fi
}

# check_module NAME LABEL CONTROL WANT_RESET: no marker in the dump, and the
# module ran (summary line) with the expected bridge reset (>0 or 0)
check_module() {
	local name="$1" label="$2" n q r c why=''
	n="$(get "$name" markers)" q="$(get "$name" quiesced)" r="$(get "$name" reset)"
	c="$(get "$3" markers)"
	if [[ "$(get "$name" result)" != pass ]]; then
		why="run failed: $(get "$name" reason) (see $OUT/$name.log)"
	elif [[ "${c:-0}" -eq 0 ]]; then
		why="the control run found no marker: a zero here proves nothing"
	elif [[ -z "$q" ]]; then
		why="no summary line from the module in the crashed kernel's log"
	elif [[ "$4" == yes && "$r" -eq 0 ]] || [[ "$4" == no && "$r" -ne 0 ]]; then
		why="unexpected bridge resets: $r"
	elif [[ "$(get "$name" frames_offered)" -le 0 ]]; then
		why="the host sent no frame after the capture kernel started"
	elif [[ "$n" != 0 ]]; then
		why="N=$n markers in the dump ($(frames "$name"))"
	fi
	if [[ -z "$why" ]]; then
		tap_ok "$label: no marker in the dump (N=0; $(frames "$name"); quiesced $q, reset $r bridges, $(get "$name" panic_us) us)"
	else
		tap_not_ok "$label: no marker in the dump" "$why"
	fi
}

mkdir -p "$OUT"
lines=() full=()
load='cq.dma.kmods=e1000e cq.dma.up=1 cq.dma.wait=2'
vmods=virtio_pci,virtio_net	# virtio_pci is built into Debian's 6.12, a module in 6.1
vload="cq.dma.kmods=$vmods cq.dma.up=1 cq.dma.wait=2"
# flr_made NAME BDF: a panic-segment write of Device Control with BCR_FLR
# (0x8000) to BDF, not to Command
flr_made() {
	awk -v b="$2" '$1 == "panic" && $4 == b && $5 != "0x4" && length($6) >= 6 &&
		index("89abcdef", substr($6, length($6) - 3, 1)) { f = 1 } END { exit !f }' \
		"$OUT/$1/segments.txt"
}
# the capture kernel loaded the driver and brought the link up
loaded() { grep -q 'CQ-DMA: up ' "$OUT/$1/serial.log"; }
for line in "$@"; do
	line_module "$line" || continue
	rm -rf "$OUT/dma-$line"-{control,reset-bus,reset-none,load-control,load,virtio-control,virtio-flr}
	run "dma-$line-control" "$kver"
	run "dma-$line-reset-bus" "$kver" -m "$ko" -a reset=bus
	run "dma-$line-load-control" "$kver" -C e1000e -c "$load"
	run "dma-$line-load" "$kver" -m "$ko" -C e1000e -c "$load"
	lines+=("$line")
	[[ -z "${CQ_DMA_CORE:-}" ]] || continue
	run "dma-$line-reset-none" "$kver" -m "$ko" -a reset=none
	run "dma-$line-virtio-control" "$kver" -t q35-virtio -K "$vmods" -C "$vmods" -c "$vload"
	run "dma-$line-virtio-flr" "$kver" -t q35-virtio -K "$vmods" -C "$vmods" -c "$vload" \
		-m "$ko" -a skip=0000:00:01.0
	full+=("$line")
done
wait

for line in "${lines[@]}"; do
	check_control "dma-$line-control" "$line"
	check_module "dma-$line-reset-bus" "$line reset=bus" "dma-$line-control" yes
	check_control "dma-$line-load-control" "$line capture loads e1000e,"
	check_module "dma-$line-load" "$line capture loads e1000e, reset=auto" "dma-$line-load-control" yes
	for r in load-control load; do
		tap_check "$line dma-$r: the capture kernel loaded the NIC's driver and brought the link up" \
			loaded "dma-$line-$r"
	done
done
for line in "${full[@]}"; do
	check_module "dma-$line-reset-none" "$line reset=none" "dma-$line-control" no
	# a DMA source no bus reset reaches (its root port is skipped), with an
	# FLR of its own: virtio-net-pci behind a root port
	check_control "dma-$line-virtio-control" "$line virtio-net, capture loads virtio_net,"
	check_module "dma-$line-virtio-flr" "$line virtio-net under a skipped root port, FLR" \
		"dma-$line-virtio-control" yes
	tap_check "$line dma-virtio-flr: devices plans an FLR for 01:00.0" \
		grep -q 'CQ-DEBUGFS: devices: 0000:01:00.0 .* reset=flr' "$OUT/dma-$line-virtio-flr/serial.log"
	tap_check "$line dma-virtio-flr: the trace has the FLR of 01:00.0 after the panic" \
		flr_made "dma-$line-virtio-flr" 01:00.0
	tap_check "$line dma-virtio-control: no FLR without the module (control)" \
		eval "! flr_made dma-$line-virtio-control 01:00.0"
	for r in virtio-control virtio-flr; do
		tap_check "$line dma-$r: the capture kernel loaded the NIC's driver and brought the link up" \
			loaded "dma-$line-$r"
	done
done
tap_done
