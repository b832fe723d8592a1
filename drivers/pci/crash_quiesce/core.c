// SPDX-License-Identifier: GPL-2.0
/*
 * PCI crash quiesce: module life cycle, snapshot publication, hotplug and
 * the panic entry point.
 *
 * A snapshot is built in process context under pcq_lock, sealed, and
 * published with a release store.  The panic path loads it with an acquire
 * load and walks it without any lock.  A replaced snapshot is freed only
 * after an RCU grace period (kvfree_rcu(), so nobody waits for it): the
 * panic path runs with interrupts disabled, which is an RCU read-side
 * critical section, so a walk that loaded the old pointer has finished, or
 * was stopped for good, before it goes away.  Parameter changes re-plan a
 * copy of the current snapshot; only hotplug and rescan walk the topology.
 *
 * Lock order: pci_lock_rescan_remove(), then pcq_lock.  A PCI bus notifier
 * is called with the former held (device addition and removal), and a
 * rebuild needs both.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>

#include "core.h"

/*
 * pcq_lock serialises everything that builds, replaces or reads a snapshot
 * in process context, and the parameters.  The panic path never takes it.
 */
static DEFINE_MUTEX(pcq_lock);

static struct pcq_params pcq_params = {
	.enable		= true,
	.settings	= PCQ_SETTINGS_DEFAULT,
};

/*
 * What the last walk did.  Written by the panic path without a lock (it is
 * the only thing running then) and by dry_run_now under pcq_lock, never
 * again once the panic path wrote it; a static object so that crash(8)
 * finds it in the vmcore too.
 */
static struct pcq_run pcq_last_run;
static bool pcq_panic_walked;

static struct pcq_snapshot *pcq_current;
static u64 pcq_generation;
static bool pcq_ready;
/* The last full rebuild failed: pcq_current is older than the topology. */
static int pcq_stale_err;
static int pcq_replan_locked(void);
static void pcq_arm_locked(void);

/**
 * pcq_lock_state() - take the lock of the snapshot, the parameters and the
 * last run's record
 *
 * Context: process context; sleeps.
 */
void pcq_lock_state(void)
{
	mutex_lock(&pcq_lock);
}

/**
 * pcq_unlock_state() - drop what pcq_lock_state() took
 *
 * Context: process context.
 */
void pcq_unlock_state(void)
{
	mutex_unlock(&pcq_lock);
}

/**
 * pcq_assert_locked() - say that the caller holds pcq_lock_state()'s lock
 *
 * For the ECAM backends, whose mappings the snapshot points into.
 *
 * Context: process context.
 */
void pcq_assert_locked(void)
{
	lockdep_assert_held(&pcq_lock);
}

/**
 * pcq_params_get() - the module parameters in force
 * @params: filled in
 *
 * Context: process context; takes pcq_lock.
 */
void pcq_params_get(struct pcq_params *params)
{
	mutex_lock(&pcq_lock);
	*params = pcq_params;
	mutex_unlock(&pcq_lock);
}

/**
 * pcq_params_set() - put new module parameters in force
 * @params: all of them, one maybe changed
 *
 * Once loaded, they are checked together (pcq_settings_check()), the
 * current snapshot is planned again with them (on a copy: the topology is
 * not walked again) and the handler armed or disarmed as enable says.
 * Before that, at load, they are only stored: pcq_init() checks and uses
 * them.  On any failure the previous parameters stay in force.
 *
 * Context: process context; takes pcq_lock; sleeps.
 * Return: 0, -EINVAL, or the error of the replan.
 */
int pcq_params_set(const struct pcq_params *params)
{
	struct pcq_params old;
	int err = 0;

	mutex_lock(&pcq_lock);
	if (pcq_ready)
		err = pcq_settings_check(&params->settings);
	if (err)
		goto out;
	old = pcq_params;
	pcq_params = *params;
	err = pcq_replan_locked();
	if (err)
		pcq_params = old;
	pcq_arm_locked();
out:
	mutex_unlock(&pcq_lock);
	return err;
}

/**
 * pcq_last_run_get() - what the last walk did
 * @run: filled in with the panic walk's record, or the last dry run's
 *
 * Context: process context; takes pcq_lock.
 */
void pcq_last_run_get(struct pcq_run *run)
{
	mutex_lock(&pcq_lock);
	*run = pcq_last_run;
	mutex_unlock(&pcq_lock);
}

