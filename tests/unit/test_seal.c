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

	topo_init(&t, PCQ_ACCESS_ECAM);
	rp = topo_bridge(&t, -1, PCQ_TYPE_ROOT_PORT, 0x1c, 0);
	topo_ep(&t, rp, 0, 0);
	topo_ep(&t, -1, 2, 0);
	return topo_build(&t, &s, NULL);
}

/* A snapshot of @nr functions in an allocation of exactly its size. */
static struct pcq_snapshot *raw(unsigned int nr)
{
	struct pcq_snapshot *s = calloc(1, pcq_snapshot_size(nr));

	pcq_snapshot_init(s, nr);
	pcq_snapshot_seal(s);
	return s;
}

static void test_layout(void)
{
	struct pcq_snapshot *s = raw(3);
	size_t sealed = sizeof(struct pcq_snapshot) + 3 * sizeof(struct pcq_func) +
			9 * sizeof(u32);

	ok(pcq_snapshot_size(3) >= sealed + 3 * 2 * sizeof(u16),
	   "layout: size(3) = header + funcs + 3 index lists + scratch");
	ok(s->magic == PCQ_SNAPSHOT_MAGIC && s->nr == 3 && s->nr_inv == ~3U &&
	   s->size == sealed, "layout: init fills magic, nr, nr_inv, sealed size");
	ok((u8 *)s->order == (u8 *)&s->func[3] && s->resets == s->order + 3 &&
	   s->fresets == s->resets + 3, "layout: order, resets, fresets follow the functions");
	ok((u8 *)s->scratch.state == (u8 *)s + sealed &&
	   s->scratch.saved >= s->scratch.state + 3 &&
	   (u8 *)(s->scratch.saved + 3) <= (u8 *)s + pcq_snapshot_size(3) &&
	   !((unsigned long)s->scratch.saved & 1),
	   "layout: scratch after the sealed part, inside the allocation, aligned");
	ok(pcq_snapshot_intact(s), "layout: empty sealed snapshot intact");
	free(s);
	s = raw(0);
	ok(pcq_snapshot_intact(s), "layout: zero-function snapshot intact");
	free(s);
	/* no cap at 4096 any more: a large SR-IOV host */
	s = raw(70000);
	ok(pcq_snapshot_intact(s), "layout: 70000-function snapshot intact");
	ok(s->size > 70000 * sizeof(struct pcq_func), "layout: 70000-function size does not wrap");
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
	s->func[1].action = PCQ_ACT_SKIP;
	ok(!pcq_snapshot_intact(s), "flip: changed plan detected");
	s->func[1].action = PCQ_ACT_QUIESCE;
	s->order[0] ^= 1;
	ok(!pcq_snapshot_intact(s), "flip: changed order entry detected");
	s->order[0] ^= 1;
	s->resets[0] = 2;
	ok(!pcq_snapshot_intact(s), "flip: changed reset entry detected");
	free(s);

	/* indexes out of range, sealed again: refused all the same */
	s = small();
	s->func[1].reset_by = s->nr;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "bounds: reset_by past the functions refused");
	s->func[1].reset_by = -1;
	s->func[1].parent = -2;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "bounds: parent below -1 refused");
	s->func[1].parent = -1;
	s->func[1].blocker = s->nr + 7;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "bounds: blocker past the functions refused");
	s->func[1].blocker = -1;
	pcq_snapshot_seal(s);
	ok(pcq_snapshot_intact(s), "bounds: control: -1 everywhere, intact");
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
		"nr, nr_inv, size grown, order not: rejected");
	CORRUPT(s->nr_fresets = 5, "nr_fresets > nr rejected");
	CORRUPT(s->fresets = s->resets, "fresets pointer moved rejected");
	CORRUPT(s->scratch.state += 1, "scratch state pointer moved rejected");
	CORRUPT(s->scratch.saved = (u16 *)s->scratch.state, "scratch saved pointer moved rejected");
	CORRUPT((s->nr = PCQ_NR_SANITY + 1, s->nr_inv = ~(u32)(PCQ_NR_SANITY + 1),
		 s->size = pcq_snapshot_size(PCQ_NR_SANITY + 1)),
		"nr > PCQ_NR_SANITY rejected before anything is read");
	CORRUPT(s->nr_inv ^= 0x100, "nr_inv corrupt rejected");
	CORRUPT(s->size += 8, "size grown rejected");
	CORRUPT(s->size = 0xffffffff, "size huge rejected");
	CORRUPT(s->size -= 2, "size shrunk rejected");
	CORRUPT(s->nr_order = 5, "nr_order > nr rejected");
	CORRUPT(s->nr_resets = 5, "nr_resets > nr rejected");
	CORRUPT(s->order = (u32 *)((u8 *)s->order + 4096), "order pointer moved rejected");
	CORRUPT(s->order = NULL, "order pointer NULL rejected");
	CORRUPT(s->resets = s->order, "resets pointer moved rejected");
	CORRUPT(s->checksum ^= 1ULL << 63, "checksum corrupt rejected");
	ok(pcq_snapshot_intact(s), "header: restored header intact");
#undef CORRUPT
	free(s);
}

/* An index the checksum did not catch (re-sealed after the damage). */
static void test_indexes(void)
{
	struct pcq_snapshot *s = small();

	ok(s->nr_order > 0 && s->nr_resets > 0, "indexes: small topology has order and resets");
	s->order[0] = s->nr;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "indexes: order entry >= nr rejected even when sealed");
	s->order[0] = 0;
	s->resets[0] = 0xffff;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "indexes: reset entry >= nr rejected even when sealed");
	s->resets[0] = 0;
	s->func[1].pf = s->nr;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "indexes: a PF index >= nr rejected even when sealed");
	s->func[1].pf = -1;
	s->order[0] = 0x10000;
	pcq_snapshot_seal(s);
	ok(!pcq_snapshot_intact(s), "indexes: order entry 0x10000 (beyond u16) >= nr rejected");
	s->order[0] = 0;
	pcq_snapshot_seal(s);
	ok(pcq_snapshot_intact(s), "indexes: in-bounds entries accepted");
	free(s);
}

int main(void)
{
	test_layout();
	test_flip();
	test_header();
	test_indexes();
	return tap_done();
}
