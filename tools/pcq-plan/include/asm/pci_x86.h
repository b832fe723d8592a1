/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <asm/pci_x86.h>: cfg.c reaches ECAM on x86
 * through these alone.  pcq-plan's ECAM "mapping" is an inaccessible
 * region (PROT_NONE, main.c) whose addresses only say "ECAM": nothing may
 * read or write through it, and these stop the tool if anything tried.
 */
#ifndef _PCQ_PLAN_ASM_PCI_X86_H
#define _PCQ_PLAN_ASM_PCI_X86_H

#include <linux/io.h>
#include <linux/types.h>

static inline u8 mmio_config_readb(void __iomem *pos)
{
	(void)pos;
	pcq_plan_no_access("ECAM readb");
}

static inline u16 mmio_config_readw(void __iomem *pos)
{
	(void)pos;
	pcq_plan_no_access("ECAM readw");
}

static inline u32 mmio_config_readl(void __iomem *pos)
{
	(void)pos;
	pcq_plan_no_access("ECAM readl");
}

static inline void mmio_config_writeb(void __iomem *pos, u8 val)
{
	(void)pos; (void)val;
	pcq_plan_no_access("ECAM writeb");
}

static inline void mmio_config_writew(void __iomem *pos, u16 val)
{
	(void)pos; (void)val;
	pcq_plan_no_access("ECAM writew");
}

#endif