/**
 * pcq_snapshot_locked() - the current snapshot, for process-context readers
 *
 * Context: process context with pcq_lock held.
 * Return: the published snapshot, or NULL before the first one.
 */
const struct pcq_snapshot *pcq_snapshot_locked(void)
	__must_hold(&pcq_lock)
{
	lockdep_assert_held(&pcq_lock);
	return pcq_current;
}

/**
 * pcq_snapshot_stale_locked() - did the last full rebuild fail?
 *
 * Context: process context with pcq_lock held.
 * Return: 0, or the error of the failed rebuild: the published snapshot is
 * older than the topology.
 */
int pcq_snapshot_stale_locked(void)
	__must_hold(&pcq_lock)
{
	lockdep_assert_held(&pcq_lock);
	return pcq_stale_err;
}

/* Publish @snap in place of the current snapshot, which is freed later. */
static void pcq_publish_locked(struct pcq_snapshot *snap)
	__must_hold(&pcq_lock)
{
	struct pcq_snapshot *old = pcq_current;

	pcq_generation = snap->generation;
	/* Pairs with smp_load_acquire() in pcq_panic_walk(). */
	smp_store_release(&pcq_current, snap);
	/* after a grace period: a panic walk may still hold @old */
	pcq_snapshot_free(old);
}

/**
 * pcq_rebuild_locked() - snapshot the topology and plan again, then publish
 *
 * Does nothing until the module has finished loading, so that parameters
 * given at load time are only stored.  On failure the previous snapshot
 * stays published, marked stale, with a warning.
 *
 * Context: process context under pci_lock_rescan_remove() and pcq_lock;
 * sleeps.
 * Return: 0 or a negative errno.
 */
static int pcq_rebuild_locked(void)
	__must_hold(&pcq_lock)
{
	lockdep_assert_held(&pcq_lock);
	if (!pcq_ready)
		return 0;
	pcq_ecam_refresh();
	return pcq_take_locked(pcq_snapshot_build(&pcq_params.settings, &pcq_params.skip,
						  pcq_generation + 1));
}

/**
 * pcq_take_locked() - publish a new snapshot of the topology, or keep the
 * current one, marked stale
 * @snap: the new snapshot, or the ERR_PTR() its build returned
 *
 * Context: process context with pcq_lock held.
 * Return: 0, or the build's error.
 */
int pcq_take_locked(struct pcq_snapshot *snap)
	__must_hold(&pcq_lock)
{
	lockdep_assert_held(&pcq_lock);
	if (IS_ERR(snap)) {
		pcq_stale_err = PTR_ERR(snap);
		if (pcq_current)
			pr_warn("cannot snapshot the PCI topology (%d): keeping generation %llu, which is now stale\n",
				pcq_stale_err, pcq_current->generation);
		return pcq_stale_err;
	}
	pcq_stale_err = 0;
	pcq_publish_locked(snap);
	return 0;
}

/**
 * pcq_replan_locked() - plan the current snapshot again with new settings
 *
 * For parameter changes: the topology is not walked again, nothing is
 * mapped, and nothing waits for a grace period.  Before the first
 * snapshot (parameters given at load), nothing: the first build uses them.
 *
 * Context: process context with pcq_lock held.
 * Return: 0 or a negative errno; on failure nothing changed.
 */
static int pcq_replan_locked(void)
	__must_hold(&pcq_lock)
{
	struct pcq_snapshot *snap;

	lockdep_assert_held(&pcq_lock);
	if (!pcq_ready || !pcq_current)
		return 0;
	snap = pcq_snapshot_replan(pcq_current, &pcq_params.settings, &pcq_params.skip,
				   pcq_generation + 1, -1);
	if (IS_ERR(snap))
		return PTR_ERR(snap);
	pcq_publish_locked(snap);
	return 0;
}

/**
 * pcq_dry_run_now() - walk the current snapshot, reading only
 *
 * Through the PCI core's locked accessors, never the panic path's bare
 * ones, which would race with the PCI core on other CPUs.  Under
 * pci_lock_rescan_remove() too: no bus goes away under pci_find_bus()'s
 * result.  The walk is of a private copy: the published snapshot's
 * scratch belongs to the panic walk, which may start while this one runs,
 * on another CPU that then fails to stop this one.
 *
 * Context: process context; takes pci_lock_rescan_remove() and pcq_lock;
 * sleeps.
 * Return: 0, or -ENOMEM.
 */
