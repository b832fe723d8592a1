/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Out-of-tree build only: force-included by the root Kbuild, never part of
 * the in-tree patch series.
 *
 * crash_kexec_post_notifiers is not exported to modules.  The upstream
 * files read the variable; for the module build it is replaced by a read
 * of its sysfs file, /sys/module/kernel/parameters/crash_kexec_post_notifiers,
 * into a private copy.  Assigning to it changes only that copy: the module
 * build never does (only a built-in handler forces the parameter on).
 * The declarations are included first so that the macro only affects uses.
 * Only kernel/crash_quiesce.c gets this file, and it defines its own pr_fmt
 * after it, so the default pr_fmt that printk.h set here is dropped.
 */
#ifndef _CRASH_QUIESCE_COMPAT_OOT_H
#define _CRASH_QUIESCE_COMPAT_OOT_H

#include <linux/panic.h>
#include <linux/panic_notifier.h>

bool *pcq_oot_post_notifiers(void);
#define crash_kexec_post_notifiers (*pcq_oot_post_notifiers())

#undef pr_fmt

#endif /* _CRASH_QUIESCE_COMPAT_OOT_H */
