// SPDX-License-Identifier: GPL-2.0
/*
 * Build a snapshot of the PCI topology in process context.
 *
 * Everything the panic path will need is gathered here, while the PCI core
 * and its locks can still be trusted: the list of functions with their IDs,
 * types and capabilities, the tree they form, and a lock-free way to reach
 * each one's config space.  For ECAM that means finding the function's
 * window in the ACPI MCFG table and mapping its 4 KiB page now, because
 * ioremap() cannot be called after a panic.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/acpi.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vgaarb.h>

#include "core.h"

/* PCI Code and ID Assignment r1.15 sec 1.9: base class 08h, subclass 06h */
#define CQ_CLASS_SYSTEM_IOMMU	0x0806

static u8 cq_type_of(struct pci_dev *pdev)
{
	if (pdev->class >> 8 == PCI_CLASS_BRIDGE_HOST)
		return CQ_TYPE_HOST_BRIDGE;
	if (pci_is_pcie(pdev)) {
		switch (pci_pcie_type(pdev)) {
		case PCI_EXP_TYPE_ENDPOINT:
		case PCI_EXP_TYPE_LEG_END:
			return CQ_TYPE_ENDPOINT;
		case PCI_EXP_TYPE_RC_END:
			return CQ_TYPE_RC_ENDPOINT;
		case PCI_EXP_TYPE_ROOT_PORT:
			return CQ_TYPE_ROOT_PORT;
		case PCI_EXP_TYPE_UPSTREAM:
			return CQ_TYPE_UPSTREAM_PORT;
		case PCI_EXP_TYPE_DOWNSTREAM:
			return CQ_TYPE_DOWNSTREAM_PORT;
		case PCI_EXP_TYPE_PCI_BRIDGE:
		case PCI_EXP_TYPE_PCIE_BRIDGE:
			return CQ_TYPE_PCI_BRIDGE;
		default:
			return CQ_TYPE_OTHER;
		}
	}
	if (pdev->hdr_type == PCI_HEADER_TYPE_BRIDGE)
		return CQ_TYPE_PCI_BRIDGE;
	if (pdev->hdr_type == PCI_HEADER_TYPE_NORMAL)
		return CQ_TYPE_ENDPOINT;
	return CQ_TYPE_OTHER;
}

static u16 cq_flags_of(struct pci_dev *pdev)
{
	u16 flags = 0;

	/* Resetting a display device blanks the console the dump reports on. */
	if (pdev->class >> 16 == PCI_BASE_CLASS_DISPLAY ||
	    pdev == vga_default_device())
		flags |= CQ_F_VGA;
	/* A PCI UART may carry the console; a reset loses its BARs. */
	if (pdev->class >> 8 == PCI_CLASS_COMMUNICATION_SERIAL ||
	    pdev->class >> 8 == PCI_CLASS_COMMUNICATION_MULTISERIAL)
		flags |= CQ_F_SERIAL;
	if (pdev->class >> 8 == CQ_CLASS_SYSTEM_IOMMU)
		flags |= CQ_F_IOMMU;
	if (pdev->dev_flags & PCI_DEV_FLAGS_NO_BUS_RESET)
		flags |= CQ_F_NO_BUS_RESET;
	return flags;
}

static unsigned int cq_depth_of(struct pci_dev *pdev)
{
	unsigned int depth = 0;
	struct pci_bus *bus;

	for (bus = pdev->bus; bus->self; bus = bus->self->bus)
		depth++;
	return depth;
}

/* Parents before children, then by address: depth first, then segment/bus/devfn. */
static int cq_cmp_pdev(const void *a, const void *b)
{
	struct pci_dev *x = *(struct pci_dev * const *)a;
	struct pci_dev *y = *(struct pci_dev * const *)b;
	long kx = (long)cq_depth_of(x) << 40 | (long)pci_domain_nr(x->bus) << 16 |
		  x->bus->number << 8 | x->devfn;
	long ky = (long)cq_depth_of(y) << 40 | (long)pci_domain_nr(y->bus) << 16 |
		  y->bus->number << 8 | y->devfn;

	return kx < ky ? -1 : kx > ky;
}

/*
 * Map the function's ECAM page if an MCFG window covers it, and check that
 * the mapping really shows this function before trusting it.
 */
static bool cq_map_ecam(struct cq_func *f, const struct acpi_table_header *mcfg)
{
	const struct acpi_mcfg_allocation *cfg, *end;
	void __iomem *page;

	if (!mcfg)
		return false;
	cfg = (const void *)mcfg + sizeof(struct acpi_table_mcfg);
	end = (const void *)mcfg + mcfg->length;
	for (; cfg + 1 <= end; cfg++) {
		if (cfg->pci_segment != f->seg || f->bus < cfg->start_bus_number ||
		    f->bus > cfg->end_bus_number)
			continue;
		page = ioremap(cq_cfg_ecam_address(cfg->address, cfg->start_bus_number,
						   f->bus, f->devfn), PAGE_SIZE);
		if (!page)
			return false;
		if (readl(page + PCI_VENDOR_ID) != ((u32)f->device << 16 | f->vendor)) {
			iounmap(page);
			return false;
		}
		f->cfg.method = CQ_ACCESS_ECAM;
		f->cfg.ecam = page;
		return true;
	}
	return false;
}

