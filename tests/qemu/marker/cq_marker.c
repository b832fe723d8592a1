// SPDX-License-Identifier: GPL-2.0
/*
 * cq_marker - test-only helper of the crash-quiesce QEMU harness.
 *
 * From the last panic notifier (lowest priority, loaded after the module under
 * test), write a magic value into the read-only Vendor ID register of 00:00.0
 * through the legacy 0xCF8/0xCFC mechanism. The write changes nothing, but QEMU's
 * pci_cfg_write trace records it, so the trace shows exactly where the panic
 * notifiers end and the kexec jump to the capture kernel begins.
 *
 * Raw port I/O on purpose: no pci_lock, no pci_dev, nothing that a crash may
 * have left locked. Never load this outside a test VM.
 */
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>

#define CQ_MARKER_PANIC_END	0xc0de5a12
#define CQ_CONF1_ADDR		0xcf8
#define CQ_CONF1_DATA		0xcfc
#define CQ_CONF1_ENABLE		0x80000000	/* bus 0, dev 0, fn 0, reg 0 */

static int cq_marker_panic(struct notifier_block *nb, unsigned long event,
			   void *data)
{
	outl(CQ_CONF1_ENABLE, CQ_CONF1_ADDR);
	outl(CQ_MARKER_PANIC_END, CQ_CONF1_DATA);
	pr_emerg("cq_marker: panic-end marker 0x%x written\n", CQ_MARKER_PANIC_END);
	return NOTIFY_DONE;
}

static struct notifier_block cq_marker_nb = {
	.notifier_call = cq_marker_panic,
	.priority = INT_MIN,
};

static int __init cq_marker_init(void)
{
	atomic_notifier_chain_register(&panic_notifier_list, &cq_marker_nb);
	return 0;
}

static void __exit cq_marker_exit(void)
{
	atomic_notifier_chain_unregister(&panic_notifier_list, &cq_marker_nb);
}

module_init(cq_marker_init);
module_exit(cq_marker_exit);
MODULE_DESCRIPTION("crash-quiesce test harness: panic-end trace marker");
MODULE_LICENSE("GPL");
