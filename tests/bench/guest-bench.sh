#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook of make bench (tests/bench/run.sh installs it as
# /cq/hooks/bench.sh, with /cq/pci_crash_quiesce_bench.ko; run as
# cq.xhook=bench, after kexec -p, right before the crash): Bus Master Enable
# on every function the plan gives a Function Level Reset (reset=flr in
# devices), as a driver would have set it (no driver is loaded for them, and
# the walk resets only functions that master); a dry run of the module; then
# the bench module's measurement, which really quiesces and resets the
# devices. Prints
#   CQ-BENCH: hook bus_master_set=N  functions whose Bus Master it set
#   CQ-BENCH: dry KEY=VALUE          last_run after dry_run_now
#   CQ-BENCH: bench KEY=VALUE        the bench file after a measurement

set -eu
D=/sys/kernel/debug/pci_crash_quiesce
B=/sys/kernel/debug/pci_crash_quiesce_bench
# shellcheck source=tests/qemu/guest/hooks/lib.sh
. /cq/hooks/lib.sh

n=0
awk '/ reset=flr( |$)/ { print $1 }' "$D/devices" >/tmp/bench-flr.txt
while read -r f; do
	cfg="/sys/bus/pci/devices/$f/config"
	c="$(rd16 "$cfg" 4)"
	[ -n "$c" ] || { echo "CQ-BENCH: error cannot read Command of $f"; exit 1; }
	wr16 "$cfg" 4 $((c | 4))
	[ $(($(rd16 "$cfg" 4) & 4)) -ne 0 ] ||
		{ echo "CQ-BENCH: error cannot set Bus Master on $f"; exit 1; }
	n=$((n + 1))
done </tmp/bench-flr.txt
echo "CQ-BENCH: hook bus_master_set=$n"

insmod /cq/pci_crash_quiesce_bench.ko ||
	{ echo "CQ-BENCH: error insmod pci_crash_quiesce_bench.ko"; exit 1; }
[ -w "$B/bench" ] || { echo "CQ-BENCH: error no $B/bench"; exit 1; }

echo 1 >"$D/dry_run_now"
sed 's/^/CQ-BENCH: dry /' "$D/last_run"
echo 1 >"$B/bench"
sed 's/^/CQ-BENCH: bench /' "$B/bench"
