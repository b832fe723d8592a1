// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters (also kernel command line options when built in).
 *
 * Every write is parsed in full before anything changes; a bad value is
 * refused with -EINVAL and a message naming what is accepted, and the old
 * value stays.  A good value is applied under cq_lock and the plan is made
 * again (on a copy of the snapshot: the topology is not walked again), so
 * debugfs and the panic path see the new settings at once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "core.h"

enum cq_param_kind {
	CQ_PARAM_BOOL,
	CQ_PARAM_RESET,
	CQ_PARAM_MS,
	CQ_PARAM_SKIP,
};

/**
 * struct cq_param - how to parse, check and show one parameter
 * @name:     the parameter's name, for messages
 * @kind:     enum cq_param_kind
 * @offset:   offset of the value in struct cq_settings (bool and ms kinds)
 * @min:      smallest accepted value (ms kind)
 * @max:      largest accepted value (ms kind)
 * @accepted: what a valid value looks like, for the error message
 */
struct cq_param {
	const char *name;
	enum cq_param_kind kind;
	size_t offset;
	u32 min;
	u32 max;
	const char *accepted;
};

#define CQ_PARAM_MSG_MAX 64	/* longest part of a refused value quoted back */

static bool *cq_param_bool(struct cq_settings *set, const struct cq_param *p)
{
	return (bool *)((u8 *)set + p->offset);
}

static u32 *cq_param_u32(struct cq_settings *set, const struct cq_param *p)
{
	return (u32 *)((u8 *)set + p->offset);
}

static int cq_param_set(const char *val, const struct kernel_param *kp)
{
	const struct cq_param *p = kp->arg;
	struct cq_settings set;
	struct cq_skip_list skip;
	struct cq_settings old_set;
	struct cq_skip_list old_skip;
	const char *bad = NULL;
	int err = -EINVAL;

	mutex_lock(&cq_lock);
	set = cq_settings;
	skip = cq_skip;
	switch (p->kind) {
	case CQ_PARAM_BOOL:
		err = cq_parse_bool(val, cq_param_bool(&set, p));
		break;
	case CQ_PARAM_RESET:
		err = cq_parse_reset(val, &set.reset);
		break;
	case CQ_PARAM_MS:
		err = cq_parse_ms(val, p->min, p->max, cq_param_u32(&set, p));
		break;
	case CQ_PARAM_SKIP:
		err = cq_parse_skip(val, &skip, &bad);
		break;
	}
	if (err) {
		pr_err("%s: refused '%.*s'%s%.*s%s: expected %s; keeping the current value\n",
		       p->name, (int)min_t(size_t, strcspn(val, "\n"), CQ_PARAM_MSG_MAX),
		       val, bad ? " at '" : "",
		       bad ? (int)min_t(size_t, strcspn(bad, ",\n"), CQ_PARAM_MSG_MAX) : 0,
		       bad ? bad : "", bad ? "'" : "", p->accepted);
		goto out_unlock;
	}

	old_set = cq_settings;
	old_skip = cq_skip;
	cq_settings = set;
	cq_skip = skip;
	err = cq_replan_locked();
	if (err) {
		cq_settings = old_set;
		cq_skip = old_skip;
		pr_err("%s: cannot re-plan (%d); keeping the current value\n",
		       p->name, err);
	}
out_unlock:
	mutex_unlock(&cq_lock);
	return err;
}

static int cq_param_get(char *buf, const struct kernel_param *kp)
{
	const struct cq_param *p = kp->arg;
	int n = 0;

	mutex_lock(&cq_lock);
	switch (p->kind) {
	case CQ_PARAM_BOOL:
		n = sysfs_emit(buf, "%c\n", *cq_param_bool(&cq_settings, p) ? 'Y' : 'N');
		break;
	case CQ_PARAM_RESET:
		n = sysfs_emit(buf, "%s\n", cq_reset_mode_name(cq_settings.reset));
		break;
	case CQ_PARAM_MS:
		n = sysfs_emit(buf, "%u\n", *cq_param_u32(&cq_settings, p));
		break;
	case CQ_PARAM_SKIP:
		n = cq_format_skip(&cq_skip, buf, PAGE_SIZE - 1);
		n += sysfs_emit_at(buf, n, "\n");
		break;
	}
	mutex_unlock(&cq_lock);
	return n;
}

