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
 * pcq_lock serialises everything that builds, replaces or reads a snapshot
 * in process context, and the settings.  The panic path never takes it.
 */
extern struct mutex pcq_lock;
extern struct pcq_settings pcq_settings;
extern struct pcq_skip_list pcq_skip;
extern struct pcq_run pcq_last_run;

const struct pcq_snapshot *pcq_snapshot_locked(void);
int pcq_snapshot_stale_locked(void);
bool pcq_ready_locked(void);
int pcq_rebuild_locked(void);
int pcq_rescan(void);
int pcq_take_locked(struct pcq_snapshot *snap);
int pcq_replan_locked(void);
int pcq_arm_locked(void);
int pcq_dry_run_now_locked(void);

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

/* show.c */
struct seq_file;
void pcq_show_device(struct seq_file *m, const struct pcq_snapshot *snap,
		     const struct pcq_func *f);
void pcq_show_plan(struct seq_file *m, const struct pcq_snapshot *snap);

/* debugfs.c */
void pcq_debugfs_init(void);
void pcq_debugfs_exit(void);

#endif /* _PCI_CRASH_QUIESCE_CORE_H */
