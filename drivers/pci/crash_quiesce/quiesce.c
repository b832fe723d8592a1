// SPDX-License-Identifier: GPL-2.0
/*
 * The panic-path walk: follow the plan of a sealed snapshot and quiesce.
 *
 * This runs on the way into kdump with interrupts off and the other CPUs
 * stopped by NMI, wherever they were.  Nothing here takes a lock, sleeps,
 * allocates, WARNs or calls into the PCI core; all it touches is the
 * snapshot, the scratch allocated with it, and config space through the
 * accessors of struct pcq_cfg_ops.  Every loop is bounded by the snapshot size, which
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

/**
 * struct pcq_walk - one walk of a snapshot
 * @snap:    the snapshot, verified
 * @state:   its scratch: what this walk records of each function
 * @ops:     the way to config space
 * @dry_run: only read, and count the writes a real walk would make
 * @run:     the record of the walk
 */
struct pcq_walk {
	const struct pcq_snapshot *snap;
	struct pcq_fn_state *state;
	const struct pcq_cfg_ops *ops;
	bool dry_run;
	struct pcq_run *run;
};

/*
 * The panic walk that is asserting bus resets, for a crash raised inside
 * it: pcq_walk_interrupted() trusts this walk only, whose snapshot was
 * verified before it asserted anything, and no other snapshot that may be
 * published meanwhile (by a CPU that did not stop).  A copy, not a pointer
 * to the walk's own frame, which the crash may be running over; its
 * snapshot pointer is written last, and says whether the rest is there.
 * pcq_bridge_writing is the bridge whose Bridge Control write is under
 * way: a crash raised by that very write is released last.
 */
static struct pcq_walk pcq_resetting;
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

static const char * const pcq_mode_names[] = {
	[PCQ_WALK_PANIC]		= "panic",
	[PCQ_WALK_DRY_RUN]	= "dry-run",
	[PCQ_WALK_PCI_CORE]	= "pci-core",
};

static_assert(ARRAY_SIZE(pcq_mode_names) == PCQ_WALK_COUNT);

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
 * pcq_mode_name() - name of a walk mode as shown in last_run
 * @mode: enum pcq_walk_mode
 *
 * Return: a static string.
 */
