/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Port I/O, implemented by the fake config space (fake_pci.c); its MMIO
 * side is <asm/pci_x86.h>'s mmio_config_*().
 */
#ifndef _STUB_LINUX_IO_H
#define _STUB_LINUX_IO_H

#include <linux/types.h>

u8 inb(unsigned long port);
void outb(u8 val, unsigned long port);
u32 inl(unsigned long port);
u16 inw(unsigned long port);
void outl(u32 val, unsigned long port);
void outw(u16 val, unsigned long port);

#endif
