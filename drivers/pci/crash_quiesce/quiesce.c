// SPDX-License-Identifier: GPL-2.0
/*
 * The panic-path walk: follow the plan of a sealed snapshot and quiesce.
 *
 * This runs on the way into kdump with interrupts off and the other CPUs
 * stopped by NMI, wherever they were.  Nothing here takes a lock, sleeps,
 * allocates, WARNs or calls into the PCI core; all it touches is the
 * snapshot, the scratch area allocated with it, and config space through
 * cfg.c.  Every loop is bounded by the snapshot size, which
 * pcq_snapshot_intact() checks against its allocation, and the whole walk by
 * a time budget.  The same walk, with writes suppressed, serves the dry-run
 * modes.
 */
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/nmi.h>
#include <linux/pci_regs.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/types.h>

#include "crash_quiesce.h"

/* PCI Bus Power Management r1.2 sec 3.2.4: PowerState field value of D3hot */
#define PCQ_PM_D3HOT	3

static const char * const pcq_state_names[] = {
	[PCQ_STATE_NEVER]	= "never",
	[PCQ_STATE_DRY_RUN]	= "dry-run",
	[PCQ_STATE_DONE]		= "done",
	[PCQ_STATE_ABORTED]	= "aborted",
};

static const char * const pcq_abort_names[] = {
	[PCQ_ABORT_NONE]		= "none",
	[PCQ_ABORT_NO_SNAPSHOT]	= "no-snapshot",
	[PCQ_ABORT_CORRUPT]	= "corrupt-snapshot",
	[PCQ_ABORT_BUDGET]	= "budget",
};

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
 * Return: a static string.
 */
