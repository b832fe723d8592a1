// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-tree build only: read crash_kexec_post_notifiers through sysfs,
 * since the variable is not exported to modules.
 */
#include <linux/fs.h>
#include <linux/err.h>

#include "oot.h"

#define PCQ_POST_NOTIFIERS_PATH "/sys/module/kernel/parameters/crash_kexec_post_notifiers"

static bool pcq_oot_post_notifiers_copy;

/**
 * pcq_oot_post_notifiers() - read crash_kexec_post_notifiers
 *
 * Context: process context; opens and reads a sysfs file.
 * Return: a private copy of the parameter, freshly read: true if it reads Y;
 * false if it reads N or cannot be read, so that the caller warns.
 */
bool *pcq_oot_post_notifiers(void)
{
	struct file *file;
	char val = 'N';
	loff_t pos = 0;

	file = filp_open(PCQ_POST_NOTIFIERS_PATH, O_RDONLY, 0);
	if (!IS_ERR(file)) {
		if (kernel_read(file, &val, 1, &pos) != 1)
			val = 'N';
		filp_close(file, NULL);
	}
	pcq_oot_post_notifiers_copy = val == 'Y';
	return &pcq_oot_post_notifiers_copy;
}
