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

static struct dentry *pcq_debugfs_dir;

static void pcq_seq_bdf(struct seq_file *m, const struct pcq_func *f)
{
	/* as lspci -D: four hex digits at least, more for a wider domain */
	seq_printf(m, "%04x:%02x:%02x.%x", f->seg, f->bus, PCI_SLOT(f->devfn),
		   PCI_FUNC(f->devfn));
}

/* " reset=": bus:<bridge>, flr, af-flr, pm, pf, or none:<why> */
static void pcq_seq_reach(struct seq_file *m, const struct pcq_snapshot *snap,
			  const struct pcq_func *f)
{
	seq_printf(m, " reset=%s", pcq_reach_name(f->reach));
	if (f->reach == PCQ_REACH_BUS) {
		seq_putc(m, ':');
		pcq_seq_bdf(m, &snap->func[f->reset_by]);
	} else if (f->reach == PCQ_REACH_NONE) {
		seq_printf(m, ":%s", pcq_why_name(f->why));
	}
}

static const char *pcq_access_name(u8 method)
{
	switch (method) {
	case PCQ_ACCESS_ECAM:
		return "ecam";
	case PCQ_ACCESS_CONF1:
		return "conf1";
	default:
		return "none";
	}
}

/* One line of devices: function @f of @snap. */
static void pcq_devices_line(struct seq_file *m, const struct pcq_snapshot *snap,
			     const struct pcq_func *f)
{
	pcq_seq_bdf(m, f);
	seq_printf(m, " %04x:%04x class=%06x type=%s parent=", f->vendor,
		   f->device, f->class_rev >> 8, pcq_type_name(f->type));
	if (f->parent >= 0)
		pcq_seq_bdf(m, &snap->func[f->parent]);
	else
		seq_puts(m, "-");
	seq_printf(m, " access=%s action=", pcq_access_name(f->cfg.method));
	if (f->action == PCQ_ACT_SKIP)
		seq_printf(m, "skip:%s", pcq_skip_name(f->skip));
	else if (f->action == PCQ_ACT_QUIESCE_RESET)
		seq_puts(m, "quiesce+reset");
	else
		seq_puts(m, "quiesce");
	pcq_seq_reach(m, snap, f);
	if (f->pf >= 0) {
		seq_puts(m, " pf=");
		pcq_seq_bdf(m, &snap->func[f->pf]);
	}
	if (f->flags & PCQ_F_KEEP_MASTER)
		seq_puts(m, " bus-master=kept");
	seq_putc(m, '\n');
}

/* The position after the last function: the stale line, if there is one. */
static const char pcq_devices_stale_line[] = "stale";

/*
 * devices is one line per function, 10^5 of them on a large SR-IOV host:
 * a seq_file iterator, a page at a time, under pcq_lock from start to stop.
 */
static void *pcq_devices_at(loff_t pos)
	__must_hold(&pcq_lock)
{
	const struct pcq_snapshot *snap = pcq_snapshot_locked();

	if (!snap || pos < 0 || pos > snap->nr)
		return NULL;
	if (pos < snap->nr)
		return (void *)&snap->func[pos];
	return pcq_snapshot_stale_locked() ? (void *)pcq_devices_stale_line : NULL;
}

/* Takes pcq_lock, which pcq_devices_stop() drops (a mutex: no __acquires). */
static void *pcq_devices_start(struct seq_file *m, loff_t *pos)
{
	mutex_lock(&pcq_lock);
	return pcq_devices_at(*pos);
}

static void *pcq_devices_next(struct seq_file *m, void *v, loff_t *pos)
	__must_hold(&pcq_lock)
{
	return pcq_devices_at(++*pos);
}

static void pcq_devices_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&pcq_lock);
}

static int pcq_devices_show(struct seq_file *m, void *v)
	__must_hold(&pcq_lock)
{
	const struct pcq_snapshot *snap = pcq_snapshot_locked();

	if (v == pcq_devices_stale_line)
		seq_printf(m, "# stale: the last rescan failed (%d); this is generation %llu, from before it\n",
			   pcq_snapshot_stale_locked(), snap->generation);
	else
		pcq_devices_line(m, snap, v);
	return 0;
}

