// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for PCI crash quiesce: the planner, the skip parser, the
 * snapshot seal, and the lock-free accessors and crash-time walk against
 * fake ECAM pages (ordinary memory standing in for config space), as the
 * kernel compiles them.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/pci_regs.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

#define PCQ_TEST_MSI_CAP	0x50

struct pcq_test_fn {
	u8 bus;
	u8 devfn;
	u8 type;
	u8 hdr;
	u32 class;
	s16 parent;
	u16 flags;
};

static struct pcq_snapshot *pcq_test_build(struct kunit *test,
					   const struct pcq_test_fn *fns,
					 unsigned int nr, u8 reset,
					 const struct pcq_skip_list *skip)
{
	struct pcq_snapshot *snap;
	unsigned int i;

	snap = kunit_kzalloc(test, pcq_snapshot_size(nr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, snap);
	pcq_snapshot_init(snap, nr);
	snap->settings = (struct pcq_settings) {
		.reset = reset, .msi = true,
		.reset_hold_ms = 1, .budget_ms = 1000,
	};
	for (i = 0; i < nr; i++) {
		struct pcq_func *f = &snap->func[i];
		u8 *page = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, page);
		f->bus = fns[i].bus;
		f->devfn = fns[i].devfn;
		f->vendor = 0x1b36;
		f->device = 0x1000 + i;
		f->class_rev = fns[i].class << 8;
		f->pf = -1;
		f->type = fns[i].type;
		f->hdr_type = fns[i].hdr;
		f->parent = fns[i].parent;
		f->flags = fns[i].flags;
		f->msi_cap = PCQ_TEST_MSI_CAP;
		f->depth = fns[i].parent < 0 ? 0 : snap->func[fns[i].parent].depth + 1;
		f->ecam = (__force void __iomem *)page;
		/* IDs, header, Command with Bus Master on, MSI enabled */
		*(__le32 *)&page[PCI_VENDOR_ID] =
			cpu_to_le32((u32)f->device << 16 | f->vendor);
		*(__le32 *)&page[PCI_CLASS_REVISION] = cpu_to_le32(f->class_rev);
		page[PCI_HEADER_TYPE] = f->hdr_type;
		*(__le16 *)&page[PCI_COMMAND] =
			cpu_to_le16(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
		*(__le16 *)&page[PCQ_TEST_MSI_CAP + PCI_MSI_FLAGS] =
			cpu_to_le16(PCI_MSI_FLAGS_ENABLE);
	}
	pcq_plan(snap, skip);
	pcq_snapshot_seal(snap);
	return snap;
}

static u16 pcq_test_reg16(const struct pcq_func *f, unsigned int reg)
{
	return le16_to_cpu(*(__force __le16 *)(f->ecam + reg));
}

/* rp(00:01.0) -> usp(01:00.0) -> dsp(02:00.0) -> ep(03:00.0), dsp(02:01.0) -> ep(04:00.0) */
static const struct pcq_test_fn pcq_test_switch[] = {
	{ 0, 0x00, PCQ_TYPE_HOST_BRIDGE, 0, 0x060000, -1, 0 },
	{ 0, 0x08, PCQ_TYPE_ROOT_PORT, 1, 0x060400, -1, 0 },
	{ 1, 0x00, PCQ_TYPE_UPSTREAM_PORT, 1, 0x060400, 1, 0 },
	{ 2, 0x00, PCQ_TYPE_DOWNSTREAM_PORT, 1, 0x060400, 2, 0 },
	{ 2, 0x08, PCQ_TYPE_DOWNSTREAM_PORT, 1, 0x060400, 2, 0 },
	{ 3, 0x00, PCQ_TYPE_ENDPOINT, 0, 0x020000, 3, 0 },
	{ 4, 0x00, PCQ_TYPE_ENDPOINT, 0, 0x030000, 4, PCQ_F_VGA },
	{ 0, 0xf8, PCQ_TYPE_RC_ENDPOINT, 0, 0x010601, -1, 0 },
};

static void pcq_test_plan_switch(struct kunit *test)
{
	struct pcq_skip_list skip = { };
	struct pcq_snapshot *snap;

	snap = pcq_test_build(test, pcq_test_switch, ARRAY_SIZE(pcq_test_switch),
			      PCQ_RESET_AUTO, &skip);
	s32 order[8];
	u32 k = 0, n = 0;

	KUNIT_EXPECT_EQ(test, snap->step[0].action, PCQ_ACT_SKIP);
	KUNIT_EXPECT_EQ(test, snap->step[0].skip, PCQ_SKIP_HOST_BRIDGE);
	/* The VGA below 02:01.0 blocks the root port and the upstream port. */
	KUNIT_EXPECT_EQ(test, snap->step[1].why, PCQ_WHY_BLOCKED);
	KUNIT_EXPECT_EQ(test, snap->step[1].blocker, 6);
	KUNIT_EXPECT_EQ(test, snap->step[2].why, PCQ_WHY_BLOCKED);
	KUNIT_EXPECT_EQ(test, snap->step[3].action, PCQ_ACT_QUIESCE_RESET);
	KUNIT_EXPECT_EQ(test, snap->step[4].why, PCQ_WHY_BLOCKED);
	KUNIT_EXPECT_EQ(test, snap->step[5].reach, PCQ_REACH_BUS);
	KUNIT_EXPECT_EQ(test, snap->step[5].reset_by, 3);
	KUNIT_EXPECT_EQ(test, snap->nr_bus_resets, 1U);
	/* Children before parents, every endpoint before any bridge. */
	while (n < ARRAY_SIZE(order) && (order[n] = pcq_plan_next_quiesce(snap, &k)) >= 0)
		n++;
	KUNIT_ASSERT_EQ(test, n, 7U);
	KUNIT_EXPECT_EQ(test, snap->nr_quiesce, 7U);
	KUNIT_EXPECT_EQ(test, order[0], 7);
	KUNIT_EXPECT_EQ(test, order[1], 6);
	KUNIT_EXPECT_EQ(test, order[2], 5);
	KUNIT_EXPECT_EQ(test, order[3], 4);
	KUNIT_EXPECT_EQ(test, order[6], 1);
}

static void pcq_test_plan_skip_and_mode(struct kunit *test)
{
	struct pcq_skip_list skip = { };
	struct pcq_snapshot *snap;
	const char *bad;

	KUNIT_ASSERT_EQ(test, pcq_parse_skip("03:00.0", &skip, &bad), 0);
	snap = pcq_test_build(test, pcq_test_switch, ARRAY_SIZE(pcq_test_switch),
			      PCQ_RESET_AUTO, &skip);
	KUNIT_EXPECT_EQ(test, snap->step[5].skip, PCQ_SKIP_USER);
	KUNIT_EXPECT_EQ(test, snap->step[3].why, PCQ_WHY_BLOCKED);
	/* the skipped function keeps working: the bridges above keep Bus Master */
	KUNIT_EXPECT_TRUE(test, snap->step[3].keep_master);
	KUNIT_EXPECT_TRUE(test, snap->step[1].keep_master);
	KUNIT_EXPECT_FALSE(test, snap->step[4].keep_master);
	KUNIT_EXPECT_EQ(test, snap->nr_bus_resets, 0U);
	KUNIT_EXPECT_EQ(test, snap->nr_quiesce, 6U);

	skip.nr = 0;
	snap = pcq_test_build(test, pcq_test_switch, ARRAY_SIZE(pcq_test_switch),
			      PCQ_RESET_NONE, &skip);
	KUNIT_EXPECT_EQ(test, snap->nr_bus_resets, 0U);
	KUNIT_EXPECT_EQ(test, snap->step[3].why, PCQ_WHY_MODE);
}

static void pcq_test_parse(struct kunit *test)
{
	struct pcq_skip_list skip = { };
	const char *bad;
	char buf[64];

	KUNIT_EXPECT_EQ(test, pcq_parse_skip("0001:02:1f.7,8086:10d3\n", &skip, &bad), 0);
	KUNIT_EXPECT_EQ(test, skip.nr, 2U);
	pcq_format_skip(&skip, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "0001:02:1f.7,8086:10d3");
	KUNIT_EXPECT_EQ(test, pcq_parse_skip("02:20.0", &skip, &bad), -EINVAL);
	KUNIT_EXPECT_EQ(test, pcq_parse_skip("01:00.0,", &skip, &bad), -EINVAL);
	KUNIT_EXPECT_EQ(test, skip.nr, 2U);
	KUNIT_EXPECT_EQ(test, pcq_parse_skip("10000:01:00.0", &skip, &bad), 0);
	KUNIT_EXPECT_EQ(test, skip.entry[0].seg, 0x10000U);
}

static void pcq_test_seal(struct kunit *test)
{
	struct pcq_skip_list skip = { };
	struct pcq_snapshot *snap;

	snap = pcq_test_build(test, pcq_test_switch, ARRAY_SIZE(pcq_test_switch),
			      PCQ_RESET_AUTO, &skip);
	KUNIT_EXPECT_TRUE(test, pcq_snapshot_intact(snap));
	snap->func[4].bus ^= 1;
	KUNIT_EXPECT_FALSE(test, pcq_snapshot_intact(snap));
	snap->func[4].bus ^= 1;
	KUNIT_EXPECT_TRUE(test, pcq_snapshot_intact(snap));
	snap->nr = PCQ_NR_SANITY + 1;
	KUNIT_EXPECT_FALSE(test, pcq_snapshot_intact(snap));
}

static void pcq_test_walk(struct kunit *test)
{
	struct pcq_skip_list skip = { };
	struct pcq_snapshot *snap;
	struct pcq_run run;
	unsigned int i;

	snap = pcq_test_build(test, pcq_test_switch, ARRAY_SIZE(pcq_test_switch),
			      PCQ_RESET_AUTO, &skip);

	pcq_walk(snap, pcq_snapshot_state(snap), PCQ_WALK_DRY_RUN, &run);
	KUNIT_EXPECT_EQ(test, run.state, PCQ_STATE_DRY_RUN);
	KUNIT_EXPECT_EQ(test, run.config_writes, 0U);
	KUNIT_EXPECT_EQ(test, pcq_test_reg16(&snap->func[5], PCI_COMMAND),
			PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	/* Command and MSI on 7 functions, SBR assert and release on one bridge */
	KUNIT_EXPECT_EQ(test, run.planned_writes, 7U * 2 + 2);

	pcq_walk(snap, pcq_snapshot_state(snap), PCQ_WALK_PANIC, &run);
	KUNIT_EXPECT_EQ(test, run.state, PCQ_STATE_DONE);
	KUNIT_EXPECT_EQ(test, run.functions_quiesced, 7U);
	KUNIT_EXPECT_EQ(test, run.bridges_reset, 1U);
	KUNIT_EXPECT_EQ(test, run.config_writes, 7U * 2 + 2);
	for (i = 1; i < snap->nr; i++) {
		KUNIT_EXPECT_EQ(test, pcq_test_reg16(&snap->func[i], PCI_COMMAND),
				PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
		KUNIT_EXPECT_EQ(test, pcq_test_reg16(&snap->func[i],
						     PCQ_TEST_MSI_CAP + PCI_MSI_FLAGS), 0);
	}
	/* The skipped host bridge is untouched; SBR was released. */
	KUNIT_EXPECT_EQ(test, pcq_test_reg16(&snap->func[0], PCI_COMMAND),
			PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	KUNIT_EXPECT_EQ(test, pcq_test_reg16(&snap->func[3], PCI_BRIDGE_CONTROL), 0);
}

static void pcq_test_walk_mismatch_and_corrupt(struct kunit *test)
{
	struct pcq_skip_list skip = { };
	struct pcq_snapshot *snap;
	struct pcq_run run;

	snap = pcq_test_build(test, pcq_test_switch, ARRAY_SIZE(pcq_test_switch),
			      PCQ_RESET_AUTO, &skip);
	/* 03:00.0 vanished: reads all-ones */
	memset((__force void *)snap->func[5].ecam, 0xff, PCI_STD_HEADER_SIZEOF);
	/* the reset bridge was replaced by another device */
	*(__force __le16 *)(snap->func[3].ecam + PCI_DEVICE_ID) = cpu_to_le16(0xbeef);
	pcq_walk(snap, pcq_snapshot_state(snap), PCQ_WALK_PANIC, &run);
	KUNIT_EXPECT_EQ(test, run.mismatched, 2U);
	KUNIT_EXPECT_EQ(test, run.skipped, 3U);
	KUNIT_EXPECT_EQ(test, run.bridges_reset, 0U);
	KUNIT_EXPECT_EQ(test, pcq_test_reg16(&snap->func[3], PCI_COMMAND),
			PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);

	snap->func[1].vendor = 0;
	pcq_walk(snap, pcq_snapshot_state(snap), PCQ_WALK_PANIC, &run);
	KUNIT_EXPECT_EQ(test, run.state, PCQ_STATE_ABORTED);
	KUNIT_EXPECT_EQ(test, run.abort, PCQ_ABORT_CORRUPT);
	KUNIT_EXPECT_EQ(test, run.config_reads + run.config_writes, 0U);
}

/*
 * A rebuild that fails (here: the build's -ENOMEM handed in) keeps the
 * published snapshot and marks it stale; the next one that works clears
 * the mark.  On the driver's own live state, under its lock, and left as
 * it was found but for the generation.
 */
static void pcq_test_stale(struct kunit *test)
{
	const struct pcq_snapshot *before;
	struct pcq_snapshot *copy;
	struct pcq_params params;

	pcq_params_get(&params);
	pcq_lock_state();
	before = pcq_snapshot_locked();
	if (!before) {
		pcq_unlock_state();
		kunit_skip(test, "no snapshot published");
	}
	KUNIT_EXPECT_EQ(test, pcq_take_locked(ERR_PTR(-ENOMEM)), -ENOMEM);
	KUNIT_EXPECT_PTR_EQ(test, pcq_snapshot_locked(), before);
	KUNIT_EXPECT_EQ(test, pcq_snapshot_stale_locked(), -ENOMEM);
	copy = pcq_snapshot_replan(before, &before->settings, &params.skip,
				   before->generation + 1, -1);
	if (IS_ERR(copy)) {
		pcq_unlock_state();
		KUNIT_FAIL(test, "no memory for a copy of the snapshot");
		return;
	}
	KUNIT_EXPECT_EQ(test, pcq_take_locked(copy), 0);
	KUNIT_EXPECT_PTR_EQ(test, pcq_snapshot_locked(), (const struct pcq_snapshot *)copy);
	KUNIT_EXPECT_EQ(test, pcq_snapshot_stale_locked(), 0);
	pcq_unlock_state();
}

/*
 * A root-bus function on its way out: the copy planned without it leaves
 * it, and everything below it, without an accessor, skipped as removed;
 * the other functions keep theirs.  On the live snapshot, not published.
 */
static void pcq_test_forget(struct kunit *test)
{
	const struct pcq_snapshot *snap;
	struct pcq_snapshot *copy;
	struct pci_dev *gone = NULL;
	unsigned int i, removed = 0, kept = 0;
	struct pcq_params params;
	int at = -1;
	u8 sec, sub;

	pcq_params_get(&params);
	pcq_lock_state();
	snap = pcq_snapshot_locked();
	while (snap && (gone = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, gone)))
		if (pci_is_root_bus(gone->bus) && gone->subordinate)
			break;
	for (i = 0; gone && i < snap->nr && at < 0; i++)
		if (snap->func[i].seg == pci_domain_nr(gone->bus) &&
		    snap->func[i].bus == gone->bus->number && snap->func[i].devfn == gone->devfn)
			at = i;
	if (at < 0) {
		pcq_unlock_state();
		pci_dev_put(gone);
		kunit_skip(test, "no root port to forget");
	}
	/* what to expect, from the live port; the forget itself uses no pci_dev */
	sec = gone->subordinate->number;
	sub = gone->subordinate->busn_res.end;
	copy = pcq_snapshot_replan(snap, &snap->settings, &params.skip, snap->generation, at);
	if (IS_ERR(copy)) {
		pcq_unlock_state();
		pci_dev_put(gone);
		KUNIT_FAIL(test, "replan failed: %ld", PTR_ERR(copy));
		return;
	}
	for (i = 0; i < copy->nr; i++) {
		const struct pcq_func *f = &copy->func[i];
		bool below = f->seg == snap->func[at].seg && f->bus >= sec && f->bus <= sub;

		if ((int)i == at || below) {
			KUNIT_EXPECT_STREQ(test, pcq_access_name(f), "none");
			KUNIT_EXPECT_EQ(test, copy->step[i].action, PCQ_ACT_SKIP);
			KUNIT_EXPECT_EQ(test, copy->step[i].skip, PCQ_SKIP_REMOVED);
			removed++;
		} else if (!strcmp(pcq_access_name(f), pcq_access_name(&snap->func[i]))) {
			kept++;
		}
	}
	pcq_unlock_state();
	KUNIT_EXPECT_GE(test, removed, 1U);
	KUNIT_EXPECT_EQ(test, removed + kept, copy->nr);
	KUNIT_EXPECT_TRUE(test, pcq_snapshot_intact(copy));
	pci_dev_put(gone);
	kvfree(copy);
}

static struct kunit_case pcq_test_cases[] = {
	KUNIT_CASE(pcq_test_stale),
	KUNIT_CASE(pcq_test_forget),
	KUNIT_CASE(pcq_test_plan_switch),
	KUNIT_CASE(pcq_test_plan_skip_and_mode),
	KUNIT_CASE(pcq_test_parse),
	KUNIT_CASE(pcq_test_seal),
	KUNIT_CASE(pcq_test_walk),
	KUNIT_CASE(pcq_test_walk_mismatch_and_corrupt),
	{}
};

static struct kunit_suite pcq_test_suite = {
	.name = "pci_crash_quiesce",
	.test_cases = pcq_test_cases,
};

kunit_test_suite(pcq_test_suite);
