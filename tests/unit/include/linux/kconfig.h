/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stub of <linux/kconfig.h>: the unit tests build the x86
 * type 1 backend too, against the fake config space's ports.
 */
#ifndef _STUB_LINUX_KCONFIG_H
#define _STUB_LINUX_KCONFIG_H

#define CONFIG_X86 1
#define IS_ENABLED(option) (option)

#endif
