/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/pci.h>: what cfg.c and show.c use.  The
 * register layout comes from the uapi <linux/pci_regs.h>.
 */
#ifndef _PCQ_PLAN_LINUX_PCI_H
#define _PCQ_PLAN_LINUX_PCI_H

#include <linux/pci_regs.h>
#include <linux/types.h>

#ifndef PCI_CFG_SPACE_SIZE
#define PCI_CFG_SPACE_SIZE	256
#endif
#ifndef PCI_CFG_SPACE_EXP_SIZE
#define PCI_CFG_SPACE_EXP_SIZE	4096
#endif

#define PCI_ERROR_RESPONSE		(~0ULL)
#define PCI_SET_ERROR_RESPONSE(val)	(*(val) = ((typeof(*(val))) PCI_ERROR_RESPONSE))
#define PCI_POSSIBLE_ERROR(val)		((val) == ((typeof(val)) PCI_ERROR_RESPONSE))

#ifndef PCI_SLOT
#define PCI_DEVFN(slot, func)	((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define PCI_SLOT(devfn)		(((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)		((devfn) & 0x07)
#endif

#endif
