// SPDX-License-Identifier: GPL-2.0
/*
 * The panic path never blocks kdump: every wait bounded by a count as well
 * as by the clock (a frozen clock, a function whose Transactions Pending
 * never clears), a budget that slow functions cannot spend before the
 * resets, a crash inside the walk that leaves no bus in reset, a skipped
 * function that keeps working, and resets counted only when made (an idle
 * PF whose VFs master).
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>
#include <linux/delay.h>
#include <linux/timekeeping.h>

#include "crash_quiesce.h"
#include "fake_pci.h"
#include "tap.h"
#include "topo.h"

#define MS	1000000ULL

static struct topo T;
static struct pcq_settings S;

static int resets_by(int fn, int by)
{
	int k, n = 0;

	for (k = 0; k < fake.nlog; k++)
		n += fake.log[k].kind == FAKE_EV_RESET && fake.log[k].fn == fn &&
		     (int)fake.log[k].val == by;
	return n;
}

static bool in_reset(int bridge)
{
	return fake_get16(bridge, PCI_BRIDGE_CONTROL) & PCI_BRIDGE_CTL_BUS_RESET;
}

/*
 *  00:00.0 host bridge
 *  00:02.0 endpoint with FLR, on the root bus       flr
 *  00:1c.0 root port -> 01:00.0, 01:00.1 endpoints   quiesce+reset
 *  00:1c.1 root port -> 02:00.0 endpoint            quiesce+reset
 */
enum { B_HOST, B_FLR, B_RP1, B_EP1, B_EP2, B_RP2, B_EP3 };

static struct pcq_snapshot *bounds(void)
{
	topo_init(&T, TOPO_ACCESS_ECAM);
	topo_host(&T);
	topo_ep(&T, -1, 2, 0);
	topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	topo_ep(&T, B_RP1, 0, 0);
	topo_ep(&T, B_RP1, 0, 1);
	topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 1);
	topo_ep(&T, B_RP2, 0, 0);
	topo_flr(&T, B_FLR);
	T.n[B_EP1].multifn = T.n[B_EP2].multifn = true;
	return topo_build(&T, &S, NULL);
}

/* A wait of the kind the walk must not make: bounded by the clock alone. */
static void clock_only_wait(void)
{
	u64 end = ktime_get_mono_fast_ns() + PCQ_TP_WAIT_MS * MS;

	while (ktime_get_mono_fast_ns() < end)
		mdelay(1);
}

static void test_frozen_clock(void)
{
	struct pcq_snapshot *s;
	struct pcq_run r;

	/* control: the fake catches a wait bounded by the clock alone */
	fake_reset();
	fake.frozen = true;
	clock_only_wait();
	is(fake.mdelays, 100000, "frozen clock: control: a clock-only wait runs away "
	   "(ended by the fake after %u delays)", fake.mdelays);

	S = topo_settings();
	s = bounds();
	fake.frozen = true;
	fake.fn[B_FLR].tp_reads = 1000000;	/* Transactions Pending never clears */
	topo_walk(s, PCQ_WALK_PANIC, &r);
	is(fake.mdelays, PCQ_TP_WAIT_MS + S.reset_hold_ms,
	   "frozen clock, pending never clears: %u + %u fixed delays, no more",
	   PCQ_TP_WAIT_MS, S.reset_hold_ms);
	is(r.delays_ms, fake.mdelays, "frozen clock: delays_ms counts them");
	is(r.clock_stopped, 1, "frozen clock: recorded as clock_stopped");
	is(r.duration_ns, 0, "frozen clock: duration 0 (the clock read the same throughout)");
	is(resets_by(B_FLR, FAKE_BY_FLR), 1, "frozen clock: the FLR made after the wait");
	ok(r.bridges_reset == 2 && !in_reset(B_RP1) && !in_reset(B_RP2) &&
	   fake_resets_of(B_EP1) && fake_resets_of(B_EP3),
	   "frozen clock: both bus resets asserted, held and released");
	is(r.state, PCQ_STATE_DONE, "frozen clock: done");
	free(s);

	/* control: with the clock running, the same walk says so */
	s = bounds();
	fake.fn[B_FLR].tp_reads = 1000000;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.clock_stopped == 0 && r.duration_ns > 0, "running clock: clock_stopped 0 (control)");
	free(s);

	/* the count also bounds a budget shorter than the wait and the hold */
	S.budget_ms = 12;
	S.reset_hold_ms = 5;
	s = bounds();
	fake.frozen = true;
	fake.fn[B_FLR].tp_reads = 1000000;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	/* bus share 5 + 1 (half of 12), function share 3 of the 6 left: 2 waiting */
	is(fake.mdelays, 2 + 5, "frozen clock, budget 12, hold 5: 2 waiting (the function "
	   "resets' share less its margin) + 5 holding (%u)", fake.mdelays);
	ok(r.bridges_reset == 2 && !in_reset(B_RP1) && !in_reset(B_RP2),
	   "frozen clock, budget 12: the hold kept its share");
	is(resets_by(B_FLR, FAKE_BY_FLR), 1, "frozen clock, budget 12: the FLR made after "
	   "the shortened wait");
	free(s);
	S = topo_settings();
}

