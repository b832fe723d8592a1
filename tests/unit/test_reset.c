// SPDX-License-Identifier: GPL-2.0
/*
 * Function-level resets and SR-IOV virtual functions: the planner's choice
 * among bus reset, FLR, AF FLR, PM reset and none; the walk's resets, its
 * shared Transactions Pending wait and its access counts; VF verification
 * (all-ones IDs, PF gone, VF Enable cleared); the sort key; and a plan of
 * more than 65,536 functions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "crash_quiesce.h"
#include "fake_pci.h"
#include "tap.h"
#include "topo.h"

#define MS	1000000ULL

static struct topo T;
static struct pcq_settings S;

static const char *reach(const struct pcq_snapshot *s, int i)
{
	static char buf[64];
	const struct pcq_step *f = &s->step[i];

	if (f->reach == PCQ_REACH_NONE)
		snprintf(buf, sizeof(buf), "none:%s", pcq_why_name(f->why));
	else if (f->reach == PCQ_REACH_BUS)
		snprintf(buf, sizeof(buf), "bus:%d", f->reset_by);
	else
		snprintf(buf, sizeof(buf), "%s", pcq_reach_name(f->reach));
	return buf;
}

/* The @n-th function with a reset of its own, in the walk's order, or -1. */
static int fn_reset(const struct pcq_snapshot *s, int n)
{
	u32 k = 0;
	s32 j;

	while ((j = pcq_plan_next_fn_reset(s, &k)) >= 0 && n--)
		;
	return j;
}

static bool in_fresets(const struct pcq_snapshot *s, int i)
{
	u32 k = 0;
	s32 j;

	while ((j = pcq_plan_next_fn_reset(s, &k)) >= 0)
		if (j == i)
			return true;
	return false;
}

/*
 *  00:00.0 host bridge
 *  00:02.0 endpoint, FLR + AF FLR + PM      flr
 *  00:03.0 endpoint, AF FLR + PM            af-flr
 *  00:04.0 endpoint, PM                     pm
 *  00:05.0 endpoint, nothing                none:no-reset-method
 *  00:06.0 ISA bridge (class 0601), FLR     none:isa-bridge
 *  00:07.0 display, FLR                     none:protected
 *  00:08.0 user-skipped, FLR                none:skipped
 *  00:1c.0 root port -> 01:00.0 (FLR)       bus:RP (its own FLR not used)
 *  00:1c.1 root port -> 02:00.0 display, 02:00.1 FLR   blocked: 02:00.1 flr
 */
enum { HOST, E_FLR, E_AF, E_PM, E_NONE, ISA, DISP, USKIP, RP, E_BUS, RPB, BDISP, BFLR };

static struct pcq_snapshot *choice(void)
{
	struct pcq_skip_list skip;
	const char *bad;

	topo_init(&T, TOPO_ACCESS_ECAM);
	topo_host(&T);
	topo_ep(&T, -1, 2, 0);
	topo_ep(&T, -1, 3, 0);
	topo_ep(&T, -1, 4, 0);
	topo_ep(&T, -1, 5, 0);
	topo_ep(&T, -1, 6, 0);
	topo_ep(&T, -1, 7, 0);
	topo_ep(&T, -1, 8, 0);
	topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	topo_ep(&T, RP, 0, 0);
	topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 1);
	topo_ep(&T, RPB, 0, 0);
	topo_ep(&T, RPB, 0, 1);
	topo_flr(&T, E_FLR);
	topo_af_flr(&T, E_FLR);
	topo_pm(&T, E_FLR);
	topo_af_flr(&T, E_AF);
	topo_pm(&T, E_AF);
	topo_pm(&T, E_PM);
	topo_flr(&T, ISA);
	T.n[ISA].flags |= PCQ_F_ISA_BRIDGE;
	T.n[ISA].class = 0x060100;
	topo_flr(&T, DISP);
	T.n[DISP].class = 0x030000;
	topo_flr(&T, USKIP);
	topo_flr(&T, E_BUS);
	T.n[BDISP].class = 0x030000;
	topo_flr(&T, BFLR);
	pcq_parse_skip("00:08.0", &skip, &bad);
	return topo_build(&T, &S, &skip);
}

