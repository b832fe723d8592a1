// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot layout and integrity seal.
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

static size_t pcq_order_offset(unsigned int nr)
{
	return sizeof(struct pcq_snapshot) + (size_t)nr * sizeof(struct pcq_func);
}

/* The sealed part: header, functions and the three index lists. */
static size_t pcq_sealed_size(unsigned int nr)
{
	return pcq_order_offset(nr) + 3 * (size_t)nr * sizeof(u32);
}

/**
 * pcq_snapshot_size() - bytes needed for a snapshot of @nr functions
 * @nr: number of functions, at most PCQ_NR_SANITY
 *
 * Return: the allocation size: the sealed part and the walk's scratch.
 */
size_t pcq_snapshot_size(unsigned int nr)
{
	return pcq_sealed_size(nr) + 2 * (size_t)nr * sizeof(u16);
}

/* The scratch area's parts, computed from @nr alone. */
static u16 *pcq_state_area(const struct pcq_snapshot *snap, unsigned int nr)
{
	return (u16 *)((u8 *)snap + pcq_sealed_size(nr));
}

static u16 *pcq_saved_area(const struct pcq_snapshot *snap, unsigned int nr)
{
	return pcq_state_area(snap, nr) + nr;
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
	snap->order = (u32 *)((u8 *)snap + pcq_order_offset(nr));
	snap->resets = snap->order + nr;
	snap->fresets = snap->resets + nr;
	snap->scratch.state = pcq_state_area(snap, nr);
	snap->scratch.saved = pcq_saved_area(snap, nr);
}

/**
 * pcq_snapshot_sum() - checksum of a snapshot
 * @snap: the snapshot; @snap->size must already be checked
 *
 * FNV-1a over the bytes after the checksum field, up to the scratch area.
 * The rcu_head before the checksum is not covered: kvfree_rcu() may write
 * it while a walk that loaded the snapshot still reads it.  Not
 * cryptographic: it
 * only has to catch stray writes, and it needs no tables and no locks.
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
 * pcq_index_ok() - is an index held by a function valid?
 * @index: the index
 * @nr:    the number of functions
 *
 * Context: any, including panic.
 * Return: true for -1 (none) or the index of a function of the snapshot.
 */
static bool pcq_index_ok(s32 index, u32 nr)
{
	return index >= -1 && index < (s32)nr;
}

/**
 * pcq_snapshot_intact() - check a snapshot before the panic path trusts it
 * @snap: the published snapshot
 *
 * Context: any, including NMI and panic; reads only @snap, bounded by
 * PCQ_NR_SANITY functions whatever the header says.
 * Return: true if the header is consistent, the checksum matches and every
 * index in the quiesce order and the reset list is in bounds.
 */
bool pcq_snapshot_intact(const struct pcq_snapshot *snap)
{
	unsigned int i;

	if (snap->magic != PCQ_SNAPSHOT_MAGIC || snap->nr_inv != ~snap->nr ||
	    snap->nr > PCQ_NR_SANITY || snap->size != pcq_sealed_size(snap->nr) ||
	    snap->nr_order > snap->nr || snap->nr_resets > snap->nr ||
	    snap->nr_fresets > snap->nr)
		return false;
	if (snap->order != (u32 *)((u8 *)snap + pcq_order_offset(snap->nr)) ||
	    snap->resets != snap->order + snap->nr ||
	    snap->fresets != snap->resets + snap->nr ||
	    snap->scratch.state != pcq_state_area(snap, snap->nr) ||
	    snap->scratch.saved != pcq_saved_area(snap, snap->nr))
		return false;
	if (pcq_snapshot_sum(snap) != snap->checksum)
		return false;
	/*
	 * The walk indexes func[] and its scratch bitmap with these: check them
	 * too, so that even a corruption the checksum misses stays in bounds.
	 */
	for (i = 0; i < snap->nr_order; i++)
		if (snap->order[i] >= snap->nr)
			return false;
	for (i = 0; i < snap->nr_resets; i++)
		if (snap->resets[i] >= snap->nr)
			return false;
	for (i = 0; i < snap->nr_fresets; i++)
		if (snap->fresets[i] >= snap->nr)
			return false;
	/*
	 * and every index a function holds: the walk reads a VF's PF before
	 * the VF and the bridge whose reset reached a function; debugfs
	 * follows parents and blockers
	 */
	for (i = 0; i < snap->nr; i++) {
		const struct pcq_func *f = &snap->func[i];

		if (!pcq_index_ok(f->pf, snap->nr) || !pcq_index_ok(f->parent, snap->nr) ||
		    !pcq_index_ok(f->blocker, snap->nr) || !pcq_index_ok(f->reset_by, snap->nr))
			return false;
	}
	return true;
}
