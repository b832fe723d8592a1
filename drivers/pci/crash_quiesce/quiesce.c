// SPDX-License-Identifier: GPL-2.0
/*
 * The panic-path walk: follow the plan of a sealed snapshot and quiesce.
 *
 * This runs on the way into kdump with interrupts off and the other CPUs
 * stopped by NMI, wherever they were.  Nothing here takes a lock, sleeps,
 * allocates, WARNs or calls into the PCI core; all it touches is the
 * snapshot, the scratch area allocated with it, and config space through
 * cfg.c.  Every loop is bounded by the snapshot size, which
 * pcq_snapshot_intact() checks against its allocation; every wait by a
 * count of fixed delays; and each phase by its share of a time budget.
 * The clock ends a phase; should it stand still, the count of delays still
 * ends every wait, and the quiesce phase, which makes none, is bounded by
 * the number of functions.  The same walk, with writes suppressed, serves
 * the dry-run modes.
 */
#include <linux/compiler.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/nmi.h>
#include <linux/pci.h>
#include <linux/pci_regs.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/types.h>

#include "crash_quiesce.h"

/* PCI Bus Power Management r1.2 sec 3.2.4: PowerState field value of D3hot */
#define PCQ_PM_D3HOT	3

/*
 * PCI-to-PCI Bridge Architecture r1.2 sec 3.2.5.18: Bridge Control bit 10,
 * Discard Timer Status, is RW1C (the kernel has no name for it).  Written
 * back as read, a set bit would clear the status: both writes mask it.
 */
#define PCQ_BRIDGE_CTL_DISCARD_STATUS	0x0400

/*
 * The panic walk that is asserting bus resets, for a crash raised inside
 * it: pcq_walk_interrupted() trusts this snapshot only, which the walk
 * verified before it asserted anything, and no other that may be
 * published meanwhile (by a CPU that did not stop).  pcq_bridge_writing is
 * the bridge whose Bridge Control write is under way: a crash raised by
 * that very write is released last.
 */
static const struct pcq_snapshot *pcq_resetting;
static s32 pcq_bridge_writing = -1;

static const char * const pcq_state_names[] = {
	[PCQ_STATE_NEVER]	= "never",
	[PCQ_STATE_DRY_RUN]	= "dry-run",
	[PCQ_STATE_DONE]		= "done",
	[PCQ_STATE_ABORTED]	= "aborted",
};

static_assert(ARRAY_SIZE(pcq_state_names) == PCQ_STATE_COUNT);

static const char * const pcq_abort_names[] = {
	[PCQ_ABORT_NONE]		= "none",
	[PCQ_ABORT_NO_SNAPSHOT]	= "no-snapshot",
	[PCQ_ABORT_CORRUPT]	= "corrupt-snapshot",
	[PCQ_ABORT_BUDGET]	= "budget",
	[PCQ_ABORT_INTERRUPTED]	= "interrupted",
};

static_assert(ARRAY_SIZE(pcq_abort_names) == PCQ_ABORT_COUNT);

static const char * const pcq_phase_names[] = {
	[PCQ_PHASE_NONE]		= "none",
	[PCQ_PHASE_QUIESCE]	= "quiesce",
	[PCQ_PHASE_FN_RESET]	= "function-reset",
	[PCQ_PHASE_BUS_RESET]	= "bus-reset",
};

static_assert(ARRAY_SIZE(pcq_phase_names) == PCQ_PHASE_COUNT);

/**
 * pcq_state_name() - name of a run state as shown in last_run
 * @state: enum pcq_state
 *
 * Return: a static string.
 */
const char *pcq_state_name(enum pcq_state state)
{
	return state < ARRAY_SIZE(pcq_state_names) ? pcq_state_names[state] : "?";
}

/**
 * pcq_abort_name() - name of an abort reason as shown in last_run
 * @why: enum pcq_abort
 *
 * Context: any, including the panic path's summary line.
 * Return: a static string.
 */
const char *pcq_abort_name(enum pcq_abort why)
{
	return why < ARRAY_SIZE(pcq_abort_names) ? pcq_abort_names[why] : "?";
}

/**
 * pcq_phase_name() - name of a walk phase as shown in last_run
 * @phase: enum pcq_phase
 *
 * Return: a static string.
 */
const char *pcq_phase_name(enum pcq_phase phase)
{
	return phase < ARRAY_SIZE(pcq_phase_names) ? pcq_phase_names[phase] : "?";
}

/**
 * struct pcq_budget - the walk's time, kept by the clock and by count
 * @end:         the end of the budget
 * @fn_share:    what the function resets keep of it, ns
 * @bus_share:   what the bus resets keep of it, ns
 * @phase_end:   the end of the current phase
 * @delays_left: fixed 1 ms delays the walk may still make
 * @bus_ms:      of them, what the bus reset hold needs
 * @fn_wait_ms:  the longest Transactions Pending wait the share allows
 *
 * After machine_crash_shutdown() the clock may stand still: x86 disables
 * the HPET there, and a machine whose clocksource it was (or jiffies)
 * reads the same time from then on.  A wait bounded by the clock alone
 * would never end, so every delay is also counted against the budget, and
 * a wait that the clock can no longer end is still ended by the count.
 *
 * The budget is shared so that a slow or hung function cannot spend it
 * all on the quiesce steps: each of its config accesses may end in a
 * Completion Timeout (up to 64 s by the PCIe specification; 50 ms is
 * usual), and no code can cut an access short.  The quiesce phase ends
 * early enough to leave the function resets the Transactions Pending wait
 * and the bus resets their hold, each with a margin for its accesses; and
 * each reset phase gets its share from the time it starts, also when the
 * phase before it overran its end in one long access.  So the walk may end
 * past the budget, by at most the reset phases' shares.
 */