static const struct seq_operations pcq_devices_sops = {
	.start	= pcq_devices_start,
	.next	= pcq_devices_next,
	.stop	= pcq_devices_stop,
	.show	= pcq_devices_show,
};
DEFINE_SEQ_ATTRIBUTE(pcq_devices);

static void pcq_plan_show_quiesce(struct seq_file *m, const struct pcq_snapshot *snap,
				  const struct pcq_func *f)
{
	bool msi = snap->settings.msi, keep = f->flags & PCQ_F_KEEP_MASTER;

	seq_puts(m, " quiesce ");
	pcq_seq_bdf(m, f);
	/* a VF has no INTx: its INTx Disable bit is read-only zero */
	seq_printf(m, " %s%s:%s%s%s%s", pcq_type_name(f->type),
		   f->flags & PCQ_F_VF ? " vf" : "", keep ? "" : " bus-master",
		   msi && !(f->flags & PCQ_F_VF) ? " intx" : "",
		   msi && f->msi_cap ? " msi" : "", msi && f->msix_cap ? " msix" : "");
	if (keep) {
		seq_puts(m, "; keeps bus-master: ");
		pcq_seq_bdf(m, &snap->func[f->blocker]);
		seq_puts(m, " below it is skipped");
	}
	switch (f->noreset) {
	case PCQ_NORESET_MODE:
	case PCQ_NORESET_EMPTY:
	case PCQ_NORESET_SBR_MASKED:
		seq_printf(m, "; no reset: %s", pcq_noreset_name(f->noreset));
		break;
	case PCQ_NORESET_BLOCKED:
		seq_puts(m, "; no reset: subtree holds ");
		pcq_seq_bdf(m, &snap->func[f->blocker]);
		break;
	default:
		break;
	}
	if (f->reach == PCQ_REACH_NONE && f->why != PCQ_WHY_BRIDGE)
		seq_printf(m, "; no reset path: %s", pcq_why_name(f->why));
	seq_putc(m, '\n');
}