/*
 * Type 1 reaches only segment 0.  It is not probed here: an unlocked
 * 0xCF8/0xCFC pair would race with the PCI core on another CPU.
 */
static void cq_pick_access(struct cq_func *f, const struct acpi_table_header *mcfg)
{
	if (cq_map_ecam(f, mcfg))
		return;
	if (IS_ENABLED(CONFIG_X86) && f->seg == 0) {
		f->cfg.method = CQ_ACCESS_CONF1;
		f->cfg.conf1 = cq_cfg_conf1_address(f->bus, f->devfn);
	}
}

static void cq_fill(struct cq_func *f, struct pci_dev *pdev,
		    struct pci_dev **pdevs, unsigned int idx,
		    const struct acpi_table_header *mcfg)
{
	unsigned int i;

	f->seg = pci_domain_nr(pdev->bus);
	f->bus = pdev->bus->number;
	f->devfn = pdev->devfn;
	f->vendor = pdev->vendor;
	f->device = pdev->device;
	f->class = pdev->class;
	f->hdr_type = pdev->hdr_type;
	f->type = cq_type_of(pdev);
	f->msi_cap = pci_find_capability(pdev, PCI_CAP_ID_MSI);
	f->msix_cap = pci_find_capability(pdev, PCI_CAP_ID_MSIX);
	if (pdev->subordinate) {
		f->sec_bus = pdev->subordinate->number;
		f->sub_bus = pdev->subordinate->busn_res.end;
	}
	f->flags = cq_flags_of(pdev);
	f->parent = -1;
	for (i = 0; i < idx; i++) {
		if (pdevs[i] == pdev->bus->self) {
			f->parent = i;
			break;
		}
	}
	cq_pick_access(f, mcfg);
}

/**
 * cq_snapshot_build() - snapshot every PCI function and plan the quiesce
 * @settings:   the settings to plan with
 * @skip:       the user's skip list
 * @generation: the generation number to stamp
 *
 * Context: process context; takes the PCI rescan/remove lock, may sleep.
 * Return: a sealed snapshot, or an ERR_PTR().
 */
struct cq_snapshot *cq_snapshot_build(const struct cq_settings *settings,
				      const struct cq_skip_list *skip,
				      u64 generation)
{
	struct acpi_table_header *mcfg = NULL;
	struct cq_snapshot *snap = NULL;
	struct pci_dev **pdevs = NULL;
	struct pci_dev *pdev = NULL;
	unsigned int nr = 0, i;
	int err = 0;

	if (acpi_disabled || ACPI_FAILURE(acpi_get_table(ACPI_SIG_MCFG, 0, &mcfg)))
		mcfg = NULL;

	pci_lock_rescan_remove();
	for_each_pci_dev(pdev)
		nr++;
	if (nr > CQ_MAX_FUNCS) {
		pr_err("%u PCI functions, more than the %u supported\n", nr, CQ_MAX_FUNCS);
		err = -E2BIG;
		goto out_unlock;
	}
	pdevs = kcalloc(nr ? nr : 1, sizeof(*pdevs), GFP_KERNEL);
	snap = kvzalloc(cq_snapshot_size(nr), GFP_KERNEL);
	if (!pdevs || !snap) {
		err = -ENOMEM;
		goto out_unlock;
	}
	i = 0;
	for_each_pci_dev(pdev) {
		if (i == nr) {
			pci_dev_put(pdev);
			break;
		}
		pdevs[i++] = pci_dev_get(pdev);
	}
	nr = i;
	sort(pdevs, nr, sizeof(*pdevs), cq_cmp_pdev, NULL);

	cq_snapshot_init(snap, nr);
	snap->generation = generation;
	snap->settings = *settings;
	for (i = 0; i < nr; i++)
		cq_fill(&snap->func[i], pdevs[i], pdevs, i, mcfg);
	cq_plan(snap, skip);
	cq_snapshot_seal(snap);

out_unlock:
	pci_unlock_rescan_remove();
	if (pdevs)
		for (i = 0; i < nr; i++)
			pci_dev_put(pdevs[i]);
	kfree(pdevs);
	if (mcfg)
		acpi_put_table(mcfg);
	if (err) {
		kvfree(snap);
		return ERR_PTR(err);
	}
	return snap;
}

/**
 * cq_snapshot_free() - unmap and free a snapshot nobody can reach any more
 * @snap: the snapshot, or NULL
 *
 * Context: process context.
 */
void cq_snapshot_free(struct cq_snapshot *snap)
{
	unsigned int i;

	if (!snap)
		return;
	for (i = 0; i < snap->nr; i++)
		if (snap->func[i].cfg.ecam)
			iounmap(snap->func[i].cfg.ecam);
	kvfree(snap);
}
