/* SPDX-License-Identifier: GPL-2.0 */
/* The fake clock (fake_pci.c). */
#ifndef _STUB_LINUX_TIMEKEEPING_H
#define _STUB_LINUX_TIMEKEEPING_H

#include <linux/types.h>

u64 ktime_get_mono_fast_ns(void);

#endif
