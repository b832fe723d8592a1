// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-tree build only: read crash_kexec_post_notifiers through sysfs,
 * since the variable is not exported to modules.
 */
#include <linux/fs.h>
#include <linux/err.h>

#include "oot.h"

#define CQ_POST_NOTIFIERS_PATH "/sys/module/kernel/parameters/crash_kexec_post_notifiers"

/**
 * cq_oot_post_notifiers() - is crash_kexec_post_notifiers set?
 *
 * Context: process context; opens and reads a sysfs file.
 * Return: true if the parameter reads Y.  If it cannot be read, false, so
 * that the caller warns.
 */
bool cq_oot_post_notifiers(void)
{
	struct file *file;
	char val = 'N';
	loff_t pos = 0;

	file = filp_open(CQ_POST_NOTIFIERS_PATH, O_RDONLY, 0);
	if (IS_ERR(file))
		return false;
	if (kernel_read(file, &val, 1, &pos) != 1)
		val = 'N';
	filp_close(file, NULL);
	return val == 'Y';
}
