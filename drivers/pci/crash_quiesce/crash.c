// SPDX-License-Identifier: GPL-2.0
/*
 * PCI crash quiesce: the way in from the crash.
 *
 * __crash_kexec() calls pci_crash_quiesce() right after
 * machine_crash_shutdown(), with the other CPUs stopped, as the last step
 * before machine_kexec(): on every way into kdump, whether or not
 * crash_kexec_post_notifiers is set, and after the panic notifiers and
 * kmsg_dump(), so that a log dumper or netconsole on a PCI device still
 * gets the last lines out.
 *
 * The walk runs at most once.  A crash raised inside it (a nested panic,
 * or an oops, which the die notifier here turns into one) finds
 * __crash_kexec() locked by the crash that called the walk;
 * pci_crash_quiesce_recover() lets it release what must not outlive the
 * walk, a bus held in reset, and tells __crash_kexec() to go on into the
 * capture kernel.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kdebug.h>
#include <linux/kexec.h>
#include <linux/notifier.h>
#include <linux/panic.h>
#include <linux/pci_crash_quiesce.h>
#include <linux/smp.h>

#include "core.h"

enum {
	PCQ_CRASH_IDLE,
	PCQ_CRASH_RUNNING,
	PCQ_CRASH_RECOVERED,
	PCQ_CRASH_DONE,
};

static atomic_t pcq_crash_state = ATOMIC_INIT(PCQ_CRASH_IDLE);
/* the CPU that runs the walk, while it runs */
static int pcq_crash_cpu = -1;
/* the enable parameter, once the driver is ready */
static bool pcq_crash_armed;

/**
 * pci_crash_quiesce() - quiesce PCI devices on the way into kdump
 *
 * The first call, if the driver is armed, walks the published snapshot:
 * MSI/MSI-X off, INTx Disable and Bus Master Enable off on every planned
 * function, endpoints first, then the planned function-level and bus
 * resets (pcq_panic_walk()).  Any later call returns at once.  The guard
 * is an atomic compare-and-exchange, safe in NMI context, with no lock:
 * whatever happens, kdump goes on.
 *
 * Context: crash: interrupts off, the other CPUs stopped; may be NMI.
 * Takes no lock, does not sleep or allocate, returns within the budget.
 * Return: true if the walk reset every function that was bus-mastering
 * and left none unchecked: no DMA of a PCI device can land after it.
 */
bool pci_crash_quiesce(void)
{
	int state = PCQ_CRASH_IDLE;
	bool stopped;

	if (!READ_ONCE(pcq_crash_armed) ||
	    !atomic_try_cmpxchg(&pcq_crash_state, &state, PCQ_CRASH_RUNNING))
		return false;
	WRITE_ONCE(pcq_crash_cpu, raw_smp_processor_id());
	stopped = pcq_panic_walk();
	atomic_set(&pcq_crash_state, PCQ_CRASH_DONE);
	return stopped;
}

/**
 * pci_crash_quiesce_recover() - a crash raised inside pci_crash_quiesce()?
 *
 * For __crash_kexec() when it finds itself locked: if this CPU is inside
 * the walk, the crash came from the walk, and the machine was already shut
 * down for kdump by the crash that called it.  Release every bus reset the
 * walk asserted (once), and let the caller go on into the capture kernel
 * rather than give up on the dump.  Its kexec lock is held by that
 * interrupted crash on this same CPU, which never resumes; every other
 * CPU is stopped.
 *
 * Context: crash, on the CPU that runs the walk.  Takes no lock.
 * Return: true if the crash came from inside the walk.
 */
bool pci_crash_quiesce_recover(void)
{
	int state = PCQ_CRASH_RUNNING;

	if (READ_ONCE(pcq_crash_cpu) != raw_smp_processor_id())
		return false;
	if (atomic_try_cmpxchg(&pcq_crash_state, &state, PCQ_CRASH_RECOVERED)) {
		pcq_panic_release();
		return true;
	}
	return state == PCQ_CRASH_RECOVERED;
}

/**
 * pcq_crash_die() - an oops inside the walk becomes a panic
 * @nb:   the notifier block
 * @val:  the kind of die event
 * @data: struct die_args, unused
 *
 * An oops panics by itself only in interrupt context, with panic_on_oops,
 * or when the kernel crashes for it (kexec_should_crash()).  Otherwise the
 * task that runs the walk, inside a panic() called from process context,
 * would just die, with interrupts off, the other CPUs stopped and maybe a
 * bus held in reset: no dump.  As a panic it reaches __crash_kexec(), and
 * pci_crash_quiesce_recover().
 *
 * Context: die notifier chain, on the CPU that oopsed.
 * Return: NOTIFY_DONE, when it returns.
 */
static int pcq_crash_die(struct notifier_block *nb, unsigned long val, void *data)
{
	if (val == DIE_OOPS && atomic_read(&pcq_crash_state) == PCQ_CRASH_RUNNING &&
	    READ_ONCE(pcq_crash_cpu) == raw_smp_processor_id())
		panic("Oops inside the PCI crash quiesce walk");
	return NOTIFY_DONE;
}

static struct notifier_block pcq_crash_die_nb = {
	.notifier_call = pcq_crash_die,
};

/**
 * pcq_crash_arm() - arm or disarm the crash entry
 * @on: the enable parameter
 *
 * Armed with no crash kernel loaded, there is nothing to protect yet:
 * said once, as information, since kdump tools load it later in the boot.
 *
 * Context: process context, under the state lock.
 */
void pcq_crash_arm(bool on)
{
	WRITE_ONCE(pcq_crash_armed, on);
	if (on && !kexec_crash_loaded())
		pr_info_once("no crash kernel loaded yet: armed for when kexec -p loads one\n");
}

/**
 * pcq_crash_init() - get ready to be called by a crash
 *
 * Context: process context.
 * Return: 0, or the error of register_die_notifier().
 */
int pcq_crash_init(void)
{
	return register_die_notifier(&pcq_crash_die_nb);
}

/**
 * pcq_crash_exit() - no more crash entries
 *
 * Disarms, then waits until a walk that started is done: a crash runs it
 * with interrupts off, an RCU read-side critical section.
 *
 * Context: process context; sleeps.
 */
void pcq_crash_exit(void)
{
	WRITE_ONCE(pcq_crash_armed, false);
	synchronize_rcu();
	unregister_die_notifier(&pcq_crash_die_nb);
}
