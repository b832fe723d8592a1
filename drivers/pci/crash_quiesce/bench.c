// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark support for `make bench` (SPEC §9).  Built only into the
 * benchmark's module (make CQ_BENCH=y), never into the in-tree driver, and
 * never on the panic path.
 *
 * /sys/kernel/debug/pci_crash_quiesce/bench, root only:
 *
 *   write 1   measure, in process context under cq_lock, in this order:
 *             1. snapshot builds like the one at load, timed and freed;
 *             2. the accesses an ideal walk of the plan needs in the
 *                current device state (the floor's count), and its writes;
 *             3. the accesses the walk makes for endpoints alone: a dry
 *                run of cq_walk() over the endpoints of the plan; and the
 *                cost of one config read: the Vendor ID of every function,
 *                CQ_BENCH_READS times;
 *             4. in turns, each undone so that the next finds the devices
 *                as they were: the cost of one of the plan's writes (every
 *                Command and MSI/MSI-X control write the walk will make,
 *                timed together); the floor's quiesce part (an ideal walk
 *                that makes only the accesses the floor counts, knowing
 *                which capabilities are enabled); and ours, quiesce part
 *                (the real panic-path walk, cq_walk(), over a copy of the
 *                snapshot without its resets; not undone the last time);
 *             5. ours, reset part: the planned resets as cq_walk() makes
 *                them (assert all, one shared hold, release all);
 *             6. on the buses now reset, in turns, the shared resets again
 *                and the sequential way (per bridge: assert, hold, release,
 *                as pci_reset_secondary_bus() does), for their difference.
 *             Steps 3 to 6 run with interrupts off, as the panic path;
 *             3, 4 and 6 are repeated CQ_BENCH_REPEAT times and the
 *             fastest of each counts (in 4 also the median, which the
 *             report uses for ours and the floor).  The walk is split in
 *             two because a reset cannot be undone, and resetting live
 *             devices costs far more under emulation than resetting reset
 *             ones: step 5, the walk's own reset phase, is the only reset
 *             of live devices.
 *   read      key=value lines of the last measurement.
 *
 * Only for test machines: a measurement leaves every function quiesced and
 * every planned bus reset, so the drivers above them stop working.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/irqflags.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/nmi.h>
#include <linux/pci_regs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "core.h"

#define CQ_BENCH_BUILDS		5	/* snapshot builds timed */
#define CQ_BENCH_READS		1000	/* config reads per function */
#define CQ_BENCH_MAX_WRITES	3	/* Command, MSI, MSI-X per function */
#define CQ_BENCH_REPEAT		7	/* turns of each timed step; odd, for a median */
#define CQ_BENCH_MAX_FUNCS	4096	/* largest topology measured */

/**
 * struct cq_bench_result - one measurement, as printed by the bench file
 * @valid:          a measurement was made
 * @functions:      functions in the snapshot
 * @order:          functions the plan quiesces
 * @resets:         bridges the plan resets
 * @bridges:        functions with a secondary bus (all bridges)
 * @ecam_maps:      functions reached through an ECAM page mapping
 * @snapshot_bytes: size of the snapshot allocation
 * @build_ns_min:   fastest of the timed snapshot builds
 * @build_ns_sum:   all of them together
 * @floor_reads:    reads an ideal walk needs: ID and Command of every planned
 *                  function, the control word of every enabled MSI/MSI-X
 *                  capability, Bridge Control of every planned reset
 * @floor_writes:   writes an ideal walk needs: Command where it changes, every
 *                  enabled MSI/MSI-X capability, assert and release per reset
 * @enabled_caps:   MSI and MSI-X capabilities found enabled
 * @ep_enabled_caps: those of endpoints
 * @ep_dry:         a dry run of the walk over the planned endpoints only
 * @read_ns:        time of the timed reads (the fastest round)
 * @reads:          number of timed reads in a round
 * @write_ns:       time of the timed writes (the fastest round)
 * @writes:         number of timed writes in a round
 * @ideal_ns:       the floor's quiesce accesses, made (the fastest round)
 * @ideal_med_ns:   the same, the median round
 * @ideal_run:      their count
 * @quiesce:        the fastest real walk over the snapshot without resets
 * @quiesce_med_ns: the median of those walks' durations
 * @pair_permille:  per turn, the walk's time over the ideal accesses' time
 *                  in the same turn, in thousandths: min, median, max
 * @reset_ns:       the planned resets of live buses, our way
 * @reset_hold_ns:  the hold within @reset_ns
 * @reset_run:      config accesses of @reset_ns
 * @shared_ns:      the planned resets again, our way (the fastest)
 * @shared_run:     its config accesses
 * @seq_ns:         the planned resets again, one hold each (the fastest)
 * @seq_run:        its config accesses
 * @reset_hold_ms:  the hold every reset uses
 */
