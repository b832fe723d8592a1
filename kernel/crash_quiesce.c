// SPDX-License-Identifier: GPL-2.0
/*
 * Crash quiesce: run a device quiesce handler once at panic, before kdump.
 *
 * Devices the crashed kernel programmed go on doing DMA and raising MSIs
 * while the capture kernel boots.  The handler registered here stops them
 * from the crashing kernel, where their state is still known.  It runs from
 * the panic notifier chain, which panic() calls before __crash_kexec() only
 * when crash_kexec_post_notifiers is set; without it, kdump takes over
 * first and the handler never runs, so arming is checked and reported.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/crash_quiesce.h>
#include <linux/errno.h>
#include <linux/kexec.h>
#include <linux/limits.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/printk.h>

static crash_quiesce_fn crash_quiesce_handler;
static atomic_t crash_quiesce_ran = ATOMIC_INIT(0);

/**
 * crash_quiesce_panic_notify() - panic notifier: run the handler once
 * @nb:     the notifier block
 * @action: unused
 * @data:   the panic message, unused
 *
 * The guard is a single atomic compare-and-exchange, which is safe in NMI
 * context and needs no lock: a nested panic raised from inside the handler
 * (panic() lets the panic CPU re-enter) or a second NMI finds it taken and
 * returns at once, so kdump goes on.
 *
 * Context: panic, interrupts off, other CPUs stopped; may be NMI (the NMI
 * watchdog, unknown_nmi_panic).  Takes no lock.
 * Return: NOTIFY_DONE always: kdump must go on whatever happens here.
 */
static int crash_quiesce_panic_notify(struct notifier_block *nb,
				      unsigned long action, void *data)
{
	crash_quiesce_fn fn = READ_ONCE(crash_quiesce_handler);
	int idle = 0;

	if (!fn || !atomic_try_cmpxchg(&crash_quiesce_ran, &idle, 1))
		return NOTIFY_DONE;
	fn();
	return NOTIFY_DONE;
}

/*
 * Run before the other panic notifiers: until the handler has run, DMA goes
 * on writing into the memory kdump is about to save.  pvpanic (INT_MAX)
 * only signals the host and may go first.
 */
static struct notifier_block crash_quiesce_nb = {
	.notifier_call	= crash_quiesce_panic_notify,
	.priority	= INT_MAX - 1,
};

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
	atomic_notifier_chain_register(&panic_notifier_list, &crash_quiesce_nb);
	return 0;
}
EXPORT_SYMBOL_GPL(crash_quiesce_register);

/**
 * crash_quiesce_unregister() - remove the quiesce handler
 * @fn: the handler given to crash_quiesce_register()
 *
 * On return the handler is not running and will not be called.
 *
 * Context: process context; sleeps (waits for an RCU grace period).
 */
void crash_quiesce_unregister(crash_quiesce_fn fn)
{
	crash_quiesce_fn cur = READ_ONCE(crash_quiesce_handler);

	if (cur != fn)
		return;
	atomic_notifier_chain_unregister(&panic_notifier_list, &crash_quiesce_nb);
	WRITE_ONCE(crash_quiesce_handler, NULL);
}
EXPORT_SYMBOL_GPL(crash_quiesce_unregister);

/**
 * crash_quiesce_force_post_notifiers() - make panic notifiers run before kdump
 *
 * For a handler built into the kernel, quiescing is part of the kernel's own
 * crash policy, so this makes sure the handler runs before kdump, as Hyper-V
 * and SEV-SNP do.  A module only warns (crash_quiesce_check_armed()).
 *
 * Context: process context, at init.
 */
void crash_quiesce_force_post_notifiers(void)
{
	if (crash_kexec_post_notifiers)
		return;
	pr_info("enabling crash_kexec_post_notifiers, so that devices are quiesced before kdump\n");
	crash_kexec_post_notifiers = true;
}
EXPORT_SYMBOL_GPL(crash_quiesce_force_post_notifiers);

/**
 * crash_quiesce_check_armed() - will the handler run before kdump?
 *
 * Warns once per missing condition: crash_kexec_post_notifiers off (kdump
 * would run before the notifier chain, so the handler never runs) or no
 * crash kernel loaded yet (nothing to protect until one is).
 *
 * Context: process context.
 * Return: true if both conditions hold now.
 */
bool crash_quiesce_check_armed(void)
{
	bool armed = true;

	if (!crash_kexec_post_notifiers) {
		pr_warn("crash_kexec_post_notifiers is off: kdump runs before panic notifiers, so devices will NOT be quiesced; boot with crash_kexec_post_notifiers\n");
		armed = false;
	}
	if (!kexec_crash_loaded()) {
		pr_warn("no crash kernel loaded yet: nothing to protect until one is loaded with kexec -p\n");
		armed = false;
	}
	return armed;
}
EXPORT_SYMBOL_GPL(crash_quiesce_check_armed);
