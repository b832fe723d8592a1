#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate the in-tree patch series from the repository's files, against a
# kernel tree (Debian's linux-source-6.12 by default).
#
#   scripts/mkpatch.sh [-k KSRC] OUTDIR
#
# OUTDIR gets 0001-...patch to 0005-...patch, in git format-patch form, which
# apply with `git am` or `patch -p1`:
#   1 crash: run-once panic hook (kernel/, include/linux/, Kconfig.kexec)
#   2 PCI: the crash quiesce driver (drivers/pci/crash_quiesce/)
#   3 PCI: its KUnit tests
#   4 PCI: its test-only fault injection
#   5 Documentation (admin-guide page, kdump index)
# The patches are built in a scratch git repository that holds only the
# files they touch, so no copy of the whole kernel is needed.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
KSRC=''
while getopts 'k:' opt; do
	case "$opt" in
	k) KSRC="$OPTARG" ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -eq 1 ]] || { echo "usage: $0 [-k KSRC] OUTDIR" >&2; exit 2; }
OUT="$(mkdir -p "$1" && cd "$1" && pwd)"
[[ -n "$KSRC" ]] || KSRC="$("$ROOT/scripts/kernel-source.sh")"

P=drivers/pci/crash_quiesce
touched=(kernel/Kconfig.kexec kernel/Makefile drivers/pci/Kconfig drivers/pci/Makefile
	Documentation/admin-guide/kdump/index.rst MAINTAINERS)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q .
git config user.name "crash-quiesce"
git config user.email "crash-quiesce@localhost"
for f in "${touched[@]}"; do
	mkdir -p "$(dirname "$f")"
	cp "$KSRC/$f" "$f"
done
git add -A
git commit -qm base

put() { # put FILE...: copy from the repository
	local f
	for f in "$@"; do
		mkdir -p "$(dirname "$f")"
		cp "$ROOT/$f" "$f"
	done
}

# maintainers_entry F...: add or extend our MAINTAINERS entry, sorted in
maintainers_entry() {
	local f entry
	if ! grep -q '^PCI CRASH QUIESCE$' MAINTAINERS; then
		entry="$(sed -n '1,/^F:/p' "$ROOT/MAINTAINERS" | grep -v '^F:')"
		awk -v entry="$entry" '
			!done && /^PCI / && $0 > "PCI CRASH QUIESCE" && prev == "" {
				print entry; print ""; done = 1
			}
			{ print; prev = $0 }' MAINTAINERS >MAINTAINERS.new
		mv MAINTAINERS.new MAINTAINERS
	fi
	for f in "$@"; do
		awk -v f="F:	$f" '
			/^PCI CRASH QUIESCE$/ { in_entry = 1 }
			in_entry && ($0 == "" || ($0 ~ /^F:/ && $0 > f)) && !done { print f; done = 1 }
			in_entry && $0 == "" { in_entry = 0 }
			{ print }' MAINTAINERS >MAINTAINERS.new
		mv MAINTAINERS.new MAINTAINERS
	done
}

commit() { # commit SUBJECT BODY
	git add -A
	git commit -q -s -m "$1" -m "$2"
}

# 1. crash side
put kernel/crash_quiesce.c include/linux/crash_quiesce.h
cat "$ROOT/kernel/Kconfig.crash_quiesce" >>kernel/Kconfig.kexec
# shellcheck disable=SC2016 # $(CONFIG_...) is make syntax
sed -i 's|^obj-$(CONFIG_CRASH_DUMP) += crash_core.o$|&\nobj-$(CONFIG_CRASH_QUIESCE) += crash_quiesce.o|' kernel/Makefile
grep -q CONFIG_CRASH_QUIESCE kernel/Makefile
maintainers_entry include/linux/crash_quiesce.h kernel/crash_quiesce.c
commit "crash: add a run-once panic hook to quiesce devices before kdump" \
"Devices the crashed kernel programmed keep doing DMA and raising MSIs
while the kdump capture kernel boots. With an IOMMU that shows as DMAR
fault floods and hangs; without one the DMA silently corrupts the dump.

Add a minimal hook for a bus driver to stop them from the crashing
kernel: one handler, called at most once from the panic notifier chain
(a nested panic or NMI re-entry finds the atomic guard taken and returns),
which runs before __crash_kexec() when crash_kexec_post_notifiers is set.
crash_quiesce_check_armed() reports when it would not run before kdump,
and a built-in handler can turn crash_kexec_post_notifiers on, as
Hyper-V and SEV-SNP do."

