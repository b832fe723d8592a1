#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Shared by the guest hooks (sourced from /cq/hooks/lib.sh, never run as a
# hook itself).

# marker HEX: write a 32-bit value to 00:00.0 offset 0 (read-only Vendor ID)
# so that the host can find this point in QEMU's config-write trace
marker() {
	# shellcheck disable=SC3043 # busybox ash has local
	local v="$1" esc='' i
	for i in 6 4 2 0; do
		esc="$esc\\$(printf '%03o' "0x$(echo "$v" | cut -c$((i + 1))-$((i + 2)))")"
	done
	# shellcheck disable=SC2059 # the escapes are the format
	printf "$esc" | dd of=/sys/bus/pci/devices/0000:00:00.0/config bs=4 count=1 conv=notrunc 2>/dev/null
}
