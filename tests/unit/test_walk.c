// SPDX-License-Identifier: GPL-2.0
/*
 * The panic-path walk (quiesce.c) on the fake config space, once with ECAM
 * and once with type 1 accessors.  Expectations come from the topology's
 * initial register values and the plan, and are checked against the fake's
 * write log and final state.
 */
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
static const char *M;		/* "ecam" or "conf1", prefixes every name */
static u8 method;		/* enum topo_access */

/* Standard topology, see std(). */
enum { HOST, EP_ROOT, EP_QUIET, EP_USKIP, RP1, RP2, RP3, EP1, USP, VGA, DSP1, DSP2,
       MF0, MF1, EP_SW, NR_STD };

/*
 *  00:00.0 host bridge                       skip:host-bridge
 *  00:02.0 endpoint                          quiesce
 *  00:03.0 endpoint, already quiet           quiesce (nothing to write)
 *  00:04.0 endpoint                          skip:user
 *  00:1c.0 root port -> 01:00.0 endpoint     quiesce+reset
 *  00:1c.1 root port -> 02:00.0 upstream port
 *          -> 04:00.0 downstream port -> 05:00.0, 05:00.1 (multifunction)
 *          -> 04:01.0 downstream port -> 06:00.0
 *                                            quiesce+reset (root port only)
 *  00:1c.2 root port -> 03:00.0 display      blocked
 */
static struct pcq_snapshot *std(void)
{
	struct pcq_skip_list skip;
	const char *bad;
	int i;

	topo_init(&T, method);
	topo_host(&T);
	topo_ep(&T, -1, 2, 0);
	topo_ep(&T, -1, 3, 0);
	topo_ep(&T, -1, 4, 0);
	for (i = 0; i < 3; i++)
		topo_bridge(&T, -1, PCQ_TYPE_ROOT_PORT, 0x1c, i);
	topo_ep(&T, RP1, 0, 0);
	topo_bridge(&T, RP2, PCQ_TYPE_UPSTREAM_PORT, 0, 0);
	topo_ep(&T, RP3, 0, 0);
	topo_bridge(&T, USP, PCQ_TYPE_DOWNSTREAM_PORT, 0, 0);
	topo_bridge(&T, USP, PCQ_TYPE_DOWNSTREAM_PORT, 1, 0);
	topo_ep(&T, DSP1, 0, 0);
	topo_ep(&T, DSP1, 0, 1);
	topo_ep(&T, DSP2, 0, 0);

	T.n[EP_QUIET].command = PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE;
	/* Bus Master off: sends no MSI, so its MSI-X is left on, not even read */
	T.n[EP_QUIET].msi_on = false;
	T.n[VGA].class = 0x030000;
	T.n[MF0].multifn = T.n[MF1].multifn = true;
	T.n[MF0].msi_on = false;		/* MSI present but off: read, no write */
	T.n[MF1].msi_cap = T.n[MF1].msix_cap = 0;	/* no capability at all */
	T.n[EP_SW].command |= PCI_COMMAND_INTX_DISABLE;

	pcq_parse_skip("00:04.0", &skip, &bad);
	return topo_build(&T, &S, &skip);
}

static bool planned(const struct pcq_snapshot *s, int i)
{
	return s->step[i].action != PCQ_ACT_SKIP;
}

/* Was the function bus-mastering?  Only then are MSI and MSI-X handled. */
static bool master(int i)
{
	return T.n[i].command & PCI_COMMAND_MASTER;
}

static u16 cmd_target(int i, bool msi)
{
	u16 c = T.n[i].command & ~PCI_COMMAND_MASTER;

	return msi ? c | PCI_COMMAND_INTX_DISABLE : c;
}

/* Config reads and writes a real walk must make, from the initial state. */
static void model(const struct pcq_snapshot *s, unsigned int *reads, unsigned int *writes)
{
	bool msi = s->settings.msi;
	u32 k = 0;
	s32 i;

	*reads = *writes = 0;
	while ((i = pcq_plan_next_quiesce(s, &k)) >= 0) {
		const struct tnode *n = &T.n[i];
		bool caps = msi && master(i);

		/* ID, Command; the header type only before a Bridge Control write */
		*reads += 2 + (s->step[i].action == PCQ_ACT_QUIESCE_RESET) +
			  (caps && n->msi_cap) + (caps && n->msix_cap);
		*writes += (cmd_target(i, msi) != n->command) +
			   (caps && n->msi_cap && n->msi_on) +
			   (caps && n->msix_cap && n->msix_on);
	}
	*reads += s->nr_bus_resets;
	*writes += 2 * s->nr_bus_resets;
}

static bool in_resets(const struct pcq_snapshot *s, int i)
{
	return s->step[i].action == PCQ_ACT_QUIESCE_RESET;
}

