// SPDX-License-Identifier: GPL-2.0
/* Planning rules (plan.c) over topologies built with topo.c. */
#include <stdlib.h>
#include <string.h>

#include "crash_quiesce.h"
#include "tap.h"
#include "topo.h"

static struct topo T;
static struct pcq_settings S;

static int pos(const struct pcq_snapshot *s, int i)
{
	unsigned int k;

	for (k = 0; k < s->nr_order; k++)
		if (s->order[k] == (u32)i)
			return k;
	return -1;
}

static bool resets_only(const struct pcq_snapshot *s, int a, int b)
{
	unsigned int want = (a >= 0) + (b >= 0);

	return s->nr_resets == want && (a < 0 || s->resets[0] == (u32)a) &&
	       (b < 0 || s->resets[want - 1] == (u32)b);
}

static bool skipped(const struct pcq_snapshot *s, int i, int reason)
{
	return s->func[i].action == PCQ_ACT_SKIP && s->func[i].skip == reason &&
	       pos(s, i) < 0;
}

static bool blocked(const struct pcq_snapshot *s, int i, int by)
{
	return s->func[i].action == PCQ_ACT_QUIESCE &&
	       s->func[i].noreset == PCQ_NORESET_BLOCKED && s->func[i].blocker == by;
}

/* Rules every plan must obey, whatever the topology. */
static void invariants(const struct pcq_snapshot *s, const char *name)
{
	unsigned int i, k, skips = 0, nresets = 0;
	bool order_ok = true, bridges_last = true, up_ok = true, topmost = true;
	bool resets_ok = true, seen_bridge = false;

	for (i = 0; i < s->nr; i++) {
		skips += s->func[i].action == PCQ_ACT_SKIP;
		nresets += s->func[i].action == PCQ_ACT_QUIESCE_RESET;
		if ((s->func[i].action == PCQ_ACT_SKIP) != (pos(s, i) < 0))
			order_ok = false;
	}
	for (k = 0; k < s->nr_order; k++) {
		const struct pcq_func *f = &s->func[s->order[k]];
		bool br = f->hdr_type == PCI_HEADER_TYPE_BRIDGE;
		int p;

		if (seen_bridge && !br)
			bridges_last = false;
		seen_bridge |= br;
		/* a planned ancestor is quiesced after its descendants */
		for (p = f->parent; p >= 0; p = s->func[p].parent)
			if (s->func[p].action != PCQ_ACT_SKIP && pos(s, p) < (int)k)
				up_ok = false;
	}
	for (k = 0; k < s->nr_resets; k++) {
		int p;

		if (s->func[s->resets[k]].action != PCQ_ACT_QUIESCE_RESET)
			resets_ok = false;
		for (p = s->func[s->resets[k]].parent; p >= 0; p = s->func[p].parent)
			if (s->func[p].action == PCQ_ACT_QUIESCE_RESET)
				topmost = false;
	}
	is(s->nr_order + skips, s->nr, "%s: nr_order + skipped == nr", name);
	ok(order_ok, "%s: order holds exactly the functions not skipped", name);
	ok(bridges_last, "%s: order has every non-bridge before any bridge", name);
	ok(up_ok, "%s: order has descendants before their ancestors", name);
	ok(resets_ok && s->nr_resets == nresets, "%s: resets list = the quiesce+reset functions", name);
	ok(topmost, "%s: no reset below another reset", name);
	ok(pcq_snapshot_intact(s), "%s: sealed snapshot intact", name);
}

static struct pcq_snapshot *build(const char *skip)
{
	struct pcq_skip_list l = { 0 };
	const char *bad;

	if (skip && pcq_parse_skip(skip, &l, &bad))
		tap_ok(0, "skip list '%s' parses", skip);
	return topo_build(&T, &S, &l);
}

static void test_root_bus_only(void)
{
	struct pcq_snapshot *s;
	int a, b;

	topo_init(&T, PCQ_ACCESS_ECAM);
	a = topo_ep(&T, -1, 2, 0);
	b = topo_ep(&T, -1, 3, 0);
	s = build(NULL);
	ok(s->func[a].action == PCQ_ACT_QUIESCE && s->func[b].action == PCQ_ACT_QUIESCE,
	   "root bus: endpoints quiesced");
	ok(s->func[a].noreset == PCQ_NORESET_NOT_BRIDGE, "root bus: endpoint noreset=not-a-bridge");
	is(s->nr_resets, 0, "root bus: no reset");
	is(s->nr_order, 2, "root bus: both endpoints in order");
	ok(s->func[a].depth == 0 && s->func[a].parent == -1, "root bus: depth 0, no parent");
	invariants(s, "root bus");
	free(s);
}

