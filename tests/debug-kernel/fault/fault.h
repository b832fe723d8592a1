/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test-only fault injection for the PCI crash quiesce driver: the calls the
 * test-only patch adds to core.c, quiesce.c and cfg.c.  Never part of the upstream
 * series.
 */
#ifndef _PCI_CRASH_QUIESCE_FAULT_H
#define _PCI_CRASH_QUIESCE_FAULT_H

#include "crash_quiesce.h"

#ifdef CONFIG_PCI_CRASH_QUIESCE_FAULT_INJECT
void pcq_fault_init(void);
void pcq_fault_exit(void);
void pcq_fault_in_handler(void);
void pcq_fault_in_hold(void);
u32 pcq_fault_devsta(const struct pcq_func *f, u32 v);
void pcq_fault_slow_read(const struct pcq_func *f);
#else
static inline void pcq_fault_init(void) { }
static inline void pcq_fault_exit(void) { }
static inline void pcq_fault_in_handler(void) { }
static inline void pcq_fault_in_hold(void) { }
static inline u32 pcq_fault_devsta(const struct pcq_func *f, u32 v) { return v; }
static inline void pcq_fault_slow_read(const struct pcq_func *f) { }
#endif /* CONFIG_PCI_CRASH_QUIESCE_FAULT_INJECT */

#endif /* _PCI_CRASH_QUIESCE_FAULT_H */
