/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for the kernel's <linux/pci_ids.h>: the class codes
 * and vendor the driver's fact rules name (PCI Code and ID Assignment
 * r1.15), with the kernel's names.
 */
#ifndef _PCQ_SHIM_LINUX_PCI_IDS_H
#define _PCQ_SHIM_LINUX_PCI_IDS_H

#define PCI_BASE_CLASS_DISPLAY			0x03
#define PCI_CLASS_MEMORY_CXL			0x0502
#define PCI_CLASS_BRIDGE_HOST			0x0600
#define PCI_CLASS_BRIDGE_ISA			0x0601
#define PCI_CLASS_COMMUNICATION_SERIAL		0x0700
#define PCI_CLASS_COMMUNICATION_MULTISERIAL	0x0702

#define PCI_VENDOR_ID_CXL			0x1e98

#endif