int pcq_dry_run_now(void)
{
	struct pcq_snapshot *copy = NULL;
	struct pcq_run run;

	pci_lock_rescan_remove();
	mutex_lock(&pcq_lock);
	if (pcq_current)
		copy = pcq_snapshot_copy(pcq_current);
	if (!IS_ERR_OR_NULL(copy)) {
		pcq_walk(copy, pcq_snapshot_state(copy), PCQ_WALK_PCI_CORE, &run);
		if (!READ_ONCE(pcq_panic_walked))
			pcq_last_run = run;
		kvfree(copy);
	}
	mutex_unlock(&pcq_lock);
	pci_unlock_rescan_remove();
	return PTR_ERR_OR_ZERO(copy);
}

/* The index of function @pdev in @snap if it has an accessor there, or -1 */
static int pcq_snapshot_reaches(const struct pcq_snapshot *snap, const struct pci_dev *pdev)
{
	u32 seg = pci_domain_nr(pdev->bus);
	unsigned int i;

	for (i = 0; i < snap->nr; i++) {
		const struct pcq_func *f = &snap->func[i];

		if (f->seg == seg && f->bus == pdev->bus->number && f->devfn == pdev->devfn)
			return f->ecam || (f->flags & PCQ_F_CONF1) ? i : -1;
	}
	return -1;
}

/**
 * pcq_forget() - stop the panic path from touching a function on its way out
 * @pdev: a function on a root bus, being removed
 *
 * Called before the function goes, from the bus notifier.  Removing a host
 * bridge removes its root bus's functions, then unmaps its ECAM window
 * (x86 pci_mmconfig_delete(), pci_ecam_free()): before that, the published
 * snapshot must no longer point into it.  The function and everything
 * below it (pcq_plan_forget()) lose their accessor in a copy planned
 * again, published at once; the rebuild that follows, from a work item,
 * drops them.  Should the copy fail, nothing stays published until that
 * rebuild.  Only root-bus functions need this: below a root bus, the
 * window outlives them.
 *
 * Then a grace period is waited for, so that a panic walk that loaded the
 * old snapshot is done with it before this CPU goes on to unmap the
 * window: a walk runs with interrupts off, an RCU read-side critical
 * section, and normally stops this CPU first, but not always (an NMI
 * missed, arm64 without pseudo-NMI: what cpus_running counts).  Such a
 * walk never ends its critical section, and this removal waits for good,
 * which is what keeps the window mapped.
 *
 * Context: process context, maybe under pci_lock_rescan_remove(); takes
 * pcq_lock; sleeps.
 */
static void pcq_forget(struct pci_dev *pdev)
{
	struct pcq_snapshot *snap, *old;
	int i;

	mutex_lock(&pcq_lock);
	i = pcq_current ? pcq_snapshot_reaches(pcq_current, pdev) : -1;
	if (i >= 0) {
		snap = pcq_snapshot_replan(pcq_current, &pcq_params.settings,
					   &pcq_params.skip, pcq_generation + 1, i);
		if (IS_ERR(snap)) {
			pr_warn("%s: cannot plan without it (%ld): nothing published until the next rescan\n",
				pci_name(pdev), PTR_ERR(snap));
			pcq_stale_err = PTR_ERR(snap);
			old = pcq_current;
			/* unpublished before it is freed; pairs with pcq_panic_walk() */
			smp_store_release(&pcq_current, NULL);
			pcq_snapshot_free(old);
		} else {
			pcq_publish_locked(snap);
		}
	}
	mutex_unlock(&pcq_lock);
	if (i >= 0)
		synchronize_rcu();
}

/**
 * pcq_panic_stopped() - did a walk leave no PCI DMA that can land later?
 * @snap: the snapshot walked
 * @run:  what the walk did
 *
 * Every function that was bus-mastering got a reset (its own, its PF's or
 * a bus reset), an ISA/LPC bridge aside (pcq_count_unreset()): clearing
 * Bus Master only parks a device, and a capture kernel's driver that sets
 * it again before resetting the device lets buffered work complete into
 * the crashed kernel's addresses.  And nothing
 * went unchecked: no function without an accessor, none the user skipped
 * (it keeps working), none mismatched or not reached, no CPU still
 * running.
 *
 * Context: crash; reads only.
 * Return: true if so.
 */
