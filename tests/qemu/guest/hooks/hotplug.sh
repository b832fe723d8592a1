#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook for the hotplug scenario (SPEC §7.5): the host adds an e1000e
# behind the empty root port (bus 3) and removes the edu at 02:00.0 through
# QMP once it sees "CQ-HOTPLUG: ready". Wait until the module's snapshot
# shows both changes, then dump the new devices and plan
# ("CQ-DEBUGFS-HP: ...") and return, so that the cycle crashes with the new
# set.

set -u
D=/sys/kernel/debug/pci_crash_quiesce
say() { echo "CQ-HOTPLUG: $*" >/dev/console; }

say ready
i=0
while [ $i -lt 600 ]; do
	if grep -q '^0000:03:00.0 ' "$D/devices" && ! grep -q '^0000:02:00.0 ' "$D/devices"; then
		break
	fi
	usleep 100000
	i=$((i + 1))
done
if [ $i -ge 600 ]; then
	say "timeout waiting for the snapshot to change"
	exit 1
fi
say "snapshot-updated after $((i / 10)).$((i % 10)) s"
for f in devices plan; do
	sed "s|^|CQ-DEBUGFS-HP: $f: |" "$D/$f" >/dev/console
done