static void test_root_port(void)
{
	struct pcq_snapshot *s;
	int rp, ep;

	topo_init(&T, PCQ_ACCESS_ECAM);
	rp = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	ep = topo_ep(&T, rp, 0, 0);
	s = build(NULL);
	is(s->func[rp].action, PCQ_ACT_QUIESCE_RESET, "root port: quiesce+reset");
	ok(resets_only(s, rp, -1), "root port: the only reset");
	is(s->func[ep].action, PCQ_ACT_QUIESCE, "root port: endpoint quiesced");
	is(s->func[ep].noreset, PCQ_NORESET_ANCESTOR, "root port: endpoint reset-by-ancestor");
	ok(s->nr_order == 2 && s->order[0] == (u32)ep && s->order[1] == (u32)rp,
	   "root port: order = endpoint, root port");
	ok(s->func[rp].flags & PCQ_F_BUSY, "root port: marked busy");
	is(s->func[ep].depth, 1, "root port: endpoint depth 1");
	invariants(s, "root port");
	free(s);
}

/* rp -> usp -> dsp1 -> mf 0/1 ; dsp2 -> ep ; plus root-bus endpoint */
static int sw_rp, sw_usp, sw_dsp1, sw_dsp2, sw_mf0, sw_mf1, sw_ep, sw_root_ep;

static void switch_topology(void)
{
	topo_init(&T, PCQ_ACCESS_ECAM);
	sw_root_ep = topo_ep(&T, -1, 2, 0);
	sw_rp = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	sw_usp = topo_bridge(&T, sw_rp, PCQ_TYPE_UPSTREAM_PORT, 0, 0);
	sw_dsp1 = topo_bridge(&T, sw_usp, PCQ_TYPE_DOWNSTREAM_PORT, 0, 0);
	sw_dsp2 = topo_bridge(&T, sw_usp, PCQ_TYPE_DOWNSTREAM_PORT, 1, 0);
	sw_mf0 = topo_ep(&T, sw_dsp1, 0, 0);
	sw_mf1 = topo_ep(&T, sw_dsp1, 0, 1);
	T.n[sw_mf0].multifn = true;
	T.n[sw_mf1].multifn = true;
	sw_ep = topo_ep(&T, sw_dsp2, 0, 0);
}

static void test_switch(void)
{
	struct pcq_snapshot *s;

	switch_topology();
	s = build(NULL);
	ok(resets_only(s, sw_rp, -1), "switch: only the root port resets");
	ok(s->func[sw_usp].noreset == PCQ_NORESET_ANCESTOR &&
	   s->func[sw_dsp1].noreset == PCQ_NORESET_ANCESTOR &&
	   s->func[sw_dsp2].noreset == PCQ_NORESET_ANCESTOR,
	   "switch: ports below record reset-by-ancestor");
	ok(s->func[sw_usp].action == PCQ_ACT_QUIESCE && s->func[sw_dsp1].action == PCQ_ACT_QUIESCE,
	   "switch: switch ports quiesced");
	is(s->func[sw_mf1].depth, 3, "switch: endpoint below switch has depth 3");
	ok(pos(s, sw_mf0) < 3 && pos(s, sw_mf1) < 3 && pos(s, sw_ep) < 3,
	   "switch: depth-3 endpoints (incl. both functions of the mf device) first");
	is(pos(s, sw_root_ep), 3, "switch: root-bus endpoint after deeper endpoints");
	ok(pos(s, sw_dsp1) >= 4 && pos(s, sw_dsp1) <= 5 && pos(s, sw_dsp2) >= 4 &&
	   pos(s, sw_dsp2) <= 5, "switch: downstream ports next");
	is(pos(s, sw_usp), 6, "switch: then the upstream port");
	is(pos(s, sw_rp), 7, "switch: root port last");
	invariants(s, "switch");
	free(s);
}

