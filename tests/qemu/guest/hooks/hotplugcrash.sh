#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook (cq.xhook=hotplugcrash): hotplug just before the panic. Say
# "CQ-HOTPLUG: ready"; the host then adds a function behind the empty root
# port (03:00.0) through QMP; crash as soon as the kernel has it, before the
# module's rebuild, queued on the add, may have run.

set -eu
say() { echo "CQ-HOTPLUG: $*" >/dev/console; }
# shellcheck source=tests/qemu/guest/hooks/lib.sh
. /cq/hooks/lib.sh
dev=/sys/bus/pci/devices/0000:03:00.0
say ready
i=0
while [ ! -e "$dev" ] && [ $i -lt 6000 ]; do
	usleep 10000
	i=$((i + 1))
done
[ -e "$dev" ] || { say "timeout: no $dev"; exit 1; }
marker c0de5a11
echo c >/proc/sysrq-trigger
