// SPDX-License-Identifier: GPL-2.0
/* Planning rules (plan.c) over topologies built with topo.c. */
#include <stdlib.h>
#include <string.h>

#include "crash_quiesce.h"
#include "fake_pci.h"
#include "tap.h"
#include "topo.h"

static struct topo T;
static struct pcq_settings S;

/* Position of function @i in the quiesce order, or -1. */
static int pos(const struct pcq_snapshot *s, int i)
{
	u32 k = 0;
	int n = 0;
	s32 j;

	while ((j = pcq_plan_next_quiesce(s, &k)) >= 0) {
		if (j == i)
			return n;
		n++;
	}
	return -1;
}

/* The @n-th function of the quiesce order, or -1. */
static int nth(const struct pcq_snapshot *s, int n)
{
	u32 k = 0;
	s32 j;

	while ((j = pcq_plan_next_quiesce(s, &k)) >= 0 && n--)
		;
	return j;
}

/* The bridges whose bus the walk resets, in its order: index order. */
static unsigned int bus_resets(const struct pcq_snapshot *s, int *out)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->nr; i++)
		if (s->step[i].action == PCQ_ACT_QUIESCE_RESET)
			out[n++] = i;
	return n;
}

static bool resets_only(const struct pcq_snapshot *s, int a, int b)
{
	unsigned int want = (a >= 0) + (b >= 0);
	int r[TOPO_MAX];
	unsigned int n = bus_resets(s, r);

	return n == want && s->nr_bus_resets == want && (a < 0 || r[0] == a) &&
	       (b < 0 || r[want - 1] == b);
}

static bool skipped(const struct pcq_snapshot *s, int i, int reason)
{
	return s->step[i].action == PCQ_ACT_SKIP && s->step[i].skip == reason &&
	       pos(s, i) < 0;
}

static bool blocked(const struct pcq_snapshot *s, int i, int by)
{
	return s->step[i].action == PCQ_ACT_QUIESCE &&
	       s->step[i].why == PCQ_WHY_BLOCKED && s->step[i].blocker == by;
}

/* Reached by the bus reset of @by, as everything below a resetting bridge. */
static bool below(const struct pcq_snapshot *s, int i, int by)
{
	return s->step[i].reset_by == by && s->step[i].reach == PCQ_REACH_BUS &&
	       s->step[i].action != PCQ_ACT_QUIESCE_RESET;
}

static bool own_reset(const struct pcq_step *st)
{
	return st->reach == PCQ_REACH_FLR || st->reach == PCQ_REACH_AF_FLR ||
	       st->reach == PCQ_REACH_PM;
}