struct cq_bench_result {
	bool valid;
	u32 functions;
	u32 order;
	u32 resets;
	u32 bridges;
	u32 ecam_maps;
	size_t snapshot_bytes;
	u64 build_ns_min;
	u64 build_ns_sum;
	u32 floor_reads;
	u32 floor_writes;
	u32 enabled_caps;
	u32 ep_enabled_caps;
	struct cq_run ep_dry;
	u64 read_ns;
	u32 reads;
	u64 write_ns;
	u32 writes;
	u64 ideal_ns;
	u64 ideal_med_ns;
	struct cq_run ideal_run;
	struct cq_run quiesce;
	u64 quiesce_med_ns;
	u32 pair_permille[3];
	u64 reset_ns;
	u64 reset_hold_ns;
	struct cq_run reset_run;
	u64 shared_ns;
	struct cq_run shared_run;
	u64 seq_ns;
	struct cq_run seq_run;
	u32 reset_hold_ms;
};

/**
 * struct cq_bench_write - one config write of the plan, and how to undo it
 * @f:   the function
 * @reg: the register
 * @old: its value before
 * @val: the value the walk writes
 */
struct cq_bench_write {
	const struct cq_func *f;
	u16 reg;
	u16 old;
	u16 val;
};

/* The last measurement; under cq_lock, like everything below. */
static struct cq_bench_result cq_bench;
static struct dentry *cq_bench_file;
static struct cq_bench_write cq_bench_writes[CQ_BENCH_MAX_FUNCS * CQ_BENCH_MAX_WRITES];
/* Bridge Control of each planned reset, before the reset. */
static u16 cq_bench_ctl[CQ_BENCH_MAX_FUNCS];

/* Time snapshot builds like the one published at load; free them again. */
static int cq_bench_build(struct cq_bench_result *res)
{
	struct cq_snapshot *snap;
	unsigned int i;
	u64 t0, ns;

	res->build_ns_min = U64_MAX;
	for (i = 0; i < CQ_BENCH_BUILDS; i++) {
		t0 = ktime_get_ns();
		snap = cq_snapshot_build(&cq_settings, &cq_skip, 0);
		ns = ktime_get_ns() - t0;
		if (IS_ERR(snap))
			return PTR_ERR(snap);
		cq_snapshot_free(snap);
		res->build_ns_min = min(res->build_ns_min, ns);
		res->build_ns_sum += ns;
	}
	return 0;
}

/* Note a write the walk will make: it is in the floor and gets timed. */
static void cq_bench_want(struct cq_bench_result *res, const struct cq_func *f,
			  unsigned int reg, u16 old, u16 val)
{
	struct cq_bench_write *w = &cq_bench_writes[res->floor_writes++];

	w->f = f;
	w->reg = reg;
	w->old = old;
	w->val = val;
}

static bool cq_bench_is_endpoint(const struct cq_func *f)
{
	return f->type == CQ_TYPE_ENDPOINT || f->type == CQ_TYPE_RC_ENDPOINT;
}

