/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <asm/pci-direct.h>: arch/x86/pci/early.c's type 1
 * accessors, through which cfg.c reaches type 1.  pcq-plan never makes a
 * config access: each of these stops the tool (pcq_plan_no_access(),
 * main.c) if it were ever reached.
 */
#ifndef _PCQ_PLAN_ASM_PCI_DIRECT_H
#define _PCQ_PLAN_ASM_PCI_DIRECT_H

#include <linux/io.h>
#include <linux/types.h>

static inline u32 read_pci_config(u8 bus, u8 slot, u8 func, u8 offset)
{
	(void)bus; (void)slot; (void)func; (void)offset;
	pcq_plan_no_access("type 1 read");
}

static inline u16 read_pci_config_16(u8 bus, u8 slot, u8 func, u8 offset)
{
	(void)bus; (void)slot; (void)func; (void)offset;
	pcq_plan_no_access("type 1 read");
}

static inline u8 read_pci_config_byte(u8 bus, u8 slot, u8 func, u8 offset)
{
	(void)bus; (void)slot; (void)func; (void)offset;
	pcq_plan_no_access("type 1 read");
}

static inline void write_pci_config_16(u8 bus, u8 slot, u8 func, u8 offset, u16 val)
{
	(void)bus; (void)slot; (void)func; (void)offset; (void)val;
	pcq_plan_no_access("type 1 write");
}

static inline void write_pci_config_byte(u8 bus, u8 slot, u8 func, u8 offset, u8 val)
{
	(void)bus; (void)slot; (void)func; (void)offset; (void)val;
	pcq_plan_no_access("type 1 write");
}

#endif
