#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook (primary) for the VF scenarios (SPEC §7.14): an SR-IOV PF with
# VFs that do DMA, or whose PF is idle. Command line words:
#   cq.vfs.pf=BDF          the PF (default 0000:00:03.0, topology q35-igb)
#   cq.vfs.n=N             VFs to enable (default 2)
#   cq.vfs.pfdriver=NAME   bind the PF to NAME first (e.g. pci-pf-stub: an
#                          idle PF, as on a host whose VFs are in guests);
#                          default: keep the driver it has (igb)
#   cq.vfs.bme=1           set Bus Master on every VF through sysfs config,
#                          for VFs no driver binds
#   cq.vfs.up=1            then bring every PCI network interface up (hook
#                          nic-up: the VFs' drivers arm their rings)
# Lines:
#   CQ-VFS: pf BDF driver=NAME cmd=0x....
#   CQ-VFS: vf BDF driver=NAME cmd=0x....
#   CQ-VFS: snapshot-updated         the module's devices lists the VFs
#   CQ-VFS: FAIL why

set -eu
say() { echo "CQ-VFS: $*" >/dev/console; }
# shellcheck source=tests/qemu/guest/hooks/lib.sh
. /cq/hooks/lib.sh
D=/sys/kernel/debug/pci_crash_quiesce
pf="$(cmdline_arg cq.vfs.pf 0000:00:03.0)"
n="$(cmdline_arg cq.vfs.n 2)"
pfdriver="$(cmdline_arg cq.vfs.pfdriver '')"
bme="$(cmdline_arg cq.vfs.bme 0)"
up="$(cmdline_arg cq.vfs.up 0)"
P="/sys/bus/pci/devices/$pf"
drv() { basename "$(readlink -f "$1/driver" 2>/dev/null || echo none)"; }

[ -d "$P" ] || { say "FAIL no PF $pf"; exit 1; }
if [ -n "$pfdriver" ] && [ "$(drv "$P")" != "$pfdriver" ]; then
	[ -e "$P/driver" ] && echo "$pf" >"$P/driver/unbind"
	echo "$pfdriver" >"$P/driver_override"
	echo "$pf" >/sys/bus/pci/drivers_probe
	[ "$(drv "$P")" = "$pfdriver" ] || { say "FAIL $pf not bound to $pfdriver"; exit 1; }
fi
echo "$n" >"$P/sriov_numvfs" || { say "FAIL sriov_numvfs=$n refused"; exit 1; }
say "pf $pf driver=$(drv "$P") cmd=$(hex4 "$(rd16 "$P/config" 4)")"
for v in "$P"/virtfn*; do
	vf="$(basename "$(readlink -f "$v")")"
	c="$v/config"
	if [ "$bme" = 1 ]; then
		wr16 "$c" 4 $(($(rd16 "$c" 4) | 4))
	fi
	say "vf $vf driver=$(drv "$v") cmd=$(hex4 "$(rd16 "$c" 4)")"
done
# the module's rebuild follows the VFs' addition
if [ -d "$D" ]; then
	i=0
	while [ "$(grep -c ' pf=' "$D/devices")" -lt "$n" ] && [ $i -lt 200 ]; do
		usleep 100000
		i=$((i + 1))
	done
	[ "$(grep -c ' pf=' "$D/devices")" -ge "$n" ] || { say "FAIL the snapshot has no VFs"; exit 1; }
	say snapshot-updated
	for f in devices plan; do
		sed "s|^|CQ-DEBUGFS-VFS: $f: |" "$D/$f" >/dev/console
	done
fi
[ "$up" != 1 ] || sh /cq/hooks/nic-up.sh
