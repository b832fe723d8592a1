/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/io.h>.  cfg.c's type 1 backend is built
 * but pcq-plan never makes a config access: each of these stops the tool
 * (pcq_plan_no_access(), main.c) if it were ever reached.
 */
#ifndef _PCQ_PLAN_LINUX_IO_H
#define _PCQ_PLAN_LINUX_IO_H

#include <linux/types.h>

__attribute__((noreturn)) void pcq_plan_no_access(const char *what);

static inline u8 inb(unsigned long port) { (void)port; pcq_plan_no_access("inb"); }
static inline u16 inw(unsigned long port) { (void)port; pcq_plan_no_access("inw"); }
static inline u32 inl(unsigned long port) { (void)port; pcq_plan_no_access("inl"); }

static inline void outb(u8 val, unsigned long port)
{
	(void)val; (void)port;
	pcq_plan_no_access("outb");
}

static inline void outw(u16 val, unsigned long port)
{
	(void)val; (void)port;
	pcq_plan_no_access("outw");
}

static inline void outl(u32 val, unsigned long port)
{
	(void)val; (void)port;
	pcq_plan_no_access("outl");
}

#endif
