#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook (capture kernel) for the DMA scenario (SPEC §7.3): count, in the
# crashed kernel's memory (/proc/vmcore), the marker that the host put into
# the Ethernet frames it sent after the crash.
#
# The marker reaches this kernel only through QEMU's fw_cfg file opt/cq/marker
# (-fw_cfg name=opt/cq/marker,string=...), read through the qemu_fw_cfg module
# that only the capture initramfs has (run-cycle.sh -C qemu_fw_cfg): the
# crashed kernel never saw it, and it is on no command line and in no file of
# either initramfs. /cq/bin/vmcore-count (guest/vmcore-count.c, static) reads
# it from sysfs itself and scans /proc/vmcore in chunks. Lines:
#   CQ-DMA: scan-start
#   CQ-DMA: markers=N bytes=B [aliases=A] [where=MIB:N,...] seconds=S
# With cq.dmaverbose=1 on the command line, one line per match before that:
#   CQ-DMA-MATCH: match PHYS-ADDR seq=NNNNNNNN
# With cq.dma.kmods=a,b (bundled with run-cycle.sh -C), cq.dma.up=1 and
# cq.dma.wait=S, the capture kernel first loads those drivers, brings the
# PCI network interfaces up and waits S seconds, as kdump to a network
# target does: a driver that sets Bus Master again before it resets its
# device lets the frames the device queued meanwhile into the old ring.
# The scan is also marked in QEMU's config-write trace (see tests/qemu/README.md):
# 0xc0de5a14 before it, 0xc0de5a15 after it. Last, the IOMMU fault lines of
# this kernel's own dmesg (the host counts them in serial.log too):
#   CQ-IOMMU: faults=N dma-lines=N drhd-lines=N intr-remap-lines=N amdvi-lines=N smmu-lines=N
# ("DMAR: [DMA Read|Write", "DMAR: DRHD: handling fault", "INTR-REMAP",
# "AMD-Vi: Event logged", "arm-smmu-v3 ...: event 0x").

set -eu
say() { echo "CQ-DMA: $*" >/dev/console; }
fw=/sys/firmware/qemu_fw_cfg
raw="$fw/by_name/opt/cq/marker/raw"

# trace_marker HEX8: as in /init, a write of a magic value to the read-only
# Vendor ID of 00:00.0, seen only in QEMU's pci_cfg_write trace
# shellcheck source=tests/qemu/guest/hooks/lib.sh
. /cq/hooks/lib.sh
trace_marker() { marker "$1"; }

# uptime in centiseconds
now() { sed 's/^\([0-9]*\)\.\([0-9]*\) .*/\1\2/' /proc/uptime; }

kmods="$(cmdline_arg cq.dma.kmods '' | tr ',' ' ')"
up="$(cmdline_arg cq.dma.up 0)"
wait="$(cmdline_arg cq.dma.wait 0)"
kmods_up say "$kmods" "$up"
[ "$wait" = 0 ] || sleep "$wait"

if [ ! -d "$fw" ]; then
	f="$(awk '$1 == "qemu_fw_cfg" { print $NF }' /cq/kmods/order)"
	[ -n "$f" ] || { say "error: qemu_fw_cfg.ko not bundled (run-cycle.sh -C qemu_fw_cfg)"; exit 1; }
	insmod "/cq/kmods/$f"
fi
[ -r "$raw" ] || { say "error: no fw_cfg file opt/cq/marker"; exit 1; }
[ -x /cq/bin/vmcore-count ] || { say "error: no /cq/bin/vmcore-count"; exit 1; }

v=''
grep -q 'cq.dmaverbose=1' /proc/cmdline && v=-v
say scan-start
trace_marker c0de5a14
t0="$(now)"
# shellcheck disable=SC2086 # $v is an optional flag
/cq/bin/vmcore-count $v "$raw" /proc/vmcore >/tmp/count.txt
t1="$(now)"
trace_marker c0de5a15
cs=$((t1 - t0))
grep '^match ' /tmp/count.txt | sed 's/^/CQ-DMA-MATCH: /' >/dev/console || true
say "$(tail -n1 /tmp/count.txt) seconds=$((cs / 100)).$(printf '%02d' $((cs % 100)))"

dmesg >/tmp/iommu-dmesg.txt
n() { grep -cE "$1" /tmp/iommu-dmesg.txt || true; }
dl="$(n 'DMAR: \[DMA (Read|Write)')" dr="$(n 'DMAR: DRHD: handling fault')" ir="$(n 'INTR-REMAP')"
am="$(n 'AMD-Vi: Event logged')" sm="$(n 'arm-smmu-v3 .*: event 0x')"
echo "CQ-IOMMU: faults=$((dl + dr + ir + am + sm)) dma-lines=$dl drhd-lines=$dr intr-remap-lines=$ir amdvi-lines=$am smmu-lines=$sm" >/dev/console