static void test_vga(void)
{
	struct pcq_snapshot *s;

	switch_topology();
	T.n[sw_mf0].class = 0x030000;
	T.n[sw_mf1].class = 0x040300;	/* its HD audio function */
	s = build(NULL);
	ok(s->func[sw_mf0].flags & PCQ_F_VGA, "vga: display class flagged PCQ_F_VGA");
	ok(blocked(s, sw_rp, sw_mf0), "vga: root port blocked by the display device");
	ok(blocked(s, sw_usp, sw_mf0), "vga: upstream port blocked by the display device");
	ok(blocked(s, sw_dsp1, sw_mf0), "vga: its downstream port blocked");
	is(s->func[sw_dsp2].action, PCQ_ACT_QUIESCE_RESET, "vga: other downstream port resets");
	ok(resets_only(s, sw_dsp2, -1), "vga: it is the only reset");
	is(s->func[sw_ep].noreset, PCQ_NORESET_ANCESTOR, "vga: endpoint below it reset-by-ancestor");
	ok(pos(s, sw_mf0) >= 0 && s->func[sw_mf0].action == PCQ_ACT_QUIESCE,
	   "vga: display device still quiesced");
	invariants(s, "vga");
	free(s);
}

static void test_pci_bridge(void)
{
	struct pcq_snapshot *s;
	int br, a, b;

	topo_init(&T, PCQ_ACCESS_CONF1);
	br = topo_bridge(&T, -1, PCQ_TYPE_PCI_BRIDGE, 3, 0);
	a = topo_ep(&T, br, 1, 0);
	b = topo_ep(&T, br, 2, 0);
	s = build(NULL);
	is(s->func[br].action, PCQ_ACT_QUIESCE_RESET, "pci-bridge: root-bus pci-bridge resets");
	ok(s->func[a].noreset == PCQ_NORESET_ANCESTOR && s->func[b].noreset == PCQ_NORESET_ANCESTOR,
	   "pci-bridge: endpoints reset-by-ancestor");
	ok(s->nr_order == 3 && s->order[2] == (u32)br, "pci-bridge: bridge last in order");
	invariants(s, "pci-bridge");
	free(s);
}

static void test_user_skip_addr(void)
{
	struct pcq_snapshot *s;
	int rp, a, b;

	topo_init(&T, PCQ_ACCESS_ECAM);
	rp = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	a = topo_ep(&T, rp, 0, 0);
	b = topo_ep(&T, rp, 0, 1);
	s = build("01:00.0");
	ok(skipped(s, a, PCQ_SKIP_USER), "skip addr: endpoint skip:user, not in order");
	ok(s->func[a].flags & PCQ_F_USER_SKIP, "skip addr: endpoint flagged PCQ_F_USER_SKIP");
	ok(blocked(s, rp, a), "skip addr: root port blocked by it");
	is(s->nr_resets, 0, "skip addr: no reset");
	ok(pos(s, b) >= 0 && s->func[b].action == PCQ_ACT_QUIESCE, "skip addr: sibling quiesced");
	ok(pos(s, rp) >= 0, "skip addr: root port still quiesced");
	invariants(s, "skip addr");
	free(s);

	/* re-planning the same functions without the skip list clears it */
	s = build("0000:01:00.0");
	ok(skipped(s, a, PCQ_SKIP_USER), "skip addr: with segment matches too");
	pcq_plan(s, &(struct pcq_skip_list){ 0 });
	ok(!(s->func[a].flags & PCQ_F_USER_SKIP) && pos(s, a) >= 0 &&
	   s->func[rp].action == PCQ_ACT_QUIESCE_RESET,
	   "skip addr: re-plan with an empty list un-skips and resets");
	free(s);

	s = build("0001:01:00.0");
	ok(pos(s, a) >= 0, "skip addr: other segment does not match");
	free(s);
}

