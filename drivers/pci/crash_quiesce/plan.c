// SPDX-License-Identifier: GPL-2.0
/*
 * Planning rules for the crash quiesce, decided in process context so that
 * the panic path only follows a list.
 *
 * - Every function is quiesced (MSI/MSI-X off, INTx Disable, Bus Master off)
 *   unless it is a host bridge, the IOMMU's own function, listed by the user,
 *   being removed, or has no lock-free accessor: those are left untouched.
 *   A function the user listed keeps working: the bridges above it keep
 *   their Bus Master Enable too.
 * - Order: endpoints deepest first, then bridges bottom-up, so that no bridge
 *   stops forwarding while a device below it still has requests queued.
 * - Secondary Bus Reset only on the top-most eligible bridge of a subtree:
 *   resetting a bridge resets everything below it, so one reset per subtree
 *   is enough.  A subtree is not reset when it holds a display device, a
 *   PCI UART, the IOMMU, a NO_BUS_RESET device, CXL memory (which may be
 *   System RAM the dump reads), a CXL port whose hardware masks its bus
 *   reset, or a user-skipped function.
 * - With reset=auto, every function that no planned bus reset reaches gets
 *   a function-level reset of its own, by the method the kernel itself
 *   would use first (FLR, the Advanced Features FLR or a PM reset by
 *   D3hot; none where that is its own device-specific or firmware method,
 *   or where the admin took it away), under the same protections, never on
 *   a host or ISA bridge, and only if it, or a VF it resets, bus-masters at
 *   panic time.  A VF is reached by its PF's bus reset, or by its PF's FLR,
 *   which clears VF Enable; otherwise by an FLR of its own.  A PF with a
 *   VF that must not be reset (skipped, a display) gets no function reset:
 *   any of them would take its VFs down with it.
 *
 * This file is pure logic over struct pcq_snapshot and is also built by the
 * userspace unit tests.
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/pci_regs.h>
#include <linux/types.h>

#include "crash_quiesce.h"

#define PCQ_F_BLOCKS_RESET \
	(PCQ_F_VGA | PCQ_F_SERIAL | PCQ_F_IOMMU | PCQ_F_NO_BUS_RESET | PCQ_F_CXL_MEM | \
	 PCQ_F_CXL_SBR_MASKED)
/* NO_BUS_RESET says nothing of FLR: the kernel has NO_FLR_RESET for that. */
#define PCQ_F_BLOCKS_FN_RESET \
	(PCQ_F_VGA | PCQ_F_SERIAL | PCQ_F_IOMMU | PCQ_F_CXL_MEM)

static const char * const pcq_type_names[] = {
	[PCQ_TYPE_ENDPOINT]		= "endpoint",
	[PCQ_TYPE_ROOT_PORT]		= "root-port",
	[PCQ_TYPE_DOWNSTREAM_PORT]	= "downstream-port",
	[PCQ_TYPE_UPSTREAM_PORT]		= "upstream-port",
	[PCQ_TYPE_PCI_BRIDGE]		= "pci-bridge",
	[PCQ_TYPE_RC_ENDPOINT]		= "rc-endpoint",
	[PCQ_TYPE_HOST_BRIDGE]		= "host-bridge",
	[PCQ_TYPE_OTHER]			= "other",
};

static_assert(ARRAY_SIZE(pcq_type_names) == PCQ_TYPE_COUNT);

static const char * const pcq_skip_names[] = {
	[PCQ_SKIP_NONE]		= "none",
	[PCQ_SKIP_HOST_BRIDGE]	= "host-bridge",
	[PCQ_SKIP_IOMMU]		= "iommu",
	[PCQ_SKIP_USER]		= "user",
	[PCQ_SKIP_NO_ACCESS]	= "no-access",
	[PCQ_SKIP_REMOVED]	= "removed",
};

static_assert(ARRAY_SIZE(pcq_skip_names) == PCQ_SKIP_COUNT);

static const char * const pcq_reach_names[] = {
	[PCQ_REACH_NONE]		= "none",
	[PCQ_REACH_BUS]		= "bus",
	[PCQ_REACH_FLR]		= "flr",
	[PCQ_REACH_AF_FLR]	= "af-flr",
	[PCQ_REACH_PM]		= "pm",
	[PCQ_REACH_PF]		= "pf",
};