static int pcq_plan_show(struct seq_file *m, void *v)
{
	const struct pcq_snapshot *snap;
	unsigned int k, step = 1;

	mutex_lock(&pcq_lock);
	snap = pcq_snapshot_locked();
	if (!snap)
		goto out_unlock;
	for (k = 0; k < snap->nr_order; k++) {
		seq_printf(m, "%u", step++);
		pcq_plan_show_quiesce(m, snap, &snap->func[snap->order[k]]);
	}
	if (snap->nr_fresets)
		seq_printf(m, "%u wait transactions-pending at most %u ms\n", step++,
			   PCQ_TP_WAIT_MS);
	for (k = 0; k < snap->nr_fresets; k++) {
		const struct pcq_func *f = &snap->func[snap->fresets[k]];

		seq_printf(m, "%u %s ", step++, pcq_reach_name(f->reach));
		pcq_seq_bdf(m, f);
		seq_printf(m, " if bus master%s\n",
			   f->flags & PCQ_F_RESETS_VFS ? ", or a VF it resets is" : "");
	}
	for (k = 0; k < snap->nr_resets; k++) {
		seq_printf(m, "%u reset-assert ", step++);
		pcq_seq_bdf(m, &snap->func[snap->resets[k]]);
		seq_putc(m, '\n');
	}
	if (snap->nr_resets)
		seq_printf(m, "%u hold %u ms\n", step++, snap->settings.reset_hold_ms);
	for (k = 0; k < snap->nr_resets; k++) {
		seq_printf(m, "%u reset-release ", step++);
		pcq_seq_bdf(m, &snap->func[snap->resets[k]]);
		seq_putc(m, '\n');
	}
out_unlock:
	mutex_unlock(&pcq_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pcq_plan);

static int pcq_last_run_show(struct seq_file *m, void *v)
{
	const struct pcq_snapshot *snap;
	u64 published = 0;
	struct pcq_run run;
	int stale;

	mutex_lock(&pcq_lock);
	run = pcq_last_run;
	stale = pcq_snapshot_stale_locked();
	snap = pcq_snapshot_locked();
	if (snap)
		published = snap->generation;
	mutex_unlock(&pcq_lock);

	seq_printf(m, "state=%s\n", pcq_state_name(run.state));
	seq_printf(m, "abort_reason=%s\n", pcq_abort_name(run.abort));
	seq_printf(m, "abort_phase=%s\n", pcq_phase_name(run.abort_phase));
	seq_printf(m, "functions_quiesced=%u\n", run.functions_quiesced);
	seq_printf(m, "bridges_reset=%u\n", run.bridges_reset);
	seq_printf(m, "functions_reset=%u\n", run.functions_reset);
	seq_printf(m, "no_reset=%u\n", run.no_reset);
	seq_printf(m, "unvisited=%u\n", run.unvisited);
	seq_printf(m, "skipped=%u\n", run.skipped);
	seq_printf(m, "mismatched=%u\n", run.mismatched);
	seq_printf(m, "config_reads=%u\n", run.config_reads);
	seq_printf(m, "config_writes=%u\n", run.config_writes);
	seq_printf(m, "planned_writes=%u\n", run.planned_writes);
	seq_printf(m, "duration_ns=%llu\n", run.duration_ns);
	seq_printf(m, "reset_hold_ns=%llu\n", run.reset_hold_ns);
	seq_printf(m, "tp_pending=%u\n", run.tp_pending);
	seq_printf(m, "tp_wait_ns=%llu\n", run.tp_wait_ns);
	seq_printf(m, "delays_ms=%u\n", run.delays_ms);
	seq_printf(m, "clock_stopped=%u\n", run.clock_stopped);
	seq_printf(m, "cpus_running=%u\n", run.cpus_running);
	seq_printf(m, "interrupted=%u\n", run.interrupted);
	seq_printf(m, "released=%u\n", run.released);
	seq_printf(m, "accessors=%s\n", run.locked ? "pci-core" : "lock-free");
	seq_printf(m, "snapshot_generation=%llu\n", run.snapshot_generation);
	seq_printf(m, "snapshot_stale=%d\n", stale);
	seq_printf(m, "published_generation=%llu\n", published);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pcq_last_run);

/* Accept exactly "1", with or without a newline. */
static int pcq_debugfs_trigger(const char __user *ubuf, size_t count,
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

static ssize_t pcq_rescan_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	int err = pcq_debugfs_trigger(ubuf, count, "rescan");

	if (err)
		return err;
	err = pcq_rescan();
	return err ? err : count;
}

static const struct file_operations pcq_rescan_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= pcq_rescan_write,
	.llseek	= noop_llseek,
};

static ssize_t pcq_dry_run_now_write(struct file *file, const char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	int err = pcq_debugfs_trigger(ubuf, count, "dry_run_now");

	if (err)
		return err;
	pci_lock_rescan_remove();
	mutex_lock(&pcq_lock);
	err = pcq_dry_run_now_locked();
	mutex_unlock(&pcq_lock);
	pci_unlock_rescan_remove();
	return err ? err : count;
}

static const struct file_operations pcq_dry_run_now_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= pcq_dry_run_now_write,
	.llseek	= noop_llseek,
};

/**
 * pcq_debugfs_init() - create the debugfs files
 *
 * Failures are not fatal and not reported: debugfs is optional.
 *
 * Context: process context.
 */
void pcq_debugfs_init(void)
{
	pcq_debugfs_dir = debugfs_create_dir("pci_crash_quiesce", NULL);
	debugfs_create_file("devices", 0400, pcq_debugfs_dir, NULL, &pcq_devices_fops);
	debugfs_create_file("plan", 0400, pcq_debugfs_dir, NULL, &pcq_plan_fops);
	debugfs_create_file("last_run", 0400, pcq_debugfs_dir, NULL, &pcq_last_run_fops);
	debugfs_create_file("rescan", 0200, pcq_debugfs_dir, NULL, &pcq_rescan_fops);
	debugfs_create_file("dry_run_now", 0200, pcq_debugfs_dir, NULL,
			    &pcq_dry_run_now_fops);
}

/**
 * pcq_debugfs_exit() - remove the debugfs files
 *
 * Context: process context; waits for open files' operations to finish.
 */
void pcq_debugfs_exit(void)
{
	debugfs_remove_recursive(pcq_debugfs_dir);
}