/* On a bus a planned bus reset reaches, by the fake's bus numbers. */
static bool under_reset(const struct pcq_snapshot *s, int i)
{
	unsigned int k;

	for (k = 0; k < s->nr; k++) {
		const struct tnode *b = &T.n[k];

		if (in_resets(s, k) && T.n[i].bus >= b->sec && T.n[i].bus <= b->sub)
			return true;
	}
	return false;
}

static int log_writes(void)
{
	int k, n = 0;

	for (k = 0; k < fake.nlog; k++)
		n += fake.log[k].kind == FAKE_EV_WRITE;
	return n;
}

/* Index of the first write to @off of function @fn in the log, or fake.nlog. */
static int first_write(int fn, unsigned int off)
{
	int k;

	for (k = 0; k < fake.nlog; k++)
		if (fake.log[k].kind == FAKE_EV_WRITE && fake.log[k].fn == fn &&
		    fake.log[k].off == off)
			return k;
	return fake.nlog;
}

/*
 * The functions whose Command the walk wrote, in the order it wrote them,
 * are in the order pcq_plan_next_quiesce() gives.
 */
static bool follows_order(const struct pcq_snapshot *s)
{
	u32 k = 0;
	s32 i = -1;
	int e;

	for (e = 0; e < fake.nlog; e++) {
		if (fake.log[e].kind != FAKE_EV_WRITE || fake.log[e].off != PCI_COMMAND)
			continue;
		/* on along the order to the function written; never back */
		while (i != fake.log[e].fn && (i = pcq_plan_next_quiesce(s, &k)) >= 0)
			;
		if (i < 0)
			return false;
	}
	return true;
}