struct pcq_budget {
	u64 end;
	u64 fn_share;
	u64 bus_share;
	u64 phase_end;
	u32 delays_left;
	u32 bus_ms;
	u32 fn_wait_ms;
};

/**
 * pcq_budget_init() - share the budget out among the walk's phases
 * @b:     the budget
 * @snap:  the verified snapshot: what it plans decides the shares
 * @start: the clock when the walk started
 *
 * The bus resets take the hold and a margin, at most half of the budget
 * (pcq_budget_floor_ms(), which the settings are checked against); the
 * function resets the Transactions Pending wait and a margin, at most half
 * of what is left, the wait shortened to fit; the quiesce phase the rest,
 * never less than a quarter of the budget.
 *
 * Context: panic path; no lock, no sleep.
 */
static void pcq_budget_init(struct pcq_budget *b, const struct pcq_snapshot *snap,
			    u64 start)
{
	u32 budget = snap->settings.budget_ms;
	u32 bus = 0, fn = 0;

	if (snap->nr_resets)
		bus = min_t(u32, budget / 2, snap->settings.reset_hold_ms + PCQ_PHASE_MARGIN_MS);
	if (snap->nr_fresets)
		fn = min_t(u32, (budget - bus) / 2, PCQ_TP_WAIT_MS + PCQ_PHASE_MARGIN_MS);
	b->end = start + (u64)budget * NSEC_PER_MSEC;
	b->fn_share = (u64)fn * NSEC_PER_MSEC;
	b->bus_share = (u64)bus * NSEC_PER_MSEC;
	b->phase_end = b->end - b->bus_share - b->fn_share;
	b->delays_left = budget;
	b->bus_ms = bus ? snap->settings.reset_hold_ms : 0;
	b->fn_wait_ms = fn > PCQ_PHASE_MARGIN_MS ? fn - PCQ_PHASE_MARGIN_MS : 0;
}

/**
 * pcq_budget_phase() - start a reset phase
 * @b:           the budget
 * @planned_end: where the budget has the phase end
 * @share:       what the phase keeps of the budget, ns
 *
 * The phase ends at @planned_end, or @share after now, whichever is later.
 *
 * Context: panic path; no lock, no sleep.
 */
static void pcq_budget_phase(struct pcq_budget *b, u64 planned_end, u64 share)
{
	b->phase_end = max_t(u64, planned_end, ktime_get_mono_fast_ns() + share);
}

/**
 * pcq_past() - is the clock past a time?
 * @until: the time, ktime_get_mono_fast_ns() base
 *
 * Only ever true once the clock has moved: a stopped clock never ends a
 * phase, the count of delays does.
 *
 * Context: any.
 * Return: true past @until.
 */
static bool pcq_past(u64 until)
{
	return ktime_get_mono_fast_ns() > until;
}

/**
 * pcq_delay() - busy-wait 1 ms, counted against the budget
 * @b:   the budget
 * @run: counters
 *
 * mdelay(), never msleep(): nothing may sleep here (checkpatch's advice to
 * use msleep() for short delays does not apply).  The NMI watchdog is
 * touched so that a long wait is not taken for a lockup.
 *
 * Context: panic path; interrupts may be off.
 */
static void pcq_delay(struct pcq_budget *b, struct pcq_run *run)
{
	mdelay(1);
	touch_nmi_watchdog();
	if (b->delays_left)
		b->delays_left--;
	run->delays_ms++;
}

/**
 * pcq_update16() - write a 16-bit register only if its value changes
 * @f:       the function
 * @reg:     register offset
 * @old:     the value read before
 * @val:     the value wanted
 * @dry_run: only count the write that would have been made
 * @run:     counters
 *
 * Context: panic path; no lock, no sleep.
 */
static void pcq_update16(const struct pcq_func *f, unsigned int reg, u16 old,
			 u16 val, bool dry_run, struct pcq_run *run)
{
	if (val == old)
		return;
	if (dry_run)
		run->planned_writes++;
	else
		pcq_cfg_write16(f, reg, val, run);
}

/**
 * pcq_check_plain() - are function @i's IDs still its own?  Read once per walk
 * @snap: the snapshot
 * @i:    index of a function that is not a VF
 * @run:  counters
 *
 * The answer is kept in the walk's scratch: a PF checked for its first VF
 * is not read again for the others, nor when its own turn comes.
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if its vendor and device IDs read as in the snapshot.
 */
static bool pcq_check_plain(const struct pcq_snapshot *snap, u32 i,
			    struct pcq_run *run)
{
	const struct pcq_func *f = &snap->func[i];
	u16 *state = &snap->scratch.state[i];
	u32 id;

