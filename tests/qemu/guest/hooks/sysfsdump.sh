#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook: print what the offline planner (tools/pcq-plan --sysfs) reads
# of each PCI function in /sys/bus/pci/devices, for the host to rebuild the
# tree and plan it offline. One line per file:
#   CQ-SYSFS: BDF hex config HEX...        the config space, as read (root)
#   CQ-SYSFS: BDF text NAME VALUE          vendor device class revision
#                                          boot_vga reset_method
#   CQ-SYSFS: BDF link physfn PF-BDF       a VF's PF
#   CQ-SYSFS: done N                       N functions printed

set -eu

n=0
for d in /sys/bus/pci/devices/*; do
	b="${d##*/}"
	echo "CQ-SYSFS: $b hex config $(od -An -v -tx1 "$d/config" | tr -d ' \n')"
	for f in vendor device class revision boot_vga reset_method; do
		[ -r "$d/$f" ] || continue
		echo "CQ-SYSFS: $b text $f $({ tr '\n' ' ' <"$d/$f"; } 2>/dev/null | sed 's/ *$//')"
	done
	[ ! -L "$d/physfn" ] || echo "CQ-SYSFS: $b link physfn $(basename "$(readlink "$d/physfn")")"
	n=$((n + 1))
done
echo "CQ-SYSFS: done $n"
