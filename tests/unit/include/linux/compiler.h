/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/compiler.h>: the one-shot accessors. */
#ifndef _TEST_LINUX_COMPILER_H
#define _TEST_LINUX_COMPILER_H

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)	(*(volatile __typeof__(x) *)&(x) = (val))
#define barrier()		__asm__ __volatile__("" : : : "memory")

#endif