const char *pcq_mode_name(enum pcq_walk_mode mode)
{
	return mode < ARRAY_SIZE(pcq_mode_names) ? pcq_mode_names[mode] : "?";
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

	if (snap->nr_bus_resets)
		bus = min_t(u32, budget / 2, snap->settings.reset_hold_ms + PCQ_PHASE_MARGIN_MS);
	if (snap->nr_fn_resets)
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
 * pcq_read32() - a config dword read of a walk, counted in its record
 * @w:   the walk
 * @f:   the function
 * @reg: register offset
 *
 * Context: panic path; no lock, no sleep (but in a walk through the PCI
 * core, from process context).
 * Return: the value, all-ones when nothing answers.
 */
static u32 pcq_read32(struct pcq_walk *w, const struct pcq_func *f, unsigned int reg)
{
	return w->ops->read(f, reg, 4, w->run);
}

/**
 * pcq_read16() - a config word read of a walk, counted in its record
 * @w:   the walk
 * @f:   the function
 * @reg: register offset
 *
 * Context: panic path; no lock, no sleep (but in a walk through the PCI
 * core, from process context).
 * Return: the value, all-ones when nothing answers.
 */
static u16 pcq_read16(struct pcq_walk *w, const struct pcq_func *f, unsigned int reg)
{
	return w->ops->read(f, reg, 2, w->run);
}

/**
 * pcq_write() - a config write, or in a dry run the count of one
 * @w:    the walk
 * @f:    the function
 * @reg:  register offset
 * @size: 1 or 2 bytes
 * @val:  the value
 *
 * Context: panic path; no lock, no sleep.
 */
static void pcq_write(struct pcq_walk *w, const struct pcq_func *f, unsigned int reg,
		      unsigned int size, u32 val)
{
	if (w->dry_run || !w->ops->write)
		w->run->planned_writes++;
	else
		w->ops->write(f, reg, size, val, w->run);
}

/**
 * pcq_update16() - write a 16-bit register only if its value changes
 * @w:   the walk
 * @f:   the function
 * @reg: register offset
 * @old: the value read before
 * @val: the value wanted
 *
 * Context: panic path; no lock, no sleep.
 */
static void pcq_update16(struct pcq_walk *w, const struct pcq_func *f, unsigned int reg,
			 u16 old, u16 val)
{
	if (val != old)
		pcq_write(w, f, reg, 2, val);
}

/**
 * pcq_check_plain() - are function @i's IDs still its own?  Read once per walk
 * @w: the walk
 * @i: index of a function that is not a VF
 *
 * The answer is kept in the walk's scratch: a PF checked for its first VF
 * is not read again for the others, nor when its own turn comes.
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if its vendor and device IDs read as in the snapshot.
 */
static bool pcq_check_plain(struct pcq_walk *w, u32 i)
{
	const struct pcq_func *f = &w->snap->func[i];
	u16 *state = &w->state[i].flags;
	u32 id;

	if (!(*state & PCQ_S_CHECKED)) {
		*state |= PCQ_S_CHECKED;
		id = pcq_read32(w, f, PCI_VENDOR_ID);
		if (PCI_POSSIBLE_ERROR(id) || id != ((u32)f->device << 16 | f->vendor))
			*state |= PCQ_S_BAD;
	}
	return !(*state & PCQ_S_BAD);
}

/**
 * pcq_vf_enabled() - does a VF's PF still have VF Enable set?
 * @w:  the walk
 * @pf: index of the PF
 *
 * Read once per walk and PF, whatever the number of its VFs.  Through type
 * 1 the SR-IOV capability is out of reach, but then the kernel could not
 * have enabled VFs either.
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if VF Enable is set.
 */
static bool pcq_vf_enabled(struct pcq_walk *w, u32 pf)
{
	const struct pcq_func *p = &w->snap->func[pf];
	u16 *state = &w->state[pf].flags;
	u16 ctl;

	if (!(*state & PCQ_S_VFE_CHECKED)) {
		*state |= PCQ_S_VFE_CHECKED;
		ctl = p->sriov_cap ? pcq_read16(w, p, p->sriov_cap + PCI_SRIOV_CTRL) :
				     (u16)PCI_ERROR_RESPONSE;
		if (!PCI_POSSIBLE_ERROR(ctl) && (ctl & PCI_SRIOV_CTRL_VFE))
			*state |= PCQ_S_VFE_ON;
	}
	return *state & PCQ_S_VFE_ON;
}

/**
 * pcq_check_vf() - is this still the VF the snapshot describes?
 * @w: the walk
 * @f: the VF
 *
 * A VF's Vendor and Device ID registers read all-ones (SR-IOV r1.1 sec
 * 3.4.1.1, 3.4.1.2): they cannot tell a VF from a removed function.  Its
 * Class Code and Revision ID can, with its PF: the PF must still be
 * itself and still have VF Enable set.
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if the VF checks out.
 */
static bool pcq_check_vf(struct pcq_walk *w, const struct pcq_func *f)
{
	u32 cr;

	if (f->pf < 0 || (w->snap->func[f->pf].flags & PCQ_F_VF) ||
	    !pcq_check_plain(w, f->pf) || !pcq_vf_enabled(w, f->pf))
		return false;
	cr = pcq_read32(w, f, PCI_CLASS_REVISION);
	return !PCI_POSSIBLE_ERROR(cr) && cr == f->class_rev;
}

/**
 * pcq_check_id() - is function @i still itself?
 * @w: the walk
 * @i: index of the function
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if it checks out: pcq_check_plain(), or for a VF
 * pcq_check_vf(), whose answer is kept in the walk's scratch too.
 */
static bool pcq_check_id(struct pcq_walk *w, u32 i)
{
	u16 *state = &w->state[i].flags;

	if (!(w->snap->func[i].flags & PCQ_F_VF))
		return pcq_check_plain(w, i);
	if (!(*state & PCQ_S_CHECKED)) {
		*state |= PCQ_S_CHECKED;
		if (!pcq_check_vf(w, &w->snap->func[i]))
			*state |= PCQ_S_BAD;
	}
	return !(*state & PCQ_S_BAD);
}

/**
 * pcq_verify() - is this still the function the snapshot describes?
 * @w: the walk
 * @i: index of the function
 *
 * A surprise-removed function reads all-ones; a replaced one has other IDs.
 * The header type is re-read only where a header-dependent write follows:
 * the Bridge Control write of a bridge to reset.  An endpoint costs one
 * read here.
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if the function checks out.
 */
static bool pcq_verify(struct pcq_walk *w, u32 i)
{
	const struct pcq_func *f = &w->snap->func[i];
	u32 hdr;

	if (!pcq_check_id(w, i))
		return false;
	if (w->snap->step[i].action != PCQ_ACT_QUIESCE_RESET)
		return true;
	hdr = pcq_read32(w, f, PCI_CACHE_LINE_SIZE);
	if (!PCI_POSSIBLE_ERROR(hdr) && ((hdr >> 16) & PCI_HEADER_TYPE_MASK) == f->hdr_type)
		return true;
	w->state[i].flags |= PCQ_S_BAD;
	return false;
}

/**
 * pcq_quiesce_function() - stop a function's DMA and interrupts
 * @w: the walk
 * @i: index of the function, verified
 *
 * Clear Bus Master Enable, and with the msi setting set INTx Disable, in
 * one write to Command; then turn MSI and MSI-X off.  Command goes first:
 * once Bus Master is off no DMA and no MSI leaves the function, and INTx
 * is already masked when disabling MSI makes the function fall back to
 * INTx.  A VF has no INTx (its INTx Disable bit is read-only zero): only
 * Bus Master changes.  A bridge above a function the user listed in skip
 * keeps its Bus Master Enable: clearing it would cut that function's DMA,
 * which the user wants to go on (a netconsole NIC, the dump target's HBA).
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
static int pcq_quiesce_function(struct pcq_walk *w, u32 i)
{
	const struct pcq_func *f = &w->snap->func[i];
	bool msi = w->snap->settings.msi;
	u16 cmd, ctl, val;

	cmd = pcq_read16(w, f, PCI_COMMAND);
	if (PCI_POSSIBLE_ERROR(cmd))
		return -1;
	val = cmd;
	if (!w->snap->step[i].keep_master)
		val &= ~PCI_COMMAND_MASTER;
	if (msi && !(f->flags & PCQ_F_VF))
		val |= PCI_COMMAND_INTX_DISABLE;
	pcq_update16(w, f, PCI_COMMAND, cmd, val);

	if (!(cmd & PCI_COMMAND_MASTER))
		return 0;
	if (!msi)
		return 1;
	if (f->msi_cap) {
		ctl = pcq_read16(w, f, f->msi_cap + PCI_MSI_FLAGS);
		if (!PCI_POSSIBLE_ERROR(ctl))
			pcq_update16(w, f, f->msi_cap + PCI_MSI_FLAGS, ctl,
				     ctl & ~PCI_MSI_FLAGS_ENABLE);
	}
	if (f->msix_cap) {
		ctl = pcq_read16(w, f, f->msix_cap + PCI_MSIX_FLAGS);
		if (!PCI_POSSIBLE_ERROR(ctl))
			pcq_update16(w, f, f->msix_cap + PCI_MSIX_FLAGS, ctl,
				     ctl & ~PCI_MSIX_FLAGS_ENABLE);
	}
	return 1;
}

/**
 * pcq_mark_bad() - a function found gone after its identity checked out
 * @w: the walk: it counts as mismatched, and skipped
 * @i: index of the function
 *
 * It is never written again.
 *
 * Context: panic path; no lock, no sleep.
 */
static void pcq_mark_bad(struct pcq_walk *w, u32 i)
{
	w->state[i].flags |= PCQ_S_BAD;
	w->run->mismatched++;
	w->run->skipped++;
}

/**
 * pcq_visit() - verify function @i and quiesce it, once per walk
 * @w: the walk
 * @i: index of a function the plan quiesces
 *
 * In plan order during the quiesce phase; from a reset phase for a reset
 * target the quiesce phase had no time left to reach, so that a slow
 * function early in the order cannot keep the resets from happening.
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if the function checked out.
 */
static bool pcq_visit(struct pcq_walk *w, u32 i)
{
	u16 *state = &w->state[i].flags;
	int master;

	if (*state & PCQ_S_VISITED)
		return !(*state & PCQ_S_BAD);
	*state |= PCQ_S_VISITED;
	if (!pcq_verify(w, i)) {
		w->run->mismatched++;
		w->run->skipped++;
		return false;
	}
	master = pcq_quiesce_function(w, i);
	if (master < 0) {
		pcq_mark_bad(w, i);
		return false;
	}
	if (master)
		*state |= PCQ_S_MASTER;
	w->run->functions_quiesced++;
	return true;
}

/**
 * pcq_quiesce_all() - the quiesce phase: every planned function, in order
 * @w: the walk
 * @b: the budget
 *
 * In the plan's order (pcq_plan_next_quiesce()): children before parents,
 * every non-bridge before any bridge.
 *
 * Context: panic path; no lock, no sleep.
 * Return: false if the phase's share of the budget ran out first.
 */
static bool pcq_quiesce_all(struct pcq_walk *w, const struct pcq_budget *b)
{
	u32 k = 0;
	s32 i;

	while ((i = pcq_plan_next_quiesce(w->snap, &k)) >= 0) {
		if (pcq_past(b->phase_end))
			return false;
		pcq_visit(w, i);
	}
	return true;
}

/**
 * pcq_fn_reset_status() - read what a function reset needs, and whether the
 * function still has transactions pending
 * @w:   the walk
 * @i:   index of the function
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
static int pcq_fn_reset_status(struct pcq_walk *w, u32 i, u16 *ctl)
{
	const struct pcq_func *f = &w->snap->func[i];
	u32 v;
	u16 r;

	switch (w->snap->step[i].reach) {
	case PCQ_REACH_FLR:
		v = pcq_read32(w, f, f->reset_cap + PCI_EXP_DEVCTL);
		if (PCI_POSSIBLE_ERROR(v))
			return -1;
		*ctl = v;
		return !!((v >> 16) & PCI_EXP_DEVSTA_TRPND);
	case PCQ_REACH_AF_FLR:
		r = pcq_read16(w, f, f->reset_cap + PCI_AF_CTRL);
		if (PCI_POSSIBLE_ERROR(r))
			return -1;
		*ctl = r & 0xff;
		return !!((r >> 8) & PCI_AF_STATUS_TP);
	case PCQ_REACH_PM:
		r = pcq_read16(w, f, f->reset_cap + PCI_PM_CTRL);
		if (PCI_POSSIBLE_ERROR(r))
			return -1;
		*ctl = r;
		return 0;
	default:
		return -1;
	}
}

/**
 * pcq_fn_reset_one() - start a function's own reset
 * @w:   the walk
 * @i:   index of the function
 * @ctl: its control word, as read by pcq_fn_reset_status()
 *
 * FLR and AF FLR as pcie_flr() and pci_af_flr() start them.  A PM reset
 * only puts the function in D3hot, where it masters nothing; its move back
 * to D0, by the capture kernel, resets it (No_Soft_Reset is clear, checked
 * at snapshot time).  PME_Status is RW1C: written as 0.  Nothing waits for
 * any of them to finish: the capture kernel's drivers do, when they probe.
 * The PCI core's own pcie_flr(), pci_af_flr() and pci_pm_reset() cannot be
 * called here: they go through its locked accessors and sleep.
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if the reset was started (or, in a dry run, would be).
 */
static bool pcq_fn_reset_one(struct pcq_walk *w, u32 i, u16 ctl)
{
	const struct pcq_func *f = &w->snap->func[i];

	switch (w->snap->step[i].reach) {
	case PCQ_REACH_FLR:
		pcq_update16(w, f, f->reset_cap + PCI_EXP_DEVCTL, ctl,
			     ctl | PCI_EXP_DEVCTL_BCR_FLR);
		return true;
	case PCQ_REACH_AF_FLR:
		pcq_write(w, f, f->reset_cap + PCI_AF_CTRL, 1, PCI_AF_CTRL_FLR);
		return true;
	case PCQ_REACH_PM:
		/* already in D3hot: its way back to D0 resets it */
		if ((ctl & PCI_PM_CTRL_STATE_MASK) != PCQ_PM_D3HOT)
			pcq_update16(w, f, f->reset_cap + PCI_PM_CTRL, ctl,
				     (ctl & ~(PCI_PM_CTRL_STATE_MASK | PCI_PM_CTRL_PME_STATUS)) |
				     PCQ_PM_D3HOT);
		return true;
	default:
		return false;
	}
}

/**
 * pcq_mark_pfs() - which PFs get their FLR for the sake of their VFs
 * @w: the walk
 *
 * A VF reached by its PF's FLR is stopped only if that FLR is made, also
 * when the PF itself masters nothing (bound to pci-pf-stub or vfio-pci,
 * its VFs assigned to guests: then the VFs are the DMA sources).  A VF the
 * quiesce phase did not reach may be mastering: its PF gets its FLR all
 * the same (the VF is not counted as reset: nobody saw it master).
 *
 * Context: panic path; no lock, no sleep.
 */
static void pcq_mark_pfs(struct pcq_walk *w)
{
	const struct pcq_snapshot *snap = w->snap;
	u32 i;

	for (i = 0; i < snap->nr; i++) {
		const struct pcq_func *f = &snap->func[i];
		u16 state = w->state[i].flags;

		if (snap->step[i].reach != PCQ_REACH_PF || f->pf < 0 || (state & PCQ_S_BAD) ||
		    (state & (PCQ_S_VISITED | PCQ_S_MASTER)) == PCQ_S_VISITED)
			continue;
		w->state[f->pf].flags |= PCQ_S_FOR_VFS;
	}
}

/**
 * pcq_fn_reset_wanted() - does a function get its function-level reset?
 * @w: the walk
 * @i: index of a function the plan gives one
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if it was visited and checked out, and it or a VF it
 * resets was mastering.
 */
static bool pcq_fn_reset_wanted(struct pcq_walk *w, u32 i)
{
	u16 state = w->state[i].flags;

	return (state & (PCQ_S_VISITED | PCQ_S_BAD)) == PCQ_S_VISITED &&
	       (state & (PCQ_S_MASTER | PCQ_S_FOR_VFS));
}

/**
 * pcq_reset_functions() - reset the functions no bus reset reaches
 * @w: the walk
 * @b: the budget
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
static bool pcq_reset_functions(struct pcq_walk *w, struct pcq_budget *b)
{
	const struct pcq_snapshot *snap = w->snap;
	struct pcq_fn_state *st = w->state;
	unsigned int n, pending = 0;
	bool in_time = true;
	u64 t0, reads_end;
	u32 k;
	s32 i;
	int tp;

	pcq_budget_phase(b, b->end - b->bus_share, b->fn_share);
	reads_end = b->phase_end - min_t(u64, b->fn_share, PCQ_PHASE_MARGIN_MS * NSEC_PER_MSEC);
	/* the VFs it looks at have no reset of their own: their PFs' FLR resets them */
	pcq_mark_pfs(w);
	for (k = 0; (i = pcq_plan_next_fn_reset(snap, &k)) >= 0; ) {
		if (pcq_past(reads_end)) {
			in_time = false;
			break;
		}
		pcq_visit(w, i);
		if (!pcq_fn_reset_wanted(w, i))
			continue;
		tp = pcq_fn_reset_status(w, i, &st[i].saved);
		if (tp < 0) {
			pcq_mark_bad(w, i);
			continue;
		}
		st[i].flags |= PCQ_S_READY;
		if (tp) {
			st[i].flags |= PCQ_S_PENDING;
			pending++;
		}
	}
	w->run->tp_pending = pending;

	/* within the share, and the bus resets keep their hold */
	n = b->delays_left - min_t(u32, b->delays_left, b->bus_ms);
	n = min_t(u32, n, b->fn_wait_ms);
	t0 = ktime_get_mono_fast_ns();
	for (; pending && !w->dry_run && n && !pcq_past(reads_end); n--) {
		pcq_delay(b, w->run);
		for (k = 0; pending && (i = pcq_plan_next_fn_reset(snap, &k)) >= 0; ) {
			if (!(st[i].flags & PCQ_S_PENDING))
				continue;
			tp = pcq_fn_reset_status(w, i, &st[i].saved);
			if (tp > 0)
				continue;
			st[i].flags &= ~PCQ_S_PENDING;
			pending--;
			/* gone while draining: never written again */
			if (tp < 0)
				pcq_mark_bad(w, i);
		}
	}
	if (w->run->tp_pending && !w->dry_run)
		w->run->tp_wait_ns = ktime_get_mono_fast_ns() - t0;

	for (k = 0; (i = pcq_plan_next_fn_reset(snap, &k)) >= 0; ) {
		/* started whatever the clock says: one write each, the margin's */
		if ((st[i].flags & (PCQ_S_READY | PCQ_S_BAD)) != PCQ_S_READY)
			continue;
		if (pcq_fn_reset_one(w, i, st[i].saved)) {
			st[i].flags |= PCQ_S_RESET;
			w->run->functions_reset++;
		}
	}
	return in_time;
}

