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
#include "show.h"

static struct dentry *pcq_debugfs_dir;

/* The position after the last function: the stale line, if there is one. */
static const char pcq_devices_stale_line[] = "stale";

/*
 * devices is one line per function, 10^5 of them on a large SR-IOV host:
 * a seq_file iterator, a page at a time, under the state lock from start
 * to stop.  The position is the function's index; the one after the last
 * function is the stale line, if there is one.
 */
static void *pcq_devices_at(loff_t *pos)
{
	const struct pcq_snapshot *snap = pcq_snapshot_locked();

	if (!snap || *pos < 0 || *pos > snap->nr)
		return NULL;
	if (*pos < snap->nr)
		return pos;
	return pcq_snapshot_stale_locked() ? (void *)pcq_devices_stale_line : NULL;
}

/* Takes the state lock, which pcq_devices_stop() drops. */
static void *pcq_devices_start(struct seq_file *m, loff_t *pos)
{
	pcq_lock_state();
	return pcq_devices_at(pos);
}

static void *pcq_devices_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return pcq_devices_at(pos);
}

static void pcq_devices_stop(struct seq_file *m, void *v)
{
	pcq_unlock_state();
}

static int pcq_devices_show(struct seq_file *m, void *v)
{
	const struct pcq_snapshot *snap = pcq_snapshot_locked();

	if (v == pcq_devices_stale_line)
		seq_printf(m, "# stale: the last rescan failed (%d); this is generation %llu, from before it\n",
			   pcq_snapshot_stale_locked(), snap->generation);
	else
		pcq_show_device(m, snap, *(loff_t *)v);
	return 0;
}

static const struct seq_operations pcq_devices_sops = {
	.start	= pcq_devices_start,
	.next	= pcq_devices_next,
	.stop	= pcq_devices_stop,
	.show	= pcq_devices_show,
};
DEFINE_SEQ_ATTRIBUTE(pcq_devices);

static int pcq_plan_show(struct seq_file *m, void *v)
{
	const struct pcq_snapshot *snap;

	pcq_lock_state();
	snap = pcq_snapshot_locked();
	if (snap)
		pcq_show_plan(m, snap);
	pcq_unlock_state();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pcq_plan);

static int pcq_last_run_show(struct seq_file *m, void *v)
{
	const struct pcq_snapshot *snap;
	u64 published = 0;
	struct pcq_run run;
	int stale;

	pcq_last_run_get(&run);
	pcq_lock_state();
	stale = pcq_snapshot_stale_locked();
	snap = pcq_snapshot_locked();
	if (snap)
		published = snap->generation;
	pcq_unlock_state();

	seq_printf(m, "state=%s\n", pcq_state_name(run.state));
	seq_printf(m, "abort_reason=%s\n", pcq_abort_name(run.abort));
	seq_printf(m, "abort_phase=%s\n", pcq_phase_name(run.abort_phase));
	seq_printf(m, "functions_quiesced=%u\n", run.functions_quiesced);
	seq_printf(m, "bridges_reset=%u\n", run.bridges_reset);
	seq_printf(m, "functions_reset=%u\n", run.functions_reset);
	seq_printf(m, "no_reset=%u\n", run.no_reset);
	seq_printf(m, "no_reset_dma=%u\n", run.no_reset_dma);
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
	seq_printf(m, "accessors=%s\n", run.mode == PCQ_WALK_PCI_CORE ? "pci-core" : "lock-free");
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
	err = pcq_dry_run_now();
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
