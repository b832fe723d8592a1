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
	(PCQ_F_VGA | PCQ_F_SERIAL | PCQ_F_IOMMU | PCQ_F_NO_BUS_RESET | PCQ_F_USER_SKIP | \
	 PCQ_F_CXL_MEM | PCQ_F_CXL_SBR_MASKED)
/* NO_BUS_RESET says nothing of FLR: the kernel has NO_FLR_RESET for that. */
#define PCQ_F_BLOCKS_FN_RESET \
	(PCQ_F_VGA | PCQ_F_SERIAL | PCQ_F_IOMMU | PCQ_F_USER_SKIP | PCQ_F_CXL_MEM)
/* What the planner itself decides, cleared before each plan. */
#define PCQ_F_PLANNED \
	(PCQ_F_USER_SKIP | PCQ_F_BUSY | PCQ_F_KEEP_MASTER | PCQ_F_RESETS_VFS | PCQ_F_KEEPS_VF)

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
	[PCQ_WHY_BRIDGE]		= "bridge",
	[PCQ_WHY_HOST_BRIDGE]	= "host-bridge",
	[PCQ_WHY_ISA_BRIDGE]	= "isa-bridge",
	[PCQ_WHY_PROTECTED]	= "protected",
	[PCQ_WHY_NO_METHOD]	= "no-reset-method",
	[PCQ_WHY_SKIPPED]	= "skipped",
	[PCQ_WHY_CXL_MEMORY]	= "cxl-memory",
	[PCQ_WHY_QUIRK]		= "quirk",
	[PCQ_WHY_ADMIN]		= "admin",
	[PCQ_WHY_KEEPS_VF]	= "kept-vf",
};

static_assert(ARRAY_SIZE(pcq_why_names) == PCQ_WHY_COUNT);

static const char * const pcq_noreset_names[] = {
	[PCQ_NORESET_NONE]	= "none",
	[PCQ_NORESET_NOT_BRIDGE]	= "not-a-bridge",
	[PCQ_NORESET_MODE]	= "reset=none",
	[PCQ_NORESET_EMPTY]	= "empty",
	[PCQ_NORESET_ANCESTOR]	= "reset-by-ancestor",
	[PCQ_NORESET_BLOCKED]	= "blocked",
	[PCQ_NORESET_SKIPPED]	= "skipped",
	[PCQ_NORESET_SBR_MASKED]	= "cxl-sbr-masked",
};

static_assert(ARRAY_SIZE(pcq_noreset_names) == PCQ_NORESET_COUNT);

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
 * pcq_noreset_name() - why a bridge is not reset, as shown in the plan
 * @why: enum pcq_noreset
 *
 * Return: a static string.
 */
const char *pcq_noreset_name(enum pcq_noreset why)
{
	return why < ARRAY_SIZE(pcq_noreset_names) ? pcq_noreset_names[why] : "?";
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
 * pcq_why_name() - why no reset reaches a function, as shown in debugfs
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
	return (u64)(depth & 0xff) << 48 | (u64)seg << 16 | (u32)bus << 8 | devfn;
}

