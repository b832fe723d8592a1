#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate the in-tree patch series from the repository's files, against a
# kernel tree: the newest Debian linux-source by default (the tree upstream
# review starts from), or any other given with -k (6.12 for the debug tier of
# older kernel lines).
#
#   scripts/mkpatch.sh [-k KSRC] OUTDIR
#
# OUTDIR gets the series in git format-patch form, which applies with
# `git am` or `patch -p1`, each patch building and working on its own:
#   0000 cover letter (scripts/series/cover-letter.txt, its base, shortlog,
#        diffstat)
#   0001 PCI/crash: the driver and its call in __crash_kexec() (x86)
#   0002 PCI/crash: debugfs
#   0003 PCI/crash: generic ECAM host bridges (arm64)
#   0004 crash: the CMA DMA wait skipped once PCI bus masters are reset
#        (only on trees that have that wait, 6.17 on)
#   0005 PCI/crash: KUnit tests
#   0006 Documentation
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
[[ -n "$KSRC" ]] || KSRC="$("$ROOT/scripts/kernel-source.sh" newest)"
die() { echo "mkpatch: $*" >&2; exit 1; }

P=drivers/pci/crash_quiesce
name="$(git -C "$ROOT" config user.name || true)"
email="$(git -C "$ROOT" config user.email || true)"
[[ -n "$name" && -n "$email" ]] ||
	die "set git config user.name and user.email: they sign the series"
touched=(kernel/crash_core.c drivers/pci/Kconfig drivers/pci/Makefile
	Documentation/admin-guide/kdump/index.rst MAINTAINERS)
# The base: the kernel release of the tree, as its Makefile says.
base="$(make -s -C "$KSRC" kernelversion 2>/dev/null)" || die "no kernel tree at $KSRC"

# Reproducible patches: every commit dated as the last commit that changed
# what goes into them, so that the same sources give the same series (the
# debug kernel's cache key).
GIT_AUTHOR_DATE="$(git -C "$ROOT" log -1 --format=%cI -- drivers include Documentation \
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

nr=0
commit() { # commit SUBJECT BODY
	git add -A
	git commit -q -s -m "$1" -m "$2"
	nr=$((nr + 1))
}

