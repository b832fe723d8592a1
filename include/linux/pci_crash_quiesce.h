/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI crash quiesce: stop PCI devices' DMA and interrupts on the way into
 * kdump, from the crashing kernel (drivers/pci/crash_quiesce/).
 */
#ifndef _LINUX_PCI_CRASH_QUIESCE_H
#define _LINUX_PCI_CRASH_QUIESCE_H

#include <linux/types.h>

#ifdef CONFIG_PCI_CRASH_QUIESCE
bool pci_crash_quiesce(void);
bool pci_crash_quiesce_recover(void);
#else
static inline bool pci_crash_quiesce(void) { return false; }
static inline bool pci_crash_quiesce_recover(void) { return false; }
#endif /* CONFIG_PCI_CRASH_QUIESCE */

#endif /* _LINUX_PCI_CRASH_QUIESCE_H */