/* Every check of a complete real walk with nothing mismatched. */
static void check_real(const struct pcq_snapshot *s, const struct pcq_run *r, const char *name)
{
	bool msi = s->settings.msi;
	unsigned int reads, writes, i;
	int k, last_ep = -1, first_br = fake.nlog, last_other = -1, first_assert = -1;
	int last_assert = -1, first_release = fake.nlog, asserts = 0, releases = 0;
	bool changed = true, regs = true, left = true, msi_off = true, intx = true;
	bool skipped_clean = true, resets_ok = true, brctl_ok = true, cmd_first = true;

	model(s, &reads, &writes);
	is(r->state, PCQ_STATE_DONE, "%s %s: state done", M, name);
	is(r->abort, PCQ_ABORT_NONE, "%s %s: no abort", M, name);
	is(r->functions_quiesced, s->nr_quiesce, "%s %s: functions_quiesced = planned", M, name);
	is(r->bridges_reset, s->nr_bus_resets, "%s %s: bridges_reset = planned resets", M, name);
	is(r->skipped, s->nr - s->nr_quiesce, "%s %s: skipped = planned skips", M, name);
	is(r->mismatched, 0, "%s %s: nothing mismatched", M, name);
	is(r->config_reads, reads, "%s %s: config_reads = %u from the plan", M, name, reads);
	is(r->config_reads, fake.reads, "%s %s: config_reads = reads seen", M, name);
	is(r->config_writes, writes, "%s %s: config_writes = %u from the plan", M, name, writes);
	is(r->config_writes, log_writes(), "%s %s: config_writes = writes logged", M, name);
	is(r->planned_writes, 0, "%s %s: planned_writes 0 in a real run", M, name);
	is(r->snapshot_generation, 7, "%s %s: snapshot generation recorded", M, name);

	for (k = 0; k < fake.nlog; k++) {
		const struct fake_ev *e = &fake.log[k];
		const struct tnode *n = &T.n[e->fn];

		if (e->kind != FAKE_EV_WRITE)
			continue;
		if (e->val == e->old)
			changed = false;
		if (e->width != 2 || e->off == PCI_STATUS || e->off == PCI_SEC_STATUS ||
		    !(e->off == PCI_COMMAND ||
		      (n->msi_cap && e->off == n->msi_cap + PCI_MSI_FLAGS + 0U) ||
		      (n->msix_cap && e->off == n->msix_cap + PCI_MSIX_FLAGS + 0U) ||
		      (n->hdr == PCI_HEADER_TYPE_BRIDGE && e->off == PCI_BRIDGE_CONTROL)))
			regs = false;
		if (n->hdr == PCI_HEADER_TYPE_BRIDGE) {
			if (first_br == fake.nlog)
				first_br = k;
		} else {
			last_ep = k;
		}
		if (e->off == PCI_BRIDGE_CONTROL) {
			if (e->val & PCI_BRIDGE_CTL_BUS_RESET) {
				asserts++;
				last_assert = k;
				if (first_assert < 0)
					first_assert = k;
				if (e->val != (e->old | PCI_BRIDGE_CTL_BUS_RESET))
					brctl_ok = false;
			} else {
				releases++;
				if (first_release == fake.nlog)
					first_release = k;
				if (e->val != n->bridge_ctl)
					brctl_ok = false;
			}
		} else {
			last_other = k;
		}
	}
	for (i = 0; i < s->nr; i++) {
		int cmd_at = first_write(i, PCI_COMMAND);
		int msi_at = first_write(i, T.n[i].msi_cap + PCI_MSI_FLAGS);
		int msix_at = first_write(i, T.n[i].msix_cap + PCI_MSIX_FLAGS);

		if (msi_at > msix_at)
			msi_at = msix_at;
		if (msi_at < fake.nlog && cmd_target(i, msi) != T.n[i].command && cmd_at > msi_at)
			cmd_first = false;
	}

	ok(changed, "%s %s: every write changes the register it writes", M, name);
	ok(regs, "%s %s: 16-bit writes to Command/Bridge Control/MSI/MSI-X only, "
	   "never Status (0x06) or Secondary Status (0x1e)", M, name);
	ok(last_ep < first_br, "%s %s: all endpoint writes before any bridge write", M, name);
	ok(cmd_first, "%s %s: Command written before a function's MSI/MSI-X", M, name);
	ok(follows_order(s), "%s %s: Command writes in the plan's quiesce order "
	   "(pcq_plan_next_quiesce())", M, name);
	is(asserts, s->nr_bus_resets, "%s %s: one SBR assert per planned reset", M, name);
	is(releases, s->nr_bus_resets, "%s %s: one SBR release per planned reset", M, name);
	ok(first_assert < 0 || first_assert > last_other,
	   "%s %s: SBR asserts after every Command/MSI write", M, name);
	ok(last_assert < first_release, "%s %s: all asserts before any release", M, name);
	ok(brctl_ok, "%s %s: assert = old | SBR, release = old value", M, name);
	if (s->nr_bus_resets)
		ok(fake.log[first_release].t - fake.log[last_assert].t >=
		   s->settings.reset_hold_ms * MS,
		   "%s %s: last assert to first release >= reset_hold_ms (%llu ns)", M, name,
		   (unsigned long long)(fake.log[first_release].t - fake.log[last_assert].t));

	for (i = 0; i < s->nr; i++) {
		const struct tnode *n = &T.n[i];
		int nbc = fake_writes_at(i, PCI_BRIDGE_CONTROL);

		if (!planned(s, i)) {
			if (fake_writes_to(i))
				skipped_clean = false;
			continue;
		}
		if (fake_get16(i, PCI_COMMAND) & PCI_COMMAND_MASTER)
			left = false;
		if (n->msi_cap && msi && master(i) &&
		    (fake_get16(i, n->msi_cap + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE))
			msi_off = false;
		if (n->msix_cap && msi && master(i) &&
		    (fake_get16(i, n->msix_cap + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_ENABLE))
			msi_off = false;
		/* what the walk wrote, before any reset cleared it */
		if (!under_reset(s, i) && fake_get16(i, PCI_COMMAND) != cmd_target(i, msi))
			intx = false;
		for (k = fake.nlog - 1; k >= 0; k--)
			if (fake.log[k].kind == FAKE_EV_WRITE && fake.log[k].fn == (int)i &&
			    fake.log[k].off == PCI_COMMAND)
				break;
		if (k >= 0 && fake.log[k].val != cmd_target(i, msi))
			intx = false;
		if (nbc != (in_resets(s, i) ? 2 : 0))
			resets_ok = false;
		if (fake_resets_of(i) != under_reset(s, i))
			resets_ok = false;
		if (n->hdr == PCI_HEADER_TYPE_BRIDGE &&
		    fake_get16(i, PCI_BRIDGE_CONTROL) != n->bridge_ctl)
			brctl_ok = false;
	}
	ok(left, "%s %s: Bus Master clear on every planned function", M, name);
	ok(intx, msi ? "%s %s: Command = old - Bus Master + INTx Disable" :
	   "%s %s: Command = old - Bus Master, INTx Disable left alone", M, name);
	if (msi)
		ok(msi_off, "%s %s: MSI and MSI-X enable clear where Bus Master was on", M, name);
	ok(skipped_clean, "%s %s: skipped functions never written", M, name);
	ok(resets_ok, "%s %s: SBR on the planned top-most bridges only; "
	   "exactly the functions below them reset", M, name);
	ok(brctl_ok, "%s %s: Bridge Control back to its old value, SBR clear", M, name);
	if (s->nr_bus_resets) {
		ok(r->reset_hold_ns >= s->settings.reset_hold_ms * MS,
		   "%s %s: reset_hold_ns >= reset_hold_ms", M, name);
		ok(fake.nmi_touches >= s->settings.reset_hold_ms,
		   "%s %s: NMI watchdog touched during the hold (%u)", M, name, fake.nmi_touches);
	}
	if (method == TOPO_ACCESS_CONF1) {
		is(fake.conf1_stale, 0, "%s %s: 0xcf8 written before every data access", M, name);
		is(fake.cf8_writes, fake.reads + fake.writes,
		   "%s %s: one 0xcf8 write per data access", M, name);
	}
	is(fake.bad, 0, "%s %s: no access the fake could not decode", M, name);
}

static void test_real(void)
{
	struct pcq_snapshot *s = std();
	int resets[NR_STD], i, n;
	struct pcq_run r;

	for (i = 0, n = 0; i < (int)s->nr; i++)
		if (in_resets(s, i))
			resets[n++] = i;
	ok(s->nr_bus_resets == 2 && n == 2 && resets[0] == RP1 && resets[1] == RP2,
	   "%s plan: resets = 00:1c.0, 00:1c.1", M);
	ok(s->step[EP1].reset_by == RP1 && s->step[MF1].reset_by == RP2 &&
	   s->step[USP].reset_by == RP2 && s->step[VGA].reset_by == -1,
	   "%s plan: the functions below them reset_by them, the display not", M);
	/* stale 0xcf8 content from an access the panic interrupted */
	fake.cf8 = fake_conf1_address(0x42, 0x42) | 0x3c;
	fake.cf8_fresh = true;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	check_real(s, &r, "real walk");
	is(fake_writes_to(EP_QUIET), 0, "%s real walk: already quiet function not written", M);
	ok(fake_get16(EP_QUIET, TOPO_MSIX_CAP + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_ENABLE,
	   "%s real walk: MSI-X of a function without Bus Master left alone", M);
	is(fake_writes_at(MF0, TOPO_MSI_CAP + PCI_MSI_FLAGS), 0,
	   "%s real walk: MSI already off not written", M);
	is(fake_writes_to(VGA) - fake_writes_at(VGA, PCI_COMMAND) -
	   fake_writes_at(VGA, TOPO_MSI_CAP + PCI_MSI_FLAGS) -
	   fake_writes_at(VGA, TOPO_MSIX_CAP + PCI_MSIX_FLAGS), 0,
	   "%s real walk: display device gets only Command/MSI/MSI-X writes", M);
	is(fake_resets_of(VGA), 0, "%s real walk: display device not reset", M);
	free(s);

	S.msi = false;
	s = std();
	topo_walk(s, PCQ_WALK_PANIC, &r);
	check_real(s, &r, "msi=N");
	ok(fake_get16(EP_ROOT, TOPO_MSI_CAP + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE &&
	   fake_get16(EP_ROOT, TOPO_MSIX_CAP + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_ENABLE,
	   "%s msi=N: MSI and MSI-X left enabled", M);
	ok(!(fake_get16(EP_ROOT, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE) &&
	   (fake_get16(EP_SW, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE) == 0 &&
	   fake_resets_of(EP_SW) == 1, "%s msi=N: INTx Disable not set", M);
	free(s);
	S = topo_settings();

	S.reset = PCQ_RESET_NONE;
	s = std();
	topo_walk(s, PCQ_WALK_PANIC, &r);
	check_real(s, &r, "reset=none");
	topo_walk(s, PCQ_WALK_PANIC, &r);
	is(r.config_writes, 0, "%s reset=none: a second walk writes nothing", M);
	is(r.state, PCQ_STATE_DONE, "%s reset=none: second walk done", M);
	free(s);
	S = topo_settings();
}

static void test_mismatch(void)
{
	struct pcq_snapshot *s = std();
	unsigned int reads, writes;
	struct pcq_run r;
	unsigned int b;
	bool below = true;

	fake.fn[EP1].removed = true;				/* surprise removal */
	fake_set16(EP_SW, PCI_DEVICE_ID, 0xbeef);		/* another device */
	fake_set16(EP_ROOT, PCI_VENDOR_ID, 0x1af4);		/* another vendor */
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(!fake_writes_to(EP1) && !fake_writes_to(EP_SW) && !fake_writes_to(EP_ROOT),
	   "%s mismatch: removed and replaced functions not written", M);
	is(r.mismatched, 3, "%s mismatch: 3 mismatched", M);
	is(r.skipped, s->nr - s->nr_quiesce + 3, "%s mismatch: mismatched counted in skipped", M);
	is(r.functions_quiesced, s->nr_quiesce - 3, "%s mismatch: the others quiesced", M);
	is(r.state, PCQ_STATE_DONE, "%s mismatch: state done", M);
	ok(!(fake_get16(MF0, PCI_COMMAND) & PCI_COMMAND_MASTER) && fake_writes_to(DSP1),
	   "%s mismatch: functions around them still quiesced", M);
	is(r.bridges_reset, 2, "%s mismatch: root ports above still reset", M);
	free(s);

	/*
	 * An endpoint's header type is not re-read (SPEC §3: only before a
	 * header-dependent write): same IDs, other header, still quiesced.
	 */
	s = std();
	fake_set8(EP_ROOT, PCI_HEADER_TYPE, PCI_HEADER_TYPE_CARDBUS);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.mismatched == 0 && fake_writes_at(EP_ROOT, PCI_COMMAND) == 1,
	   "%s endpoint header type is not part of its identity check", M);
	free(s);

	/* a reset bridge whose header type changed: no Bridge Control write */
	s = std();
	fake_set8(RP1, PCI_HEADER_TYPE, PCI_HEADER_TYPE_NORMAL);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.mismatched == 1 && fake_writes_to(RP1) == 0 && r.bridges_reset == 1,
	   "%s reset bridge with another header type: skipped, not written", M);
	free(s);

	/* a planned reset bridge that is no longer what the snapshot says */
	s = std();
	model(s, &reads, &writes);
	fake_set16(RP2, PCI_DEVICE_ID, 0x1234);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	is(fake_writes_to(RP2), 0, "%s replaced reset bridge: not written at all", M);
	is(r.bridges_reset, 1, "%s replaced reset bridge: only the other root port reset", M);
	is(fake_writes_at(RP1, PCI_BRIDGE_CONTROL), 2, "%s replaced reset bridge: 00:1c.0 reset", M);
	for (b = 0; b < s->nr; b++)
		if (T.n[b].bus >= T.n[RP2].sec && T.n[b].bus <= T.n[RP2].sub &&
		    (fake_resets_of(b) || (fake_get16(b, PCI_COMMAND) & PCI_COMMAND_MASTER)))
			below = false;
	ok(below, "%s replaced reset bridge: functions below quiesced, none reset", M);
	is(r.mismatched, 1, "%s replaced reset bridge: counted as mismatched", M);
	free(s);
}

/*
 * A reset bridge that reads all-ones at its Bridge Control read (surprise
 * removal after it was verified).  SPEC §3: all-ones means skip.
 */
static void test_gone_at_reset(void)
{
	struct pcq_snapshot *s = std();
	struct pcq_run r;
	int k, after = 0;

	fake.fn[RP1].remove_on_read = PCI_BRIDGE_CONTROL;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	for (k = 0; k < fake.nlog; k++)
		if (fake.log[k].kind == FAKE_EV_WRITE && fake.log[k].fn == RP1 &&
		    fake.log[k].off == PCI_BRIDGE_CONTROL) {
			after++;
			tap_diag("  write %#06x to Bridge Control of 00:1c.0 after it read all-ones",
				 fake.log[k].val);
		}
	is(after, 0, "%s bridge gone at reset: no Bridge Control write after it read all-ones", M);
	is(r.bridges_reset, 1, "%s bridge gone at reset: not counted as reset", M);
	is(r.mismatched, 1, "%s bridge gone at reset: counted as mismatched", M);
	is(fake_resets_of(EP1), 0, "%s bridge gone at reset: nothing below it reset", M);
	is(fake_writes_at(RP2, PCI_BRIDGE_CONTROL), 2, "%s bridge gone at reset: other still reset", M);
	free(s);
}

/*
 * The three ways a walk may not write: a dry run (lock-free reads), a
 * panic walk under settings.dry_run, and a walk through the PCI core's
 * locked reads (dry_run_now from process context).  Each reads what a
 * real walk reads and counts, without making them, the writes it makes.
 */
static void test_dry_run(void)
{
	static const struct {
		const char *how;
		enum pcq_walk_mode mode;
		bool dry_setting;
	} pass[] = {
		{ "dry-run mode", PCQ_WALK_DRY_RUN, false },
		{ "settings.dry_run", PCQ_WALK_PANIC, true },
		{ "pci-core mode", PCQ_WALK_PCI_CORE, false },
		{ "pci-core mode, settings.dry_run", PCQ_WALK_PCI_CORE, true },
	};
	struct pcq_snapshot *s = std();
	struct pcq_run real, r;
	unsigned int reads, p;

	topo_walk(s, PCQ_WALK_PANIC, &real);
	reads = fake.reads;
	is(real.mode, PCQ_WALK_PANIC, "%s real walk: mode panic recorded", M);
	is(fake.pci_core_reads, 0, "%s real walk: nothing through the PCI core", M);
	free(s);
	for (p = 0; p < sizeof(pass) / sizeof(pass[0]); p++) {
		const char *how = pass[p].how;
		bool core = pass[p].mode == PCQ_WALK_PCI_CORE;

		S.dry_run = pass[p].dry_setting;
		s = std();
		topo_walk(s, pass[p].mode, &r);
		is(r.mode, pass[p].mode, "%s %s: mode %s recorded", M, how, pcq_mode_name(r.mode));
		is(fake.nlog, 0, "%s %s: nothing in the write log", M, how);
		ok(r.config_writes == 0 && fake.writes == 0 && fake.pci_core_writes == 0,
		   "%s %s: config_writes 0, no write tried", M, how);
		is(r.planned_writes, real.config_writes,
		   "%s %s: planned_writes = config_writes of a real walk (%u)", M, how,
		   real.config_writes);
		is(r.config_reads, real.config_reads, "%s %s: same reads as a real walk", M, how);
		if (core) {
			ok(fake.pci_core_reads == reads && fake.reads == 0,
			   "%s %s: every one through the PCI core (%u), none lock-free", M, how,
			   fake.pci_core_reads);
			ok(fake.nio == 0 && fake.cf8_writes == 0,
			   "%s %s: no bare 0xcf8/0xcfc access at all", M, how);
		} else {
			ok(fake.reads == reads && fake.pci_core_reads == 0,
			   "%s %s: every one lock-free, none through the PCI core", M, how);
		}
		is(r.state, PCQ_STATE_DRY_RUN, "%s %s: state dry-run", M, how);
		ok(r.functions_quiesced == s->nr_quiesce && r.bridges_reset == s->nr_bus_resets,
		   "%s %s: would quiesce and reset as planned", M, how);
		ok(fake.delayed_ns == 0 && r.reset_hold_ns == 0, "%s %s: no reset hold", M, how);
		free(s);
	}
	S = topo_settings();

	/* the PCI core's reads see what the lock-free ones would: a function gone */
	s = std();
	fake.fn[EP1].removed = true;
	fake_set16(EP_SW, PCI_DEVICE_ID, 0xbeef);
	topo_walk(s, PCQ_WALK_PCI_CORE, &r);
	ok(r.mismatched == 2 && r.functions_quiesced == s->nr_quiesce - 2 && fake.nlog == 0,
	   "%s pci-core mode: a removed and a replaced function mismatched, nothing written", M);
	free(s);
}

static void test_budget(void)
{
	unsigned int b, asserted = 0, unreleased = 0, wrong_state = 0, short_hold = 0;
	unsigned int done = 0, aborted = 0, overrun = 0, reset_runs = 0, q;
	int i;
	struct pcq_snapshot *s;
	struct pcq_run r;
	int k, brw;
	s32 first;
	u32 kk;

	/*
	 * 1 ms per config access, 5 ms budget: the quiesce phase stops in the
	 * first functions, the bus resets keep their share (the hold and 1 ms,
	 * from when they start): both bridges are verified and reset.
	 */
	S.budget_ms = 5;
	s = std();
	fake.ns_per_access = MS;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.state == PCQ_STATE_ABORTED && r.abort == PCQ_ABORT_BUDGET &&
	   r.abort_phase == PCQ_PHASE_QUIESCE,
	   "%s budget 5 ms at 1 ms/access: aborted, budget, quiesce phase", M);
	ok(r.functions_quiesced < s->nr_quiesce, "%s budget 5 ms: stopped early (%u of %u)",
	   M, r.functions_quiesced, s->nr_quiesce);
	ok(r.bridges_reset >= 1 && fake_writes_at(RP1, PCI_BRIDGE_CONTROL) == 2,
	   "%s budget 5 ms: the bus resets kept their share (%u made)", M, r.bridges_reset);
	ok(r.duration_ns <= 5 * MS + 8 * MS + s->nr_bus_resets * 10 * MS + S.reset_hold_ms * MS,
	   "%s budget 5 ms: overran by at most one function, and the resets' accesses "
	   "(%llu ns)", M, (unsigned long long)r.duration_ns);
	free(s);

	/* every budget from 1 to 90 ms: resets always released, state consistent */
	for (b = 1; b <= 90; b++) {
		S.budget_ms = b;
		s = std();
		fake.ns_per_access = MS;
		topo_walk(s, PCQ_WALK_PANIC, &r);
		brw = 0;
		for (k = 0; k < fake.nlog; k++)
			if (fake.log[k].kind == FAKE_EV_WRITE && fake.log[k].off == PCI_BRIDGE_CONTROL)
				brw += fake.log[k].val & PCI_BRIDGE_CTL_BUS_RESET ? 1 : -1;
		asserted += brw != 0;
		if ((fake_get16(RP1, PCI_BRIDGE_CONTROL) | fake_get16(RP2, PCI_BRIDGE_CONTROL)) &
		    PCI_BRIDGE_CTL_BUS_RESET)
			unreleased++;
		if (r.state == PCQ_STATE_DONE) {
			done++;
			if (r.functions_quiesced != s->nr_quiesce || r.bridges_reset != s->nr_bus_resets)
				wrong_state++;
		} else {
			aborted++;
			if (r.state != PCQ_STATE_ABORTED || r.abort != PCQ_ABORT_BUDGET)
				wrong_state++;
		}
		if (r.bridges_reset) {
			reset_runs++;
			if (r.reset_hold_ns < S.reset_hold_ms * MS)
				short_hold++;
		}
		if (r.duration_ns > (b + 8 + S.reset_hold_ms) * MS + 10 * s->nr_bus_resets * MS)
			overrun++;
		free(s);
	}
	is(asserted, 0, "%s budget sweep 1..90 ms: every SBR assert has its release", M);
	is(unreleased, 0, "%s budget sweep: SBR never left set", M);
	is(wrong_state, 0, "%s budget sweep: done = all done, aborted = budget", M);
	is(short_hold, 0, "%s budget sweep: any reset held >= reset_hold_ms", M);
	ok(done && aborted && reset_runs, "%s budget sweep: covers done (%u), aborted (%u), "
	   "with resets (%u)", M, done, aborted, reset_runs);
	is(overrun, 0, "%s budget sweep: overrun bounded by one function + reset accesses", M);

	/*
	 * A hold that takes the most of the budget the settings allow (half,
	 * with its margin) keeps its share: the quiesce phase, which a slow
	 * function first in its order uses up, is cut short; the bus resets
	 * are still made, their bridges verified and quiesced on the way.
	 */
	S.budget_ms = pcq_budget_floor_ms(4);
	S.reset_hold_ms = 4;
	s = std();
	fake.ns_per_access = 10000;
	kk = 0;
	first = pcq_plan_next_quiesce(s, &kk);
	for (i = 0; i < fake.nr; i++)
		if (fake.fn[i].bus == s->func[first].bus &&
		    fake.fn[i].devfn == s->func[first].devfn)
			fake.fn[i].ns_per_access = 6 * MS;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.state == PCQ_STATE_ABORTED && r.abort == PCQ_ABORT_BUDGET &&
	   r.abort_phase == PCQ_PHASE_QUIESCE,
	   "%s hold 4 of 10 ms: aborted, budget, in the quiesce phase", M);
	is(r.bridges_reset, s->nr_bus_resets, "%s hold 4 of 10 ms: every bus reset made", M);
	ok(fake_writes_at(RP1, PCI_BRIDGE_CONTROL) == 2 && fake_writes_at(RP2, PCI_BRIDGE_CONTROL) == 2 &&
	   fake_resets_of(EP1) == 1, "%s hold 4 of 10 ms: asserted and released", M);
	ok(!(fake_get16(RP1, PCI_COMMAND) & PCI_COMMAND_MASTER) &&
	   !(fake_get16(RP2, PCI_COMMAND) & PCI_COMMAND_MASTER),
	   "%s hold 4 of 10 ms: the reset bridges were quiesced on the way", M);
	ok(r.unvisited > 0 && r.functions_quiesced >= 2 &&
	   r.unvisited + r.functions_quiesced + r.mismatched == s->nr_quiesce,
	   "%s hold 4 of 10 ms: %u quiesced (the two bridges among them), %u unvisited", M,
	   r.functions_quiesced, r.unvisited);
	is(r.delays_ms, 4, "%s hold 4 of 10 ms: 4 fixed delays, the hold", M);
	free(s);

	/*
	 * The budget runs out between the two resets: at 1 ms per access and
	 * a 2 ms hold, the first reset (read, assert) starts at q ms, so with
	 * a budget of q + 3 ms the second, at q + 2, would end its hold past it.
	 */
	S = topo_settings();
	S.reset_hold_ms = 2;
	s = std();
	fake.ns_per_access = MS;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	q = r.config_reads + r.config_writes - 3 * s->nr_bus_resets;
	free(s);
	S.budget_ms = q + 3;
	s = std();
	fake.ns_per_access = MS;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.state == PCQ_STATE_ABORTED && r.abort == PCQ_ABORT_BUDGET &&
	   r.functions_quiesced == s->nr_quiesce,
	   "%s budget ends between resets (%u ms): all quiesced, aborted, budget", M, q + 3);
	ok(r.bridges_reset == 1 && fake_writes_at(RP1, PCI_BRIDGE_CONTROL) == 2 &&
	   !fake_writes_at(RP2, PCI_BRIDGE_CONTROL) && fake_resets_of(EP1) && !fake_resets_of(USP),
	   "%s budget ends between resets: first reset made and released, second not started", M);
	ok(r.reset_hold_ns >= S.reset_hold_ms * MS,
	   "%s budget ends between resets: the started one held", M);
	free(s);
	S = topo_settings();
}

static void test_corrupt(void)
{
	struct pcq_snapshot *s = std();
	struct pcq_run r;

	s->func[EP1].devfn ^= 1;
	memset(&r, 0xff, sizeof(r));
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.state == PCQ_STATE_ABORTED && r.abort == PCQ_ABORT_CORRUPT,
	   "%s corrupt snapshot: aborted, corrupt-snapshot", M);
	ok(fake.reads == 0 && fake.writes == 0 && fake.nio == 0,
	   "%s corrupt snapshot: no config access at all", M);
	ok(r.config_reads == 0 && r.config_writes == 0 && r.functions_quiesced == 0 &&
	   r.bridges_reset == 0, "%s corrupt snapshot: run record zeroed", M);
	s->func[EP1].devfn ^= 1;
	s->nr_quiesce = s->nr + 1;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.abort == PCQ_ABORT_CORRUPT && fake.reads == 0, "%s corrupt nr_quiesce: aborted, no access", M);
	free(s);

	/* a step changed after the seal: the plan is not followed */
	s = std();
	s->step[RP1].action = PCQ_ACT_QUIESCE;
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.abort == PCQ_ABORT_CORRUPT && fake.reads == 0 && fake.nlog == 0,
	   "%s corrupt step: aborted, no access", M);
	topo_walk(s, PCQ_WALK_PCI_CORE, &r);
	ok(r.abort == PCQ_ABORT_CORRUPT && r.mode == PCQ_WALK_PCI_CORE && fake.pci_core_reads == 0,
	   "%s corrupt step, pci-core mode: aborted, not a read either", M);
	free(s);

	/* scratch that is not the snapshot's own: refused, and left alone */
	s = std();
	{
		struct pcq_fn_state *other = calloc(s->nr + 1, sizeof(*other));
		unsigned int i, touched = 0;

		memset(other, 0x5a, (s->nr + 1) * sizeof(*other));
		pcq_walk(s, other, PCQ_WALK_PANIC, &r);
		for (i = 0; i < (s->nr + 1) * sizeof(*other); i++)
			touched += ((u8 *)other)[i] != 0x5a;
		ok(r.state == PCQ_STATE_ABORTED && r.abort == PCQ_ABORT_CORRUPT &&
		   fake.reads == 0 && !touched,
		   "%s foreign scratch: aborted, corrupt, no access, not written", M);
		pcq_walk(s, pcq_snapshot_state(s) + 1, PCQ_WALK_DRY_RUN, &r);
		ok(r.abort == PCQ_ABORT_CORRUPT && fake.reads == 0,
		   "%s scratch one state off: aborted, no access", M);
		pcq_walk(s, pcq_snapshot_state(s), PCQ_WALK_DRY_RUN, &r);
		ok(r.state == PCQ_STATE_DRY_RUN && fake.reads > 0,
		   "%s control: its own scratch: walked", M);
		free(other);
	}
	free(s);
}