/*
 * Two functions gone, whose first config read each costs 50 ms (a
 * Completion Timeout), first in the quiesce order, spend the whole budget;
 * the function reset and both bus resets are made all the same, each
 * phase in its share.  The quiesce order goes from the last function to the
 * first: 02:00.0 (B_EP3), then 01:00.1 (B_EP2), then 01:00.0 (B_EP1), which
 * the phase no longer reaches.
 */
static void test_slow_functions(void)
{
	struct pcq_snapshot *s;
	struct pcq_run r;
	int slow1, slow2, next;
	u32 k = 0;

	S = topo_settings();
	s = bounds();
	slow1 = pcq_plan_next_quiesce(s, &k);
	slow2 = pcq_plan_next_quiesce(s, &k);
	next = pcq_plan_next_quiesce(s, &k);
	ok(slow1 == B_EP3 && slow2 == B_EP2 && next == B_EP1,
	   "slow functions: first in the order 02:00.0, 01:00.1, then 01:00.0 (%d %d %d)",
	   slow1, slow2, next);
	fake.fn[slow1].ns_per_access = 50 * MS;
	fake.fn[slow2].ns_per_access = 50 * MS;
	fake.fn[slow1].removed = fake.fn[slow2].removed = true;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.state == PCQ_STATE_ABORTED && r.abort == PCQ_ABORT_BUDGET &&
	   r.abort_phase == PCQ_PHASE_QUIESCE,
	   "slow functions: the quiesce phase ran out of its share");
	ok(r.unvisited > 0, "slow functions: %u planned functions never reached", r.unvisited);
	is(resets_by(B_FLR, FAKE_BY_FLR), 1, "slow functions: the root-bus FLR still made");
	is(r.bridges_reset, 2, "slow functions: both bus resets still made");
	ok(fake_resets_of(next) && !in_reset(B_RP1) && !in_reset(B_RP2) &&
	   fake_writes_at(B_RP1, PCI_BRIDGE_CONTROL) == 2 &&
	   fake_writes_at(B_RP2, PCI_BRIDGE_CONTROL) == 2,
	   "slow functions: the one never reached reset by its bridge, every bus released");
	ok(!fake_writes_to(next), "slow functions: the one never reached was not written");
	is(r.mismatched, 2, "slow functions: both counted as mismatched");
	ok(!(fake_get16(B_FLR, PCI_COMMAND) & PCI_COMMAND_MASTER),
	   "slow functions: the FLR target was quiesced before its reset");
	ok(r.duration_ns <= (S.budget_ms + 50) * MS,
	   "slow functions: over the budget by at most one slow access (%llu ns)",
	   (unsigned long long)r.duration_ns);
	ok(r.duration_ns >= 100 * MS, "slow functions: they did cost 2 x 50 ms (%llu ns)",
	   (unsigned long long)r.duration_ns);
	free(s);

	/* control: without the slow functions the walk is done in time */
	s = bounds();
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.state == PCQ_STATE_DONE && r.unvisited == 0, "slow functions: control: done, all visited");
	free(s);
}

/* A crash inside the walk: the recovery runs, the walk never resumes. */
static jmp_buf crash_env;
static struct pcq_run crash_run;
static bool crash_recovers;
static unsigned int crash_released;

static void crash_now(void)
{
	if (crash_recovers)
		crash_released = pcq_walk_interrupted(&crash_run);
	longjmp(crash_env, 1);
}

