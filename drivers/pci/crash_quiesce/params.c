// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters (also kernel command line options when built in).
 *
 * Every write is parsed in full before anything changes; a bad value is
 * refused with -EINVAL and a message naming what is accepted, and the old
 * value stays.  A good value goes to core.c (pcq_params_set()), which
 * checks the parameters together and plans again (on a copy of the
 * snapshot: the topology is not walked again), so that debugfs and the
 * panic path see the new settings at once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "core.h"

enum pcq_param_kind {
	PCQ_PARAM_BOOL,
	PCQ_PARAM_RESET,
	PCQ_PARAM_MS,
	PCQ_PARAM_SKIP,
};

/**
 * struct pcq_param - how to parse, check and show one parameter
 * @name:     the parameter's name, for messages
 * @kind:     enum pcq_param_kind
 * @offset:   offset of the value in struct pcq_params (bool and ms kinds)
 * @min:      smallest accepted value (ms kind)
 * @max:      largest accepted value (ms kind)
 * @accepted: what a valid value looks like, for the error message
 */
struct pcq_param {
	const char *name;
	enum pcq_param_kind kind;
	size_t offset;
	u32 min;
	u32 max;
	const char *accepted;
};

#define PCQ_PARAM_MSG_MAX 64	/* longest part of a refused value quoted back */

/* The values of the reset parameter, indexed by enum pcq_reset_mode. */
static const char * const pcq_reset_mode_names[] = {
	[PCQ_RESET_NONE]	= "none",
	[PCQ_RESET_BUS]		= "bus",
	[PCQ_RESET_AUTO]	= "auto",
};

static_assert(ARRAY_SIZE(pcq_reset_mode_names) == PCQ_RESET_COUNT);

static bool *pcq_param_bool(struct pcq_params *params, const struct pcq_param *p)
{
	return (bool *)((u8 *)params + p->offset);
}

static u32 *pcq_param_u32(struct pcq_params *params, const struct pcq_param *p)
{
	return (u32 *)((u8 *)params + p->offset);
}

/**
 * pcq_settings_check() - do the settings fit together?
 * @set: the settings
 *
 * The bus resets' share of the budget, the Secondary Bus Reset hold and a
 * margin, is at most half of it (pcq_budget_floor_ms()): a hold that does
 * not fit there would never be made, and every panic would end "aborted:
 * budget" without a bus reset.
 *
 * Context: process context.
 * Return: 0, or -EINVAL with a message saying what is wrong.
 */
int pcq_settings_check(const struct pcq_settings *set)
{
	u32 floor = pcq_budget_floor_ms(set->reset_hold_ms);

	if (set->budget_ms >= floor)
		return 0;
	pr_err("budget_ms (%u) must be at least %u with reset_hold_ms (%u): the bus resets take at most half of the budget, the hold and %u ms for their accesses\n",
	       set->budget_ms, floor, set->reset_hold_ms, PCQ_PHASE_MARGIN_MS);
	return -EINVAL;
}

static int pcq_param_set(const char *val, const struct kernel_param *kp)
{
	const struct pcq_param *p = kp->arg;
	struct pcq_params params;
	const char *bad = NULL;
	unsigned int ms;
	int err = -EINVAL;

	pcq_params_get(&params);
	switch (p->kind) {
	case PCQ_PARAM_BOOL:
		err = kstrtobool(val, pcq_param_bool(&params, p));
		break;
	case PCQ_PARAM_RESET:
		err = sysfs_match_string(pcq_reset_mode_names, val);
		if (err >= 0) {
			params.settings.reset = err;
			err = 0;
		}
		break;
	case PCQ_PARAM_MS:
		err = kstrtouint(val, 10, &ms);
		if (!err && (ms < p->min || ms > p->max))
			err = -EINVAL;
		if (!err)
			*pcq_param_u32(&params, p) = ms;
		break;
	case PCQ_PARAM_SKIP:
		err = pcq_parse_skip(val, &params.skip, &bad);
		break;
	}
	if (err) {
		pr_err("%s: refused '%.*s'%s%.*s%s: expected %s; keeping the current value\n",
		       p->name, (int)min_t(size_t, strcspn(val, "\n"), PCQ_PARAM_MSG_MAX),
		       val, bad ? " at '" : "",
		       bad ? (int)min_t(size_t, strcspn(bad, ",\n"), PCQ_PARAM_MSG_MAX) : 0,
		       bad ? bad : "", bad ? "'" : "", p->accepted);
		/* whatever the helper said: -ERANGE, -EINVAL */
		return -EINVAL;
	}
	err = pcq_params_set(&params);
	if (err && err != -EINVAL)
		pr_err("%s: cannot apply it (%d); keeping the current value\n", p->name, err);
	return err;
}

