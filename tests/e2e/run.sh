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
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

[[ $# -gt 0 ]] || set -- 6.12

mkdir -p "$OUT"
for line in "$@"; do
	line_module "$line" || continue
	tag="${line}"
	# Two QEMUs at a time: the machine has two cores.
	cycle "$tag-q35" "$kver" q35 -m "$ko" -c cq.xhook=sysfsdump &
	cycle "$tag-q35-control" "$kver" q35 &
	wait
	cycle "$tag-pc" "$kver" pc -m "$ko" -c cq.xhook=sysfsdump &
	cycle "$tag-q35-dry-run" "$kver" q35 -m "$ko" -a "dry_run=Y" &
	wait
	cycle "$tag-life" "$kver" q35 -x boot -m "$ko" -c cq.hook=lifecycle &
	cycle "$tag-q35-disabled" "$kver" q35 -m "$ko" -a "enable=N" &
	wait
	hotplug_cycle "$tag-hotplug" "$kver" -m "$ko"

	# Scenario 1: kdump cycle with the module, and its control.
	check_kdump "$tag-q35"
	tap_check "$tag-q35-control: capture kernel up without the module" \
		serial_has "$tag-q35-control" "CQ-MARK: capture-up"
	tap_check "$tag-q35-control: no summary line without the module (the check can fail)" \
		no_summary "$tag-q35-control"

	# Scenario 2: the config writes, and the control where they must be missing.
	check_writes "$tag-q35"
	tap_check "$tag-q35-control: write checks fail without the module (the check can fail)" \
		writes_fail "$tag-q35-control"

	# The offline planner on the guest's own sysfs: the same listing as
	# the module's debugfs there (q35: ECAM; pc: type 1), and a control.
	tap_check "$tag-q35: tools/pcq-plan --sysfs on the guest's tree lists what debugfs did" \
		plan_matches "$tag-q35"
	tap_check "$tag-pc: tools/pcq-plan --sysfs --no-ecam on the guest's tree lists what debugfs did" \
		plan_matches "$tag-pc" --no-ecam
	tap_check "$tag-q35: ... and another reset mode would not match (control)" \
		eval "! plan_matches $tag-q35 --reset none >/dev/null"

	# Type-1 path: the pc machine has no MCFG; every function uses conf1.
	check_kdump "$tag-pc"
	tap_check "$tag-pc: every function uses type-1 access (no MCFG)" all_conf1 "$tag-pc"
	check_writes "$tag-pc"

	# dry_run=Y: the walk runs and reports, and writes nothing.
	check_kdump "$tag-q35-dry-run"
	tap_check "$tag-q35-dry-run: summary says dry run" \
		grep -qE "$summary_re.*\(dry run\)" "$OUT/$tag-q35-dry-run/serial.log"
	tap_check "$tag-q35-dry-run: no config write after the panic" no_panic_writes "$tag-q35-dry-run"
	tap_check "$tag-q35: the no-write check fails on a real run (control)" \
		real_run_writes "$tag-q35"

	# Process-context life cycle: dry_run_now, parameters, hotplug,
	# permissions, unload.
	check_life "$tag-life"
	tap_check "$tag-q35: the marker count sees the panic writes (control)" \
		test "$(writes_between "$tag-q35" 0xc0de5a11 0xc0de5a12)" -gt 0

	# enable=N: the handler is not armed; nothing is written, nothing printed.
	tap_check "$tag-q35-disabled: capture kernel up" serial_has "$tag-q35-disabled" "CQ-MARK: capture-up"
	tap_check "$tag-q35-disabled: no config write after the panic" no_panic_writes "$tag-q35-disabled"
	tap_check "$tag-q35-disabled: no summary line" no_summary "$tag-q35-disabled"

	# Hotplug through QMP: the snapshot follows, and the crash quiesces the new set.
	h="$tag-hotplug"
	tap_check "$h: QMP sent once the guest was ready" qmp_sent "$h"
	tap_check "$h: snapshot updated after device_add/device_del" serial_has "$h" "CQ-HOTPLUG: snapshot-updated"
	tap_check "$h: hot-added 03:00.0 appears in devices" hp_dump_has "$h" 0000:03:00.0
	tap_check "$h: hot-removed 02:00.0 leaves devices" eval "! hp_dump_has $h 0000:02:00.0"
	tap_check "$h: before hotplug, 02:00.0 was there and 03:00.0 was not (control)" \
		eval "first_dump_has $h 0000:02:00.0 && ! first_dump_has $h 0000:03:00.0"
	tap_check "$h: capture kernel up" serial_has "$h" "CQ-MARK: capture-up"
	tap_check "$h: the hot-added function's Command was written after the panic" panic_cmd_write "$h" 03:00.0
	tap_check "$h: the root port above it was reset" grep -qE '^panic .* 00:03.0 0x3e ' "$OUT/$h/segments.txt"
	check_writes "$h" CQ-DEBUGFS-HP
done
tap_done