static void test_choice(void)
{
	struct pcq_snapshot *s;

	S = topo_settings();
	s = choice();
	ok(!strcmp(reach(s, E_FLR), "flr"), "choice: FLR first (%s)", reach(s, E_FLR));
	ok(!strcmp(reach(s, E_AF), "af-flr"), "choice: AF FLR without PCIe FLR (%s)",
	   reach(s, E_AF));
	ok(!strcmp(reach(s, E_PM), "pm"), "choice: PM reset when no FLR (%s)", reach(s, E_PM));
	ok(!strcmp(reach(s, E_NONE), "none:no-reset-method"), "choice: none, no method (%s)",
	   reach(s, E_NONE));
	ok(!strcmp(reach(s, ISA), "none:isa-bridge"), "choice: never an ISA bridge (%s)",
	   reach(s, ISA));
	ok(!strcmp(reach(s, DISP), "none:protected"), "choice: never a display (%s)",
	   reach(s, DISP));
	ok(!strcmp(reach(s, USKIP), "none:skipped"), "choice: never a skipped function (%s)",
	   reach(s, USKIP));
	ok(!strcmp(reach(s, HOST), "none:skipped") || !strcmp(reach(s, HOST), "none:host-bridge"),
	   "choice: never a host bridge (%s)", reach(s, HOST));
	is(s->step[E_BUS].reach, PCQ_REACH_BUS, "choice: under a reset root port: bus");
	is(s->step[E_BUS].reset_by, RP, "choice: reset_by is that root port");
	ok(!strcmp(reach(s, RP), "none:none") && s->step[RP].action == PCQ_ACT_QUIESCE_RESET &&
	   !in_fresets(s, RP), "choice: the root port itself: no reset reaches it, no why; "
	   "it resets its bus (%s)", reach(s, RP));
	is(s->step[RPB].why, PCQ_WHY_BLOCKED, "choice: display blocks 00:1c.1's bus reset");
	ok(!strcmp(reach(s, BFLR), "flr"), "choice: its sibling below gets its own FLR (%s)",
	   reach(s, BFLR));
	ok(!strcmp(reach(s, BDISP), "none:protected"), "choice: the display below does not (%s)",
	   reach(s, BDISP));
	is(s->nr_fn_resets, 4, "choice: 4 function resets planned");
	ok(in_fresets(s, E_FLR) && in_fresets(s, E_AF) && in_fresets(s, E_PM) &&
	   in_fresets(s, BFLR) && !in_fresets(s, E_BUS),
	   "choice: the function reset list is exactly flr, af-flr, pm and the blocked sibling");
	free(s);

	S.reset = PCQ_RESET_BUS;
	s = choice();
	ok(s->nr_fn_resets == 0 && !strcmp(reach(s, E_FLR), "none:mode") &&
	   s->step[E_BUS].reach == PCQ_REACH_BUS, "choice: reset=bus: bus resets only");
	free(s);
	S.reset = PCQ_RESET_NONE;
	s = choice();
	ok(s->nr_fn_resets == 0 && s->nr_bus_resets == 0 && !strcmp(reach(s, E_FLR), "none:mode") &&
	   !strcmp(reach(s, E_BUS), "none:mode"), "choice: reset=none: no reset at all");
	free(s);
	S = topo_settings();
}

static int writes_of(int fn, unsigned int off, unsigned int width, u32 *val)
{
	int k, n = 0;

	for (k = 0; k < fake.nlog; k++) {
		const struct fake_ev *e = &fake.log[k];

		if (e->kind == FAKE_EV_WRITE && e->fn == fn && e->off == off) {
			n++;
			if (e->width != width)
				n += 100;
			*val = e->val;
		}
	}
	return n;
}

static int resets_by(int fn, int by)
{
	int k, n = 0;

	for (k = 0; k < fake.nlog; k++)
		n += fake.log[k].kind == FAKE_EV_RESET && fake.log[k].fn == fn &&
		     (int)fake.log[k].val == by;
	return n;
}