	if (!(*state & PCQ_S_CHECKED)) {
		*state |= PCQ_S_CHECKED;
		id = pcq_cfg_read32(f, PCI_VENDOR_ID, run);
		if (PCI_POSSIBLE_ERROR(id) || id != ((u32)f->device << 16 | f->vendor))
			*state |= PCQ_S_BAD;
	}
	return !(*state & PCQ_S_BAD);
}

/**
 * pcq_vf_enabled() - does a VF's PF still have VF Enable set?
 * @snap: the snapshot
 * @pf:   index of the PF
 * @run:  counters
 *
 * Read once per walk and PF, whatever the number of its VFs.  Through type
 * 1 the SR-IOV capability is out of reach, but then the kernel could not
 * have enabled VFs either.
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if VF Enable is set.
 */
static bool pcq_vf_enabled(const struct pcq_snapshot *snap, u32 pf,
			   struct pcq_run *run)
{
	const struct pcq_func *p = &snap->func[pf];
	u16 *state = &snap->scratch.state[pf];
	u16 ctl;

	if (!(*state & PCQ_S_VFE_CHECKED)) {
		*state |= PCQ_S_VFE_CHECKED;
		ctl = p->sriov_cap ? pcq_cfg_read16(p, p->sriov_cap + PCI_SRIOV_CTRL, run) :
				     (u16)PCI_ERROR_RESPONSE;
		if (!PCI_POSSIBLE_ERROR(ctl) && (ctl & PCI_SRIOV_CTRL_VFE))
			*state |= PCQ_S_VFE_ON;
	}
	return *state & PCQ_S_VFE_ON;
}

/**
 * pcq_check_vf() - is this still the VF the snapshot describes?
 * @snap: the snapshot
 * @f:    the VF
 * @run:  counters
 *
 * A VF's Vendor and Device ID registers read all-ones (SR-IOV r1.1 sec
 * 3.4.1.1, 3.4.1.2): they cannot tell a VF from a removed function.  Its
 * Class Code and Revision ID can, with its PF: the PF must still be
 * itself and still have VF Enable set.
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if the VF checks out.
 */
static bool pcq_check_vf(const struct pcq_snapshot *snap, const struct pcq_func *f,
			 struct pcq_run *run)
{
	u32 cr;

	if (f->pf < 0 || (snap->func[f->pf].flags & PCQ_F_VF) ||
	    !pcq_check_plain(snap, f->pf, run) || !pcq_vf_enabled(snap, f->pf, run))
		return false;
	cr = pcq_cfg_read32(f, PCI_CLASS_REVISION, run);
	return !PCI_POSSIBLE_ERROR(cr) && cr == f->class_rev;
}

/**
 * pcq_check_id() - is function @i still itself?
 * @snap: the snapshot
 * @i:    index of the function
 * @run:  counters
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if it checks out: pcq_check_plain(), or for a VF
 * pcq_check_vf(), whose answer is kept in the walk's scratch too.
 */
static bool pcq_check_id(const struct pcq_snapshot *snap, u32 i, struct pcq_run *run)
{
	u16 *state = &snap->scratch.state[i];

	if (!(snap->func[i].flags & PCQ_F_VF))
		return pcq_check_plain(snap, i, run);
	if (!(*state & PCQ_S_CHECKED)) {
		*state |= PCQ_S_CHECKED;
		if (!pcq_check_vf(snap, &snap->func[i], run))
			*state |= PCQ_S_BAD;
	}
	return !(*state & PCQ_S_BAD);
}

/**
 * pcq_verify() - is this still the function the snapshot describes?
 * @snap: the snapshot
 * @i:    index of the function
 * @run:  counters
 *
 * A surprise-removed function reads all-ones; a replaced one has other IDs.
 * The header type is re-read only where a header-dependent write follows:
 * the Bridge Control write of a bridge to reset.  An endpoint costs one
 * read here.
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if the function checks out.
 */
static bool pcq_verify(const struct pcq_snapshot *snap, u32 i, struct pcq_run *run)
{
	const struct pcq_func *f = &snap->func[i];
	u32 hdr;

	if (!pcq_check_id(snap, i, run))
		return false;
	if (f->action != PCQ_ACT_QUIESCE_RESET)
		return true;
	hdr = pcq_cfg_read32(f, PCI_CACHE_LINE_SIZE, run);
	if (!PCI_POSSIBLE_ERROR(hdr) && ((hdr >> 16) & PCI_HEADER_TYPE_MASK) == f->hdr_type)
		return true;
	snap->scratch.state[i] |= PCQ_S_BAD;
	return false;
}

/**
 * pcq_quiesce_function() - stop a function's DMA and interrupts
 * @f:       the function, verified
 * @msi:     also set INTx Disable and turn MSI/MSI-X off
 * @dry_run: read only
 * @run:     counters
 *
 * Clear Bus Master Enable, and with @msi set INTx Disable, in one write to
 * Command; then turn MSI and MSI-X off.  Command goes first: once Bus Master
 * is off no DMA and no MSI leaves the function, and INTx is already masked
 * when disabling MSI makes the function fall back to INTx.  A VF has no
 * INTx (its INTx Disable bit is read-only zero): only Bus Master changes.
 * A bridge above a function the user listed in skip keeps its Bus Master
 * Enable: clearing it would cut that function's DMA, which the user wants
 * to go on (a netconsole NIC, the dump target's HBA).
 *
 * A function whose Bus Master Enable already reads clear was sending
 * nothing: an MSI is a memory write, which Bus Master Enable gates like any
 * other.  Its MSI and MSI-X control words are not even read; whatever they
 * hold, the capture kernel's enumeration clears both enables before any of
 * its drivers can turn Bus Master on (pci_msi_init(), pci_msix_init()).
 * That saves idle functions one or two config accesses each, and the panic
 * path touches devices that were doing nothing as little as it can.
 *
 * Context: panic path; no lock, no sleep.
 * Return: 1 if Bus Master Enable was set, 0 if not, -1 if Command read
 * all-ones: the function went away since its IDs were read.
 */
