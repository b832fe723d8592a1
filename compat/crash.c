// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-tree build only: the crash entry from a panic notifier.
 *
 * In tree, __crash_kexec() calls pci_crash_quiesce() on every way into
 * kdump (drivers/pci/crash_quiesce/crash.c, built here as it is).  A module
 * cannot hook there.  Its panic notifier runs before kdump only when the
 * kernel has crash_kexec_post_notifiers; without it kdump takes over first
 * and the walk never runs, which loading reports.
 *
 * A crash inside the walk (a nested panic, or an oops made one) runs the
 * panic notifiers again on the same CPU: the second entry is
 * pci_crash_quiesce_recover()'s, which releases the walk's bus resets
 * before that crash goes on into kdump.
 */
#include "../drivers/pci/crash_quiesce/core.h"
#include "oot.h"

#define pcq_crash_init pcq_crash_init_in_tree
#define pcq_crash_exit pcq_crash_exit_in_tree
#include "../drivers/pci/crash_quiesce/crash.c"
#undef pcq_crash_init
#undef pcq_crash_exit

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/panic_notifier.h>

#define PCQ_POST_NOTIFIERS_PATH "/sys/module/kernel/parameters/crash_kexec_post_notifiers"

/**
 * pcq_oot_panic_notify() - panic notifier: the crash entry
 * @nb:     the notifier block
 * @action: unused
 * @data:   the panic message, unused
 *
 * Context: panic, interrupts off, other CPUs stopped; may be NMI (the NMI
 * watchdog, unknown_nmi_panic).  Takes no lock.
 * Return: NOTIFY_DONE always: kdump must go on whatever happens here.
 */
static int pcq_oot_panic_notify(struct notifier_block *nb, unsigned long action,
				void *data)
{
	if (!pci_crash_quiesce_recover())
		pci_crash_quiesce();
	return NOTIFY_DONE;
}

/*
 * Run before the other panic notifiers: until the walk has run, DMA goes
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
 * pcq_crash_init() - get ready to be called by a crash, from a panic notifier
 *
 * Warns when crash_kexec_post_notifiers is off: kdump would run before the
 * notifier chain, so the walk would never run.
 *
 * Context: process context.
 * Return: 0, or the error of register_die_notifier().
 */
int pcq_crash_init(void)
{
	int err = pcq_crash_init_in_tree();

	if (err)
		return err;
	pcq_oot_crash_cpus_init();
	atomic_notifier_chain_register(&panic_notifier_list, &pcq_oot_nb);
	if (!pcq_oot_post_notifiers())
		pr_warn("crash_kexec_post_notifiers is off: kdump runs before panic notifiers, so devices will NOT be quiesced; boot with crash_kexec_post_notifiers\n");
	return 0;
}

/**
 * pcq_crash_exit() - remove the panic notifier, then no more crash entries
 *
 * Context: process context; sleeps.
 */
void pcq_crash_exit(void)
{
	atomic_notifier_chain_unregister(&panic_notifier_list, &pcq_oot_nb);
	pcq_crash_exit_in_tree();
	pcq_oot_crash_cpus_exit();
}
