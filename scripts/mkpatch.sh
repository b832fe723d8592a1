#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate the in-tree patch series from the repository's files, against a
# kernel tree (Debian's linux-source-6.12 by default).
#
#   scripts/mkpatch.sh [-k KSRC] OUTDIR
#
# OUTDIR gets the series in git format-patch form, which applies with
# `git am` or `patch -p1`:
#   0000 cover letter (scripts/series/cover-letter.txt, shortlog, diffstat)
#   0001 crash: the crash_quiesce() hook in __crash_kexec()
#   0002 PCI: crash quiesce: config accessors (lock-free, and locked)
#   0003 PCI: crash quiesce: snapshot and plan
#   0004 PCI: crash quiesce: the crash-time walk
#   0005 PCI: crash quiesce: registration, parameters and debugfs
#   0006 PCI: crash quiesce: generic ECAM host bridges (arm64)
#   0007 PCI: crash quiesce: KUnit tests
#   0008 Documentation
# and OUTDIR/test-only/ one more patch, on top of the series, that the
# debug-kernel tier applies and that is never submitted: fault injection
# (tests/debug-kernel/fault/). Author and Signed-off-by come from
# `git config user.name` and `user.email`; without them it stops.
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
name="$(git -C "$ROOT" config user.name || true)"
email="$(git -C "$ROOT" config user.email || true)"
[[ -n "$name" && -n "$email" ]] ||
	{ echo "mkpatch: set git config user.name and user.email: they sign the series" >&2; exit 1; }
touched=(kernel/Kconfig.kexec kernel/Makefile kernel/crash_core.c drivers/pci/Kconfig
	drivers/pci/Makefile Documentation/admin-guide/kdump/index.rst MAINTAINERS)

# Reproducible patches: every commit dated as the last commit that changed
# what goes into them, so that the same sources give the same series (the
# debug kernel's cache key).
GIT_AUTHOR_DATE="$(git -C "$ROOT" log -1 --format=%cI -- kernel drivers include Documentation \
	MAINTAINERS scripts/mkpatch.sh scripts/series tests/debug-kernel/fault 2>/dev/null)"
[[ -n "$GIT_AUTHOR_DATE" ]] || GIT_AUTHOR_DATE=2026-01-01T00:00:00Z
GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"
export GIT_AUTHOR_DATE GIT_COMMITTER_DATE

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q .
git config user.name "$name"
git config user.email "$email"
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
		entry="$(sed -n '1,/^F:/p' "$ROOT/MAINTAINERS" | grep -v '^F:' |
			sed "s|^M:.*|M:	$name <$email>|")"
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

