/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/seq_file.h>: show.c prints the debugfs
 * listings through these; pcq-plan's seq_file writes to a stdio stream
 * (output.c).
 */
#ifndef _PCQ_PLAN_LINUX_SEQ_FILE_H
#define _PCQ_PLAN_LINUX_SEQ_FILE_H

#include <stdio.h>

struct seq_file {
	FILE *out;
};

__attribute__((format(printf, 2, 3)))
void seq_printf(struct seq_file *m, const char *fmt, ...);
void seq_puts(struct seq_file *m, const char *s);
void seq_putc(struct seq_file *m, char c);

#endif
