// SPDX-License-Identifier: GPL-2.0
/*
 * The panic-path walk: follow the plan of a sealed snapshot and quiesce.
 *
 * This runs from a panic notifier with interrupts off and the other CPUs
 * stopped by NMI, wherever they were.  Nothing here takes a lock, sleeps,
 * allocates, WARNs or calls into the PCI core; all it touches is the
 * snapshot, a static scratch area and config space through cfg.c.  Every
 * loop is bounded by the snapshot size, which cq_snapshot_intact() bounds by
 * CQ_MAX_FUNCS, and the whole walk by a time budget.  The same walk, with
 * writes suppressed, serves the dry-run modes.
 */
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/nmi.h>
#include <linux/pci_regs.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/types.h>

#include "crash_quiesce.h"

/*
 * Scratch for one walk.  Static rather than on the stack because it scales
 * with CQ_MAX_FUNCS.  Walks never overlap: dry runs are serialised by the
 * caller, and a panic walk stops every other CPU, including one in the
 * middle of a dry run, which never resumes.
 */
static struct {
	DECLARE_BITMAP(bad, CQ_MAX_FUNCS);	/* failed verification */
	u16 bridge_ctl[CQ_MAX_FUNCS];		/* Bridge Control before reset */
} cq_scratch;

static const char * const cq_state_names[] = {
	[CQ_STATE_NEVER]	= "never",
	[CQ_STATE_DRY_RUN]	= "dry-run",
	[CQ_STATE_DONE]		= "done",
	[CQ_STATE_ABORTED]	= "aborted",
};

static const char * const cq_abort_names[] = {
	[CQ_ABORT_NONE]		= "none",
	[CQ_ABORT_NO_SNAPSHOT]	= "no-snapshot",
	[CQ_ABORT_CORRUPT]	= "corrupt-snapshot",
	[CQ_ABORT_BUDGET]	= "budget",
};

/**
 * cq_state_name() - name of a run state as shown in last_run
 * @state: enum cq_state
 *
 * Return: a static string.
 */
const char *cq_state_name(enum cq_state state)
{
	return state < ARRAY_SIZE(cq_state_names) ? cq_state_names[state] : "?";
}

/**
 * cq_abort_name() - name of an abort reason as shown in last_run
 * @why: enum cq_abort
 *
 * Return: a static string.
 */
const char *cq_abort_name(enum cq_abort why)
{
	return why < ARRAY_SIZE(cq_abort_names) ? cq_abort_names[why] : "?";
}

/**
 * cq_update16() - write a 16-bit register only if its value changes
 * @f:       the function
 * @reg:     register offset
 * @old:     the value read before
 * @val:     the value wanted
 * @dry_run: only count the write that would have been made
 * @run:     counters
 *
 * Context: panic path; no lock, no sleep.
 */
static void cq_update16(const struct cq_func *f, unsigned int reg, u16 old,
			u16 val, bool dry_run, struct cq_run *run)
{
	if (val == old)
		return;
	if (dry_run)
		run->planned_writes++;
	else
		cq_cfg_write16(&f->cfg, reg, val, run);
}

/**
 * cq_verify() - is this still the function the snapshot describes?
 * @f:   the function
 * @run: counters
 *
 * A surprise-removed function reads all-ones; a replaced one has other IDs
 * or another header type.
 *
 * Context: panic path; no lock, no sleep.
 * Return: true if the vendor/device IDs and the header type match.
 */
static bool cq_verify(const struct cq_func *f, struct cq_run *run)
{
	u32 id = cq_cfg_read32(&f->cfg, PCI_VENDOR_ID, run);
	u32 hdr;

	if (id == ~0U || id != ((u32)f->device << 16 | f->vendor))
		return false;
	hdr = cq_cfg_read32(&f->cfg, PCI_CACHE_LINE_SIZE, run);
	return hdr != ~0U && ((hdr >> 16) & PCI_HEADER_TYPE_MASK) == f->hdr_type;
}

/**
 * cq_quiesce_function() - stop a function's DMA and interrupts
 * @f:       the function, verified
 * @msi:     also set INTx Disable and turn MSI/MSI-X off
 * @dry_run: read only
 * @run:     counters
 *
 * Clear Bus Master Enable, and with @msi set INTx Disable, in one write to
 * Command; then turn MSI and MSI-X off.  Command goes first: once Bus Master
 * is off no DMA and no MSI leaves the function, and INTx is already masked
 * when disabling MSI makes the function fall back to INTx.
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
 */
static void cq_quiesce_function(const struct cq_func *f, bool msi, bool dry_run,
				struct cq_run *run)
{
	u16 cmd, ctl, val;

	cmd = cq_cfg_read16(&f->cfg, PCI_COMMAND, run);
	if (cmd == 0xffff)
		return;
	val = cmd & ~PCI_COMMAND_MASTER;
	if (msi)
		val |= PCI_COMMAND_INTX_DISABLE;
	cq_update16(f, PCI_COMMAND, cmd, val, dry_run, run);

	if (!msi || !(cmd & PCI_COMMAND_MASTER))
		return;
	if (f->msi_cap) {
		ctl = cq_cfg_read16(&f->cfg, f->msi_cap + PCI_MSI_FLAGS, run);
		if (ctl != 0xffff)
			cq_update16(f, f->msi_cap + PCI_MSI_FLAGS, ctl,
				    ctl & ~PCI_MSI_FLAGS_ENABLE, dry_run, run);
	}
	if (f->msix_cap) {
		ctl = cq_cfg_read16(&f->cfg, f->msix_cap + PCI_MSIX_FLAGS, run);
		if (ctl != 0xffff)
			cq_update16(f, f->msix_cap + PCI_MSIX_FLAGS, ctl,
				    ctl & ~PCI_MSIX_FLAGS_ENABLE, dry_run, run);
	}
}

