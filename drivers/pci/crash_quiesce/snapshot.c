// SPDX-License-Identifier: GPL-2.0
/*
 * Build a snapshot of the PCI topology in process context.
 *
 * Everything the panic path will need is gathered here, while the PCI core
 * and its locks can still be trusted: the list of functions with their IDs,
 * types and capabilities, the tree they form, and a lock-free way to reach
 * each one's config space.  For ECAM that means the kernel's own mapping of
 * the function's bus, where the kernel uses ECAM at all (pcq_ecam_bus()),
 * because ioremap() cannot be called after a panic.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bsearch.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vgaarb.h>

#include "core.h"

static_assert(PCI_NUM_RESET_METHODS > PCQ_RESET_METHOD_BUS);

/* Advanced Features FLR, as pci_af_flr() probes it. */
static bool pcq_af_flr_usable(struct pci_dev *pdev, u8 af_cap)
{
	u8 cap;

	if (!af_cap || (pdev->dev_flags & PCI_DEV_FLAGS_NO_FLR_RESET))
		return false;
	if (pci_read_config_byte(pdev, af_cap + PCI_AF_CAP, &cap))
		return false;
	return pcq_fact_af_flr(cap);
}

/* PM reset, as pci_pm_reset() probes it: D3hot->D0 must reset the function. */
static bool pcq_pm_reset_usable(struct pci_dev *pdev)
{
	u16 csr;

	if (!pdev->pm_cap || (pdev->dev_flags & PCI_DEV_FLAGS_NO_PM_RESET))
		return false;
	if (pci_read_config_word(pdev, pdev->pm_cap + PCI_PM_CTRL, &csr))
		return false;
	return pcq_fact_pm_reset(csr);
}

/* A register of one of the function's CXL DVSECs, if it has that DVSEC */
static bool pcq_cxl_dvsec_read(struct pci_dev *pdev, u16 dvsec_id, int reg, u16 *val)
{
	u16 dvsec = pci_find_dvsec_capability(pdev, PCI_VENDOR_ID_CXL, dvsec_id);

	return dvsec && !pci_read_config_word(pdev, dvsec + reg, val);
}

/*
 * What the kernel knows of a function, for pcq_fact_fill(): its
 * capabilities and probes, the boot display, its quirks, and its own list
 * of reset methods, pdev->reset_methods[], in the order the admin's
 * reset_method setting left.
 */
static void pcq_fact_in_of(struct pci_dev *pdev, struct pcq_fact_in *in)
{
	in->pcie_cap = pdev->pcie_cap;
	in->pcie_type = pci_is_pcie(pdev) ? pci_pcie_type(pdev) : 0;
	in->af_cap = pci_find_capability(pdev, PCI_CAP_ID_AF);
	in->pm_cap = pdev->pm_cap;
	in->flr = !pcie_reset_flr(pdev, PCI_RESET_PROBE);
	in->af_flr = pcq_af_flr_usable(pdev, in->af_cap);
	in->pm = pcq_pm_reset_usable(pdev);
	in->first_method = pdev->reset_methods[0];
	in->boot_vga = pdev == vga_default_device();
	in->no_bus_reset = pdev->dev_flags & PCI_DEV_FLAGS_NO_BUS_RESET;
	in->vf = pdev->is_virtfn;
	in->cxl_dvsec_cap_found = pcq_cxl_dvsec_read(pdev, PCI_DVSEC_CXL_DEVICE,
						     PCI_DVSEC_CXL_CAP, &in->cxl_dvsec_cap);
	in->cxl_port_ctl_found = pdev->subordinate &&
				 pcq_cxl_dvsec_read(pdev, PCI_DVSEC_CXL_PORT,
						    PCI_DVSEC_CXL_PORT_CTL, &in->cxl_port_ctl);
}

/* Bridges above a function; a VF, on a virtual bus or not, has its PF's. */
static unsigned int pcq_depth_of(struct pci_dev *pdev)
{
	unsigned int depth = 0;
	struct pci_bus *bus;

	for (bus = pci_physfn(pdev)->bus; bus->self; bus = bus->self->bus)
		depth++;
	return depth;
}

/**
 * struct pcq_ent - a function being snapshotted, with its sort key
 * @key:  pcq_func_key() of the function
 * @pdev: the function, referenced
 */
struct pcq_ent {
	u64 key;
	struct pci_dev *pdev;
};