static void test_walk_resets(void)
{
	struct pcq_snapshot *s;
	struct pcq_run r;
	u32 v = 0;

	S = topo_settings();
	s = choice();
	topo_walk(s, PCQ_WALK_PANIC, &r);
	is(r.state, PCQ_STATE_DONE, "walk: done");
	is(r.functions_reset, 4, "walk: 4 function resets started");
	is(r.mismatched, 0, "walk: nothing mismatched");
	ok(writes_of(E_FLR, TOPO_PCIE_CAP + PCI_EXP_DEVCTL, 2, &v) == 1 &&
	   v == (TOPO_DEVCTL | PCI_EXP_DEVCTL_BCR_FLR),
	   "walk: FLR: one 16-bit write, Device Control | BCR_FLR (%#x)", v);
	is(resets_by(E_FLR, FAKE_BY_FLR), 1, "walk: FLR: the function was reset");
	ok(writes_of(E_AF, TOPO_AF_CAP + PCI_AF_CTRL, 1, &v) == 1 && v == PCI_AF_CTRL_FLR,
	   "walk: AF FLR: one byte write of FLR to AF Control");
	is(writes_of(E_AF, TOPO_AF_CAP + PCI_AF_STATUS, 1, &v), 0,
	   "walk: AF FLR: AF Status never written");
	is(resets_by(E_AF, FAKE_BY_AF_FLR), 1, "walk: AF FLR: the function was reset");
	ok(writes_of(E_PM, TOPO_PM_CAP + PCI_PM_CTRL, 2, &v) == 1 &&
	   (v & PCI_PM_CTRL_STATE_MASK) == 3 && !(v & PCI_PM_CTRL_PME_STATUS),
	   "walk: PM: PMCSR to D3hot, PME_Status (RW1C) written as 0 (%#x)", v);
	ok(!fake_writes_at(E_NONE, TOPO_PCIE_CAP + PCI_EXP_DEVCTL) &&
	   !fake_writes_at(ISA, TOPO_PCIE_CAP + PCI_EXP_DEVCTL) &&
	   !fake_writes_at(DISP, TOPO_PCIE_CAP + PCI_EXP_DEVCTL) &&
	   !fake_writes_to(USKIP) && !fake_writes_at(E_BUS, TOPO_PCIE_CAP + PCI_EXP_DEVCTL),
	   "walk: no FLR for the ISA bridge, display, skipped or bus-reset functions");
	is(resets_by(E_BUS, RP), 1, "walk: 01:00.0 reset by its root port's SBR");
	is(resets_by(BFLR, FAKE_BY_FLR), 1, "walk: the blocked subtree's sibling got its FLR");
	/* no method, the ISA bridge and both displays (protected); not bridges */
	is(r.no_reset, 4, "walk: 4 bus-mastering functions without any reset");
	/* of them, all but the ISA bridge could still DMA later */
	is(r.no_reset_dma, 3, "walk: 3 of them DMA sources, the ISA bridge aside");
	free(s);

	/* control: the ISA bridge idle, the others as they were */
	s = choice();
	fake_set16(ISA, PCI_COMMAND, PCI_COMMAND_IO);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.no_reset == 3 && r.no_reset_dma == 3,
	   "walk: control: the ISA bridge not mastering: 3 and 3 (%u, %u)", r.no_reset,
	   r.no_reset_dma);
	free(s);

	/* only bus-mastering functions are reset */
	s = choice();
	fake_set16(E_FLR, PCI_COMMAND, PCI_COMMAND_MEMORY);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(!fake_writes_at(E_FLR, TOPO_PCIE_CAP + PCI_EXP_DEVCTL) && r.functions_reset == 3,
	   "walk: a function with Bus Master off is not reset");
	free(s);

	/* dry run: counted, not written */
	s = choice();
	topo_walk(s, PCQ_WALK_DRY_RUN, &r);
	ok(r.functions_reset == 4 && r.config_writes == 0 && fake.writes == 0,
	   "walk: dry run: 4 resets counted, nothing written");
	free(s);
}