static int pcq_quiesce_function(const struct pcq_func *f, bool msi, bool dry_run,
				struct pcq_run *run)
{
	u16 cmd, ctl, val;

	cmd = pcq_cfg_read16(f, PCI_COMMAND, run);
	if (PCI_POSSIBLE_ERROR(cmd))
		return -1;
	val = cmd;
	if (!(f->flags & PCQ_F_KEEP_MASTER))
		val &= ~PCI_COMMAND_MASTER;
	if (msi && !(f->flags & PCQ_F_VF))
		val |= PCI_COMMAND_INTX_DISABLE;
	pcq_update16(f, PCI_COMMAND, cmd, val, dry_run, run);

	if (!(cmd & PCI_COMMAND_MASTER))
		return 0;
	if (!msi)
		return 1;
	if (f->msi_cap) {
		ctl = pcq_cfg_read16(f, f->msi_cap + PCI_MSI_FLAGS, run);
		if (!PCI_POSSIBLE_ERROR(ctl))
			pcq_update16(f, f->msi_cap + PCI_MSI_FLAGS, ctl,
				     ctl & ~PCI_MSI_FLAGS_ENABLE, dry_run, run);
	}
	if (f->msix_cap) {
		ctl = pcq_cfg_read16(f, f->msix_cap + PCI_MSIX_FLAGS, run);
		if (!PCI_POSSIBLE_ERROR(ctl))
			pcq_update16(f, f->msix_cap + PCI_MSIX_FLAGS, ctl,
				     ctl & ~PCI_MSIX_FLAGS_ENABLE, dry_run, run);
	}
	return 1;
}

/**
 * pcq_mark_bad() - a function found gone after its identity checked out
 * @snap: the snapshot
 * @i:    index of the function
 * @run:  counters: it counts as mismatched, and skipped
 *
 * It is never written again.
 *
 * Context: panic path; no lock, no sleep.
 */
static void pcq_mark_bad(const struct pcq_snapshot *snap, u32 i, struct pcq_run *run)
{
	snap->scratch.state[i] |= PCQ_S_BAD;
	run->mismatched++;
	run->skipped++;
}

/**
 * pcq_visit() - verify function @i and quiesce it, once per walk
 * @snap:    the snapshot
 * @i:       index of a function the plan quiesces
 * @dry_run: read only
 * @run:     counters
 *
 * In plan order during the quiesce phase; from a reset phase for a reset
 * target the quiesce phase had no time left to reach, so that a slow
 * function early in the order cannot keep the resets from happening.
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if the function checked out.
 */
static bool pcq_visit(const struct pcq_snapshot *snap, u32 i, bool dry_run,
		      struct pcq_run *run)
{
	u16 *state = &snap->scratch.state[i];
	int master;

	if (*state & PCQ_S_VISITED)
		return !(*state & PCQ_S_BAD);
	*state |= PCQ_S_VISITED;
	if (!pcq_verify(snap, i, run)) {
		run->mismatched++;
		run->skipped++;
		return false;
	}
	master = pcq_quiesce_function(&snap->func[i], snap->settings.msi, dry_run, run);
	if (master < 0) {
		pcq_mark_bad(snap, i, run);
		return false;
	}
	if (master)
		*state |= PCQ_S_MASTER;
	run->functions_quiesced++;
	return true;
}

/**
 * pcq_fn_reset_status() - read what a function reset needs, and whether the
 * function still has transactions pending
 * @f:   the function
 * @run: counters
 * @ctl: the control word an FLR or a PM reset modifies (an AF FLR writes
 *       its trigger bit alone)
 *
 * One access per function: FLR reads Device Control and Device Status as
 * one dword, the Advanced Features FLR its Control and Status bytes as one
 * word; a PM reset reads PMCSR, and has no pending state to wait for.
 *
 * Context: panic path; no lock, no sleep.
 * Return: 1 if Transactions Pending is set, 0 if not, -1 if the function
 * no longer answers.
 */
static int pcq_fn_reset_status(const struct pcq_func *f, struct pcq_run *run, u16 *ctl)
{
	u32 v;
	u16 w;

	switch (f->reach) {
	case PCQ_REACH_FLR:
		v = pcq_cfg_read32(f, f->pcie_cap + PCI_EXP_DEVCTL, run);
		if (PCI_POSSIBLE_ERROR(v))
			return -1;
		*ctl = v;
		return !!((v >> 16) & PCI_EXP_DEVSTA_TRPND);
	case PCQ_REACH_AF_FLR:
		w = pcq_cfg_read16(f, f->af_cap + PCI_AF_CTRL, run);
		if (PCI_POSSIBLE_ERROR(w))
			return -1;
		*ctl = w & 0xff;
		return !!((w >> 8) & PCI_AF_STATUS_TP);
	case PCQ_REACH_PM:
		w = pcq_cfg_read16(f, f->pm_cap + PCI_PM_CTRL, run);
		if (PCI_POSSIBLE_ERROR(w))
			return -1;
		*ctl = w;
		return 0;
	default:
		return -1;
	}
}

