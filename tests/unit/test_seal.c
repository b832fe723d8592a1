// SPDX-License-Identifier: GPL-2.0
/* Snapshot layout and checksum (seal.c); ASan catches any read out of bounds. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "crash_quiesce.h"
#include "tap.h"
#include "topo.h"

static struct pcq_snapshot *small(void)
{
	struct pcq_settings s = topo_settings();
	struct topo t;
	int rp;

	topo_init(&t, TOPO_ACCESS_ECAM);
	rp = topo_bridge(&t, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	topo_ep(&t, rp, 0, 0);
	topo_ep(&t, -1, 2, 0);
	return topo_build(&t, &s, NULL);
}

/*
 * A snapshot of @nr functions in an allocation of exactly its size, its
 * links all -1 (every function on a root bus, nothing reset, nothing
 * blocked): zeroes would say "function 0", which function 0 cannot be to
 * itself.
 */
static struct pcq_snapshot *raw(unsigned int nr)
{
	struct pcq_snapshot *s = calloc(1, pcq_snapshot_size(nr));
	unsigned int i;

	pcq_snapshot_init(s, nr);
	for (i = 0; i < nr; i++) {
		s->func[i].parent = s->func[i].pf = -1;
		s->step[i].reset_by = s->step[i].blocker = -1;
	}
	pcq_snapshot_seal(s);
	return s;
}

static void test_layout(void)
{
	struct pcq_snapshot *s = raw(3);
	size_t steps = sizeof(struct pcq_snapshot) + 3 * sizeof(struct pcq_func);
	size_t sealed = steps + 3 * sizeof(struct pcq_step);
	struct pcq_fn_state *st = pcq_snapshot_state(s);

	is(pcq_snapshot_size(3), sealed + 3 * sizeof(struct pcq_fn_state),
	   "layout: size(3) = header + 3 facts + 3 steps + 3 states");
	ok(s->magic == PCQ_SNAPSHOT_MAGIC && s->nr == 3 && s->nr_inv == ~3U &&
	   s->size == sealed, "layout: init fills magic, nr, nr_inv, sealed size");
	ok((u8 *)s->step == (u8 *)&s->func[3] && (u8 *)s->step == (u8 *)s + steps,
	   "layout: the steps follow the facts");
	ok((u8 *)&s->step[3] == (u8 *)s + s->size,
	   "layout: the seal covers the header, the facts and every step, to the last byte");
	ok(!((unsigned long)s->step % _Alignof(struct pcq_step)),
	   "layout: the steps are aligned");
	ok((u8 *)st == (u8 *)s + sealed && (u8 *)(st + 3) == (u8 *)s + pcq_snapshot_size(3) &&
	   !((unsigned long)st % _Alignof(struct pcq_fn_state)),
	   "layout: the walk's states after the sealed part, to the allocation's end, aligned");
	ok(pcq_snapshot_state_ok(s, st), "layout: pcq_snapshot_state_ok() accepts its own states");
	ok(pcq_snapshot_intact(s), "layout: empty sealed snapshot intact");
	free(s);
	s = raw(3);
	s->step[0].reset_by = 0;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "layout: control: left zeroed, function 0 reset by itself: "
	   "refused");
	free(s);
	s = raw(0);
	ok(pcq_snapshot_intact(s), "layout: zero-function snapshot intact");
	ok(pcq_snapshot_state_ok(s, pcq_snapshot_state(s)) &&
	   (u8 *)pcq_snapshot_state(s) == (u8 *)s + sizeof(*s),
	   "layout: zero functions: the (empty) states right after the header");
	free(s);
	/* no cap at 4096 any more: a large SR-IOV host */
	s = raw(70000);
	ok(pcq_snapshot_intact(s), "layout: 70000-function snapshot intact");
	ok(s->size > 70000 * sizeof(struct pcq_func), "layout: 70000-function size does not wrap");
	ok(pcq_snapshot_state_ok(s, pcq_snapshot_state(s)) &&
	   (u8 *)(pcq_snapshot_state(s) + 70000) == (u8 *)s + pcq_snapshot_size(70000),
	   "layout: 70000 functions: the states fill the allocation's end");
	free(s);
	/* the largest snapshot the check accepts: its size fits the u32 size field */
	ok(pcq_snapshot_size(PCQ_NR_SANITY) < 0xffffffffULL,
	   "layout: PCQ_NR_SANITY functions: the sealed size fits in u32 (%zu)",
	   pcq_snapshot_size(PCQ_NR_SANITY));
}

