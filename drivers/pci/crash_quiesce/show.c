// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot as text: the devices listing (one line per function) and
 * the plan listing (the steps of the walk, in order), the formats of the
 * debugfs files devices and plan.
 */
#include <linux/pci.h>
#include <linux/seq_file.h>

#include "crash_quiesce.h"
#include "show.h"

static void pcq_seq_bdf(struct seq_file *m, const struct pcq_func *f)
{
	/* as lspci -D: four hex digits at least, more for a wider domain */
	seq_printf(m, "%04x:%02x:%02x.%x", f->seg, f->bus, PCI_SLOT(f->devfn),
		   PCI_FUNC(f->devfn));
}

/*
 * Why no reset reaches a function, as its devices line says: a bridge is
 * no DMA source of its own, so nothing resets it for its own sake (its
 * step's why is about its bus).
 */
static const char *pcq_why_shown(const struct pcq_func *f, const struct pcq_step *s)
{
	if (s->action == PCQ_ACT_SKIP)
		return pcq_why_name(PCQ_WHY_SKIPPED);
	if (pcq_is_bridge(f))
		return "bridge";
	return pcq_why_name(s->why);
}

/* " reset=": bus:<bridge>, flr, af-flr, pm, pf, or none:<why> */
static void pcq_seq_reach(struct seq_file *m, const struct pcq_snapshot *snap,
			  const struct pcq_func *f, const struct pcq_step *s)
{
	seq_printf(m, " reset=%s", pcq_reach_name(s->reach));
	if (s->reach == PCQ_REACH_BUS) {
		seq_putc(m, ':');
		pcq_seq_bdf(m, &snap->func[s->reset_by]);
	} else if (s->reach == PCQ_REACH_NONE) {
		seq_printf(m, ":%s", pcq_why_shown(f, s));
	}
}

/**
 * pcq_show_device() - one line of the devices listing
 * @m:    where to print
 * @snap: the snapshot
 * @i:    index of the function of @snap to describe
 *
 * Context: process context.
 */
void pcq_show_device(struct seq_file *m, const struct pcq_snapshot *snap, u32 i)
{
	const struct pcq_func *f = &snap->func[i];
	const struct pcq_step *s = &snap->step[i];

	pcq_seq_bdf(m, f);
	seq_printf(m, " %04x:%04x class=%06x type=%s parent=", f->vendor,
		   f->device, f->class_rev >> 8, pcq_type_name(f->type));
	if (f->parent >= 0)
		pcq_seq_bdf(m, &snap->func[f->parent]);
	else
		seq_puts(m, "-");
	seq_printf(m, " access=%s action=", pcq_access_name(f));
	if (s->action == PCQ_ACT_SKIP)
		seq_printf(m, "skip:%s", pcq_skip_name(s->skip));
	else if (s->action == PCQ_ACT_QUIESCE_RESET)
		seq_puts(m, "quiesce+reset");
	else
		seq_puts(m, "quiesce");
	pcq_seq_reach(m, snap, f, s);
	if (f->pf >= 0) {
		seq_puts(m, " pf=");
		pcq_seq_bdf(m, &snap->func[f->pf]);
	}
	if (s->keep_master)
		seq_puts(m, " bus-master=kept");
	seq_putc(m, '\n');
}

static void pcq_plan_show_quiesce(struct seq_file *m, const struct pcq_snapshot *snap,
				  u32 i)
{
	const struct pcq_func *f = &snap->func[i];
	const struct pcq_step *s = &snap->step[i];
	bool msi = snap->settings.msi;

	seq_puts(m, " quiesce ");
	pcq_seq_bdf(m, f);
	/* a VF has no INTx: its INTx Disable bit is read-only zero */
	seq_printf(m, " %s%s:%s%s%s%s", pcq_type_name(f->type),
		   f->flags & PCQ_F_VF ? " vf" : "", s->keep_master ? "" : " bus-master",
		   msi && !(f->flags & PCQ_F_VF) ? " intx" : "",
		   msi && f->msi_cap ? " msi" : "", msi && f->msix_cap ? " msix" : "");
	if (s->keep_master) {
		seq_puts(m, "; keeps bus-master: ");
		pcq_seq_bdf(m, &snap->func[s->blocker]);
		seq_puts(m, " below it is skipped");
	}
	if (pcq_is_bridge(f) && s->reach == PCQ_REACH_NONE) {
		switch (s->why) {
		case PCQ_WHY_MODE:
		case PCQ_WHY_EMPTY:
		case PCQ_WHY_SBR_MASKED:
			seq_printf(m, "; no reset: %s", pcq_why_name(s->why));
			break;
		case PCQ_WHY_BLOCKED:
			seq_puts(m, "; no reset: subtree holds ");
			pcq_seq_bdf(m, &snap->func[s->blocker]);
			break;
		default:
			break;
		}
	} else if (s->reach == PCQ_REACH_NONE) {
		seq_printf(m, "; no reset path: %s", pcq_why_name(s->why));
	}
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
	unsigned int step = 1;
	u32 k, i;
	s32 n;

	for (k = 0; (n = pcq_plan_next_quiesce(snap, &k)) >= 0; ) {
		seq_printf(m, "%u", step++);
		pcq_plan_show_quiesce(m, snap, n);
	}
	if (snap->nr_fn_resets)
		seq_printf(m, "%u wait transactions-pending at most %u ms\n", step++,
			   PCQ_TP_WAIT_MS);
	for (k = 0; (n = pcq_plan_next_fn_reset(snap, &k)) >= 0; ) {
		seq_printf(m, "%u %s ", step++, pcq_reach_name(snap->step[n].reach));
		pcq_seq_bdf(m, &snap->func[n]);
		seq_printf(m, " if bus master%s\n",
			   snap->step[n].resets_vfs ? ", or a VF it resets is" : "");
	}
	for (i = 0; i < snap->nr; i++) {
		if (snap->step[i].action != PCQ_ACT_QUIESCE_RESET)
			continue;
		seq_printf(m, "%u reset-assert ", step++);
		pcq_seq_bdf(m, &snap->func[i]);
		seq_putc(m, '\n');
	}
	if (snap->nr_bus_resets)
		seq_printf(m, "%u hold %u ms\n", step++, snap->settings.reset_hold_ms);
	for (i = 0; i < snap->nr; i++) {
		if (snap->step[i].action != PCQ_ACT_QUIESCE_RESET)
			continue;
		seq_printf(m, "%u reset-release ", step++);
		pcq_seq_bdf(m, &snap->func[i]);
		seq_putc(m, '\n');
	}
}
