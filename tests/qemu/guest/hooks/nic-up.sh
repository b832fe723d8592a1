#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook (primary) for the DMA scenario (SPEC §7.3): bring every PCI
# network interface up, without any address, so that its driver arms the RX
# ring, and wait for the link. One line per interface:
#   CQ-NIC: eth0 0000:01:00.0 carrier=1 rx_packets=N
# Fails when there is no PCI network interface or no carrier after 10 s.

set -eu
say() { echo "CQ-NIC: $*" >/dev/console; }

# shellcheck source=tests/qemu/guest/hooks/lib.sh
. /cq/hooks/lib.sh
pci_netdevs >/tmp/netdevs
n=0
while read -r dev bdf d; do
	ip link set "$dev" up
	i=0
	while [ "$(cat "$d/carrier" 2>/dev/null || echo 0)" != 1 ] && [ $i -lt 100 ]; do
		usleep 100000
		i=$((i + 1))
	done
	carrier="$(cat "$d/carrier" 2>/dev/null || echo 0)"
	say "$dev $bdf carrier=$carrier rx_packets=$(cat "$d/statistics/rx_packets")"
	[ "$carrier" = 1 ] || exit 1
	n=$((n + 1))
done </tmp/netdevs
[ $n -gt 0 ] || { say "no PCI network interface"; exit 1; }
