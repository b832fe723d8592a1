/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI crash quiesce: state shared by the module's process-context parts
 * (core, parameters, debugfs, snapshot builder).  Never included by the
 * panic-path files.
 */
#ifndef _PCI_CRASH_QUIESCE_CORE_H
#define _PCI_CRASH_QUIESCE_CORE_H

#include <linux/mutex.h>

#include "crash_quiesce.h"

/*
 * cq_lock serialises everything that builds, replaces or reads a snapshot
 * in process context, and the settings.  The panic path never takes it.
 */
extern struct mutex cq_lock;
extern struct cq_settings cq_settings;
extern struct cq_skip_list cq_skip;
extern struct cq_run cq_last_run;

const struct cq_snapshot *cq_snapshot_locked(void);
int cq_snapshot_stale_locked(void);
int cq_rebuild_locked(void);
int cq_replan_locked(void);
void cq_dry_run_now_locked(void);

/* snapshot.c */
struct cq_snapshot *cq_snapshot_build(const struct cq_settings *settings,
				      const struct cq_skip_list *skip,
				      u64 generation);
struct cq_snapshot *cq_snapshot_replan(const struct cq_snapshot *old,
				       const struct cq_settings *settings,
				       const struct cq_skip_list *skip,
				       u64 generation);
void cq_snapshot_free(struct cq_snapshot *snap);

/* ecam.c (compat/ecam.c out of tree): the kernel's ECAM decision */
void cq_ecam_refresh(void);
void __iomem *cq_ecam_bus(u32 seg, u8 bus);
void cq_ecam_release(void);

/* fault.c: test-only fault injection (CONFIG_PCI_CRASH_QUIESCE_FAULT_INJECT) */
#ifdef CONFIG_PCI_CRASH_QUIESCE_FAULT_INJECT
void cq_fault_init(void);
void cq_fault_exit(void);
void cq_fault_in_handler(void);
#else
static inline void cq_fault_init(void) { }
static inline void cq_fault_exit(void) { }
static inline void cq_fault_in_handler(void) { }
#endif /* CONFIG_PCI_CRASH_QUIESCE_FAULT_INJECT */

/* debugfs.c */
void cq_debugfs_init(void);
void cq_debugfs_exit(void);

/* bench.c: benchmark builds only (make CQ_BENCH=1, SPEC §9) */
#ifdef CQ_BENCH
void cq_bench_init(void);
void cq_bench_exit(void);
#else
static inline void cq_bench_init(void) { }
static inline void cq_bench_exit(void) { }
#endif /* CQ_BENCH */

#endif /* _PCI_CRASH_QUIESCE_CORE_H */
