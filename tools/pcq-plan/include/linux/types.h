/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for the kernel's <linux/types.h>, for building the
 * driver's own files into pcq-plan.  The uapi header (__u8 ... for any
 * system header that wants it) and the kernel's short names on top.
 */
#ifndef _PCQ_PLAN_LINUX_TYPES_H
#define _PCQ_PLAN_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define __iomem

/* struct pcq_snapshot's first member; only its size matters here */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

#endif
