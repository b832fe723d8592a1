// SPDX-License-Identifier: GPL-2.0
/*
 * Planning rules for the crash quiesce, decided in process context so that
 * the panic path only follows a list.
 *
 * - Every function is quiesced (MSI/MSI-X off, INTx Disable, Bus Master off)
 *   unless it is a host bridge, the IOMMU's own function, listed by the user,
 *   or has no lock-free accessor: those are left untouched.
 * - Order: endpoints deepest first, then bridges bottom-up, so that no bridge
 *   stops forwarding while a device below it still has requests queued.
 * - Secondary Bus Reset only on the top-most eligible bridge of a subtree:
 *   resetting a bridge resets everything below it, so one reset per subtree
 *   is enough.  A subtree is not reset when it holds a display device, a
 *   PCI UART, the IOMMU, a NO_BUS_RESET device or a user-skipped function.
 *
 * This file is pure logic over struct cq_snapshot and is also built by the
 * userspace unit tests.
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/pci_regs.h>
#include <linux/types.h>

#include "crash_quiesce.h"

#define CQ_F_BLOCKS_RESET \
	(CQ_F_VGA | CQ_F_SERIAL | CQ_F_IOMMU | CQ_F_NO_BUS_RESET | CQ_F_USER_SKIP)

static const char * const cq_type_names[] = {
	[CQ_TYPE_ENDPOINT]		= "endpoint",
	[CQ_TYPE_ROOT_PORT]		= "root-port",
	[CQ_TYPE_DOWNSTREAM_PORT]	= "downstream-port",
	[CQ_TYPE_UPSTREAM_PORT]		= "upstream-port",
	[CQ_TYPE_PCI_BRIDGE]		= "pci-bridge",
	[CQ_TYPE_RC_ENDPOINT]		= "rc-endpoint",
	[CQ_TYPE_HOST_BRIDGE]		= "host-bridge",
	[CQ_TYPE_OTHER]			= "other",
};

static const char * const cq_skip_names[] = {
	[CQ_SKIP_NONE]		= "none",
	[CQ_SKIP_HOST_BRIDGE]	= "host-bridge",
	[CQ_SKIP_IOMMU]		= "iommu",
	[CQ_SKIP_USER]		= "user",
	[CQ_SKIP_NO_ACCESS]	= "no-access",
};

static const char * const cq_noreset_names[] = {
	[CQ_NORESET_NONE]	= "none",
	[CQ_NORESET_NOT_BRIDGE]	= "not-a-bridge",
	[CQ_NORESET_MODE]	= "reset=none",
	[CQ_NORESET_EMPTY]	= "empty",
	[CQ_NORESET_ANCESTOR]	= "reset-by-ancestor",
	[CQ_NORESET_BLOCKED]	= "blocked",
	[CQ_NORESET_SKIPPED]	= "skipped",
};

/**
 * cq_type_name() - the name of a function type as shown in debugfs
 * @type: enum cq_type
 *
 * Return: a static string.
 */
const char *cq_type_name(enum cq_type type)
{
	return type < ARRAY_SIZE(cq_type_names) ? cq_type_names[type] : "other";
}

/**
 * cq_skip_name() - the name of a skip reason as shown in debugfs
 * @reason: enum cq_skip_reason
 *
 * Return: a static string.
 */
const char *cq_skip_name(enum cq_skip_reason reason)
{
	return reason < ARRAY_SIZE(cq_skip_names) ? cq_skip_names[reason] : "?";
}

/**
 * cq_noreset_name() - why a bridge is not reset, as shown in the plan
 * @why: enum cq_noreset
 *
 * Return: a static string.
 */
const char *cq_noreset_name(enum cq_noreset why)
{
	return why < ARRAY_SIZE(cq_noreset_names) ? cq_noreset_names[why] : "?";
}

static bool cq_is_bridge(const struct cq_func *f)
{
	return f->hdr_type == PCI_HEADER_TYPE_BRIDGE;
}

static bool cq_can_reset_bus(const struct cq_func *f)
{
	switch (f->type) {
	case CQ_TYPE_ROOT_PORT:
	case CQ_TYPE_DOWNSTREAM_PORT:
	case CQ_TYPE_UPSTREAM_PORT:
	case CQ_TYPE_PCI_BRIDGE:
		return cq_is_bridge(f);
	default:
		return false;
	}
}

/**
 * cq_skip_match() - is a function listed in the skip parameter?
 * @skip: the parsed skip list
 * @f:    the function
 *
 * Return: true if an address or vendor:device entry matches @f.
 */