/**
 * pcq_fn_reset_one() - start a function's own reset
 * @f:       the function
 * @ctl:     its control word, as read by pcq_fn_reset_status()
 * @dry_run: count the write only
 * @run:     counters
 *
 * FLR and AF FLR as pcie_flr() and pci_af_flr() start them.  A PM reset
 * only puts the function in D3hot, where it masters nothing; its move back
 * to D0, by the capture kernel, resets it (No_Soft_Reset is clear, checked
 * at snapshot time).  PME_Status is RW1C: written as 0.  Nothing waits for
 * any of them to finish: the capture kernel's drivers do, when they probe.
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if the reset was started (or, in a dry run, would be).
 */
static bool pcq_fn_reset_one(const struct pcq_func *f, u16 ctl, bool dry_run,
			     struct pcq_run *run)
{
	switch (f->reach) {
	case PCQ_REACH_FLR:
		pcq_update16(f, f->pcie_cap + PCI_EXP_DEVCTL, ctl,
			     ctl | PCI_EXP_DEVCTL_BCR_FLR, dry_run, run);
		return true;
	case PCQ_REACH_AF_FLR:
		if (dry_run)
			run->planned_writes++;
		else
			pcq_cfg_write8(f, f->af_cap + PCI_AF_CTRL, PCI_AF_CTRL_FLR, run);
		return true;
	case PCQ_REACH_PM:
		/* already in D3hot: its way back to D0 resets it */
		if ((ctl & PCI_PM_CTRL_STATE_MASK) != PCQ_PM_D3HOT)
			pcq_update16(f, f->pm_cap + PCI_PM_CTRL, ctl,
				     (ctl & ~(PCI_PM_CTRL_STATE_MASK | PCI_PM_CTRL_PME_STATUS)) |
				     PCQ_PM_D3HOT, dry_run, run);
		return true;
	default:
		return false;
	}
}

/**
 * pcq_mark_pfs() - which PFs get their FLR for the sake of their VFs
 * @snap: the snapshot
 *
 * A VF reached by its PF's FLR is stopped only if that FLR is made, also
 * when the PF itself masters nothing (bound to pci-pf-stub or vfio-pci,
 * its VFs assigned to guests: then the VFs are the DMA sources).  A VF the
 * quiesce phase did not reach may be mastering: its PF gets its FLR all
 * the same (the VF is not counted as reset: nobody saw it master).
 *
 * Context: panic path; no lock, no sleep.
 */
static void pcq_mark_pfs(const struct pcq_snapshot *snap)
{
	u16 *state = snap->scratch.state;
	u32 i;

	for (i = 0; i < snap->nr; i++) {
		const struct pcq_func *f = &snap->func[i];

		if (f->reach != PCQ_REACH_PF || f->pf < 0 || (state[i] & PCQ_S_BAD) ||
		    (state[i] & (PCQ_S_VISITED | PCQ_S_MASTER)) == PCQ_S_VISITED)
			continue;
		state[f->pf] |= PCQ_S_FOR_VFS;
	}
}

/**
 * pcq_fn_reset_wanted() - does a function get its function-level reset?
 * @snap: the snapshot
 * @i:    index of a function in the reset list
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if it was visited and checked out, and it or a VF it
 * resets was mastering.
 */
static bool pcq_fn_reset_wanted(const struct pcq_snapshot *snap, u32 i)
{
	u16 state = snap->scratch.state[i];

	return (state & (PCQ_S_VISITED | PCQ_S_BAD)) == PCQ_S_VISITED &&
	       (state & (PCQ_S_MASTER | PCQ_S_FOR_VFS));
}

/**
 * pcq_reset_functions() - reset the functions no bus reset reaches
 * @snap:    the verified snapshot
 * @dry_run: read only
 * @b:       the budget
 * @run:     counters
 *
 * Only functions that passed verification and had Bus Master Enable set
 * when they were quiesced, and PFs whose FLR stops mastering VFs: a
 * function that masters nothing has no DMA to stop.  A target the quiesce
 * phase did not reach is visited here first.  Transactions Pending is read
 * for each, right after its visit; if any has some, one shared wait of at most
 * PCQ_TP_WAIT_MS fixed delays (never past the function resets' share of
 * the budget) lets them drain, re-reading only those, then every reset is
 * started, drained or not, as pcie_flr() does after its own wait.
 *
 * The visits, the status reads and the wait stop a margin before the
 * phase ends, and that margin is the starts': one write each.  A function
 * slow to answer uses up the phase for the targets not yet read, never the
 * resets of those that were.
 *
 * Context: panic path; no lock, no sleep.
 * Return: false if the budget ran out before every target was read.
 */