/**
 * pcq_release_one() - release one bridge's Secondary Bus Reset
 * @w: the walk
 * @i: index of a bridge with PCQ_S_ASSERTED
 *
 * Context: panic path, or a crash that interrupted it; no lock, no sleep.
 */
static void pcq_release_one(struct pcq_walk *w, u32 i)
{
	WRITE_ONCE(pcq_bridge_writing, i);
	w->ops->write(&w->snap->func[i], PCI_BRIDGE_CONTROL, 2, w->state[i].saved, w->run);
	w->state[i].flags &= ~PCQ_S_ASSERTED;
	WRITE_ONCE(pcq_bridge_writing, -1);
}

/**
 * pcq_release_bridges() - release every Secondary Bus Reset asserted
 * @w:    the walk
 * @last: index of a bridge to release after all the others, or -1
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
static unsigned int pcq_release_bridges(struct pcq_walk *w, s32 last)
{
	unsigned int released = 0;
	u32 i;

	for (i = 0; i < w->snap->nr; i++) {
		if ((s32)i == last || !(w->state[i].flags & PCQ_S_ASSERTED))
			continue;
		pcq_release_one(w, i);
		released++;
	}
	if (last >= 0 && (u32)last < w->snap->nr && (w->state[last].flags & PCQ_S_ASSERTED)) {
		pcq_release_one(w, last);
		released++;
	}
	return released;
}

/**
 * pcq_reset_bridges() - reset the planned bridges' secondary buses together
 * @w: the walk
 * @b: the budget
 *
 * Assert Secondary Bus Reset on every planned bridge that passed
 * verification (a bridge the quiesce phase did not reach is visited
 * first), hold once for all of them, then release.  A reset is only
 * started when its hold still fits in the phase, by the clock and by the
 * count of delays, checked before each assert since a config write may
 * itself be slow (a completion timeout, or an emulator resetting a large
 * subtree).  Once asserted a reset is always released, also by a crash
 * that interrupts the walk (pcq_walk_interrupted()).  The PCI core's
 * pci_reset_secondary_bus() cannot be called here: it sleeps through its
 * hold and goes through the locked accessors.
 *
 * Context: panic path; no lock, no sleep.
 * Return: false if the budget ran out before every planned reset was
 * started; the ones started were held and released.
 */