/* A capability control word: read it, and write it if it is enabled. */
static void cq_bench_floor_cap(struct cq_bench_result *res, const struct cq_func *f,
			       unsigned int reg, u16 enable, struct cq_run *scratch)
{
	u16 ctl = cq_cfg_read16(f, reg, scratch);

	if (ctl == 0xffff || !(ctl & enable))
		return;
	res->enabled_caps++;
	if (cq_bench_is_endpoint(f))
		res->ep_enabled_caps++;
	res->floor_reads++;
	cq_bench_want(res, f, reg, ctl, ctl & ~enable);
}

/*
 * Count the accesses an ideal walk of the plan needs in the current device
 * state, and list its writes: the ID read that verifies a function, its
 * Command read and write (the write only if it changes anything), read and
 * write of each enabled MSI/MSI-X control word of a function that has Bus
 * Master on, and Bridge Control read, assert and release for each planned
 * reset.  The walk also reads the header type and the control words of
 * disabled capabilities of bus-mastering functions; the floor does not.
 */
static void cq_bench_floor(const struct cq_snapshot *snap, struct cq_bench_result *res)
{
	bool msi = snap->settings.msi;
	struct cq_run scratch = { };
	unsigned int k;
	u16 cmd, val;

	for (k = 0; k < snap->nr_order; k++) {
		const struct cq_func *f = &snap->func[snap->order[k]];

		res->floor_reads += 2;
		cmd = cq_cfg_read16(f, PCI_COMMAND, &scratch);
		if (cmd == 0xffff)
			continue;
		val = cmd & ~PCI_COMMAND_MASTER;
		if (msi)
			val |= PCI_COMMAND_INTX_DISABLE;
		if (val != cmd)
			cq_bench_want(res, f, PCI_COMMAND, cmd, val);
		/* as the walk: no MSI leaves a function without Bus Master */
		if (!msi || !(cmd & PCI_COMMAND_MASTER))
			continue;
		if (f->msi_cap)
			cq_bench_floor_cap(res, f, f->msi_cap + PCI_MSI_FLAGS,
					   PCI_MSI_FLAGS_ENABLE, &scratch);
		if (f->msix_cap)
			cq_bench_floor_cap(res, f, f->msix_cap + PCI_MSIX_FLAGS,
					   PCI_MSIX_FLAGS_ENABLE, &scratch);
	}
	res->floor_reads += snap->nr_resets;
}

/*
 * Cost of one read: each function's Vendor ID, CQ_BENCH_READS times, timed
 * per function with interrupts off.  Return: the time of all the reads.
 */
static u64 cq_bench_reads(const struct cq_snapshot *snap, struct cq_run *run)
{
	unsigned long flags;
	unsigned int i, n;
	u64 t0, ns = 0;

	for (i = 0; i < snap->nr; i++) {
		const struct cq_func *f = &snap->func[i];

		if (f->cfg.method == CQ_ACCESS_NONE)
			continue;
		local_irq_save(flags);
		t0 = ktime_get_ns();
		for (n = 0; n < CQ_BENCH_READS; n++)
			cq_cfg_read32(f, PCI_VENDOR_ID, run);
		ns += ktime_get_ns() - t0;
		local_irq_restore(flags);
		touch_nmi_watchdog();
	}
	return ns;
}

/* Put back what the plan's writes changed, last write first. */
static void cq_bench_undo(unsigned int nr)
{
	struct cq_run scratch = { };
	unsigned int k;

	for (k = nr; k-- > 0;)
		cq_cfg_write16(cq_bench_writes[k].f, cq_bench_writes[k].reg,
			       cq_bench_writes[k].old, &scratch);
}

/*
 * Cost of one of the plan's writes: make the quiesce writes the floor
 * listed, in plan order, timed together with interrupts off, then undo
 * them.  Their cost is the device's: under emulation, a Command write to a
 * bridge or a change of Bus Master rebuilds memory maps.
 * Return: the time of the @nr writes.
 */
static u64 cq_bench_plan_writes(unsigned int nr, struct cq_run *run)
{
	unsigned long flags;
	unsigned int k;
	u64 t0, ns;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (k = 0; k < nr; k++)
		cq_cfg_write16(cq_bench_writes[k].f, cq_bench_writes[k].reg,
			       cq_bench_writes[k].val, run);
	ns = ktime_get_ns() - t0;
	cq_bench_undo(nr);
	local_irq_restore(flags);
	touch_nmi_watchdog();
	return ns;
}

