/* SPDX-License-Identifier: GPL-2.0 */
/* The system uapi header has every register definition the code uses. */
#include_next <linux/pci_regs.h>