static bool pcq_reset_bridges(struct pcq_walk *w, struct pcq_budget *b)
{
	const struct pcq_snapshot *snap = w->snap;
	u64 hold_ns = (u64)snap->settings.reset_hold_ms * NSEC_PER_MSEC;
	struct pcq_fn_state *st = w->state;
	unsigned int asserted = 0, ms;
	bool in_time = true;
	u64 t0;
	u32 i;

	pcq_budget_phase(b, b->end, b->bus_share);
	if (!w->dry_run) {
		/* the snapshot last: a crash sees all of the walk, or none */
		pcq_resetting.state = w->state;
		pcq_resetting.ops = w->ops;
		pcq_resetting.run = w->run;
		barrier();
		WRITE_ONCE(pcq_resetting.snap, w->snap);
	}
	for (i = 0; i < snap->nr; i++) {
		const struct pcq_func *f = &snap->func[i];
		u16 ctl;

		if (snap->step[i].action != PCQ_ACT_QUIESCE_RESET)
			continue;
		if (b->delays_left < snap->settings.reset_hold_ms ||
		    ktime_get_mono_fast_ns() + hold_ns > b->phase_end) {
			in_time = false;
			break;
		}
		if (!pcq_visit(w, i))
			continue;
		ctl = pcq_read16(w, f, PCI_BRIDGE_CONTROL);
		if (PCI_POSSIBLE_ERROR(ctl)) {
			/* gone since it was verified: never write all-ones back */
			pcq_mark_bad(w, i);
			continue;
		}
		st[i].saved = ctl & ~(PCI_BRIDGE_CTL_BUS_RESET | PCQ_BRIDGE_CTL_DISCARD_STATUS);
		st[i].flags |= PCQ_S_RESET;
		w->run->bridges_reset++;
		asserted++;
		if (w->dry_run) {
			/* the assert and its release */
			w->run->planned_writes += 2;
			continue;
		}
		/* marked before the write: a crash in it still releases */
		st[i].flags |= PCQ_S_ASSERTED;
		WRITE_ONCE(pcq_bridge_writing, i);
		w->ops->write(f, PCI_BRIDGE_CONTROL, 2, st[i].saved | PCI_BRIDGE_CTL_BUS_RESET,
			      w->run);
		WRITE_ONCE(pcq_bridge_writing, -1);
	}

	if (asserted && !w->dry_run) {
		t0 = ktime_get_mono_fast_ns();
		for (ms = snap->settings.reset_hold_ms; ms; ms--)
			pcq_delay(b, w->run);
		w->run->reset_hold_ns = ktime_get_mono_fast_ns() - t0;
		pcq_release_bridges(w, -1);
	}
	if (!w->dry_run)
		WRITE_ONCE(pcq_resetting.snap, NULL);
	return in_time;
}