static void test_user_skip_bridge(void)
{
	struct pcq_snapshot *s;
	int rp, br, a, b;

	topo_init(&T, PCQ_ACCESS_ECAM);
	rp = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	br = topo_bridge(&T, rp, PCQ_TYPE_PCI_BRIDGE, 0, 0);
	T.n[br].vendor = 0x1b36;
	T.n[br].device = 0x0001;
	a = topo_ep(&T, br, 1, 0);
	b = topo_ep(&T, br, 2, 0);
	s = build("1B36:0001");
	ok(skipped(s, br, PCQ_SKIP_USER), "skip bridge: bridge skip:user, not in order");
	is(s->func[br].noreset, PCQ_NORESET_SKIPPED, "skip bridge: bridge noreset=skipped");
	ok(pos(s, a) >= 0 && pos(s, b) >= 0, "skip bridge: functions below still quiesced");
	ok(s->func[a].action == PCQ_ACT_QUIESCE && s->func[b].action == PCQ_ACT_QUIESCE,
	   "skip bridge: functions below not reset");
	ok(blocked(s, rp, br), "skip bridge: root port above blocked");
	is(s->nr_resets, 0, "skip bridge: no reset at all");
	invariants(s, "skip bridge");
	free(s);
}

static void test_flags(void)
{
	struct pcq_snapshot *s;
	int rp, ep, rp2, ep2, iommu;

	topo_init(&T, PCQ_ACCESS_ECAM);
	rp = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	rp2 = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 1);
	iommu = topo_ep(&T, -1, 0, 2);
	T.n[iommu].type = PCQ_TYPE_RC_ENDPOINT;
	T.n[iommu].class = 0x080600;
	T.n[iommu].flags = PCQ_F_IOMMU;
	ep = topo_ep(&T, rp, 0, 0);
	ep2 = topo_ep(&T, rp2, 0, 0);
	T.n[ep].flags = PCQ_F_NO_BUS_RESET;
	T.n[ep2].class = 0x070002;
	T.n[ep2].flags = PCQ_F_SERIAL;
	s = build(NULL);
	ok(blocked(s, rp, ep), "no-bus-reset: root port blocked by the device");
	ok(pos(s, ep) >= 0, "no-bus-reset: device still quiesced");
	ok(blocked(s, rp2, ep2), "serial: root port blocked by the UART");
	ok(pos(s, ep2) >= 0 && s->func[ep2].action == PCQ_ACT_QUIESCE, "serial: UART quiesced");
	ok(skipped(s, iommu, PCQ_SKIP_IOMMU), "iommu: skip:iommu, not in order");
	is(s->nr_resets, 0, "flags: no reset");
	invariants(s, "flags");
	free(s);
}

static void test_host_mode_empty(void)
{
	struct pcq_snapshot *s;
	int host, rp, ep, empty;

	topo_init(&T, PCQ_ACCESS_ECAM);
	host = topo_host(&T);
	rp = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	empty = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 1);
	ep = topo_ep(&T, rp, 0, 0);
	s = build(NULL);
	ok(skipped(s, host, PCQ_SKIP_HOST_BRIDGE), "host bridge: skip:host-bridge, not in order");
	is(s->func[empty].noreset, PCQ_NORESET_EMPTY, "empty root port: noreset=empty");
	is(s->func[empty].action, PCQ_ACT_QUIESCE, "empty root port: quiesced only");
	ok(resets_only(s, rp, -1), "empty root port: only the busy root port resets");
	invariants(s, "host/empty");
	free(s);

	S.reset = PCQ_RESET_NONE;
	s = build(NULL);
	is(s->nr_resets, 0, "reset=none: no reset");
	ok(s->func[rp].action == PCQ_ACT_QUIESCE && s->func[rp].noreset == PCQ_NORESET_MODE,
	   "reset=none: root port noreset=reset=none");
	ok(pos(s, ep) >= 0 && pos(s, rp) >= 0, "reset=none: still quiesced");
	invariants(s, "reset=none");
	free(s);
	S = topo_settings();
}

static void test_no_access(void)
{
	struct pcq_snapshot *s;
	int rp, ep, ep2;

	topo_init(&T, PCQ_ACCESS_ECAM);
	rp = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	ep = topo_ep(&T, rp, 0, 0);
	ep2 = topo_ep(&T, -1, 5, 0);
	T.n[ep].method = PCQ_ACCESS_NONE;
	T.n[ep2].method = PCQ_ACCESS_NONE;
	s = build(NULL);
	ok(skipped(s, ep, PCQ_SKIP_NO_ACCESS), "no access: endpoint skip:no-access");
	ok(skipped(s, ep2, PCQ_SKIP_NO_ACCESS), "no access: root-bus endpoint skip:no-access");
	invariants(s, "no access");
	free(s);
}