# driver_makefile OBJ...: the driver's Makefile without the lines that add
# these objects
driver_makefile() {
	local o drop=()
	for o in "$@"; do
		drop+=(-e "/ ${o//./\\.}\\b/d")
	done
	sed "${drop[@]}" "$ROOT/$P/Makefile"
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

# 1. the driver, called from __crash_kexec()
put include/linux/pci_crash_quiesce.h
put $P/crash_quiesce.h $P/core.h $P/cfg.c $P/cfg_pci_core.c $P/core.c $P/crash.c \
	$P/crash_cpus.c $P/facts.c $P/params.c $P/parse.c $P/plan.c $P/quiesce.c $P/seal.c \
	$P/snapshot.c $P/ecam_mmcfg.c
# debugfs comes with patch 2
sed -i '/^\tpcq_debugfs_\(init\|exit\)();$/d' $P/core.c
! grep -q 'pcq_debugfs_' $P/core.c || die "debugfs calls left in patch 1's core.c"
driver_kconfig x86 >$P/Kconfig
grep -q '^	depends on X86_64 && PCI_MMCONFIG$' $P/Kconfig || die "patch 1's Kconfig"
driver_makefile debugfs.o ecam_host.o crash_quiesce_kunit.o >$P/Makefile
! grep -qE 'debugfs|show|ecam_host|kunit' $P/Makefile || die "patch 1's Makefile"
sed -i 's|^source "drivers/pci/switch/Kconfig"$|&\nsource "drivers/pci/crash_quiesce/Kconfig"|' drivers/pci/Kconfig
# shellcheck disable=SC2016 # $(CONFIG_...) is make syntax
sed -i 's|^obj-y				+= switch/$|&\nobj-$(CONFIG_PCI_CRASH_QUIESCE)	+= crash_quiesce/|' drivers/pci/Makefile
grep -q crash_quiesce drivers/pci/Kconfig || die "drivers/pci/Kconfig"
grep -q crash_quiesce drivers/pci/Makefile || die "drivers/pci/Makefile"
sed -i 's|^#include <linux/crash_core.h>$|&\n#include <linux/pci_crash_quiesce.h>|' kernel/crash_core.c
sed -i 's|^\t\t\tmachine_crash_shutdown(&fixed_regs);$|&\n\t\t\tpci_crash_quiesce();|' kernel/crash_core.c
# A crash inside the walk finds the kexec lock taken by the crash that
# called it: the nested branch. Trees with the crashkernel CMA wait (6.17
# on) make it there too: the walk is known incomplete.
cma=''
! grep -qP '^\t+crash_cma_clear_pending_dma\(\);$' kernel/crash_core.c ||
	cma=$'\t\tcrash_cma_clear_pending_dma();\n'
CMA="$cma" perl -0pi -e 's|(\t\tkexec_unlock\(\);\n\t\})\n\}\nSTACK_FRAME_NON_STANDARD\(__crash_kexec\);|$1 else if (pci_crash_quiesce_recover()) {\n\t\t/*\n\t\t * This crash was raised inside pci_crash_quiesce(), on this\n\t\t * CPU: the crash that called it holds the kexec lock, shut the\n\t\t * machine down for kdump and never resumes; every other CPU is\n\t\t * stopped.  Nothing can race for kexec_crash_image, and the\n\t\t * bus resets the walk held are released: go on with the dump.\n\t\t */\n$ENV{CMA}\t\tmachine_kexec(kexec_crash_image);\n\t}\n}\nSTACK_FRAME_NON_STANDARD(__crash_kexec);|' kernel/crash_core.c
grep -q '^#include <linux/pci_crash_quiesce.h>$' kernel/crash_core.c || die "crash_core.c include"
grep -q '^			pci_crash_quiesce();$' kernel/crash_core.c || die "crash_core.c call"
grep -q '^	} else if (pci_crash_quiesce_recover()) {$' kernel/crash_core.c || die "crash_core.c nested branch"
maintainers_entry "$P/" include/linux/pci_crash_quiesce.h
commit "PCI/crash: Quiesce PCI devices on the way into kdump" \
"When a machine panics and kdump jumps to the capture kernel, the PCI
devices the crashed kernel programmed keep going: NICs receive into
their rings, HBAs complete commands, every function with Bus Master
Enable set can write memory and raise MSIs. With an IOMMU the capture
kernel sees fault floods and hangs; without one the DMA silently
corrupts the dump being taken.

Stop them from the crashing kernel. At boot, and again on hotplug from
a work item, snapshot the PCI topology while the PCI core can still be
trusted: every function, SR-IOV virtual functions included, its place in
the tree, its capabilities, the function-level reset the kernel itself
would use first (pdev->reset_methods[], quirks and the admin's
reset_method setting included), and a lock-free way to its config
space: the kernel's own MMCONFIG mapping of its bus
(pci_mmconfig_lookup(); nothing new is mapped), or type 1 through
arch/x86/pci/early.c's accessors on domain 0 where the kernel itself
uses the direct type 1 ops. Plan once, in process context: endpoints
before bridges, children before parents; Secondary Bus Reset only on
the top-most bridge of each subtree that holds no display, UART, IOMMU,
NO_BUS_RESET device, CXL memory or user-skipped function; a
function-level reset for each bus-mastering function no bus reset
reaches. Seal the snapshot with a checksum and publish it with release
semantics; a replaced one is freed after an RCU grace period.

__crash_kexec() calls pci_crash_quiesce() right after
machine_crash_shutdown(), with the other CPUs stopped, as the last step
before machine_kexec(): on every way into kdump, whether or not
crash_kexec_post_notifiers is set, and after the panic notifiers and
kmsg_dump(). A direct call, as the crashkernel CMA wait beside it: the
driver is built in, and an enable parameter arms it. The walk takes no
lock, never sleeps or allocates, runs at most once and within a time
budget bounded by a count of fixed delays as well as by the clock (the
clock may stand still after machine_crash_shutdown()). It checks the
snapshot's seal, reads back each function's identity before touching it,
disables MSI/MSI-X, sets INTx Disable and clears Bus Master Enable, then
starts the function-level resets after one shared wait for Transactions
Pending, then asserts the bus resets, holds once and releases. The
PCI core's own pcie_flr(), pci_af_flr(), pci_pm_reset() and
pci_reset_secondary_bus() cannot be called there: they take pci_lock
through the locked accessors and sleep. Nothing waits for a device to
come back: the capture kernel's drivers do.

A crash raised inside the walk (a nested panic, or an oops, which a die
notifier turns into one) finds __crash_kexec() locked by the crash that
called the walk. pci_crash_quiesce_recover() tells it so when this CPU
is inside the walk, releases every bus reset the walk asserted (a bus
left in reset would hide the dump target from the capture kernel), and
__crash_kexec() goes on into the capture kernel instead of giving up on
the dump. Bypassing the kexec lock there is safe: its holder is the
interrupted crash on this same CPU, which never resumes, and every other
CPU is stopped.

Module parameters (pci_crash_quiesce.<name>= on the command line,
writable at run time): enable, dry_run, reset (auto, bus or none), msi,
skip, reset_hold_ms, budget_ms. A change plans a copy of the snapshot
again without walking the topology; a bad value is refused with a
message saying what is accepted.

An endpoint costs three config accesses (ID read, Command read and
write), plus two per enabled MSI/MSI-X capability and two for a
function-level reset."

# 2. debugfs
put $P/core.c $P/debugfs.c $P/show.c $P/show.h
driver_makefile ecam_host.o crash_quiesce_kunit.o >$P/Makefile
commit "PCI/crash: Show the snapshot, the plan and the last run in debugfs" \
"An administrator needs to see what the crash path would do before a
crash, and what it did after one. Add
/sys/kernel/debug/pci_crash_quiesce/, root only:

- devices: one line per function of the snapshot, with its type,
  parent, accessor, action and the reset that reaches it (or why none
  does); a seq_file iterator, a page at a time, for hosts with 10^5
  SR-IOV functions;
- plan: the steps of the crash-time walk, in order;
- last_run: the record of the last walk, the crash's or a dry run's;
- rescan: snapshot again now;
- dry_run_now: the crash-time walk with reads only, through the PCI
  core's locked accessors (a bare type 1 pair would race with other
  CPUs), on a private copy of the snapshot."

