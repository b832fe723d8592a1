#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end scenarios in QEMU (SPEC §7). Each scenario boots a Debian
# kernel, loads the module, crashes, and checks the capture kernel and the
# QEMU config-write trace. Every check has a control run without the module
# (or with the feature off) that must fail the same check, so a broken
# check cannot pass silently. One TAP line per check.
#
#   tests/e2e/run.sh [LINE...]      (default: 6.12)
#
# Needs tests/build-matrix.sh to have built out/modules/<kver>/. Run
# directories (serial log, trace, segments) are kept under out/e2e/.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/lib/tap.sh
. "$ROOT/tests/lib/tap.sh"
Q="$ROOT/tests/qemu"
OUT="$ROOT/out/e2e"

[[ $# -gt 0 ]] || set -- 6.12

# cycle NAME KVER TOPO [run-cycle options...]: one kdump cycle into $OUT/NAME
cycle() {
	local name="$1" kver="$2" topo="$3"
	shift 3
	"$Q/run-cycle.sh" -t "$topo" -o "$OUT/$name" "$@" "$kver" >"$OUT/$name.log" 2>&1 || true
}

serial_has() { grep -qF -- "$2" "$OUT/$1/serial.log"; }

summary_re='^CQ-DMESG: .*pci_crash_quiesce: quiesced [0-9]+ functions, reset [0-9]+ bridges, skipped [0-9]+ \(mismatched [0-9]+\) in [0-9]+ us'

# check_kdump NAME: scenario 1 checks on a run with the module
check_kdump() {
	local name="$1"
	serial_has "$name" "CQ-MARK: capture-up" && tap_ok "$name: capture kernel up" ||
		tap_not_ok "$name: capture kernel up" "$(tail -5 "$OUT/$name/serial.log")"
	serial_has "$name" "CQ-MARK: vmcore-ok" && tap_ok "$name: /proc/vmcore readable" ||
		tap_not_ok "$name: /proc/vmcore readable"
	grep -qE "$summary_re" "$OUT/$name/serial.log" &&
		tap_ok "$name: summary line in the crashed kernel's log (makedumpfile --dump-dmesg)" ||
		tap_not_ok "$name: summary line in the crashed kernel's log (makedumpfile --dump-dmesg)"
}

# check_writes NAME: scenario 2, one TAP line per check-writes.sh line
check_writes() {
	local name="$1" line
	while IFS= read -r line; do
		case "$line" in
		PASS\ *) tap_ok "$name: ${line#PASS }" ;;
		FAIL\ *) tap_not_ok "$name: ${line#FAIL }" ;;
		esac
	done < <("$Q/check-writes.sh" "$OUT/$name")
}

# no_panic_writes NAME: no config write at all after the panic
panic_writes() { grep -c '^panic ' "$OUT/$1/segments.txt" || true; }

mkdir -p "$OUT"
for line in "$@"; do
	kver="$("$ROOT/scripts/fetch-kernels.sh" --resolve "$line")"
	ko="$ROOT/out/modules/$kver/pci_crash_quiesce.ko"
	if [[ ! -f "$ko" ]]; then
		tap_not_ok "$kver: module built" "no $ko: run tests/build-matrix.sh"
		continue
	fi
	tag="${line}"
	# Two QEMUs at a time: the machine has two cores.
	cycle "$tag-q35" "$kver" q35 -m "$ko" &
	cycle "$tag-q35-control" "$kver" q35 &
	wait
	cycle "$tag-pc" "$kver" pc -m "$ko" &
	cycle "$tag-q35-dry-run" "$kver" q35 -m "$ko" -a "dry_run=Y" &
	wait

	# Scenario 1: kdump cycle with the module, and its control.
	check_kdump "$tag-q35"
	serial_has "$tag-q35-control" "CQ-MARK: capture-up" &&
		tap_ok "$tag-q35-control: capture kernel up without the module" ||
		tap_not_ok "$tag-q35-control: capture kernel up without the module"
	! grep -qE "$summary_re" "$OUT/$tag-q35-control/serial.log" &&
		tap_ok "$tag-q35-control: no summary line without the module (the check can fail)" ||
		tap_not_ok "$tag-q35-control: no summary line without the module (the check can fail)"

	# Scenario 2: the config writes, and the control where they must be missing.
	check_writes "$tag-q35"
	if "$Q/check-writes.sh" "$OUT/$tag-q35-control" >/dev/null; then
		tap_not_ok "$tag-q35-control: write checks fail without the module (the check can fail)"
	else
		tap_ok "$tag-q35-control: write checks fail without the module (the check can fail)"
	fi

	# Type-1 path: the pc machine has no MCFG; every function uses conf1.
	check_kdump "$tag-pc"
	grep -q '^CQ-DEBUGFS: devices: .* access=conf1 ' "$OUT/$tag-pc/serial.log" &&
		! grep -q '^CQ-DEBUGFS: devices: .* access=ecam ' "$OUT/$tag-pc/serial.log" &&
		tap_ok "$tag-pc: every function uses type-1 access (no MCFG)" ||
		tap_not_ok "$tag-pc: every function uses type-1 access (no MCFG)"
	check_writes "$tag-pc"

	# dry_run=Y: the walk runs and reports, and writes nothing.
	check_kdump "$tag-q35-dry-run"
	grep -qE "$summary_re.*\(dry run\)" "$OUT/$tag-q35-dry-run/serial.log" &&
		tap_ok "$tag-q35-dry-run: summary says dry run" ||
		tap_not_ok "$tag-q35-dry-run: summary says dry run"
	n="$(panic_writes "$tag-q35-dry-run")"
	[[ "$n" == 0 ]] && tap_ok "$tag-q35-dry-run: no config write after the panic" ||
		tap_not_ok "$tag-q35-dry-run: no config write after the panic" "$n writes"
done
tap_done
