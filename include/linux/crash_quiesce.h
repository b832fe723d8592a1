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
 * typedef crash_quiesce_fn - a quiesce handler
 *
 * Called at most once, by crash_quiesce(), after the other CPUs were
 * stopped and just before the jump to the capture kernel.
 *
 * Context: crash: interrupts off, other CPUs stopped at arbitrary points,
 * possibly from NMI.  The handler must not take locks, sleep, allocate or
 * WARN, and must return within a bounded time.
 */
typedef void (*crash_quiesce_fn)(void);

#ifdef CONFIG_CRASH_QUIESCE
int crash_quiesce_register(crash_quiesce_fn fn);
void crash_quiesce_unregister(crash_quiesce_fn fn);
void crash_quiesce(void);
bool crash_quiesce_interrupted(void);
#else
static inline void crash_quiesce(void) { }
static inline bool crash_quiesce_interrupted(void) { return false; }
#endif /* CONFIG_CRASH_QUIESCE */

#endif /* _LINUX_CRASH_QUIESCE_H */
