#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook for the debug-kernel fault-injection cycles (SPEC §8): write
# the fault named by the cq.fault= kernel command-line word (';' stands for
# a space) to the test-only control file, right before the init crashes the
# machine. For cq.fault=nmi, arm unknown_nmi_panic instead and wait for the
# host to inject an NMI through QMP.

set -eu
F=/sys/kernel/debug/pci_crash_quiesce/fault
fault=''
read -r cmdline </proc/cmdline
for w in $cmdline; do
	case "$w" in
	cq.fault=*) fault="$(echo "${w#cq.fault=}" | tr ';' ' ')" ;;
	esac
done
say() { echo "CQ-FAULT: $*" >/dev/console; }

case "$fault" in
'') say "no cq.fault= word"; exit 1 ;;
nmi)
	echo 1 >/proc/sys/kernel/unknown_nmi_panic
	say "ready for nmi"
	# The host injects the NMI; if it never comes, fall through to sysrq-c
	# after a while, which the host sees as a failure (no NMI panic line).
	sleep 120
	;;
*)
	echo "$fault" >"$F"
	say "injected $fault"
	;;
esac