/* The walk's scratch must be the snapshot's own: right after the seal. */
static void test_state_ok(void)
{
	struct pcq_snapshot *s = small(), *t = small();
	struct pcq_fn_state *st = pcq_snapshot_state(s);
	struct pcq_fn_state *other = calloc(s->nr, sizeof(*other));

	ok(pcq_snapshot_state_ok(s, st), "state ok: the snapshot's own states");
	ok(!pcq_snapshot_state_ok(s, other), "state ok: states allocated apart refused");
	ok(!pcq_snapshot_state_ok(s, st + 1), "state ok: one state further refused");
	ok(!pcq_snapshot_state_ok(s, st - 1), "state ok: one state earlier (the last step) refused");
	ok(!pcq_snapshot_state_ok(s, (struct pcq_fn_state *)s->step),
	   "state ok: the steps themselves refused");
	ok(!pcq_snapshot_state_ok(s, NULL), "state ok: NULL refused");
	ok(!pcq_snapshot_state_ok(s, pcq_snapshot_state(t)),
	   "state ok: another snapshot's states refused");
	ok(pcq_snapshot_state_ok(t, pcq_snapshot_state(t)), "state ok: control: they are its own");

	/* the states are outside the seal: a walk writes them, the seal holds */
	memset(st, 0xa5, s->nr * sizeof(*st));
	ok(pcq_snapshot_intact(s), "state ok: the states written all over: still intact");
	free(other);
	free(t);
	free(s);
}

static void test_flip(void)
{
	struct pcq_snapshot *s = small();
	u8 *p = (u8 *)s;
	size_t i, missed = 0, n = s->size, from = offsetof(struct pcq_snapshot, checksum);
	static const u8 masks[] = { 0x01, 0x80, 0xff };
	unsigned int m;

	ok(pcq_snapshot_intact(s), "flip: planned and sealed snapshot intact");
	ok(n == (size_t)((u8 *)&s->step[s->nr] - p),
	   "flip: the flipped range ends with the last step (%zu bytes)", n);
	for (m = 0; m < sizeof(masks); m++) {
		missed = 0;
		for (i = from; i < n; i++) {
			p[i] ^= masks[m];
			if (pcq_snapshot_intact(s))
				missed++;
			p[i] ^= masks[m];
		}
		is(missed, 0, "flip: every one of %zu bytes from the checksum on xor %#x detected",
		   n - from, masks[m]);
	}
	ok(pcq_snapshot_intact(s), "flip: intact again after restoring");
	/* kvfree_rcu() may write the rcu_head while a walk reads the snapshot */
	memset(&s->rcu, 0x5a, sizeof(s->rcu));
	ok(from == sizeof(s->rcu) && pcq_snapshot_intact(s),
	   "flip: the rcu_head before the checksum is not sealed: written, still intact");

	s->generation++;
	ok(!pcq_snapshot_intact(s), "flip: changed generation detected");
	s->generation--;
	s->settings.reset_hold_ms++;
	ok(!pcq_snapshot_intact(s), "flip: changed settings detected");
	s->settings.reset_hold_ms--;
	s->step[1].action = PCQ_ACT_SKIP;
	ok(!pcq_snapshot_intact(s), "flip: changed step action detected");
	s->step[1].action = PCQ_ACT_QUIESCE;
	s->step[0].keep_master ^= 1;
	ok(!pcq_snapshot_intact(s), "flip: changed step bitfield (keep_master) detected");
	s->step[0].keep_master ^= 1;
	s->step[2].reach ^= 1;
	ok(!pcq_snapshot_intact(s), "flip: changed reach of the last step detected");
	s->step[2].reach ^= 1;
	s->step[0].reset_by = 2;
	ok(!pcq_snapshot_intact(s), "flip: changed reset_by detected");
	s->step[0].reset_by = -1;
	s->func[2].reset_cap ^= 0x80;
	ok(!pcq_snapshot_intact(s), "flip: changed fact (reset_cap) detected");
	s->func[2].reset_cap ^= 0x80;
	s->func[1].depth++;
	ok(!pcq_snapshot_intact(s), "flip: changed fact (depth) detected");
	s->func[1].depth--;
	s->nr_fn_resets++;
	ok(!pcq_snapshot_intact(s), "flip: changed nr_fn_resets (still <= nr) detected");
	s->nr_fn_resets--;
	ok(pcq_snapshot_intact(s), "flip: all restored, intact");
	free(s);

	/* indexes out of range, sealed again: refused all the same */
	s = small();
	s->step[1].reset_by = s->nr;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "bounds: reset_by past the functions refused");
	s->step[1].reset_by = -1;
	s->func[1].parent = -2;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "bounds: parent below -1 refused");
	s->func[1].parent = -1;
	s->step[1].blocker = s->nr + 7;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "bounds: blocker past the functions refused");
	s->step[1].blocker = -2;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "bounds: blocker below -1 refused");
	s->step[1].blocker = -1;
	pcq_snapshot_seal(s);
	ok(pcq_snapshot_intact(s), "bounds: control: -1 everywhere, intact");
	free(s);
}

