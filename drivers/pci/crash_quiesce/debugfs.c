// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/pci_crash_quiesce/
 *
 *   devices      the snapshot, one function per line
 *   plan         the steps the panic path will take, in order
 *   last_run     what the last walk (panic or dry run) did
 *   rescan       write 1: snapshot and plan again now
 *   dry_run_now  write 1: walk the plan now, config reads only
 *
 * Every file is root-only: the snapshot holds config-space addresses, and a
 * walk, even a dry one, makes config accesses.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "core.h"

static struct dentry *cq_debugfs_dir;

static void cq_seq_bdf(struct seq_file *m, const struct cq_func *f)
{
	/* as lspci -D: four hex digits at least, more for a wider domain */
	seq_printf(m, "%04x:%02x:%02x.%x", f->seg, f->bus, PCI_SLOT(f->devfn),
		   PCI_FUNC(f->devfn));
}

/* " reset=": bus:<bridge>, flr, af-flr, pm, pf, or none:<why> */
static void cq_seq_reach(struct seq_file *m, const struct cq_snapshot *snap,
			 const struct cq_func *f)
{
	seq_printf(m, " reset=%s", cq_reach_name(f->reach));
	if (f->reach == CQ_REACH_BUS) {
		seq_putc(m, ':');
		cq_seq_bdf(m, &snap->func[f->reset_by]);
	} else if (f->reach == CQ_REACH_NONE) {
		seq_printf(m, ":%s", cq_why_name(f->why));
	}
}

static const char *cq_access_name(u8 method)
{
	switch (method) {
	case CQ_ACCESS_ECAM:
		return "ecam";
	case CQ_ACCESS_CONF1:
		return "conf1";
	default:
		return "none";
	}
}