static void test_cost(void)
{
	struct pcq_snapshot *s;
	struct pcq_run r;
	unsigned int plain, with;
	int ep;

	S = topo_settings();
	topo_init(&T, TOPO_ACCESS_ECAM);
	ep = topo_ep(&T, -1, 2, 0);
	T.n[ep].msi_cap = T.n[ep].msix_cap = 0;
	s = topo_build(&T, &S, NULL);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	plain = r.config_reads + r.config_writes;
	free(s);

	topo_init(&T, TOPO_ACCESS_ECAM);
	ep = topo_ep(&T, -1, 2, 0);
	T.n[ep].msi_cap = T.n[ep].msix_cap = 0;
	topo_flr(&T, ep);
	s = topo_build(&T, &S, NULL);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	with = r.config_reads + r.config_writes;
	free(s);
	is(plain, 3, "cost: endpoint, no reset: 3 accesses");
	is(with - plain, 2, "cost: FLR adds 2 accesses (Device Control+Status read, write)");

	topo_init(&T, TOPO_ACCESS_ECAM);
	ep = topo_ep(&T, -1, 2, 0);
	T.n[ep].msi_cap = T.n[ep].msix_cap = 0;
	topo_pm(&T, ep);
	s = topo_build(&T, &S, NULL);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	is(r.config_reads + r.config_writes - plain, 2, "cost: PM reset adds 2 accesses");
	free(s);
}

static void test_tp(void)
{
	struct pcq_snapshot *s;
	struct pcq_run r;
	int a, b;

	S = topo_settings();
	topo_init(&T, TOPO_ACCESS_ECAM);
	a = topo_ep(&T, -1, 2, 0);
	b = topo_ep(&T, -1, 3, 0);
	topo_flr(&T, a);
	topo_flr(&T, b);
	s = topo_build(&T, &S, NULL);
	fake.fn[a].tp_reads = 3;
	fake.fn[b].tp_reads = 5;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	is(r.tp_pending, 2, "tp: 2 functions had transactions pending");
	ok(r.tp_wait_ns > 0 && r.tp_wait_ns <= 6 * MS,
	   "tp: one shared wait until both drained (%llu ns)", (unsigned long long)r.tp_wait_ns);
	ok(fake.delayed_ns <= 6 * MS, "tp: the waits add up to one, not one per function");
	ok(resets_by(a, FAKE_BY_FLR) == 1 && resets_by(b, FAKE_BY_FLR) == 1,
	   "tp: both reset after draining");
	free(s);

	/* never drains: the wait ends at PCQ_TP_WAIT_MS and the FLR goes ahead */
	s = topo_build(&T, &S, NULL);
	fake.fn[a].tp_reads = 1000000;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.tp_wait_ns >= PCQ_TP_WAIT_MS * MS && r.tp_wait_ns <= (PCQ_TP_WAIT_MS + 2) * MS,
	   "tp: a function that never drains: the wait stops at %u ms (%llu ns)", PCQ_TP_WAIT_MS,
	   (unsigned long long)r.tp_wait_ns);
	is(resets_by(a, FAKE_BY_FLR), 1, "tp: and it is reset anyway, as pcie_flr() does");
	is(r.state, PCQ_STATE_DONE, "tp: within the budget: done");
	free(s);

	/* a budget shorter than the wait bounds it */
	S.budget_ms = 5;
	s = topo_build(&T, &S, NULL);
	fake.fn[a].tp_reads = 1000000;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.duration_ns <= 7 * MS, "tp: the wait never passes the budget (%llu ns)",
	   (unsigned long long)r.duration_ns);
	free(s);
	S = topo_settings();

	/* dry run: no wait at all */
	s = topo_build(&T, &S, NULL);
	fake.fn[a].tp_reads = 1000000;
	topo_walk(s, PCQ_WALK_DRY_RUN, &r);
	ok(fake.delayed_ns == 0 && r.tp_pending == 1, "tp: a dry run reads, never waits");
	free(s);
}

/*
 *  00:00.0 host bridge
 *  00:1c.0 root port -> 01:00.0 PF, 01:00.1 VF, 01:00.2 VF
 *  00:04.0 PF with FLR -> 00:04.1 VF
 *  00:05.0 PF without a reset -> 00:05.1 VF with FLR
 */
enum { V_HOST, V_RP, V_PF, V_VF1, V_VF2, V_RPF, V_RVF, V_NPF, V_NVF };