# driver_makefile OBJ...: the driver's Makefile with these objects; one of the
# form ARCH:OBJ is built on that architecture only
driver_makefile() {
	local o objs=() arch=()
	for o in "$@"; do
		case "$o" in
		*:*) arch+=("pci_crash_quiesce-\$(CONFIG_${o%%:*}) += ${o#*:}") ;;
		*) objs+=("$o") ;;
		esac
	done
	printf '# SPDX-License-Identifier: GPL-2.0\n\n'
	# shellcheck disable=SC2016 # $(CONFIG_...) is make syntax
	printf 'obj-$(CONFIG_PCI_CRASH_QUIESCE)\t+= pci_crash_quiesce.o\n\n'
	printf 'pci_crash_quiesce-y := %s\n' "${objs[*]}" | fold -s -w 72 | sed '2,$s/^/\t\t       /; s/ *$//' |
		sed '$!s/$/ \\/'
	[[ ${#arch[@]} -eq 0 ]] || printf '%s\n' "${arch[@]}"
}
# driver_kconfig [x86]: the driver's Kconfig without its KUnit entry; with
# x86, for the patches before the generic ECAM host bridges
driver_kconfig() {
	local k
	k="$(awk '/^config PCI_CRASH_QUIESCE_KUNIT_TEST/ { exit } { print }' "$ROOT/$P/Kconfig")"
	[[ "${1:-}" != x86 ]] ||
		k="${k//	depends on (X86_64 \&\& PCI_MMCONFIG) || (ARM64 \&\& PCI_ECAM)/	depends on X86_64 \&\& PCI_MMCONFIG}"
	printf '%s\n' "$k"
}

# 1. the crash side
put kernel/crash_quiesce.c kernel/crash_cpus.c include/linux/crash_quiesce.h
cat "$ROOT/kernel/Kconfig.crash_quiesce" >>kernel/Kconfig.kexec
# shellcheck disable=SC2016 # $(CONFIG_...) is make syntax
sed -i 's|^obj-$(CONFIG_CRASH_DUMP) += crash_core.o$|&\nobj-$(CONFIG_CRASH_QUIESCE) += crash_quiesce.o crash_cpus.o|' kernel/Makefile
sed -i 's|^#include <linux/crash_core.h>$|&\n#include <linux/crash_quiesce.h>|' kernel/crash_core.c
sed -i 's|^\t\t\tmachine_crash_shutdown(&fixed_regs);$|&\n\t\t\tcrash_quiesce();|' kernel/crash_core.c
# Trees with the crashkernel CMA wait (6.17 on) run it on this way too: a
# crash inside the handler is the case the quiesce is known incomplete.
cma=''
! grep -qP '^\t+crash_cma_clear_pending_dma\(\);$' kernel/crash_core.c ||
	cma=$'\t\tcrash_cma_clear_pending_dma();\n'
CMA="$cma" perl -0pi -e 's|(\t\tkexec_unlock\(\);\n\t\})\n\}\nSTACK_FRAME_NON_STANDARD\(__crash_kexec\);|$1 else if (crash_quiesce_interrupted()) {\n\t\t/*\n\t\t * The quiesce handler crashed: this crash already shut the\n\t\t * machine down for kdump.  Let the handler release what it must\n\t\t * not leave behind (a bus in reset), then go on.\n\t\t */\n\t\tcrash_quiesce();\n$ENV{CMA}\t\tmachine_kexec(kexec_crash_image);\n\t}\n}\nSTACK_FRAME_NON_STANDARD(__crash_kexec);|' kernel/crash_core.c
grep -q CONFIG_CRASH_QUIESCE kernel/Makefile
grep -q '^#include <linux/crash_quiesce.h>$' kernel/crash_core.c
grep -q '^			crash_quiesce();$' kernel/crash_core.c
grep -q '^	} else if (crash_quiesce_interrupted()) {$' kernel/crash_core.c
maintainers_entry include/linux/crash_quiesce.h kernel/crash_cpus.c kernel/crash_quiesce.c
commit "crash: quiesce devices on the way into kdump" \
"Devices the crashed kernel programmed keep doing DMA and raising MSIs
while the kdump capture kernel boots. With an IOMMU that shows as DMAR
fault floods and hangs; without one the DMA silently corrupts the dump.

Let one driver stop them from the crashing kernel: __crash_kexec() calls
crash_quiesce() right after machine_crash_shutdown(), with the other
CPUs stopped, as the last step before machine_kexec(). That is every way
into kdump, whether or not crash_kexec_post_notifiers is set, and after
the panic notifiers and kmsg_dump(), so a log dumper or netconsole on a
PCI device still gets the last lines out. The crashkernel CMA series
waits for pending DMA at the same place.

crash_quiesce() runs the registered handler at most once: an atomic
guard makes a second entry return at once. A crash raised inside the
handler itself (a nested panic, or an oops, which a die notifier turns
into one: otherwise an oops in a task that panicked only kills the task)
finds __crash_kexec() locked by the crash that called it; crash_quiesce_interrupted() tells it
that the machine is already shut down for kdump, and it calls
crash_quiesce() again, which lets the handler recover once (release a bus
it held in reset), then goes on into the capture kernel instead of giving
up on the dump. Bypassing the kexec lock there is safe: its holder is the
interrupted crash on this same CPU, which never resumes, and every other
CPU is stopped.

The shootdown of the other CPUs is best effort: crash_cpus_not_stopped()
counts the online CPUs that saved no crash note, so that the handler can
say when one may still be running."

# 2. the accessors
put $P/crash_quiesce.h $P/cfg.c $P/cfg_locked.c
driver_kconfig x86 >$P/Kconfig
grep -q '^	depends on X86_64 && PCI_MMCONFIG$' $P/Kconfig
driver_makefile cfg.o cfg_locked.o >$P/Makefile
sed -i 's|^source "drivers/pci/switch/Kconfig"$|&\nsource "drivers/pci/crash_quiesce/Kconfig"|' drivers/pci/Kconfig
# shellcheck disable=SC2016 # $(CONFIG_...) is make syntax
sed -i 's|^obj-y				+= switch/$|&\nobj-$(CONFIG_PCI_CRASH_QUIESCE)	+= crash_quiesce/|' drivers/pci/Makefile
grep -q crash_quiesce drivers/pci/Kconfig
grep -q crash_quiesce drivers/pci/Makefile
maintainers_entry "$P/"
commit "PCI: crash quiesce: add lock-free config accessors" \
"After a crash the PCI core's config accessors cannot be used: the x86
type 1 mechanism serialises on pci_config_lock, and a CPU stopped by NMI
may hold it, or pci_lock. Add accessors that take no lock:

- ECAM: a plain MMIO load or store into the kernel's own mapping of the
  function's bus, chosen at snapshot time;
- type 1 (0xCF8/0xCFC) on domain 0 of x86 where the kernel uses no
  ECAM: the address is written before every data access, since the
  crashing CPU may itself have been interrupted between the two ports;
  never an extended register, never another domain (a function behind
  an Intel VMD gets no accessor, not the domain-0 one at the same
  address).

Writes are 16 or 8 bits wide, so that the RW1C Status registers next
to the control registers are never written, and every access is counted.
A walk from process context (a dry run) reads through the PCI core's
locked accessors instead. The private header defines the snapshot the
following patches fill and walk."

# 3. snapshot and plan
put $P/core.h $P/snapshot.c $P/plan.c $P/seal.c $P/ecam_mmcfg.c
driver_makefile cfg.o cfg_locked.o plan.o seal.o snapshot.o X86:ecam_mmcfg.o >$P/Makefile
commit "PCI: crash quiesce: snapshot the topology and plan the quiesce" \
"Take, while the PCI core can still be trusted, everything the crash path
will need: every function, SR-IOV virtual functions included, with its
full-width domain, IDs, class and revision, type, parent (a VF gets its
PF's, on a virtual bus too), MSI, MSI-X, PCIe, Advanced Features, PM and
SR-IOV capabilities, the reset methods the kernel allows it
(pcie_reset_flr() probe, the NO_FLR_RESET and NO_PM_RESET quirks,
No_Soft_Reset), and its accessor: the kernel's own ECAM mapping of its
bus (pci_mmconfig_lookup(): nothing is mapped, no window the kernel
rejected or does not use under pci=nommconf is touched), checked to show
the function, else type 1 on domain 0.

Plan then: endpoints deepest first, then bridges; Secondary Bus Reset
only on the top-most bridge of each subtree that holds no display, UART,
IOMMU, NO_BUS_RESET or user-skipped function; a function-level reset
(FLR, else AF FLR, else PM by D3hot) for every function no bus reset
reaches, never of a host or ISA bridge or a protected function; a VF is
reached by its PF's bus reset or FLR. There is no limit on the number of
functions: the snapshot and the walk's scratch are one allocation sized
with the topology, sealed with a checksum before it is published."

# 4. the walk
put $P/quiesce.c
driver_makefile cfg.o cfg_locked.o plan.o quiesce.o seal.o snapshot.o X86:ecam_mmcfg.o >$P/Makefile
commit "PCI: crash quiesce: walk the plan at crash time" \
"Without locks, allocation or sleeping, within a time budget: check the
snapshot's bounds and checksum; for each function in plan order read
its identity back (IDs; the header type before a Bridge Control write;
a VF, whose IDs read all-ones, by its class and revision with its PF
checked and VF Enable still set), then clear Bus Master Enable and set
INTx Disable in one Command write, and turn MSI/MSI-X off if Bus Master
was on. Then read Transactions Pending of the bus-mastering functions to
reset one by one, wait once for all of them, and start each FLR, AF FLR
or D3hot; then assert Secondary Bus Reset on the planned bridges, hold
once, release. A function that no longer answers is skipped and
counted; a bus reset is only started if its hold fits in the budget,
and always released. Nothing waits for a device to come back.

An endpoint costs three config accesses, plus two per enabled MSI/MSI-X
capability and two per function-level reset."

# 5. registration, parameters, debugfs
put $P/core.c $P/params.c $P/debugfs.c $P/show.c $P/parse.c
grep -v -e KUNIT_TEST -e ARM64 "$ROOT/$P/Makefile" >$P/Makefile
commit "PCI: crash quiesce: register the handler, add parameters and debugfs" \
"Snapshot at boot, publish with release semantics, rebuild on PCI bus
notifier events from a work item (a failed rebuild keeps the previous
snapshot, marked stale), free a replaced one after an RCU grace period;
register the crash_quiesce() handler, which walks the snapshot into a
static record that is also found in the vmcore, and prints one line.

Parameters (pci_crash_quiesce.<name>= on the command line, writable at
run time): enable (registers or unregisters the handler), dry_run, reset
(auto, bus or none), msi, skip, reset_hold_ms, budget_ms. A change plans
a copy of the snapshot again, without walking the topology. debugfs:
devices, plan, last_run, rescan, and dry_run_now, which runs the walk
with config reads only, through the PCI core's locked accessors."

# 6. generic ECAM host bridges (arm64)
put $P/ecam_host.c
driver_kconfig >$P/Kconfig
grep -v -e KUNIT_TEST "$ROOT/$P/Makefile" >$P/Makefile
commit "PCI: crash quiesce: use the mappings of generic ECAM host bridges" \
"On arm64 the config space is reached through the host bridge's own ECAM
window: pci-host-generic with a device tree, or an ACPI MCFG host whose
ops are the generic ECAM ones. When a bus's ops are pci_ecam_map_bus()
with pci_generic_config_read()/write() and the standard 4 KiB per
function, take the address pci_ecam_map_bus() gives at snapshot time:
the crash path then makes plain MMIO accesses into a mapping that
already exists, and nothing new is mapped. Any other mechanism (an
address translation unit reprogrammed per access under pci_lock,
32-bit-only MCFG quirks, another layout) gets no lock-free accessor,
and its functions are left alone."

# 7. KUnit
put $P/crash_quiesce_kunit.c $P/Kconfig $P/Makefile
commit "PCI: crash quiesce: add KUnit tests" \
"Test the planner on a switch topology with a display device and a user
skip, the skip parser, the snapshot seal, and the crash-time walk and
its ECAM accessor against fake config pages: Bus Master, INTx and MSI
state after a real walk, nothing written by a dry run, mismatched and
all-ones functions skipped, a corrupted snapshot refused."

# 8. documentation
put Documentation/admin-guide/kdump/pci-crash-quiesce.rst
sed -i 's|^    vmcoreinfo$|&\n    pci-crash-quiesce|' Documentation/admin-guide/kdump/index.rst
grep -q pci-crash-quiesce Documentation/admin-guide/kdump/index.rst
maintainers_entry Documentation/admin-guide/kdump/pci-crash-quiesce.rst
commit "Documentation: kdump: describe PCI crash quiesce" \
"What the driver does and why, the crash-path contract, the planning
rules, its parameters and debugfs files, and how it relates to the IOMMU
table copy in the capture kernel and to reset_devices."

nr=8
rm -rf "$OUT"/*.patch "$OUT/test-only"
git config branch.master.description "$(cat "$ROOT/scripts/series/cover-letter.txt")"
git branch -q -M master
git format-patch -q --no-signature --cover-letter --cover-from-description=subject \
	-o "$OUT" "HEAD~$nr"

# Test only, never submitted: fault injection, applied on top by the debug tier.
F=tests/debug-kernel/fault
mkdir -p $P
cp "$ROOT/$F/fault.c" "$ROOT/$F/fault.h" $P/
cat "$ROOT/$F/Kconfig" >>$P/Kconfig
# shellcheck disable=SC2016 # $(CONFIG_...) is make syntax
echo 'pci_crash_quiesce-$(CONFIG_PCI_CRASH_QUIESCE_FAULT_INJECT) += fault.o' >>$P/Makefile
sed -i 's|^#include "core.h"$|&\n#include "fault.h"|' $P/core.c
sed -i 's|^\t\tpcq_walk(snap, false, false, run);$|&\n\t\tpcq_fault_in_handler();|' $P/core.c
sed -i 's|^\tpcq_debugfs_init();$|&\n\tpcq_fault_init();|' $P/core.c
sed -i 's|^\tpcq_debugfs_exit();$|\tpcq_fault_exit();\n&|' $P/core.c
[[ $(grep -c 'pcq_fault_' $P/core.c) -eq 3 ]] || { echo "mkpatch: fault hooks not placed in core.c" >&2; exit 1; }
sed -i 's|^#include "crash_quiesce.h"$|&\n#include "fault.h"|' $P/quiesce.c
sed -i 's|^\t\tv = pcq_cfg_read32(f, f->pcie_cap + PCI_EXP_DEVCTL, run);$|&\n\t\tv = pcq_fault_devsta(f, v);|' $P/quiesce.c
sed -i 's|^\t\tfor (ms = snap->settings.reset_hold_ms; ms; ms--)$|\t\tpcq_fault_in_hold();\n&|' $P/quiesce.c
[[ $(grep -c 'pcq_fault_\|"fault.h"' $P/quiesce.c) -eq 3 ]] || { echo "mkpatch: fault hooks not placed in quiesce.c" >&2; exit 1; }
sed -i 's|^#include "crash_quiesce.h"$|&\n#include "fault.h"|' $P/cfg.c
perl -0pi -e 's|(\trun->config_reads\+\+;\n)(\tif \(f->cfg.method == PCQ_ACCESS_CONF1\)\n\t\treturn pcq_conf1_read)|$1\tpcq_fault_slow_read(f);\n$2|' $P/cfg.c
[[ $(grep -c 'pcq_fault_\|"fault.h"' $P/cfg.c) -eq 2 ]] || { echo "mkpatch: fault hooks not placed in cfg.c" >&2; exit 1; }
commit "PCI: crash quiesce: add test-only fault injection" \
"Let a test kernel make the crash path's worst cases happen on demand:
another CPU holding pci_lock or the x86 pci_config_lock with interrupts
off, another CPU that the crash cannot stop, a nested panic inside the
handler and inside its bus reset hold, a corrupted snapshot, a function
that reads all-ones as after a surprise removal, and one whose
Transactions Pending never clears. Not for submission: applied by the
debug-kernel tests only."
git format-patch -q --no-signature -o "$OUT/test-only" HEAD~1
ls "$OUT" "$OUT/test-only"
