/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Out-of-tree build only: what compat/ files give each other, never part
 * of the in-tree series.
 */
#ifndef _PCI_CRASH_QUIESCE_COMPAT_OOT_H
#define _PCI_CRASH_QUIESCE_COMPAT_OOT_H

void pcq_oot_crash_cpus_init(void);
void pcq_oot_crash_cpus_exit(void);

#endif /* _PCI_CRASH_QUIESCE_COMPAT_OOT_H */