static void crash_walk(struct pcq_snapshot *s, struct pcq_run *r)
{
	crash_released = 0;
	memset(&crash_run, 0, sizeof(crash_run));
	if (!setjmp(crash_env))
		topo_walk(s, PCQ_WALK_PANIC, r);
}

static void test_nested_crash(void)
{
	struct pcq_snapshot *s;
	struct pcq_run r;
	unsigned int before;

	S = topo_settings();
	/* in the hold: its first fixed delay (nothing pending, no other delay) */
	s = bounds();
	crash_recovers = true;
	fake.on_mdelay = crash_now;
	fake.on_mdelay_at = 1;
	crash_walk(s, &r);
	ok(fake.mdelays >= 1 && fake_resets_of(B_EP1) && fake_resets_of(B_EP3),
	   "crash in the hold: it came after both asserts");
	ok(!in_reset(B_RP1) && !in_reset(B_RP2), "crash in the hold: both bridges released");
	ok(crash_released == 2 && crash_run.released == 2 && crash_run.interrupted == 1,
	   "crash in the hold: 2 released, recorded as interrupted");
	ok(crash_run.state == PCQ_STATE_ABORTED && crash_run.abort == PCQ_ABORT_INTERRUPTED,
	   "crash in the hold: state aborted, abort interrupted (%s, %s)",
	   pcq_state_name(crash_run.state), pcq_abort_name(crash_run.abort));
	ok(fake.delayed_ns >= PCQ_RESET_HOLD_MIN_MS * MS,
	   "crash in the hold: released after at least Trst (1 ms)");
	ok(fake_get16(B_RP1, PCI_BRIDGE_CONTROL) == TOPO_BRCTL &&
	   fake_get16(B_RP2, PCI_BRIDGE_CONTROL) == TOPO_BRCTL,
	   "crash in the hold: Bridge Control back to its old value");
	free(s);

	/* control: the same crash without the recovery leaves them in reset */
	s = bounds();
	crash_recovers = false;
	fake.on_mdelay = crash_now;
	fake.on_mdelay_at = 1;
	crash_walk(s, &r);
	ok(in_reset(B_RP1) && in_reset(B_RP2), "crash in the hold: control: without the "
	   "recovery both stay in reset");
	free(s);

	/* between the two asserts: only the first is released */
	s = bounds();
	topo_walk(s, PCQ_WALK_DRY_RUN, &r);
	before = r.planned_writes;
	free(s);
	s = bounds();
	crash_recovers = true;
	fake.on_mdelay = NULL;
	fake.on_write = crash_now;
	/* the dry run's writes up to the first assert: all but release, 2nd assert, 2nd release */
	fake.on_write_at = before - 3;
	crash_walk(s, &r);
	ok(fake_writes_at(B_RP1, PCI_BRIDGE_CONTROL) == 2 &&
	   fake_writes_at(B_RP2, PCI_BRIDGE_CONTROL) == 0,
	   "crash after the first assert: it was released, the second never asserted");
	ok(!in_reset(B_RP1) && crash_released == 1, "crash after the first assert: 1 released");
	free(s);

	/* before any assert: nothing to release, no delay */
	s = bounds();
	fake.on_write = crash_now;
	fake.on_write_at = 1;
	crash_walk(s, &r);
	ok(crash_released == 0 && fake.mdelays == 0 &&
	   !fake_writes_at(B_RP1, PCI_BRIDGE_CONTROL),
	   "crash before any assert: nothing released, no delay");
	free(s);
	fake.on_write = NULL;
}

/*
 *  00:1c.0 root port -> 01:00.0 endpoint, listed in skip
 *  00:1c.1 root port -> 02:00.0 endpoint
 */