static bool pcq_panic_stopped(const struct pcq_snapshot *snap, const struct pcq_run *run)
{
	u32 i;

	if (run->state != PCQ_STATE_DONE || run->mismatched || run->unvisited ||
	    run->no_reset_dma || run->cpus_running)
		return false;
	for (i = 0; i < snap->nr; i++)
		if (snap->step[i].skip == PCQ_SKIP_USER || snap->step[i].skip == PCQ_SKIP_NO_ACCESS)
			return false;
	return true;
}

/**
 * pcq_panic_walk() - walk the published snapshot at crash time
 *
 * Called once, by pci_crash_quiesce(): walks the published snapshot into
 * the static last-run record and prints the one summary line.
 *
 * Context: crash, interrupts off, other CPUs stopped; may be NMI.  Takes no
 * lock, does not sleep or allocate.
 * Return: pcq_panic_stopped().
 */
bool pcq_panic_walk(void)
{
	/* Pairs with smp_store_release() in pcq_publish_locked(). */
	struct pcq_snapshot *snap = smp_load_acquire(&pcq_current);
	struct pcq_run *run = &pcq_last_run;
	unsigned int running = pcq_crash_cpus_not_stopped();
	char cpus[32] = "", unreached[32] = "";
	bool stopped = false;

	/* a dry run on a CPU that did not stop no longer writes the record */
	WRITE_ONCE(pcq_panic_walked, true);
	if (!snap) {
		memset(run, 0, sizeof(*run));
		run->state = PCQ_STATE_ABORTED;
		run->abort = PCQ_ABORT_NO_SNAPSHOT;
	} else {
		pcq_walk(snap, pcq_snapshot_state(snap), PCQ_WALK_PANIC, run);
	}
	/* after the walk, which starts by clearing the record */
	run->cpus_running = running;
	if (snap && run->state != PCQ_STATE_ABORTED)
		stopped = pcq_panic_stopped(snap, run);
	if (running)
		snprintf(cpus, sizeof(cpus), ", %u CPUs not stopped", running);
	if (run->unvisited)
		snprintf(unreached, sizeof(unreached), ", %u not reached", run->unvisited);
	pr_emerg("quiesced %u functions, reset %u bridges, skipped %u (mismatched %u) in %llu us, reset %u functions, %u without reset%s%s%s%s%s%s%s\n",
		 run->functions_quiesced, run->bridges_reset, run->skipped,
		 run->mismatched, run->duration_ns / NSEC_PER_USEC,
		 run->functions_reset, run->no_reset, unreached, cpus,
		 run->clock_stopped ? ", clock stopped" : "",
		 stopped ? ", DMA stopped" : "",
		 run->state == PCQ_STATE_DRY_RUN ? " (dry run)" :
		 run->state == PCQ_STATE_ABORTED ? " (aborted: " : "",
		 run->state == PCQ_STATE_ABORTED ? pcq_abort_name(run->abort) : "",
		 run->state == PCQ_STATE_ABORTED ? ")" : "");
	return stopped;
}

/**
 * pcq_panic_release() - a crash interrupted pcq_panic_walk()
 *
 * Called once, by pci_crash_quiesce_recover(), for the crash raised inside
 * the walk, before that crash goes on into the capture kernel: release
 * every bus reset the walk asserted, in the snapshot the walk verified
 * (pcq_walk_interrupted()).
 *
 * Context: crash, interrupts off, on the CPU whose walk was interrupted.
 * Takes no lock, does not sleep or allocate.
 */
void pcq_panic_release(void)
{
	pr_emerg("walk interrupted by a crash: released %u bus resets\n",
		 pcq_walk_interrupted(&pcq_last_run));
}

/**
 * pcq_arm_locked() - arm the crash entry if enable is set, disarm it if not
 *
 * Context: process context with pcq_lock held.
 */
static void pcq_arm_locked(void)
	__must_hold(&pcq_lock)
{
	lockdep_assert_held(&pcq_lock);
	if (pcq_ready)
		pcq_crash_arm(pcq_params.enable);
}

/**
 * pcq_rescan() - snapshot the topology and plan again now
 *
 * Context: process context; takes pci_lock_rescan_remove() and pcq_lock.
 * Return: 0 or a negative errno.
 */
int pcq_rescan(void)
{
	int err;

	pci_lock_rescan_remove();
	mutex_lock(&pcq_lock);
	err = pcq_rebuild_locked();
	mutex_unlock(&pcq_lock);
	pci_unlock_rescan_remove();
	return err;
}