static void test_bogus_parent(void)
{
	struct pcq_snapshot *s;
	int a, b, c, d;

	topo_init(&T, PCQ_ACCESS_ECAM);
	a = topo_ep(&T, -1, 1, 0);
	b = topo_ep(&T, -1, 2, 0);
	c = topo_ep(&T, -1, 3, 0);
	d = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	T.n[a].parent = 3;	/* after itself */
	T.n[b].parent = b;	/* itself */
	T.n[c].parent = -7;	/* nonsense */
	s = build(NULL);
	ok(s->func[a].parent == -1 && s->func[a].depth == 0, "bogus parent: later index -> root");
	ok(s->func[b].parent == -1 && s->func[b].depth == 0, "bogus parent: own index -> root");
	ok(s->func[c].parent == -1 && s->func[c].depth == 0, "bogus parent: < -1 -> root");
	is(s->func[d].noreset, PCQ_NORESET_EMPTY, "bogus parent: bridge pointed at stays empty");
	invariants(s, "bogus parent");
	free(s);
}

static void test_names(void)
{
	ok(!strcmp(pcq_type_name(PCQ_TYPE_DOWNSTREAM_PORT), "downstream-port"),
	   "names: type downstream-port");
	ok(!strcmp(pcq_type_name(PCQ_TYPE_HOST_BRIDGE), "host-bridge"), "names: type host-bridge");
	ok(!strcmp(pcq_type_name(99), "other"), "names: unknown type is other");
	ok(!strcmp(pcq_skip_name(PCQ_SKIP_NO_ACCESS), "no-access"), "names: skip no-access");
	ok(!strcmp(pcq_skip_name(99), "?"), "names: unknown skip is ?");
	ok(!strcmp(pcq_noreset_name(PCQ_NORESET_BLOCKED), "blocked"), "names: noreset blocked");
	ok(!strcmp(pcq_noreset_name(99), "?"), "names: unknown noreset is ?");
}

/*
 * CXL: memory is never reset, nor the ports above it; a port whose bus
 * reset the hardware masks is not reset, the switch below it is.
 *
 *  00:1c.0 root port -> 01:00.0 CXL memory device (class 0502)
 *  00:1c.1 root port, SBR masked -> 02:00.0 upstream port
 *          -> 03:00.0 downstream port -> 04:00.0 endpoint
 *  00:1c.2 root port -> 05:00.0 accelerator with a memory-capable CXL DVSEC
 */