static void test_skip_keeps_master(void)
{
	struct pcq_skip_list skip;
	struct pcq_snapshot *s;
	const char *bad;
	struct pcq_run r;
	int rp1, ep1, rp2;

	S = topo_settings();
	topo_init(&T, TOPO_ACCESS_ECAM);
	topo_host(&T);
	rp1 = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	ep1 = topo_ep(&T, rp1, 0, 0);
	rp2 = topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 1);
	topo_ep(&T, rp2, 0, 0);
	pcq_parse_skip("01:00.0", &skip, &bad);
	s = topo_build(&T, &S, &skip);
	ok(s->step[rp1].keep_master && s->step[rp1].blocker == ep1,
	   "skip: the bridge above it keeps Bus Master, for it");
	ok(!s->step[rp2].keep_master && !s->step[ep1].keep_master,
	   "skip: the other bridge does not, nor the skipped function itself");
	is(s->step[rp1].why, PCQ_WHY_BLOCKED, "skip: its bridge is not reset");
	topo_walk(s, PCQ_WALK_PANIC, &r);
	is(fake_writes_to(ep1), 0, "skip: the skipped function is not written");
	ok(fake_get16(rp1, PCI_COMMAND) ==
	   (T.n[rp1].command | PCI_COMMAND_INTX_DISABLE),
	   "skip: its bridge keeps Bus Master (INTx Disable set, nothing else)");
	ok(!(fake_get16(rp2, PCI_COMMAND) & PCI_COMMAND_MASTER),
	   "skip: the other bridge loses Bus Master (control)");
	ok(!(fake_get16(rp1, TOPO_MSI_CAP + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE),
	   "skip: its bridge's own MSI turned off all the same");
	free(s);

	/* control: without the skip, the same bridge loses Bus Master */
	s = topo_build(&T, &S, NULL);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(!s->step[rp1].keep_master &&
	   !(fake_get16(rp1, PCI_COMMAND) & PCI_COMMAND_MASTER),
	   "skip: control: without it, the bridge loses Bus Master");
	free(s);
}

/*
 *  00:04.0 PF with FLR, Bus Master off (pci-pf-stub) -> 00:04.1, 00:04.2 VFs
 */
static void test_idle_pf(void)
{
	struct pcq_snapshot *s;
	struct pcq_run r;
	int pf, vf1, vf2;

	S = topo_settings();
	topo_init(&T, TOPO_ACCESS_ECAM);
	topo_host(&T);
	pf = topo_ep(&T, -1, 4, 0);
	vf1 = topo_vf(&T, pf, 1);
	vf2 = topo_vf(&T, pf, 2);
	topo_flr(&T, pf);
	topo_flr(&T, vf1);
	topo_flr(&T, vf2);
	T.n[pf].command = PCI_COMMAND_MEMORY;
	s = topo_build(&T, &S, NULL);
	ok(s->step[vf1].reach == PCQ_REACH_PF && s->step[vf2].reach == PCQ_REACH_PF,
	   "idle PF: its VFs are reached by its FLR");
	ok(s->step[pf].resets_vfs && !s->step[vf1].resets_vfs,
	   "idle PF: the plan marks its FLR as the VFs' too");
	topo_walk(s, PCQ_WALK_PANIC, &r);
	is(resets_by(pf, FAKE_BY_FLR), 1, "idle PF, mastering VFs: the PF's FLR is made");
	ok(!resets_by(vf1, FAKE_BY_FLR) && !resets_by(vf2, FAKE_BY_FLR),
	   "idle PF: the VFs need no FLR of their own");
	is(r.functions_reset, 3, "idle PF: functions_reset = the PF and its 2 VFs");
	is(r.no_reset, 0, "idle PF: no mastering VF left without a reset");
	free(s);

	/* control: VFs idle too: nothing to reset */
	T.n[vf1].command = T.n[vf2].command = 0;
	s = topo_build(&T, &S, NULL);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(!resets_by(pf, FAKE_BY_FLR) && r.functions_reset == 0,
	   "idle PF, idle VFs: no reset (control)");
	free(s);

	/* the PF gone before its FLR: its mastering VFs count as not reset */
	T.n[vf1].command = T.n[vf2].command = PCI_COMMAND_MASTER;
	s = topo_build(&T, &S, NULL);
	fake.fn[pf].remove_on_read = TOPO_PCIE_CAP + PCI_EXP_DEVCTL;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(!resets_by(pf, FAKE_BY_FLR) && r.functions_reset == 0,
	   "PF gone before its FLR: no reset made, none counted");
	is(r.no_reset, 2, "PF gone before its FLR: its 2 mastering VFs counted without reset");
	free(s);
}

/*
 * The bridge whose Bridge Control write a crash interrupted (the write may
 * be what crashed: an SError, a machine check) is released after every
 * other: should writing it again crash again, the other buses are free.
 */