static int cq_devices_show(struct seq_file *m, void *v)
{
	const struct cq_snapshot *snap;
	unsigned int i;

	mutex_lock(&cq_lock);
	snap = cq_snapshot_locked();
	for (i = 0; snap && i < snap->nr; i++) {
		const struct cq_func *f = &snap->func[i];

		cq_seq_bdf(m, f);
		seq_printf(m, " %04x:%04x class=%06x type=%s parent=", f->vendor,
			   f->device, f->class_rev >> 8, cq_type_name(f->type));
		if (f->parent >= 0)
			cq_seq_bdf(m, &snap->func[f->parent]);
		else
			seq_puts(m, "-");
		seq_printf(m, " access=%s action=", cq_access_name(f->cfg.method));
		if (f->action == CQ_ACT_SKIP)
			seq_printf(m, "skip:%s", cq_skip_name(f->skip));
		else if (f->action == CQ_ACT_QUIESCE_RESET)
			seq_puts(m, "quiesce+reset");
		else
			seq_puts(m, "quiesce");
		cq_seq_reach(m, snap, f);
		if (f->pf >= 0) {
			seq_puts(m, " pf=");
			cq_seq_bdf(m, &snap->func[f->pf]);
		}
		seq_putc(m, '\n');
	}
	if (snap && cq_snapshot_stale_locked())
		seq_printf(m, "# stale: the last rescan failed (%d); this is generation %llu, from before it\n",
			   cq_snapshot_stale_locked(), snap->generation);
	mutex_unlock(&cq_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cq_devices);

static void cq_plan_show_quiesce(struct seq_file *m, const struct cq_snapshot *snap,
				 const struct cq_func *f)
{
	bool msi = snap->settings.msi;

	seq_puts(m, " quiesce ");
	cq_seq_bdf(m, f);
	seq_printf(m, " %s: bus-master%s%s%s", cq_type_name(f->type),
		   msi ? " intx" : "", msi && f->msi_cap ? " msi" : "",
		   msi && f->msix_cap ? " msix" : "");
	switch (f->noreset) {
	case CQ_NORESET_MODE:
	case CQ_NORESET_EMPTY:
		seq_printf(m, "; no reset: %s", cq_noreset_name(f->noreset));
		break;
	case CQ_NORESET_BLOCKED:
		seq_puts(m, "; no reset: subtree holds ");
		cq_seq_bdf(m, &snap->func[f->blocker]);
		break;
	default:
		break;
	}
	if (f->reach == CQ_REACH_NONE && f->why != CQ_WHY_BRIDGE)
		seq_printf(m, "; no reset path: %s", cq_why_name(f->why));
	seq_putc(m, '\n');
}

static int cq_plan_show(struct seq_file *m, void *v)
{
	const struct cq_snapshot *snap;
	unsigned int k, step = 1;

	mutex_lock(&cq_lock);
	snap = cq_snapshot_locked();
	if (!snap)
		goto out_unlock;
	for (k = 0; k < snap->nr_order; k++) {
		seq_printf(m, "%u", step++);
		cq_plan_show_quiesce(m, snap, &snap->func[snap->order[k]]);
	}
	if (snap->nr_fresets)
		seq_printf(m, "%u wait transactions-pending at most %u ms\n", step++,
			   CQ_TP_WAIT_MS);
	for (k = 0; k < snap->nr_fresets; k++) {
		const struct cq_func *f = &snap->func[snap->fresets[k]];

		seq_printf(m, "%u %s ", step++, cq_reach_name(f->reach));
		cq_seq_bdf(m, f);
		seq_puts(m, " if bus master\n");
	}
	for (k = 0; k < snap->nr_resets; k++) {
		seq_printf(m, "%u reset-assert ", step++);
		cq_seq_bdf(m, &snap->func[snap->resets[k]]);
		seq_putc(m, '\n');
	}
	if (snap->nr_resets)
		seq_printf(m, "%u hold %u ms\n", step++, snap->settings.reset_hold_ms);
	for (k = 0; k < snap->nr_resets; k++) {
		seq_printf(m, "%u reset-release ", step++);
		cq_seq_bdf(m, &snap->func[snap->resets[k]]);
		seq_putc(m, '\n');
	}
out_unlock:
	mutex_unlock(&cq_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cq_plan);

static int cq_last_run_show(struct seq_file *m, void *v)
{
	struct cq_run run;
	int stale;

	mutex_lock(&cq_lock);
	run = cq_last_run;
	stale = cq_snapshot_stale_locked();
	mutex_unlock(&cq_lock);

	seq_printf(m, "state=%s\n", cq_state_name(run.state));
	seq_printf(m, "abort_reason=%s\n", cq_abort_name(run.abort));
	seq_printf(m, "functions_quiesced=%u\n", run.functions_quiesced);
	seq_printf(m, "bridges_reset=%u\n", run.bridges_reset);
	seq_printf(m, "functions_reset=%u\n", run.functions_reset);
	seq_printf(m, "no_reset=%u\n", run.no_reset);
	seq_printf(m, "skipped=%u\n", run.skipped);
	seq_printf(m, "mismatched=%u\n", run.mismatched);
	seq_printf(m, "config_reads=%u\n", run.config_reads);
	seq_printf(m, "config_writes=%u\n", run.config_writes);
	seq_printf(m, "planned_writes=%u\n", run.planned_writes);
	seq_printf(m, "duration_ns=%llu\n", run.duration_ns);
	seq_printf(m, "reset_hold_ns=%llu\n", run.reset_hold_ns);
	seq_printf(m, "tp_pending=%u\n", run.tp_pending);
	seq_printf(m, "tp_wait_ns=%llu\n", run.tp_wait_ns);
	seq_printf(m, "accessors=%s\n", run.locked ? "pci-core" : "lock-free");
	seq_printf(m, "snapshot_generation=%llu\n", run.snapshot_generation);
	seq_printf(m, "snapshot_stale=%d\n", stale);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cq_last_run);

/* Accept exactly "1", with or without a newline. */
static int cq_debugfs_trigger(const char __user *ubuf, size_t count,
			      const char *file)
{
	char buf[3] = { };

	if (!count || count >= sizeof(buf) ||
	    copy_from_user(buf, ubuf, count) ||
	    (strcmp(buf, "1") && strcmp(buf, "1\n"))) {
		pr_err("%s: write 1 to trigger it; nothing else is accepted\n", file);
		return -EINVAL;
	}
	return 0;
}

static ssize_t cq_rescan_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	int err = cq_debugfs_trigger(ubuf, count, "rescan");

	if (err)
		return err;
	mutex_lock(&cq_lock);
	err = cq_rebuild_locked();
	mutex_unlock(&cq_lock);
	return err ? err : count;
}

static const struct file_operations cq_rescan_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= cq_rescan_write,
	.llseek	= noop_llseek,
};

static ssize_t cq_dry_run_now_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	int err = cq_debugfs_trigger(ubuf, count, "dry_run_now");

	if (err)
		return err;
	mutex_lock(&cq_lock);
	cq_dry_run_now_locked();
	mutex_unlock(&cq_lock);
	return count;
}

static const struct file_operations cq_dry_run_now_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= cq_dry_run_now_write,
	.llseek	= noop_llseek,
};

/**
 * cq_debugfs_init() - create the debugfs files
 *
 * Failures are not fatal and not reported: debugfs is optional.
 *
 * Context: process context.
 */
void cq_debugfs_init(void)
{
	cq_debugfs_dir = debugfs_create_dir("pci_crash_quiesce", NULL);
	debugfs_create_file("devices", 0400, cq_debugfs_dir, NULL, &cq_devices_fops);
	debugfs_create_file("plan", 0400, cq_debugfs_dir, NULL, &cq_plan_fops);
	debugfs_create_file("last_run", 0400, cq_debugfs_dir, NULL, &cq_last_run_fops);
	debugfs_create_file("rescan", 0200, cq_debugfs_dir, NULL, &cq_rescan_fops);
	debugfs_create_file("dry_run_now", 0200, cq_debugfs_dir, NULL,
			    &cq_dry_run_now_fops);
}

/**
 * cq_debugfs_exit() - remove the debugfs files
 *
 * Context: process context; waits for open files' operations to finish.
 */
void cq_debugfs_exit(void)
{
	debugfs_remove_recursive(cq_debugfs_dir);
}
