#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook for the debug-kernel fault-injection cycles (SPEC §8): write
# the fault named by the cq.fault= kernel command-line word (';' stands for
# a space) to the test-only control file and crash the machine at once, from
# here: once another CPU holds pci_lock or pci_config_lock, any config access
# (the init's own trace marker through sysfs among them) would hang. The
# panic-start trace marker is therefore written here, before the fault. For
# cq.fault=nmi, arm unknown_nmi_panic instead and wait for the host to inject
# an NMI through QMP.

set -eu
F=/sys/kernel/debug/pci_crash_quiesce/fault
say() { echo "CQ-FAULT: $*" >/dev/console; }

# shellcheck source=tests/qemu/guest/hooks/lib.sh
. /cq/hooks/lib.sh
fault="$(cmdline_arg cq.fault '' | tr ';' ' ')"

case "$fault" in
'') say "no cq.fault= word"; exit 1 ;;
nmi)
	echo 1 >/proc/sys/kernel/unknown_nmi_panic
	marker c0de5a11
	say "ready for nmi"
	# The host injects the NMI; if it never comes, fall through to sysrq-c
	# after a while, which the host sees as a failure (no NMI panic line).
	# The panic-start marker is written again every 0.2 s meanwhile: a
	# kernel without the panic-end marker (the debug kernel's in-tree hook)
	# has its panic segment cut at the first gap of 1 s in the trace.
	i=0
	while [ $i -lt 600 ]; do
		usleep 200000
		marker c0de5a11
		i=$((i + 1))
	done
	;;
*)
	marker c0de5a11
	echo "$fault" >"$F"
	say "injected $fault"
	echo c >/proc/sysrq-trigger
	;;
esac
