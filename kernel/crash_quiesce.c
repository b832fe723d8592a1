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
#include <linux/kdebug.h>
#include <linux/notifier.h>
#include <linux/panic.h>
#include <linux/rcupdate.h>

enum {
	CRASH_QUIESCE_IDLE,
	CRASH_QUIESCE_RUNNING,
	CRASH_QUIESCE_RECOVERED,
	CRASH_QUIESCE_DONE,
};

static const struct crash_quiesce_ops *crash_quiesce_ops;
static atomic_t crash_quiesce_state = ATOMIC_INIT(CRASH_QUIESCE_IDLE);

/**
 * crash_quiesce() - run the quiesce handler, once
 *
 * The first entry runs the handler's quiesce(); an entry while it runs is
 * a crash raised inside it (a nested panic, or an oops, which
 * crash_quiesce_die() makes one), and runs its recover(), once; any other
 * entry returns at once.  An NMI inside the handler does not enter: the
 * panic it may raise finds this CPU already panicking and returns, and the
 * handler goes on.  The guard is atomic
 * compare-and-exchange, safe in NMI context, with no lock: whatever
 * happens, kdump goes on.
 *
 * Context: crash: called by __crash_kexec() with interrupts off and the
 * other CPUs stopped; may be NMI.  Takes no lock.
 */
void crash_quiesce(void)
{
	const struct crash_quiesce_ops *ops = READ_ONCE(crash_quiesce_ops);
	int state = CRASH_QUIESCE_IDLE;

	if (!ops)
		return;
	if (atomic_try_cmpxchg(&crash_quiesce_state, &state, CRASH_QUIESCE_RUNNING)) {
		ops->quiesce();
		atomic_set(&crash_quiesce_state, CRASH_QUIESCE_DONE);
	} else if (state == CRASH_QUIESCE_RUNNING &&
		   atomic_try_cmpxchg(&crash_quiesce_state, &state,
				      CRASH_QUIESCE_RECOVERED)) {
		if (ops->recover)
			ops->recover();
	}
}

/**
 * crash_quiesce_interrupted() - did the handler itself crash?
 *
 * A crash raised inside the handler finds __crash_kexec() locked by the
 * crash that called the handler.  This tells it that this crash already
 * shut the machine down for kdump, so that it can let the handler recover
 * (crash_quiesce() again) and go on into the capture kernel rather than
 * give up on the dump.  That bypasses the kexec lock safely: the crash
 * that holds it is the one on this CPU, interrupted in the handler, which
 * never resumes; every other CPU is stopped.
 *
 * Context: crash, on the CPU that runs the handler (the others are
 * stopped).
 * Return: true while the handler runs, or recovers.
 */
bool crash_quiesce_interrupted(void)
{
	int state = atomic_read(&crash_quiesce_state);

	return state == CRASH_QUIESCE_RUNNING || state == CRASH_QUIESCE_RECOVERED;
}

/**
 * crash_quiesce_die() - an oops inside the handler becomes a panic
 * @nb:   the notifier block
 * @val:  the kind of die event
 * @data: struct die_args, unused
 *
 * An oops panics by itself only in interrupt context, with panic_on_oops,
 * or when the kernel crashes for it (kexec_should_crash()).  Otherwise the
 * task that runs the handler, inside a panic() called from process
 * context, would just die, with interrupts off, the other CPUs stopped and
 * maybe a bus held in reset: no dump.  As a panic it is a crash raised
 * inside the handler, which crash_quiesce() lets the handler recover from
 * on the way into the capture kernel.
 *
 * Context: die notifier chain, on the CPU that oopsed.
 * Return: NOTIFY_DONE, when it returns.
 */
static int crash_quiesce_die(struct notifier_block *nb, unsigned long val, void *data)
{
	if (val == DIE_OOPS && crash_quiesce_interrupted())
		panic("Oops inside the crash quiesce handler");
	return NOTIFY_DONE;
}

static struct notifier_block crash_quiesce_die_nb = {
	.notifier_call = crash_quiesce_die,
};

/**
 * crash_quiesce_register() - install the quiesce handler
 * @ops: the handler; @ops->quiesce is required, @ops->recover optional
 *
 * Context: process context.
 * Return: 0, -EINVAL without @ops->quiesce, -EBUSY if a handler is
 * already installed, or the error of register_die_notifier().
 */
int crash_quiesce_register(const struct crash_quiesce_ops *ops)
{
	int err;

	if (!ops->quiesce)
		return -EINVAL;
	err = register_die_notifier(&crash_quiesce_die_nb);
	if (err)
		return err;
	if (cmpxchg(&crash_quiesce_ops, NULL, ops)) {
		unregister_die_notifier(&crash_quiesce_die_nb);
		return -EBUSY;
	}
	return 0;
}

/**
 * crash_quiesce_unregister() - remove the quiesce handler
 * @ops: the handler given to crash_quiesce_register()
 *
 * On return the handler is not running and will not be called: a crash
 * runs it with interrupts off, an RCU read-side critical section.
 *
 * Context: process context; sleeps (waits for an RCU grace period).
 */
void crash_quiesce_unregister(const struct crash_quiesce_ops *ops)
{
	if (cmpxchg(&crash_quiesce_ops, ops, NULL) == ops) {
		synchronize_rcu();
		unregister_die_notifier(&crash_quiesce_die_nb);
	}
}
