/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Crash quiesce: stop devices from doing DMA before kdump.
 *
 * The interface between the kexec core, which calls crash_quiesce() on its
 * way into the capture kernel, and the bus code that knows how to quiesce
 * devices (drivers/pci/crash_quiesce/).
 */
#ifndef _LINUX_CRASH_QUIESCE_H
#define _LINUX_CRASH_QUIESCE_H

#include <linux/types.h>

/**
 * struct crash_quiesce_ops - a quiesce handler
 * @quiesce: stop the devices; called at most once, by crash_quiesce(),
 *           after the other CPUs were stopped and just before the jump to
 *           the capture kernel
 * @recover: optional; called at most once, by crash_quiesce(), for a
 *           crash raised inside @quiesce (a nested panic, or an oops, which
 *           is made one), before that crash goes on into the capture
 *           kernel: undo what must not outlive an interrupted @quiesce
 *           (a bus held in reset)
 *
 * Context of both: crash: interrupts off, other CPUs stopped at arbitrary
 * points, possibly from NMI.  They must not take locks, sleep, allocate or
 * WARN, and must return within a bounded time.
 */
struct crash_quiesce_ops {
	void (*quiesce)(void);
	void (*recover)(void);
};

#ifdef CONFIG_CRASH_QUIESCE
int crash_quiesce_register(const struct crash_quiesce_ops *ops);
void crash_quiesce_unregister(const struct crash_quiesce_ops *ops);
void crash_quiesce(void);
bool crash_quiesce_interrupted(void);
unsigned int crash_cpus_not_stopped(void);
#else
static inline void crash_quiesce(void) { }
static inline bool crash_quiesce_interrupted(void) { return false; }
#endif /* CONFIG_CRASH_QUIESCE */

#endif /* _LINUX_CRASH_QUIESCE_H */
