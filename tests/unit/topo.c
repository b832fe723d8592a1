// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "fake_pci.h"
#include "topo.h"

void topo_init(struct topo *t, u8 method)
{
	memset(t, 0, sizeof(*t));
	t->next_bus = 1;
	t->method = method;
}

static int topo_add(struct topo *t, int parent, u8 dev, u8 fn)
{
	struct tnode *n;

	if (t->nr == TOPO_MAX) {
		fprintf(stderr, "topo: too many functions\n");
		abort();
	}
	n = &t->n[t->nr];
	memset(n, 0, sizeof(*n));
	n->parent = parent;
	n->pf = -1;
	n->bus = parent >= 0 ? t->n[parent].sec : 0;
	n->devfn = dev << 3 | fn;
	n->command = TOPO_CMD;
	n->method = t->method;
	return t->nr++;
}

int topo_host(struct topo *t)
{
	int i = topo_add(t, -1, 0, 0);
	struct tnode *n = &t->n[i];

	n->type = PCQ_TYPE_HOST_BRIDGE;
	n->vendor = 0x8086;
	n->device = 0x29c0;
	n->class = 0x060000;
	n->command = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	return i;
}

int topo_ep(struct topo *t, int parent, u8 dev, u8 fn)
{
	int i = topo_add(t, parent, dev, fn);
	struct tnode *n = &t->n[i];

	n->type = PCQ_TYPE_ENDPOINT;
	n->vendor = 0x8086;
	n->device = 0x10d3;
	n->class = 0x020000;
	n->msi_cap = TOPO_MSI_CAP;
	n->msix_cap = TOPO_MSIX_CAP;
	n->msi_on = true;
	n->msix_on = true;
	return i;
}

int topo_vf(struct topo *t, int pf, u8 n)
{
	int i = topo_add(t, t->n[pf].parent, 0, 0);
	struct tnode *v = &t->n[i];

	v->type = PCQ_TYPE_ENDPOINT;
	v->pf = pf;
	v->seg = t->n[pf].seg;
	v->devfn = t->n[pf].devfn + n;
	v->vendor = t->n[pf].vendor;
	v->device = 0x10ed;
	v->class = t->n[pf].class;
	v->flags = PCQ_F_VF;
	v->msix_cap = TOPO_MSIX_CAP;
	v->msix_on = true;
	v->command = PCI_COMMAND_MASTER;	/* VF Memory Space lives in the PF */
	t->n[pf].sriov_cap = TOPO_SRIOV_CAP;
	t->n[pf].vfe = true;
	return i;
}

void topo_flr(struct topo *t, int i)
{
	t->n[i].pcie_cap = TOPO_PCIE_CAP;
	t->n[i].flags |= PCQ_F_FLR;
}

void topo_af_flr(struct topo *t, int i)
{
	t->n[i].af_cap = TOPO_AF_CAP;
	t->n[i].flags |= PCQ_F_AF_FLR;
}

void topo_pm(struct topo *t, int i)
{
	t->n[i].pm_cap = TOPO_PM_CAP;
	t->n[i].flags |= PCQ_F_PM_RESET;
}

int topo_bridge(struct topo *t, int parent, u8 type, u8 dev, u8 fn)
{
	int i = topo_add(t, parent, dev, fn);
	struct tnode *n = &t->n[i];

	n->type = type;
	n->hdr = PCI_HEADER_TYPE_BRIDGE;
	n->sec = t->next_bus++;
	n->sub = n->sec;
	n->class = 0x060400;
	n->bridge_ctl = TOPO_BRCTL;
	n->msi_cap = TOPO_MSI_CAP;
	n->msi_on = true;
	switch (type) {
	case PCQ_TYPE_ROOT_PORT:
		n->vendor = 0x1b36;
		n->device = 0x000c;
		break;
	case PCQ_TYPE_UPSTREAM_PORT:
		n->vendor = 0x104c;
		n->device = 0x8232;
		break;
	case PCQ_TYPE_DOWNSTREAM_PORT:
		n->vendor = 0x104c;
		n->device = 0x8233;
		break;
	default:
		n->vendor = 0x1b36;
		n->device = 0x0001;
		n->msi_cap = 0;
		n->msi_on = false;
		break;
	}
	return i;
}

struct pcq_settings topo_settings(void)
{
	return (struct pcq_settings)PCQ_SETTINGS_DEFAULT;
}