static bool pcq_reset_functions(const struct pcq_snapshot *snap, bool dry_run,
				struct pcq_budget *b, struct pcq_run *run)
{
	u16 *state = snap->scratch.state;
	u16 *saved = snap->scratch.saved;
	unsigned int k, n, pending = 0;
	bool in_time = true;
	u64 t0, reads_end;
	int tp;

	pcq_budget_phase(b, b->end - b->bus_share, b->fn_share);
	reads_end = b->phase_end - min_t(u64, b->fn_share, PCQ_PHASE_MARGIN_MS * NSEC_PER_MSEC);
	/* the VFs it looks at are not in the list: their PFs' FLR resets them */
	pcq_mark_pfs(snap);
	for (k = 0; k < snap->nr_fresets; k++) {
		u32 i = snap->fresets[k];

		if (pcq_past(reads_end)) {
			in_time = false;
			break;
		}
		pcq_visit(snap, i, dry_run, run);
		if (!pcq_fn_reset_wanted(snap, i))
			continue;
		tp = pcq_fn_reset_status(&snap->func[i], run, &saved[i]);
		if (tp < 0) {
			pcq_mark_bad(snap, i, run);
			continue;
		}
		state[i] |= PCQ_S_READY;
		if (tp) {
			state[i] |= PCQ_S_PENDING;
			pending++;
		}
	}
	run->tp_pending = pending;

	/* within the share, and the bus resets keep their hold */
	n = b->delays_left - min_t(u32, b->delays_left, b->bus_ms);
	n = min_t(u32, n, b->fn_wait_ms);
	t0 = ktime_get_mono_fast_ns();
	for (; pending && !dry_run && n && !pcq_past(reads_end); n--) {
		pcq_delay(b, run);
		for (k = 0; k < snap->nr_fresets && pending; k++) {
			u32 i = snap->fresets[k];

			if (!(state[i] & PCQ_S_PENDING))
				continue;
			tp = pcq_fn_reset_status(&snap->func[i], run, &saved[i]);
			if (tp > 0)
				continue;
			state[i] &= ~PCQ_S_PENDING;
			pending--;
			/* gone while draining: never written again */
			if (tp < 0)
				pcq_mark_bad(snap, i, run);
		}
	}
	if (run->tp_pending && !dry_run)
		run->tp_wait_ns = ktime_get_mono_fast_ns() - t0;

	for (k = 0; k < snap->nr_fresets; k++) {
		u32 i = snap->fresets[k];

		/* started whatever the clock says: one write each, the margin's */
		if ((state[i] & (PCQ_S_READY | PCQ_S_BAD)) != PCQ_S_READY)
			continue;
		if (pcq_fn_reset_one(&snap->func[i], saved[i], dry_run, run)) {
			state[i] |= PCQ_S_RESET;
			run->functions_reset++;
		}
	}
	return in_time;
}

/**
 * pcq_release_one() - release one bridge's Secondary Bus Reset
 * @snap: the snapshot
 * @i:    index of a bridge with PCQ_S_ASSERTED
 * @run:  counters
 *
 * Context: panic path, or a crash that interrupted it; no lock, no sleep.
 */
static void pcq_release_one(const struct pcq_snapshot *snap, u32 i, struct pcq_run *run)
{
	WRITE_ONCE(pcq_bridge_writing, i);
	pcq_cfg_write16(&snap->func[i], PCI_BRIDGE_CONTROL, snap->scratch.saved[i], run);
	snap->scratch.state[i] &= ~PCQ_S_ASSERTED;
	WRITE_ONCE(pcq_bridge_writing, -1);
}

/**
 * pcq_release_bridges() - release every Secondary Bus Reset asserted
 * @snap: the snapshot
 * @last: index of a bridge to release after all the others, or -1
 * @run:  counters
 *
 * The value written is the Bridge Control word read before the assert,
 * with Secondary Bus Reset clear: a bus left in reset would hide the
 * devices below it, the dump target among them, from the capture kernel.
 * @last is the bridge a crash interrupted a write to: should writing it
 * again crash again, every other bus is already out of reset.
 *
 * Context: panic path, or a crash that interrupted it; no lock, no sleep.
 * Return: the number of bridges released.
 */
static unsigned int pcq_release_bridges(const struct pcq_snapshot *snap, s32 last,
					struct pcq_run *run)
{
	u16 *state = snap->scratch.state;
	unsigned int k, released = 0;

	for (k = 0; k < snap->nr_resets && k < snap->nr; k++) {
		u32 i = snap->resets[k];

		if (i >= snap->nr || (s32)i == last || !(state[i] & PCQ_S_ASSERTED))
			continue;
		pcq_release_one(snap, i, run);
		released++;
	}
	if (last >= 0 && (u32)last < snap->nr && (state[last] & PCQ_S_ASSERTED)) {
		pcq_release_one(snap, last, run);
		released++;
	}
	return released;
}

/**
 * pcq_reset_bridges() - reset the planned bridges' secondary buses together
 * @snap:    the verified snapshot
 * @dry_run: read only
 * @b:       the budget
 * @run:     counters
 *
 * Assert Secondary Bus Reset on every planned bridge that passed
 * verification (a bridge the quiesce phase did not reach is visited
 * first), hold once for all of them, then release.  A reset is only
 * started when its hold still fits in the phase, by the clock and by the
 * count of delays, checked before each assert since a config write may
 * itself be slow (a completion timeout, or an emulator resetting a large
 * subtree).  Once asserted a reset is always released, also by a crash
 * that interrupts the walk (pcq_walk_interrupted()).
 *
 * Context: panic path; no lock, no sleep.
 * Return: false if the budget ran out before every planned reset was
 * started; the ones started were held and released.
 */