static struct pcq_snapshot *sriov(void)
{
	topo_init(&T, TOPO_ACCESS_ECAM);
	topo_host(&T);
	topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	topo_ep(&T, V_RP, 0, 0);
	topo_vf(&T, V_PF, 1);
	topo_vf(&T, V_PF, 2);
	topo_ep(&T, -1, 4, 0);
	topo_vf(&T, V_RPF, 1);
	topo_ep(&T, -1, 5, 0);
	topo_vf(&T, V_NPF, 1);
	topo_flr(&T, V_RPF);
	topo_flr(&T, V_RVF);
	topo_flr(&T, V_NVF);
	return topo_build(&T, &S, NULL);
}

static void test_vf(void)
{
	struct pcq_snapshot *s;
	struct pcq_run r;
	unsigned int one, two;
	u32 v = 0;

	S = topo_settings();
	s = sriov();
	ok(s->func[V_VF1].pf == V_PF && s->func[V_VF1].parent == V_RP &&
	   s->func[V_VF1].depth == s->func[V_PF].depth, "vf: a VF has its PF's place in the tree");
	ok(s->step[V_VF1].reach == PCQ_REACH_BUS && s->step[V_VF1].reset_by == V_RP,
	   "vf: covered by the bus reset that covers its PF");
	is(s->step[V_RVF].reach, PCQ_REACH_PF, "vf: covered by its PF's FLR");
	ok(!in_fresets(s, V_RVF) && in_fresets(s, V_RPF), "vf: ... so no FLR of its own");
	is(s->step[V_NVF].reach, PCQ_REACH_FLR, "vf: PF without a reset: the VF's own FLR");
	ok(s->nr_fn_resets == 2 && fn_reset(s, 0) == V_NVF && fn_reset(s, 1) == V_RPF &&
	   fn_reset(s, 2) == -1, "vf: VFs come first in the function reset order");
	ok(s->step[V_RPF].resets_vfs && !s->step[V_NPF].resets_vfs && !s->step[V_PF].resets_vfs,
	   "vf: only the PF whose FLR reaches its VF is marked resets_vfs");

	topo_walk(s, PCQ_WALK_PANIC, &r);
	is(r.mismatched, 0, "vf: healthy SR-IOV: mismatched 0 (VF IDs read all-ones)");
	is(r.functions_quiesced, s->nr_quiesce, "vf: every function quiesced");
	ok(!(fake_get16(V_VF1, PCI_COMMAND) & PCI_COMMAND_MASTER) &&
	   !(fake_get16(V_VF2, PCI_COMMAND) & PCI_COMMAND_MASTER) &&
	   !(fake_get16(V_RVF, PCI_COMMAND) & PCI_COMMAND_MASTER),
	   "vf: Bus Master cleared on the VFs");
	ok(writes_of(V_VF1, PCI_COMMAND, 2, &v) == 1 && !(v & PCI_COMMAND_INTX_DISABLE),
	   "vf: a VF's Command write leaves INTx Disable alone (read-only 0 there): %#x", v);
	ok(!(fake_get16(V_VF1, TOPO_MSIX_CAP + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_ENABLE),
	   "vf: MSI-X off on the VF");
	is(resets_by(V_NVF, FAKE_BY_FLR), 1, "vf: the VF with its own FLR got it");
	free(s);

	/* control: a plain function whose IDs read all-ones is mismatched */
	s = sriov();
	fake_set32(V_NPF, PCI_VENDOR_ID, 0xffffffff);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.mismatched == 2 && !fake_writes_to(V_NPF) && !fake_writes_to(V_NVF),
	   "vf: control: a PF reading all-ones is mismatched, and so is its VF (%u)",
	   r.mismatched);
	free(s);

	s = sriov();
	fake_set16(V_PF, TOPO_SRIOV_CAP + PCI_SRIOV_CTRL, 0);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.mismatched == 2 && !fake_writes_to(V_VF1) && !fake_writes_to(V_VF2) &&
	   fake_writes_to(V_PF), "vf: VF Enable cleared: both VFs mismatched, the PF not");
	free(s);

	s = sriov();
	fake.fn[V_PF].removed = true;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.mismatched == 3 && !fake_writes_to(V_VF1) && !fake_writes_to(V_VF2),
	   "vf: PF gone: it and its VFs mismatched");
	free(s);

	s = sriov();
	fake_set32(V_VF2, PCI_CLASS_REVISION, 0x01080202);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.mismatched == 1 && !fake_writes_to(V_VF2) && fake_writes_to(V_VF1),
	   "vf: a VF with another class/revision mismatched, its sibling not");
	free(s);

	/* accesses: a second VF costs its own 3, the PF's checks are shared */
	S.reset = PCQ_RESET_NONE;
	topo_init(&T, TOPO_ACCESS_ECAM);
	topo_ep(&T, -1, 4, 0);
	topo_vf(&T, 0, 1);
	T.n[1].msix_cap = 0;
	s = topo_build(&T, &S, NULL);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	one = r.config_reads + r.config_writes;
	free(s);
	topo_vf(&T, 0, 2);
	T.n[2].msix_cap = 0;
	s = topo_build(&T, &S, NULL);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	two = r.config_reads + r.config_writes;
	free(s);
	is(two - one, 3, "vf: one more VF costs 3 accesses (class read, Command r/w)");
	S = topo_settings();
}

