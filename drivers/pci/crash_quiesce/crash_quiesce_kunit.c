// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for PCI crash quiesce.
 *
 * The fact rules, the skip parser, the planner and the snapshot seal as
 * tables; the crash-time walk and its ECAM accessor against fake config
 * pages (ordinary memory standing in for config space, so a write is seen
 * as the value it leaves, and a device does nothing by itself); and, on
 * the running machine, the driver's own snapshot: a rebuild that fails, a
 * root port on its way out, and a dry run through the PCI core.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/pci_regs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"
#include "show.h"

/* Where the fake config pages have their capabilities. */
#define PCQ_KT_MSI_CAP		0x50
#define PCQ_KT_MSIX_CAP		0x70
#define PCQ_KT_PCIE_CAP		0x80
#define PCQ_KT_AF_CAP		0xc0
#define PCQ_KT_PM_CAP		0xc8
#define PCQ_KT_SRIOV_CAP	0x160

/* What a fake function has (struct pcq_kt_fn's @caps). */
#define PCQ_KT_MSI		BIT(0)	/* MSI, enabled */
#define PCQ_KT_MSIX		BIT(1)	/* MSI-X, enabled */
#define PCQ_KT_FLR		BIT(2)	/* PCIe FLR */
#define PCQ_KT_AF		BIT(3)	/* Advanced Features FLR */
#define PCQ_KT_PM		BIT(4)	/* PM reset (No_Soft_Reset clear) */
#define PCQ_KT_SRIOV		BIT(5)	/* a PF, VF Enable set */
#define PCQ_KT_IDLE		BIT(6)	/* Bus Master Enable clear */
#define PCQ_KT_QUIRK		BIT(7)	/* the kernel's first method is its own */
#define PCQ_KT_ADMIN		BIT(8)	/* the admin emptied its reset methods */
#define PCQ_KT_NO_BUS_RESET	BIT(9)	/* PCI_DEV_FLAGS_NO_BUS_RESET */
#define PCQ_KT_CXL_MEM		BIT(10)	/* CXL Device DVSEC, memory capable */
#define PCQ_KT_CXL_MASKED	BIT(11)	/* CXL port whose bus reset is masked */
#define PCQ_KT_BOOT_VGA		BIT(12)	/* the boot display */
#define PCQ_KT_CONV		BIT(13)	/* conventional PCI: no PCIe capability */

#define PCQ_KT_MAX		16

/**
 * struct pcq_kt_fn - one function of a fake topology
 * @bus:       bus number
 * @devfn:     device and function
 * @parent:    index of its bridge, -1 on a root bus
 * @pf:        index of a VF's PF, -1 for anything else
 * @class:     class code (24 bits)
 * @pcie_type: PCI_EXP_TYPE_* (without PCQ_KT_CONV)
 * @caps:      PCQ_KT_*
 * @expect:    what its devices line says from " action=" on
 */
struct pcq_kt_fn {
	u8 bus;
	u8 devfn;
	s8 parent;
	s8 pf;
	u32 class;
	u8 pcie_type;
	u16 caps;
	const char *expect;
};

/**
 * struct pcq_kt_case - a fake topology, how it is planned, what comes out
 * @name:  the case
 * @fns:   the functions, parents first
 * @nr:    their number
 * @mode:  the reset parameter, "auto" when not given
 * @skip:  the skip parameter
 * @plan:  lines the plan listing must hold (from their step on)
 */
struct pcq_kt_case {
	const char *name;
	struct pcq_kt_fn fns[PCQ_KT_MAX];
	unsigned int nr;
	const char *mode;
	const char *skip;
	const char *plan[4];
};

static void pcq_kt_w16(u8 *page, unsigned int reg, u16 v)
{
	*(__le16 *)&page[reg] = cpu_to_le16(v);
}

static void pcq_kt_w32(u8 *page, unsigned int reg, u32 v)
{
	*(__le32 *)&page[reg] = cpu_to_le32(v);
}

static u16 pcq_kt_r16(const struct pcq_func *f, unsigned int reg)
{
	return le16_to_cpu(*(__force __le16 *)(f->ecam + reg));
}