/*
 * Parents first: a function's parent, PF and resetting bridge come before
 * it, so that every walk from one function to another goes down in index.
 * Its blocker may come after it (a bridge names a function below it).
 *
 *  0 00:1c.0 root port, 1 01:00.0 endpoint below it, 2 00:02.0 endpoint
 */
static void test_order(void)
{
	struct pcq_snapshot *s = small();

	ok(s->func[1].parent == 0 && s->step[1].reset_by == 0 && s->step[0].action ==
	   PCQ_ACT_QUIESCE_RESET, "order: 01:00.0 below the root port, reset by it");
	s->func[1].parent = 1;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "order: a function its own parent refused");
	s->func[1].parent = 2;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "order: a parent after the function (in range) refused");
	s->func[1].parent = 0;
	s->func[1].pf = 1;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "order: a function its own PF refused");
	s->func[1].pf = 2;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "order: a PF after the function (in range) refused");
	s->func[1].pf = 0;
	pcq_snapshot_seal(s);
	ok(pcq_snapshot_intact(s), "order: control: a PF before it accepted");
	s->func[1].pf = -1;
	s->step[1].reset_by = 1;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "order: a function reset by itself refused");
	s->step[1].reset_by = 2;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "order: reset by a function after it (in range) refused");
	s->step[1].reset_by = 0;
	s->step[0].blocker = 2;
	pcq_snapshot_seal(s);
	ok(pcq_snapshot_intact(s), "order: control: a blocker after the function accepted");
	s->step[0].blocker = 0;
	pcq_snapshot_seal(s);
	ok(pcq_snapshot_intact(s), "order: control: a function its own blocker accepted");
	s->step[0].blocker = -1;
	pcq_snapshot_seal(s);
	ok(pcq_snapshot_intact(s), "order: restored, intact");
	free(s);
}