/*
 * The floor's quiesce part, made: for each planned function the ID read
 * and the Command read, then its listed writes, each MSI/MSI-X control
 * write after a read of the word.  Unlike the walk, it reads no header type
 * and no disabled capability (it knows from cq_bench_floor() which are
 * enabled), checks no budget and keeps no counts.  Then undone.
 * Return: the time of the accesses.
 */
static u64 cq_bench_ideal(const struct cq_snapshot *snap, unsigned int nr_writes,
			  struct cq_run *run)
{
	unsigned int k, w = 0;
	unsigned long flags;
	u64 t0, ns;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (k = 0; k < snap->nr_order; k++) {
		const struct cq_func *f = &snap->func[snap->order[k]];

		cq_cfg_read32(f, PCI_VENDOR_ID, run);
		cq_cfg_read16(f, PCI_COMMAND, run);
		for (; w < nr_writes && cq_bench_writes[w].f == f; w++) {
			const struct cq_bench_write *bw = &cq_bench_writes[w];

			if (bw->reg != PCI_COMMAND)
				cq_cfg_read16(f, bw->reg, run);
			cq_cfg_write16(f, bw->reg, bw->val, run);
		}
	}
	ns = ktime_get_ns() - t0;
	cq_bench_undo(nr_writes);
	local_irq_restore(flags);
	touch_nmi_watchdog();
	return ns;
}

/*
 * A copy of @snap that plans no resets, and with @endpoints only the
 * endpoints' quiesce steps, sealed.  Its ECAM mappings are @snap's: free it
 * with kvfree(), never cq_snapshot_free().
 */
static struct cq_snapshot *cq_bench_copy(const struct cq_snapshot *snap, bool endpoints)
{
	struct cq_snapshot *copy;
	unsigned int k, nr = 0;

	copy = kvmalloc(cq_snapshot_size(snap->nr), GFP_KERNEL);
	if (!copy)
		return NULL;
	memcpy(copy, snap, snap->size);
	cq_snapshot_init(copy, snap->nr);	/* point order/resets into the copy */
	copy->nr_resets = 0;
	copy->nr_fresets = 0;
	if (endpoints) {
		for (k = 0; k < copy->nr_order; k++)
			if (cq_bench_is_endpoint(&copy->func[copy->order[k]]))
				copy->order[nr++] = copy->order[k];
		copy->nr_order = nr;
	}
	cq_snapshot_seal(copy);
	return copy;
}

/* The accesses the walk makes for the planned endpoints: a dry run. */
static int cq_bench_endpoints(const struct cq_snapshot *snap, struct cq_run *run)
{
	struct cq_snapshot *copy = cq_bench_copy(snap, true);
	unsigned long flags;

	if (!copy)
		return -ENOMEM;
	local_irq_save(flags);
	cq_walk(copy, true, false, run);
	local_irq_restore(flags);
	kvfree(copy);
	return 0;
}

static int cq_bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The median of @n values (n odd); sorts them. */
static u64 cq_bench_median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), cq_bench_cmp_u64, NULL);
	return v[n / 2];
}

/* The walk's quiesce part over a copy without resets; undone unless @keep. */
static u64 cq_bench_walk(const struct cq_snapshot *copy, unsigned int nr_writes,
			 bool keep, struct cq_run *walk)
{
	unsigned long flags;

	local_irq_save(flags);
	cq_walk(copy, false, false, walk);
	if (!keep)
		cq_bench_undo(nr_writes);
	local_irq_restore(flags);
	touch_nmi_watchdog();
	return walk->duration_ns;
}

/*
 * In turns, the plan's writes alone, the floor's quiesce accesses and the
 * real walk over a copy of the snapshot that plans no resets (the panic
 * path's quiesce part, with its verification and budget checks),
 * CQ_BENCH_REPEAT of each: the fastest and the median count, and the ratio
 * of walk to ideal within each turn.  Ideal and walk swap places every
 * other turn so that neither always follows the other; the last turn ends
 * with the walk, which alone is not undone.
 */