static void test_crash_in_write(void)
{
	struct pcq_snapshot *s;
	struct pcq_run r;
	unsigned int before;
	int k, first = -1, last = -1;

	S = topo_settings();
	s = bounds();
	topo_walk(s, PCQ_WALK_DRY_RUN, &r);
	before = r.planned_writes;
	free(s);
	s = bounds();
	crash_recovers = true;
	fake.on_mdelay = NULL;
	fake.on_write = crash_now;
	/* after the second assert: all the dry run's writes but the two releases */
	fake.on_write_at = before - 2;
	crash_walk(s, &r);
	for (k = 0; k < fake.nlog; k++) {
		const struct fake_ev *e = &fake.log[k];

		if (e->kind != FAKE_EV_WRITE || e->off != PCI_BRIDGE_CONTROL ||
		    (e->val & PCI_BRIDGE_CTL_BUS_RESET))
			continue;
		if (first < 0)
			first = e->fn;
		last = e->fn;
	}
	ok(crash_released == 2 && !in_reset(B_RP1) && !in_reset(B_RP2),
	   "crash in the second assert: both released");
	ok(first == B_RP1 && last == B_RP2,
	   "crash in the second assert: that bridge released last (first %d, last %d)", first, last);
	free(s);
	fake.on_write = NULL;

	/* after the walk: nothing asserted, nothing read or written */
	s = bounds();
	topo_walk(s, PCQ_WALK_PANIC, &r);
	before = fake.reads + fake.writes;
	memset(&crash_run, 0, sizeof(crash_run));
	is(pcq_walk_interrupted(&crash_run), 0, "a crash after the walk: nothing to release");
	is(fake.reads + fake.writes, before, "a crash after the walk: no config access");
	free(s);
}

/*
 * Whatever the settings allow, the quiesce phase keeps time: the default
 * hold with the smallest budget that takes it, both kinds of reset
 * planned, and healthy functions: done, every function visited.
 */
static void test_budget_floor(void)
{
	struct pcq_snapshot *s;
	struct pcq_run r;

	S = topo_settings();
	S.budget_ms = pcq_budget_floor_ms(S.reset_hold_ms);
	s = bounds();
	fake.ns_per_access = 10000;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(s->nr_bus_resets && s->nr_fn_resets && r.state == PCQ_STATE_DONE && r.unvisited == 0,
	   "budget %u ms, hold %u: done, every function visited (%s, %u unvisited)", S.budget_ms,
	   S.reset_hold_ms, pcq_state_name(r.state), r.unvisited);
	free(s);
	S.budget_ms = 20;
	s = bounds();
	fake.ns_per_access = 10000;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.state == PCQ_STATE_DONE && r.unvisited == 0 && r.functions_reset == 1 &&
	   r.bridges_reset == 2, "budget 20 ms, hold 2: done, all resets made");
	free(s);

	/* control: a slow function makes the same walk abort */
	s = bounds();
	fake.ns_per_access = 10000;
	fake.fn[B_EP3].ns_per_access = 30 * MS;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.state == PCQ_STATE_ABORTED && r.abort_phase == PCQ_PHASE_QUIESCE,
	   "budget 20 ms: control: with a slow function the quiesce phase is cut (%s, %s)",
	   pcq_state_name(r.state), pcq_phase_name(r.abort_phase));
	free(s);
	S = topo_settings();
}

/* Command reads all-ones after the IDs checked out: gone, never written. */
static void test_gone_at_command(void)
{
	struct pcq_snapshot *s;
	struct pcq_run r, ctl;

	S = topo_settings();
	s = bounds();
	topo_walk(s, PCQ_WALK_PANIC, &ctl);
	free(s);
	s = bounds();
	fake.fn[B_EP3].remove_on_read = PCI_COMMAND;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(!fake_writes_at(B_EP3, PCI_COMMAND), "gone at Command: no Command write");
	ok(r.mismatched == 1 && r.functions_quiesced == ctl.functions_quiesced - 1,
	   "gone at Command: counted as mismatched, not as quiesced (%u, %u of %u)",
	   r.mismatched, r.functions_quiesced, ctl.functions_quiesced);
	ok(ctl.mismatched == 0, "gone at Command: control: none mismatched otherwise");
	free(s);
}

int main(void)
{
	test_frozen_clock();
	test_slow_functions();
	test_nested_crash();
	test_crash_in_write();
	test_budget_floor();
	test_gone_at_command();
	test_skip_keeps_master();
	test_idle_pf();
	return tap_done();
}
