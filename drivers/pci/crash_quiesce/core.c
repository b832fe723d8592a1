// SPDX-License-Identifier: GPL-2.0
/*
 * PCI crash quiesce: module life cycle, snapshot publication, hotplug and
 * the panic entry point.
 *
 * A snapshot is built in process context under cq_lock, sealed, and
 * published with a release store.  The panic path loads it with an acquire
 * load and walks it without any lock.  A replaced snapshot is freed only
 * after an RCU grace period (kvfree_rcu(), so nobody waits for it): the
 * panic path runs with interrupts disabled, which is an RCU read-side
 * critical section, so a walk that loaded the old pointer has finished, or
 * was stopped for good, before it goes away.  Parameter changes re-plan a
 * copy of the current snapshot; only hotplug and rescan walk the topology.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crash_quiesce.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>

#include "core.h"

/* Serialises snapshot builds, settings and dry runs; see core.h. */
DEFINE_MUTEX(cq_lock);

struct cq_settings cq_settings = {
	.enable		= true,
	.dry_run	= false,
	.reset		= CQ_RESET_AUTO,
	.msi		= true,
	.reset_hold_ms	= CQ_RESET_HOLD_DEF_MS,
	.budget_ms	= CQ_BUDGET_DEF_MS,
};

struct cq_skip_list cq_skip;

/*
 * What the last walk did.  Written by the panic path without a lock (it is
 * the only thing running then) and by dry_run_now under cq_lock; a static
 * object so that crash(8) finds it in the vmcore too.
 */
struct cq_run cq_last_run;

static struct cq_snapshot *cq_current;
static u64 cq_generation;
static bool cq_ready;
/* The last full rebuild failed: cq_current is older than the topology. */
static int cq_stale_err;

/**
 * cq_snapshot_locked() - the current snapshot, for process-context readers
 *
 * Context: process context with cq_lock held.
 * Return: the published snapshot, or NULL before the first one.
 */
const struct cq_snapshot *cq_snapshot_locked(void)
{
	lockdep_assert_held(&cq_lock);
	return cq_current;
}

/**
 * cq_snapshot_stale_locked() - did the last full rebuild fail?
 *
 * Context: process context with cq_lock held.
 * Return: 0, or the error of the failed rebuild: the published snapshot is
 * older than the topology.
 */
int cq_snapshot_stale_locked(void)
{
	lockdep_assert_held(&cq_lock);
	return cq_stale_err;
}

/* Publish @snap in place of the current snapshot, which is freed later. */
static void cq_publish_locked(struct cq_snapshot *snap)
{
	struct cq_snapshot *old = cq_current;

	cq_generation = snap->generation;
	/* Pairs with smp_load_acquire() in cq_panic_quiesce(). */
	smp_store_release(&cq_current, snap);
	/* after a grace period: a panic walk may still hold @old */
	cq_snapshot_free(old);
}

/**
 * cq_rebuild_locked() - snapshot the topology and plan again, then publish
 *
 * Does nothing until the module has finished loading, so that parameters
 * given at load time are only stored.  On failure the previous snapshot
 * stays published, marked stale, with a warning.
 *
 * Context: process context with cq_lock held; sleeps.
 * Return: 0 or a negative errno.
 */
int cq_rebuild_locked(void)
{
	struct cq_snapshot *snap;

	lockdep_assert_held(&cq_lock);
	if (!cq_ready)
		return 0;
	cq_ecam_refresh();
	snap = cq_snapshot_build(&cq_settings, &cq_skip, cq_generation + 1);
	if (IS_ERR(snap)) {
		cq_stale_err = PTR_ERR(snap);
		if (cq_current)
			pr_warn("cannot snapshot the PCI topology (%d): keeping generation %llu, which is now stale\n",
				cq_stale_err, cq_current->generation);
		return cq_stale_err;
	}
	cq_stale_err = 0;
	cq_publish_locked(snap);
	return 0;
}

