#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SPEC §7.12: the kdump cycle, the config writes and "DMA really stops" on
# arm64: qemu-system-aarch64 -M virt with Debian's arm64 kernel and the
# module cross-built for it (tests/build-matrix.sh 6.12-arm64), booted with a
# device tree (topology virt: pci-host-generic) and through UEFI (virt-uefi:
# ACPI, MCFG, host bridge PNP0A08). Per topology: a cycle with the module and
# a control without it (scenarios 1 and 2), a DMA control that must find the
# marker in the dump and the module (reset=bus; on virt also reset=none)
# that must find none (scenario 3); and the life-cycle checks (dry_run_now
# makes no config write, parameters, permissions, unload) on virt. Two
# QEMUs at a time: 11 runs a line. A line listed in CQ_ARM64_CORE gets the
# core set only: the device-tree boot's cycle, its control and the DMA pair
# (reset=bus). One TAP line per check.
#
#   tests/e2e/arm64.sh [LINE...]      (default: 6.12-arm64)
#   CQ_ARM64_CORE="6.12-arm64" tests/e2e/arm64.sh newest-arm64 6.12-arm64
#
# Run directories are kept as out/e2e/LINE-TOPO{,-control,-dma-control,
# -dma-reset-bus,-dma-reset-none}/ (TOPO virt or virt-uefi), logs beside them.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

[[ $# -gt 0 ]] || set -- 6.12-arm64

# dma NAME KVER TOPO [dma-cycle options...]: one DMA run into $OUT/NAME
dma() {
	local name="$1" kver="$2" topo="$3"
	shift 3
	rm -rf "${OUT:?}/$name"
	"$Q/dma-cycle.sh" -t "$topo" -o "$OUT/$name" "$@" "$kver" >"$OUT/$name.log" 2>&1 || true
}
get() { env_get "$OUT/$1/dma.env" "$2"; }
dma_control() {
	[[ "$(get "$1" result)" == pass ]] || { echo "run failed: $(get "$1" reason)"; return 1; }
	[[ "$(get "$1" markers)" -gt 0 ]] || { echo "no marker without the module: the check is broken"; return 1; }
	echo "markers=$(get "$1" markers)"
}
dma_module() {
	[[ "$(get "$1" result)" == pass ]] || { echo "run failed: $(get "$1" reason)"; return 1; }
	[[ -n "$(get "$1" quiesced)" ]] || { echo "no summary line from the module"; return 1; }
	[[ "$(get "$1" frames_offered)" -gt 0 ]] || { echo "the host sent no frame"; return 1; }
	[[ "$(get "$1" markers)" == 0 ]] || { echo "markers=$(get "$1" markers) in the dump"; return 1; }
}
# fw NAME WANT: the primary's CQ-FW line has every word of WANT
fw() {
	local have w
	have="$(grep -ao 'CQ-FW: .*' "$OUT/$1/serial.log" | tr -d '\r')" || { echo "no CQ-FW line"; return 1; }
	for w in $2; do
		[[ " ${have#CQ-FW: } " == *" $w "* ]] || { echo "$have: no $w"; return 1; }
	done
}
all_ecam() {
	grep -q 'CQ-DEBUGFS: devices: .* access=ecam ' "$OUT/$1/serial.log" &&
		! grep -E 'CQ-DEBUGFS: devices: ' "$OUT/$1/serial.log" | grep -v ' access=ecam '
}

mkdir -p "$OUT"
for line in "$@"; do
	line_module "$line" || continue
	# a core line: the device-tree boot's cycle and DMA pair only
	core=0 topos='virt virt-uefi'
	[[ " ${CQ_ARM64_CORE:-} " != *" $line "* ]] || core=1 topos=virt
	for topo in $topos; do
		t="$line-$topo"
		case "$topo" in
		virt) want='acpi=0 mcfg=0 efi=0' resets='bus none' ;;
		virt-uefi) want='acpi=1 mcfg=1 efi=1 hid=PNP0A08' resets='bus' ;;
		esac
		[[ $core == 0 ]] || resets=bus
		rm -rf "${OUT:?}/$t" "$OUT/$t-control"
		# two QEMUs at a time: one per core
		cycle "$t" "$kver" "$topo" -m "$ko" &
		cycle "$t-control" "$kver" "$topo" &
		wait
		dma "$t-dma-control" "$kver" "$topo" &
		for r in $resets; do
			slot
			dma "$t-dma-reset-$r" "$kver" "$topo" -m "$ko" -a "reset=$r" &
		done
		wait

		tap_check "$t: firmware as booted ($want)" fw "$t" "$want"
		check_kdump "$t"
		tap_check "$t: every function uses the host bridge's ECAM" all_ecam "$t"
		tap_check "$t-control: capture kernel up without the module" \
			serial_has "$t-control" "CQ-MARK: capture-up"
		tap_check "$t-control: crashed kernel's log read from /proc/vmcore" \
			serial_has "$t-control" "CQ-MARK: dmesg-ok"
		tap_check "$t-control: no summary line without the module (the check can fail)" \
			no_summary "$t-control"
		check_writes "$t"
		tap_check "$t-control: write checks fail without the module (the check can fail)" \
			writes_fail "$t-control"
		tap_check "$t: the panic-end marker (cq_marker.ko through ECAM) is in the trace" \
			grep -q '^# marker panic-end ' "$OUT/$t/segments.txt"
		tap_check "$t dma control: markers reached the dump" dma_control "$t-dma-control"
		for r in $resets; do
			tap_check "$t dma reset=$r: no marker in the dump" dma_module "$t-dma-reset-$r"
		done
	done
	# dry_run_now without config writes, parameters, debugfs permissions,
	# unload and reload: the life-cycle hook, on the device-tree boot
	[[ $core == 0 ]] || continue
	cycle "$line-virt-life" "$kver" virt -x boot -m "$ko" -c cq.hook=lifecycle
	check_life "$line-virt-life"
done
tap_done