static u64 pcq_key_of(struct pci_dev *pdev)
{
	return pcq_func_key(pcq_depth_of(pdev), pci_domain_nr(pdev->bus),
			   pdev->bus->number, pdev->devfn);
}

static int pcq_cmp_ent(const void *a, const void *b)
{
	u64 x = ((const struct pcq_ent *)a)->key, y = ((const struct pcq_ent *)b)->key;

	return x < y ? -1 : x > y;
}

/* Index of @pdev in the sorted @ents, or -1: a binary search by key. */
static s32 pcq_index_of(const struct pcq_ent *ents, unsigned int nr,
			struct pci_dev *pdev)
{
	struct pcq_ent want = { .key = pcq_key_of(pdev) };
	const struct pcq_ent *e;

	e = bsearch(&want, ents, nr, sizeof(*ents), pcq_cmp_ent);
	return e && e->pdev == pdev ? e - ents : -1;
}

/*
 * Take the kernel's ECAM mapping of the function's bus, if it uses one,
 * and check that it really shows this function before trusting it: its
 * IDs, or for a VF, whose IDs read all-ones, its class and revision.
 */
static void pcq_pick_access(struct pcq_func *f, bool conf1)
{
	void __iomem *bus = pcq_ecam_bus(f->seg, f->bus);
	struct pcq_run scratch = { };

	pcq_cfg_pick(f, bus, conf1);
	if (!f->ecam)
		return;
	if (f->flags & PCQ_F_VF) {
		if (pcq_cfg_read32(f, PCI_CLASS_REVISION, &scratch) == f->class_rev)
			return;
	} else if (pcq_cfg_read32(f, PCI_VENDOR_ID, &scratch) ==
		   ((u32)f->device << 16 | f->vendor)) {
		return;
	}
	pr_warn_once("%04x:%02x:%02x.%x: ECAM shows another function; not using it\n",
		     f->seg, f->bus, PCI_SLOT(f->devfn), PCI_FUNC(f->devfn));
	pcq_cfg_pick(f, NULL, conf1);
}

static void pcq_fill(struct pcq_func *f, const struct pcq_ent *ents, unsigned int nr,
		     unsigned int idx, bool conf1)
{
	struct pci_dev *pdev = ents[idx].pdev;
	struct pci_dev *pf = pci_physfn(pdev);
	struct pcq_fact_in in = { };

	f->seg = pci_domain_nr(pdev->bus);
	f->bus = pdev->bus->number;
	f->devfn = pdev->devfn;
	f->vendor = pdev->vendor;
	f->device = pdev->device;
	f->class_rev = pdev->class << 8 | pdev->revision;
	f->hdr_type = pdev->hdr_type;
	f->msi_cap = pci_find_capability(pdev, PCI_CAP_ID_MSI);
	f->msix_cap = pci_find_capability(pdev, PCI_CAP_ID_MSIX);
	if (pdev->is_physfn)
		f->sriov_cap = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_SRIOV);
	pcq_fact_in_of(pdev, &in);
	pcq_fact_fill(f, &in);
	f->depth = ents[idx].key >> PCQ_KEY_DEPTH_SHIFT;
	f->pf = pf != pdev ? pcq_index_of(ents, nr, pf) : -1;
	f->parent = pf->bus->self ? pcq_index_of(ents, nr, pf->bus->self) : -1;
	pcq_pick_access(f, conf1);
}

/**
 * pcq_snapshot_build() - snapshot every PCI function and plan the quiesce
 * @settings:   the settings to plan with
 * @skip:       the user's skip list
 * @generation: the generation number to stamp
 *
 * Any number of functions: the snapshot and the walk's scratch are sized
 * with it.
 *
 * Context: process context under pci_lock_rescan_remove() and pcq_lock,
 * which nests inside it; may sleep.
 * Return: a sealed snapshot, or an ERR_PTR().
 */