static void test_cost(void)
{
	struct pcq_snapshot *s;
	struct pcq_run r;
	int ep;

	topo_init(&T, method);
	ep = topo_ep(&T, -1, 2, 0);
	T.n[ep].msi_cap = T.n[ep].msix_cap = 0;
	s = topo_build(&T, &S, NULL);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	is(r.config_reads + r.config_writes, 3,
	   "%s cost: endpoint without MSI/MSI-X: 3 accesses (ID, Command r/w)", M);
	free(s);

	topo_init(&T, method);
	topo_ep(&T, -1, 2, 0);
	s = topo_build(&T, &S, NULL);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	is(r.config_reads + r.config_writes, 7,
	   "%s cost: endpoint with MSI and MSI-X enabled: 7 accesses", M);
	tap_diag("%s: accesses per endpoint: %u reads + %u writes", M, r.config_reads,
		 r.config_writes);
	free(s);

	topo_init(&T, method);
	ep = topo_ep(&T, -1, 2, 0);
	T.n[ep].command = PCI_COMMAND_MEMORY;	/* idle: no Bus Master, MSI-X on */
	T.n[ep].msi_on = false;
	s = topo_build(&T, &S, NULL);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	is(r.config_reads + r.config_writes, 3,
	   "%s cost: idle endpoint with MSI and MSI-X: 3 accesses (capabilities not read)", M);
	free(s);

	topo_init(&T, method);
	s = topo_build(&T, &S, NULL);
	topo_walk(s, PCQ_WALK_PANIC, &r);
	ok(r.state == PCQ_STATE_DONE && fake.reads == 0 && r.skipped == 0,
	   "%s empty snapshot: done, no access", M);
	free(s);
}

