// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot as text: the devices listing (one line per function) and
 * the plan listing (the steps of the walk, in order), the formats of the
 * debugfs files devices and plan.
 */
#include <linux/pci.h>
#include <linux/seq_file.h>

#include "core.h"

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

/**
 * pcq_show_device() - one line of the devices listing
 * @m:    where to print
 * @snap: the snapshot
 * @f:    the function of @snap to describe
 *
 * Context: process context.
 */
void pcq_show_device(struct seq_file *m, const struct pcq_snapshot *snap,
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

/**
 * pcq_show_plan() - the plan listing: the steps of @snap's walk, in order
 * @m:    where to print
 * @snap: the snapshot
 *
 * Context: process context.
 */
void pcq_show_plan(struct seq_file *m, const struct pcq_snapshot *snap)
{
	unsigned int k, step = 1;

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
}