static void topo_fake(const struct tnode *n, int i)
{
	fake.fn[i].msi_cap = n->msi_cap;
	fake.fn[i].msix_cap = n->msix_cap;
	fake.fn[i].pcie_cap = n->pcie_cap;
	fake.fn[i].af_cap = n->af_cap;
	/* SR-IOV r1.1 sec 3.4.1.1-2: a VF's IDs read all-ones */
	fake_set16(i, PCI_VENDOR_ID, n->pf >= 0 ? 0xffff : n->vendor);
	fake_set16(i, PCI_DEVICE_ID, n->pf >= 0 ? 0xffff : n->device);
	fake_set16(i, PCI_COMMAND, n->command);
	fake_set16(i, PCI_STATUS, TOPO_STATUS);
	fake_set32(i, PCI_CLASS_REVISION, n->class << 8 | 0x01);
	fake_set8(i, PCI_HEADER_TYPE, n->hdr | (n->multifn ? 0x80 : 0));
	if (n->hdr == PCI_HEADER_TYPE_BRIDGE) {
		fake_set8(i, PCI_PRIMARY_BUS, n->bus);
		fake_set8(i, PCI_SECONDARY_BUS, n->sec);
		fake_set8(i, PCI_SUBORDINATE_BUS, n->sub);
		fake_set16(i, PCI_SEC_STATUS, TOPO_SEC_STATUS);
		fake_set16(i, PCI_BRIDGE_CONTROL, n->bridge_ctl);
	}
	if (n->msi_cap) {
		fake_set8(i, PCI_CAPABILITY_LIST, n->msi_cap);
		fake_set8(i, n->msi_cap, PCI_CAP_ID_MSI);
		fake_set8(i, n->msi_cap + 1, n->msix_cap);
		fake_set16(i, n->msi_cap + PCI_MSI_FLAGS, PCI_MSI_FLAGS_64BIT |
			   (n->msi_on ? PCI_MSI_FLAGS_ENABLE : 0));
	}
	if (n->msix_cap) {
		if (!n->msi_cap)
			fake_set8(i, PCI_CAPABILITY_LIST, n->msix_cap);
		fake_set8(i, n->msix_cap, PCI_CAP_ID_MSIX);
		fake_set16(i, n->msix_cap + PCI_MSIX_FLAGS, 0x0003 |
			   (n->msix_on ? PCI_MSIX_FLAGS_ENABLE : 0));
	}
	/* Capabilities the planner knows from flags; only registers here. */
	if (n->pcie_cap) {
		fake_set8(i, n->pcie_cap, PCI_CAP_ID_EXP);
		fake_set16(i, n->pcie_cap + PCI_EXP_DEVCTL, TOPO_DEVCTL);
		fake_set16(i, n->pcie_cap + PCI_EXP_DEVSTA, PCI_EXP_DEVSTA_CED);
	}
	if (n->af_cap) {
		fake_set8(i, n->af_cap, PCI_CAP_ID_AF);
		fake_set8(i, n->af_cap + PCI_AF_CAP, PCI_AF_CAP_TP | PCI_AF_CAP_FLR);
	}
	if (n->pm_cap) {
		fake_set8(i, n->pm_cap, PCI_CAP_ID_PM);
		/* D0, PME_Status set: RW1C, nobody may write it as 1 */
		fake_set16(i, n->pm_cap + PCI_PM_CTRL, PCI_PM_CTRL_PME_STATUS);
	}
	if (n->sriov_cap)
		fake_set16(i, n->sriov_cap + PCI_SRIOV_CTRL,
			   n->vfe ? PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE : 0);
}

/*
 * Number the buses below @p (-1: the root bus 0) depth first from @next;
 * return the next free bus number.
 */
static int topo_number(struct topo *t, int p, int next, int depth)
{
	int i;

	for (i = 0; i < t->nr && depth < TOPO_MAX; i++) {
		struct tnode *n = &t->n[i];

		if (n->parent != p || i == p)
			continue;
		n->bus = (p < 0 ? 0 : t->n[p].sec) + n->vbus;
		if (n->hdr != PCI_HEADER_TYPE_BRIDGE)
			continue;
		n->sec = next++;
		next = topo_number(t, i, next, depth + 1);
		n->sub = next - 1;
	}
	return next;
}

struct pcq_snapshot *topo_build(struct topo *t, const struct pcq_settings *s,
			       const struct pcq_skip_list *skip)
{
	static const struct pcq_skip_list none;
	struct pcq_snapshot *snap;
	int i;

	/* Bus numbers in depth-first order, as firmware and Linux assign them. */
	topo_number(t, -1, 1, 0);

	fake_reset();
	snap = calloc(1, pcq_snapshot_size(t->nr));
	if (!snap)
		abort();
	pcq_snapshot_init(snap, t->nr);
	snap->generation = 7;
	snap->settings = *s;

	for (i = 0; i < t->nr; i++) {
		const struct tnode *n = &t->n[i];
		struct pcq_func *f = &snap->func[i];

		if (fake_add(n->seg, n->bus, n->devfn) != i)
			abort();
		topo_fake(n, i);

		f->ecam = n->method == TOPO_ACCESS_ECAM ? fake_page(i) : NULL;
		f->seg = n->seg;
		f->bus = n->bus;
		f->devfn = n->devfn;
		f->vendor = n->vendor;
		f->device = n->device;
		f->class_rev = n->class << 8 | 0x01;
		f->hdr_type = n->hdr;
		f->type = n->type;
		f->msi_cap = n->msi_cap;
		f->msix_cap = n->msix_cap;
		f->sriov_cap = n->sriov_cap;
		f->flags = n->flags;
		if (n->method == TOPO_ACCESS_CONF1)
			f->flags |= PCQ_F_CONF1;
		/* display: the snapshot flags it by class (facts.c) */
		f->flags |= pcq_fact_class_flags(f->class_rev) & PCQ_F_VGA;
		if (f->flags & PCQ_F_FLR)
			f->reset_cap = n->pcie_cap;
		else if (f->flags & PCQ_F_AF_FLR)
			f->reset_cap = n->af_cap;
		else if (f->flags & PCQ_F_PM_RESET)
			f->reset_cap = n->pm_cap;
		f->parent = n->parent;
		f->pf = n->pf;
		/* as the snapshot builder's sort key has it; 0 for a bogus link */
		if (n->pf >= 0 && n->pf < i)
			f->depth = snap->func[n->pf].depth;
		else if (n->parent >= 0 && n->parent < i)
			f->depth = snap->func[n->parent].depth + 1;
	}
	pcq_plan(snap, skip ? skip : &none);
	pcq_snapshot_seal(snap);
	return snap;
}

void topo_walk(struct pcq_snapshot *s, enum pcq_walk_mode mode, struct pcq_run *r)
{
	pcq_walk(s, pcq_snapshot_state(s), mode, r);
}