/* A VF on a virtual bus (no bridge of its own) above its PF's bus. */
static void test_vf_virtual_bus(void)
{
	struct pcq_snapshot *s;
	int rp, pf, vf;

	S = topo_settings();
	topo_init(&T, TOPO_ACCESS_ECAM);
	topo_host(&T);
	rp = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	pf = topo_ep(&T, rp, 0, 0);
	vf = topo_vf(&T, pf, 0);
	T.n[vf].vbus = 1;
	s = topo_build(&T, &S, NULL);
	ok(s->func[vf].bus == s->func[pf].bus + 1, "vbus: the VF sits on bus %u, its PF on %u",
	   s->func[vf].bus, s->func[pf].bus);
	ok(s->func[vf].parent == rp && s->func[vf].depth == 1,
	   "vbus: its place is its PF's (under the root port), not the root bus");
	ok(s->step[vf].reach == PCQ_REACH_BUS && s->step[vf].reset_by == rp,
	   "vbus: reached by the root port's bus reset");
	free(s);
}

static void test_key(void)
{
	u64 a = pcq_func_key(0, 0xffff, 0xff, 0xff);
	u64 b = pcq_func_key(0, 0x10000, 0, 0);
	u64 c = pcq_func_key(1, 0, 0, 0);
	u64 d = pcq_func_key(0, 0xffffffff, 0xff, 0xff);

	ok(a < b, "key: domain 0x10000 sorts after every function of 0xffff");
	ok(d < c, "key: a full 32-bit domain stays below depth 1 (no overlap)");
	ok(pcq_func_key(2, 0, 0, 0) > pcq_func_key(1, 0xffffffff, 0xff, 0xff),
	   "key: depth first");
	ok(pcq_func_key(0, 0, 1, 0) > pcq_func_key(0, 0, 0, 0xff), "key: bus before devfn");
	ok(pcq_func_key(0, 0, 1, 1) > pcq_func_key(0, 0, 1, 0), "key: a VF after its PF");
	is(sizeof(pcq_func_key(0, 0, 0, 0)), 8, "key: 64 bits on every architecture");
}

/*
 * More than 65,536 functions (a virtualization host): 256 root ports, each
 * with a PF and 255 VFs on virtual buses.  No cap, 32-bit indexes.
 */
