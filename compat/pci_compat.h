/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Out-of-tree builds only: definitions newer kernels have and the oldest
 * kernels the module builds for (6.1) lack.  Force-included by the root
 * Kbuild into the files that read them, and by the userspace builds of the
 * driver's files (pcq-plan, the unit tests), whose system uapi headers are
 * 6.1's; never part of the in-tree series.
 */
#ifndef _CRASH_QUIESCE_COMPAT_PCI_H
#define _CRASH_QUIESCE_COMPAT_PCI_H

#ifdef __KERNEL__
#include <linux/pci_ids.h>
#endif
#include <linux/pci_regs.h>

/* include/linux/pci_ids.h, v6.5 */
#ifndef PCI_VENDOR_ID_CXL
#define PCI_VENDOR_ID_CXL		0x1e98
#endif

/* include/uapi/linux/pci_regs.h, v6.18: CXL r4.0 sec 8.1.3, PCIe DVSEC for CXL Devices */
#ifndef PCI_DVSEC_CXL_DEVICE
#define PCI_DVSEC_CXL_DEVICE			0
#define PCI_DVSEC_CXL_CAP			0xa
#define PCI_DVSEC_CXL_MEM_CAPABLE		0x0004
#endif

/* include/uapi/linux/pci_regs.h, v6.7: CXL r3.1 sec 8.1.5, Port Extensions */
#ifndef PCI_DVSEC_CXL_PORT
#define PCI_DVSEC_CXL_PORT			3
#define PCI_DVSEC_CXL_PORT_CTL			0x0c
#define PCI_DVSEC_CXL_PORT_CTL_UNMASK_SBR	0x00000001
#endif

#endif /* _CRASH_QUIESCE_COMPAT_PCI_H */