/* Rules every plan must obey, whatever the topology. */
static void invariants(const struct pcq_snapshot *s, const char *name)
{
	unsigned int i, n = 0, skips = 0, nresets = 0, nfn = 0, fn_seen = 0;
	bool order_ok = true, bridges_last = true, up_ok = true, topmost = true;
	bool seen_bridge = false, fn_ok = true, seen_pf = false, below_ok = true;
	bool why_ok = true, own_ok = true;
	int seen[TOPO_MAX + 1] = { 0 }, last = -1;
	u32 k = 0;
	s32 j;

	for (i = 0; i < s->nr; i++) {
		const struct pcq_step *st = &s->step[i];
		const struct pcq_func *f = &s->func[i];

		skips += st->action == PCQ_ACT_SKIP;
		nresets += st->action == PCQ_ACT_QUIESCE_RESET;
		nfn += own_reset(st);
		/* a function below a resetting bridge: reached by it, nothing else */
		if (f->parent >= 0 && (s->step[f->parent].action == PCQ_ACT_QUIESCE_RESET ||
				       s->step[f->parent].reset_by >= 0)) {
			if (st->reset_by < 0 || st->reach != PCQ_REACH_BUS ||
			    st->action == PCQ_ACT_QUIESCE_RESET || st->why != PCQ_WHY_NONE)
				below_ok = false;
		} else if (st->reset_by >= 0 || st->reach == PCQ_REACH_BUS) {
			below_ok = false;
		}
		/* a bridge's why says why it does not reset its bus, or none */
		if (f->hdr_type == PCI_HEADER_TYPE_BRIDGE && st->reset_by < 0 &&
		    (f->type == PCQ_TYPE_ROOT_PORT || f->type == PCQ_TYPE_DOWNSTREAM_PORT ||
		     f->type == PCQ_TYPE_UPSTREAM_PORT || f->type == PCQ_TYPE_PCI_BRIDGE) &&
		    (st->action == PCQ_ACT_QUIESCE_RESET) != (st->why == PCQ_WHY_NONE))
			why_ok = false;
		/* a reset of its own only where the facts name one */
		if ((st->reach == PCQ_REACH_FLR && !(f->flags & PCQ_F_FLR)) ||
		    (st->reach == PCQ_REACH_AF_FLR && !(f->flags & PCQ_F_AF_FLR)) ||
		    (st->reach == PCQ_REACH_PM && !(f->flags & PCQ_F_PM_RESET)) ||
		    (own_reset(st) && (st->action == PCQ_ACT_SKIP || st->why != PCQ_WHY_NONE)))
			own_ok = false;
	}
	while ((j = pcq_plan_next_quiesce(s, &k)) >= 0) {
		const struct pcq_func *f;
		bool br;
		int p;

		if (j >= (s32)s->nr || n > s->nr) {
			order_ok = false;
			break;
		}
		f = &s->func[j];
		br = f->hdr_type == PCI_HEADER_TYPE_BRIDGE;
		if (s->step[j].action == PCQ_ACT_SKIP || (j < TOPO_MAX && seen[j]++))
			order_ok = false;
		if (seen_bridge && !br)
			bridges_last = false;
		seen_bridge |= br;
		/* a planned ancestor is quiesced after its descendants */
		for (p = f->parent; p >= 0; p = s->func[p].parent)
			if (s->step[p].action != PCQ_ACT_SKIP && pos(s, p) < (int)n)
				up_ok = false;
		n++;
	}
	ok(pcq_plan_next_quiesce(s, &k) < 0 && k == 2 * s->nr,
	   "%s: the quiesce order ends, and stays ended (k = 2 nr)", name);
	for (i = 0; i < s->nr; i++) {
		int p;

		if (s->step[i].action != PCQ_ACT_QUIESCE_RESET)
			continue;
		for (p = s->func[i].parent; p >= 0; p = s->func[p].parent)
			if (s->step[p].action == PCQ_ACT_QUIESCE_RESET)
				topmost = false;
	}
	/* function resets: every own reset once, VFs first, index order in each part */
	for (k = 0; (j = pcq_plan_next_fn_reset(s, &k)) >= 0; fn_seen++) {
		bool vf = s->func[j].flags & PCQ_F_VF;

		if (j >= (s32)s->nr || fn_seen > s->nr || !own_reset(&s->step[j])) {
			fn_ok = false;
			break;
		}
		if ((vf && seen_pf) || (last >= 0 && j <= last &&
					!!(s->func[last].flags & PCQ_F_VF) == vf))
			fn_ok = false;
		seen_pf |= !vf;
		last = j;
	}
	is(s->nr_quiesce + skips, s->nr, "%s: nr_quiesce + skipped == nr", name);
	is(n, s->nr_quiesce, "%s: the quiesce order has nr_quiesce functions", name);
	ok(order_ok, "%s: order holds exactly the functions not skipped, each once", name);
	ok(bridges_last, "%s: order has every non-bridge before any bridge", name);
	ok(up_ok, "%s: order has descendants before their ancestors", name);
	is(s->nr_bus_resets, nresets, "%s: nr_bus_resets = the quiesce+reset functions", name);
	ok(topmost, "%s: no reset below another reset", name);
	ok(fn_ok && fn_seen == nfn && s->nr_fn_resets == nfn,
	   "%s: function resets: each own reset once, VFs first, then index order (%u)",
	   name, fn_seen);
	ok(below_ok, "%s: below a resetting bridge: reset_by, reach bus; nowhere else", name);
	ok(why_ok, "%s: a bridge resets its bus, or its why says why not", name);
	ok(own_ok, "%s: a reset of its own only with its method's fact, never with a why", name);
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

	topo_init(&T, TOPO_ACCESS_ECAM);
	a = topo_ep(&T, -1, 2, 0);
	b = topo_ep(&T, -1, 3, 0);
	s = build(NULL);
	ok(s->step[a].action == PCQ_ACT_QUIESCE && s->step[b].action == PCQ_ACT_QUIESCE,
	   "root bus: endpoints quiesced");
	ok(s->step[a].reset_by == -1 && s->step[a].reach == PCQ_REACH_NONE &&
	   s->step[a].why == PCQ_WHY_NO_METHOD,
	   "root bus: an endpoint resets no bus: its why is its own (no-reset-method)");
	is(s->nr_bus_resets, 0, "root bus: no reset");
	is(s->nr_quiesce, 2, "root bus: both endpoints in order");
	ok(s->func[a].depth == 0 && s->func[a].parent == -1, "root bus: depth 0, no parent");
	invariants(s, "root bus");
	free(s);
}