/* Fill @page with what @fn's registers hold before a walk. */
static void pcq_kt_page(u8 *page, const struct pcq_kt_fn *fn, const struct pcq_func *f)
{
	u16 cmd = PCI_COMMAND_MEMORY | (fn->caps & PCQ_KT_IDLE ? 0 : PCI_COMMAND_MASTER);

	/* SR-IOV r1.1 sec 3.4.1.1: a VF's IDs read all-ones */
	pcq_kt_w32(page, PCI_VENDOR_ID, fn->pf >= 0 ? ~0U : (u32)f->device << 16 | f->vendor);
	pcq_kt_w16(page, PCI_COMMAND, cmd);
	/* RW1C status bits set: nobody may write them back as 1 */
	pcq_kt_w16(page, PCI_STATUS, 0xf910);
	pcq_kt_w32(page, PCI_CLASS_REVISION, f->class_rev);
	page[PCI_HEADER_TYPE] = f->hdr_type;
	if (f->hdr_type == PCI_HEADER_TYPE_BRIDGE)
		/* Discard Timer Status (RW1C) set */
		pcq_kt_w16(page, PCI_BRIDGE_CONTROL,
			   PCI_BRIDGE_CTL_PARITY | PCI_BRIDGE_CTL_SERR | 0x0400);
	if (fn->caps & PCQ_KT_MSI)
		pcq_kt_w16(page, PCQ_KT_MSI_CAP + PCI_MSI_FLAGS,
			   PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE);
	if (fn->caps & PCQ_KT_MSIX)
		pcq_kt_w16(page, PCQ_KT_MSIX_CAP + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE | 3);
	if (!(fn->caps & PCQ_KT_CONV)) {
		pcq_kt_w32(page, PCQ_KT_PCIE_CAP + PCI_EXP_DEVCAP,
			   fn->caps & PCQ_KT_FLR ? PCI_EXP_DEVCAP_FLR : 0);
		pcq_kt_w16(page, PCQ_KT_PCIE_CAP + PCI_EXP_DEVCTL, 0x2810);
	}
	if (fn->caps & PCQ_KT_AF)
		page[PCQ_KT_AF_CAP + PCI_AF_CAP] = PCI_AF_CAP_TP | PCI_AF_CAP_FLR;
	/* D0, PME_Status (RW1C) set */
	if (fn->caps & PCQ_KT_PM)
		pcq_kt_w16(page, PCQ_KT_PM_CAP + PCI_PM_CTRL, PCI_PM_CTRL_PME_STATUS);
	if (fn->caps & PCQ_KT_SRIOV)
		pcq_kt_w16(page, PCQ_KT_SRIOV_CAP + PCI_SRIOV_CTRL,
			   PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
}

/* What a builder would have found of @fn. */
static void pcq_kt_fact_in(const struct pcq_kt_fn *fn, struct pcq_fact_in *in)
{
	in->pcie_cap = fn->caps & PCQ_KT_CONV ? 0 : PCQ_KT_PCIE_CAP;
	in->pcie_type = fn->pcie_type;
	in->af_cap = fn->caps & PCQ_KT_AF ? PCQ_KT_AF_CAP : 0;
	in->pm_cap = fn->caps & PCQ_KT_PM ? PCQ_KT_PM_CAP : 0;
	in->flr = fn->caps & PCQ_KT_FLR;
	in->af_flr = fn->caps & PCQ_KT_AF;
	in->pm = fn->caps & PCQ_KT_PM;
	in->first_method = pcq_fact_default_method(in->flr, in->af_flr, in->pm);
	if (fn->caps & PCQ_KT_QUIRK)
		in->first_method = PCQ_RESET_METHOD_DEVICE_SPECIFIC;
	if (fn->caps & PCQ_KT_ADMIN)
		in->first_method = PCQ_RESET_METHOD_END;
	in->boot_vga = fn->caps & PCQ_KT_BOOT_VGA;
	in->no_bus_reset = fn->caps & PCQ_KT_NO_BUS_RESET;
	in->vf = fn->pf >= 0;
	in->cxl_dvsec_cap_found = fn->caps & PCQ_KT_CXL_MEM;
	in->cxl_dvsec_cap = PCI_DVSEC_CXL_MEM_CAPABLE;
	in->cxl_port_ctl_found = fn->caps & PCQ_KT_CXL_MASKED;
	in->cxl_port_ctl = 0;
}

/*
 * A planned, sealed snapshot of @nr fake functions, each with a config page
 * of its own (all freed with the test).
 */
static struct pcq_snapshot *pcq_kt_build(struct kunit *test, const struct pcq_kt_fn *fns,
					 unsigned int nr, const struct pcq_settings *set,
					 const char *skip)
{
	struct pcq_skip_list list = { };
	struct pcq_snapshot *snap;
	const char *bad;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, pcq_parse_skip(skip ? skip : "", &list, &bad), 0);
	snap = kunit_kzalloc(test, pcq_snapshot_size(nr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, snap);
	pcq_snapshot_init(snap, nr);
	snap->generation = 1;
	snap->settings = *set;
	for (i = 0; i < nr; i++) {
		const struct pcq_kt_fn *fn = &fns[i];
		struct pcq_func *f = &snap->func[i];
		struct pcq_fact_in in = { };
		u8 *page = kunit_kzalloc(test, PCI_CFG_SPACE_EXP_SIZE, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, page);
		f->bus = fn->bus;
		f->devfn = fn->devfn;
		f->vendor = 0x1b36;
		f->device = fn->pf >= 0 ? 0x10ca : 0x1000 + i;
		f->class_rev = fn->class << 8 | 0x01;
		f->hdr_type = fn->class >> 8 == PCI_CLASS_BRIDGE_PCI ? PCI_HEADER_TYPE_BRIDGE :
			      PCI_HEADER_TYPE_NORMAL;
		f->parent = fn->parent;
		f->pf = fn->pf;
		f->depth = fn->pf >= 0 ? snap->func[fn->pf].depth :
			   fn->parent >= 0 ? snap->func[fn->parent].depth + 1 : 0;
		f->msi_cap = fn->caps & PCQ_KT_MSI ? PCQ_KT_MSI_CAP : 0;
		f->msix_cap = fn->caps & PCQ_KT_MSIX ? PCQ_KT_MSIX_CAP : 0;
		f->sriov_cap = fn->caps & PCQ_KT_SRIOV ? PCQ_KT_SRIOV_CAP : 0;
		pcq_kt_fact_in(fn, &in);
		pcq_fact_fill(f, &in);
		f->ecam = (__force void __iomem *)page;
		pcq_kt_page(page, fn, f);
	}
	pcq_plan(snap, &list);
	pcq_snapshot_seal(snap);
	return snap;
}

static const struct pcq_settings pcq_kt_settings = {
	.reset = PCQ_RESET_AUTO, .msi = true, .reset_hold_ms = 1, .budget_ms = 1000,
};

/* Function @i's devices line from " action=" on, without its newline. */
static const char *pcq_kt_line(struct kunit *test, const struct pcq_snapshot *snap, u32 i)
{
	char *buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	struct seq_file m = { .size = 256 };
	char *tail, *nl;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	m.buf = buf;
	pcq_show_device(&m, snap, i);
	tail = strstr(buf, " action=");
	if (!tail)
		return buf;
	nl = strchr(tail, '\n');
	if (nl)
		*nl = '\0';
	return tail + 1;
}

#define RC		PCI_EXP_TYPE_RC_END
#define EP		PCI_EXP_TYPE_ENDPOINT
#define RP		PCI_EXP_TYPE_ROOT_PORT
#define USP		PCI_EXP_TYPE_UPSTREAM
#define DSP		PCI_EXP_TYPE_DOWNSTREAM
#define DF(d, f)	PCI_DEVFN(d, f)

/*
 * The planner, case by case: each function's action and the reset that
 * reaches it (or why none does), as its devices line says them.
 */
static const struct pcq_kt_case pcq_kt_plan_cases[] = {
	{
		.name = "root bus: host bridge skipped, FLR and no method",
		.nr = 3,
		.fns = {
			{ 0, DF(0, 0), -1, -1, 0x060000, RC, PCQ_KT_CONV,
			  "action=skip:host-bridge reset=none:skipped" },
			{ 0, DF(2, 0), -1, -1, 0x020000, RC, PCQ_KT_FLR | PCQ_KT_MSI,
			  "action=quiesce reset=flr" },
			{ 0, DF(3, 0), -1, -1, 0x010802, RC, PCQ_KT_MSIX,
			  "action=quiesce reset=none:no-reset-method" },
		},
	}, {
		.name = "switch: one bus reset on the top-most bridge",
		.nr = 6,
		.fns = {
			{ 0, DF(0x1c, 0), -1, -1, 0x060400, RP, 0,
			  "action=quiesce+reset reset=none:bridge" },
			{ 1, DF(0, 0), 0, -1, 0x060400, USP, 0,
			  "action=quiesce reset=bus:0000:00:1c.0" },
			{ 2, DF(0, 0), 1, -1, 0x060400, DSP, 0,
			  "action=quiesce reset=bus:0000:00:1c.0" },
			{ 2, DF(1, 0), 1, -1, 0x060400, DSP, 0,
			  "action=quiesce reset=bus:0000:00:1c.0" },
			{ 3, DF(0, 0), 2, -1, 0x020000, EP, PCQ_KT_FLR,
			  "action=quiesce reset=bus:0000:00:1c.0" },
			{ 4, DF(0, 0), 3, -1, 0x010802, EP, 0,
			  "action=quiesce reset=bus:0000:00:1c.0" },
		},
	}, {
		.name = "display behind a switch: only its sibling's port resets",
		.nr = 6,
		.fns = {
			{ 0, DF(0x1c, 0), -1, -1, 0x060400, RP, 0,
			  "action=quiesce reset=none:bridge" },
			{ 1, DF(0, 0), 0, -1, 0x060400, USP, 0,
			  "action=quiesce reset=none:bridge" },
			{ 2, DF(0, 0), 1, -1, 0x060400, DSP, 0,
			  "action=quiesce reset=none:bridge" },
			{ 2, DF(1, 0), 1, -1, 0x060400, DSP, 0,
			  "action=quiesce+reset reset=none:bridge" },
			{ 3, DF(0, 0), 2, -1, 0x030000, EP, PCQ_KT_FLR,
			  "action=quiesce reset=none:protected" },
			{ 4, DF(0, 0), 3, -1, 0x020000, EP, 0,
			  "action=quiesce reset=bus:0000:02:01.0" },
		},
	}, {
		.name = "boot display of another class, a UART, the IOMMU",
		.nr = 6,
		.fns = {
			{ 0, DF(1, 0), -1, -1, 0x060400, RP, 0,
			  "action=quiesce reset=none:bridge" },
			{ 0, DF(2, 0), -1, -1, 0x060400, RP, 0,
			  "action=quiesce reset=none:bridge" },
			{ 1, DF(0, 0), 0, -1, 0x048000, EP, PCQ_KT_BOOT_VGA | PCQ_KT_FLR,
			  "action=quiesce reset=none:protected" },
			{ 2, DF(0, 0), 1, -1, 0x070002, EP, PCQ_KT_FLR,
			  "action=quiesce reset=none:protected" },
			{ 0, DF(3, 0), -1, -1, 0x080600, RC, PCQ_KT_FLR,
			  "action=skip:iommu reset=none:skipped" },
			{ 0, DF(4, 0), -1, -1, 0x060100, RC, PCQ_KT_FLR,
			  "action=quiesce reset=none:isa-bridge" },
		},
	}, {
		.name = "the kernel's reset method rules",
		.nr = 6,
		.fns = {
			{ 0, DF(1, 0), -1, -1, 0x020000, RC, PCQ_KT_FLR | PCQ_KT_AF | PCQ_KT_PM,
			  "action=quiesce reset=flr" },
			{ 0, DF(2, 0), -1, -1, 0x020000, RC, PCQ_KT_AF | PCQ_KT_PM,
			  "action=quiesce reset=af-flr" },
			{ 0, DF(3, 0), -1, -1, 0x020000, RC, PCQ_KT_PM,
			  "action=quiesce reset=pm" },
			{ 0, DF(4, 0), -1, -1, 0x010802, RC, PCQ_KT_FLR | PCQ_KT_QUIRK,
			  "action=quiesce reset=none:quirk" },
			{ 0, DF(5, 0), -1, -1, 0x020000, RC, PCQ_KT_FLR | PCQ_KT_ADMIN,
			  "action=quiesce reset=none:admin" },
			{ 0, DF(6, 0), -1, -1, 0x020000, RC, 0,
			  "action=quiesce reset=none:no-reset-method" },
		},
	}, {
		.name = "NO_BUS_RESET blocks the bus reset, not its own FLR",
		.nr = 2,
		.fns = {
			{ 0, DF(1, 0), -1, -1, 0x060400, RP, 0,
			  "action=quiesce reset=none:bridge" },
			{ 1, DF(0, 0), 0, -1, 0x020000, EP, PCQ_KT_FLR | PCQ_KT_NO_BUS_RESET,
			  "action=quiesce reset=flr" },
		},
	}, {
		.name = "user skip by address: it keeps working, its bridge its Bus Master",
		.nr = 4,
		.skip = "01:00.0",
		.fns = {
			{ 0, DF(1, 0), -1, -1, 0x060400, RP, 0,
			  "action=quiesce reset=none:bridge bus-master=kept" },
			{ 1, DF(0, 0), 0, -1, 0x020000, EP, PCQ_KT_FLR,
			  "action=skip:user reset=none:skipped" },
			{ 1, DF(0, 1), 0, -1, 0x020000, EP, PCQ_KT_FLR,
			  "action=quiesce reset=flr" },
			{ 0, DF(2, 0), -1, -1, 0x060400, RP, 0,
			  "action=quiesce reset=none:bridge" },
		},
	}, {
		.name = "user skip by vendor:device",
		.nr = 2,
		.skip = "1b36:1001",
		.fns = {
			{ 0, DF(1, 0), -1, -1, 0x020000, RC, PCQ_KT_FLR,
			  "action=quiesce reset=flr" },
			{ 0, DF(2, 0), -1, -1, 0x020000, RC, PCQ_KT_FLR,
			  "action=skip:user reset=none:skipped" },
		},
	}, {
		.name = "reset=bus: bus resets only",
		.nr = 3,
		.mode = "bus",
		.fns = {
			{ 0, DF(1, 0), -1, -1, 0x060400, RP, 0,
			  "action=quiesce+reset reset=none:bridge" },
			{ 1, DF(0, 0), 0, -1, 0x020000, EP, PCQ_KT_FLR,
			  "action=quiesce reset=bus:0000:00:01.0" },
			{ 0, DF(2, 0), -1, -1, 0x020000, RC, PCQ_KT_FLR,
			  "action=quiesce reset=none:mode" },
		},
	}, {
		.name = "reset=none: no reset at all",
		.nr = 3,
		.mode = "none",
		.fns = {
			{ 0, DF(1, 0), -1, -1, 0x060400, RP, 0,
			  "action=quiesce reset=none:bridge" },
			{ 1, DF(0, 0), 0, -1, 0x020000, EP, PCQ_KT_FLR,
			  "action=quiesce reset=none:mode" },
			{ 0, DF(2, 0), -1, -1, 0x020000, RC, PCQ_KT_FLR,
			  "action=quiesce reset=none:mode" },
		},
	}, {
		.name = "SR-IOV: VFs through their PF's FLR",
		.nr = 3,
		.fns = {
			{ 0, DF(3, 0), -1, -1, 0x020000, RC, PCQ_KT_FLR | PCQ_KT_SRIOV,
			  "action=quiesce reset=flr" },
			{ 0, DF(0x13, 0), -1, 0, 0x020000, EP, PCQ_KT_FLR | PCQ_KT_MSIX,
			  "action=quiesce reset=pf pf=0000:00:03.0" },
			{ 0, DF(0x13, 2), -1, 0, 0x020000, EP, PCQ_KT_FLR | PCQ_KT_MSIX,
			  "action=quiesce reset=pf pf=0000:00:03.0" },
		},
	}, {
		.name = "SR-IOV: a skipped VF keeps its PF from a reset; its sibling has its own",
		.nr = 3,
		.skip = "00:13.2",
		.fns = {
			{ 0, DF(3, 0), -1, -1, 0x020000, RC, PCQ_KT_FLR | PCQ_KT_SRIOV,
			  "action=quiesce reset=none:kept-vf" },
			{ 0, DF(0x13, 0), -1, 0, 0x020000, EP, PCQ_KT_FLR,
			  "action=quiesce reset=flr pf=0000:00:03.0" },
			{ 0, DF(0x13, 2), -1, 0, 0x020000, EP, PCQ_KT_FLR,
			  "action=skip:user reset=none:skipped pf=0000:00:03.0" },
		},
	}, {
		.name = "SR-IOV: VFs behind a resetting root port",
		.nr = 3,
		.fns = {
			{ 0, DF(1, 0), -1, -1, 0x060400, RP, 0,
			  "action=quiesce+reset reset=none:bridge" },
			{ 1, DF(0, 0), 0, -1, 0x020000, EP, PCQ_KT_FLR | PCQ_KT_SRIOV,
			  "action=quiesce reset=bus:0000:00:01.0" },
			{ 1, DF(0x10, 0), 0, 1, 0x020000, EP, PCQ_KT_FLR,
			  "action=quiesce reset=bus:0000:00:01.0 pf=0000:01:00.0" },
		},
	}, {
		.name = "CXL: memory is never reset, nor the ports above it",
		.nr = 4,
		.fns = {
			{ 0x0c, DF(0, 0), -1, -1, 0x060400, RP, 0,
			  "action=quiesce reset=none:bridge" },
			{ 0x0d, DF(0, 0), 0, -1, 0x050210, EP, PCQ_KT_FLR,
			  "action=quiesce reset=none:cxl-memory" },
			{ 0x0c, DF(1, 0), -1, -1, 0x060400, RP, PCQ_KT_CXL_MASKED,
			  "action=quiesce reset=none:bridge" },
			{ 0x0c, DF(2, 0), -1, -1, 0x060400, RP, 0,
			  "action=quiesce reset=none:bridge" },
		},
		.plan = {
			"quiesce 0000:0c:00.0 root-port: bus-master intx; no reset: subtree holds 0000:0d:00.0",
			"quiesce 0000:0c:01.0 root-port: bus-master intx; no reset: cxl-sbr-masked",
			"quiesce 0000:0c:02.0 root-port: bus-master intx; no reset: empty",
		},
	}, {
		.name = "CXL: memory by its DVSEC, whatever its class",
		.nr = 2,
		.fns = {
			{ 0, DF(1, 0), -1, -1, 0x060400, RP, 0,
			  "action=quiesce reset=none:bridge" },
			{ 1, DF(0, 0), 0, -1, 0x120000, EP, PCQ_KT_FLR | PCQ_KT_CXL_MEM,
			  "action=quiesce reset=none:cxl-memory" },
		},
	}, {
		.name = "conventional PCI bridge: a UART below blocks it, PM reset beside",
		.nr = 3,
		.fns = {
			{ 0, DF(0x1e, 0), -1, -1, 0x060400, PCI_EXP_TYPE_PCI_BRIDGE, 0,
			  "action=quiesce reset=none:bridge" },
			{ 1, DF(0, 0), 0, -1, 0x070002, 0, PCQ_KT_CONV | PCQ_KT_PM,
			  "action=quiesce reset=none:protected" },
			{ 1, DF(1, 0), 0, -1, 0x010400, 0, PCQ_KT_CONV | PCQ_KT_PM,
			  "action=quiesce reset=pm" },
		},
		.plan = {
			"quiesce 0000:00:1e.0 pci-bridge: bus-master intx; no reset: subtree holds 0000:01:00.0",
			"pm 0000:01:01.0 if bus master",
		},
	}, {
		.name = "the plan's order: children before parents, VFs' resets first",
		.nr = 5,
		.fns = {
			{ 0, DF(1, 0), -1, -1, 0x060400, RP, 0,
			  "action=quiesce+reset reset=none:bridge" },
			{ 0, DF(3, 0), -1, -1, 0x020000, RC, PCQ_KT_SRIOV | PCQ_KT_FLR,
			  "action=quiesce reset=none:kept-vf" },
			{ 1, DF(0, 0), 0, -1, 0x020000, EP, 0,
			  "action=quiesce reset=bus:0000:00:01.0" },
			{ 0, DF(0x13, 0), -1, 1, 0x020000, EP, PCQ_KT_FLR,
			  "action=quiesce reset=flr pf=0000:00:03.0" },
			{ 0, DF(0x13, 2), -1, 1, 0x030000, EP, PCQ_KT_FLR,
			  "action=quiesce reset=none:protected pf=0000:00:03.0" },
		},
		.plan = {
			"1 quiesce 0000:00:13.2 endpoint vf: bus-master; no reset path: protected",
			"5 quiesce 0000:00:01.0 root-port: bus-master intx",
			"6 wait transactions-pending at most 20 ms",
			"7 flr 0000:00:13.0 if bus master",
		},
	},
};

static void pcq_kt_case_desc(const struct pcq_kt_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pcq_kt_plan, pcq_kt_plan_cases, pcq_kt_case_desc);

static void pcq_test_plan_table(struct kunit *test)
{
	const struct pcq_kt_case *c = test->param_value;
	struct pcq_settings set = pcq_kt_settings;
	struct seq_file m = { .size = PAGE_SIZE };
	struct pcq_snapshot *snap;
	unsigned int i;

	if (c->mode)
		set.reset = !strcmp(c->mode, "none") ? PCQ_RESET_NONE : PCQ_RESET_BUS;
	snap = pcq_kt_build(test, c->fns, c->nr, &set, c->skip);
	KUNIT_EXPECT_TRUE(test, pcq_snapshot_intact(snap));
	for (i = 0; i < c->nr; i++)
		KUNIT_EXPECT_STREQ_MSG(test, pcq_kt_line(test, snap, i), c->fns[i].expect,
				       "function %u", i);
	m.buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);
	pcq_show_plan(&m, snap);
	for (i = 0; i < ARRAY_SIZE(c->plan) && c->plan[i]; i++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(m.buf, c->plan[i]),
					  "plan lacks \"%s\":\n%s", c->plan[i], m.buf);
}