static void pcq_rescan_fn(struct work_struct *work)
{
	int err = pcq_rescan();

	if (err)
		pr_err("rescan after hotplug failed (%d), keeping the previous snapshot\n",
		       err);
}

static DECLARE_WORK(pcq_rescan_work, pcq_rescan_fn);

/*
 * Devices come and go: rebuild from a work item, never from the notifier,
 * whose caller holds the locks the builder needs.  A root-bus function on
 * its way out is forgotten at once (pcq_forget()): its host bridge's ECAM
 * window may go before the work item runs.
 */
static int pcq_pci_bus_notify(struct notifier_block *nb, unsigned long action,
			      void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);

	switch (action) {
	case BUS_NOTIFY_DEL_DEVICE:
		if (pci_is_root_bus(pdev->bus))
			pcq_forget(pdev);
		break;
	case BUS_NOTIFY_ADD_DEVICE:
	case BUS_NOTIFY_REMOVED_DEVICE:
		schedule_work(&pcq_rescan_work);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block pcq_pci_bus_nb = {
	.notifier_call = pcq_pci_bus_notify,
};

/* Unpublish and free the snapshot, then what its accessors pointed into. */
static void pcq_drop_snapshot(void)
{
	struct pcq_snapshot *old;

	mutex_lock(&pcq_lock);
	pcq_ready = false;
	old = pcq_current;
	/* Pairs with smp_load_acquire() in pcq_panic_walk(). */
	smp_store_release(&pcq_current, NULL);
	pcq_snapshot_free(old);
	mutex_unlock(&pcq_lock);
	/*
	 * No walk holds any snapshot after a grace period: then the ECAM
	 * mappings can go, whether or not kvfree_rcu() has freed the memory.
	 */
	synchronize_rcu();
	pcq_ecam_release();
}

static int __init pcq_init(void)
{
	const struct pcq_snapshot *snap;
	int err;

	/*
	 * The notifier first: a device added or removed from here on is seen,
	 * by the rebuild its work item makes once the module is ready.
	 */
	err = pcq_crash_init();
	if (err)
		return err;
	err = bus_register_notifier(&pci_bus_type, &pcq_pci_bus_nb);
	if (err)
		goto out_crash;
	pci_lock_rescan_remove();
	mutex_lock(&pcq_lock);
	if (pcq_settings_check(&pcq_params.settings)) {
		/*
		 * Built in, a refusal here would leave the machine with no
		 * handler at all for a typo on the command line.
		 */
		const struct pcq_settings def = PCQ_SETTINGS_DEFAULT;

		pcq_params.settings.reset_hold_ms = def.reset_hold_ms;
		pcq_params.settings.budget_ms = def.budget_ms;
		pr_err("using reset_hold_ms=%u budget_ms=%u instead\n",
		       def.reset_hold_ms, def.budget_ms);
	}
	pcq_ready = true;
	err = pcq_rebuild_locked();
	if (err) {
		pcq_ready = false;
		mutex_unlock(&pcq_lock);
		pci_unlock_rescan_remove();
		pr_err("cannot start (%d)\n", err);
		goto out_bus;
	}
	snap = pcq_current;
	pr_info("%u functions: %u to quiesce, %u bridges to reset, %u functions to reset, %u skipped\n",
		snap->nr, snap->nr_quiesce, snap->nr_bus_resets, snap->nr_fn_resets,
		snap->nr - snap->nr_quiesce);
	pcq_arm_locked();
	mutex_unlock(&pcq_lock);
	pci_unlock_rescan_remove();
	pcq_debugfs_init();
	return 0;

out_bus:
	bus_unregister_notifier(&pci_bus_type, &pcq_pci_bus_nb);
	cancel_work_sync(&pcq_rescan_work);
out_crash:
	pcq_crash_exit();
	return err;
}
module_init(pcq_init);

static void __exit pcq_exit(void)
{
	pcq_debugfs_exit();
	pcq_crash_exit();
	bus_unregister_notifier(&pci_bus_type, &pcq_pci_bus_nb);
	cancel_work_sync(&pcq_rescan_work);
	pcq_drop_snapshot();
}
module_exit(pcq_exit);

MODULE_DESCRIPTION("Quiesce PCI devices at panic, before kdump");
MODULE_LICENSE("GPL");