static bool pcq_is_bridge(const struct pcq_func *f)
{
	return f->hdr_type == PCI_HEADER_TYPE_BRIDGE;
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

static void pcq_plan_function(struct pcq_func *f, const struct pcq_skip_list *skip)
{
	if (pcq_skip_match(skip, f))
		f->flags |= PCQ_F_USER_SKIP;

	f->action = PCQ_ACT_QUIESCE;
	f->skip = PCQ_SKIP_NONE;
	f->noreset = PCQ_NORESET_NONE;
	f->blocker = -1;
	f->reset_by = -1;
	f->reach = PCQ_REACH_NONE;
	f->why = PCQ_WHY_NONE;

	if (f->flags & PCQ_F_REMOVED)
		f->skip = PCQ_SKIP_REMOVED;
	else if (f->type == PCQ_TYPE_HOST_BRIDGE)
		f->skip = PCQ_SKIP_HOST_BRIDGE;
	else if (f->flags & PCQ_F_IOMMU)
		f->skip = PCQ_SKIP_IOMMU;
	else if (f->flags & PCQ_F_USER_SKIP)
		f->skip = PCQ_SKIP_USER;
	else if (f->cfg.method == PCQ_ACCESS_NONE)
		f->skip = PCQ_SKIP_NO_ACCESS;

	if (f->skip != PCQ_SKIP_NONE)
		f->action = PCQ_ACT_SKIP;
}

/*
 * Choose the bridges to reset.  Functions are stored parents first, so one
 * forward pass sees every ancestor's decision before its descendants'.
 */
static void pcq_plan_resets(struct pcq_snapshot *snap)
{
	unsigned int i;

	for (i = 0; i < snap->nr; i++) {
		struct pcq_func *f = &snap->func[i];
		const struct pcq_func *up = f->parent >= 0 ? &snap->func[f->parent] : NULL;

		if (up && (up->action == PCQ_ACT_QUIESCE_RESET ||
			   up->noreset == PCQ_NORESET_ANCESTOR)) {
			f->noreset = PCQ_NORESET_ANCESTOR;
			f->reset_by = up->action == PCQ_ACT_QUIESCE_RESET ?
				      f->parent : up->reset_by;
			continue;
		}
		if (!pcq_can_reset_bus(f))
			f->noreset = PCQ_NORESET_NOT_BRIDGE;
		else if (f->action == PCQ_ACT_SKIP)
			f->noreset = PCQ_NORESET_SKIPPED;
		else if (snap->settings.reset == PCQ_RESET_NONE)
			f->noreset = PCQ_NORESET_MODE;
		else if (f->blocker >= 0 && f->blocker != (int)i)
			f->noreset = PCQ_NORESET_BLOCKED;
		else if (f->flags & PCQ_F_CXL_SBR_MASKED)
			f->noreset = PCQ_NORESET_SBR_MASKED;
		else if (f->blocker >= 0)
			f->noreset = PCQ_NORESET_BLOCKED;
		else if (!(f->flags & PCQ_F_BUSY))
			f->noreset = PCQ_NORESET_EMPTY;
		else
			f->action = PCQ_ACT_QUIESCE_RESET;
	}
}

/*
 * The reset that reaches each function.  Runs after pcq_plan_resets(): a
 * PF (lower index) is decided before its VFs.
 */
static void pcq_plan_reach(struct pcq_snapshot *snap)
{
	unsigned int i;

	for (i = 0; i < snap->nr; i++) {
		struct pcq_func *f = &snap->func[i];
		struct pcq_func *pf = f->pf >= 0 ? &snap->func[f->pf] : NULL;

		if (f->reset_by >= 0)
			f->reach = PCQ_REACH_BUS;
		else if (f->action == PCQ_ACT_SKIP)
			f->why = PCQ_WHY_SKIPPED;
		else if (f->type == PCQ_TYPE_HOST_BRIDGE)
			f->why = PCQ_WHY_HOST_BRIDGE;
		else if (pcq_is_bridge(f))
			f->why = PCQ_WHY_BRIDGE;
		else if (f->flags & PCQ_F_ISA_BRIDGE)
			f->why = PCQ_WHY_ISA_BRIDGE;
		else if (f->flags & PCQ_F_CXL_MEM)
			f->why = PCQ_WHY_CXL_MEMORY;
		else if (f->flags & PCQ_F_BLOCKS_FN_RESET)
			f->why = PCQ_WHY_PROTECTED;
		else if (snap->settings.reset != PCQ_RESET_AUTO)
			f->why = PCQ_WHY_MODE;
		else if (f->flags & PCQ_F_KEEPS_VF)
			f->why = PCQ_WHY_KEEPS_VF;
		else if (pf && (pf->reach == PCQ_REACH_FLR || pf->reach == PCQ_REACH_AF_FLR))
			f->reach = PCQ_REACH_PF;
		else if (f->flags & PCQ_F_FLR)
			f->reach = PCQ_REACH_FLR;
		else if (f->flags & PCQ_F_AF_FLR)
			f->reach = PCQ_REACH_AF_FLR;
		else if (f->flags & PCQ_F_PM_RESET)
			f->reach = PCQ_REACH_PM;
		else if (f->flags & PCQ_F_RESET_QUIRK)
			f->why = PCQ_WHY_QUIRK;
		else if (f->flags & PCQ_F_RESET_ADMIN)
			f->why = PCQ_WHY_ADMIN;
		else
			f->why = PCQ_WHY_NO_METHOD;
		if (f->reach == PCQ_REACH_PF)
			pf->flags |= PCQ_F_RESETS_VFS;
	}
}

static bool pcq_own_reset(const struct pcq_func *f)
{
	return f->reach == PCQ_REACH_FLR || f->reach == PCQ_REACH_AF_FLR ||
	       f->reach == PCQ_REACH_PM;
}

static void pcq_plan_order(struct pcq_snapshot *snap)
{
	unsigned int max_depth = 0;
	unsigned int pass, i;
	bool bridges;
	int d;

	for (i = 0; i < snap->nr; i++)
		max_depth = max_t(unsigned int, max_depth, snap->func[i].depth);

	snap->nr_order = 0;
	/* Pass 0: endpoints and other non-bridges; pass 1: bridges. */
	for (pass = 0; pass < 2; pass++) {
		bridges = pass;
		for (d = max_depth; d >= 0; d--) {
			for (i = 0; i < snap->nr; i++) {
				const struct pcq_func *f = &snap->func[i];

				if (f->depth != d || f->action == PCQ_ACT_SKIP ||
				    pcq_is_bridge(f) != bridges)
					continue;
				snap->order[snap->nr_order++] = i;
			}
		}
	}

	snap->nr_resets = 0;
	for (i = 0; i < snap->nr; i++)
		if (snap->func[i].action == PCQ_ACT_QUIESCE_RESET)
			snap->resets[snap->nr_resets++] = i;

	/*
	 * VFs first: a PF's FLR clears VF Enable, and the VFs with it.  A PF
	 * whose FLR reaches VFs is listed whether or not it masters itself.
	 */
	snap->nr_fresets = 0;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < snap->nr; i++)
			if (pcq_own_reset(&snap->func[i]) &&
			    !!(snap->func[i].flags & PCQ_F_VF) == !pass)
				snap->fresets[snap->nr_fresets++] = i;
}