static int cq_bench_quiesce(const struct cq_snapshot *snap, unsigned int nr_writes,
			    struct cq_bench_result *res)
{
	struct cq_snapshot *copy = cq_bench_copy(snap, false);
	u64 ideal[CQ_BENCH_REPEAT], walk[CQ_BENCH_REPEAT], pair[CQ_BENCH_REPEAT];
	struct cq_run run, w;
	unsigned int i;
	u64 ns;

	if (!copy)
		return -ENOMEM;
	for (i = 0; i < CQ_BENCH_REPEAT; i++) {
		bool walk_first = i & 1;

		memset(&run, 0, sizeof(run));
		ns = cq_bench_plan_writes(nr_writes, &run);
		if (!i || ns < res->write_ns)
			res->write_ns = ns;
		res->writes = run.config_writes;

		if (walk_first)
			walk[i] = cq_bench_walk(copy, nr_writes, false, &w);
		memset(&run, 0, sizeof(run));
		ideal[i] = cq_bench_ideal(snap, nr_writes, &run);
		res->ideal_run = run;
		if (!walk_first)
			walk[i] = cq_bench_walk(copy, nr_writes, i == CQ_BENCH_REPEAT - 1, &w);

		if (!i || ideal[i] < res->ideal_ns)
			res->ideal_ns = ideal[i];
		if (!i || walk[i] < res->quiesce.duration_ns)
			res->quiesce = w;
		pair[i] = ideal[i] ? div64_u64(walk[i] * 1000, ideal[i]) : 0;
	}
	kvfree(copy);
	res->ideal_med_ns = cq_bench_median(ideal, CQ_BENCH_REPEAT);
	res->quiesce_med_ns = cq_bench_median(walk, CQ_BENCH_REPEAT);
	res->pair_permille[1] = cq_bench_median(pair, CQ_BENCH_REPEAT);
	res->pair_permille[0] = pair[0];
	res->pair_permille[2] = pair[CQ_BENCH_REPEAT - 1];
	return 0;
}

/* mdelay() in 1 ms steps, touching the watchdog, as the panic path holds. */
static void cq_bench_hold(unsigned int ms)
{
	while (ms--) {
		mdelay(1);
		touch_nmi_watchdog();
	}
}

static void cq_bench_assert(const struct cq_snapshot *snap, unsigned int k,
			    struct cq_run *run)
{
	const struct cq_func *b = &snap->func[snap->resets[k]];
	u16 ctl = cq_cfg_read16(b, PCI_BRIDGE_CONTROL, run);

	cq_bench_ctl[k] = ctl & ~PCI_BRIDGE_CTL_BUS_RESET;
	cq_cfg_write16(b, PCI_BRIDGE_CONTROL, ctl | PCI_BRIDGE_CTL_BUS_RESET, run);
}

static void cq_bench_release(const struct cq_snapshot *snap, unsigned int k,
			     struct cq_run *run)
{
	cq_cfg_write16(&snap->func[snap->resets[k]], PCI_BRIDGE_CONTROL,
		       cq_bench_ctl[k], run);
}

/*
 * The planned resets our way, as cq_walk() makes them: assert all, hold
 * once, release all.  Return: the time; *hold_ns gets the hold's part.
 */
static u64 cq_bench_shared(const struct cq_snapshot *snap, struct cq_run *run,
			   u64 *hold_ns)
{
	unsigned long flags;
	unsigned int k;
	u64 t0, t1, t2, t3;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (k = 0; k < snap->nr_resets; k++)
		cq_bench_assert(snap, k, run);
	t1 = ktime_get_ns();
	if (snap->nr_resets)
		cq_bench_hold(snap->settings.reset_hold_ms);
	t2 = ktime_get_ns();
	for (k = 0; k < snap->nr_resets; k++)
		cq_bench_release(snap, k, run);
	t3 = ktime_get_ns();
	local_irq_restore(flags);
	if (hold_ns)
		*hold_ns = t2 - t1;
	return t3 - t0;
}