static const struct kernel_param_ops cq_param_ops = {
	.set = cq_param_set,
	.get = cq_param_get,
};

#define CQ_BOOL_PARAM(field) {						\
	.name = #field,							\
	.kind = CQ_PARAM_BOOL,						\
	.offset = offsetof(struct cq_settings, field),			\
	.accepted = "Y or N (also 1/0, yes/no, on/off, true/false)",	\
}

static struct cq_param cq_param_enable = CQ_BOOL_PARAM(enable);
module_param_cb(enable, &cq_param_ops, &cq_param_enable, 0644);
MODULE_PARM_DESC(enable, "Arm the panic handler (default: Y)");

static struct cq_param cq_param_dry_run = CQ_BOOL_PARAM(dry_run);
module_param_cb(dry_run, &cq_param_ops, &cq_param_dry_run, 0644);
MODULE_PARM_DESC(dry_run, "At panic, verify and record the plan but write nothing (default: N)");

static struct cq_param cq_param_msi = CQ_BOOL_PARAM(msi);
module_param_cb(msi, &cq_param_ops, &cq_param_msi, 0644);
MODULE_PARM_DESC(msi, "Also set INTx Disable, and disable MSI/MSI-X where Bus Master was on (default: Y)");

static struct cq_param cq_param_reset = {
	.name = "reset",
	.kind = CQ_PARAM_RESET,
	.accepted = "auto, bus or none",
};
module_param_cb(reset, &cq_param_ops, &cq_param_reset, 0644);
MODULE_PARM_DESC(reset, "auto: Secondary Bus Reset on the top-most bridges, FLR or PM reset of bus-mastering functions no bus reset reaches; bus: bus resets only; none: no reset (default: auto)");

static struct cq_param cq_param_skip = {
	.name = "skip",
	.kind = CQ_PARAM_SKIP,
	.accepted = "a comma list of [seg:]bus:dev.fn and vendor:device in hex, at most "
		    __stringify(CQ_MAX_SKIP) " entries, or empty",
};
module_param_cb(skip, &cq_param_ops, &cq_param_skip, 0644);
MODULE_PARM_DESC(skip, "Functions to leave untouched: comma list of [seg:]bus:dev.fn and vendor:device, hex (default: empty)");

static struct cq_param cq_param_reset_hold_ms = {
	.name = "reset_hold_ms",
	.kind = CQ_PARAM_MS,
	.offset = offsetof(struct cq_settings, reset_hold_ms),
	.min = CQ_RESET_HOLD_MIN_MS,
	.max = CQ_RESET_HOLD_MAX_MS,
	.accepted = "whole milliseconds from " __stringify(CQ_RESET_HOLD_MIN_MS)
		    " (the PCIe minimum) to " __stringify(CQ_RESET_HOLD_MAX_MS),
};
module_param_cb(reset_hold_ms, &cq_param_ops, &cq_param_reset_hold_ms, 0644);
MODULE_PARM_DESC(reset_hold_ms, "Secondary Bus Reset hold time in ms, at least 1 (default: "
		 __stringify(CQ_RESET_HOLD_DEF_MS) ")");

static struct cq_param cq_param_budget_ms = {
	.name = "budget_ms",
	.kind = CQ_PARAM_MS,
	.offset = offsetof(struct cq_settings, budget_ms),
	.min = CQ_BUDGET_MIN_MS,
	.max = CQ_BUDGET_MAX_MS,
	.accepted = "whole milliseconds from " __stringify(CQ_BUDGET_MIN_MS)
		    " to " __stringify(CQ_BUDGET_MAX_MS),
};
module_param_cb(budget_ms, &cq_param_ops, &cq_param_budget_ms, 0644);
MODULE_PARM_DESC(budget_ms, "Total panic-path time budget in ms (default: "
		 __stringify(CQ_BUDGET_DEF_MS) ")");
