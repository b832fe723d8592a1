#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook of make bench (tests/bench/run.sh installs it as
# /cq/hooks/bench.sh, with /cq/pci_crash_quiesce_bench.ko; run as
# cq.xhook=bench, after kexec -p, right before the crash): a dry run of the
# module, then the bench module's measurement, which really quiesces and
# resets the devices. Prints
#   CQ-BENCH: dry KEY=VALUE      last_run after dry_run_now
#   CQ-BENCH: bench KEY=VALUE    the bench file after a measurement

set -eu
d=/sys/kernel/debug/pci_crash_quiesce
b=/sys/kernel/debug/pci_crash_quiesce_bench
insmod /cq/pci_crash_quiesce_bench.ko ||
	{ echo "CQ-BENCH: error insmod pci_crash_quiesce_bench.ko"; exit 1; }
[ -w "$b/bench" ] || { echo "CQ-BENCH: error no $b/bench"; exit 1; }

echo 1 >"$d/dry_run_now"
sed 's/^/CQ-BENCH: dry /' "$d/last_run"
echo 1 >"$b/bench"
sed 's/^/CQ-BENCH: bench /' "$b/bench"