/* The planned resets one after the other, each with its own hold. */
static u64 cq_bench_sequential(const struct cq_snapshot *snap, struct cq_run *run)
{
	unsigned long flags;
	unsigned int k;
	u64 t0, ns;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (k = 0; k < snap->nr_resets; k++) {
		cq_bench_assert(snap, k, run);
		cq_bench_hold(snap->settings.reset_hold_ms);
		cq_bench_release(snap, k, run);
	}
	ns = ktime_get_ns() - t0;
	local_irq_restore(flags);
	return ns;
}

static int cq_bench_measure_locked(struct cq_bench_result *res)
{
	const struct cq_snapshot *snap = cq_snapshot_locked();
	unsigned int i, nr_writes;
	struct cq_run run;
	int err;
	u64 ns;

	if (!snap)
		return -ENODEV;
	if (snap->nr > CQ_BENCH_MAX_FUNCS)
		return -E2BIG;
	memset(res, 0, sizeof(*res));
	res->functions = snap->nr;
	res->order = snap->nr_order;
	res->resets = snap->nr_resets;
	res->snapshot_bytes = cq_snapshot_size(snap->nr);
	res->reset_hold_ms = snap->settings.reset_hold_ms;
	for (i = 0; i < snap->nr; i++) {
		if (snap->func[i].cfg.method == CQ_ACCESS_ECAM)
			res->ecam_maps++;
		if (snap->func[i].sub_bus)
			res->bridges++;
	}

	err = cq_bench_build(res);
	if (err)
		return err;
	cq_bench_floor(snap, res);
	nr_writes = res->floor_writes;
	res->floor_writes += 2 * snap->nr_resets;
	err = cq_bench_endpoints(snap, &res->ep_dry);
	if (err)
		return err;

	for (i = 0; i < CQ_BENCH_REPEAT; i++) {
		memset(&run, 0, sizeof(run));
		ns = cq_bench_reads(snap, &run);
		if (!i || ns < res->read_ns)
			res->read_ns = ns;
		res->reads = run.config_reads;
	}
	err = cq_bench_quiesce(snap, nr_writes, res);
	if (err)
		return err;
	res->reset_ns = cq_bench_shared(snap, &res->reset_run, &res->reset_hold_ns);
	for (i = 0; i < CQ_BENCH_REPEAT; i++) {
		memset(&res->shared_run, 0, sizeof(res->shared_run));
		ns = cq_bench_shared(snap, &res->shared_run, NULL);
		if (!i || ns < res->shared_ns)
			res->shared_ns = ns;
		memset(&res->seq_run, 0, sizeof(res->seq_run));
		ns = cq_bench_sequential(snap, &res->seq_run);
		if (!i || ns < res->seq_ns)
			res->seq_ns = ns;
	}
	res->valid = true;
	return 0;
}

