#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook (capture kernel) for the IOMMU scenario (SPEC §7.4): keep the
# capture kernel alive while the crashed kernel's NIC may still be DMAing,
# optionally after loading drivers bundled into the capture initramfs
# (run-cycle.sh -C), and report the capture kernel's own DMAR fault lines.
# Command line words (';' stands for a space where a list is wanted):
#   cq.iommu.kmods=a,b   insmod these bundled modules (and their dependencies)
#   cq.iommu.up=1        then bring every PCI network interface up (no address)
#   cq.iommu.wait=S      then wait S seconds (default 0)
# Lines:
#   CQ-IOMMU: kmods-loaded NAME...          (with cq.iommu.kmods)
#   CQ-IOMMU: up DEV BDF                    (with cq.iommu.up=1)
#   CQ-IOMMU: dma-lines=N drhd-lines=N intr-remap-lines=N
#     lines of this kernel's dmesg with "DMAR: [DMA Read|Write", "DMAR: DRHD:
#     handling fault", "INTR-REMAP"
# The host counts the same lines in serial.log; this count, from the capture
# kernel's own dmesg, is a cross-check.

set -eu
say() { echo "CQ-IOMMU: $*" >/dev/console; }

# shellcheck source=tests/qemu/guest/hooks/lib.sh
. /cq/hooks/lib.sh
kmods="$(cmdline_arg cq.iommu.kmods '' | tr ',' ' ')"
up="$(cmdline_arg cq.iommu.up 0)"
wait="$(cmdline_arg cq.iommu.wait 0)"
kmods_up say "$kmods" "$up"

[ "$wait" = 0 ] || sleep "$wait"

dmesg >/tmp/iommu-dmesg.txt
n() { grep -cE "$1" /tmp/iommu-dmesg.txt || true; }
say "dma-lines=$(n 'DMAR: \[DMA (Read|Write)') drhd-lines=$(n 'DMAR: DRHD: handling fault') intr-remap-lines=$(n 'INTR-REMAP')"
