/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Out-of-tree build only: force-included by the root Kbuild into
 * drivers/pci/crash_quiesce/core.c, never part of the in-tree series.
 *
 * In tree, __crash_kexec() calls crash_quiesce().  A module cannot hook
 * there, so the module's registration goes through compat/panic_hook.c,
 * which also puts a panic notifier in front of the handler: the kernel runs
 * it before kdump only with crash_kexec_post_notifiers, and says so at
 * registration when that is off.
 */
#ifndef _CRASH_QUIESCE_COMPAT_OOT_H
#define _CRASH_QUIESCE_COMPAT_OOT_H

#include <linux/crash_quiesce.h>

int pcq_oot_register(const struct crash_quiesce_ops *ops);
void pcq_oot_unregister(const struct crash_quiesce_ops *ops);
void pcq_oot_crash_cpus_init(void);
void pcq_oot_crash_cpus_exit(void);

#define crash_quiesce_register pcq_oot_register
#define crash_quiesce_unregister pcq_oot_unregister

#endif /* _CRASH_QUIESCE_COMPAT_OOT_H */
