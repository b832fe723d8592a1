/* SPDX-License-Identifier: GPL-2.0 */
/* MMIO and port I/O, implemented by the fake config space (fake_pci.c). */
#ifndef _STUB_LINUX_IO_H
#define _STUB_LINUX_IO_H

#include <linux/types.h>

u32 readl(const volatile void __iomem *addr);
u16 readw(const volatile void __iomem *addr);
void writew(u16 val, volatile void __iomem *addr);
void writeb(u8 val, volatile void __iomem *addr);
u8 inb(unsigned long port);
void outb(u8 val, unsigned long port);
u32 inl(unsigned long port);
u16 inw(unsigned long port);
void outl(u32 val, unsigned long port);
void outw(u16 val, unsigned long port);

#endif
