/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/kconfig.h>.  pcq-plan models the x86
 * kernel's accessor choice (pcq_cfg_pick(): type 1 only on domain 0, only
 * where the kernel uses it), which is what --no-ecam and --conf1 ask for;
 * with neither, no function is given type 1 and the architecture does not
 * matter.
 */
#ifndef _PCQ_PLAN_LINUX_KCONFIG_H
#define _PCQ_PLAN_LINUX_KCONFIG_H

#define CONFIG_X86 1
#define IS_ENABLED(option) (option)

#endif