/**
 * cq_replan_locked() - plan the current snapshot again with new settings
 *
 * For parameter changes: the topology is not walked again, nothing is
 * mapped, and nothing waits for a grace period.  Before the first
 * snapshot, a full rebuild.
 *
 * Context: process context with cq_lock held.
 * Return: 0 or a negative errno; on failure nothing changed.
 */
int cq_replan_locked(void)
{
	struct cq_snapshot *snap;

	lockdep_assert_held(&cq_lock);
	if (!cq_ready)
		return 0;
	if (!cq_current)
		return cq_rebuild_locked();
	snap = cq_snapshot_replan(cq_current, &cq_settings, &cq_skip,
				  cq_generation + 1);
	if (IS_ERR(snap))
		return PTR_ERR(snap);
	cq_publish_locked(snap);
	return 0;
}

/**
 * cq_cfg_locked_read() - a config read through the PCI core
 * @seg:   PCI domain
 * @bus:   bus number
 * @devfn: device and function
 * @reg:   register offset
 * @size:  1, 2 or 4 bytes
 * @val:   the value read
 *
 * For walks in process context: the PCI core's accessors take pci_lock
 * (and on x86 pci_config_lock around type 1), so the walk's reads never
 * interleave with another CPU's config access.
 *
 * Context: process context, under pci_lock_rescan_remove().
 * Return: 0, or a PCIBIOS error or -ENODEV.
 */
int cq_cfg_locked_read(u32 seg, u8 bus, u8 devfn, unsigned int reg,
		       unsigned int size, u32 *val)
{
	struct pci_bus *pbus = pci_find_bus(seg, bus);
	u16 v16;
	u8 v8;
	int err;

	if (!pbus)
		return -ENODEV;
	switch (size) {
	case 4:
		return pci_bus_read_config_dword(pbus, devfn, reg, val);
	case 2:
		err = pci_bus_read_config_word(pbus, devfn, reg, &v16);
		*val = v16;
		return err;
	default:
		err = pci_bus_read_config_byte(pbus, devfn, reg, &v8);
		*val = v8;
		return err;
	}
}

/**
 * cq_dry_run_now_locked() - walk the current snapshot, reading only
 *
 * Through the PCI core's locked accessors, never the panic path's bare
 * ones, which would race with the PCI core on other CPUs.
 *
 * Context: process context with cq_lock held; sleeps.
 */
void cq_dry_run_now_locked(void)
{
	struct cq_run run;

	lockdep_assert_held(&cq_lock);
	if (!cq_current)
		return;
	/* no bus goes away under pci_find_bus()'s result */
	pci_lock_rescan_remove();
	cq_walk(cq_current, true, true, &run);
	pci_unlock_rescan_remove();
	cq_last_run = run;
}

/**
 * cq_panic_quiesce() - the panic entry point
 *
 * Called once by kernel/crash_quiesce.c from the panic notifier chain:
 * walks the published snapshot into the static last-run record and prints
 * the one summary line.
 *
 * Context: panic, interrupts off, other CPUs stopped; may be NMI.  Takes no
 * lock, does not sleep or allocate.
 */
static void cq_panic_quiesce(void)
{
	/* Pairs with smp_store_release() in cq_rebuild_locked(). */
	const struct cq_snapshot *snap = smp_load_acquire(&cq_current);
	struct cq_run *run = &cq_last_run;

	/*
	 * The settings are the snapshot's, published with it.  Not checked
	 * against the checksum here (the walk does that): a corruption that
	 * clears exactly this byte leaves the machine as without the handler.
	 */
	if (snap && !READ_ONCE(snap->settings.enable))
		return;
	if (!snap) {
		memset(run, 0, sizeof(*run));
		run->state = CQ_STATE_ABORTED;
		run->abort = CQ_ABORT_NO_SNAPSHOT;
	} else {
		cq_walk(snap, false, false, run);
	}
	cq_fault_in_handler();
	pr_emerg("quiesced %u functions, reset %u bridges, skipped %u (mismatched %u) in %llu us, reset %u functions, %u without reset%s%s%s\n",
		 run->functions_quiesced, run->bridges_reset, run->skipped,
		 run->mismatched, run->duration_ns / NSEC_PER_USEC,
		 run->functions_reset, run->no_reset,
		 run->state == CQ_STATE_DRY_RUN ? " (dry run)" :
		 run->state == CQ_STATE_ABORTED ? " (aborted: " : "",
		 run->state == CQ_STATE_ABORTED ? cq_abort_name(run->abort) : "",
		 run->state == CQ_STATE_ABORTED ? ")" : "");
}