# 2. the PCI driver, without its tests
put $P/crash_quiesce.h $P/core.h $P/cfg.c $P/core.c $P/debugfs.c $P/ecam.c $P/params.c \
	$P/parse.c $P/plan.c $P/quiesce.c $P/seal.c $P/snapshot.c
awk '/^config PCI_CRASH_QUIESCE_KUNIT_TEST/ { exit } { print }' "$ROOT/$P/Kconfig" | sed '$d' >$P/Kconfig
grep -v -e KUNIT_TEST -e FAULT_INJECT "$ROOT/$P/Makefile" >$P/Makefile
sed -i 's|^source "drivers/pci/switch/Kconfig"$|&\nsource "drivers/pci/crash_quiesce/Kconfig"|' drivers/pci/Kconfig
# shellcheck disable=SC2016 # $(CONFIG_...) is make syntax
sed -i 's|^obj-y				+= switch/$|&\nobj-$(CONFIG_PCI_CRASH_QUIESCE)	+= crash_quiesce/|' drivers/pci/Makefile
grep -q crash_quiesce drivers/pci/Kconfig
grep -q crash_quiesce drivers/pci/Makefile
maintainers_entry "$P/"
commit "PCI: add crash quiesce: stop DMA and MSIs at panic, before kdump" \
"At load, snapshot every PCI function (IDs, type, parent, MSI/MSI-X
capabilities, quirks) with a lock-free way to reach its config space:
its ECAM page, found through ACPI MCFG and mapped now, or type 1 access.
Plan then: endpoints deepest first, bridges bottom-up, and Secondary Bus
Reset only on the top-most bridge of each subtree that holds no display,
UART, IOMMU, NO_BUS_RESET or user-skipped function. Seal the snapshot
with a checksum, publish it with release semantics, and rebuild it on
hotplug and parameter changes.

At panic, walk the plan without locks: check the seal, re-read each
function's IDs and header type, clear Bus Master Enable and set INTx
Disable, turn MSI/MSI-X off, then assert SBR on the planned bridges
together, hold once, release. Busy-wait only, within a time budget, and
always let kdump go on. Report in debugfs (devices, plan, last_run,
rescan, dry_run_now) and in one line at panic."

# 3. KUnit
put $P/crash_quiesce_kunit.c
awk '/^config PCI_CRASH_QUIESCE_FAULT_INJECT/ { exit } { print }' "$ROOT/$P/Kconfig" | sed '$d' >$P/Kconfig
grep -v -e FAULT_INJECT "$ROOT/$P/Makefile" >$P/Makefile
commit "PCI: crash quiesce: add KUnit tests" \
"Test the planner on a switch topology with a display device and a user
skip, the parameter parsers, the snapshot seal, and the panic walk and
its ECAM accessor against fake config pages: Bus Master, INTx and MSI
state after a real walk, nothing written by a dry run, mismatched and
all-ones functions skipped, a corrupted snapshot refused."

# 4. fault injection
put $P/fault.c $P/Kconfig $P/Makefile
commit "PCI: crash quiesce: add test-only fault injection" \
"Let a test kernel make the panic path's worst cases happen on demand:
another CPU holding pci_lock or the x86 pci_config_lock with interrupts
off, a nested panic inside the handler, a corrupted snapshot, and a
function that reads all-ones as after a surprise removal. Depends on a
built-in driver and debugfs; not for production kernels."

# 5. documentation
put Documentation/admin-guide/kdump/pci-crash-quiesce.rst
sed -i 's|^    vmcoreinfo$|&\n    pci-crash-quiesce|' Documentation/admin-guide/kdump/index.rst
grep -q pci-crash-quiesce Documentation/admin-guide/kdump/index.rst
maintainers_entry Documentation/admin-guide/kdump/pci-crash-quiesce.rst
commit "Documentation: kdump: describe PCI crash quiesce" \
"What the driver does and why, the panic-path contract, the planning
rules, its parameters and debugfs files, and how it relates to the IOMMU
table copy in the capture kernel and to reset_devices."

rm -f "$OUT"/*.patch
git format-patch -q --no-signature -o "$OUT" HEAD~5
ls "$OUT"