static void test_header(void)
{
	struct pcq_snapshot *s = raw(4);
	struct pcq_snapshot save = *s;

#define CORRUPT(stmt, name) do {				\
		stmt;						\
		ok(!pcq_snapshot_intact(s), "header: %s", name);	\
		*s = save;					\
	} while (0)

	CORRUPT(s->magic ^= 1, "bad magic rejected");
	CORRUPT(s->nr = 5, "nr grown, nr_inv not: rejected");
	CORRUPT(s->nr = 0xffffffff, "nr = ~0 rejected");
	CORRUPT((s->nr = 4000, s->nr_inv = ~4000U), "nr and nr_inv grown, size not: rejected");
	CORRUPT((s->nr = 4000, s->nr_inv = ~4000U, s->size = pcq_snapshot_size(4000)),
		"nr, nr_inv, size grown, step not: rejected");
	CORRUPT((s->nr = 3, s->nr_inv = ~3U, s->size = s->size - sizeof(struct pcq_func) -
		 sizeof(struct pcq_step)),
		"nr, nr_inv, size shrunk together, step not: rejected");
	CORRUPT(s->nr_fn_resets = 5, "nr_fn_resets > nr rejected");
	CORRUPT(s->step = (struct pcq_step *)&s->func[3], "step pointer one fact early rejected");
	CORRUPT(s->step += 1, "step pointer one step late rejected");
	CORRUPT(s->step = (struct pcq_step *)((u8 *)s->step + 1), "step pointer off by a byte rejected");
	CORRUPT((s->nr = PCQ_NR_SANITY + 1, s->nr_inv = ~(u32)(PCQ_NR_SANITY + 1),
		 s->size = pcq_snapshot_size(PCQ_NR_SANITY + 1)),
		"nr > PCQ_NR_SANITY rejected before anything is read");
	CORRUPT(s->nr_inv ^= 0x100, "nr_inv corrupt rejected");
	CORRUPT(s->size += 8, "size grown rejected");
	CORRUPT(s->size = 0xffffffff, "size huge rejected");
	CORRUPT(s->size -= 2, "size shrunk rejected");
	CORRUPT(s->size += 4 * sizeof(struct pcq_fn_state), "size taking in the states rejected");
	CORRUPT(s->nr_quiesce = 5, "nr_quiesce > nr rejected");
	CORRUPT(s->nr_quiesce = 0xffffffff, "nr_quiesce = ~0 rejected");
	CORRUPT(s->nr_bus_resets = 5, "nr_bus_resets > nr rejected");
	CORRUPT(s->step = (struct pcq_step *)((u8 *)s->step + 4096), "step pointer moved rejected");
	CORRUPT(s->step = NULL, "step pointer NULL rejected");
	CORRUPT(s->step = (struct pcq_step *)pcq_snapshot_state(s), "step pointer at the states rejected");
	CORRUPT(s->checksum ^= 1ULL << 63, "checksum corrupt rejected");
	ok(pcq_snapshot_intact(s), "header: restored header intact");
#undef CORRUPT
	free(s);
}

/* An index the checksum did not catch (re-sealed after the damage). */
static void test_indexes(void)
{
	struct pcq_snapshot *s = small();

	ok(s->nr_quiesce > 0 && s->nr_bus_resets > 0,
	   "indexes: small topology quiesces and resets");
	s->step[2].blocker = s->nr;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "indexes: blocker == nr rejected even when sealed");
	s->step[2].blocker = 0xffff;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "indexes: blocker 0xffff rejected even when sealed");
	s->step[2].blocker = 0x10000;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "indexes: blocker 0x10000 (beyond u16) rejected");
	s->step[2].blocker = -1;
	s->step[2].reset_by = 0x7fffffff;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "indexes: reset_by S32_MAX rejected even when sealed");
	s->step[2].reset_by = -0x7fffffff;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "indexes: reset_by very negative rejected even when sealed");
	s->step[2].reset_by = -1;
	s->func[1].pf = s->nr;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "indexes: a PF index >= nr rejected even when sealed");
	s->func[1].pf = -1;
	s->func[2].parent = s->nr;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "indexes: a parent index >= nr rejected even when sealed");
	s->func[2].parent = -1;
	pcq_snapshot_seal(s);
	ok(pcq_snapshot_intact(s), "indexes: in-bounds entries accepted");
	free(s);
}

int main(void)
{
	test_layout();
	test_state_ok();
	test_flip();
	test_order();
	test_header();
	test_indexes();
	return tap_done();
}
