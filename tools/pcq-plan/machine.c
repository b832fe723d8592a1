// SPDX-License-Identifier: GPL-2.0
/*
 * From a machine's config space to the driver's snapshot and plan: what
 * snapshot.c takes from struct pci_dev, found in the dump instead (the
 * capability lists, the tree of bridges, SR-IOV's VFs), decided by the
 * driver's own facts.c, planned by its plan.c.
 *
 * The PCI core's own reading of config space is followed where it decides
 * a fact: pci_find_capability() and pci_find_ext_capability() (their walks
 * and limits), pci_setup_device() (a class its header type contradicts is
 * ignored), pci_pm_init() (a PM capability of an unknown version is
 * ignored), set_pcie_port_type() (a port whose type cannot be right is
 * corrected), sriov_init() (a PF with TotalVFs 0 is none) and
 * pci_iov_virtfn_bus()/_devfn() (where VFs are, and iov.c their IDs).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pcq-plan.h"

/* include/linux/pci_ids.h: the CXL DVSECs' vendor (pci_compat.h has the rest) */
#define PP_VENDOR_ID_CXL		0x1e98

/* PCI Code and ID Assignment r1.15 sec 1.1: a VGA device from before class codes */
#define PP_CLASS_NOT_DEFINED_VGA	0x0001
#define PP_CLASS_BRIDGE_PCI		0x0604
#define PP_CLASS_BRIDGE_CARDBUS		0x0607

#define PP_FIND_CAP_TTL			48	/* as the PCI core's PCI_FIND_CAP_TTL */

/*
 * The kernel's ECAM mapping of a bus, as pcq_cfg_pick() takes it: an
 * inaccessible region, so that a function's ecam pointer says "ECAM" and
 * nothing can ever be read or written through it.
 */
static void __iomem *pp_ecam_bus;

void pp_ecam_init(void)
{
	void *p = mmap(NULL, 256 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("pcq-plan: mmap");
		exit(PP_UNREADABLE);
	}
	pp_ecam_bus = p;
}

/* Config reads from the dump; beyond it, all ones, as a failed read. */
static u8 rd8(const struct pp_fn *f, unsigned int reg)
{
	return reg < f->len ? f->cfg[reg] : 0xff;
}

static u16 rd16(const struct pp_fn *f, unsigned int reg)
{
	return rd8(f, reg) | rd8(f, reg + 1) << 8;
}

static u32 rd32(const struct pp_fn *f, unsigned int reg)
{
	return rd16(f, reg) | (u32)rd16(f, reg + 2) << 16;
}

static u8 hdr_of(const struct pp_fn *f)
{
	return rd8(f, PCI_HEADER_TYPE) & 0x7f;
}

/* The config space reads all ones: powered down when it was dumped */
static bool all_ones(const struct pp_fn *f)
{
	return rd32(f, PCI_VENDOR_ID) == 0xffffffff &&
	       rd32(f, PCI_CLASS_REVISION) == 0xffffffff;
}

