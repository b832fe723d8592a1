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

# cmdline_arg KEY DEFAULT: the value of the last KEY=VALUE word on the
# kernel command line, else DEFAULT
cmdline_arg() {
	# shellcheck disable=SC3043 # busybox ash has local
	local w v="$2" cmdline
	read -r cmdline </proc/cmdline
	for w in $cmdline; do
		case "$w" in
		"$1"=*) v="${w#*=}" ;;
		esac
	done
	echo "$v"
}

# rd16 FILE OFFSET / rd32 FILE OFFSET: one aligned config read, in decimal
rd16() { dd if="$1" bs=2 skip=$(($2 / 2)) count=1 2>/dev/null | od -An -tu2 | tr -d ' \n'; }
rd32() { dd if="$1" bs=4 skip=$(($2 / 4)) count=1 2>/dev/null | od -An -tu4 | tr -d ' \n'; }
# wr16 FILE OFFSET VALUE: one aligned 16-bit config write (sysfs turns a
# 2-byte write at an even offset into one word access)
wr16() {
	# shellcheck disable=SC2059 # the escapes are the format
	printf "\\$(printf '%03o' $(($3 & 255)))\\$(printf '%03o' $(($3 >> 8)))" |
		dd of="$1" bs=2 seek=$(($2 / 2)) count=1 conv=notrunc 2>/dev/null
}
hex4() { printf '0x%04x' "$1"; }

# pci_netdevs: "DEV BDF DIR" for every network interface of a PCI device,
# also behind a virtio device (virtio-net: BDF/virtioN/net/DEV)
pci_netdevs() {
	# shellcheck disable=SC3043 # busybox ash has local
	local d b
	for d in /sys/bus/pci/devices/*/net/* /sys/bus/pci/devices/*/virtio*/net/*; do
		[ -d "$d" ] || continue
		b="${d#/sys/bus/pci/devices/}"
		echo "${d##*/} ${b%%/*} $d"
	done
}

# kmods_up SAY KMODS UP: insmod the bundled modules KMODS (names, with their
# dependencies, from /cq/kmods/order: run-cycle.sh -C bundles them), then
# with UP=1 bring every PCI network interface up (no address). SAY is the
# hook's own reporting function.
kmods_up() {
	# shellcheck disable=SC3043 # busybox ash has local
	local say="$1" kmods="$2" up="$3" loaded=' ' k f files
	if [ -n "$kmods" ]; then
		for k in $kmods; do
			files="$(awk -v k="$k" '$1 == k { $1 = ""; print }' /cq/kmods/order)"
			# not bundled because built in (e.g. virtio_pci on Debian's 6.12)
			[ -n "$files" ] || [ ! -d "/sys/module/$k" ] || continue
			[ -n "$files" ] || { "$say" "error: $k not bundled (run-cycle.sh -C $k)"; return 1; }
			for f in $files; do
				case "$loaded" in
				*" $f "*) continue ;;
				esac
				insmod "/cq/kmods/$f"
				loaded="$loaded$f "
			done
		done
		"$say" "kmods-loaded$(echo "$loaded" | sed 's/\.ko / /g; s/ $//')"
	fi
	if [ "$up" = 1 ]; then
		pci_netdevs | while read -r dev b d; do
			ip link set "$dev" up
			"$say" "up $dev $b"
		done
	fi
}
