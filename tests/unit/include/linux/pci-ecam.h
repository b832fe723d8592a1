/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stub of <linux/pci-ecam.h> for test_ecam_host.c. */
#ifndef _STUB_LINUX_PCI_ECAM_H
#define _STUB_LINUX_PCI_ECAM_H

#include <linux/pci.h>

struct pci_ecam_ops {
	unsigned int bus_shift;
	struct pci_ops pci_ops;
};

struct pci_config_window {
	unsigned int bus_start;
	unsigned int bus_end;
	const struct pci_ecam_ops *ops;
	void __iomem *win;
};

void __iomem *pci_ecam_map_bus(struct pci_bus *bus, unsigned int devfn, int where);

#endif