# 3. generic ECAM host bridges (arm64)
put $P/ecam_host.c
driver_kconfig >$P/Kconfig
driver_makefile crash_quiesce_kunit.o >$P/Makefile
commit "PCI/crash: Use the ECAM mappings of generic host bridges" \
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

# 4. the CMA wait (trees that have it)
if [[ -n "$cma" ]]; then
	perl -0pi -e 's|\t\t\tpci_crash_quiesce\(\);\n\t\t\tcrash_cma_clear_pending_dma\(\);\n|\t\t\tif (!pci_crash_quiesce())\n\t\t\t\tcrash_cma_clear_pending_dma();\n|' kernel/crash_core.c
	grep -q '^			if (!pci_crash_quiesce())$' kernel/crash_core.c || die "CMA wait not made conditional"
	commit "crash: Skip the CMA DMA wait once the PCI bus masters are reset" \
"$(cat "$ROOT/scripts/series/cma-wait.txt")"
fi

# 5. KUnit
put $P/crash_quiesce_kunit.c $P/Kconfig $P/Makefile
commit "PCI/crash: Add KUnit tests" \
"Test the planner, the fact rules, the skip parser, the snapshot seal,
and the crash-time walk and its ECAM accessor against fake config pages
(ordinary memory standing in for config space): Bus Master, INTx and
MSI state after a real walk, nothing written by a dry run, VFs checked
through their PF, function-level resets and their Transactions Pending
wait, mismatched and all-ones functions skipped, a corrupted snapshot
refused, the budget shared so that a slow function cannot cancel the
resets."