/* rp(00:01.0) -> ep(01:00.0, MSI, MSI-X); ep(00:02.0, FLR); ep(00:03.0, idle) */
static const struct pcq_kt_fn pcq_kt_walk_fns[] = {
	{ 0, DF(1, 0), -1, -1, 0x060400, RP, PCQ_KT_MSI, NULL },
	{ 1, DF(0, 0), 0, -1, 0x020000, EP, PCQ_KT_MSI | PCQ_KT_MSIX, NULL },
	{ 0, DF(2, 0), -1, -1, 0x010802, RC, PCQ_KT_FLR | PCQ_KT_MSIX, NULL },
	{ 0, DF(3, 0), -1, -1, 0x020000, RC, PCQ_KT_IDLE | PCQ_KT_MSI | PCQ_KT_PM, NULL },
};

static struct pcq_snapshot *pcq_kt_walk_build(struct kunit *test,
					      const struct pcq_settings *set)
{
	return pcq_kt_build(test, pcq_kt_walk_fns, ARRAY_SIZE(pcq_kt_walk_fns), set, NULL);
}

static void pcq_kt_walk(struct pcq_snapshot *snap, enum pcq_walk_mode mode,
			struct pcq_run *run)
{
	pcq_walk(snap, pcq_snapshot_state(snap), mode, run);
}

