/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stub of <linux/pci.h>: the error-response and config-space
 * size macros as the kernel has them, and for test_ecam_host.c just what
 * ecam_host.c uses; the test provides the functions.
 */
#ifndef _STUB_LINUX_PCI_H
#define _STUB_LINUX_PCI_H

#include <stdio.h>
#include <linux/types.h>

#define PCI_CFG_SPACE_SIZE	256
#define PCI_CFG_SPACE_EXP_SIZE	4096

#define PCI_SLOT(devfn)		(((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)		((devfn) & 0x07)

#define PCI_ERROR_RESPONSE		(~0ULL)
#define PCI_SET_ERROR_RESPONSE(val)	(*(val) = ((typeof(*(val))) PCI_ERROR_RESPONSE))
#define PCI_POSSIBLE_ERROR(val)		((val) == ((typeof(val)) PCI_ERROR_RESPONSE))

#define KBUILD_MODNAME "pci_crash_quiesce"
#define pr_info_once(fmt, ...) fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)

struct pci_bus;

struct pci_ops {
	void __iomem *(*map_bus)(struct pci_bus *bus, unsigned int devfn, int where);
	int (*read)(struct pci_bus *bus, unsigned int devfn, int where, int size, u32 *val);
	int (*write)(struct pci_bus *bus, unsigned int devfn, int where, int size, u32 val);
};

struct pci_bus {
	struct pci_ops *ops;
	void *sysdata;
	unsigned char number;
};

struct pci_bus *pci_find_bus(int domain, int busnr);
int pci_generic_config_read(struct pci_bus *bus, unsigned int devfn, int where,
			    int size, u32 *val);
int pci_generic_config_write(struct pci_bus *bus, unsigned int devfn, int where,
			     int size, u32 val);

#endif
