/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Out-of-tree build only: what compat/ files give each other, never part
 * of the in-tree series.
 */
#ifndef _PCI_CRASH_QUIESCE_COMPAT_OOT_H
#define _PCI_CRASH_QUIESCE_COMPAT_OOT_H

void pcq_oot_crash_cpus_init(void);
void pcq_oot_crash_cpus_exit(void);

/* drivers/pci/crash_quiesce/crash.c's own, renamed: compat/crash.c wraps them */
int pcq_crash_init_in_tree(void);
void pcq_crash_exit_in_tree(void);

#endif /* _PCI_CRASH_QUIESCE_COMPAT_OOT_H */