/*
 * A real walk: Command written once (Bus Master off, INTx Disable on), MSI
 * and MSI-X turned off where Bus Master was on, the FLR started, the bus
 * reset asserted and released; nothing written to RW1C status bits; the
 * exact config access counts.
 */
static void pcq_test_walk(struct kunit *test)
{
	struct pcq_snapshot *snap = pcq_kt_walk_build(test, &pcq_kt_settings);
	const struct pcq_func *rp = &snap->func[0], *ep = &snap->func[1];
	const struct pcq_func *nvme = &snap->func[2], *idle = &snap->func[3];
	struct pcq_run run;

	pcq_kt_walk(snap, PCQ_WALK_PANIC, &run);
	KUNIT_EXPECT_EQ(test, run.state, PCQ_STATE_DONE);
	KUNIT_EXPECT_EQ(test, run.functions_quiesced, 4U);
	KUNIT_EXPECT_EQ(test, run.bridges_reset, 1U);
	KUNIT_EXPECT_EQ(test, run.functions_reset, 1U);
	KUNIT_EXPECT_EQ(test, run.no_reset, 0U);
	KUNIT_EXPECT_EQ(test, run.mismatched, 0U);
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(ep, PCI_COMMAND),
			PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(ep, PCQ_KT_MSI_CAP + PCI_MSI_FLAGS),
			PCI_MSI_FLAGS_64BIT);
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(ep, PCQ_KT_MSIX_CAP + PCI_MSIX_FLAGS), 3);
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(ep, PCI_STATUS), 0xf910);
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(nvme, PCQ_KT_PCIE_CAP + PCI_EXP_DEVCTL),
			0x2810 | PCI_EXP_DEVCTL_BCR_FLR);
	/* an idle function: INTx Disable only; its MSI left as the capture kernel clears it */
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(idle, PCI_COMMAND),
			PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(idle, PCQ_KT_MSI_CAP + PCI_MSI_FLAGS),
			PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE);
	/* released, and the RW1C Discard Timer Status written as 0 */
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(rp, PCI_BRIDGE_CONTROL),
			PCI_BRIDGE_CTL_PARITY | PCI_BRIDGE_CTL_SERR);
	KUNIT_EXPECT_EQ(test, run.delays_ms, pcq_kt_settings.reset_hold_ms);
	/*
	 * Reads: 4 IDs, 4 Commands, the bridge's header type and Bridge
	 * Control, the MSI/MSI-X words of the 3 mastering functions (2 + 1 +
	 * the bridge's 1), the FLR target's Device Control/Status.  Writes: 4
	 * Commands, 4 MSI/MSI-X words, the FLR, the assert and the release.
	 */
	KUNIT_EXPECT_EQ(test, run.config_reads, 4U + 4 + 2 + 4 + 1);
	KUNIT_EXPECT_EQ(test, run.config_writes, 4U + 4 + 1 + 2);
}

