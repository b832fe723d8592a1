// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-tree build only: run crash_quiesce() from the panic notifier chain.
 *
 * The in-tree form is called by __crash_kexec(), on every way into kdump.
 * A module cannot hook there.  Its panic notifier runs before kdump only
 * when the kernel has crash_kexec_post_notifiers; without it kdump takes
 * over first and the handler never runs, which registration reports, as it
 * reports a crash kernel not loaded yet.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kexec.h>
#include <linux/limits.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/printk.h>

#include "oot.h"

#undef crash_quiesce_register
#undef crash_quiesce_unregister

#define PCQ_POST_NOTIFIERS_PATH "/sys/module/kernel/parameters/crash_kexec_post_notifiers"

/**
 * pcq_oot_panic_notify() - panic notifier: run the quiesce handler once
 * @nb:     the notifier block
 * @action: unused
 * @data:   the panic message, unused
 *
 * A second call, for a crash raised inside the handler, lets the handler
 * recover (crash_quiesce()) before the nested panic goes on into kdump.
 *
 * Context: panic, interrupts off, other CPUs stopped; may be NMI (the NMI
 * watchdog, unknown_nmi_panic).  Takes no lock.
 * Return: NOTIFY_DONE always: kdump must go on whatever happens here.
 */
static int pcq_oot_panic_notify(struct notifier_block *nb, unsigned long action,
				void *data)
{
	crash_quiesce();
	return NOTIFY_DONE;
}

/*
 * Run before the other panic notifiers: until the handler has run, DMA goes
 * on writing into the memory kdump is about to save.  pvpanic (INT_MAX)
 * only signals the host and may go first.
 */
static struct notifier_block pcq_oot_nb = {
	.notifier_call	= pcq_oot_panic_notify,
	.priority	= INT_MAX - 1,
};

/* crash_kexec_post_notifiers is not exported to modules: read its sysfs file. */
static bool pcq_oot_post_notifiers(void)
{
	struct file *file;
	char val = 'N';
	loff_t pos = 0;

	file = filp_open(PCQ_POST_NOTIFIERS_PATH, O_RDONLY, 0);
	if (!IS_ERR(file)) {
		if (kernel_read(file, &val, 1, &pos) != 1)
			val = 'N';
		filp_close(file, NULL);
	}
	return val == 'Y';
}

/**
 * pcq_oot_register() - install the handler behind a panic notifier
 * @ops: the handler
 *
 * Warns once per missing condition: crash_kexec_post_notifiers off (kdump
 * would run before the notifier chain, so the handler never runs) or no
 * crash kernel loaded yet (nothing to protect until one is).
 *
 * Context: process context.
 * Return: 0, or -EBUSY if a handler is already installed.
 */
int pcq_oot_register(const struct crash_quiesce_ops *ops)
{
	int err = crash_quiesce_register(ops);

	if (err)
		return err;
	pcq_oot_crash_cpus_init();
	atomic_notifier_chain_register(&panic_notifier_list, &pcq_oot_nb);
	if (!pcq_oot_post_notifiers())
		pr_warn("crash_kexec_post_notifiers is off: kdump runs before panic notifiers, so devices will NOT be quiesced; boot with crash_kexec_post_notifiers\n");
	if (!kexec_crash_loaded())
		pr_warn("no crash kernel loaded yet: nothing to protect until one is loaded with kexec -p\n");
	return 0;
}

/**
 * pcq_oot_unregister() - remove the panic notifier and the handler
 * @ops: the handler given to pcq_oot_register()
 *
 * Context: process context; sleeps.
 */
void pcq_oot_unregister(const struct crash_quiesce_ops *ops)
{
	atomic_notifier_chain_unregister(&panic_notifier_list, &pcq_oot_nb);
	crash_quiesce_unregister(ops);
	pcq_oot_crash_cpus_exit();
}
