// SPDX-License-Identifier: GPL-2.0
/*
 * Crash quiesce: run a device quiesce handler once, on the way into kdump.
 *
 * Devices the crashed kernel programmed go on doing DMA and raising MSIs
 * while the capture kernel boots.  The handler registered here stops them
 * from the crashing kernel, where their state is still known.
 * __crash_kexec() calls crash_quiesce() right after machine_crash_shutdown(),
 * as the last step before machine_kexec(): on every way into kdump, with the
 * other CPUs stopped, and whether or not crash_kexec_post_notifiers is set.
 */
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/crash_quiesce.h>
#include <linux/errno.h>
#include <linux/rcupdate.h>

enum {
	CRASH_QUIESCE_IDLE,
	CRASH_QUIESCE_RUNNING,
	CRASH_QUIESCE_DONE,
};

static crash_quiesce_fn crash_quiesce_handler;
static atomic_t crash_quiesce_state = ATOMIC_INIT(CRASH_QUIESCE_IDLE);

/**
 * crash_quiesce() - run the quiesce handler, once
 *
 * The guard is a single atomic compare-and-exchange, which is safe in NMI
 * context and needs no lock: a second entry, from NMI or from a crash
 * raised inside the handler, finds it taken and returns at once, so that
 * kdump goes on.
 *
 * Context: crash: called by __crash_kexec() with interrupts off and the
 * other CPUs stopped; may be NMI.  Takes no lock.
 */
void crash_quiesce(void)
{
	crash_quiesce_fn fn = READ_ONCE(crash_quiesce_handler);
	int idle = CRASH_QUIESCE_IDLE;

	if (!fn || !atomic_try_cmpxchg(&crash_quiesce_state, &idle, CRASH_QUIESCE_RUNNING))
		return;
	fn();
	atomic_set(&crash_quiesce_state, CRASH_QUIESCE_DONE);
}

/**
 * crash_quiesce_interrupted() - did the handler itself crash?
 *
 * A panic raised inside the handler (a nested panic, an oops with
 * panic_on_oops, an NMI) finds __crash_kexec() locked by the crash that
 * called the handler.  This tells it that this crash already shut the
 * machine down for kdump, so that it can go on into the capture kernel
 * rather than give up on the dump.
 *
 * Context: crash, on the CPU that runs the handler (the others are
 * stopped).
 * Return: true while the handler runs.
 */
bool crash_quiesce_interrupted(void)
{
	return atomic_read(&crash_quiesce_state) == CRASH_QUIESCE_RUNNING;
}

/**
 * crash_quiesce_register() - install the quiesce handler
 * @fn: the handler
 *
 * Context: process context.
 * Return: 0, or -EBUSY if a handler is already installed.
 */
int crash_quiesce_register(crash_quiesce_fn fn)
{
	if (cmpxchg(&crash_quiesce_handler, NULL, fn))
		return -EBUSY;
	return 0;
}

/**
 * crash_quiesce_unregister() - remove the quiesce handler
 * @fn: the handler given to crash_quiesce_register()
 *
 * On return the handler is not running and will not be called: a crash
 * runs it with interrupts off, an RCU read-side critical section.
 *
 * Context: process context; sleeps (waits for an RCU grace period).
 */
void crash_quiesce_unregister(crash_quiesce_fn fn)
{
	if (cmpxchg(&crash_quiesce_handler, fn, NULL) == fn)
		synchronize_rcu();
}