static void test_cxl(void)
{
	int rp1, mem, rp2, usp, dsp, ep, rp3, acc;
	struct pcq_snapshot *s;

	topo_init(&T, PCQ_ACCESS_ECAM);
	topo_host(&T);
	rp1 = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	mem = topo_ep(&T, rp1, 0, 0);
	rp2 = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 1);
	usp = topo_bridge(&T, rp2, PCQ_TYPE_UPSTREAM_PORT, 0, 0);
	dsp = topo_bridge(&T, usp, PCQ_TYPE_DOWNSTREAM_PORT, 0, 0);
	ep = topo_ep(&T, dsp, 0, 0);
	rp3 = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 2);
	acc = topo_ep(&T, rp3, 0, 0);
	T.n[mem].class = 0x050210;
	T.n[mem].flags |= PCQ_F_CXL_MEM;
	topo_flr(&T, mem);
	T.n[acc].class = 0x120000;
	T.n[acc].flags |= PCQ_F_CXL_MEM;
	T.n[rp2].flags |= PCQ_F_CXL_SBR_MASKED;
	s = build(NULL);
	invariants(s, "cxl");
	ok(blocked(s, rp1, mem), "cxl: the root port above CXL memory is not reset");
	ok(s->func[mem].reach == PCQ_REACH_NONE && s->func[mem].why == PCQ_WHY_CXL_MEMORY,
	   "cxl: CXL memory gets no function reset either, FLR or not (reset=none:%s)",
	   pcq_why_name(s->func[mem].why));
	ok(blocked(s, rp3, acc) && s->func[acc].why == PCQ_WHY_CXL_MEMORY,
	   "cxl: a memory-capable CXL accelerator is protected the same way");
	ok(s->func[rp2].action == PCQ_ACT_QUIESCE &&
	   s->func[rp2].noreset == PCQ_NORESET_SBR_MASKED,
	   "cxl: a port with its bus reset masked is not reset (%s)",
	   pcq_noreset_name(s->func[rp2].noreset));
	ok(s->func[usp].action == PCQ_ACT_QUIESCE_RESET && resets_only(s, usp, -1),
	   "cxl: the switch below it is the top-most bridge reset");
	ok(s->func[ep].reach == PCQ_REACH_BUS && s->func[ep].reset_by == usp,
	   "cxl: its endpoint is reached by the switch's bus reset");
	ok(s->func[mem].action == PCQ_ACT_QUIESCE && s->func[acc].action == PCQ_ACT_QUIESCE,
	   "cxl: CXL memory still gets Bus Master cleared");
	free(s);

	/* control: without the CXL flags, the same topology resets all three ports */
	T.n[mem].flags &= ~PCQ_F_CXL_MEM;
	T.n[acc].flags &= ~PCQ_F_CXL_MEM;
	T.n[rp2].flags &= ~PCQ_F_CXL_SBR_MASKED;
	s = build(NULL);
	is(s->nr_resets, 3, "cxl: control: without them, three root ports reset");
	free(s);

	/*
	 * QEMU's CXL root ports come with their bus reset masked: the port
	 * above the memory still names the memory, the reason that holds
	 * even unmasked; without the memory it names the mask.
	 */
	T.n[mem].flags |= PCQ_F_CXL_MEM;
	T.n[rp1].flags |= PCQ_F_CXL_SBR_MASKED;
	s = build(NULL);
	ok(blocked(s, rp1, mem),
	   "cxl: a masked root port above CXL memory says its subtree holds it (%s, blocker %d)",
	   pcq_noreset_name(s->func[rp1].noreset), s->func[rp1].blocker);
	free(s);
	T.n[mem].flags &= ~PCQ_F_CXL_MEM;
	s = build(NULL);
	ok(s->func[rp1].noreset == PCQ_NORESET_SBR_MASKED,
	   "cxl: control: without the memory the same port says masked (%s)",
	   pcq_noreset_name(s->func[rp1].noreset));
	free(s);
	T.n[rp1].flags &= ~PCQ_F_CXL_SBR_MASKED;
}

/*
 * The kernel's reset methods rule: a device whose first method is its own
 * (device_specific, acpi) or whose methods the admin took away gets no
 * function reset; a VF of such a PF its own FLR.
 *
 *  00:02.0 endpoint, first method device_specific       none:quirk
 *  00:03.0 endpoint, reset_method emptied by the admin  none:admin
 *  00:04.0 PF, first method device_specific -> 00:04.1 VF with FLR
 *  00:05.0 endpoint, first method flr                  flr (control)
 */
static void test_reset_methods(void)
{
	int quirk, admin, pf, vf, plain;
	struct pcq_snapshot *s;

	topo_init(&T, PCQ_ACCESS_ECAM);
	topo_host(&T);
	quirk = topo_ep(&T, -1, 2, 0);
	admin = topo_ep(&T, -1, 3, 0);
	pf = topo_ep(&T, -1, 4, 0);
	vf = topo_vf(&T, pf, 1);
	plain = topo_ep(&T, -1, 5, 0);
	T.n[quirk].flags |= PCQ_F_RESET_QUIRK;
	T.n[admin].flags |= PCQ_F_RESET_ADMIN;
	T.n[pf].flags |= PCQ_F_RESET_QUIRK;
	topo_flr(&T, vf);
	topo_flr(&T, plain);
	s = build(NULL);
	ok(s->func[quirk].reach == PCQ_REACH_NONE && s->func[quirk].why == PCQ_WHY_QUIRK,
	   "methods: device-specific first: reset=none:%s", pcq_why_name(s->func[quirk].why));
	ok(s->func[admin].reach == PCQ_REACH_NONE && s->func[admin].why == PCQ_WHY_ADMIN,
	   "methods: emptied by the admin: reset=none:%s", pcq_why_name(s->func[admin].why));
	ok(s->func[pf].why == PCQ_WHY_QUIRK && s->func[vf].reach == PCQ_REACH_FLR,
	   "methods: the VF of such a PF gets its own FLR");
	is(s->func[plain].reach, PCQ_REACH_FLR, "methods: control: first method flr: flr");
	is(s->nr_fresets, 2, "methods: function resets: the VF and the plain endpoint");
	free(s);
}

