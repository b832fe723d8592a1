/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stub of <asm/pci-direct.h>: the type 1 accessors, which the
 * tests take from compat/pci_direct.c over the fake's ports.
 */
#ifndef _STUB_ASM_PCI_DIRECT_H
#define _STUB_ASM_PCI_DIRECT_H

#include <linux/types.h>

u32 read_pci_config(u8 bus, u8 slot, u8 func, u8 offset);
u8 read_pci_config_byte(u8 bus, u8 slot, u8 func, u8 offset);
u16 read_pci_config_16(u8 bus, u8 slot, u8 func, u8 offset);
void write_pci_config_byte(u8 bus, u8 slot, u8 func, u8 offset, u8 val);
void write_pci_config_16(u8 bus, u8 slot, u8 func, u8 offset, u16 val);

#endif