static int cq_bench_show(struct seq_file *m, void *v)
{
	const struct cq_bench_result *r = &cq_bench;

	mutex_lock(&cq_lock);
	if (!r->valid) {
		seq_puts(m, "valid=0\n");
		goto out_unlock;
	}
	seq_puts(m, "valid=1\n");
	seq_printf(m, "functions=%u\norder=%u\nresets=%u\nbridges=%u\n",
		   r->functions, r->order, r->resets, r->bridges);
	seq_printf(m, "reset_hold_ms=%u\nrepeat=%u\n", r->reset_hold_ms, CQ_BENCH_REPEAT);
	seq_printf(m, "snapshot_bytes=%zu\nsnapshot_header_bytes=%zu\nfunc_bytes=%zu\n",
		   r->snapshot_bytes, sizeof(struct cq_snapshot), sizeof(struct cq_func));
	seq_printf(m, "ecam_maps=%u\necam_map_bytes=%lu\n", r->ecam_maps,
		   r->ecam_maps * PAGE_SIZE);
	seq_printf(m, "builds=%u\nbuild_ns_min=%llu\nbuild_ns_sum=%llu\n",
		   CQ_BENCH_BUILDS, r->build_ns_min, r->build_ns_sum);
	seq_printf(m, "floor_reads=%u\nfloor_writes=%u\nenabled_caps=%u\n",
		   r->floor_reads, r->floor_writes, r->enabled_caps);
	seq_printf(m, "endpoints=%u\nendpoint_reads=%u\nendpoint_writes=%u\nendpoint_enabled_caps=%u\n",
		   r->ep_dry.functions_quiesced, r->ep_dry.config_reads,
		   r->ep_dry.planned_writes, r->ep_enabled_caps);
	seq_printf(m, "read_count=%u\nread_ns=%llu\nwrite_count=%u\nwrite_ns=%llu\n",
		   r->reads, r->read_ns, r->writes, r->write_ns);
	seq_printf(m, "ideal_reads=%u\nideal_writes=%u\nideal_ns=%llu\nideal_med_ns=%llu\n",
		   r->ideal_run.config_reads, r->ideal_run.config_writes, r->ideal_ns,
		   r->ideal_med_ns);
	seq_printf(m, "quiesce_state=%s\nquiesce_abort=%s\n",
		   cq_state_name(r->quiesce.state), cq_abort_name(r->quiesce.abort));
	seq_printf(m, "quiesce_functions=%u\nquiesce_mismatched=%u\n",
		   r->quiesce.functions_quiesced, r->quiesce.mismatched);
	seq_printf(m, "quiesce_reads=%u\nquiesce_writes=%u\nquiesce_ns=%llu\nquiesce_med_ns=%llu\n",
		   r->quiesce.config_reads, r->quiesce.config_writes,
		   r->quiesce.duration_ns, r->quiesce_med_ns);
	seq_printf(m, "pair_permille_min=%u\npair_permille_med=%u\npair_permille_max=%u\n",
		   r->pair_permille[0], r->pair_permille[1], r->pair_permille[2]);
	seq_printf(m, "reset_reads=%u\nreset_writes=%u\nreset_ns=%llu\nreset_hold_ns=%llu\n",
		   r->reset_run.config_reads, r->reset_run.config_writes, r->reset_ns,
		   r->reset_hold_ns);
	seq_printf(m, "shared_reads=%u\nshared_writes=%u\nshared_ns=%llu\n",
		   r->shared_run.config_reads, r->shared_run.config_writes, r->shared_ns);
	seq_printf(m, "seq_reads=%u\nseq_writes=%u\nseq_ns=%llu\n",
		   r->seq_run.config_reads, r->seq_run.config_writes, r->seq_ns);
out_unlock:
	mutex_unlock(&cq_lock);
	return 0;
}

static int cq_bench_open(struct inode *inode, struct file *file)
{
	return single_open(file, cq_bench_show, NULL);
}

static ssize_t cq_bench_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	char buf[3] = { };
	int err;

	if (!count || count >= sizeof(buf) || copy_from_user(buf, ubuf, count) ||
	    (strcmp(buf, "1") && strcmp(buf, "1\n"))) {
		pr_err("bench: write 1 to measure; nothing else is accepted\n");
		return -EINVAL;
	}
	mutex_lock(&cq_lock);
	err = cq_bench_measure_locked(&cq_bench);
	mutex_unlock(&cq_lock);
	return err ? err : count;
}

static const struct file_operations cq_bench_fops = {
	.owner		= THIS_MODULE,
	.open		= cq_bench_open,
	.read		= seq_read,
	.write		= cq_bench_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/**
 * cq_bench_init() - create the bench file (benchmark builds only)
 *
 * Context: process context, after cq_debugfs_init().
 */
void cq_bench_init(void)
{
	struct dentry *dir = debugfs_lookup("pci_crash_quiesce", NULL);

	cq_bench_file = debugfs_create_file("bench", 0600, dir, NULL, &cq_bench_fops);
	dput(dir);
}

/**
 * cq_bench_exit() - remove the bench file
 *
 * Context: process context, before cq_debugfs_exit().
 */
void cq_bench_exit(void)
{
	debugfs_remove(cq_bench_file);
}