# 6. documentation
put Documentation/admin-guide/kdump/pci-crash-quiesce.rst
sed -i 's|^    vmcoreinfo$|&\n    pci-crash-quiesce|' Documentation/admin-guide/kdump/index.rst
grep -q pci-crash-quiesce Documentation/admin-guide/kdump/index.rst || die "kdump index"
maintainers_entry Documentation/admin-guide/kdump/pci-crash-quiesce.rst
commit "Documentation: kdump: Describe PCI crash quiesce" \
"What the driver does and why, the crash-path contract, the planning
rules, its parameters and debugfs files, and how it relates to the IOMMU
table copy in the capture kernel and to reset_devices."

rm -rf "$OUT"/*.patch "$OUT/test-only"
{
	# the figures measured (scripts/series/measured.txt) where the letter
	# says @MEASURED@
	awk -v f="$ROOT/scripts/series/measured.txt" '
		$0 == "@MEASURED@" { while ((getline l < f) > 0) print l; next } { print }' \
		"$ROOT/scripts/series/cover-letter.txt"
	printf '\nBased on v%s, as Debian packages it (linux-source).\n' "$base"
} >"$work.cover"
git config branch.master.description "$(cat "$work.cover")"
rm -f "$work.cover"
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
sed -i 's|^\t\tpcq_walk(snap, pcq_snapshot_state(snap), PCQ_WALK_PANIC, run);$|&\n\t\tpcq_fault_in_handler();|' $P/core.c
sed -i 's|^\tpcq_debugfs_init();$|&\n\tpcq_fault_init();|' $P/core.c
sed -i 's|^\tpcq_debugfs_exit();$|\tpcq_fault_exit();\n&|' $P/core.c
[[ $(grep -c 'pcq_fault_' $P/core.c) -eq 3 ]] || die "fault hooks not placed in core.c"
sed -i 's|^#include "crash_quiesce.h"$|&\n#include "fault.h"|' $P/quiesce.c
sed -i 's|^\t\tv = pcq_read32(w, f, f->reset_cap + PCI_EXP_DEVCTL);$|&\n\t\tv = pcq_fault_devsta(f, v);|' $P/quiesce.c
sed -i 's|^\t\tfor (ms = snap->settings.reset_hold_ms; ms; ms--)$|\t\tpcq_fault_in_hold();\n&|' $P/quiesce.c
[[ $(grep -c 'pcq_fault_\|"fault.h"' $P/quiesce.c) -eq 3 ]] || die "fault hooks not placed in quiesce.c"
sed -i 's|^#include "crash_quiesce.h"$|&\n#include "fault.h"|' $P/cfg.c
perl -0pi -e 's|(\trun->config_reads\+\+;\n)(\tif \(!f->ecam\)\n\t\treturn pcq_conf1_read)|$1\tpcq_fault_slow_read(f);\n$2|' $P/cfg.c
[[ $(grep -c 'pcq_fault_\|"fault.h"' $P/cfg.c) -eq 2 ]] || die "fault hooks not placed in cfg.c"
git add -A
git commit -q -s -m "PCI/crash: Add test-only fault injection" -m \
"Let a test kernel make the crash path's worst cases happen on demand:
another CPU holding pci_lock or the x86 pci_config_lock with interrupts
off, another CPU that the crash cannot stop, a nested panic inside the
handler and inside its bus reset hold, a corrupted snapshot, a function
that reads all-ones as after a surprise removal, one whose Transactions
Pending never clears, and one that answers slowly. Not for submission:
applied by the debug-kernel tests only."
git format-patch -q --no-signature -o "$OUT/test-only" HEAD~1
ls "$OUT" "$OUT/test-only"
