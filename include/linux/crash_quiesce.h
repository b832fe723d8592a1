/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Crash quiesce: stop devices from doing DMA before kdump.
 *
 * The interface between the crash-side glue in kernel/crash_quiesce.c,
 * which owns the panic notifier and its run-once guard, and the bus code
 * that knows how to quiesce devices (drivers/pci/crash_quiesce/).
 */
#ifndef _LINUX_CRASH_QUIESCE_H
#define _LINUX_CRASH_QUIESCE_H

#include <linux/types.h>

/**
 * typedef crash_quiesce_fn - a quiesce handler
 *
 * Called at most once, from the panic notifier chain, before kdump when the
 * kernel runs with crash_kexec_post_notifiers.
 *
 * Context: panic: interrupts off, other CPUs stopped at arbitrary points,
 * possibly NMI.  The handler must not take locks, sleep, allocate or WARN,
 * and must return within a bounded time.
 */
typedef void (*crash_quiesce_fn)(void);

int crash_quiesce_register(crash_quiesce_fn fn);
void crash_quiesce_unregister(crash_quiesce_fn fn);
bool crash_quiesce_check_armed(void);
void crash_quiesce_force_post_notifiers(void);

#endif /* _LINUX_CRASH_QUIESCE_H */