/* A dry run reads as a real one and writes nothing; it counts the writes. */
static void pcq_test_walk_dry_run(struct kunit *test)
{
	struct pcq_snapshot *snap = pcq_kt_walk_build(test, &pcq_kt_settings);
	struct pcq_settings set = pcq_kt_settings;
	struct pcq_run run;
	unsigned int i;

	pcq_kt_walk(snap, PCQ_WALK_DRY_RUN, &run);
	KUNIT_EXPECT_EQ(test, run.state, PCQ_STATE_DRY_RUN);
	KUNIT_EXPECT_EQ(test, run.config_writes, 0U);
	KUNIT_EXPECT_EQ(test, run.planned_writes, 4U + 4 + 1 + 2);
	KUNIT_EXPECT_EQ(test, run.delays_ms, 0U);
	for (i = 0; i < snap->nr; i++)
		KUNIT_EXPECT_NE(test, pcq_kt_r16(&snap->func[i], PCI_COMMAND) &
				PCI_COMMAND_INTX_DISABLE, PCI_COMMAND_INTX_DISABLE);

	/* the dry_run setting makes a panic walk a dry run too */
	set.dry_run = true;
	snap = pcq_kt_walk_build(test, &set);
	pcq_kt_walk(snap, PCQ_WALK_PANIC, &run);
	KUNIT_EXPECT_EQ(test, run.state, PCQ_STATE_DRY_RUN);
	KUNIT_EXPECT_EQ(test, run.config_writes, 0U);
	/* control: without it, the same walk writes */
	set.dry_run = false;
	snap = pcq_kt_walk_build(test, &set);
	pcq_kt_walk(snap, PCQ_WALK_PANIC, &run);
	KUNIT_EXPECT_GT(test, run.config_writes, 0U);
}

/*
 * Transactions Pending that never clears: the wait is bounded by its count
 * of fixed delays, and the FLR is started all the same, as pcie_flr() does.
 */
static void pcq_test_walk_tp_stuck(struct kunit *test)
{
	struct pcq_snapshot *snap = pcq_kt_walk_build(test, &pcq_kt_settings);
	const struct pcq_func *nvme = &snap->func[2];
	struct pcq_run run;

	*(__force __le16 *)(nvme->ecam + PCQ_KT_PCIE_CAP + PCI_EXP_DEVSTA) =
		cpu_to_le16(PCI_EXP_DEVSTA_TRPND);
	pcq_kt_walk(snap, PCQ_WALK_PANIC, &run);
	KUNIT_EXPECT_EQ(test, run.tp_pending, 1U);
	KUNIT_EXPECT_EQ(test, run.delays_ms, PCQ_TP_WAIT_MS + pcq_kt_settings.reset_hold_ms);
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(nvme, PCQ_KT_PCIE_CAP + PCI_EXP_DEVCTL),
			0x2810 | PCI_EXP_DEVCTL_BCR_FLR);
	KUNIT_EXPECT_EQ(test, run.state, PCQ_STATE_DONE);
}

/* The AF FLR's trigger and a PM reset's D3hot, PME_Status never written as 1. */
static void pcq_test_walk_af_pm(struct kunit *test)
{
	static const struct pcq_kt_fn fns[] = {
		{ 0, DF(1, 0), -1, -1, 0x020000, RC, PCQ_KT_AF, NULL },
		{ 0, DF(2, 0), -1, -1, 0x020000, RC, PCQ_KT_PM, NULL },
	};
	struct pcq_snapshot *snap = pcq_kt_build(test, fns, 2, &pcq_kt_settings, NULL);
	struct pcq_run run;

	pcq_kt_walk(snap, PCQ_WALK_PANIC, &run);
	KUNIT_EXPECT_EQ(test, run.functions_reset, 2U);
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(&snap->func[0], PCQ_KT_AF_CAP + PCI_AF_CTRL) & 0xff,
			PCI_AF_CTRL_FLR);
	/* D3hot (PowerState 3), PME_Status (RW1C) written as 0 */
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(&snap->func[1], PCQ_KT_PM_CAP + PCI_PM_CTRL), 3);
}

