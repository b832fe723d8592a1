/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/kernel.h>: what the driver's files use, in
 * pcq-plan and in the unit tests.
 */
#ifndef _PCQ_PLAN_LINUX_KERNEL_H
#define _PCQ_PLAN_LINUX_KERNEL_H

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <linux/types.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define max_t(t, a, b)		((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define min_t(t, a, b)		((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define NSEC_PER_USEC		1000ULL
#define NSEC_PER_MSEC		1000000ULL

/* Kernel semantics: the characters written, not counting the NUL. */
static inline __attribute__((format(printf, 3, 4)))
int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!size)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	return (size_t)n < size ? n : (int)(size - 1);
}

#endif