/**
 * pcq_count_unreset() - bus-mastering functions that no reset reached
 * @w: the finished walk
 *
 * Their own or their PF's function-level reset was not made, nor the bus
 * reset of the bridge the plan counted on.  Bridges forward; they are no
 * DMA source of their own.  Of them, @w's record also counts those whose
 * DMA could land later: all but an ISA/LPC bridge, which is never reset
 * (it carries the legacy console, timers and interrupt controllers) and,
 * its Bus Master Enable now clear, masters only for the legacy DMA
 * controller, which reaches the first 16 MiB alone and which no capture
 * kernel driver sets mastering again.
 *
 * Context: panic path; no lock, no sleep.
 */
static void pcq_count_unreset(struct pcq_walk *w)
{
	const struct pcq_snapshot *snap = w->snap;
	const struct pcq_fn_state *st = w->state;
	u32 i;

	for (i = 0; i < snap->nr; i++) {
		const struct pcq_func *f = &snap->func[i];
		const struct pcq_step *s = &snap->step[i];
		bool reached;

		if ((st[i].flags & (PCQ_S_MASTER | PCQ_S_BAD)) != PCQ_S_MASTER ||
		    pcq_is_bridge(f))
			continue;
		switch (s->reach) {
		case PCQ_REACH_BUS:
			reached = s->reset_by >= 0 && (st[s->reset_by].flags & PCQ_S_RESET);
			break;
		case PCQ_REACH_PF:
			reached = f->pf >= 0 && (st[f->pf].flags & PCQ_S_RESET);
			break;
		default:
			reached = st[i].flags & PCQ_S_RESET;
			break;
		}
		if (reached)
			continue;
		w->run->no_reset++;
		if (!(f->flags & PCQ_F_ISA_BRIDGE))
			w->run->no_reset_dma++;
	}
}