/**
 * cq_over_budget() - has the walk used up its time?
 * @now:      a time, ktime_get_mono_fast_ns() base
 * @deadline: the end of the budget, same base
 *
 * Context: any.
 * Return: true past the deadline.
 */
static bool cq_over_budget(u64 now, u64 deadline)
{
	return now > deadline;
}

/**
 * cq_hold() - busy-wait for the Secondary Bus Reset hold time
 * @ms: milliseconds
 *
 * mdelay(), never msleep(): nothing may sleep here (checkpatch's advice to
 * use msleep() for short delays does not apply).  The watchdog is touched
 * every millisecond so that a long hold is not mistaken for a lockup.
 *
 * Context: panic path; interrupts may be off.
 */
static void cq_hold(unsigned int ms)
{
	while (ms--) {
		mdelay(1);
		touch_nmi_watchdog();
	}
}

/**
 * cq_reset_bridges() - reset the planned bridges' secondary buses together
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
static bool cq_reset_bridges(const struct cq_snapshot *snap, bool dry_run,
			     u64 deadline, struct cq_run *run)
{
	u64 hold_ns = (u64)snap->settings.reset_hold_ms * NSEC_PER_MSEC;
	unsigned int k, started = 0, asserted = 0;
	bool in_time = true;
	u64 t0;

	for (k = 0; k < snap->nr_resets; k++) {
		const struct cq_func *b = &snap->func[snap->resets[k]];
		u16 ctl;

		if (test_bit(snap->resets[k], cq_scratch.bad))
			continue;
		if (cq_over_budget(ktime_get_mono_fast_ns() + hold_ns, deadline)) {
			in_time = false;
			break;
		}
		started = k + 1;
		ctl = cq_cfg_read16(&b->cfg, PCI_BRIDGE_CONTROL, run);
		if (ctl == 0xffff) {
			/* gone since it was verified: never write all-ones back */
			__set_bit(snap->resets[k], cq_scratch.bad);
			run->mismatched++;
			run->skipped++;
			continue;
		}
		cq_scratch.bridge_ctl[k] = ctl & ~PCI_BRIDGE_CTL_BUS_RESET;
		cq_update16(b, PCI_BRIDGE_CONTROL, ctl, ctl | PCI_BRIDGE_CTL_BUS_RESET,
			    dry_run, run);
		run->bridges_reset++;
		asserted++;
	}

	if (asserted && !dry_run) {
		t0 = ktime_get_mono_fast_ns();
		cq_hold(snap->settings.reset_hold_ms);
		run->reset_hold_ns = ktime_get_mono_fast_ns() - t0;
	}

	for (k = 0; k < started; k++) {
		const struct cq_func *b = &snap->func[snap->resets[k]];
		u16 ctl = cq_scratch.bridge_ctl[k];

		if (test_bit(snap->resets[k], cq_scratch.bad))
			continue;
		/* the value written just before; in a dry run nothing was */
		cq_update16(b, PCI_BRIDGE_CONTROL, ctl | PCI_BRIDGE_CTL_BUS_RESET,
			    ctl, dry_run, run);
	}
	return in_time;
}

/**
 * cq_walk() - quiesce the functions of a snapshot as planned
 * @snap:    the published snapshot, not yet trusted
 * @force_dry_run: make only config reads, whatever the snapshot's settings
 *           say; a dry run counts the writes a real run would make
 * @run:     filled in completely with what was done
 *
 * Verifies the snapshot, then for each function in plan order re-reads its
 * IDs and header type (skipping and counting it on a mismatch), disables
 * Bus Master, INTx and MSI/MSI-X, and finally resets the planned bridges
 * with one shared hold.  Stops acting once the time budget is spent.
 *
 * Context: any, including panic with interrupts off and NMI; takes no lock,
 * does not sleep or allocate.  Callers serialise walks.
 */
void cq_walk(const struct cq_snapshot *snap, bool force_dry_run,
	     struct cq_run *run)
{
	u64 start = ktime_get_mono_fast_ns();
	bool dry_run;
	u64 deadline;
	unsigned int k;

	memset(run, 0, sizeof(*run));
	if (!cq_snapshot_intact(snap)) {
		run->state = CQ_STATE_ABORTED;
		run->abort = CQ_ABORT_CORRUPT;
		goto out;
	}
	dry_run = force_dry_run || snap->settings.dry_run;
	run->snapshot_generation = snap->generation;
	run->skipped = snap->nr - snap->nr_order;
	deadline = start + (u64)snap->settings.budget_ms * NSEC_PER_MSEC;
	bitmap_zero(cq_scratch.bad, CQ_MAX_FUNCS);

	for (k = 0; k < snap->nr_order; k++) {
		const struct cq_func *f = &snap->func[snap->order[k]];

		if (cq_over_budget(ktime_get_mono_fast_ns(), deadline)) {
			run->abort = CQ_ABORT_BUDGET;
			break;
		}
		if (!cq_verify(f, run)) {
			__set_bit(snap->order[k], cq_scratch.bad);
			run->mismatched++;
			run->skipped++;
			continue;
		}
		cq_quiesce_function(f, snap->settings.msi, dry_run, run);
		run->functions_quiesced++;
	}

	if (run->abort == CQ_ABORT_NONE &&
	    !cq_reset_bridges(snap, dry_run, deadline, run))
		run->abort = CQ_ABORT_BUDGET;

	if (run->abort != CQ_ABORT_NONE)
		run->state = CQ_STATE_ABORTED;
	else
		run->state = dry_run ? CQ_STATE_DRY_RUN : CQ_STATE_DONE;
out:
	run->duration_ns = ktime_get_mono_fast_ns() - start;
}
