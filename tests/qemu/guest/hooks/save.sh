#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook (capture kernel) of the "dump is saved" scenario (SPEC §7.10):
# write the start of /proc/vmcore to every NVMe disk and send it out through
# the NIC, with the drivers of devices the crashed kernel's quiesce reset
# (a bus reset for the disk and the NIC behind root ports, an FLR for the
# disk on the root bus). The host then checks what arrived.
# Command line words:
#   cq.save.kmods=a,b    drivers to load first (bundled with run-cycle.sh -C)
#   cq.save.mib=N        how much of /proc/vmcore, in MiB (default 8)
#   cq.save.host=IP:PORT where to send it (QEMU user networking's guestfwd)
# Lines:
#   CQ-SAVE: head bytes=N sha256=S elf=yes|no
#   CQ-SAVE: disk NAME BDF sha256=S          after writing it and reading back
#   CQ-SAVE: net DEV BDF sent=yes|no
#   CQ-SAVE: error ...

set -eu
say() { echo "CQ-SAVE: $*" >/dev/console; }
# shellcheck source=tests/qemu/guest/hooks/lib.sh
. /cq/hooks/lib.sh

kmods="$(cmdline_arg cq.save.kmods '' | tr ',' ' ')"
mib="$(cmdline_arg cq.save.mib 8)"
host="$(cmdline_arg cq.save.host 10.0.2.100:4444)"
kmods_up say "$kmods" 1

dd if=/proc/vmcore of=/tmp/head bs=1M count="$mib" 2>/dev/null
sha="$(sha256sum /tmp/head | cut -d' ' -f1)"
elf=no
[ "$(dd if=/tmp/head bs=4 count=1 2>/dev/null | tail -c 3)" = ELF ] && elf=yes
say "head bytes=$(stat -c %s /tmp/head) sha256=$sha elf=$elf"

# bdf BLOCK-DIR: the PCI address of the controller an NVMe namespace is
# on: its controller's address attribute, or for a multipath head (QEMU
# 10's nvme has a subsystem, so the kernel's native multipath makes nvmeXnY
# a head whose device is the subsystem) that of the controller in its
# subsystem; the test gives each disk a subsystem of its own
bdf() {
	# shellcheck disable=SC3043 # busybox ash has local
	local c
	if [ -r "$1/device/address" ]; then
		cat "$1/device/address"
		return
	fi
	for c in "$1"/device/nvme*; do
		[ -r "$c/address" ] || continue
		cat "$c/address"
		return
	done
	echo unknown
}

# the NVMe namespaces, once their controllers came back (up to 30 s)
i=0
while [ $i -lt 300 ] && ! ls /sys/block/nvme*n1 >/dev/null 2>&1; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1
for b in /sys/block/nvme*n1; do
	[ -d "$b" ] || { say "error no NVMe namespace"; break; }
	d="${b##*/}"
	case "$d" in
	nvme*c*n1) continue ;; # a multipath path device: its head is written
	esac
	dd if=/tmp/head of="/dev/$d" bs=1M conv=fsync 2>/dev/null ||
		{ say "error writing /dev/$d"; continue; }
	echo 3 >/proc/sys/vm/drop_caches
	back="$(dd if="/dev/$d" bs=1M count="$mib" 2>/dev/null | sha256sum | cut -d' ' -f1)"
	say "disk $d $(bdf "/sys/block/$d") sha256=$back"
done

pci_netdevs | head -n 1 >/tmp/netdev
while read -r dev b _; do
	ip addr add 10.0.2.15/24 dev "$dev"
	sent=no
	nc -w 3 "${host%:*}" "${host#*:}" </tmp/head && sent=yes
	say "net $dev $b sent=$sent"
done </tmp/netdev