/**
 * pcq_count_vfs_reset() - bus-mastering VFs their PF's FLR reset
 * @w: the finished walk
 *
 * Context: panic path; no lock, no sleep.
 * Return: their number.
 */
static u32 pcq_count_vfs_reset(struct pcq_walk *w)
{
	const struct pcq_snapshot *snap = w->snap;
	const struct pcq_fn_state *st = w->state;
	u32 i, n = 0;

	for (i = 0; i < snap->nr; i++) {
		const struct pcq_func *f = &snap->func[i];

		if (snap->step[i].reach == PCQ_REACH_PF && f->pf >= 0 &&
		    (st[i].flags & (PCQ_S_MASTER | PCQ_S_BAD)) == PCQ_S_MASTER &&
		    (st[f->pf].flags & PCQ_S_RESET))
			n++;
	}
	return n;
}

/**
 * pcq_count_unvisited() - planned functions the walk never got to
 * @w: the finished walk
 *
 * Context: panic path; no lock, no sleep.
 * Return: their number.
 */
static u32 pcq_count_unvisited(struct pcq_walk *w)
{
	u32 i, n = 0;

	for (i = 0; i < w->snap->nr; i++)
		n += w->snap->step[i].action != PCQ_ACT_SKIP &&
		     !(w->state[i].flags & PCQ_S_VISITED);
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
 * @snap:  the published snapshot, not yet trusted
 * @state: the scratch that follows it in its allocation
 * @mode:  the accessors, and whether the walk may write: a dry run counts
 *         the writes a real one would make
 * @run:   filled in completely with what was done
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
 * does not sleep or allocate, unless @mode is PCQ_WALK_PCI_CORE (process
 * context).  A published snapshot is walked by the panic path alone,
 * once; any other walk is of a private copy, and its caller serialises it.
 */
void pcq_walk(const struct pcq_snapshot *snap, struct pcq_fn_state *state,
	      enum pcq_walk_mode mode, struct pcq_run *run)
{
	u64 start = ktime_get_mono_fast_ns();
	struct pcq_walk w = {
		.snap	= snap,
		.state	= state,
		.ops	= mode == PCQ_WALK_PCI_CORE ? &pcq_cfg_pci_core_ops :
						     &pcq_cfg_lockfree_ops,
		.run	= run,
	};
	struct pcq_budget b;

	memset(run, 0, sizeof(*run));
	run->mode = mode;
	if (!pcq_snapshot_intact(snap) || !pcq_snapshot_state_ok(snap, state)) {
		run->state = PCQ_STATE_ABORTED;
		run->abort = PCQ_ABORT_CORRUPT;
		goto out;
	}
	w.dry_run = mode != PCQ_WALK_PANIC || snap->settings.dry_run || !w.ops->write;
	/* nothing asserted yet; a dry run, maybe on a CPU that did not stop, keeps off */
	if (!w.dry_run)
		WRITE_ONCE(pcq_resetting.snap, NULL);
	run->snapshot_generation = snap->generation;
	run->skipped = snap->nr - snap->nr_quiesce;
	pcq_budget_init(&b, snap, start);
	memset(state, 0, snap->nr * sizeof(*state));

	if (!pcq_quiesce_all(&w, &b))
		pcq_abort(run, PCQ_PHASE_QUIESCE);
	if (!pcq_reset_functions(&w, &b))
		pcq_abort(run, PCQ_PHASE_FN_RESET);
	if (!pcq_reset_bridges(&w, &b))
		pcq_abort(run, PCQ_PHASE_BUS_RESET);

	run->functions_reset += pcq_count_vfs_reset(&w);
	pcq_count_unreset(&w);
	run->unvisited = pcq_count_unvisited(&w);
	if (run->abort != PCQ_ABORT_NONE)
		run->state = PCQ_STATE_ABORTED;
	else
		run->state = w.dry_run ? PCQ_STATE_DRY_RUN : PCQ_STATE_DONE;
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
 * undone: a function quiesced or reset stays so.  Only the walk that
 * verified its snapshot before its first assert is looked at: before that
 * point, or after the last release, there is nothing to undo.
 *
 * Context: crash, from a crash raised inside the walk; no lock, no sleep.
 * Return: the number of bridges released.
 */
unsigned int pcq_walk_interrupted(struct pcq_run *run)
{
	struct pcq_walk w = {
		.snap	= READ_ONCE(pcq_resetting.snap),
		.state	= pcq_resetting.state,
		.ops	= pcq_resetting.ops,
		.run	= run,
	};
	bool any = false;
	u32 i;

	run->state = PCQ_STATE_ABORTED;
	run->abort = PCQ_ABORT_INTERRUPTED;
	run->interrupted = 1;
	if (!w.snap)
		return 0;
	for (i = 0; i < w.snap->nr; i++)
		if (w.state[i].flags & PCQ_S_ASSERTED)
			any = true;
	if (any) {
		mdelay(PCQ_RESET_HOLD_MIN_MS);
		touch_nmi_watchdog();
		run->delays_ms++;
	}
	run->released = pcq_release_bridges(&w, READ_ONCE(pcq_bridge_writing));
	WRITE_ONCE(pcq_resetting.snap, NULL);
	return run->released;
}