struct pcq_snapshot *pcq_snapshot_build(const struct pcq_settings *settings,
					const struct pcq_skip_list *skip,
					u64 generation)
{
	struct pcq_snapshot *snap = NULL;
	struct pcq_ent *ents = NULL;
	struct pci_dev *pdev = NULL;
	unsigned int nr = 0, i;
	bool conf1;
	int err = 0;

	for_each_pci_dev(pdev)
		nr++;
	if (nr > PCQ_NR_SANITY) {
		pci_dev_put(pdev);
		err = -E2BIG;
		goto out;
	}
	ents = kvmalloc_array(nr ? nr : 1, sizeof(*ents), GFP_KERNEL);
	snap = kvzalloc(pcq_snapshot_size(nr), GFP_KERNEL);
	if (!ents || !snap) {
		err = -ENOMEM;
		goto out;
	}
	i = 0;
	for_each_pci_dev(pdev) {
		if (i == nr) {
			pci_dev_put(pdev);
			break;
		}
		ents[i].pdev = pci_dev_get(pdev);
		ents[i].key = pcq_key_of(pdev);
		i++;
	}
	nr = i;
	sort(ents, nr, sizeof(*ents), pcq_cmp_ent, NULL);
	conf1 = pcq_conf1_used();

	pcq_snapshot_init(snap, nr);
	snap->generation = generation;
	snap->settings = *settings;
	for (i = 0; i < nr; i++)
		pcq_fill(&snap->func[i], ents, nr, i, conf1);
	pcq_plan(snap, skip);
	pcq_snapshot_seal(snap);

out:
	if (ents)
		for (i = 0; i < nr; i++)
			pci_dev_put(ents[i].pdev);
	kvfree(ents);
	if (err) {
		kvfree(snap);
		return ERR_PTR(err);
	}
	return snap;
}

/**
 * pcq_snapshot_copy() - an unpublished copy of a snapshot, with its plan
 * @old: the snapshot
 *
 * The facts, the plan and the settings, sealed again (the copy's internal
 * pointer is its own); the walk's scratch after it is the copy's, zeroed.
 *
 * Context: process context; allocates.
 * Return: the copy, or an ERR_PTR().
 */
struct pcq_snapshot *pcq_snapshot_copy(const struct pcq_snapshot *old)
{
	struct pcq_snapshot *snap = kvzalloc(pcq_snapshot_size(old->nr), GFP_KERNEL);

	if (!snap)
		return ERR_PTR(-ENOMEM);
	pcq_snapshot_init(snap, old->nr);
	memcpy(snap->func, old->func, old->nr * sizeof(*old->func));
	memcpy(snap->step, old->step, old->nr * sizeof(*old->step));
	snap->nr_quiesce = old->nr_quiesce;
	snap->nr_bus_resets = old->nr_bus_resets;
	snap->nr_fn_resets = old->nr_fn_resets;
	snap->generation = old->generation;
	snap->settings = old->settings;
	pcq_snapshot_seal(snap);
	return snap;
}

/**
 * pcq_snapshot_replan() - a new snapshot of the same functions, planned
 * with other settings
 * @old:        the published snapshot
 * @settings:   the new settings
 * @skip:       the new skip list
 * @generation: the generation number to stamp
 * @gone:       index in @old of a function being removed, with its
 *              subtree (pcq_plan_forget()), or -1
 *
 * For parameter changes, and for a function on its way out: nothing is
 * enumerated or mapped again, the functions and their accessors are
 * copied.
 *
 * Context: process context; allocates.
 * Return: a sealed snapshot, or an ERR_PTR().
 */
struct pcq_snapshot *pcq_snapshot_replan(const struct pcq_snapshot *old,
					 const struct pcq_settings *settings,
					 const struct pcq_skip_list *skip,
					 u64 generation, int gone)
{
	struct pcq_snapshot *snap = kvzalloc(pcq_snapshot_size(old->nr), GFP_KERNEL);

	if (!snap)
		return ERR_PTR(-ENOMEM);
	pcq_snapshot_init(snap, old->nr);
	memcpy(snap->func, old->func, old->nr * sizeof(*old->func));
	pcq_plan_forget(snap, gone);
	snap->generation = generation;
	snap->settings = *settings;
	pcq_plan(snap, skip);
	pcq_snapshot_seal(snap);
	return snap;
}

/**
 * pcq_snapshot_free() - free a snapshot once nobody can reach it
 * @snap: the snapshot, already unpublished, or NULL
 *
 * After an RCU grace period: a panic walk that loaded the pointer runs
 * with interrupts off, an RCU read-side critical section.  The ECAM
 * mappings it points into are not the snapshot's: they stay.
 *
 * Context: any; does not wait.
 */
void pcq_snapshot_free(struct pcq_snapshot *snap)
{
	if (snap)
		kvfree_rcu(snap, rcu);
}
