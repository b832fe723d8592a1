#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook: print every PCI function's Command register and, for bridges,
# Bridge Control, read from sysfs config space. One line each:
#   CQ-PCI: 0000:01:00.0 8086:10d3 cmd=0x0406 [bctl=0x0000]

set -eu

# le16 FILE OFFSET: the 16-bit little-endian value at OFFSET of FILE, in hex
le16() {
	dd if="$1" bs=1 skip="$2" count=2 2>/dev/null | od -An -tx2 | tr -d ' \n'
}

for d in /sys/bus/pci/devices/*; do
	line="CQ-PCI: ${d##*/} $(le16 "$d/config" 0):$(le16 "$d/config" 2) cmd=0x$(le16 "$d/config" 4)"
	hdr="$(dd if="$d/config" bs=1 skip=14 count=1 2>/dev/null | od -An -tx1 | tr -d ' \n')"
	case "$hdr" in
	01 | 81) line="$line bctl=0x$(le16 "$d/config" 62)" ;;
	esac
	echo "$line"
done