static_assert(ARRAY_SIZE(pcq_reach_names) == PCQ_REACH_COUNT);

static const char * const pcq_why_names[] = {
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

static_assert(ARRAY_SIZE(pcq_why_names) == PCQ_WHY_COUNT);

/**
 * pcq_type_name() - the name of a function type as shown in debugfs
 * @type: enum pcq_type
 *
 * Return: a static string.
 */
const char *pcq_type_name(enum pcq_type type)
{
	return type < ARRAY_SIZE(pcq_type_names) ? pcq_type_names[type] : "other";
}

/**
 * pcq_skip_name() - the name of a skip reason as shown in debugfs
 * @reason: enum pcq_skip_reason
 *
 * Return: a static string.
 */
const char *pcq_skip_name(enum pcq_skip_reason reason)
{
	return reason < ARRAY_SIZE(pcq_skip_names) ? pcq_skip_names[reason] : "?";
}

/**
 * pcq_reach_name() - the reset that reaches a function, as shown in debugfs
 * @reach: enum pcq_reach
 *
 * Return: a static string.
 */
const char *pcq_reach_name(enum pcq_reach reach)
{
	return reach < ARRAY_SIZE(pcq_reach_names) ? pcq_reach_names[reach] : "?";
}

/**
 * pcq_why_name() - why no reset reaches a function, or why a bridge does
 * not reset its bus, as shown in debugfs
 * @why: enum pcq_why
 *
 * Return: a static string.
 */
const char *pcq_why_name(enum pcq_why why)
{
	return why < ARRAY_SIZE(pcq_why_names) ? pcq_why_names[why] : "?";
}

/**
 * pcq_func_key() - the snapshot's sort key of a function
 * @depth: number of bridges above it (a VF: its PF's)
 * @seg:   PCI domain, full width
 * @bus:   bus number
 * @devfn: device and function
 *
 * Sorting by this key puts parents before children (depth first) and then
 * orders by address; a VF sorts after its PF (same depth, higher routing
 * ID).  64 bits on every architecture: 8 for the depth, 32 for the domain.
 *
 * Return: the key.
 */
u64 pcq_func_key(unsigned int depth, u32 seg, u8 bus, u8 devfn)
{
	return (u64)(depth & 0xff) << PCQ_KEY_DEPTH_SHIFT | (u64)seg << 16 |
	       (u32)bus << 8 | devfn;
}

/**
 * pcq_is_bridge() - does a function have a bridge's header?
 * @f: the function
 *
 * Context: any.
 * Return: true for a type 1 header.
 */
bool pcq_is_bridge(const struct pcq_func *f)
{
	return f->hdr_type == PCI_HEADER_TYPE_BRIDGE;
}

/**
 * pcq_own_reset() - does the plan give a function a reset of its own?
 * @s: the function's step
 *
 * Context: any.
 * Return: true for an FLR, an AF FLR or a PM reset.
 */
bool pcq_own_reset(const struct pcq_step *s)
{
	return s->reach == PCQ_REACH_FLR || s->reach == PCQ_REACH_AF_FLR ||
	       s->reach == PCQ_REACH_PM;
}

/**
 * pcq_plan_next_quiesce() - the next function in the quiesce order
 * @snap: the snapshot
 * @k:    where to go on from: 0 at first, then what the last call left
 *
 * Children before parents: from the last function to the first (the
 * snapshot lists parents first), so that no bridge stops forwarding while
 * a function below it may still have requests queued; and every
 * non-bridge before any bridge.  Skipped functions are left out.  The
 * same order for the walk and for the plan listing.
 *
 * Context: any.
 * Return: the index of the function, or -1 when there are no more.
 */
s32 pcq_plan_next_quiesce(const struct pcq_snapshot *snap, u32 *k)
{
	while (*k < 2 * snap->nr) {
		bool bridges = *k >= snap->nr;
		u32 i = snap->nr - 1 - *k % snap->nr;

		(*k)++;
		if (snap->step[i].action != PCQ_ACT_SKIP &&
		    pcq_is_bridge(&snap->func[i]) == bridges)
			return i;
	}
	return -1;
}

/**
 * pcq_plan_next_fn_reset() - the next function with a reset of its own
 * @snap: the snapshot
 * @k:    where to go on from: 0 at first, then what the last call left
 *
 * VFs first, then the others, each in index order: a PF's FLR clears VF
 * Enable, and its VFs with it, so a VF's own reset must come before.
 * The same order for the walk and for the plan listing.
 *
 * Context: any.
 * Return: the index of the function, or -1 when there are no more.
 */
s32 pcq_plan_next_fn_reset(const struct pcq_snapshot *snap, u32 *k)
{
	while (*k < 2 * snap->nr) {
		u32 i = *k % snap->nr;
		bool vfs = *k < snap->nr;

		(*k)++;
		if (pcq_own_reset(&snap->step[i]) &&
		    !!(snap->func[i].flags & PCQ_F_VF) == vfs)
			return i;
	}
	return -1;
}

static bool pcq_can_reset_bus(const struct pcq_func *f)
{
	switch (f->type) {
	case PCQ_TYPE_ROOT_PORT:
	case PCQ_TYPE_DOWNSTREAM_PORT:
	case PCQ_TYPE_UPSTREAM_PORT:
	case PCQ_TYPE_PCI_BRIDGE:
		return pcq_is_bridge(f);
	default:
		return false;
	}
}

/* Is @f listed in the skip parameter, by address or by vendor:device? */
static bool pcq_skip_match(const struct pcq_skip_list *skip, const struct pcq_func *f)
{
	unsigned int i;

	for (i = 0; i < skip->nr; i++) {
		const struct pcq_skip_entry *e = &skip->entry[i];

		if (e->by_id) {
			if (e->vendor == f->vendor && e->device == f->device)
				return true;
		} else if (e->seg == f->seg && e->bus == f->bus &&
			   e->devfn == f->devfn) {
			return true;
		}
	}
	return false;
}

static enum pcq_skip_reason pcq_plan_skip(const struct pcq_func *f,
					  const struct pcq_skip_list *skip)
{
	if (f->flags & PCQ_F_REMOVED)
		return PCQ_SKIP_REMOVED;
	if (f->type == PCQ_TYPE_HOST_BRIDGE)
		return PCQ_SKIP_HOST_BRIDGE;
	if (f->flags & PCQ_F_IOMMU)
		return PCQ_SKIP_IOMMU;
	if (pcq_skip_match(skip, f))
		return PCQ_SKIP_USER;
	if (!f->ecam && !(f->flags & PCQ_F_CONF1))
		return PCQ_SKIP_NO_ACCESS;
	return PCQ_SKIP_NONE;
}

/*
 * Function @i's parent and PF, as the planner trusts them: an index that
 * is not below the function's own (a builder's error, which
 * pcq_snapshot_intact() refuses too) reads as none.
 */
static s32 pcq_parent(const struct pcq_snapshot *snap, u32 i)
{
	s32 up = snap->func[i].parent;

	return up >= 0 && up < (s32)i ? up : -1;
}

static s32 pcq_pf(const struct pcq_snapshot *snap, u32 i)
{
	const struct pcq_func *f = &snap->func[i];

	return (f->flags & PCQ_F_VF) && f->pf >= 0 && f->pf < (s32)i ? f->pf : -1;
}

/* Does function @i keep its ancestors from resetting its subtree? */
static bool pcq_blocks_reset(const struct pcq_snapshot *snap, unsigned int i)
{
	return (snap->func[i].flags & PCQ_F_BLOCKS_RESET) ||
	       snap->step[i].skip == PCQ_SKIP_USER;
}

/* May function @i not be reset by any function-level reset? */
static bool pcq_blocks_fn_reset(const struct pcq_snapshot *snap, unsigned int i)
{
	return (snap->func[i].flags & PCQ_F_BLOCKS_FN_RESET) ||
	       snap->step[i].skip == PCQ_SKIP_USER;
}

/*
 * Choose the bridges to reset.  Functions are stored parents first, so one
 * forward pass sees every ancestor's decision before its descendants'.
 */
static void pcq_plan_resets(struct pcq_snapshot *snap)
{
	unsigned int i;

	for (i = 0; i < snap->nr; i++) {
		const struct pcq_func *f = &snap->func[i];
		struct pcq_step *s = &snap->step[i];
		s32 parent = pcq_parent(snap, i);
		const struct pcq_step *up = parent >= 0 ? &snap->step[parent] : NULL;

		if (up && (up->action == PCQ_ACT_QUIESCE_RESET || up->reset_by >= 0)) {
			s->reset_by = up->action == PCQ_ACT_QUIESCE_RESET ? parent : up->reset_by;
			continue;
		}
		if (!pcq_can_reset_bus(f))
			continue;
		if (s->action == PCQ_ACT_SKIP)
			s->why = PCQ_WHY_SKIPPED;
		else if (snap->settings.reset == PCQ_RESET_NONE)
			s->why = PCQ_WHY_MODE;
		else if (s->blocker >= 0 && s->blocker != (int)i)
			s->why = PCQ_WHY_BLOCKED;
		else if (f->flags & PCQ_F_CXL_SBR_MASKED)
			s->why = PCQ_WHY_SBR_MASKED;
		else if (s->blocker >= 0)
			s->why = PCQ_WHY_BLOCKED;
		else if (!s->populated)
			s->why = PCQ_WHY_EMPTY;
		else
			s->action = PCQ_ACT_QUIESCE_RESET;
	}
}

/* Why no reset reaches function @i, or the reset that does. */
static void pcq_plan_reach_one(struct pcq_snapshot *snap, unsigned int i)
{
	const struct pcq_func *f = &snap->func[i];
	struct pcq_step *s = &snap->step[i];
	s32 pf_index = pcq_pf(snap, i);
	const struct pcq_step *pf = pf_index >= 0 ? &snap->step[pf_index] : NULL;

	if (s->reset_by >= 0)
		s->reach = PCQ_REACH_BUS;
	else if (pcq_is_bridge(f))
		return;	/* no DMA source of its own; @why says why no bus reset */
	else if (s->action == PCQ_ACT_SKIP)
		s->why = PCQ_WHY_SKIPPED;
	else if (f->type == PCQ_TYPE_HOST_BRIDGE)
		s->why = PCQ_WHY_HOST_BRIDGE;
	else if (f->flags & PCQ_F_ISA_BRIDGE)
		s->why = PCQ_WHY_ISA_BRIDGE;
	else if (f->flags & PCQ_F_CXL_MEM)
		s->why = PCQ_WHY_CXL_MEMORY;
	else if (pcq_blocks_fn_reset(snap, i))
		s->why = PCQ_WHY_PROTECTED;
	else if (snap->settings.reset != PCQ_RESET_AUTO)
		s->why = PCQ_WHY_MODE;
	else if (s->keeps_vf)
		s->why = PCQ_WHY_KEEPS_VF;
	else if (pf && (pf->reach == PCQ_REACH_FLR || pf->reach == PCQ_REACH_AF_FLR))
		s->reach = PCQ_REACH_PF;
	else if (f->flags & PCQ_F_FLR)
		s->reach = PCQ_REACH_FLR;
	else if (f->flags & PCQ_F_AF_FLR)
		s->reach = PCQ_REACH_AF_FLR;
	else if (f->flags & PCQ_F_PM_RESET)
		s->reach = PCQ_REACH_PM;
	else if (f->flags & PCQ_F_RESET_QUIRK)
		s->why = PCQ_WHY_QUIRK;
	else if (f->flags & PCQ_F_RESET_ADMIN)
		s->why = PCQ_WHY_ADMIN;
	else
		s->why = PCQ_WHY_NO_METHOD;
}

/*
 * The reset that reaches each function.  Runs after pcq_plan_resets(): a
 * PF (lower index) is decided before its VFs.
 */
static void pcq_plan_reach(struct pcq_snapshot *snap)
{
	unsigned int i;

	for (i = 0; i < snap->nr; i++) {
		pcq_plan_reach_one(snap, i);
		if (snap->step[i].reach == PCQ_REACH_PF)
			snap->step[pcq_pf(snap, i)].resets_vfs = 1;
	}
}

/* The counts the walk shares its budget by, and debugfs shows. */
static void pcq_plan_count(struct pcq_snapshot *snap)
{
	unsigned int i;

	snap->nr_quiesce = 0;
	snap->nr_bus_resets = 0;
	snap->nr_fn_resets = 0;
	for (i = 0; i < snap->nr; i++) {
		const struct pcq_step *s = &snap->step[i];

		snap->nr_quiesce += s->action != PCQ_ACT_SKIP;
		snap->nr_bus_resets += s->action == PCQ_ACT_QUIESCE_RESET;
		snap->nr_fn_resets += pcq_own_reset(s);
	}
}

/*
 * Give the ancestors of function @i, up to the root, @i as their blocker
 * where they have none, and with @keep_master keep their Bus Master.
 */
static void pcq_plan_up(struct pcq_snapshot *snap, unsigned int i, bool keep_master)
{
	int up = i;

	while (up >= 0) {
		struct pcq_step *a = &snap->step[up];

		if (a->blocker < 0)
			a->blocker = i;
		if (up != (int)i && keep_master)
			a->keep_master = 1;
		up = pcq_parent(snap, up);
	}
}

/**
 * pcq_plan_forget() - put a function on its way out beyond the walk's reach
 * @snap: a snapshot being replanned, not yet published
 * @gone: index of the function, or -1
 *
 * It and everything below it lose their accessor, so that the walk no
 * longer touches config space that may be unmapped before the next
 * rebuild (a host bridge's ECAM window goes with the bridge): the
 * functions behind a bridge, found through the snapshot's own parent
 * links (by the time the kernel reports a bridge's removal, it no longer
 * knows its bus range), and the VFs of any PF among them, which may sit
 * on a bus of their own.  Functions are stored parents first, so one
 * forward pass finds the whole subtree, VFs included (a VF comes after its
 * PF).
 *
 * Context: process context; the snapshot is not yet published.
 */
void pcq_plan_forget(struct pcq_snapshot *snap, int gone)
{
	unsigned int i;

	if (gone < 0 || gone >= (int)snap->nr)
		return;
	for (i = gone; i < snap->nr; i++) {
		struct pcq_func *f = &snap->func[i];

		s32 parent = pcq_parent(snap, i), pf = pcq_pf(snap, i);

		if ((int)i == gone ||
		    (parent >= 0 && (snap->func[parent].flags & PCQ_F_REMOVED)) ||
		    (pf >= 0 && (snap->func[pf].flags & PCQ_F_REMOVED))) {
			f->flags |= PCQ_F_REMOVED;
			pcq_cfg_pick(f, NULL, false);
		}
	}
}

/**
 * pcq_plan() - decide what the panic path will do with a snapshot
 * @snap: a snapshot with its facts filled in, parents before children
 * @skip: the user's skip list
 *
 * Fills in each function's step: its action, skip reason, bus reset
 * decision, blocker and the reset that reaches it; then the counts.  A
 * function whose parent index is not below its own is treated as being on
 * a root bus; a VF whose PF index is not below its own, as having no PF.
 *
 * Context: process context; the snapshot is not yet published.
 */
void pcq_plan(struct pcq_snapshot *snap, const struct pcq_skip_list *skip)
{
	unsigned int i;

	for (i = 0; i < snap->nr; i++) {
		struct pcq_step *s = &snap->step[i];
		s32 parent = pcq_parent(snap, i);

		*s = (struct pcq_step){ .reset_by = -1, .blocker = -1 };
		s->skip = pcq_plan_skip(&snap->func[i], skip);
		s->action = s->skip != PCQ_SKIP_NONE ? PCQ_ACT_SKIP : PCQ_ACT_QUIESCE;
		if (parent >= 0)
			snap->step[parent].populated = 1;
	}

	/*
	 * A function that must not be reset blocks itself and its ancestors.
	 * A user-skipped one keeps working: its ancestors keep Bus Master
	 * Enable, and name it as their blocker (it goes first for that).
	 */
	for (i = 0; i < snap->nr; i++)
		if (snap->step[i].skip == PCQ_SKIP_USER)
			pcq_plan_up(snap, i, true);
	/*
	 * From the leaves up, so that a port which blocks itself (its bus
	 * reset masked) names what below it must not reset, the reason that
	 * would hold even if it were unmasked.
	 */
	for (i = snap->nr; i-- > 0; )
		if (pcq_blocks_reset(snap, i))
			pcq_plan_up(snap, i, false);
	/*
	 * A PF's FLR or PM reset also resets its SR-IOV capability, which
	 * clears VF Enable: every VF goes.  A VF that must not be reset keeps
	 * its PF from any function reset (its bus reset is blocked above).
	 */
	for (i = 0; i < snap->nr; i++) {
		s32 pf = pcq_pf(snap, i);

		if (pf >= 0 && pcq_blocks_fn_reset(snap, i))
			snap->step[pf].keeps_vf = 1;
	}

	pcq_plan_resets(snap);
	pcq_plan_reach(snap);
	pcq_plan_count(snap);
}