/*
 * A function on its way out (pcq_plan_forget()): a root port's whole
 * subtree, found through the snapshot's own links, and the VFs of a PF in
 * it on a bus of their own, lose their accessor and are skipped.
 *
 *  00:1c.0 root port -> 01:00.0 switch upstream port -> 02:00.0 downstream
 *                       port -> 03:00.0 PF -> 04:00.1 VF (virtual bus)
 *  00:1c.1 root port -> 05:00.0 endpoint            (not removed)
 *  00:04.0 PF on the root bus -> 00:04.1 VF
 */
static void test_forget(void)
{
	int rp1, usp, dsp, pf, vf, rp2, ep2, rpf, rvf, i;
	struct pcq_snapshot *s;
	bool others = true;

	topo_init(&T, PCQ_ACCESS_ECAM);
	topo_host(&T);
	rp1 = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	usp = topo_bridge(&T, rp1, PCQ_TYPE_UPSTREAM_PORT, 0, 0);
	dsp = topo_bridge(&T, usp, PCQ_TYPE_DOWNSTREAM_PORT, 0, 0);
	pf = topo_ep(&T, dsp, 0, 0);
	vf = topo_vf(&T, pf, 1);
	T.n[vf].vbus = 1;
	rp2 = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 1);
	ep2 = topo_ep(&T, rp2, 0, 0);
	rpf = topo_ep(&T, -1, 4, 0);
	rvf = topo_vf(&T, rpf, 1);
	topo_flr(&T, pf);
	topo_flr(&T, rpf);
	s = build(NULL);
	pcq_plan_forget(s, rp1);
	pcq_plan(s, &(struct pcq_skip_list){ 0 });
	pcq_snapshot_seal(s);
	invariants(s, "forget");
	ok(skipped(s, rp1, PCQ_SKIP_REMOVED) && skipped(s, usp, PCQ_SKIP_REMOVED) &&
	   skipped(s, dsp, PCQ_SKIP_REMOVED) && skipped(s, pf, PCQ_SKIP_REMOVED),
	   "forget: a root port and everything below it: skip:removed");
	ok(skipped(s, vf, PCQ_SKIP_REMOVED), "forget: and the VF of a PF below it, on its own bus");
	for (i = 0; i < (int)s->nr; i++)
		if ((s->func[i].flags & PCQ_F_REMOVED) && s->func[i].cfg.method != PCQ_ACCESS_NONE)
			others = false;
	ok(others, "forget: none of them keeps an accessor");
	ok(!(s->func[rp2].flags & PCQ_F_REMOVED) && !(s->func[ep2].flags & PCQ_F_REMOVED) &&
	   !(s->func[rpf].flags & PCQ_F_REMOVED) && s->func[ep2].cfg.method == PCQ_ACCESS_ECAM,
	   "forget: control: the other root port, its endpoint and the root-bus PF stay");
	free(s);

	s = build(NULL);
	pcq_plan_forget(s, rpf);
	pcq_plan(s, &(struct pcq_skip_list){ 0 });
	ok(skipped(s, rpf, PCQ_SKIP_REMOVED) && skipped(s, rvf, PCQ_SKIP_REMOVED),
	   "forget: a root-bus PF takes its VF with it");
	ok(!(s->func[pf].flags & PCQ_F_REMOVED) && !(s->func[vf].flags & PCQ_F_REMOVED),
	   "forget: control: the other PF and its VF stay");
	free(s);

	s = build(NULL);
	pcq_plan_forget(s, -1);
	pcq_plan_forget(s, s->nr);
	for (i = 0, others = true; i < (int)s->nr; i++)
		others &= !(s->func[i].flags & PCQ_F_REMOVED);
	ok(others, "forget: -1 and an index out of range forget nothing");
	free(s);
}

/*
 * A VF that must not be reset keeps its PF from any function reset: a
 * PF's FLR or PM reset clears VF Enable, which takes every VF down.
 *
 *  00:04.0 PF with FLR -> 00:04.1 VF (skipped), 00:04.2 VF with FLR
 */