static void cq_rescan_fn(struct work_struct *work)
{
	int err;

	mutex_lock(&cq_lock);
	err = cq_rebuild_locked();
	mutex_unlock(&cq_lock);
	if (err)
		pr_err("rescan after hotplug failed (%d), keeping the previous snapshot\n",
		       err);
}

static DECLARE_WORK(cq_rescan_work, cq_rescan_fn);

/*
 * Devices come and go: rebuild from a work item, never from the notifier,
 * whose caller holds the locks the builder needs.
 */
static int cq_pci_bus_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	if (action == BUS_NOTIFY_ADD_DEVICE || action == BUS_NOTIFY_REMOVED_DEVICE)
		schedule_work(&cq_rescan_work);
	return NOTIFY_DONE;
}

static struct notifier_block cq_pci_bus_nb = {
	.notifier_call = cq_pci_bus_notify,
};

static int __init cq_init(void)
{
	const struct cq_snapshot *snap;
	int err;

	mutex_lock(&cq_lock);
	cq_ready = true;
	err = cq_rebuild_locked();
	if (err) {
		cq_ready = false;
		mutex_unlock(&cq_lock);
		pr_err("cannot snapshot the PCI topology (%d)\n", err);
		return err;
	}
	snap = cq_current;
	pr_info("%u functions: %u to quiesce, %u bridges to reset, %u functions to reset, %u skipped\n",
		snap->nr, snap->nr_order, snap->nr_resets, snap->nr_fresets,
		snap->nr - snap->nr_order);
	mutex_unlock(&cq_lock);

	err = bus_register_notifier(&pci_bus_type, &cq_pci_bus_nb);
	if (err)
		goto out_free;
	err = crash_quiesce_register(cq_panic_quiesce);
	if (err)
		goto out_bus;
	cq_debugfs_init();
	cq_bench_init();
	cq_fault_init();
	/*
	 * Built in, no crash kernel can be loaded yet at this point, and the
	 * kernel's own policy decides: run before kdump.  As a module, warn
	 * about what would keep the handler from running.
	 */
	if (IS_BUILTIN(CONFIG_PCI_CRASH_QUIESCE))
		crash_quiesce_force_post_notifiers();
	else
		crash_quiesce_check_armed();
	return 0;

out_bus:
	bus_unregister_notifier(&pci_bus_type, &cq_pci_bus_nb);
	cancel_work_sync(&cq_rescan_work);
out_free:
	mutex_lock(&cq_lock);
	cq_ready = false;
	cq_snapshot_free(cq_current);
	cq_current = NULL;
	mutex_unlock(&cq_lock);
	rcu_barrier();	/* kvfree_rcu() done: nothing points into ECAM maps */
	cq_ecam_release();
	return err;
}
module_init(cq_init);

static void __exit cq_exit(void)
{
	cq_fault_exit();
	cq_bench_exit();
	cq_debugfs_exit();
	crash_quiesce_unregister(cq_panic_quiesce);
	bus_unregister_notifier(&pci_bus_type, &cq_pci_bus_nb);
	cancel_work_sync(&cq_rescan_work);
	mutex_lock(&cq_lock);
	cq_ready = false;
	cq_snapshot_free(cq_current);
	cq_current = NULL;
	mutex_unlock(&cq_lock);
	rcu_barrier();	/* kvfree_rcu() done: nothing points into ECAM maps */
	cq_ecam_release();
}
module_exit(cq_exit);

MODULE_DESCRIPTION("Quiesce PCI devices at panic, before kdump");
MODULE_LICENSE("GPL");