const char *pcq_abort_name(enum pcq_abort why)
{
	return why < ARRAY_SIZE(pcq_abort_names) ? pcq_abort_names[why] : "?";
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
	u8 *state = &snap->scratch.state[i];
	u32 id;

	if (!(*state & PCQ_S_CHECKED)) {
		*state |= PCQ_S_CHECKED;
		id = pcq_cfg_read32(f, PCI_VENDOR_ID, run);
		if (id == ~0U || id != ((u32)f->device << 16 | f->vendor))
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
	u8 *state = &snap->scratch.state[pf];
	u16 ctl;

	if (!(*state & PCQ_S_VFE_CHECKED)) {
		*state |= PCQ_S_VFE_CHECKED;
		ctl = p->sriov_cap ? pcq_cfg_read16(p, p->sriov_cap + PCI_SRIOV_CTRL, run) :
				     0xffff;
		if (ctl != 0xffff && (ctl & PCI_SRIOV_CTRL_VFE))
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
	return cr != ~0U && cr == f->class_rev;
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
	u8 *state = &snap->scratch.state[i];

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
	if (hdr != ~0U && ((hdr >> 16) & PCI_HEADER_TYPE_MASK) == f->hdr_type)
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
 * Return: true if Bus Master Enable was set.
 */
static bool pcq_quiesce_function(const struct pcq_func *f, bool msi, bool dry_run,
				 struct pcq_run *run)
{
	u16 cmd, ctl, val;

	cmd = pcq_cfg_read16(f, PCI_COMMAND, run);
	if (cmd == 0xffff)
		return false;
	val = cmd & ~PCI_COMMAND_MASTER;
	if (msi && !(f->flags & PCQ_F_VF))
		val |= PCI_COMMAND_INTX_DISABLE;
	pcq_update16(f, PCI_COMMAND, cmd, val, dry_run, run);

	if (!(cmd & PCI_COMMAND_MASTER))
		return false;
	if (!msi)
		return true;
	if (f->msi_cap) {
		ctl = pcq_cfg_read16(f, f->msi_cap + PCI_MSI_FLAGS, run);
		if (ctl != 0xffff)
			pcq_update16(f, f->msi_cap + PCI_MSI_FLAGS, ctl,
				     ctl & ~PCI_MSI_FLAGS_ENABLE, dry_run, run);
	}
	if (f->msix_cap) {
		ctl = pcq_cfg_read16(f, f->msix_cap + PCI_MSIX_FLAGS, run);
		if (ctl != 0xffff)
			pcq_update16(f, f->msix_cap + PCI_MSIX_FLAGS, ctl,
				     ctl & ~PCI_MSIX_FLAGS_ENABLE, dry_run, run);
	}
	return true;
}

/**
 * pcq_over_budget() - has the walk used up its time?
 * @now:      a time, ktime_get_mono_fast_ns() base
 * @deadline: the end of the budget, same base
 *
 * Context: any.
 * Return: true past the deadline.
 */
static bool pcq_over_budget(u64 now, u64 deadline)
{
	return now > deadline;
}

/**
 * pcq_hold() - busy-wait for the Secondary Bus Reset hold time
 * @ms: milliseconds
 *
 * mdelay(), never msleep(): nothing may sleep here (checkpatch's advice to
 * use msleep() for short delays does not apply).  The watchdog is touched
 * every millisecond so that a long hold is not mistaken for a lockup.
 *
 * Context: panic path; interrupts may be off.
 */
static void pcq_hold(unsigned int ms)
{
	while (ms--) {
		mdelay(1);
		touch_nmi_watchdog();
	}
}

/**
 * pcq_fn_reset_status() - read what a function reset needs, and whether the
 * function still has transactions pending
 * @f:   the function
 * @run: counters
 * @ctl: the control word the reset will modify
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

	switch (f->reach) {
	case PCQ_REACH_FLR:
		v = pcq_cfg_read32(f, f->pcie_cap + PCI_EXP_DEVCTL, run);
		if (v == ~0U)
			return -1;
		*ctl = v;
		return !!((v >> 16) & PCI_EXP_DEVSTA_TRPND);
	case PCQ_REACH_AF_FLR:
		v = pcq_cfg_read16(f, f->af_cap + PCI_AF_CTRL, run);
		if (v == 0xffff)
			return -1;
		*ctl = v & 0xff;
		return !!((v >> 8) & PCI_AF_STATUS_TP);
	case PCQ_REACH_PM:
		v = pcq_cfg_read16(f, f->pm_cap + PCI_PM_CTRL, run);
		if (v == 0xffff)
			return -1;
		*ctl = v;
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
 */
static void pcq_fn_reset_one(const struct pcq_func *f, u16 ctl, bool dry_run,
			     struct pcq_run *run)
{
	switch (f->reach) {
	case PCQ_REACH_FLR:
		pcq_update16(f, f->pcie_cap + PCI_EXP_DEVCTL, ctl,
			     ctl | PCI_EXP_DEVCTL_BCR_FLR, dry_run, run);
		break;
	case PCQ_REACH_AF_FLR:
		if (dry_run)
			run->planned_writes++;
		else
			pcq_cfg_write8(f, f->af_cap + PCI_AF_CTRL, PCI_AF_CTRL_FLR, run);
		break;
	case PCQ_REACH_PM:
		if ((ctl & PCI_PM_CTRL_STATE_MASK) == PCQ_PM_D3HOT)
			return;
		pcq_update16(f, f->pm_cap + PCI_PM_CTRL, ctl,
			     (ctl & ~(PCI_PM_CTRL_STATE_MASK | PCI_PM_CTRL_PME_STATUS)) |
			    PCQ_PM_D3HOT, dry_run, run);
		break;
	default:
		return;
	}
	run->functions_reset++;
}

/**
 * pcq_reset_functions() - reset the functions no bus reset reaches
 * @snap:     the verified snapshot
 * @dry_run:  read only
 * @deadline: end of the time budget
 * @run:      counters
 *
 * Only functions that passed verification and had Bus Master Enable set
 * when they were quiesced: a function that masters nothing has no DMA to
 * stop.  Transactions Pending is read for all of them first; if any has
 * some, one shared wait of at most PCQ_TP_WAIT_MS (and never past the
 * budget) lets them drain, re-reading only those, then every reset is
 * started, drained or not, as pcie_flr() does after its own wait.
 *
 * Context: panic path; no lock, no sleep.
 * Return: false if the budget ran out before every reset was started.
 */
static bool pcq_reset_functions(const struct pcq_snapshot *snap, bool dry_run,
				u64 deadline, struct pcq_run *run)
{
	u8 *state = snap->scratch.state;
	u16 *saved = snap->scratch.saved;
	unsigned int k, pending = 0;
	u64 t0, stop;
	int tp;

	for (k = 0; k < snap->nr_fresets; k++) {
		u32 i = snap->fresets[k];

		if ((state[i] & (PCQ_S_BAD | PCQ_S_MASTER)) != PCQ_S_MASTER)
			continue;
		tp = pcq_fn_reset_status(&snap->func[i], run, &saved[i]);
		if (tp < 0) {
			state[i] |= PCQ_S_BAD;
			run->mismatched++;
			run->skipped++;
		} else if (tp) {
			state[i] |= PCQ_S_PENDING;
			pending++;
		}
	}
	run->tp_pending = pending;

	t0 = ktime_get_mono_fast_ns();
	stop = min_t(u64, deadline, t0 + (u64)PCQ_TP_WAIT_MS * NSEC_PER_MSEC);
	while (pending && !dry_run && !pcq_over_budget(ktime_get_mono_fast_ns(), stop)) {
		mdelay(1);
		touch_nmi_watchdog();
		for (k = 0; k < snap->nr_fresets && pending; k++) {
			u32 i = snap->fresets[k];

			if (!(state[i] & PCQ_S_PENDING))
				continue;
			tp = pcq_fn_reset_status(&snap->func[i], run, &saved[i]);
			if (tp <= 0) {
				/* drained, or gone: a reset cannot hurt it */
				state[i] &= ~PCQ_S_PENDING;
				pending--;
			}
		}
	}
	if (run->tp_pending && !dry_run)
		run->tp_wait_ns = ktime_get_mono_fast_ns() - t0;

	for (k = 0; k < snap->nr_fresets; k++) {
		u32 i = snap->fresets[k];

		if ((state[i] & (PCQ_S_BAD | PCQ_S_MASTER)) != PCQ_S_MASTER)
			continue;
		if (pcq_over_budget(ktime_get_mono_fast_ns(), deadline))
			return false;
		pcq_fn_reset_one(&snap->func[i], saved[i], dry_run, run);
	}
	return true;
}

/**
 * pcq_reset_bridges() - reset the planned bridges' secondary buses together
 * @snap:     the verified snapshot
 * @dry_run:  read only
 * @deadline: end of the time budget
 * @run:      counters
 *
 * Assert Secondary Bus Reset on every planned bridge that passed
 * verification, hold once for all of them, then release.  A reset is only
 * started when it can also be finished in time, checked before each assert
 * since a config write may itself be slow (a completion timeout, or an
 * emulator resetting a large subtree); once asserted a reset is always
 * released, since a bus left in reset would hide the devices, the dump
 * target among them, from the capture kernel.
 *
 * Context: panic path; no lock, no sleep.
 * Return: false if the budget ran out before every planned reset was
 * started; the ones started were held and released.
 */
static bool pcq_reset_bridges(const struct pcq_snapshot *snap, bool dry_run,
			      u64 deadline, struct pcq_run *run)
{
	u64 hold_ns = (u64)snap->settings.reset_hold_ms * NSEC_PER_MSEC;
	unsigned int k, started = 0, asserted = 0;
	u8 *state = snap->scratch.state;
	u16 *saved = snap->scratch.saved;
	bool in_time = true;
	u64 t0;

	for (k = 0; k < snap->nr_resets; k++) {
		u32 i = snap->resets[k];
		const struct pcq_func *b = &snap->func[i];
		u16 ctl;

		if (state[i] & PCQ_S_BAD)
			continue;
		if (pcq_over_budget(ktime_get_mono_fast_ns() + hold_ns, deadline)) {
			in_time = false;
			break;
		}
		started = k + 1;
		ctl = pcq_cfg_read16(b, PCI_BRIDGE_CONTROL, run);
		if (ctl == 0xffff) {
			/* gone since it was verified: never write all-ones back */
			state[i] |= PCQ_S_BAD;
			run->mismatched++;
			run->skipped++;
			continue;
		}
		saved[i] = ctl & ~PCI_BRIDGE_CTL_BUS_RESET;
		pcq_update16(b, PCI_BRIDGE_CONTROL, ctl, ctl | PCI_BRIDGE_CTL_BUS_RESET,
			     dry_run, run);
		run->bridges_reset++;
		asserted++;
	}

	if (asserted && !dry_run) {
		t0 = ktime_get_mono_fast_ns();
		pcq_hold(snap->settings.reset_hold_ms);
		run->reset_hold_ns = ktime_get_mono_fast_ns() - t0;
	}

	for (k = 0; k < started; k++) {
		u32 i = snap->resets[k];
		u16 ctl = saved[i];

		if (state[i] & PCQ_S_BAD)
			continue;
		/* the value written just before; in a dry run nothing was */
		pcq_update16(&snap->func[i], PCI_BRIDGE_CONTROL,
			     ctl | PCI_BRIDGE_CTL_BUS_RESET, ctl, dry_run, run);
	}
	return in_time;
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
 * planned bridges with one shared hold.  Stops acting once the time budget
 * is spent.
 *
 * Context: any, including panic with interrupts off and NMI; takes no lock,
 * does not sleep or allocate unless @locked.  Callers serialise walks.
 */
void pcq_walk(const struct pcq_snapshot *snap, bool force_dry_run, bool locked,
	      struct pcq_run *run)
{
	u64 start = ktime_get_mono_fast_ns();
	bool dry_run;
	u64 deadline;
	unsigned int k;

	memset(run, 0, sizeof(*run));
	run->locked = locked;
	if (!pcq_snapshot_intact(snap)) {
		run->state = PCQ_STATE_ABORTED;
		run->abort = PCQ_ABORT_CORRUPT;
		goto out;
	}
	dry_run = locked || force_dry_run || snap->settings.dry_run;
	run->snapshot_generation = snap->generation;
	run->skipped = snap->nr - snap->nr_order;
	deadline = start + (u64)snap->settings.budget_ms * NSEC_PER_MSEC;
	memset(snap->scratch.state, 0, snap->nr);

	for (k = 0; k < snap->nr_order; k++) {
		u32 i = snap->order[k];
		const struct pcq_func *f = &snap->func[i];

		if (pcq_over_budget(ktime_get_mono_fast_ns(), deadline)) {
			run->abort = PCQ_ABORT_BUDGET;
			break;
		}
		if (!pcq_verify(snap, i, run)) {
			run->mismatched++;
			run->skipped++;
			continue;
		}
		if (pcq_quiesce_function(f, snap->settings.msi, dry_run, run)) {
			snap->scratch.state[i] |= PCQ_S_MASTER;
			/* a bridge forwards, it is no DMA source of its own */
			if (f->reach == PCQ_REACH_NONE && f->why != PCQ_WHY_BRIDGE)
				run->no_reset++;
		}
		run->functions_quiesced++;
	}

	if (run->abort == PCQ_ABORT_NONE &&
	    !pcq_reset_functions(snap, dry_run, deadline, run))
		run->abort = PCQ_ABORT_BUDGET;
	if (run->abort == PCQ_ABORT_NONE &&
	    !pcq_reset_bridges(snap, dry_run, deadline, run))
		run->abort = PCQ_ABORT_BUDGET;

	if (run->abort != PCQ_ABORT_NONE)
		run->state = PCQ_STATE_ABORTED;
	else
		run->state = dry_run ? PCQ_STATE_DRY_RUN : PCQ_STATE_DONE;
out:
	run->duration_ns = ktime_get_mono_fast_ns() - start;
}