/*
 * VFs: verified by their class with their PF checked and VF Enable set; an
 * idle PF gets its FLR for its mastering VFs, which count as reset; with
 * VF Enable cleared, the VFs are mismatched and left alone.
 */
static void pcq_test_walk_vfs(struct kunit *test)
{
	static const struct pcq_kt_fn fns[] = {
		{ 0, DF(3, 0), -1, -1, 0x020000, RC,
		  PCQ_KT_FLR | PCQ_KT_SRIOV | PCQ_KT_IDLE, NULL },
		{ 0, DF(0x13, 0), -1, 0, 0x020000, EP, PCQ_KT_FLR | PCQ_KT_MSIX, NULL },
		{ 0, DF(0x13, 2), -1, 0, 0x020000, EP, PCQ_KT_FLR, NULL },
	};
	struct pcq_snapshot *snap = pcq_kt_build(test, fns, 3, &pcq_kt_settings, NULL);
	const struct pcq_func *pf = &snap->func[0];
	struct pcq_run run;

	pcq_kt_walk(snap, PCQ_WALK_PANIC, &run);
	KUNIT_EXPECT_EQ(test, run.mismatched, 0U);
	KUNIT_EXPECT_EQ(test, run.functions_quiesced, 3U);
	/* the PF's own FLR, and both mastering VFs it reset */
	KUNIT_EXPECT_EQ(test, run.functions_reset, 3U);
	KUNIT_EXPECT_EQ(test, run.no_reset, 0U);
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(pf, PCQ_KT_PCIE_CAP + PCI_EXP_DEVCTL),
			0x2810 | PCI_EXP_DEVCTL_BCR_FLR);
	/* a VF has no INTx: Bus Master alone */
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(&snap->func[1], PCI_COMMAND), PCI_COMMAND_MEMORY);

	snap = pcq_kt_build(test, fns, 3, &pcq_kt_settings, NULL);
	*(__force __le16 *)(snap->func[0].ecam + PCQ_KT_SRIOV_CAP + PCI_SRIOV_CTRL) = 0;
	pcq_kt_walk(snap, PCQ_WALK_PANIC, &run);
	KUNIT_EXPECT_EQ(test, run.mismatched, 2U);
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(&snap->func[1], PCI_COMMAND),
			PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

/*
 * A function gone (all-ones) and a bridge replaced: both skipped and
 * counted, the bridge's bus not reset; a corrupted snapshot: nothing read.
 */
static void pcq_test_walk_mismatch_and_corrupt(struct kunit *test)
{
	struct pcq_snapshot *snap = pcq_kt_walk_build(test, &pcq_kt_settings);
	struct pcq_run run;

	memset((__force void *)snap->func[2].ecam, 0xff, PCI_STD_HEADER_SIZEOF);
	*(__force __le16 *)(snap->func[0].ecam + PCI_DEVICE_ID) = cpu_to_le16(0xbeef);
	pcq_kt_walk(snap, PCQ_WALK_PANIC, &run);
	KUNIT_EXPECT_EQ(test, run.mismatched, 2U);
	KUNIT_EXPECT_EQ(test, run.bridges_reset, 0U);
	KUNIT_EXPECT_EQ(test, run.functions_reset, 0U);
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(&snap->func[0], PCI_COMMAND),
			PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);

	snap = pcq_kt_walk_build(test, &pcq_kt_settings);
	snap->func[1].vendor ^= 1;
	pcq_kt_walk(snap, PCQ_WALK_PANIC, &run);
	KUNIT_EXPECT_EQ(test, run.state, PCQ_STATE_ABORTED);
	KUNIT_EXPECT_EQ(test, run.abort, PCQ_ABORT_CORRUPT);
	KUNIT_EXPECT_EQ(test, run.config_reads + run.config_writes, 0U);
	/* and the scratch must be the snapshot's own */
	snap = pcq_kt_walk_build(test, &pcq_kt_settings);
	pcq_walk(snap, pcq_snapshot_state(snap) + 1, PCQ_WALK_PANIC, &run);
	KUNIT_EXPECT_EQ(test, run.abort, PCQ_ABORT_CORRUPT);
}

/* A user-skipped function keeps working: the bridge above keeps Bus Master. */
static void pcq_test_walk_skip_keeps_master(struct kunit *test)
{
	struct pcq_snapshot *snap;
	struct pcq_run run;

	snap = pcq_kt_build(test, pcq_kt_walk_fns, ARRAY_SIZE(pcq_kt_walk_fns),
			    &pcq_kt_settings, "01:00.0");
	pcq_kt_walk(snap, PCQ_WALK_PANIC, &run);
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(&snap->func[0], PCI_COMMAND) & PCI_COMMAND_MASTER,
			PCI_COMMAND_MASTER);
	KUNIT_EXPECT_EQ(test, pcq_kt_r16(&snap->func[1], PCI_COMMAND),
			PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	KUNIT_EXPECT_EQ(test, run.bridges_reset, 0U);
}

/* The fact rules (facts.c), each next to the case that flips it. */
static void pcq_test_facts(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, pcq_fact_type(0x06000001, 0, true, PCI_EXP_TYPE_RC_END),
			PCQ_TYPE_HOST_BRIDGE);
	KUNIT_EXPECT_EQ(test, pcq_fact_type(0x06040001, 1, true, PCI_EXP_TYPE_ROOT_PORT),
			PCQ_TYPE_ROOT_PORT);
	KUNIT_EXPECT_EQ(test, pcq_fact_type(0x06040001, 1, false, 0), PCQ_TYPE_PCI_BRIDGE);
	KUNIT_EXPECT_EQ(test, pcq_fact_type(0x02000001, 0, true, PCI_EXP_TYPE_LEG_END),
			PCQ_TYPE_ENDPOINT);
	KUNIT_EXPECT_EQ(test, pcq_fact_type(0x06070001, 2, false, 0), PCQ_TYPE_OTHER);
	KUNIT_EXPECT_EQ(test, pcq_fact_class_flags(0x03020001), PCQ_F_VGA);
	KUNIT_EXPECT_EQ(test, pcq_fact_class_flags(0x07000201), PCQ_F_SERIAL);
	KUNIT_EXPECT_EQ(test, pcq_fact_class_flags(0x07800001), 0);
	KUNIT_EXPECT_EQ(test, pcq_fact_class_flags(0x08060001), PCQ_F_IOMMU);
	KUNIT_EXPECT_EQ(test, pcq_fact_class_flags(0x05021001), PCQ_F_CXL_MEM);
	KUNIT_EXPECT_EQ(test, pcq_fact_class_flags(0x05800001), 0);
	KUNIT_EXPECT_TRUE(test, pcq_fact_af_flr(PCI_AF_CAP_TP | PCI_AF_CAP_FLR));
	KUNIT_EXPECT_FALSE(test, pcq_fact_af_flr(PCI_AF_CAP_FLR));
	KUNIT_EXPECT_TRUE(test, pcq_fact_pm_reset(0));
	KUNIT_EXPECT_FALSE(test, pcq_fact_pm_reset(PCI_PM_CTRL_NO_SOFT_RESET));
	KUNIT_EXPECT_TRUE(test, pcq_fact_flr(PCI_EXP_DEVCAP_FLR));
	KUNIT_EXPECT_FALSE(test, pcq_fact_flr(~PCI_EXP_DEVCAP_FLR));
	KUNIT_EXPECT_TRUE(test, pcq_fact_cxl_sbr_masked(0));
	KUNIT_EXPECT_FALSE(test, pcq_fact_cxl_sbr_masked(PCI_DVSEC_CXL_PORT_CTL_UNMASK_SBR));
	KUNIT_EXPECT_EQ(test, pcq_fact_reset(PCQ_RESET_METHOD_FLR, true, true, true), PCQ_F_FLR);
	KUNIT_EXPECT_EQ(test, pcq_fact_reset(PCQ_RESET_METHOD_PM, true, true, true),
			PCQ_F_PM_RESET);
	KUNIT_EXPECT_EQ(test, pcq_fact_reset(PCQ_RESET_METHOD_ACPI, true, true, true),
			PCQ_F_RESET_QUIRK);
	KUNIT_EXPECT_EQ(test, pcq_fact_reset(PCQ_RESET_METHOD_BUS, true, false, false),
			PCQ_F_RESET_ADMIN);
	KUNIT_EXPECT_EQ(test, pcq_fact_reset(PCQ_RESET_METHOD_END, false, false, false), 0);
	KUNIT_EXPECT_EQ(test, pcq_fact_default_method(false, true, true),
			PCQ_RESET_METHOD_AF_FLR);
}

