#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end scenarios in QEMU beside tests/e2e/run.sh (same TAP, same rule:
# every check has a control run or a control step that shows it can fail):
#
# - SR-IOV (SPEC §7.9), topology q35-sriov: the guest enables the nvme PF's
#   two VFs and sets Bus Master on them (hook sriov). The module must list
#   them (access=ecam pf=<PF>), verify them (mismatched 0: a VF reads
#   all-ones as Vendor/Device ID by specification) in dry_run_now and at the
#   panic, and clear their Bus Master after the panic, with reset=auto (the
#   default) and reset=none. Controls: the same run without the module (no
#   panic write to the VFs: the Bus Master check fails), and a run that
#   clears the PF's VF Enable behind the kernel's back after the snapshot
#   (cq.sriov.vfe=off): the identity check must then fail for both VFs
#   (mismatched 2, in dry_run_now and at the panic).
# - Type-1 path under pci=nommconf (SPEC §7.8): q35 booted with
#   pci=nommconf: every function access=conf1, the kdump cycle and the
#   config-write checks pass. Control: the q35-sriov run (plain q35, ECAM)
#   lists functions with access=ecam.
# - dry_run_now against concurrent config traffic (hook race, pc topology,
#   boot mode): thousands of dry runs while a loop writes and reads config
#   space through sysfs; no read-back differs, no byte of any header changes
#   except those the loop wrote, and the only config writes in the trace
#   window are the loop's. The controls run the same comparisons on a
#   deliberately changed byte and a wrong expectation: a racy control is not
#   possible, the old lock-free dry_run_now is gone from the module.
#
#   tests/e2e/sriov.sh [LINE...]      (default: 6.12)
#
# Needs tests/build-matrix.sh to have built out/modules/<kver>/. Run
# directories are out/e2e/LINE-{sriov,sriov-reset-none,sriov-control,
# sriov-vfe-off,nommconf,race}/, their logs beside them. Two QEMUs at a time.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

