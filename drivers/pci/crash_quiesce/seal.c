// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot layout and integrity seal.
 *
 * One allocation: the header, the facts (struct pcq_func, one per
 * function), the plan (struct pcq_step, one per function), then, outside
 * the seal, the walk's scratch (struct pcq_fn_state, one per function).
 *
 * The panic path cannot trust memory the crash may have scribbled on, so the
 * snapshot carries a checksum computed when it is published.  Before the
 * checksum itself is computed at panic time, the header fields that size the
 * walk are checked against each other, so a corrupt count can never send the
 * checksum loop outside the allocation.
 */
#include <linux/kernel.h>
#include <linux/types.h>

#include "crash_quiesce.h"

#define PCQ_FNV64_OFFSET	0xcbf29ce484222325ULL
#define PCQ_FNV64_PRIME	0x100000001b3ULL

static size_t pcq_step_offset(unsigned int nr)
{
	return sizeof(struct pcq_snapshot) + (size_t)nr * sizeof(struct pcq_func);
}

/* The sealed part: header, facts and plan. */
static size_t pcq_sealed_size(unsigned int nr)
{
	return pcq_step_offset(nr) + (size_t)nr * sizeof(struct pcq_step);
}

/**
 * pcq_snapshot_size() - bytes needed for a snapshot of @nr functions
 * @nr: number of functions, at most PCQ_NR_SANITY
 *
 * Return: the allocation size: the sealed part and the walk's scratch.
 */
size_t pcq_snapshot_size(unsigned int nr)
{
	return pcq_sealed_size(nr) + (size_t)nr * sizeof(struct pcq_fn_state);
}

/**
 * pcq_snapshot_init() - lay out a zeroed allocation as an empty snapshot
 * @snap: zeroed memory of pcq_snapshot_size(@nr) bytes
 * @nr:   number of functions it will hold
 */
void pcq_snapshot_init(struct pcq_snapshot *snap, unsigned int nr)
{
	snap->magic = PCQ_SNAPSHOT_MAGIC;
	snap->nr = nr;
	snap->nr_inv = ~nr;
	snap->size = pcq_sealed_size(nr);
	snap->step = (struct pcq_step *)((u8 *)snap + pcq_step_offset(nr));
}

/**
 * pcq_snapshot_state() - the walk's scratch of a snapshot
 * @snap: the snapshot, laid out by pcq_snapshot_init()
 *
 * Only an address: @snap may be corrupt, and nothing is read through it
 * until pcq_snapshot_state_ok() has matched it against a snapshot
 * pcq_snapshot_intact() accepted.
 *
 * Context: any, including panic.
 * Return: its array of struct pcq_fn_state, one per function.
 */
struct pcq_fn_state *pcq_snapshot_state(struct pcq_snapshot *snap)
{
	return (struct pcq_fn_state *)((u8 *)snap + pcq_sealed_size(snap->nr));
}

/**
 * pcq_snapshot_state_ok() - is this the scratch that goes with a snapshot?
 * @snap:  a snapshot pcq_snapshot_intact() accepted
 * @state: the scratch a walk was given for it
 *
 * Context: any, including panic.
 * Return: true if @state lies right after @snap's sealed part.
 */
bool pcq_snapshot_state_ok(const struct pcq_snapshot *snap,
			   const struct pcq_fn_state *state)
{
	return (const u8 *)state == (const u8 *)snap + snap->size;
}

/**
 * pcq_snapshot_sum() - checksum of a snapshot
 * @snap: the snapshot; @snap->size must already be checked
 *
 * FNV-1a over the bytes after the checksum field, up to the scratch area.
 * The rcu_head before the checksum is not covered: kvfree_rcu() may write
 * it while a walk that loaded the snapshot still reads it.  Not
 * cryptographic: it only has to catch stray writes.  Not the kernel's
 * crc32_le() either: on x86 the CRC library uses PCLMULQDQ where
 * irq_fpu_usable() allows it, and that check WARNs in NMI context, where a
 * panic may come from.  This loop needs no tables, no FPU and no locks.
 *
 * Context: any, including panic.
 * Return: the checksum.
 */
static u64 pcq_snapshot_sum(const struct pcq_snapshot *snap)
{
	const u8 *p = (const u8 *)&snap->magic;
	const u8 *end = (const u8 *)snap + snap->size;
	u64 h = PCQ_FNV64_OFFSET;

	while (p < end) {
		h ^= *p++;
		h *= PCQ_FNV64_PRIME;
	}
	return h;
}

/**
 * pcq_snapshot_seal() - compute the checksum of a finished snapshot
 * @snap: the snapshot, planned and about to be published
 *
 * Nothing may change in @snap after this.
 */
void pcq_snapshot_seal(struct pcq_snapshot *snap)
{
	snap->checksum = pcq_snapshot_sum(snap);
}

/**
 * pcq_index_ok() - is an index a function holds valid?
 * @index: the index
 * @self:  the index of the function that holds it
 *
 * Context: any, including panic.
 * Return: true for -1 (none) or the index of a function before @self.
 */
static bool pcq_index_ok(s32 index, u32 self)
{
	return index >= -1 && index < (s32)self;
}

/**
 * pcq_snapshot_intact() - check a snapshot before the panic path trusts it
 * @snap: the published snapshot
 *
 * Context: any, including NMI and panic; reads only @snap, bounded by
 * PCQ_NR_SANITY functions whatever the header says.
 * Return: true if the header is consistent, the checksum matches and every
 * index a function holds is in bounds.
 */
bool pcq_snapshot_intact(const struct pcq_snapshot *snap)
{
	unsigned int i;

	if (snap->magic != PCQ_SNAPSHOT_MAGIC || snap->nr_inv != ~snap->nr ||
	    snap->nr > PCQ_NR_SANITY || snap->size != pcq_sealed_size(snap->nr) ||
	    snap->nr_quiesce > snap->nr || snap->nr_bus_resets > snap->nr ||
	    snap->nr_fn_resets > snap->nr)
		return false;
	if (snap->step != (const struct pcq_step *)((const u8 *)snap + pcq_step_offset(snap->nr)))
		return false;
	if (pcq_snapshot_sum(snap) != snap->checksum)
		return false;
	/*
	 * The walk follows these from one function to another: check them
	 * too, so that even a corruption the checksum misses stays in
	 * bounds.  A function's parent, PF, blocker and resetting bridge
	 * all come before it: the array is ordered parents first.
	 */
	for (i = 0; i < snap->nr; i++) {
		const struct pcq_func *f = &snap->func[i];
		const struct pcq_step *s = &snap->step[i];

		if (!pcq_index_ok(f->pf, i) || !pcq_index_ok(f->parent, i) ||
		    !pcq_index_ok(s->reset_by, i) || s->blocker < -1 ||
		    s->blocker >= (s32)snap->nr)
			return false;
	}
	return true;
}