/**
 * struct pcq_kt_skip - a skip parameter value and how it parses
 * @s:   the value
 * @nr:  entries, or -1 for a refusal
 * @bad: for a refusal, where the parser points
 */
struct pcq_kt_skip {
	const char *s;
	int nr;
	int bad;
};

static const struct pcq_kt_skip pcq_kt_skips[] = {
	{ "01:00.0", 1, 0 }, { "0000:01:00.0", 1, 0 }, { "abcd:fe:1f.7", 1, 0 },
	{ "10000:01:00.0", 1, 0 }, { "ffffffff:00:00.0", 1, 0 }, { "8086:10d3", 1, 0 },
	{ "01:00.0,8086:10d3,02:00.1\n", 3, 0 }, { "0A:1F.7", 1, 0 }, { "", 0, 0 },
	{ "\n", 0, 0 },
	{ "garbage", -1, 0 }, { "1:2:3:4.0", -1, 0 }, { "00:20.0", -1, 0 },
	{ "00:00.8", -1, 0 }, { "100:00.0", -1, 0 }, { "0000:100:00.0", -1, 0 },
	{ "100000000:00:00.0", -1, 0 }, { "18086:10d3", -1, 0 }, { "8086:110d3", -1, 0 },
	{ "01:00.0,,02:00.0", -1, 8 }, { "01:00.0,", -1, 7 }, { ",01:00.0", -1, 0 },
	{ "01:00.0, 02:00.0", -1, 8 }, { " 01:00.0", -1, 0 }, { "01:00.0 ", -1, 0 },
	{ "8086:10d3,zz", -1, 10 }, { "0x01:00.0", -1, 0 }, { "01:00.", -1, 0 },
	{ "01:00:0", -1, 0 }, { "8086", -1, 0 }, { "8086:", -1, 0 }, { ":10d3", -1, 0 },
	{ "01:00.0\n\n", -1, 0 }, { "-1:00.0", -1, 0 },
};

static void pcq_kt_skip_desc(const struct pcq_kt_skip *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "'%.40s'", c->s);
}

KUNIT_ARRAY_PARAM(pcq_kt_skip, pcq_kt_skips, pcq_kt_skip_desc);

/* The skip parameter: what parses, and a refusal that changes nothing. */
static void pcq_test_parse_table(struct kunit *test)
{
	const struct pcq_kt_skip *c = test->param_value;
	struct pcq_skip_list skip = { .nr = 7 };
	const char *where = NULL;
	int err = pcq_parse_skip(c->s, &skip, &where);

	if (c->nr >= 0) {
		KUNIT_EXPECT_EQ(test, err, 0);
		KUNIT_EXPECT_EQ(test, skip.nr, (unsigned int)c->nr);
		KUNIT_EXPECT_NULL(test, where);
	} else {
		KUNIT_EXPECT_EQ(test, err, -EINVAL);
		KUNIT_EXPECT_EQ(test, skip.nr, 7U);
		KUNIT_EXPECT_PTR_EQ(test, where, c->s + c->bad);
	}
}

/* The canonical form round-trips; a VMD domain keeps all its digits. */
static void pcq_test_parse_format(struct kunit *test)
{
	struct pcq_skip_list skip = { }, back = { };
	const char *where;
	char buf[64];

	KUNIT_ASSERT_EQ(test, pcq_parse_skip("1:0.0,8086:10D3,ABCD:fe:1f.7,1b36:1\n",
					     &skip, &where), 0);
	pcq_format_skip(&skip, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "0000:01:00.0,8086:10d3,abcd:fe:1f.7,1b36:0001");
	KUNIT_ASSERT_EQ(test, pcq_parse_skip(buf, &back, &where), 0);
	KUNIT_EXPECT_EQ(test, back.nr, skip.nr);
	KUNIT_EXPECT_EQ(test, memcmp(back.entry, skip.entry, skip.nr * sizeof(skip.entry[0])), 0);
	KUNIT_EXPECT_EQ(test, pcq_parse_skip("10000:01:00.0", &skip, &where), 0);
	KUNIT_EXPECT_EQ(test, skip.entry[0].seg, 0x10000U);
}

/* The seal: a flipped byte anywhere, a header that lies, a bad link. */
static void pcq_test_seal(struct kunit *test)
{
	struct pcq_snapshot *snap = pcq_kt_walk_build(test, &pcq_kt_settings);

	KUNIT_EXPECT_TRUE(test, pcq_snapshot_intact(snap));
	snap->func[3].bus ^= 1;
	KUNIT_EXPECT_FALSE(test, pcq_snapshot_intact(snap));
	snap->func[3].bus ^= 1;
	snap->step[2].reach ^= 1;
	KUNIT_EXPECT_FALSE(test, pcq_snapshot_intact(snap));
	snap->step[2].reach ^= 1;
	snap->settings.dry_run ^= 1;
	KUNIT_EXPECT_FALSE(test, pcq_snapshot_intact(snap));
	snap->settings.dry_run ^= 1;
	KUNIT_EXPECT_TRUE(test, pcq_snapshot_intact(snap));
	/* the walk's scratch is outside the seal */
	pcq_snapshot_state(snap)[0].flags = 0xffff;
	KUNIT_EXPECT_TRUE(test, pcq_snapshot_intact(snap));
	snap->nr = PCQ_NR_SANITY + 1;
	KUNIT_EXPECT_FALSE(test, pcq_snapshot_intact(snap));
	snap->nr = 4;
	snap->nr_inv = 0;
	KUNIT_EXPECT_FALSE(test, pcq_snapshot_intact(snap));
	snap->nr_inv = ~4U;
	snap->func[1].parent = 3;
	pcq_snapshot_seal(snap);
	KUNIT_EXPECT_FALSE(test, pcq_snapshot_intact(snap));
}