[[ $# -gt 0 ]] || set -- 6.12

PF=0000:01:00.0
VFS=(01:00.1 01:00.2)

# sriov_cycle NAME KVER [run-cycle options...]: a kdump cycle of q35-sriov
# with the nvme driver bundled and the sriov hook
sriov_cycle() {
	local name="$1" kver="$2" words="cq.hook=sriov"
	shift 2
	if [[ "${1:-}" == vfe-off ]]; then
		words+=" cq.sriov.vfe=off"
		shift
	fi
	cycle "$name" "$kver" q35-sriov -K e1000e,nvme -c "$words" "$@"
}

# vf_listed NAME VF: the dump after enabling the VFs lists VF with ECAM
# access and its PF
vf_listed() {
	local l
	l="$(grep -a "CQ-DEBUGFS-SRIOV: devices: 0000:$2 " "$OUT/$1/serial.log" | tr -d '\r')" ||
		{ echo "0000:$2 not in the devices dump after sriov_numvfs"; return 1; }
	[[ "$l" == *" access=ecam "* && "$l" == *" pf=$PF" ]] || { echo "${l#*devices: }"; return 1; }
}
# vf_bme_set NAME VF: the hook set Bus Master on VF (read back)
vf_bme_set() {
	local l
	l="$(grep -ao "CQ-SRIOV: bme 0000:$2 .*" "$OUT/$1/serial.log" | tr -d '\r')" ||
		{ echo "the hook did not set Bus Master on $2"; return 1; }
	l="${l#*readback=}"
	(((${l%% *} & 4) != 0)) || { echo "readback ${l%% *}: Bus Master not set"; return 1; }
}
# cmd_before NAME VF / cmd_panic NAME VF: the last Command value written to VF
# before the panic / in the panic segment (empty if none)
cmd_before() { awk -v d="$2" '($1 == "boot" || $1 == "primary") && $4 == d && $5 == "0x4" { v = $6 } END { print v }' "$OUT/$1/segments.txt"; }
cmd_panic() { awk -v d="$2" '$1 == "panic" && $4 == d && $5 == "0x4" { v = $6 } END { print v }' "$OUT/$1/segments.txt"; }
# vf_bme_cleared NAME VF: VF had Bus Master before the panic and got a
# Command write with it clear after
vf_bme_cleared() {
	local b p
	b="$(cmd_before "$1" "$2")" p="$(cmd_panic "$1" "$2")"
	if [[ -z "$b" ]] || (((b & 4) == 0)); then
		echo "no Bus Master on $2 before the panic (Command ${b:-never written})"
		return 1
	fi
	[[ -n "$p" ]] || { echo "no Command write to $2 after the panic (before: $b)"; return 1; }
	(((p & 4) == 0)) || { echo "$2 Command written $p: Bus Master still set"; return 1; }
}
# lastrun NAME PREFIX KEY: KEY from the last_run dump printed with PREFIX
lastrun() { grep -ao "$2: $3=.*" "$OUT/$1/serial.log" | tr -d '\r' | tail -n 1 | cut -d= -f2; }
# summary_mismatched NAME: J of the panic summary's "(mismatched J)"
summary_mismatched() {
	grep -aoE "$summary_re" "$OUT/$1/serial.log" | tail -n 1 | sed -E 's/.*\(mismatched ([0-9]+)\).*/\1/'
}
is() {
	[[ "$1" == "$2" ]] || { echo "${3:-value} is '${1}', not '$2'"; return 1; }
}
# race NAME KEY: KEY=value from the race hook's lines
race() { grep -aoE "CQ-RACE: (.* )?$2=[0-9]+" "$OUT/$1/serial.log" | tail -n 1 | sed -E "s/.*$2=//"; }
# race_writes NAME: "loop other": config writes between the race markers,
# those to Interrupt Line of the two loop devices and all others
race_writes() {
	awk '/pci_cfg_write/ && / 00:00.0 @0x0 <- / { if ($NF == "0xc0de5a22") on = 1; else if ($NF == "0xc0de5a23") on = 0; next }
		on && /pci_cfg_write/ { if (($3 == "00:03.0" || $3 == "01:01.0") && $4 == "@0x3c") l++; else o++ }
		END { print l + 0, o + 0 }' "$OUT/$1/trace.log"
}
wall() { env_get "$OUT/$1/result.env" wall_s; }

# check_sriov NAME: the checks of a run with the module and healthy VFs
check_sriov() {
	local name="$1" vf b p
	check_kdump "$name"
	tap_check "$name: the snapshot followed sriov_numvfs (bus notifier)" \
		serial_has "$name" "CQ-SRIOV: snapshot-updated"
	for vf in "${VFS[@]}"; do
		tap_check "$name: VF $vf listed with access=ecam pf=$PF" vf_listed "$name" "$vf"
	done
	tap_check "$name: dry_run_now verified every VF (last_run mismatched=0)" \
		is "$(lastrun "$name" CQ-LASTRUN-SRIOV mismatched)" 0 mismatched
	tap_check "$name: dry_run_now wrote no config space (trace)" \
		is "$(writes_between "$name" 0xc0de5a24 0xc0de5a25)" 0 "writes during dry_run_now"
	tap_check "$name: the panic summary says (mismatched 0)" \
		is "$(summary_mismatched "$name")" 0 mismatched
	for vf in "${VFS[@]}"; do
		b="$(cmd_before "$name" "$vf")" p="$(cmd_panic "$name" "$vf")"
		tap_check "$name: VF $vf Bus Master cleared after the panic (Command ${b:-?} -> ${p:-none})" \
			vf_bme_cleared "$name" "$vf"
	done
	check_writes "$name" CQ-DEBUGFS-SRIOV
}

# vf_plan_matches NAME: plan_matches against the listing the sriov hook
# printed once the VFs were there
vf_plan_matches() { CQ_PLAN_PREFIX=CQ-DEBUGFS-SRIOV plan_matches "$@"; }

mkdir -p "$OUT"
for line in "$@"; do
	line_module "$line" || continue
	s="$line-sriov" n="$line-nommconf" r="$line-race"
	t0=$SECONDS
	# Two QEMUs at a time: the machine has two cores.
	sriov_cycle "$s" "$kver" -m "$ko" -c cq.xhook=sysfsdump &
	sriov_cycle "$s-reset-none" "$kver" -m "$ko" -a reset=none &
	wait
	sriov_cycle "$s-control" "$kver" &
	sriov_cycle "$s-vfe-off" "$kver" vfe-off -m "$ko" &
	wait
	cycle "$n" "$kver" q35 -m "$ko" -c pci=nommconf &
	cycle "$r" "$kver" pc -x boot -m "$ko" -c cq.hook=race &
	wait
	echo "# $line: 6 runs in $((SECONDS - t0)) s; QEMU wall s: $(for x in "$s" "$s-reset-none" "$s-control" "$s-vfe-off" "$n" "$r"; do
		printf '%s=%s ' "${x#"$line-"}" "$(wall "$x")"
	done)"

	# SR-IOV with reset=auto and reset=none.
	check_sriov "$s"
	tap_check "$s: tools/pcq-plan --sysfs on the guest's tree, VFs enabled, lists what debugfs did" \
		vf_plan_matches "$s"
	tap_check "$s: the root port above the PF and its VFs got a bus reset (reset=auto)" \
		grep -qE '^panic .* 00:01.0 0x3e ' "$OUT/$s/segments.txt"
	check_sriov "$s-reset-none"
	tap_check "$s-reset-none: no bus reset (reset=none)" \
		eval "! grep -qE '^panic .* 0x3e ' '$OUT/$s-reset-none/segments.txt'"

	# Control without the module: the same VFs with Bus Master, no panic write.
	c="$s-control"
	tap_check "$c: capture kernel up without the module" serial_has "$c" "CQ-MARK: capture-up"
	for vf in "${VFS[@]}"; do
		tap_check "$c: the hook set Bus Master on VF $vf" vf_bme_set "$c" "$vf"
		tap_check "$c: the VF $vf Bus Master check fails without the module (the check can fail)" \
			eval "! vf_bme_cleared $c $vf"
	done
	tap_check "$c: no summary line without the module" no_summary "$c"

	# Control of the identity check: VF Enable cleared behind the kernel's back.
	v="$s-vfe-off"
	tap_check "$v: VF Enable cleared in the PF's SR-IOV Control" \
		grep -qaE 'CQ-SRIOV: vfe-off .* readback=0x[0-9a-f]{3}[02468ace]' "$OUT/$v/serial.log"
	tap_check "$v: dry_run_now before that: mismatched=0" \
		is "$(lastrun "$v" CQ-LASTRUN-SRIOV mismatched)" 0 mismatched
	tap_check "$v: dry_run_now after that: mismatched=2 (both VFs fail the identity check)" \
		is "$(lastrun "$v" CQ-LASTRUN-VFEOFF mismatched)" 2 mismatched
	tap_check "$v: capture kernel up" serial_has "$v" "CQ-MARK: capture-up"
	tap_check "$v: the panic summary says (mismatched 2)" is "$(summary_mismatched "$v")" 2 mismatched

	# Type-1 path on q35 under pci=nommconf; the q35-sriov run is its ECAM control.
	check_kdump "$n"
	tap_check "$n: every function uses type-1 access (pci=nommconf)" all_conf1 "$n"
	check_writes "$n"
	tap_check "$s: without pci=nommconf functions use ECAM (control)" \
		eval "grep -qa 'CQ-DEBUGFS: devices: .* access=ecam ' '$OUT/$s/serial.log' && ! all_conf1 '$s'"

	# dry_run_now against concurrent config traffic.
	tap_check "$r: boot run with the race hook done" serial_has "$r" "CQ-MARK: hook-done race"
	read -r lw ow < <(race_writes "$r")
	dr="$(race "$r" dry_runs)" li="$(race "$r" loop_iterations)"
	tap_check "$r: ${dr:-no} dry runs (at least 300), none refused, beside ${li:-no} loop iterations (50)" \
		eval "[[ ${dr:-0} -ge 300 && $(race "$r" failed) == 0 && ${li:-0} -eq 50 ]]"
	tap_check "$r: dry_run_now used the PCI core's accessors" \
		is "$(lastrun "$r" CQ-RACE-LASTRUN accessors)" pci-core accessors
	tap_check "$r: every read-back returned what was written ($(race "$r" readbacks) reads)" \
		is "$(race "$r" readback_mismatches)" 0 "read-back mismatches"
	tap_check "$r: no config byte changed but the loop's own (first 64 bytes, every function)" \
		is "$(race "$r" diff)" 0 "differing bytes"
	tap_check "$r: the only config writes were the loop's ($lw Interrupt Line writes, $ow others)" \
		eval "[[ $lw -eq $((2 * ${li:-0})) && $ow -eq 0 ]]"
	tap_check "$r: the comparison sees one byte changed on purpose (control)" \
		is "$(race "$r" control-diff)" 1 "differing bytes"
	tap_check "$r: the read-back check fails a wrong expectation (control)" \
		is "$(race "$r" control-readback)" 1 "control-readback"
done
tap_done