static void test_root_port(void)
{
	struct pcq_snapshot *s;
	int rp, ep;

	topo_init(&T, TOPO_ACCESS_ECAM);
	rp = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	ep = topo_ep(&T, rp, 0, 0);
	s = build(NULL);
	is(s->step[rp].action, PCQ_ACT_QUIESCE_RESET, "root port: quiesce+reset");
	ok(resets_only(s, rp, -1), "root port: the only reset");
	is(s->step[ep].action, PCQ_ACT_QUIESCE, "root port: endpoint quiesced");
	ok(below(s, ep, rp), "root port: endpoint reached by its bus reset (reset_by, reach bus)");
	ok(s->nr_quiesce == 2 && nth(s, 0) == ep && nth(s, 1) == rp && nth(s, 2) == -1,
	   "root port: order = endpoint, root port");
	ok(s->step[rp].populated && !s->step[ep].populated, "root port: marked populated");
	is(s->func[ep].depth, 1, "root port: endpoint depth 1");
	invariants(s, "root port");
	free(s);
}

/* rp -> usp -> dsp1 -> mf 0/1 ; dsp2 -> ep ; plus root-bus endpoint */
static int sw_rp, sw_usp, sw_dsp1, sw_dsp2, sw_mf0, sw_mf1, sw_ep, sw_root_ep;

