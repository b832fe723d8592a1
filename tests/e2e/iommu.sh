#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scenario 4 of SPEC §7, "IOMMU": q35 with an emulated Intel IOMMU
# (-device intel-iommu,intremap=on,caching-mode=on, before every other
# device), intel_iommu=on in both kernels, and an e1000e receiving frames
# from the host when the machine panics (tests/qemu/dma-cycle.sh -S up). With
# the module, the capture kernel's log must hold no DMAR fault line and
# QEMU's trace no vtd_dmar_fault event after the panic.
#
#   tests/e2e/iommu.sh [LINE...]      (default: 6.1 6.12)
#
# Four kdump cycles per kernel, in two configurations:
#
# copied     the SPEC's setup: both kernels use the IOMMU the same way, so
#            the capture kernel copies the crashed kernel's translation
#            tables ("Copied translation tables from previous kernel") and
#            defers re-attaching a device until its driver maps DMA. The
#            NIC's DMA keeps going to its old, still-mapped IOVAs: the
#            control (no module) sees no fault, although the NIC keeps
#            writing into the crashed kernel's memory (scenario 3 counts
#            that), so here the module run only shows that the module works
#            with the IOMMU on; it cannot show that the module prevents a
#            fault.
# not-copied the tables cannot be copied, which is what makes in-flight DMA
#            fault: QEMU's intel-iommu in scalable mode (x-scalable-mode=on),
#            the crashed kernel in scalable mode (intel_iommu=on,sm_on) and
#            the capture kernel not (intel_iommu=sm_off appended to its
#            command line only), e.g. a kdump kernel built or configured
#            differently from the production one. The capture kernel cannot
#            change the root-table type while translation is on, so
#            copy_translation_tables() refuses, init_dmars() turns
#            translation off and starts with empty tables ("This might cause
#            DMAR faults", drivers/iommu/intel/iommu.c), and the NIC's next
#            access to an old IOVA faults. The control must fault, both in
#            the log and in the trace (else the checks prove nothing and
#            fail); with the module, zero of each.
#
# Needs tests/build-matrix.sh to have built out/modules/<kver>/. Run
# directories are kept as out/e2e/iommu-LINE-{copied,not-copied}-{control,module}/
# (dma.env has the numbers), their logs beside them. Two QEMUs at a time.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

IOMMU=intel-iommu,intremap=on,caching-mode=on WORDS=intel_iommu=on
# the not-copied configuration (see above)
NC_IOMMU="$IOMMU,x-scalable-mode=on" NC_WORDS=intel_iommu=on,sm_on NC_CAPTURE=intel_iommu=sm_off

