/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI crash quiesce: the snapshot as text, for debugfs (and for tools that
 * plan from a machine's config space dump and print the same lines).
 */
#ifndef _PCI_CRASH_QUIESCE_SHOW_H
#define _PCI_CRASH_QUIESCE_SHOW_H

#include <linux/types.h>

struct seq_file;
struct pcq_snapshot;

void pcq_show_device(struct seq_file *m, const struct pcq_snapshot *snap, u32 i);
void pcq_show_plan(struct seq_file *m, const struct pcq_snapshot *snap);

#endif /* _PCI_CRASH_QUIESCE_SHOW_H */