static void test_scale(void)
{
	const unsigned int ports = 256, vfs = 255;
	unsigned int nr = ports * (vfs + 2), i, p, k, n = 0, bridges = 0;
	struct pcq_skip_list none = { 0 };
	struct pcq_snapshot *s = calloc(1, pcq_snapshot_size(nr));
	bool order_ok = true, reach_ok = true, bridge;
	static u8 page[4096];
	s32 j, prev = -1, first;
	u32 kq = 0;

	if (!s)
		abort();
	pcq_snapshot_init(s, nr);
	s->settings = topo_settings();
	/* parents before children: the ports first, then each PF and its VFs */
	for (p = 0; p < ports; p++) {
		struct pcq_func *f = &s->func[p];

		f->bus = 0;
		f->devfn = p;
		f->type = PCQ_TYPE_ROOT_PORT;
		f->hdr_type = PCI_HEADER_TYPE_BRIDGE;
		f->parent = -1;
		f->pf = -1;
		f->ecam = page;
	}
	i = ports;
	for (p = 0; p < ports; p++) {
		unsigned int pf = i;

		for (k = 0; k <= vfs; k++, i++) {
			struct pcq_func *f = &s->func[i];

			f->seg = p < 128 ? 0 : 0x10000;	/* half behind VMD-wide domains */
			f->bus = 1 + (k >> 8);
			f->devfn = k & 0xff;
			f->type = PCQ_TYPE_ENDPOINT;
			f->parent = p;
			f->pf = k ? (s32)pf : -1;
			f->flags = k ? PCQ_F_VF : 0;
			f->depth = 1;
			f->ecam = page;
		}
	}
	pcq_plan(s, &none);
	pcq_snapshot_seal(s);
	ok(pcq_snapshot_intact(s), "scale: %u functions planned, sealed, intact", nr);
	is(s->nr_quiesce, nr, "scale: all %u in the quiesce order", nr);
	is(s->nr_bus_resets, ports, "scale: one bus reset per root port (%u)", ports);
	/* the snapshot builder sorts by depth first: from the last is deepest first */
	first = pcq_plan_next_quiesce(s, &kq);
	for (kq = 0; (j = pcq_plan_next_quiesce(s, &kq)) >= 0 && n <= nr; n++, prev = j) {
		bridge = s->func[j].hdr_type == PCI_HEADER_TYPE_BRIDGE;
		bridges += bridge;
		if (prev >= 0 && s->func[j].depth > s->func[prev].depth &&
		    s->func[j].hdr_type == s->func[prev].hdr_type)
			order_ok = false;
		if (bridges && !bridge)
			order_ok = false;
	}
	ok(order_ok && n == nr && bridges == ports,
	   "scale: deepest first within each pass, every function once (%u)", n);
	for (i = ports; i < nr; i++)
		if (s->step[i].reach != PCQ_REACH_BUS || s->step[i].reset_by != (s32)s->func[i].parent)
			reach_ok = false;
	ok(reach_ok, "scale: every PF and VF reached by its root port's bus reset");
	ok(first == (s32)nr - 1 && prev == 0 && s->func[nr - 1].pf == (s32)(nr - vfs - 1) &&
	   s->step[nr - 1].reset_by == (s32)ports - 1,
	   "scale: indexes above 65535 kept whole (first %d, last %d, PF %d)", first, prev,
	   s->func[nr - 1].pf);
	kq = 0;
	ok(pcq_plan_next_fn_reset(s, &kq) < 0 && kq == 2 * nr && s->nr_fn_resets == 0,
	   "scale: no function reset: the iterator looks at all 2 x %u and ends", nr);
	free(s);
}

/*
 * A function gone while its Transactions Pending drains is never written,
 * and counts as mismatched, not as reset.
 */
static void test_tp_gone(void)
{
	struct pcq_snapshot *s;
	struct pcq_run r;
	int a, b;

	S = topo_settings();
	topo_init(&T, TOPO_ACCESS_ECAM);
	a = topo_ep(&T, -1, 2, 0);
	b = topo_ep(&T, -1, 3, 0);
	topo_flr(&T, a);
	topo_flr(&T, b);
	s = topo_build(&T, &S, NULL);
	fake.fn[a].tp_reads = 1000000;
	fake.fn[b].tp_reads = 3;
	/* removed at its second Device Control read: the first of the wait */
	fake.fn[a].remove_on_read = TOPO_PCIE_CAP + PCI_EXP_DEVCTL;
	fake.fn[a].remove_skip = 1;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(!writes_of(a, TOPO_PCIE_CAP + PCI_EXP_DEVCTL, 2, NULL) && !resets_by(a, FAKE_BY_FLR),
	   "tp gone: the function gone while draining gets no FLR write");
	is(resets_by(b, FAKE_BY_FLR), 1, "tp gone: the other one is reset");
	ok(r.functions_reset == 1 && r.mismatched == 1,
	   "tp gone: 1 reset, the gone one counted as mismatched (%u, %u)", r.functions_reset,
	   r.mismatched);
	free(s);

	/* control: the same without the removal: both reset */
	s = topo_build(&T, &S, NULL);
	fake.fn[a].tp_reads = 2;
	fake.fn[b].tp_reads = 3;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(resets_by(a, FAKE_BY_FLR) == 1 && resets_by(b, FAKE_BY_FLR) == 1 && !r.mismatched,
	   "tp gone: control: both drain and are reset");
	free(s);
}

