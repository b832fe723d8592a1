#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook of make bench (tests/bench/run.sh installs it as
# /cq/hooks/bench.sh; run as cq.xhook=bench, after kexec -p, right before
# the crash): a dry run, then the bench module's measurement, which really
# quiesces and resets the devices. Prints
#   CQ-BENCH: dry KEY=VALUE      last_run after dry_run_now
#   CQ-BENCH: bench KEY=VALUE    the bench file after a measurement

set -eu
d=/sys/kernel/debug/pci_crash_quiesce
[ -w "$d/bench" ] || { echo "CQ-BENCH: error no $d/bench (module built without CQ_BENCH=y?)"; exit 1; }

echo 1 >"$d/dry_run_now"
sed 's/^/CQ-BENCH: dry /' "$d/last_run"
echo 1 >"$d/bench"
sed 's/^/CQ-BENCH: bench /' "$d/bench"