static void test_kept_vf(void)
{
	struct pcq_snapshot *s;
	int pf, vf1, vf2;

	topo_init(&T, PCQ_ACCESS_ECAM);
	topo_host(&T);
	pf = topo_ep(&T, -1, 4, 0);
	vf1 = topo_vf(&T, pf, 1);
	vf2 = topo_vf(&T, pf, 2);
	topo_flr(&T, pf);
	topo_flr(&T, vf2);
	s = build("00:04.1");
	invariants(s, "kept vf");
	ok(skipped(s, vf1, PCQ_SKIP_USER), "kept vf: the VF is skipped");
	ok(s->func[pf].reach == PCQ_REACH_NONE && s->func[pf].why == PCQ_WHY_KEEPS_VF,
	   "kept vf: its PF gets no FLR (reset=none:%s)", pcq_why_name(s->func[pf].why));
	is(s->func[vf2].reach, PCQ_REACH_FLR, "kept vf: the PF's other VF gets its own FLR");
	free(s);

	/* a display VF (a vGPU) protects its PF the same way */
	T.n[vf1].flags |= PCQ_F_VGA;
	s = build(NULL);
	is(s->func[pf].why, PCQ_WHY_KEEPS_VF, "kept vf: a display VF too");
	T.n[vf1].flags &= ~PCQ_F_VGA;
	free(s);

	/* control: nothing kept: the PF's FLR resets both VFs */
	s = build(NULL);
	ok(s->func[pf].reach == PCQ_REACH_FLR && s->func[vf1].reach == PCQ_REACH_PF &&
	   s->func[vf2].reach == PCQ_REACH_PF, "kept vf: control: the PF's FLR reaches both VFs");
	free(s);
}

/*
 * A CXL switch downstream port whose bus reset is masked also keeps the
 * root port above it from resetting: that hot reset would go through it.
 *
 *  00:1c.0 root port -> 01:00.0 upstream port -> 02:00.0 downstream port
 *                       (SBR masked) -> 03:00.0 endpoint with FLR
 */
static void test_cxl_masked_below(void)
{
	int rp, usp, dsp, ep;
	struct pcq_snapshot *s;

	topo_init(&T, PCQ_ACCESS_ECAM);
	topo_host(&T);
	rp = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	usp = topo_bridge(&T, rp, PCQ_TYPE_UPSTREAM_PORT, 0, 0);
	dsp = topo_bridge(&T, usp, PCQ_TYPE_DOWNSTREAM_PORT, 0, 0);
	ep = topo_ep(&T, dsp, 0, 0);
	topo_flr(&T, ep);
	T.n[dsp].flags |= PCQ_F_CXL_SBR_MASKED;
	s = build(NULL);
	invariants(s, "cxl masked below");
	ok(blocked(s, rp, dsp) && blocked(s, usp, dsp),
	   "cxl masked below: the root port and the upstream port are blocked by it");
	ok(s->func[dsp].noreset == PCQ_NORESET_SBR_MASKED,
	   "cxl masked below: the port itself says why (%s)", pcq_noreset_name(s->func[dsp].noreset));
	ok(s->nr_resets == 0 && s->func[ep].reach == PCQ_REACH_FLR,
	   "cxl masked below: no bus reset; the endpoint gets its own FLR");
	free(s);

	/* control: unmasked, the root port resets it all */
	T.n[dsp].flags &= ~PCQ_F_CXL_SBR_MASKED;
	s = build(NULL);
	ok(resets_only(s, rp, -1) && s->func[ep].reach == PCQ_REACH_BUS,
	   "cxl masked below: control: unmasked, the root port's bus reset");
	free(s);
}

int main(void)
{
	S = topo_settings();
	test_root_bus_only();
	test_root_port();
	test_switch();
	test_vga();
	test_pci_bridge();
	test_user_skip_addr();
	test_user_skip_bridge();
	test_flags();
	test_host_mode_empty();
	test_no_access();
	test_bogus_parent();
	test_names();
	test_cxl();
	test_reset_methods();
	test_forget();
	test_kept_vf();
	test_cxl_masked_below();
	return tap_done();
}