int main(void)
{
	static const struct { const char *name; u8 method; } m[] = {
		{ "ecam", TOPO_ACCESS_ECAM }, { "conf1", TOPO_ACCESS_CONF1 },
	};
	unsigned int i;

	for (i = 0; i < 2; i++) {
		M = m[i].name;
		method = m[i].method;
		S = topo_settings();
		test_real();
		test_mismatch();
		test_gone_at_reset();
		test_dry_run();
		test_budget();
		test_corrupt();
		test_cost();
	}
	ok(!strcmp(pcq_state_name(PCQ_STATE_ABORTED), "aborted") &&
	   !strcmp(pcq_state_name(PCQ_STATE_DRY_RUN), "dry-run") &&
	   !strcmp(pcq_state_name(9), "?"), "names: run states");
	ok(!strcmp(pcq_mode_name(PCQ_WALK_PANIC), "panic") &&
	   !strcmp(pcq_mode_name(PCQ_WALK_DRY_RUN), "dry-run") &&
	   !strcmp(pcq_mode_name(PCQ_WALK_PCI_CORE), "pci-core"),
	   "names: every walk mode named (panic, dry-run, pci-core)");
	ok(!strcmp(pcq_mode_name(PCQ_WALK_COUNT), "?") && !strcmp(pcq_mode_name(99), "?") &&
	   !strcmp(pcq_mode_name((enum pcq_walk_mode)-1), "?"),
	   "names: unknown walk modes (PCQ_WALK_COUNT, 99, -1) are ?");
	ok(!strcmp(pcq_abort_name(PCQ_ABORT_BUDGET), "budget") &&
	   !strcmp(pcq_abort_name(PCQ_ABORT_CORRUPT), "corrupt-snapshot") &&
	   !strcmp(pcq_abort_name(9), "?"), "names: abort reasons");
	return tap_done();
}
