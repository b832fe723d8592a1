/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI crash quiesce: what the module's process-context parts (core,
 * parameters, debugfs, snapshot builder) give each other.  Never included
 * by the panic-path files.
 *
 * The published snapshot, the parameters and the last run's record belong
 * to core.c, under its lock; the other parts reach them only through the
 * functions here.  Functions named _locked need that lock held
 * (pcq_lock_state()); the panic path never takes it.
 */
#ifndef _PCI_CRASH_QUIESCE_CORE_H
#define _PCI_CRASH_QUIESCE_CORE_H

#include "crash_quiesce.h"

/**
 * struct pcq_params - the module parameters
 * @enable:   arm the panic handler
 * @settings: what the plan and its walk follow
 * @skip:     the functions to leave untouched
 */
struct pcq_params {
	bool enable;
	struct pcq_settings settings;
	struct pcq_skip_list skip;
};

/* core.c */
void pcq_lock_state(void);
void pcq_unlock_state(void);
void pcq_assert_locked(void);
void pcq_params_get(struct pcq_params *params);
int pcq_params_set(const struct pcq_params *params);
const struct pcq_snapshot *pcq_snapshot_locked(void);
int pcq_snapshot_stale_locked(void);
void pcq_last_run_get(struct pcq_run *run);
int pcq_take_locked(struct pcq_snapshot *snap);
int pcq_rescan(void);
int pcq_dry_run_now(void);

/* core.c, at crash time */
bool pcq_panic_walk(void);
void pcq_panic_release(void);

/* crash.c (compat/crash.c out of tree) */
void pcq_crash_arm(bool on);
int pcq_crash_init(void);
void pcq_crash_exit(void);

/* snapshot.c */
struct pcq_snapshot *pcq_snapshot_build(const struct pcq_settings *settings,
					const struct pcq_skip_list *skip,
					u64 generation);
struct pcq_snapshot *pcq_snapshot_replan(const struct pcq_snapshot *old,
					 const struct pcq_settings *settings,
					 const struct pcq_skip_list *skip,
					 u64 generation, int gone);
struct pcq_snapshot *pcq_snapshot_copy(const struct pcq_snapshot *old);
void pcq_snapshot_free(struct pcq_snapshot *snap);

/* params.c */
int pcq_settings_check(const struct pcq_settings *set);

/* debugfs.c */
void pcq_debugfs_init(void);
void pcq_debugfs_exit(void);

#endif /* _PCI_CRASH_QUIESCE_CORE_H */