/*
 * Mark the ancestors of function @i, up to the root, with @flag, and give
 * those without one @i as their blocker.
 */
static void pcq_plan_up(struct pcq_snapshot *snap, unsigned int i, u32 flag)
{
	int up = i;

	while (up >= 0) {
		struct pcq_func *a = &snap->func[up];

		if (a->blocker < 0)
			a->blocker = i;
		if (up != (int)i)
			a->flags |= flag;
		up = a->parent;
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
 * forward pass finds the whole subtree; VFs, which have no functions below
 * them, in a second one.
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

		if ((int)i == gone ||
		    (f->parent >= 0 && f->parent < (int)i &&
		     (snap->func[f->parent].flags & PCQ_F_REMOVED))) {
			f->flags |= PCQ_F_REMOVED;
			pcq_cfg_pick(f, NULL, false);
		}
	}
	for (i = 0; i < snap->nr; i++) {
		struct pcq_func *f = &snap->func[i];

		if (f->pf >= 0 && f->pf < (int)snap->nr &&
		    (snap->func[f->pf].flags & PCQ_F_REMOVED)) {
			f->flags |= PCQ_F_REMOVED;
			pcq_cfg_pick(f, NULL, false);
		}
	}
}

/**
 * pcq_plan() - decide what the panic path will do with a snapshot
 * @snap: a snapshot with its functions filled in, parents before children
 * @skip: the user's skip list
 *
 * Fills in each function's depth, action, skip reason, bus reset decision,
 * blocker and the reset that reaches it, then the quiesce order, the bus
 * reset list and the function reset list.  A function whose parent index
 * is not below its own is treated as being on a root bus; a VF whose PF
 * index is not below its own, as having no PF.
 *
 * Context: process context; the snapshot is not yet published.
 */
void pcq_plan(struct pcq_snapshot *snap, const struct pcq_skip_list *skip)
{
	unsigned int i;

	for (i = 0; i < snap->nr; i++)
		snap->func[i].flags &= ~PCQ_F_PLANNED;

	for (i = 0; i < snap->nr; i++) {
		struct pcq_func *f = &snap->func[i];

		if (f->parent >= (int)i || f->parent < -1)
			f->parent = -1;
		if (f->pf >= (int)i || f->pf < -1 || !(f->flags & PCQ_F_VF))
			f->pf = -1;
		f->depth = f->parent < 0 ? 0 : snap->func[f->parent].depth + 1;
		pcq_plan_function(f, skip);
		if (f->parent >= 0)
			snap->func[f->parent].flags |= PCQ_F_BUSY;
	}

	/*
	 * A function that must not be reset blocks itself and its ancestors.
	 * A user-skipped one keeps working: its ancestors keep Bus Master
	 * Enable, and name it as their blocker (it goes first for that).
	 */
	for (i = 0; i < snap->nr; i++)
		if (snap->func[i].flags & PCQ_F_USER_SKIP)
			pcq_plan_up(snap, i, PCQ_F_KEEP_MASTER);
	/*
	 * From the leaves up, so that a port which blocks itself (its bus
	 * reset masked) names what below it must not reset, the reason that
	 * would hold even if it were unmasked.
	 */
	for (i = snap->nr; i-- > 0; )
		if (snap->func[i].flags & PCQ_F_BLOCKS_RESET)
			pcq_plan_up(snap, i, 0);
	/*
	 * A PF's FLR or PM reset also resets its SR-IOV capability, which
	 * clears VF Enable: every VF goes.  A VF that must not be reset keeps
	 * its PF from any function reset (its bus reset is blocked above).
	 */
	for (i = 0; i < snap->nr; i++) {
		const struct pcq_func *f = &snap->func[i];

		if (f->pf >= 0 && (f->flags & PCQ_F_BLOCKS_FN_RESET))
			snap->func[f->pf].flags |= PCQ_F_KEEPS_VF;
	}

	pcq_plan_resets(snap);
	pcq_plan_reach(snap);
	pcq_plan_order(snap);
}