bool cq_skip_match(const struct cq_skip_list *skip, const struct cq_func *f)
{
	unsigned int i;

	for (i = 0; i < skip->nr; i++) {
		const struct cq_skip_entry *e = &skip->entry[i];

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

static void cq_plan_function(struct cq_func *f, const struct cq_skip_list *skip)
{
	f->flags &= ~CQ_F_USER_SKIP;
	if (cq_skip_match(skip, f))
		f->flags |= CQ_F_USER_SKIP;

	f->action = CQ_ACT_QUIESCE;
	f->skip = CQ_SKIP_NONE;
	f->noreset = CQ_NORESET_NONE;
	f->blocker = -1;

	if (f->type == CQ_TYPE_HOST_BRIDGE)
		f->skip = CQ_SKIP_HOST_BRIDGE;
	else if (f->flags & CQ_F_IOMMU)
		f->skip = CQ_SKIP_IOMMU;
	else if (f->flags & CQ_F_USER_SKIP)
		f->skip = CQ_SKIP_USER;
	else if (f->cfg.method == CQ_ACCESS_NONE)
		f->skip = CQ_SKIP_NO_ACCESS;

	if (f->skip != CQ_SKIP_NONE)
		f->action = CQ_ACT_SKIP;
}

/*
 * Choose the bridges to reset.  Functions are stored parents first, so one
 * forward pass sees every ancestor's decision before its descendants'.
 */
static void cq_plan_resets(struct cq_snapshot *snap)
{
	unsigned int i;

	for (i = 0; i < snap->nr; i++) {
		struct cq_func *f = &snap->func[i];
		const struct cq_func *up = f->parent >= 0 ? &snap->func[f->parent] : NULL;

		if (up && (up->action == CQ_ACT_QUIESCE_RESET ||
			   up->noreset == CQ_NORESET_ANCESTOR)) {
			f->noreset = CQ_NORESET_ANCESTOR;
			continue;
		}
		if (!cq_can_reset_bus(f))
			f->noreset = CQ_NORESET_NOT_BRIDGE;
		else if (f->action == CQ_ACT_SKIP)
			f->noreset = CQ_NORESET_SKIPPED;
		else if (!snap->settings.reset)
			f->noreset = CQ_NORESET_MODE;
		else if (f->blocker >= 0)
			f->noreset = CQ_NORESET_BLOCKED;
		else if (!(f->flags & CQ_F_BUSY))
			f->noreset = CQ_NORESET_EMPTY;
		else
			f->action = CQ_ACT_QUIESCE_RESET;
	}
}

static void cq_plan_order(struct cq_snapshot *snap)
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
				const struct cq_func *f = &snap->func[i];

				if (f->depth != d || f->action == CQ_ACT_SKIP ||
				    cq_is_bridge(f) != bridges)
					continue;
				snap->order[snap->nr_order++] = i;
			}
		}
	}

	snap->nr_resets = 0;
	for (i = 0; i < snap->nr; i++)
		if (snap->func[i].action == CQ_ACT_QUIESCE_RESET)
			snap->resets[snap->nr_resets++] = i;
}

/**
 * cq_plan() - decide what the panic path will do with a snapshot
 * @snap: a snapshot with its functions filled in, parents before children
 * @skip: the user's skip list
 *
 * Fills in each function's depth, action, skip reason, reset decision and
 * blocker, then the quiesce order and the reset list.  A function whose
 * parent index is not below its own is treated as being on a root bus.
 *
 * Context: process context; the snapshot is not yet published.
 */
void cq_plan(struct cq_snapshot *snap, const struct cq_skip_list *skip)
{
	unsigned int i;

	for (i = 0; i < snap->nr; i++)
		snap->func[i].flags &= ~CQ_F_BUSY;

	for (i = 0; i < snap->nr; i++) {
		struct cq_func *f = &snap->func[i];

		if (f->parent >= (int)i || f->parent < -1)
			f->parent = -1;
		f->depth = f->parent < 0 ? 0 : snap->func[f->parent].depth + 1;
		cq_plan_function(f, skip);
		if (f->parent >= 0)
			snap->func[f->parent].flags |= CQ_F_BUSY;
	}

	/* A function that must not be reset blocks itself and its ancestors. */
	for (i = 0; i < snap->nr; i++) {
		int up = i;

		if (!(snap->func[i].flags & CQ_F_BLOCKS_RESET))
			continue;
		while (up >= 0) {
			struct cq_func *a = &snap->func[up];

			if (a->blocker < 0)
				a->blocker = i;
			up = a->parent;
		}
	}

	cq_plan_resets(snap);
	cq_plan_order(snap);
}
