// SPDX-License-Identifier: GPL-2.0
/*
 * cq_marker - test-only helper of the crash-quiesce QEMU harness.
 *
 * From the last panic notifier (lowest priority, loaded after the module under
 * test), write a magic value into the read-only Vendor ID register of 00:00.0.
 * The write changes nothing, but QEMU's pci_cfg_write trace records it, so the
 * trace shows exactly where the panic notifiers end and the kexec jump to the
 * capture kernel begins.
 *
 * x86: raw port I/O through the legacy 0xCF8/0xCFC mechanism. Elsewhere (arm64
 * has no port I/O): a plain 32-bit MMIO write into the host bridge's own ECAM
 * window, at the address its map_bus() gave for 00:00.0 offset 0 at load time
 * (generic ECAM host bridges: pci-host-generic with a device tree, ACPI MCFG).
 * No pci_lock, no pci_dev at panic time, nothing that a crash may have left
 * locked. Never load this outside a test VM.
 */
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/pci.h>

#define CQ_MARKER_PANIC_END	0xc0de5a12

#ifdef CONFIG_X86
#define CQ_CONF1_ADDR		0xcf8
#define CQ_CONF1_DATA		0xcfc
#define CQ_CONF1_ENABLE		0x80000000	/* bus 0, dev 0, fn 0, reg 0 */

static void cq_marker_write(void)
{
	outl(CQ_CONF1_ENABLE, CQ_CONF1_ADDR);
	outl(CQ_MARKER_PANIC_END, CQ_CONF1_DATA);
}

static int cq_marker_map(void)
{
	return 0;
}
#else
/* 0000:00:00.0 config offset 0 in the host bridge's ECAM mapping */
static void __iomem *cq_marker_cfg;

static void cq_marker_write(void)
{
	writel(CQ_MARKER_PANIC_END, cq_marker_cfg);
}

static int cq_marker_map(void)
{
	struct pci_dev *pdev;
	struct pci_bus *bus;

	pdev = pci_get_domain_bus_and_slot(0, 0, PCI_DEVFN(0, 0));
	if (!pdev) {
		pr_err("cq_marker: no PCI function 0000:00:00.0\n");
		return -ENODEV;
	}
	bus = pdev->bus;
	if (bus->ops && bus->ops->map_bus)
		cq_marker_cfg = bus->ops->map_bus(bus, pdev->devfn, PCI_VENDOR_ID);
	pci_dev_put(pdev);
	if (!cq_marker_cfg) {
		pr_err("cq_marker: the host bridge of 0000:00:00.0 has no ECAM mapping\n");
		return -ENODEV;
	}
	return 0;
}
#endif

static int cq_marker_panic(struct notifier_block *nb, unsigned long event,
			   void *data)
{
	cq_marker_write();
	pr_emerg("cq_marker: panic-end marker 0x%x written\n", CQ_MARKER_PANIC_END);
	return NOTIFY_DONE;
}

static struct notifier_block cq_marker_nb = {
	.notifier_call = cq_marker_panic,
	.priority = INT_MIN,
};

static int __init cq_marker_init(void)
{
	int ret = cq_marker_map();

	if (ret)
		return ret;
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
