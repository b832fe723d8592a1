#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cut a QEMU pci_cfg_write trace into the phases of a kdump cycle.
#
#   tests/qemu/trace-segments.sh [-s SEGMENT] [-c] TRACE
#     -s SEG  print only the writes of SEG
#     -c      print only "SEGMENT COUNT" per segment (all segments, zeros too)
#
# Output, one line per config write: SEGMENT TIME DEV BDF OFFSET VALUE
# (TIME is QEMU's -msg timestamp=on time in seconds, or - without it), and one
# "# marker NAME TIME" line per marker. Segments, cut by the magic values the
# harness writes to 00:00.0 offset 0x0 (see README.md):
#   boot          firmware and primary kernel, up to the primary init
#   primary       primary userspace (driver loads, module load, ...)
#   panic         from just before sysrq-c to the last panic notifier
#   capture-boot  kexec jump and capture kernel, up to the capture init
#   capture       capture userspace
# Marker writes are not counted in any segment.

set -euo pipefail

only='' counts=0
while getopts 's:ch' opt; do
	case "$opt" in
	s) only="$OPTARG" ;;
	c) counts=1 ;;
	*) sed -n '3,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -eq 1 && -r "$1" ]] || { echo "usage: $0 [-s SEGMENT] [-c] TRACE" >&2; exit 2; }

awk -v only="$only" -v counts="$counts" '
BEGIN {
	seg = "boot"
	mark["0xc0de5a10"] = "user-start";    next_seg["0xc0de5a10"] = "primary"
	mark["0xc0de5a11"] = "panic-start";   next_seg["0xc0de5a11"] = "panic"
	mark["0xc0de5a12"] = "panic-end";     next_seg["0xc0de5a12"] = "capture-boot"
	mark["0xc0de5a13"] = "capture-start"; next_seg["0xc0de5a13"] = "capture"
	split("boot primary panic capture-boot capture", order, " ")
	for (i in order) n[order[i]] = 0
}
{
	p = index($0, "pci_cfg_write ")
	if (!p)
		next
	t = "-"
	if (match($0, /^[0-9]+@[0-9]+\.[0-9]+:/))
		t = substr($0, index($0, "@") + 1, RLENGTH - index($0, "@") - 1)
	# pci_cfg_write DEV BB:DD.F @0xOFF <- 0xVAL
	split(substr($0, p), f, " ")
	dev = f[2]; bdf = f[3]; off = substr(f[4], 2); val = f[6]
	if (bdf == "00:00.0" && off == "0x0" && (val in mark)) {
		seg = next_seg[val]
		if (!counts && only == "")
			print "# marker " mark[val] " " t
		next
	}
	n[seg]++
	if (!counts && (only == "" || only == seg))
		print seg, t, dev, bdf, off, val
}
END {
	if (counts)
		for (i = 1; i <= 5; i++)
			print order[i], n[order[i]]
}' "$1"
