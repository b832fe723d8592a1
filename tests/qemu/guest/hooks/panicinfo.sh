#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook (capture kernel, cq.chook=panicinfo): what the crashed kernel's
# log (/tmp/dmesg.txt, from the vmcore: the init wrote it) and this kernel
# say about the crash:
#   CQ-PANIC: cpu=N            the CPU the panic was raised on ("CPU: N PID:")
#   CQ-PANIC: disk DEV bytes=N a block device this kernel found (NVMe, virtio)

set -u
say() { echo "CQ-PANIC: $*" >/dev/console; }
cpu="$(sed -n 's/.*CPU: \([0-9]*\) .*PID: .*/\1/p' /tmp/dmesg.txt | head -n1)"
say "cpu=${cpu:-?}"
for b in /sys/block/nvme* /sys/block/vd*; do
	[ -e "$b/size" ] || continue
	say "disk ${b##*/} bytes=$(($(cat "$b/size") * 512))"
done
