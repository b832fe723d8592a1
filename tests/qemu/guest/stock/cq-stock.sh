#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Test-only guest side of scenario 17 (SPEC §7.17, tests/e2e/stock.sh), in
# the stock Debian guest image (scripts/build-guest-image.sh installs it as
# /usr/local/sbin/cq-stock). Two systemd units run it, and only when the
# kernel command line has cq.stock=crash: without that word the image
# boots as an operator's machine would, and nothing here runs.
#
#   cq-stock pre     (cq-stock-pre.service, before kdump-tools.service):
#                    kdump-config show, whose state must not be "ready"
#                    yet: the control of the check below
#   cq-stock crash   (cq-stock.service, once kdump-tools.service loaded
#                    the capture kernel and systemd-networkd brought the
#                    NIC up): the module's state, the NIC, kdump-config
#                    show, then sysrq-c
#
# Everything goes to the console (ttyS0, the serial log the host reads),
# one prefix per kind of line, as the initramfs harness prints them (see
# tests/qemu/README.md, "Serial log lines"):
#   CQ-KDUMP-PRE: <line>     kdump-config show, before kdump-tools.service
#   CQ-MARK: stock-up kernel=K
#   CQ-STOCK: post_notifiers=Y|N
#   CQ-STOCK: module loaded=1|0 file=PATH   (modinfo -n: what modprobe
#                            loads, DKMS's updates/dkms/ copy; "dkms status"
#                            takes 10-20 s of TCG: the image build records it)
#   CQ-KLOG: <dmesg line with pci_crash_quiesce>
#   CQ-NIC: DEV BDF carrier=1 rx_packets=N   (or CQ-STOCK: nic-down ...)
#   CQ-KDUMP-SHOW: <line>    kdump-config show, right before the crash
#   CQ-STOCK: kexec_crash_loaded=N
#   CQ-MARK: crashing        sysrq-c follows

exec >/dev/console 2>&1
set -u

show() {
	kdump-config show 2>&1 | while IFS= read -r l; do
		echo "$1: $l"
	done
}

case "${1:-}" in
pre)
	show CQ-KDUMP-PRE
	exit 0
	;;
crash) ;;
*)
	echo "usage: $0 pre|crash" >&2
	exit 2
	;;
esac

echo "CQ-MARK: stock-up kernel=$(uname -r)"
echo "CQ-STOCK: post_notifiers=$(cat /sys/module/kernel/parameters/crash_kexec_post_notifiers)"
if [ -d /sys/module/pci_crash_quiesce ]; then
	echo "CQ-STOCK: module loaded=1 file=$(modinfo -n pci_crash_quiesce 2>&1)"
else
	echo "CQ-STOCK: module loaded=0 file=$(modinfo -n pci_crash_quiesce 2>&1)"
fi
dmesg | grep 'pci_crash_quiesce:' | while IFS= read -r l; do
	echo "CQ-KLOG: $l"
done

# The NIC: systemd-networkd brings it up (no address); its receive ring is
# armed once the link has carrier.
nic=''
i=0
while [ $i -lt 600 ]; do
	for d in /sys/class/net/*; do
		[ "$(basename "$(readlink -f "$d/device/driver" 2>/dev/null)")" = e1000e ] || continue
		if [ "$(cat "$d/carrier" 2>/dev/null)" = 1 ]; then
			nic="$d"
			break 2
		fi
	done
	i=$((i + 1))
	sleep 0.1
done
if [ -n "$nic" ]; then
	echo "CQ-NIC: ${nic##*/} $(basename "$(readlink -f "$nic/device")") carrier=1 rx_packets=$(cat "$nic/statistics/rx_packets")"
else
	echo "CQ-STOCK: nic-down: no e1000e interface with carrier after 60 s"
fi

show CQ-KDUMP-SHOW
echo "CQ-STOCK: kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
echo "CQ-MARK: crashing"
sync
echo c >/proc/sysrq-trigger