static bool pcq_reset_bridges(const struct pcq_snapshot *snap, bool dry_run,
			      struct pcq_budget *b, struct pcq_run *run)
{
	u64 hold_ns = (u64)snap->settings.reset_hold_ms * NSEC_PER_MSEC;
	u16 *state = snap->scratch.state;
	u16 *saved = snap->scratch.saved;
	unsigned int k, asserted = 0, ms;
	bool in_time = true;
	u64 t0;

	pcq_budget_phase(b, b->end, b->bus_share);
	if (!dry_run)
		WRITE_ONCE(pcq_resetting, snap);
	for (k = 0; k < snap->nr_resets; k++) {
		u32 i = snap->resets[k];
		const struct pcq_func *f = &snap->func[i];
		u16 ctl;

		if (b->delays_left < snap->settings.reset_hold_ms ||
		    ktime_get_mono_fast_ns() + hold_ns > b->phase_end) {
			in_time = false;
			break;
		}
		if (!pcq_visit(snap, i, dry_run, run))
			continue;
		ctl = pcq_cfg_read16(f, PCI_BRIDGE_CONTROL, run);
		if (PCI_POSSIBLE_ERROR(ctl)) {
			/* gone since it was verified: never write all-ones back */
			pcq_mark_bad(snap, i, run);
			continue;
		}
		saved[i] = ctl & ~(PCI_BRIDGE_CTL_BUS_RESET | PCQ_BRIDGE_CTL_DISCARD_STATUS);
		state[i] |= PCQ_S_RESET;
		run->bridges_reset++;
		asserted++;
		if (dry_run) {
			/* the assert and its release */
			run->planned_writes += 2;
			continue;
		}
		/* marked before the write: a crash in it still releases */
		state[i] |= PCQ_S_ASSERTED;
		WRITE_ONCE(pcq_bridge_writing, i);
		pcq_cfg_write16(f, PCI_BRIDGE_CONTROL, saved[i] | PCI_BRIDGE_CTL_BUS_RESET, run);
		WRITE_ONCE(pcq_bridge_writing, -1);
	}

	if (asserted && !dry_run) {
		t0 = ktime_get_mono_fast_ns();
		for (ms = snap->settings.reset_hold_ms; ms; ms--)
			pcq_delay(b, run);
		run->reset_hold_ns = ktime_get_mono_fast_ns() - t0;
	}
	pcq_release_bridges(snap, -1, run);
	if (!dry_run)
		WRITE_ONCE(pcq_resetting, NULL);
	return in_time;
}

/**
 * pcq_count_unreset() - bus-mastering functions that no reset reached
 * @snap: the walked snapshot
 *
 * Their own or their PF's function-level reset was not made, nor the bus
 * reset of the bridge the plan counted on.  Bridges forward; they are no
 * DMA source of their own.
 *
 * Context: panic path; no lock, no sleep.
 * Return: their number.
 */
static u32 pcq_count_unreset(const struct pcq_snapshot *snap)
{
	const u16 *state = snap->scratch.state;
	u32 i, n = 0;

	for (i = 0; i < snap->nr; i++) {
		const struct pcq_func *f = &snap->func[i];
		bool reached;

		if ((state[i] & (PCQ_S_MASTER | PCQ_S_BAD)) != PCQ_S_MASTER ||
		    f->hdr_type == PCI_HEADER_TYPE_BRIDGE)
			continue;
		switch (f->reach) {
		case PCQ_REACH_BUS:
			reached = f->reset_by >= 0 && (state[f->reset_by] & PCQ_S_RESET);
			break;
		case PCQ_REACH_PF:
			reached = f->pf >= 0 && (state[f->pf] & PCQ_S_RESET);
			break;
		default:
			reached = state[i] & PCQ_S_RESET;
			break;
		}
		n += !reached;
	}
	return n;
}

/**
 * pcq_count_vfs_reset() - bus-mastering VFs their PF's FLR reset
 * @snap: the walked snapshot
 *
 * Context: panic path; no lock, no sleep.
 * Return: their number.
 */
static u32 pcq_count_vfs_reset(const struct pcq_snapshot *snap)
{
	const u16 *state = snap->scratch.state;
	u32 i, n = 0;

	for (i = 0; i < snap->nr; i++) {
		const struct pcq_func *f = &snap->func[i];

		if (f->reach == PCQ_REACH_PF && f->pf >= 0 &&
		    (state[i] & (PCQ_S_MASTER | PCQ_S_BAD)) == PCQ_S_MASTER &&
		    (state[f->pf] & PCQ_S_RESET))
			n++;
	}
	return n;
}

/**
 * pcq_abort() - record that the budget cut a phase short
 * @run:   the record
 * @phase: the phase; only the first one cut is kept
 *
 * Context: panic path; no lock, no sleep.
 */