static int pcq_param_get(char *buf, const struct kernel_param *kp)
{
	const struct pcq_param *p = kp->arg;
	struct pcq_params params;
	int n = 0;

	pcq_params_get(&params);
	switch (p->kind) {
	case PCQ_PARAM_BOOL:
		n = sysfs_emit(buf, "%c\n", *pcq_param_bool(&params, p) ? 'Y' : 'N');
		break;
	case PCQ_PARAM_RESET:
		n = sysfs_emit(buf, "%s\n", pcq_reset_mode_names[params.settings.reset]);
		break;
	case PCQ_PARAM_MS:
		n = sysfs_emit(buf, "%u\n", *pcq_param_u32(&params, p));
		break;
	case PCQ_PARAM_SKIP:
		n = pcq_format_skip(&params.skip, buf, PAGE_SIZE - 1);
		n += sysfs_emit_at(buf, n, "\n");
		break;
	}
	return n;
}

static const struct kernel_param_ops pcq_param_ops = {
	.set = pcq_param_set,
	.get = pcq_param_get,
};

#define PCQ_BOOL_PARAM(name_, field) {					\
	.name = name_,							\
	.kind = PCQ_PARAM_BOOL,						\
	.offset = offsetof(struct pcq_params, field),			\
	.accepted = "Y or N (also 1/0, yes/no, on/off, true/false)",	\
}

static struct pcq_param pcq_param_enable = PCQ_BOOL_PARAM("enable", enable);
module_param_cb(enable, &pcq_param_ops, &pcq_param_enable, 0644);
MODULE_PARM_DESC(enable, "Arm the panic handler (default: Y)");

static struct pcq_param pcq_param_dry_run = PCQ_BOOL_PARAM("dry_run", settings.dry_run);
module_param_cb(dry_run, &pcq_param_ops, &pcq_param_dry_run, 0644);
MODULE_PARM_DESC(dry_run, "At panic, verify and record the plan but write nothing (default: N)");

static struct pcq_param pcq_param_msi = PCQ_BOOL_PARAM("msi", settings.msi);
module_param_cb(msi, &pcq_param_ops, &pcq_param_msi, 0644);
MODULE_PARM_DESC(msi, "Also set INTx Disable, and disable MSI/MSI-X where Bus Master was on (default: Y)");

static struct pcq_param pcq_param_reset = {
	.name = "reset",
	.kind = PCQ_PARAM_RESET,
	.accepted = "auto, bus or none",
};
module_param_cb(reset, &pcq_param_ops, &pcq_param_reset, 0644);
MODULE_PARM_DESC(reset, "auto: Secondary Bus Reset on the top-most bridges, FLR or PM reset of bus-mastering functions no bus reset reaches; bus: bus resets only; none: no reset (default: auto)");

static struct pcq_param pcq_param_skip = {
	.name = "skip",
	.kind = PCQ_PARAM_SKIP,
	.accepted = "a comma list of [seg:]bus:dev.fn and vendor:device in hex, at most "
		    __stringify(PCQ_MAX_SKIP) " entries, or empty",
};
module_param_cb(skip, &pcq_param_ops, &pcq_param_skip, 0644);
MODULE_PARM_DESC(skip, "Functions to leave untouched: comma list of [seg:]bus:dev.fn and vendor:device, hex (default: empty)");

#define PCQ_MS_PARAM(field, lo, hi, why) {				\
	.name = #field,							\
	.kind = PCQ_PARAM_MS,						\
	.offset = offsetof(struct pcq_params, settings.field),		\
	.min = lo,							\
	.max = hi,							\
	.accepted = "whole milliseconds from " __stringify(lo) why	\
		    " to " __stringify(hi),				\
}

static struct pcq_param pcq_param_reset_hold_ms =
	PCQ_MS_PARAM(reset_hold_ms, PCQ_RESET_HOLD_MIN_MS, PCQ_RESET_HOLD_MAX_MS,
		     " (the PCIe minimum)");
module_param_cb(reset_hold_ms, &pcq_param_ops, &pcq_param_reset_hold_ms, 0644);
MODULE_PARM_DESC(reset_hold_ms, "Secondary Bus Reset hold time in ms, at least 1 (default: "
		 __stringify(PCQ_RESET_HOLD_DEF_MS) ")");

static struct pcq_param pcq_param_budget_ms =
	PCQ_MS_PARAM(budget_ms, PCQ_BUDGET_MIN_MS, PCQ_BUDGET_MAX_MS, "");
module_param_cb(budget_ms, &pcq_param_ops, &pcq_param_budget_ms, 0644);
MODULE_PARM_DESC(budget_ms, "Total panic-path time budget in ms (default: "
		 __stringify(PCQ_BUDGET_DEF_MS) ")");