/*
 * A rebuild that fails (here: the build's -ENOMEM handed in) keeps the
 * published snapshot and marks it stale; the next one that works clears
 * the mark.  On the driver's own live state, under its lock, and left as
 * it was found but for the generation.
 */
static void pcq_test_stale(struct kunit *test)
{
	const struct pcq_snapshot *before;
	struct pcq_snapshot *copy;
	struct pcq_params params;

	pcq_params_get(&params);
	pcq_lock_state();
	before = pcq_snapshot_locked();
	if (!before) {
		pcq_unlock_state();
		kunit_skip(test, "no snapshot published");
	}
	KUNIT_EXPECT_EQ(test, pcq_take_locked(ERR_PTR(-ENOMEM)), -ENOMEM);
	KUNIT_EXPECT_PTR_EQ(test, pcq_snapshot_locked(), before);
	KUNIT_EXPECT_EQ(test, pcq_snapshot_stale_locked(), -ENOMEM);
	copy = pcq_snapshot_replan(before, &before->settings, &params.skip,
				   before->generation + 1, -1);
	if (IS_ERR(copy)) {
		pcq_unlock_state();
		KUNIT_FAIL(test, "no memory for a copy of the snapshot");
		return;
	}
	KUNIT_EXPECT_EQ(test, pcq_take_locked(copy), 0);
	KUNIT_EXPECT_PTR_EQ(test, pcq_snapshot_locked(), (const struct pcq_snapshot *)copy);
	KUNIT_EXPECT_EQ(test, pcq_snapshot_stale_locked(), 0);
	pcq_unlock_state();
}

/*
 * A root-bus function on its way out: the copy planned without it leaves
 * it, and everything below it, without an accessor, skipped as removed;
 * the other functions keep theirs.  On the live snapshot, not published.
 */
static void pcq_test_forget(struct kunit *test)
{
	const struct pcq_snapshot *snap;
	struct pcq_snapshot *copy;
	struct pci_dev *gone = NULL;
	unsigned int i, removed = 0, kept = 0;
	struct pcq_params params;
	int at = -1;
	u8 sec, sub;

	pcq_params_get(&params);
	pcq_lock_state();
	snap = pcq_snapshot_locked();
	while (snap && (gone = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, gone)))
		if (pci_is_root_bus(gone->bus) && gone->subordinate)
			break;
	for (i = 0; gone && i < snap->nr && at < 0; i++)
		if (snap->func[i].seg == pci_domain_nr(gone->bus) &&
		    snap->func[i].bus == gone->bus->number && snap->func[i].devfn == gone->devfn)
			at = i;
	if (at < 0) {
		pcq_unlock_state();
		pci_dev_put(gone);
		kunit_skip(test, "no root port to forget");
	}
	/* what to expect, from the live port; the forget itself uses no pci_dev */
	sec = gone->subordinate->number;
	sub = gone->subordinate->busn_res.end;
	copy = pcq_snapshot_replan(snap, &snap->settings, &params.skip, snap->generation, at);
	if (IS_ERR(copy)) {
		pcq_unlock_state();
		pci_dev_put(gone);
		KUNIT_FAIL(test, "replan failed: %ld", PTR_ERR(copy));
		return;
	}
	for (i = 0; i < copy->nr; i++) {
		const struct pcq_func *f = &copy->func[i];
		bool below = f->seg == snap->func[at].seg && f->bus >= sec && f->bus <= sub;

		if ((int)i == at || below) {
			KUNIT_EXPECT_STREQ(test, pcq_access_name(f), "none");
			KUNIT_EXPECT_EQ(test, (int)copy->step[i].action, PCQ_ACT_SKIP);
			KUNIT_EXPECT_EQ(test, copy->step[i].skip, PCQ_SKIP_REMOVED);
			removed++;
		} else if (!strcmp(pcq_access_name(f), pcq_access_name(&snap->func[i]))) {
			kept++;
		}
	}
	pcq_unlock_state();
	KUNIT_EXPECT_GE(test, removed, 1U);
	KUNIT_EXPECT_EQ(test, removed + kept, copy->nr);
	KUNIT_EXPECT_TRUE(test, pcq_snapshot_intact(copy));
	pci_dev_put(gone);
	kvfree(copy);
}

/*
 * dry_run_now on the running machine: the walk goes through the PCI core's
 * locked accessors and writes nothing, and its record says so.
 */
static void pcq_test_dry_run_now(struct kunit *test)
{
	struct pcq_run run;

	pcq_lock_state();
	if (!pcq_snapshot_locked()) {
		pcq_unlock_state();
		kunit_skip(test, "no snapshot published");
	}
	pcq_unlock_state();
	KUNIT_ASSERT_EQ(test, pcq_dry_run_now(), 0);
	pcq_last_run_get(&run);
	KUNIT_EXPECT_EQ(test, run.state, PCQ_STATE_DRY_RUN);
	KUNIT_EXPECT_EQ(test, run.mode, PCQ_WALK_PCI_CORE);
	KUNIT_EXPECT_EQ(test, run.config_writes, 0U);
	KUNIT_EXPECT_GT(test, run.config_reads, 0U);
	KUNIT_EXPECT_EQ(test, run.mismatched, 0U);
}

static struct kunit_case pcq_test_cases[] = {
	KUNIT_CASE_PARAM(pcq_test_plan_table, pcq_kt_plan_gen_params),
	KUNIT_CASE(pcq_test_walk),
	KUNIT_CASE(pcq_test_walk_dry_run),
	KUNIT_CASE(pcq_test_walk_tp_stuck),
	KUNIT_CASE(pcq_test_walk_af_pm),
	KUNIT_CASE(pcq_test_walk_vfs),
	KUNIT_CASE(pcq_test_walk_mismatch_and_corrupt),
	KUNIT_CASE(pcq_test_walk_skip_keeps_master),
	KUNIT_CASE(pcq_test_facts),
	KUNIT_CASE_PARAM(pcq_test_parse_table, pcq_kt_skip_gen_params),
	KUNIT_CASE(pcq_test_parse_format),
	KUNIT_CASE(pcq_test_seal),
	KUNIT_CASE(pcq_test_stale),
	KUNIT_CASE(pcq_test_forget),
	KUNIT_CASE(pcq_test_dry_run_now),
	{}
};

static struct kunit_suite pcq_test_suite = {
	.name = "pci_crash_quiesce",
	.test_cases = pcq_test_cases,
};

kunit_test_suite(pcq_test_suite);