[[ $# -gt 0 ]] || set -- 6.1 6.12

# run NAME KVER [dma-cycle options...]: one cycle into $OUT/NAME, the NIC
# receiving from its bring-up on, the capture kernel waiting 3 s before it
# counts (its IOMMU set up, the crashed kernel's NIC maybe still writing)
run() {
	local name="$1" kver="$2"
	shift 2
	run_bg "$Q/dma-cycle.sh" "$name" "$kver" -S up -w 3 -e vtd_dmar_fault "$@"
}

# get NAME KEY: KEY from $OUT/NAME/dma.env (empty if absent)
get() { env_get "$OUT/$1/dma.env" "$2"; }
# num NAME KEY: the same, 0 when empty
num() { local v; v="$(get "$1" "$2")"; echo "${v:-0}"; }

# faults NAME: the numbers of one run
faults() {
	printf '%s DMAR fault lines in the capture kernel log (%s DMA, %s DRHD, %s INTR-REMAP), %s vtd_dmar_fault events after the panic; NIC wrote %s frames after the panic, %s after the capture init started; %s marker frames in the dump' \
		"$(num "$1" fault_lines)" "$(num "$1" dma_lines)" "$(num "$1" drhd_lines)" \
		"$(num "$1" intr_remap_lines)" "$(num "$1" ev_vtd_dmar_fault_after_panic)" \
		"$(num "$1" rx_to_guest_after_panic)" "$(num "$1" rx_after_capture_start)" \
		"$(num "$1" markers)"
}

# setup NAME TABLES: why the run does not show what it is meant to (empty: ok)
setup() {
	if [[ ! -f "$OUT/$1/dma.env" ]]; then
		echo "no dma.env: tests/qemu/dma-cycle.sh stopped early (see $OUT/$1.log)"
	elif [[ "$(get "$1" result)" != pass ]]; then
		echo "run failed: $(get "$1" reason) (see $OUT/$1.log)"
	elif [[ "$(num "$1" iommu_kernels)" -ne 2 ]]; then
		echo "the IOMMU came up in $(num "$1" iommu_kernels) kernel(s), not 2"
	elif [[ "$(get "$1" tables)" != "$2" ]]; then
		echo "the capture kernel's translation tables are '$(get "$1" tables)', not $2"
	elif [[ "$(num "$1" hook_fault_lines)" -ne "$(num "$1" fault_lines)" ]]; then
		echo "serial.log has $(num "$1" fault_lines) fault lines, the capture kernel's dmesg $(num "$1" hook_fault_lines)"
	fi
}

# module_ran NAME: why the module did not run in the crashed kernel (empty: it did)
module_ran() {
	[[ -n "$(get "$1" quiesced)" ]] || echo "no summary line from the module in the crashed kernel's log"
}

# check_copied LINE: the SPEC's setup, control and module
check_copied() {
	local c="iommu-$1-copied-control" m="iommu-$1-copied-module" why note
	why="$(setup "$c" copied)"
	if [[ -z "$why" && "$(num "$c" rx_after_capture_start)" -eq 0 ]]; then
		# The receive ring filled before the capture kernel got to its
		# IOMMU init (a slow TCG host boots the capture kernel later than
		# the ring lasts): the run is sound but did not set up what this
		# control is about. The module check below does not rest on it
		# (its note says so), so it is a skip, not a failure.
		tap_skip "$1 tables copied, control: IOMMU on in both kernels, DMA in flight through the capture kernel's IOMMU init" \
			"the NIC stopped writing before the capture kernel's IOMMU init: nothing was in flight ($(faults "$c"))"
	elif [[ -z "$why" ]]; then
		tap_ok "$1 tables copied, control: IOMMU on in both kernels, DMA in flight through the capture kernel's IOMMU init ($(faults "$c"))"
	else
		tap_not_ok "$1 tables copied, control: IOMMU on in both kernels, DMA in flight through the capture kernel's IOMMU init" "$why"
	fi

	why="$(setup "$m" copied)"
	[[ -n "$why" ]] || why="$(module_ran "$m")"
	if [[ -z "$why" ]] && [[ "$(num "$m" fault_lines)" -ne 0 || "$(num "$m" ev_vtd_dmar_fault_after_panic)" -ne 0 ]]; then
		why="faults with the module: $(faults "$m")"
	fi
	note="the control has $(num "$c" fault_lines) fault lines and $(num "$c" ev_vtd_dmar_fault_after_panic) events: the copied tables keep the old IOVAs mapped, so this shows the module works with the IOMMU on, not that it prevents faults"
	if [[ -z "$why" ]]; then
		tap_ok "$1 tables copied, module: no DMAR fault ($(faults "$m"); quiesced $(get "$m" quiesced), reset $(get "$m" reset) bridges; $note)"
	else
		tap_not_ok "$1 tables copied, module: no DMAR fault" "$why"
	fi
}

# check_not_copied LINE: the configuration in which the control faults
check_not_copied() {
	local c="iommu-$1-not-copied-control" m="iommu-$1-not-copied-module" why cl cv summary
	cl="$(num "$c" fault_lines)" cv="$(num "$c" ev_vtd_dmar_fault_after_panic)"
	why="$(setup "$c" not-copied)"
	if [[ -z "$why" && ("$cl" -eq 0 || "$cv" -eq 0) ]]; then
		why="the control must fault in the log and in the trace, else the module checks prove nothing: $(faults "$c")"
	fi
	if [[ -z "$why" ]]; then
		tap_ok "$1 tables not copied, control: DMAR faults after the panic ($(faults "$c"))"
	else
		tap_not_ok "$1 tables not copied, control: DMAR faults after the panic" "$why"
	fi

	why="$(setup "$m" not-copied)"
	[[ -n "$why" ]] || why="$(module_ran "$m")"
	local lwhy="$why" twhy="$why"
	if [[ -z "$lwhy" ]]; then
		if [[ "$cl" -eq 0 ]]; then
			lwhy="the control logged no DMAR fault: a zero here proves nothing"
		elif [[ "$(num "$m" fault_lines)" -ne 0 ]]; then
			lwhy="$(faults "$m")"
		fi
	fi
	if [[ -z "$twhy" ]]; then
		if [[ "$cv" -eq 0 ]]; then
			twhy="the control traced no vtd_dmar_fault after the panic: a zero here proves nothing"
		elif [[ "$(num "$m" ev_vtd_dmar_fault_after_panic)" -ne 0 ]]; then
			twhy="$(faults "$m")"
		fi
	fi
	summary="quiesced $(get "$m" quiesced), reset $(get "$m" reset) bridges in $(get "$m" panic_us) us"
	if [[ -z "$lwhy" ]]; then
		tap_ok "$1 tables not copied, module: no DMAR fault line in the capture kernel's log (0; control $cl; $summary)"
	else
		tap_not_ok "$1 tables not copied, module: no DMAR fault line in the capture kernel's log" "$lwhy"
	fi
	if [[ -z "$twhy" ]]; then
		tap_ok "$1 tables not copied, module: no vtd_dmar_fault trace event after the panic (0; control $cv; NIC wrote $(num "$m" rx_to_guest_after_panic) frames after the panic, control $(num "$c" rx_to_guest_after_panic))"
	else
		tap_not_ok "$1 tables not copied, module: no vtd_dmar_fault trace event after the panic" "$twhy"
	fi
}

mkdir -p "$OUT"
lines=()
for line in "$@"; do
	line_module "$line" || continue
	rm -rf "$OUT/iommu-$line"-{copied,not-copied}-{control,module}{,.log}
	nc=(-I "$NC_IOMMU" -c "$NC_WORDS" -k "$NC_CAPTURE")
	run "iommu-$line-not-copied-control" "$kver" "${nc[@]}"
	run "iommu-$line-not-copied-module" "$kver" "${nc[@]}" -m "$ko"
	run "iommu-$line-copied-control" "$kver" -I "$IOMMU" -c "$WORDS"
	run "iommu-$line-copied-module" "$kver" -I "$IOMMU" -c "$WORDS" -m "$ko"
	lines+=("$line")
done
wait

for line in "${lines[@]}"; do
	check_not_copied "$line"
	check_copied "$line"
done
tap_done