/*
 * A function slow to answer (50 ms per access, as with Completion
 * Timeouts) between two healthy ones in the function reset list: the
 * reset of the one read before it is still made.
 */
static void test_slow_reset_target(void)
{
	struct pcq_snapshot *s;
	struct pcq_run r;
	int a, slow, c;

	S = topo_settings();
	topo_init(&T, TOPO_ACCESS_ECAM);
	a = topo_ep(&T, -1, 2, 0);
	slow = topo_ep(&T, -1, 3, 0);
	c = topo_ep(&T, -1, 4, 0);
	topo_flr(&T, a);
	topo_flr(&T, slow);
	topo_flr(&T, c);
	s = topo_build(&T, &S, NULL);
	fake.ns_per_access = 10000;
	fake.fn[slow].ns_per_access = 50 * MS;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	is(resets_by(a, FAKE_BY_FLR), 1, "slow target: the healthy function before it is reset");
	is(resets_by(slow, FAKE_BY_FLR), 1, "slow target: it answered, slowly: reset too");
	ok(r.state == PCQ_STATE_ABORTED && r.abort == PCQ_ABORT_BUDGET,
	   "slow target: the budget ran out (%s, %s)", pcq_state_name(r.state),
	   pcq_phase_name(r.abort_phase));
	ok(!resets_by(c, FAKE_BY_FLR) && r.no_reset + r.unvisited >= 1,
	   "slow target: the one after it, not reached in time, is counted (no_reset %u, "
	   "unvisited %u)", r.no_reset, r.unvisited);
	free(s);

	/* control: without the slow one, all three */
	s = topo_build(&T, &S, NULL);
	fake.ns_per_access = 10000;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(resets_by(a, FAKE_BY_FLR) && resets_by(slow, FAKE_BY_FLR) && resets_by(c, FAKE_BY_FLR) &&
	   r.state == PCQ_STATE_DONE, "slow target: control: all three reset, done");
	free(s);
}

/*
 * Bridge Control's Discard Timer Status (bit 10) is RW1C: neither the
 * assert nor the release writes it back as 1.
 */
static void test_bridge_ctl_rw1c(void)
{
	struct pcq_snapshot *s;
	struct pcq_run r;
	int rp, ep, k, with_bit = 0, writes = 0;

	S = topo_settings();
	topo_init(&T, TOPO_ACCESS_ECAM);
	topo_host(&T);
	rp = topo_bridge(&T, -1, PCQ_TYPE_PCI_BRIDGE, 0x1e, 0);
	ep = topo_ep(&T, rp, 0, 0);
	T.n[rp].bridge_ctl = TOPO_BRCTL | 0x0400;
	s = topo_build(&T, &S, NULL);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	for (k = 0; k < fake.nlog; k++) {
		const struct fake_ev *e = &fake.log[k];

		if (e->kind != FAKE_EV_WRITE || e->fn != rp || e->off != PCI_BRIDGE_CONTROL)
			continue;
		writes++;
		with_bit += !!(e->val & 0x0400);
	}
	ok(writes == 2 && fake_resets_of(ep) == 1, "bridge control: asserted and released");
	is(with_bit, 0, "bridge control: Discard Timer Status never written as 1");
	ok((fake_get16(rp, PCI_BRIDGE_CONTROL) & ~0x0400) == TOPO_BRCTL,
	   "bridge control: the other bits back as they were");
	free(s);
}

int main(void)
{
	test_choice();
	test_walk_resets();
	test_cost();
	test_tp();
	test_tp_gone();
	test_slow_reset_target();
	test_bridge_ctl_rw1c();
	test_vf();
	test_vf_virtual_bus();
	test_key();
	test_scale();
	ok(!strcmp(pcq_reach_name(PCQ_REACH_AF_FLR), "af-flr") &&
	   !strcmp(pcq_why_name(PCQ_WHY_NO_METHOD), "no-reset-method") &&
	   !strcmp(pcq_reach_name(77), "?"),
	   "names: reach, why");
	return tap_done();
}
