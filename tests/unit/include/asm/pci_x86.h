/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stub of <asm/pci_x86.h>: the x86 MMIO config accessors, which
 * the fake config space implements (fake_pci.c). cfg.c reaches ECAM through
 * these alone on x86, so a plain readw() there would not link.
 */
#ifndef _STUB_ASM_PCI_X86_H
#define _STUB_ASM_PCI_X86_H

#include <linux/types.h>

u8 mmio_config_readb(void __iomem *pos);
u16 mmio_config_readw(void __iomem *pos);
u32 mmio_config_readl(void __iomem *pos);
void mmio_config_writeb(void __iomem *pos, u8 val);
void mmio_config_writew(void __iomem *pos, u16 val);

#endif