static void pcq_abort(struct pcq_run *run, enum pcq_phase phase)
{
	if (run->abort != PCQ_ABORT_NONE)
		return;
	run->abort = PCQ_ABORT_BUDGET;
	run->abort_phase = phase;
}

/**
 * pcq_walk() - quiesce the functions of a snapshot as planned
 * @snap:    the published snapshot, not yet trusted
 * @force_dry_run: make only config reads, whatever the snapshot's settings
 *           say; a dry run counts the writes a real run would make
 * @locked:  read through the PCI core's locked accessors (a dry run from
 *           process context); implies @force_dry_run
 * @run:     filled in completely with what was done
 *
 * Verifies the snapshot, then for each function in plan order re-reads its
 * identity (skipping and counting it on a mismatch), disables Bus Master,
 * INTx and MSI/MSI-X, then starts the function-level resets of the
 * bus-mastering functions no bus reset reaches, and finally resets the
 * planned bridges with one shared hold.  Each phase stops acting once its
 * share of the time budget is spent; a phase cut short does not cancel the
 * next one.
 *
 * Context: any, including panic with interrupts off and NMI; takes no lock,
 * does not sleep or allocate unless @locked.  A published snapshot is
 * walked by the panic path alone, once; any other walk is of a private
 * copy, and its caller serialises it.
 */
void pcq_walk(const struct pcq_snapshot *snap, bool force_dry_run, bool locked,
	      struct pcq_run *run)
{
	u64 start = ktime_get_mono_fast_ns();
	struct pcq_budget b;
	bool dry_run;
	unsigned int k;

	memset(run, 0, sizeof(*run));
	run->locked = locked;
	if (!pcq_snapshot_intact(snap)) {
		run->state = PCQ_STATE_ABORTED;
		run->abort = PCQ_ABORT_CORRUPT;
		goto out;
	}
	dry_run = locked || force_dry_run || snap->settings.dry_run;
	/* nothing asserted yet; a dry run, maybe on a CPU that did not stop, keeps off */
	if (!dry_run)
		WRITE_ONCE(pcq_resetting, NULL);
	run->snapshot_generation = snap->generation;
	run->skipped = snap->nr - snap->nr_order;
	pcq_budget_init(&b, snap, start);
	memset(snap->scratch.state, 0, snap->nr * sizeof(*snap->scratch.state));

	for (k = 0; k < snap->nr_order; k++) {
		if (pcq_past(b.phase_end)) {
			pcq_abort(run, PCQ_PHASE_QUIESCE);
			break;
		}
		pcq_visit(snap, snap->order[k], dry_run, run);
	}
	if (!pcq_reset_functions(snap, dry_run, &b, run))
		pcq_abort(run, PCQ_PHASE_FN_RESET);
	if (!pcq_reset_bridges(snap, dry_run, &b, run))
		pcq_abort(run, PCQ_PHASE_BUS_RESET);

	run->functions_reset += pcq_count_vfs_reset(snap);
	run->no_reset = pcq_count_unreset(snap);
	for (k = 0; k < snap->nr_order; k++)
		run->unvisited += !(snap->scratch.state[snap->order[k]] & PCQ_S_VISITED);
	if (run->abort != PCQ_ABORT_NONE)
		run->state = PCQ_STATE_ABORTED;
	else
		run->state = dry_run ? PCQ_STATE_DRY_RUN : PCQ_STATE_DONE;
out:
	run->duration_ns = ktime_get_mono_fast_ns() - start;
	/* delays made, yet not a nanosecond passed: the clock stands still */
	run->clock_stopped = run->delays_ms && !run->duration_ns;
}

/**
 * pcq_walk_interrupted() - a crash interrupted the panic walk: release its
 * bus resets
 * @run: the walk's record, updated
 *
 * The crash may have come from anywhere in the walk, the Secondary Bus
 * Reset hold included.  Every bus reset it asserted is held for the
 * minimum the specification asks (Trst, 1 ms: one fixed delay, however
 * the clock behaves), then released; a bridge whose Bridge Control write
 * was under way, which may be what crashed, goes last.  Nothing else is
 * undone: a function quiesced or reset stays so.  Only the snapshot the
 * walk verified before its first assert is looked at: before that point,
 * or after the last release, there is nothing to undo.
 *
 * Context: crash, from a crash raised inside the walk; no lock, no sleep.
 * Return: the number of bridges released.
 */
unsigned int pcq_walk_interrupted(struct pcq_run *run)
{
	const struct pcq_snapshot *snap = READ_ONCE(pcq_resetting);
	unsigned int k;
	bool any = false;

	run->state = PCQ_STATE_ABORTED;
	run->abort = PCQ_ABORT_INTERRUPTED;
	run->interrupted = 1;
	if (!snap)
		return 0;
	for (k = 0; k < snap->nr_resets && k < snap->nr; k++)
		if (snap->resets[k] < snap->nr &&
		    (snap->scratch.state[snap->resets[k]] & PCQ_S_ASSERTED))
			any = true;
	if (any) {
		mdelay(PCQ_RESET_HOLD_MIN_MS);
		touch_nmi_watchdog();
		run->delays_ms++;
	}
	run->released = pcq_release_bridges(snap, READ_ONCE(pcq_bridge_writing), run);
	WRITE_ONCE(pcq_resetting, NULL);
	return run->released;
}