/* As pci_find_capability(): where the list starts depends on the header. */
static u8 find_cap(const struct pp_fn *f, u8 cap)
{
	unsigned int ttl = PP_FIND_CAP_TTL;
	u8 pos;

	if (!(rd16(f, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	switch (hdr_of(f)) {
	case PCI_HEADER_TYPE_NORMAL:
	case PCI_HEADER_TYPE_BRIDGE:
		pos = rd8(f, PCI_CAPABILITY_LIST);
		break;
	case PCI_HEADER_TYPE_CARDBUS:
		pos = rd8(f, PCI_CB_CAPABILITY_LIST);
		break;
	default:
		return 0;
	}
	while (ttl--) {
		u16 ent;

		if (pos < 0x40)
			break;
		pos &= ~3;
		ent = rd16(f, pos);
		if ((ent & 0xff) == 0xff)
			break;
		if ((ent & 0xff) == cap)
			return pos;
		pos = ent >> 8;
	}
	return 0;
}

/* Does the dump hold the function's extended config space? */
static bool ext_known(const struct pp_fn *f)
{
	return f->len == PP_CFG_MAX;
}

/* As pci_find_next_ext_capability(): the next @cap after @start (0: first). */
static u16 find_ext_cap(const struct pp_fn *f, u16 start, u16 cap)
{
	int ttl = (PP_CFG_MAX - PP_CFG_MIN) / 8;
	u16 pos = start ? start : PP_CFG_MIN;
	u32 header;

	if (!ext_known(f))
		return 0;
	header = rd32(f, pos);
	if (!header)
		return 0;
	while (ttl-- > 0) {
		if (PCI_EXT_CAP_ID(header) == cap && pos != start)
			return pos;
		pos = PCI_EXT_CAP_NEXT(header);
		if (pos < PP_CFG_MIN)
			break;
		header = rd32(f, pos);
	}
	return 0;
}

/* As pci_find_dvsec_capability() */
static u16 find_dvsec(const struct pp_fn *f, u16 vendor, u16 id)
{
	u16 pos = find_ext_cap(f, 0, PCI_EXT_CAP_ID_DVSEC);

	while (pos) {
		if (rd16(f, pos + PCI_DVSEC_HEADER1) == vendor &&
		    rd16(f, pos + PCI_DVSEC_HEADER2) == id)
			return pos;
		pos = find_ext_cap(f, pos, PCI_EXT_CAP_ID_DVSEC);
	}
	return 0;
}

/* As pci_pm_init(): pdev->pm_cap, 0 for a PM capability of an unknown version */
static u8 pm_cap_of(const struct pp_fn *f)
{
	u8 pm = find_cap(f, PCI_CAP_ID_PM);

	if (pm && (rd16(f, pm + PCI_PM_PMC) & PCI_PM_CAP_VER_MASK) > 3)
		return 0;
	return pm;
}

/* As sriov_init(): the SR-IOV capability of a PF with VFs to give, or 0 */
static u16 sriov_cap_of(const struct pp_fn *f)
{
	u16 pos;

	if (!find_cap(f, PCI_CAP_ID_EXP))
		return 0;
	pos = find_ext_cap(f, 0, PCI_EXT_CAP_ID_SRIOV);
	if (pos && !rd16(f, pos + PCI_SRIOV_TOTAL_VF))
		return 0;
	return pos;
}

static bool is_bridge_hdr(const struct pp_fn *f)
{
	return hdr_of(f) == PCI_HEADER_TYPE_BRIDGE || hdr_of(f) == PCI_HEADER_TYPE_CARDBUS;
}

static void bdf_of(char *buf, size_t len, const struct pp_fn *f)
{
	pp_bdf(buf, len, f->seg, f->bus, f->devfn);
}

static u64 addr_key(u32 seg, u8 bus, u8 devfn)
{
	return (u64)seg << 16 | (u32)bus << 8 | devfn;
}

static const struct pp_machine *sort_m;

static int cmp_addr(const void *a, const void *b)
{
	const struct pp_fn *x = &sort_m->fn[*(const unsigned int *)a];
	const struct pp_fn *y = &sort_m->fn[*(const unsigned int *)b];
	u64 kx = addr_key(x->seg, x->bus, x->devfn), ky = addr_key(y->seg, y->bus, y->devfn);

	if (kx != ky)
		return kx < ky ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/**
 * pp_fn_of() - the function at an address
 * @m:     the machine, its @by_addr made
 * @seg:   domain
 * @bus:   bus
 * @devfn: device and function
 *
 * Return: its index in @m->fn, or -1.
 */
int pp_fn_of(const struct pp_machine *m, u32 seg, u8 bus, u8 devfn)
{
	u64 want = addr_key(seg, bus, devfn);
	unsigned int lo = 0, hi = m->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct pp_fn *f = &m->fn[m->by_addr[mid]];
		u64 k = addr_key(f->seg, f->bus, f->devfn);

		if (k == want)
			return m->by_addr[mid];
		if (k < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Index by address; a function given twice is refused. */
static int index_addresses(struct pp_machine *m)
{
	unsigned int i;

	m->by_addr = pp_alloc(m->nr, sizeof(*m->by_addr));
	for (i = 0; i < m->nr; i++)
		m->by_addr[i] = i;
	sort_m = m;
	qsort(m->by_addr, m->nr, sizeof(*m->by_addr), cmp_addr);
	for (i = 1; i < m->nr; i++) {
		const struct pp_fn *a = &m->fn[m->by_addr[i - 1]];
		const struct pp_fn *b = &m->fn[m->by_addr[i]];
		char bdf[32];

		if (addr_key(a->seg, a->bus, a->devfn) != addr_key(b->seg, b->bus, b->devfn))
			continue;
		bdf_of(bdf, sizeof(bdf), b);
		if (m->sysfs)
			return pp_error(m, 0, "%s: duplicated function", bdf);
		return pp_error(m, b->line, "duplicated function %s (first at line %u)", bdf, a->line);
	}
	return 0;
}

/*
 * SR-IOV: the VFs of each PF.  From the PF's SR-IOV capability as the
 * kernel places them (pci_iov_virtfn_bus(), pci_iov_virtfn_devfn()): First
 * VF Offset, VF Stride, NumVFs, with VF Enable set; the kernel's VF IDs are
 * the PF's vendor and the VF Device ID.  From a sysfs tree, the physfn link
 * says it, and vendor/device are the kernel's own.
 */
static int find_vfs(struct pp_machine *m)
{
	unsigned int i, k;
	char bdf[32], pbdf[32];

	for (i = 0; i < m->nr; i++) {
		struct pp_fn *f = &m->fn[i];
		int pf;

		if (!m->sysfs || !f->physfn)
			continue;
		pf = pp_fn_of(m, f->pf_seg, f->pf_bus, f->pf_devfn);
		bdf_of(bdf, sizeof(bdf), f);
		if (pf < 0 || m->fn[pf].physfn)
			return pp_error(m, 0, "%s: its physfn is not a PF of this tree", bdf);
		f->pf = pf;
	}
	if (m->sysfs)
		return 0;
	for (i = 0; i < m->nr; i++) {
		const struct pp_fn *f = &m->fn[i];
		u16 pos = all_ones(f) ? 0 : sriov_cap_of(f);
		u16 nr, offset, stride;

		if (!pos || !(rd16(f, pos + PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_VFE))
			continue;
		nr = rd16(f, pos + PCI_SRIOV_NUM_VF);
		offset = rd16(f, pos + PCI_SRIOV_VF_OFFSET);
		stride = rd16(f, pos + PCI_SRIOV_VF_STRIDE);
		for (k = 0; k < nr; k++) {
			unsigned int rid = f->devfn + offset + (unsigned int)stride * k;
			unsigned int bus = f->bus + (rid >> 8);
			struct pp_fn *vf;
			int v;

			if (bus > 0xff)
				break;
			v = pp_fn_of(m, f->seg, bus, rid & 0xff);
			if (v < 0 || v == (int)i)
				continue;
			vf = &m->fn[v];
			if (vf->pf >= 0 && vf->pf != (int)i) {
				bdf_of(bdf, sizeof(bdf), vf);
				bdf_of(pbdf, sizeof(pbdf), &m->fn[vf->pf]);
				return pp_error(m, vf->line, "%s is a VF of two PFs: %s and the one at line %u",
						bdf, pbdf, f->line);
			}
			vf->pf = i;
			vf->hint_ids = true;
			vf->vendor = rd16(f, PCI_VENDOR_ID);
			vf->device = rd16(f, pos + PCI_SRIOV_VF_DID);
		}
	}
	return 0;
}

/* Bridges' secondary buses, sorted: (seg, bus) -> bridge */
struct pp_sec {
	u64 key;
	unsigned int fn;
};

static int cmp_sec(const void *a, const void *b)
{
	const struct pp_sec *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->fn < y->fn ? -1 : x->fn > y->fn;
}

/*
 * The tree: a function's parent is the bridge of its domain whose
 * secondary bus is its bus (what the PCI core's scan made of the bus
 * numbers); a VF has its PF's.  A bridge whose bus range holds its own
 * bus, a bus two bridges claim, and a loop of bus numbers are refused.
 */
static int find_parents(struct pp_machine *m)
{
	struct pp_sec *sec = pp_alloc(m->nr ? m->nr : 1, sizeof(*sec));
	unsigned int nr = 0, i;
	char bdf[32], other[32];
	int err = 0;

	for (i = 0; i < m->nr && !err; i++) {
		const struct pp_fn *f = &m->fn[i];
		u8 s, sub;

		if (!is_bridge_hdr(f) || f->pf >= 0 || all_ones(f))
			continue;
		s = rd8(f, PCI_SECONDARY_BUS);
		sub = rd8(f, PCI_SUBORDINATE_BUS);
		if (f->bus >= s && f->bus <= sub) {
			bdf_of(bdf, sizeof(bdf), f);
			err = pp_error(m, f->line, "bridge %s: its bus range %02x-%02x contains its own bus %02x",
				       bdf, s, sub, f->bus);
			break;
		}
		sec[nr].key = (u64)f->seg << 8 | s;
		sec[nr].fn = i;
		nr++;
	}
	if (!err && nr)
		qsort(sec, nr, sizeof(*sec), cmp_sec);
	for (i = 1; i < nr && !err; i++) {
		const struct pp_fn *a = &m->fn[sec[i - 1].fn], *b = &m->fn[sec[i].fn];

		if (sec[i].key != sec[i - 1].key)
			continue;
		bdf_of(bdf, sizeof(bdf), b);
		bdf_of(other, sizeof(other), a);
		err = pp_error(m, b->line, "bridge %s: its secondary bus %02x is also %s's (line %u)",
			       bdf, rd8(b, PCI_SECONDARY_BUS), other, a->line);
	}
	for (i = 0; i < m->nr && !err; i++) {
		struct pp_fn *f = &m->fn[i];
		const struct pp_fn *up = f->pf >= 0 ? &m->fn[f->pf] : f;
		u64 want = (u64)up->seg << 8 | up->bus;
		unsigned int lo = 0, hi = nr;

		while (lo < hi) {
			unsigned int mid = lo + (hi - lo) / 2;

			if (sec[mid].key < want)
				lo = mid + 1;
			else
				hi = mid;
		}
		f->parent = lo < nr && sec[lo].key == want ? (int)sec[lo].fn : -1;
	}
	free(sec);
	return err;
}

/* Bridges above each function; a loop of bus numbers is refused. */
static int find_depths(struct pp_machine *m)
{
	unsigned int *path = pp_alloc(m->nr + 1, sizeof(*path));
	unsigned int i;
	int err = 0;

	for (i = 0; i < m->nr && !err; i++) {
		unsigned int n = 0;
		int j = i, base;

		while (j >= 0 && m->fn[j].depth < 0) {
			if (m->fn[j].state) {
				char msg[256], bdf[32];
				size_t len = 0;
				unsigned int k = n;
				int first = j;

				/* the loop: from @first around to it again */
				do {
					bdf_of(bdf, sizeof(bdf), &m->fn[j]);
					len += snprintf(msg + len, sizeof(msg) - len, "%s%s (bus %02x)",
							len ? " -> " : "", bdf, m->fn[j].bus);
					if (len >= sizeof(msg))
						break;
					j = m->fn[j].parent;
				} while (j != first && --k);
				err = pp_error(m, m->fn[first].line,
					       "bus number loop: each is the bridge above the one before: %s",
					       msg);
				break;
			}
			m->fn[j].state = 1;
			path[n++] = j;
			j = m->fn[j].parent;
		}
		if (err)
			break;
		base = j < 0 ? -1 : m->fn[j].depth;
		while (n--) {
			m->fn[path[n]].depth = ++base;
			m->fn[path[n]].state = 0;
		}
	}
	free(path);
	return err;
}

/* enum pcq_type needs the Device/Port Type; 0 for no PCIe capability */
static u8 pcie_type_raw(const struct pp_fn *f)
{
	u8 pos = find_cap(f, PCI_CAP_ID_EXP);

	return pos ? (rd16(f, pos + PCI_EXP_FLAGS) & PCI_EXP_FLAGS_TYPE) >> 4 : 0;
}

static bool pcie_downstream(const struct pp_fn *f)
{
	return find_cap(f, PCI_CAP_ID_EXP) &&
	       (f->pcie_type == PCI_EXP_TYPE_ROOT_PORT ||
		f->pcie_type == PCI_EXP_TYPE_DOWNSTREAM ||
		f->pcie_type == PCI_EXP_TYPE_PCIE_BRIDGE);
}

/* The snapshot's order: pcq_func_key(), as snapshot.c sorts */
struct pp_ent {
	u64 key;
	unsigned int fn;
};

static int cmp_ent(const void *a, const void *b)
{
	u64 x = ((const struct pp_ent *)a)->key, y = ((const struct pp_ent *)b)->key;

	return x < y ? -1 : x > y;
}

static bool id_listed(const struct pcq_skip_list *l, u16 vendor, u16 device)
{
	unsigned int i;

	for (i = 0; i < l->nr; i++)
		if (l->entry[i].by_id && l->entry[i].vendor == vendor &&
		    l->entry[i].device == device)
			return true;
	return false;
}

static bool addr_listed(const struct pcq_skip_list *l, const struct pcq_func *f)
{
	unsigned int i;

	for (i = 0; i < l->nr; i++)
		if (!l->entry[i].by_id && l->entry[i].seg == f->seg &&
		    l->entry[i].bus == f->bus && l->entry[i].devfn == f->devfn)
			return true;
	return false;
}

/* What the tool counted while filling, for the assumption lines */
struct pp_tally {
	unsigned int probed;	/* reset method by the probes alone */
	unsigned int ext_unknown;
	unsigned int no_access;
	char first_ext_unknown[32];
};

/*
 * One function's facts, as snapshot.c's pcq_fill() makes them from a struct
 * pci_dev: what the registers and the options say gathered into a struct
 * pcq_fact_in, then facts.c's pcq_fact_fill(), the driver's own combination.
 */
static void fill(struct pp_machine *m, const struct pp_opts *o, struct pcq_func *f,
		 const struct pp_fn *d, struct pp_tally *t)
{
	u8 pcie = find_cap(d, PCI_CAP_ID_EXP), af_cap = find_cap(d, PCI_CAP_ID_AF);
	u8 pm_cap = pm_cap_of(d);
	bool dead = all_ones(d);
	struct pcq_fact_in in = { };
	char bdf[32];
	u16 pos;

	bdf_of(bdf, sizeof(bdf), d);
	f->seg = d->seg;
	f->bus = d->bus;
	f->devfn = d->devfn;
	f->vendor = rd16(d, PCI_VENDOR_ID);
	f->device = rd16(d, PCI_DEVICE_ID);
	f->class_rev = rd32(d, PCI_CLASS_REVISION);
	/*
	 * The kernel's IDs where the config space does not show them: a VF's
	 * (read all ones by specification), a function powered down since
	 * boot (lspci -nn's header has them); from sysfs, always the kernel's.
	 */
	if (d->hint_ids && (m->sysfs || d->pf >= 0 || f->vendor == 0xffff)) {
		f->vendor = d->vendor;
		f->device = d->device;
	}
	if (d->hint_class && (m->sysfs || dead))
		f->class_rev = d->class_rev;
	f->hdr_type = hdr_of(d);
	/* pci_setup_device(): a class its header type contradicts is ignored */
	if (!m->sysfs && !dead &&
	    ((f->hdr_type == PCI_HEADER_TYPE_NORMAL && f->class_rev >> 16 == PP_CLASS_BRIDGE_PCI) ||
	     (f->hdr_type == PCI_HEADER_TYPE_CARDBUS && f->class_rev >> 16 != PP_CLASS_BRIDGE_CARDBUS))) {
		pp_assume(m, o, "%s: class %06x with header type %u: the kernel ignores the class (class 000000)",
			  bdf, f->class_rev >> 8, f->hdr_type);
		f->class_rev &= 0xff;
	}
	f->msi_cap = find_cap(d, PCI_CAP_ID_MSI);
	f->msix_cap = find_cap(d, PCI_CAP_ID_MSIX);
	f->sriov_cap = sriov_cap_of(d);

	in.pcie_cap = pcie;
	in.pcie_type = d->pcie_type;
	in.af_cap = af_cap;
	in.pm_cap = pm_cap;
	in.boot_vga = d->boot_vga;
	if (addr_listed(&o->vga, f)) {
		in.boot_vga = true;
		pp_assume(m, o, "%s is the boot display (--vga)", bdf);
	}
	if (id_listed(&o->no_bus_reset, f->vendor, f->device)) {
		in.no_bus_reset = true;
		pp_assume(m, o, "%s %04x:%04x has the NO_BUS_RESET quirk (--no-bus-reset)",
			  bdf, f->vendor, f->device);
	}
	in.vf = d->pf >= 0;
	pos = find_dvsec(d, PP_VENDOR_ID_CXL, PCI_DVSEC_CXL_DEVICE);
	in.cxl_dvsec_cap_found = pos;
	if (pos)
		in.cxl_dvsec_cap = rd16(d, pos + PCI_DVSEC_CXL_CAP);
	pos = is_bridge_hdr(d) ? find_dvsec(d, PP_VENDOR_ID_CXL, PCI_DVSEC_CXL_PORT) : 0;
	in.cxl_port_ctl_found = pos;
	if (pos)
		in.cxl_port_ctl = rd16(d, pos + PCI_DVSEC_CXL_PORT_CTL);

	/* the probes of pcie_reset_flr(), pci_af_flr() and pci_pm_reset() */
	in.flr = pcie && pcq_fact_flr(rd32(d, pcie + PCI_EXP_DEVCAP));
	in.af_flr = af_cap && pcq_fact_af_flr(rd8(d, af_cap + PCI_AF_CAP));
	in.pm = pm_cap && pcq_fact_pm_reset(rd16(d, pm_cap + PCI_PM_CTRL));
	if (id_listed(&o->reset_quirk, f->vendor, f->device)) {
		in.first_method = PCQ_RESET_METHOD_DEVICE_SPECIFIC;
		pp_assume(m, o, "%s %04x:%04x: the kernel resets it its own way first (--reset-quirk)",
			  bdf, f->vendor, f->device);
	} else if (d->reset_first >= 0) {
		in.first_method = d->reset_first;
	} else {
		in.first_method = pcq_fact_default_method(in.flr, in.af_flr, in.pm);
		t->probed += in.first_method != PCQ_RESET_METHOD_END;
	}
	pcq_fact_fill(f, &in);

	/*
	 * The kernel checks that ECAM shows the function it knows before it
	 * trusts it (pcq_pick_access()): one that reads all ones does not.
	 */
	pcq_cfg_pick(f, o->ecam && !dead ? pp_ecam_bus : NULL, o->conf1);
	t->no_access += !f->ecam && !(f->flags & PCQ_F_CONF1);

	if (pcie && !ext_known(d) && !m->ext_seen) {
		if (!t->ext_unknown++)
			snprintf(t->first_ext_unknown, sizeof(t->first_ext_unknown), "%s", bdf);
	}
	if (dead) {
		pp_assume(m, o, "%s reads all ones (powered down when dumped): listed with %s, no capabilities, and without ECAM, which the kernel does not trust when it shows a function all ones (the panic walk would skip it as mismatched)%s",
			  bdf, m->sysfs ? "the kernel's IDs and class from sysfs" :
			  !(d->unknown & (PP_UNK_IDENT | PP_UNK_CLASS)) ?
			  "the kernel's IDs and class, from lspci -nn's header" :
			  "what the dump says of its IDs and class (lspci -nn would give the kernel's)",
			  d->unknown & PP_UNK_CLASS ?
			  "; its class unknown, it may be a display: no bus reset of its bus (as NO_BUS_RESET)" : "");
		if (d->unknown & PP_UNK_CLASS)
			f->flags |= PCQ_F_NO_BUS_RESET;
	} else if (d->unknown & PP_UNK_PF) {
		pp_assume(m, o, "%s reads ffff:ffff IDs with a valid class: a VF whose PF's SR-IOV capability is not in the dump; listed as a function of its own, its PF unknown",
			  bdf);
	}
	if (f->class_rev >> 16 == PP_CLASS_NOT_DEFINED_VGA && !(f->flags & PCQ_F_VGA))
		pp_assume(m, o, "%s is a VGA device from before PCI 2.0 (class 000100): not taken for the boot display; --vga if it is",
			  bdf);
}

static const char *reset_mode_name(u8 mode)
{
	switch (mode) {
	case PCQ_RESET_NONE:
		return "none";
	case PCQ_RESET_BUS:
		return "bus";
	default:
		return "auto";
	}
}

/**
 * pp_plan_machine() - the snapshot and plan of one machine
 * @m: the machine, read
 * @o: the options
 *
 * Return: PP_OK or PP_BAD_INPUT (said on stderr).
 */
int pp_plan_machine(struct pp_machine *m, const struct pp_opts *o)
{
	struct pp_tally t = { };
	struct pcq_snapshot *snap;
	struct pp_ent *ent;
	unsigned int i, vfs = 0;
	int *index, err;
	char bdf[32];

	m->ext_seen = m->sysfs;
	for (i = 0; i < m->nr; i++)
		m->ext_seen |= m->fn[i].len == PP_CFG_MAX;
	err = index_addresses(m);
	if (!err)
		err = find_vfs(m);
	if (err)
		return err;
	for (i = 0; i < m->nr; i++) {
		struct pp_fn *f = &m->fn[i];

		vfs += f->pf >= 0;
		if (all_ones(f)) {
			if (!f->hint_ids)
				f->unknown |= PP_UNK_IDENT;
			if (!f->hint_class)
				f->unknown |= PP_UNK_CLASS;
		} else if (f->pf < 0 && rd32(f, PCI_VENDOR_ID) == 0xffffffff && !m->sysfs) {
			f->unknown |= PP_UNK_PF;
		}
		if (!m->ext_seen && find_cap(f, PCI_CAP_ID_EXP))
			f->unknown |= PP_UNK_EXT;
	}
	err = find_parents(m);
	if (!err)
		err = find_depths(m);
	if (err)
		return err;

	ent = pp_alloc(m->nr, sizeof(*ent));
	for (i = 0; i < m->nr; i++) {
		const struct pp_fn *f = &m->fn[i];

		ent[i].key = pcq_func_key(f->depth, f->seg, f->bus, f->devfn);
		ent[i].fn = i;
	}
	qsort(ent, m->nr, sizeof(*ent), cmp_ent);
	index = pp_alloc(m->nr, sizeof(*index));
	for (i = 0; i < m->nr; i++)
		index[ent[i].fn] = i;

	/*
	 * set_pcie_port_type(), parents first: a downstream port below a
	 * downstream port (or a root port) is an upstream one, and an
	 * upstream port below an upstream port a downstream one.
	 */
	for (i = 0; i < m->nr; i++) {
		struct pp_fn *f = &m->fn[ent[i].fn];
		const struct pp_fn *up = f->parent >= 0 ? &m->fn[f->parent] : NULL;

		f->pcie_type = pcie_type_raw(f);
		if (!up || !find_cap(f, PCI_CAP_ID_EXP))
			continue;
		bdf_of(bdf, sizeof(bdf), f);
		if (f->pcie_type == PCI_EXP_TYPE_DOWNSTREAM && pcie_downstream(up)) {
			f->pcie_type = PCI_EXP_TYPE_UPSTREAM;
			pp_assume(m, o, "%s claims to be a downstream port below a root or downstream port: the kernel corrects it to an upstream port", bdf);
		} else if (f->pcie_type == PCI_EXP_TYPE_UPSTREAM && find_cap(up, PCI_CAP_ID_EXP) &&
			   up->pcie_type == PCI_EXP_TYPE_UPSTREAM) {
			f->pcie_type = PCI_EXP_TYPE_DOWNSTREAM;
			pp_assume(m, o, "%s claims to be an upstream port below an upstream port: the kernel corrects it to a downstream port", bdf);
		}
	}

	snap = calloc(1, pcq_snapshot_size(m->nr));
	if (!snap) {
		perror("pcq-plan");
		exit(PP_UNREADABLE);
	}
	pcq_snapshot_init(snap, m->nr);
	snap->generation = 1;
	snap->settings = o->settings;
	for (i = 0; i < m->nr; i++) {
		const struct pp_fn *d = &m->fn[ent[i].fn];
		struct pcq_func *f = &snap->func[i];

		fill(m, o, f, d, &t);
		f->depth = d->depth;
		f->parent = d->parent >= 0 ? index[d->parent] : -1;
		f->pf = d->pf >= 0 ? index[d->pf] : -1;
	}
	pcq_plan(snap, &o->skip);
	pcq_snapshot_seal(snap);
	if (!pcq_snapshot_intact(snap)) {
		fprintf(stderr, "pcq-plan: %s: internal error: the snapshot fails the driver's own integrity check\n",
			m->name);
		exit(PP_BAD_INPUT);
	}
	m->snap = snap;

	/* What was assumed, where it decided something */
	if (o->ecam && !o->conf1)
		pp_assume(m, o, "the kernel reaches every function through ECAM (its ECAM windows are not in a dump; --no-ecam: type 1 on domain 0 only)");
	else if (o->ecam)
		pp_assume(m, o, "the kernel reaches every function through ECAM, and domain 0 through type 1 too (--conf1)");
	else
		pp_assume(m, o, "no ECAM (--no-ecam): type 1 on domain 0, as x86 without MMCONFIG; functions of other domains have no accessor: %u",
			  t.no_access);
	if (t.probed)
		pp_assume(m, o, "the kernel's first reset method is the first its probes find, FLR, AF FLR, PM (functions: %u): no device-specific or ACPI reset, no NO_FLR/NO_PM quirk, no reset_method setting (--reset-quirk VVVV:DDDD)",
			  t.probed);
	if (snap->nr_bus_resets && !o->no_bus_reset.nr)
		pp_assume(m, o, "no NO_BUS_RESET quirk (bus resets planned: %u; --no-bus-reset VVVV:DDDD)",
			  snap->nr_bus_resets);
	if (t.ext_unknown)
		pp_assume(m, o, "PCIe functions dumped with 256 bytes (lspci -xxx): %u, %s first: their extended capabilities are unknown: SR-IOV (VFs and their PF) and CXL DVSEC (CXL memory, masked bus resets) are not known and planned as absent; lspci -xxxx as root shows them",
			  t.ext_unknown, t.first_ext_unknown);
	if (vfs)
		pp_assume(m, o, "SR-IOV VFs: %u, found through their PFs' SR-IOV capabilities%s", vfs,
			  m->sysfs ? " (physfn links)" : "");
	if (o->settings.reset != PCQ_RESET_AUTO)
		pp_assume(m, o, "--reset %s: %s", reset_mode_name(o->settings.reset),
			  o->settings.reset == PCQ_RESET_BUS ? "bus resets only, no function-level reset" :
			  "no reset at all");
	for (i = 0; i < m->nr; i++) {
		if (snap->step[i].skip != PCQ_SKIP_USER)
			continue;
		bdf_of(bdf, sizeof(bdf), &m->fn[ent[i].fn]);
		pp_assume(m, o, "%s is skipped (--skip %s)", bdf, o->skip_text);
	}
	for (i = 0; i < o->vga.nr; i++) {
		const struct pcq_skip_entry *e = &o->vga.entry[i];

		if (pp_fn_of(m, e->seg, e->bus, e->devfn) >= 0)
			continue;
		pp_bdf(bdf, sizeof(bdf), e->seg, e->bus, e->devfn);
		pp_assume(m, o, "--vga %s: no such function here", bdf);
	}
	m->order = pp_alloc(m->nr, sizeof(*m->order));
	for (i = 0; i < m->nr; i++)
		m->order[i] = ent[i].fn;
	free(ent);
	free(index);
	return PP_OK;
}