static void switch_topology(void)
{
	topo_init(&T, TOPO_ACCESS_ECAM);
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
	ok(below(s, sw_usp, sw_rp) && below(s, sw_dsp1, sw_rp) && below(s, sw_dsp2, sw_rp) &&
	   below(s, sw_mf0, sw_rp) && below(s, sw_ep, sw_rp),
	   "switch: ports and endpoints below reached by the root port's bus reset");
	ok(s->step[sw_usp].why == PCQ_WHY_NONE && s->step[sw_dsp1].why == PCQ_WHY_NONE,
	   "switch: the ports below have no why of their own: a reset reaches them");
	ok(s->step[sw_usp].action == PCQ_ACT_QUIESCE && s->step[sw_dsp1].action == PCQ_ACT_QUIESCE,
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
	is(s->step[sw_dsp2].action, PCQ_ACT_QUIESCE_RESET, "vga: other downstream port resets");
	ok(resets_only(s, sw_dsp2, -1), "vga: it is the only reset");
	ok(below(s, sw_ep, sw_dsp2), "vga: endpoint below it reached by its bus reset");
	ok(s->step[sw_mf0].reset_by == -1 && s->step[sw_mf1].reset_by == -1 &&
	   s->step[sw_mf1].why == PCQ_WHY_NO_METHOD,
	   "vga: the display's sibling function, no bus reset, no method: no-reset-method");
	ok(pos(s, sw_mf0) >= 0 && s->step[sw_mf0].action == PCQ_ACT_QUIESCE,
	   "vga: display device still quiesced");
	invariants(s, "vga");
	free(s);
}

static void test_pci_bridge(void)
{
	struct pcq_snapshot *s;
	int br, a, b;

	topo_init(&T, TOPO_ACCESS_CONF1);
	br = topo_bridge(&T, -1, PCQ_TYPE_PCI_BRIDGE, 3, 0);
	a = topo_ep(&T, br, 1, 0);
	b = topo_ep(&T, br, 2, 0);
	s = build(NULL);
	is(s->step[br].action, PCQ_ACT_QUIESCE_RESET, "pci-bridge: root-bus pci-bridge resets");
	ok(below(s, a, br) && below(s, b, br), "pci-bridge: endpoints reached by its bus reset");
	ok(s->nr_quiesce == 3 && nth(s, 2) == br, "pci-bridge: bridge last in order");
	invariants(s, "pci-bridge");
	free(s);
}

static void test_user_skip_addr(void)
{
	struct pcq_func facts[3];
	struct pcq_snapshot *s;
	int rp, a, b;

	topo_init(&T, TOPO_ACCESS_ECAM);
	rp = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	a = topo_ep(&T, rp, 0, 0);
	b = topo_ep(&T, rp, 0, 1);
	s = build("01:00.0");
	ok(skipped(s, a, PCQ_SKIP_USER), "skip addr: endpoint skip:user, not in order");
	ok(s->step[a].skip == PCQ_SKIP_USER && s->func[a].flags == T.n[a].flags,
	   "skip addr: its step says user; its facts' flags untouched");
	ok(blocked(s, rp, a), "skip addr: root port blocked by it");
	is(s->nr_bus_resets, 0, "skip addr: no reset");
	ok(pos(s, b) >= 0 && s->step[b].action == PCQ_ACT_QUIESCE, "skip addr: sibling quiesced");
	ok(pos(s, rp) >= 0, "skip addr: root port still quiesced");
	invariants(s, "skip addr");
	free(s);

	/* re-planning the same functions without the skip list clears it */
	s = build("0000:01:00.0");
	ok(skipped(s, a, PCQ_SKIP_USER), "skip addr: with segment matches too");
	memcpy(facts, s->func, s->nr * sizeof(*s->func));
	pcq_plan(s, &(struct pcq_skip_list){ 0 });
	ok(!memcmp(facts, s->func, s->nr * sizeof(*s->func)),
	   "skip addr: re-planning writes steps only: the facts are byte for byte the same");
	ok(s->step[a].skip == PCQ_SKIP_NONE && pos(s, a) >= 0 &&
	   s->step[rp].action == PCQ_ACT_QUIESCE_RESET,
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

	topo_init(&T, TOPO_ACCESS_ECAM);
	rp = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	br = topo_bridge(&T, rp, PCQ_TYPE_PCI_BRIDGE, 0, 0);
	T.n[br].vendor = 0x1b36;
	T.n[br].device = 0x0001;
	a = topo_ep(&T, br, 1, 0);
	b = topo_ep(&T, br, 2, 0);
	s = build("1B36:0001");
	ok(skipped(s, br, PCQ_SKIP_USER), "skip bridge: bridge skip:user, not in order");
	is(s->step[br].why, PCQ_WHY_SKIPPED, "skip bridge: bridge why=skipped");
	ok(pos(s, a) >= 0 && pos(s, b) >= 0, "skip bridge: functions below still quiesced");
	ok(s->step[a].action == PCQ_ACT_QUIESCE && s->step[b].action == PCQ_ACT_QUIESCE,
	   "skip bridge: functions below not reset");
	ok(blocked(s, rp, br), "skip bridge: root port above blocked");
	is(s->nr_bus_resets, 0, "skip bridge: no reset at all");
	invariants(s, "skip bridge");
	free(s);
}

static void test_flags(void)
{
	struct pcq_snapshot *s;
	int rp, ep, rp2, ep2, iommu;

	topo_init(&T, TOPO_ACCESS_ECAM);
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
	ok(pos(s, ep2) >= 0 && s->step[ep2].action == PCQ_ACT_QUIESCE, "serial: UART quiesced");
	ok(skipped(s, iommu, PCQ_SKIP_IOMMU), "iommu: skip:iommu, not in order");
	is(s->nr_bus_resets, 0, "flags: no reset");
	invariants(s, "flags");
	free(s);
}

static void test_host_mode_empty(void)
{
	struct pcq_snapshot *s;
	int host, rp, ep, empty;

	topo_init(&T, TOPO_ACCESS_ECAM);
	host = topo_host(&T);
	rp = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	empty = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 1);
	ep = topo_ep(&T, rp, 0, 0);
	s = build(NULL);
	ok(skipped(s, host, PCQ_SKIP_HOST_BRIDGE), "host bridge: skip:host-bridge, not in order");
	is(s->step[empty].why, PCQ_WHY_EMPTY, "empty root port: why=empty");
	ok(!s->step[empty].populated && s->step[rp].populated,
	   "empty root port: not populated; the other one is");
	is(s->step[empty].action, PCQ_ACT_QUIESCE, "empty root port: quiesced only");
	ok(resets_only(s, rp, -1), "empty root port: only the busy root port resets");
	invariants(s, "host/empty");
	free(s);

	S.reset = PCQ_RESET_NONE;
	s = build(NULL);
	is(s->nr_bus_resets, 0, "reset=none: no reset");
	ok(s->step[rp].action == PCQ_ACT_QUIESCE && s->step[rp].why == PCQ_WHY_MODE,
	   "reset=none: root port why=mode");
	ok(pos(s, ep) >= 0 && pos(s, rp) >= 0, "reset=none: still quiesced");
	invariants(s, "reset=none");
	free(s);
	S = topo_settings();
}

static void test_no_access(void)
{
	struct pcq_snapshot *s;
	int rp, ep, ep2;

	topo_init(&T, TOPO_ACCESS_ECAM);
	rp = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	ep = topo_ep(&T, rp, 0, 0);
	ep2 = topo_ep(&T, -1, 5, 0);
	T.n[ep].method = TOPO_ACCESS_NONE;
	T.n[ep2].method = TOPO_ACCESS_NONE;
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

	topo_init(&T, TOPO_ACCESS_ECAM);
	a = topo_ep(&T, -1, 1, 0);
	b = topo_ep(&T, -1, 2, 0);
	c = topo_ep(&T, -1, 3, 0);
	d = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	T.n[a].parent = 3;	/* after itself */
	T.n[b].parent = b;	/* itself */
	T.n[c].parent = -7;	/* nonsense */
	s = build(NULL);
	/* the planner writes no fact: the links stay as the builder gave them */
	ok(s->func[a].parent == 3 && s->func[b].parent == b && s->func[c].parent == -7,
	   "bogus parent: the facts are left as given");
	ok(s->step[a].reset_by == -1 && s->step[b].reset_by == -1 && s->step[c].reset_by == -1,
	   "bogus parent: each is planned as on a root bus (no bus reset reaches it)");
	is(s->step[d].why, PCQ_WHY_EMPTY, "bogus parent: bridge pointed at stays empty");
	ok(!pcq_snapshot_intact(s), "bogus parent: the seal check refuses such a snapshot");
	/* control: the same topology with sound links is accepted */
	free(s);
	T.n[a].parent = -1;
	T.n[b].parent = -1;
	T.n[c].parent = -1;
	s = build(NULL);
	ok(pcq_snapshot_intact(s), "bogus parent: control: sound links are accepted");
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
	ok(!strcmp(pcq_why_name(PCQ_WHY_BLOCKED), "blocked"), "names: why blocked");
	ok(!strcmp(pcq_why_name(99), "?"), "names: unknown why is ?");
}

/*
 * Every why has its name in debugfs, non-bridges' and bridges' alike, and
 * no two share one; one past the last, or any unknown value, is "?".
 */
static void test_why_names(void)
{
	static const char * const want[PCQ_WHY_COUNT] = {
		[PCQ_WHY_NONE]		= "none",
		[PCQ_WHY_MODE]		= "mode",
		[PCQ_WHY_HOST_BRIDGE]	= "host-bridge",
		[PCQ_WHY_ISA_BRIDGE]	= "isa-bridge",
		[PCQ_WHY_PROTECTED]	= "protected",
		[PCQ_WHY_NO_METHOD]	= "no-reset-method",
		[PCQ_WHY_SKIPPED]	= "skipped",
		[PCQ_WHY_CXL_MEMORY]	= "cxl-memory",
		[PCQ_WHY_QUIRK]		= "quirk",
		[PCQ_WHY_ADMIN]		= "admin",
		[PCQ_WHY_KEEPS_VF]	= "kept-vf",
		[PCQ_WHY_EMPTY]		= "empty",
		[PCQ_WHY_BLOCKED]	= "blocked",
		[PCQ_WHY_SBR_MASKED]	= "cxl-sbr-masked",
	};
	unsigned int i, j, named = 0, dup = 0;

	for (i = 0; i < PCQ_WHY_COUNT; i++) {
		const char *n = pcq_why_name(i);

		if (want[i] && n && !strcmp(n, want[i]))
			named++;
		else
			tap_diag("  why %u: '%s', want '%s'", i, n ? n : "(null)",
				 want[i] ? want[i] : "(none)");
		for (j = 0; j < i; j++)
			if (n && pcq_why_name(j) && !strcmp(n, pcq_why_name(j)))
				dup++;
	}
	is(named, PCQ_WHY_COUNT, "why names: each of the %u values has its name", PCQ_WHY_COUNT);
	is(dup, 0, "why names: no two values share a name");
	ok(!strcmp(pcq_why_name(PCQ_WHY_COUNT), "?") && !strcmp(pcq_why_name(255), "?") &&
	   !strcmp(pcq_why_name((enum pcq_why)-1), "?"),
	   "why names: PCQ_WHY_COUNT, 255 and -1 are ?");
}

/*
 * The iterators: the quiesce order is the functions' own, from the last to
 * the first, non-bridges then bridges; function resets VFs first, then the
 * others, each in index order.  The cursor is all their state: two walks
 * over the same snapshot interleave, and one that is done stays done.
 *
 *  0 00:00.0 host bridge (skipped)       5 00:04.2 VF of 3, FLR
 *  1 00:1c.0 root port -> 8, 9           6 00:1c.1 root port, blocked by 7
 *  2 00:02.0 endpoint, FLR               7 02:00.0 display, FLR
 *  3 00:04.0 PF, no reset of its own     8 01:00.0 PF, PM reset
 *  4 00:04.1 VF of 3, FLR                9 01:00.1 VF of 8
 */
static void test_iterators(void)
{
	static const int want_q[] = { 9, 8, 7, 5, 4, 3, 2, 6, 1 };
	struct pcq_snapshot *s, *e;
	int host, rp1, ep, pf, vf1, vf2, rp2, disp, pf2, vf3, got[16], n, i;
	u32 k1 = 0, k2 = 0, k;
	bool same = true;
	s32 j;

	topo_init(&T, TOPO_ACCESS_ECAM);
	host = topo_host(&T);			/* 0 */
	rp1 = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);	/* 1 */
	ep = topo_ep(&T, -1, 2, 0);		/* 2: FLR */
	pf = topo_ep(&T, -1, 4, 0);		/* 3: PF, no reset of its own */
	vf1 = topo_vf(&T, pf, 1);		/* 4: FLR */
	vf2 = topo_vf(&T, pf, 2);		/* 5: FLR */
	rp2 = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 1);	/* 6 */
	disp = topo_ep(&T, rp2, 0, 0);		/* 7: display, blocks rp2 */
	pf2 = topo_ep(&T, rp1, 0, 0);		/* 8: PF with PM below rp1 */
	vf3 = topo_vf(&T, pf2, 1);		/* 9: VF, reached by rp1's bus reset */
	T.n[disp].class = 0x030000;
	topo_flr(&T, ep);
	topo_flr(&T, vf1);
	topo_flr(&T, vf2);
	topo_flr(&T, disp);
	topo_pm(&T, pf2);
	s = build(NULL);
	invariants(s, "iterators");

	for (n = 0, k = 0; n < 16 && (j = pcq_plan_next_quiesce(s, &k)) >= 0; n++)
		got[n] = j;
	ok(n == (int)(sizeof(want_q) / sizeof(want_q[0])) && !memcmp(got, want_q, sizeof(want_q)),
	   "iterators: quiesce order 9 8 7 5 4 3 2, then bridges 6 1; host bridge left out");
	for (i = 0; i < n; i++)
		if (i < (int)(sizeof(want_q) / sizeof(want_q[0])) && got[i] != want_q[i])
			tap_diag("  quiesce[%d] = %d, want %d", i, got[i], want_q[i]);
	ok(pos(s, host) < 0 && pos(s, rp1) == n - 1, "iterators: the root port above all last");

	/* two cursors, interleaved: each sees the whole order */
	for (i = 0; i < n; i++) {
		s32 a = pcq_plan_next_quiesce(s, &k1), b = pcq_plan_next_quiesce(s, &k2);

		if (a != got[i] || b != got[i])
			same = false;
	}
	ok(same && pcq_plan_next_quiesce(s, &k1) < 0 && pcq_plan_next_quiesce(s, &k1) < 0,
	   "iterators: two cursors interleave; a finished one keeps returning -1");
	k = 2 * s->nr + 5;
	ok(pcq_plan_next_quiesce(s, &k) < 0 && pcq_plan_next_fn_reset(s, &k) < 0 &&
	   k == 2 * s->nr + 5, "iterators: a cursor past the end: -1, cursor left alone");

	/* resuming from the middle: the rest of the same order */
	k = 0;
	pcq_plan_next_quiesce(s, &k);
	pcq_plan_next_quiesce(s, &k);
	ok(pcq_plan_next_quiesce(s, &k) == got[2], "iterators: a cursor resumes where it was left");

	is(s->step[pf2].reach, PCQ_REACH_BUS, "iterators: the PF below a reset root port: bus");
	ok(s->step[ep].reach == PCQ_REACH_FLR && s->step[vf1].reach == PCQ_REACH_FLR &&
	   s->step[vf2].reach == PCQ_REACH_FLR && s->step[disp].reach == PCQ_REACH_NONE &&
	   s->step[vf3].reach == PCQ_REACH_BUS,
	   "iterators: own resets: the root-bus endpoint and both VFs; not the display, "
	   "not the VF below the reset root port");
	for (n = 0, k = 0; n < 16 && (j = pcq_plan_next_fn_reset(s, &k)) >= 0; n++)
		got[n] = j;
	ok(n == 3 && got[0] == vf1 && got[1] == vf2 && got[2] == ep,
	   "iterators: function resets: the VFs 4, 5 before the endpoint 2 (lower index)");
	is(s->nr_fn_resets, 3, "iterators: nr_fn_resets counts them");
	free(s);

	/* with reset=bus, none; an empty snapshot: -1 at once */
	S.reset = PCQ_RESET_BUS;
	s = build(NULL);
	k = 0;
	ok(pcq_plan_next_fn_reset(s, &k) < 0 && s->nr_fn_resets == 0,
	   "iterators: reset=bus: no function reset");
	free(s);
	S = topo_settings();
	e = calloc(1, pcq_snapshot_size(0));
	pcq_snapshot_init(e, 0);
	pcq_plan(e, &(struct pcq_skip_list){ 0 });
	k = 0;
	ok(pcq_plan_next_quiesce(e, &k) < 0 && pcq_plan_next_fn_reset(e, &k) < 0 && k == 0,
	   "iterators: no functions: -1 at once, cursor still 0");
	free(e);

	/* everything skipped: the quiesce order is empty, all 2 nr looked at */
	topo_init(&T, TOPO_ACCESS_NONE);
	topo_ep(&T, -1, 2, 0);
	topo_ep(&T, -1, 3, 0);
	s = build(NULL);
	k = 0;
	ok(pcq_plan_next_quiesce(s, &k) < 0 && k == 2 * s->nr && s->nr_quiesce == 0,
	   "iterators: all skipped (no access): an empty order");
	free(s);
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

	topo_init(&T, TOPO_ACCESS_ECAM);
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
	ok(s->step[mem].reach == PCQ_REACH_NONE && s->step[mem].why == PCQ_WHY_CXL_MEMORY,
	   "cxl: CXL memory gets no function reset either, FLR or not (reset=none:%s)",
	   pcq_why_name(s->step[mem].why));
	ok(blocked(s, rp3, acc) && s->step[acc].why == PCQ_WHY_CXL_MEMORY,
	   "cxl: a memory-capable CXL accelerator is protected the same way");
	ok(s->step[rp2].action == PCQ_ACT_QUIESCE &&
	   s->step[rp2].why == PCQ_WHY_SBR_MASKED,
	   "cxl: a port with its bus reset masked is not reset (%s)",
	   pcq_why_name(s->step[rp2].why));
	ok(s->step[usp].action == PCQ_ACT_QUIESCE_RESET && resets_only(s, usp, -1),
	   "cxl: the switch below it is the top-most bridge reset");
	ok(s->step[ep].reach == PCQ_REACH_BUS && s->step[ep].reset_by == usp,
	   "cxl: its endpoint is reached by the switch's bus reset");
	ok(s->step[mem].action == PCQ_ACT_QUIESCE && s->step[acc].action == PCQ_ACT_QUIESCE,
	   "cxl: CXL memory still gets Bus Master cleared");
	free(s);

	/* control: without the CXL flags, the same topology resets all three ports */
	T.n[mem].flags &= ~PCQ_F_CXL_MEM;
	T.n[acc].flags &= ~PCQ_F_CXL_MEM;
	T.n[rp2].flags &= ~PCQ_F_CXL_SBR_MASKED;
	s = build(NULL);
	is(s->nr_bus_resets, 3, "cxl: control: without them, three root ports reset");
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
	   pcq_why_name(s->step[rp1].why), s->step[rp1].blocker);
	free(s);
	T.n[mem].flags &= ~PCQ_F_CXL_MEM;
	s = build(NULL);
	ok(s->step[rp1].why == PCQ_WHY_SBR_MASKED,
	   "cxl: control: without the memory the same port says masked (%s)",
	   pcq_why_name(s->step[rp1].why));
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

	topo_init(&T, TOPO_ACCESS_ECAM);
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
	ok(s->step[quirk].reach == PCQ_REACH_NONE && s->step[quirk].why == PCQ_WHY_QUIRK,
	   "methods: device-specific first: reset=none:%s", pcq_why_name(s->step[quirk].why));
	ok(s->step[admin].reach == PCQ_REACH_NONE && s->step[admin].why == PCQ_WHY_ADMIN,
	   "methods: emptied by the admin: reset=none:%s", pcq_why_name(s->step[admin].why));
	ok(s->step[pf].why == PCQ_WHY_QUIRK && s->step[vf].reach == PCQ_REACH_FLR,
	   "methods: the VF of such a PF gets its own FLR");
	is(s->step[plain].reach, PCQ_REACH_FLR, "methods: control: first method flr: flr");
	is(s->nr_fn_resets, 2, "methods: function resets: the VF and the plain endpoint");
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

	topo_init(&T, TOPO_ACCESS_ECAM);
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
		if ((s->func[i].flags & PCQ_F_REMOVED) &&
		    (s->func[i].ecam || (s->func[i].flags & PCQ_F_CONF1) ||
		     strcmp(pcq_access_name(&s->func[i]), "none")))
			others = false;
	ok(others, "forget: none of them keeps an accessor");
	ok(!(s->func[rp2].flags & PCQ_F_REMOVED) && !(s->func[ep2].flags & PCQ_F_REMOVED) &&
	   !(s->func[rpf].flags & PCQ_F_REMOVED) && s->func[ep2].ecam == fake_page(ep2),
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

	topo_init(&T, TOPO_ACCESS_ECAM);
	topo_host(&T);
	pf = topo_ep(&T, -1, 4, 0);
	vf1 = topo_vf(&T, pf, 1);
	vf2 = topo_vf(&T, pf, 2);
	topo_flr(&T, pf);
	topo_flr(&T, vf2);
	s = build("00:04.1");
	invariants(s, "kept vf");
	ok(skipped(s, vf1, PCQ_SKIP_USER), "kept vf: the VF is skipped");
	ok(s->step[pf].reach == PCQ_REACH_NONE && s->step[pf].why == PCQ_WHY_KEEPS_VF,
	   "kept vf: its PF gets no FLR (reset=none:%s)", pcq_why_name(s->step[pf].why));
	is(s->step[vf2].reach, PCQ_REACH_FLR, "kept vf: the PF's other VF gets its own FLR");
	free(s);

	/* a display VF (a vGPU) protects its PF the same way */
	T.n[vf1].flags |= PCQ_F_VGA;
	s = build(NULL);
	is(s->step[pf].why, PCQ_WHY_KEEPS_VF, "kept vf: a display VF too");
	T.n[vf1].flags &= ~PCQ_F_VGA;
	free(s);

	/* control: nothing kept: the PF's FLR resets both VFs */
	s = build(NULL);
	ok(s->step[pf].reach == PCQ_REACH_FLR && s->step[vf1].reach == PCQ_REACH_PF &&
	   s->step[vf2].reach == PCQ_REACH_PF, "kept vf: control: the PF's FLR reaches both VFs");
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

	topo_init(&T, TOPO_ACCESS_ECAM);
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
	ok(s->step[dsp].why == PCQ_WHY_SBR_MASKED,
	   "cxl masked below: the port itself says why (%s)", pcq_why_name(s->step[dsp].why));
	ok(s->nr_bus_resets == 0 && s->step[ep].reach == PCQ_REACH_FLR,
	   "cxl masked below: no bus reset; the endpoint gets its own FLR");
	free(s);

	/* control: unmasked, the root port resets it all */
	T.n[dsp].flags &= ~PCQ_F_CXL_SBR_MASKED;
	s = build(NULL);
	ok(resets_only(s, rp, -1) && s->step[ep].reach == PCQ_REACH_BUS,
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
	test_why_names();
	test_iterators();
	test_cxl();
	test_reset_methods();
	test_forget();
	test_kept_vf();
	test_cxl_masked_below();
	return tap_done();
}
