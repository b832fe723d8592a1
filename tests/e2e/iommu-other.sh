#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scenario 16 of SPEC §7, other IOMMUs: an e1000e behind a root port keeps
# receiving from its bring-up on, through the panic and the capture
# kernel's IOMMU set-up (tests/qemu/dma-cycle.sh -S up), behind
# - AMD-Vi: q35 with -device amd-iommu (topology q35-amdvi; pt=off: QEMU 10.0
#   translates a device's DMA only then, with its default pt=on every DMA
#   passes untranslated), the kernels' default IOMMU setting (AMD-Vi on);
# - SMMUv3: arm64 virt with iommu=smmuv3 (Debian's arm64 kernel has
#   arm-smmu-v3 built in).
# Three measures, each counted after the panic: marker frames in the dump
# (hook dma), the IOMMU model's own QEMU trace events (amdvi_translation_result
# and amdvi_page_fault; smmuv3_translate_abort and smmuv3_record_event), and
# the capture kernel's IOMMU fault lines. What a control can show is read in
# the drivers and the models: the AMD-Vi driver of a kdump kernel copies the
# old device table ("Copied DEV table from previous kernel"), so the old
# mappings would go on working and the DMA land in the dump instead of
# faulting; but QEMU 10.0.2's amd-iommu fails every translation of a device
# behind a root port (it looks the device up by devfn alone, without its
# bus) and discards the write without an event (its event log never writes
# one either: fixed upstream after 10.0), so there the control shows the
# DMA the NIC still attempts after the panic as amdvi_translation_result
# events, and no marker. arm-smmu-v3 turns its event queue off in a kdump
# kernel, so no event line ever appears there; the NIC's frames written
# between the quiesce and the capture kernel's SMMU set-up land in the dump.
# So the control must be above 0 on at least one measure (else the run
# proves nothing), the module 0 on every one.
#
#   tests/e2e/iommu-other.sh [X86-LINE...]    (default: 6.1 6.12; arm64: 6.12-arm64)

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

[[ $# -gt 0 ]] || set -- 6.1 6.12
ARM="${CQ_ARM64_LINE:-6.12-arm64}"

get() { env_get "$OUT/$1/dma.env" "$2"; }
num() { local v; v="$(get "$1" "$2")"; echo "${v:-0}"; }
run() {
	local name="$1" kver="$2"
	shift 2
	run_bg "$Q/dma-cycle.sh" "$name" "$kver" -S up -w 3 "$@"
}

amd_events=(amdvi_translation_result amdvi_page_fault)
smmu_events=(smmuv3_translate_abort smmuv3_record_event)
# measures NAME EVENT...: "markers=N EVENT=N... fault_lines=N"
measures() {
	local name="$1" e out
	shift
	out="markers=$(num "$name" markers)"
	for e in "$@"; do
		out+=" $e=$(num "$name" "ev_${e}_after_panic")"
	done
	echo "$out fault_lines=$(num "$name" fault_lines)"
}
# total NAME EVENT...: the sum of the measures
total() { measures "$@" | tr ' ' '\n' | awk -F= '{ n += $2 } END { print n + 0 }'; }
ran() { [[ "$(get "$1" result)" == pass ]]; }
pair() { # pair LABEL CONTROL MODULE EVENT...
	local label="$1" c="$2" m="$3"
	shift 3
	local -a ev=("$@")
	if ! ran "$c"; then
		tap_not_ok "$label control: something after the panic to count" "run failed: $(get "$c" reason) (see $OUT/$c.log)"
	elif [[ "$(total "$c" "${ev[@]}")" -eq 0 ]]; then
		tap_not_ok "$label control: something after the panic to count" "every measure 0 without the module: $(measures "$c" "${ev[@]}")"
	else
		tap_ok "$label control: something after the panic to count ($(measures "$c" "${ev[@]}"); IOMMU up in $(num "$c" iommu_kernels) kernels)"
	fi
	if ! ran "$m" || [[ -z "$(get "$m" quiesced)" ]]; then
		tap_not_ok "$label module: 0 on every measure" "run failed or no summary line: $(get "$m" reason) (see $OUT/$m.log)"
	elif [[ "$(total "$c" "${ev[@]}")" -eq 0 ]]; then
		tap_not_ok "$label module: 0 on every measure" "the control counted nothing: a zero here proves nothing"
	elif [[ "$(total "$m" "${ev[@]}")" -ne 0 ]]; then
		tap_not_ok "$label module: 0 on every measure" "$(measures "$m" "${ev[@]}")"
	else
		tap_ok "$label module: 0 on every measure ($(measures "$m" "${ev[@]}"); quiesced $(get "$m" quiesced), reset $(get "$m" reset) bridges)"
	fi
	tap_check "$label: the IOMMU came up in both kernels (control run)" \
		test "$(num "$c" iommu_kernels)" -ge 2
}

mkdir -p "$OUT"
xlines=() ev=()
for line in "$@"; do
	line_module "$line" || continue
	rm -rf "$OUT/amdvi-$line"-{control,module}
	for e in "${amd_events[@]}"; do ev+=(-e "$e"); done
	run "amdvi-$line-control" "$kver" -t q35-amdvi "${ev[@]}"
	run "amdvi-$line-module" "$kver" -t q35-amdvi "${ev[@]}" -m "$ko"
	ev=()
	xlines+=("$line")
done
arm=0
if line_module "$ARM"; then
	arm=1
	rm -rf "$OUT/smmu-$ARM"-{control,module}
	ev=()
	for e in "${smmu_events[@]}"; do ev+=(-e "$e"); done
	run "smmu-$ARM-control" "$kver" -t virt-smmu "${ev[@]}"
	run "smmu-$ARM-module" "$kver" -t virt-smmu "${ev[@]}" -m "$ko"
fi
wait

for line in "${xlines[@]}"; do
	pair "$line AMD-Vi" "amdvi-$line-control" "amdvi-$line-module" "${amd_events[@]}"
done
[[ $arm -eq 0 ]] || pair "$ARM SMMUv3" "smmu-$ARM-control" "smmu-$ARM-module" "${smmu_events[@]}"
tap_done
