#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cut a QEMU pci_cfg_write trace into the phases of a kdump cycle.
#
#   tests/qemu/trace-segments.sh [-s SEGMENT] [-c] TRACE
#     -s SEG  print only the writes of SEG
#     -c      print only "SEGMENT COUNT" per segment (all segments, zeros too)
#     -g GAP  seconds of silence that end the panic segment when it has no end marker
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
# Marker writes are not counted in any segment. Without the panic-end marker
# (run-cycle.sh -n, or no crash_kexec_post_notifiers) the end of the panic
# segment is guessed: the first write more than GAP seconds (default 1.0, -g)
# after the previous one, shown as "# marker panic-end-by-gap". The panic path
# takes milliseconds; the kexec jump to the capture kernel's PCI scan seconds.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

only='' counts=0 gap=1.0
while getopts 's:cg:h' opt; do
	case "$opt" in
	s) only="$OPTARG" ;;
	c) counts=1 ;;
	g) gap="$OPTARG" ;;
	*) sed -n '3,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -eq 1 && -r "$1" ]] || { echo "usage: $0 [-s SEGMENT] [-c] TRACE" >&2; exit 2; }

has_end=0
! grep -q "@0x0 <- $CQ_MAGIC_PANIC_END\$" "$1" || has_end=1

awk -v only="$only" -v counts="$counts" -v gap="$gap" -v has_end="$has_end" -v m0="$CQ_MAGIC_USER_START" \
	-v m1="$CQ_MAGIC_PANIC_START" -v m2="$CQ_MAGIC_PANIC_END" -v m3="$CQ_MAGIC_CAPTURE_USER" '
BEGIN {
	seg = "boot"
	mark[m0] = "user-start";    next_seg[m0] = "primary"
	mark[m1] = "panic-start";   next_seg[m1] = "panic"
	mark[m2] = "panic-end";     next_seg[m2] = "capture-boot"
	mark[m3] = "capture-start"; next_seg[m3] = "capture"
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
		last = t
		next
	}
	if (seg == "panic" && !has_end && t != "-" && last != "-" && t - last > gap) {
		seg = "capture-boot"
		if (!counts && only == "")
			print "# marker panic-end-by-gap " t
	}
	last = t
	n[seg]++
	if (!counts && (only == "" || only == seg))
		print seg, t, dev, bdf, off, val
}
END {
	if (counts)
		for (i = 1; i <= 5; i++)
			print order[i], n[order[i]]
}' "$1"
