// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's module for `make bench` (SPEC §9): pci_crash_quiesce_bench.ko,
 * this file linked with the driver's own snapshot, plan, seal, accessor and
 * walk objects (tests/bench/module/Kbuild), so that what it measures is the
 * real walk.  Never part of the driver.
 *
 * /sys/kernel/debug/pci_crash_quiesce_bench/bench, root only:
 *
 *   write 1   measure, in process context under pcq_lock, in this order:
 *             0. take a snapshot of the topology as the driver does at load
 *                (default settings, budget_ms 10000), kept until the next
 *                measurement;
 *             1. snapshot builds like it, timed and freed;
 *             2. the accesses an ideal walk of the plan needs in the
 *                current device state (the floor's count), and its writes;
 *                for a function reset, the read that tells whether
 *                transactions are pending and the reset's write;
 *             3. the accesses the walk makes for endpoints alone: a dry
 *                run of pcq_walk() over the endpoints of the plan; and the
 *                cost of one config read: the Vendor ID of every function,
 *                PCQ_BENCH_READS times;
 *             4. in turns, each undone so that the next finds the devices
 *                as they were: the cost of one of the plan's writes (every
 *                Command and MSI/MSI-X control write the walk will make,
 *                timed together); the floor's quiesce part (an ideal walk
 *                that makes only the accesses the floor counts, knowing
 *                which capabilities are enabled); and ours, quiesce part
 *                (the real panic-path walk, pcq_walk(), over a copy of the
 *                snapshot without its resets);
 *             5. ours, function resets: pcq_walk() over a copy of the
 *                snapshot without its bus resets, that is the quiesce
 *                part again and then the function resets (FLR, PM) of
 *                the functions no bus reset reaches; its accesses less
 *                the quiesce part's are the function resets' own;
 *             6. ours, bus resets: pcq_walk() over a copy of the snapshot
 *                that plans the bus resets alone (assert all, one shared
 *                hold, release all);
 *             7. on the buses now reset, in turns, ours again and the
 *                sequential way (per bridge: assert, hold, release, as
 *                pci_reset_secondary_bus() does), for their difference.
 *             Steps 3 to 7 run with interrupts off, as the panic path;
 *             3, 4 and 7 are repeated PCQ_BENCH_REPEAT times and the
 *             fastest of each counts (in 4 also the median, which the
 *             report uses for ours and the floor).  The walk is split
 *             because a reset cannot be undone, and resetting live
 *             devices costs far more under emulation than resetting reset
 *             ones: steps 5 and 6, the walk's own reset phases, are the
 *             only resets of live devices.
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
#include <linux/kstrtox.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nmi.h>
#include <linux/pci.h>
#include <linux/pci_regs.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "core.h"

/* The driver's state lock, which its ECAM code asserts: here, the bench's own. */
static DEFINE_MUTEX(pcq_lock);

/**
 * pcq_assert_locked() - the bench's stand-in for core.c's
 *
 * Context: process context.
 */
void pcq_assert_locked(void)
{
	lockdep_assert_held(&pcq_lock);
}

/* The driver's defaults; pcq_bench_init() sets a budget the walk never
 * runs out of under TCG.
 */
static struct pcq_settings pcq_bench_settings = PCQ_SETTINGS_DEFAULT;

static const struct pcq_skip_list pcq_bench_skip;

#define PCQ_BENCH_BUILDS		5	/* snapshot builds timed */
#define PCQ_BENCH_READS		1000	/* config reads per function */
#define PCQ_BENCH_MAX_WRITES	3	/* Command, MSI, MSI-X per function */
#define PCQ_BENCH_REPEAT		7	/* turns of each timed step; odd, for a median */
#define PCQ_BENCH_MAX_FUNCS	4096	/* largest topology measured */

/**
 * struct pcq_bench_result - one measurement, as printed by the bench file
 * @valid:          a measurement was made
 * @functions:      functions in the snapshot
 * @order:          functions the plan quiesces
 * @resets:         bridges the plan resets
 * @bridges:        functions with a secondary bus (all bridges)
 * @ecam_maps:      distinct buses whose ECAM mapping the functions use (x86
 *                  out of tree: each one 1 MiB mapped once, compat/ecam.c)
 * @snapshot_bytes: size of the snapshot allocation
 * @build_ns_min:   fastest of the timed snapshot builds
 * @build_ns_sum:   all of them together
 * @floor_reads:    reads an ideal walk needs: ID and Command of every planned
 *                  function, the control word of every enabled MSI/MSI-X
 *                  capability, Bridge Control of every planned reset, Device
 *                  Control/Status of each bus-mastering function to reset
 * @floor_writes:   writes an ideal walk needs: Command where it changes, every
 *                  enabled MSI/MSI-X capability, assert and release per reset,
 *                  the reset of each bus-mastering function to reset
 * @fresets:        functions the plan resets one by one (FLR, PM)
 * @fn_master:      those with Bus Master on: the ones the walk resets
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
 * @fn_run:         the walk without bus resets: quiesce, then function resets
 * @reset_ns:       the planned resets of live buses, our way
 * @reset_hold_ns:  the hold within @reset_ns
 * @reset_run:      config accesses of @reset_ns
 * @shared_ns:      the planned resets again, our way (the fastest)
 * @shared_run:     its config accesses
 * @seq_ns:         the planned resets again, one hold each (the fastest)
 * @seq_run:        its config accesses
 * @reset_hold_ms:  the hold every reset uses
 */
struct pcq_bench_result {
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
	u32 fresets;
	u32 fn_master;
	u32 enabled_caps;
	u32 ep_enabled_caps;
	struct pcq_run ep_dry;
	u64 read_ns;
	u32 reads;
	u64 write_ns;
	u32 writes;
	u64 ideal_ns;
	u64 ideal_med_ns;
	struct pcq_run ideal_run;
	struct pcq_run quiesce;
	u64 quiesce_med_ns;
	u32 pair_permille[3];
	struct pcq_run fn_run;
	u64 reset_ns;
	u64 reset_hold_ns;
	struct pcq_run reset_run;
	u64 shared_ns;
	struct pcq_run shared_run;
	u64 seq_ns;
	struct pcq_run seq_run;
	u32 reset_hold_ms;
};

/**
 * struct pcq_bench_write - one config write of the plan, and how to undo it
 * @f:   the function
 * @reg: the register
 * @old: its value before
 * @val: the value the walk writes
 */
struct pcq_bench_write {
	const struct pcq_func *f;
	u16 reg;
	u16 old;
	u16 val;
};

/* The last measurement; under pcq_lock, like everything below. */
static struct pcq_bench_result pcq_bench;
static struct dentry *pcq_bench_dir;
static struct pcq_snapshot *pcq_bench_snap;
static struct pcq_bench_write pcq_bench_writes[PCQ_BENCH_MAX_FUNCS * PCQ_BENCH_MAX_WRITES];
/* Bridge Control of each planned reset, before the reset. */
static u16 pcq_bench_ctl[PCQ_BENCH_MAX_FUNCS];

/*
 * The plan of pcq_bench_snap as lists, in the walk's order: the functions
 * to quiesce, the bridges to reset, the functions to reset one by one.
 */
static u32 pcq_bench_order[PCQ_BENCH_MAX_FUNCS], pcq_bench_nr_order;
static u32 pcq_bench_resets[PCQ_BENCH_MAX_FUNCS], pcq_bench_nr_resets;
static u32 pcq_bench_fresets[PCQ_BENCH_MAX_FUNCS], pcq_bench_nr_fresets;

static void pcq_bench_lists(const struct pcq_snapshot *snap)
{
	u32 i, k;
	s32 n;

	pcq_bench_nr_order = 0;
	for (k = 0; (n = pcq_plan_next_quiesce(snap, &k)) >= 0; )
		pcq_bench_order[pcq_bench_nr_order++] = n;
	pcq_bench_nr_fresets = 0;
	for (k = 0; (n = pcq_plan_next_fn_reset(snap, &k)) >= 0; )
		pcq_bench_fresets[pcq_bench_nr_fresets++] = n;
	pcq_bench_nr_resets = 0;
	for (i = 0; i < snap->nr; i++)
		if (snap->step[i].action == PCQ_ACT_QUIESCE_RESET)
			pcq_bench_resets[pcq_bench_nr_resets++] = i;
}

/* Time snapshot builds like the one published at load; free them again. */
static int pcq_bench_build(struct pcq_bench_result *res)
{
	struct pcq_snapshot *snap;
	unsigned int i;
	u64 t0, ns;

	res->build_ns_min = U64_MAX;
	for (i = 0; i < PCQ_BENCH_BUILDS; i++) {
		t0 = ktime_get_ns();
		snap = pcq_snapshot_build(&pcq_bench_settings, &pcq_bench_skip, 0);
		ns = ktime_get_ns() - t0;
		if (IS_ERR(snap))
			return PTR_ERR(snap);
		pcq_snapshot_free(snap);
		res->build_ns_min = min(res->build_ns_min, ns);
		res->build_ns_sum += ns;
	}
	return 0;
}

/* Note a write the walk will make: it is in the floor and gets timed. */
static void pcq_bench_want(struct pcq_bench_result *res, const struct pcq_func *f,
			   unsigned int reg, u16 old, u16 val)
{
	struct pcq_bench_write *w = &pcq_bench_writes[res->floor_writes++];

	w->f = f;
	w->reg = reg;
	w->old = old;
	w->val = val;
}

static bool pcq_bench_is_endpoint(const struct pcq_func *f)
{
	return f->type == PCQ_TYPE_ENDPOINT || f->type == PCQ_TYPE_RC_ENDPOINT;
}

/* A capability control word: read it, and write it if it is enabled. */
static void pcq_bench_floor_cap(struct pcq_bench_result *res, const struct pcq_func *f,
				unsigned int reg, u16 enable, struct pcq_run *scratch)
{
	u16 ctl = pcq_cfg_read16(f, reg, scratch);

	if (ctl == 0xffff || !(ctl & enable))
		return;
	res->enabled_caps++;
	if (pcq_bench_is_endpoint(f))
		res->ep_enabled_caps++;
	res->floor_reads++;
	pcq_bench_want(res, f, reg, ctl, ctl & ~enable);
}

/*
 * Count the accesses an ideal walk of the plan needs in the current device
 * state, and list its writes: the ID read that verifies a function, its
 * Command read and write (the write only if it changes anything), read and
 * write of each enabled MSI/MSI-X control word of a function that has Bus
 * Master on, Bridge Control read, assert and release for each planned
 * reset, and for each function to reset that has Bus Master on, the read
 * that tells whether it has transactions pending (PCIe r6.0 sec 6.6.2
 * asks for none before an FLR) and the reset's write.  The walk also reads
 * the header type of a bridge to reset and the control words of disabled
 * capabilities of bus-mastering functions; the floor does not.  The
 * function resets' writes are counted, not listed: they cannot be undone.
 */
static void pcq_bench_floor(const struct pcq_snapshot *snap, struct pcq_bench_result *res)
{
	bool msi = snap->settings.msi;
	struct pcq_run scratch = { };
	unsigned int k;
	u16 cmd, val;

	for (k = 0; k < pcq_bench_nr_order; k++) {
		const struct pcq_func *f = &snap->func[pcq_bench_order[k]];

		res->floor_reads += 2;
		cmd = pcq_cfg_read16(f, PCI_COMMAND, &scratch);
		if (cmd == 0xffff)
			continue;
		val = cmd & ~PCI_COMMAND_MASTER;
		if (msi)
			val |= PCI_COMMAND_INTX_DISABLE;
		if (val != cmd)
			pcq_bench_want(res, f, PCI_COMMAND, cmd, val);
		/* as the walk: no MSI leaves a function without Bus Master */
		if (!msi || !(cmd & PCI_COMMAND_MASTER))
			continue;
		if (f->msi_cap)
			pcq_bench_floor_cap(res, f, f->msi_cap + PCI_MSI_FLAGS,
					    PCI_MSI_FLAGS_ENABLE, &scratch);
		if (f->msix_cap)
			pcq_bench_floor_cap(res, f, f->msix_cap + PCI_MSIX_FLAGS,
					    PCI_MSIX_FLAGS_ENABLE, &scratch);
	}
	res->floor_reads += pcq_bench_nr_resets;
	res->fresets = pcq_bench_nr_fresets;
	for (k = 0; k < pcq_bench_nr_fresets; k++) {
		cmd = pcq_cfg_read16(&snap->func[pcq_bench_fresets[k]], PCI_COMMAND, &scratch);
		if (cmd != 0xffff && (cmd & PCI_COMMAND_MASTER))
			res->fn_master++;
	}
	res->floor_reads += res->fn_master;
}

/*
 * Cost of one read: each function's Vendor ID, PCQ_BENCH_READS times, timed
 * per function with interrupts off.  Return: the time of all the reads.
 */
static u64 pcq_bench_reads(const struct pcq_snapshot *snap, struct pcq_run *run)
{
	unsigned long flags;
	unsigned int i, n;
	u64 t0, ns = 0;

	for (i = 0; i < snap->nr; i++) {
		const struct pcq_func *f = &snap->func[i];

		if (!f->ecam && !(f->flags & PCQ_F_CONF1))
			continue;
		local_irq_save(flags);
		t0 = ktime_get_ns();
		for (n = 0; n < PCQ_BENCH_READS; n++)
			pcq_cfg_read32(f, PCI_VENDOR_ID, run);
		ns += ktime_get_ns() - t0;
		local_irq_restore(flags);
		touch_nmi_watchdog();
	}
	return ns;
}

/* Put back what the plan's writes changed, last write first. */
static void pcq_bench_undo(unsigned int nr)
{
	struct pcq_run scratch = { };
	unsigned int k;

	for (k = nr; k-- > 0;)
		pcq_cfg_write16(pcq_bench_writes[k].f, pcq_bench_writes[k].reg,
				pcq_bench_writes[k].old, &scratch);
}

/*
 * Cost of one of the plan's writes: make the quiesce writes the floor
 * listed, in plan order, timed together with interrupts off, then undo
 * them.  Their cost is the device's: under emulation, a Command write to a
 * bridge or a change of Bus Master rebuilds memory maps.
 * Return: the time of the @nr writes.
 */
static u64 pcq_bench_plan_writes(unsigned int nr, struct pcq_run *run)
{
	unsigned long flags;
	unsigned int k;
	u64 t0, ns;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (k = 0; k < nr; k++)
		pcq_cfg_write16(pcq_bench_writes[k].f, pcq_bench_writes[k].reg,
				pcq_bench_writes[k].val, run);
	ns = ktime_get_ns() - t0;
	pcq_bench_undo(nr);
	local_irq_restore(flags);
	touch_nmi_watchdog();
	return ns;
}

/*
 * The floor's quiesce part, made: for each planned function the ID read
 * and the Command read, then its listed writes, each MSI/MSI-X control
 * write after a read of the word.  Unlike the walk, it reads no header type
 * of a reset bridge and no disabled capability (it knows from pcq_bench_floor() which are
 * enabled), checks no budget and keeps no counts.  Then undone.
 * Return: the time of the accesses.
 */
static u64 pcq_bench_ideal(const struct pcq_snapshot *snap, unsigned int nr_writes,
			   struct pcq_run *run)
{
	unsigned int k, w = 0;
	unsigned long flags;
	u64 t0, ns;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (k = 0; k < pcq_bench_nr_order; k++) {
		const struct pcq_func *f = &snap->func[pcq_bench_order[k]];

		pcq_cfg_read32(f, PCI_VENDOR_ID, run);
		pcq_cfg_read16(f, PCI_COMMAND, run);
		for (; w < nr_writes && pcq_bench_writes[w].f == f; w++) {
			const struct pcq_bench_write *bw = &pcq_bench_writes[w];

			if (bw->reg != PCI_COMMAND)
				pcq_cfg_read16(f, bw->reg, run);
			pcq_cfg_write16(f, bw->reg, bw->val, run);
		}
	}
	ns = ktime_get_ns() - t0;
	pcq_bench_undo(nr_writes);
	local_irq_restore(flags);
	touch_nmi_watchdog();
	return ns;
}

enum pcq_bench_part {
	PCQ_BENCH_QUIESCE,	/* the quiesce steps, no reset */
	PCQ_BENCH_FN_RESETS,	/* the quiesce steps, then the function resets */
	PCQ_BENCH_ENDPOINTS,	/* the endpoints' quiesce steps alone */
	PCQ_BENCH_BUS_RESETS,	/* the bus resets alone */
};

/*
 * A copy of @snap that plans only @part of the walk, sealed, for pcq_walk().
 * Its ECAM mappings are @snap's: free it with kvfree().
 */
static struct pcq_snapshot *pcq_bench_copy(const struct pcq_snapshot *snap,
					   enum pcq_bench_part part)
{
	struct pcq_snapshot *copy;
	unsigned int k;

	copy = kvmalloc(pcq_snapshot_size(snap->nr), GFP_KERNEL);
	if (!copy)
		return NULL;
	memcpy(copy, snap, snap->size);
	pcq_snapshot_init(copy, snap->nr);	/* point the plan into the copy */
	copy->nr_quiesce = 0;
	copy->nr_bus_resets = 0;
	copy->nr_fn_resets = 0;
	for (k = 0; k < copy->nr; k++) {
		struct pcq_step *st = &copy->step[k];

		if (part != PCQ_BENCH_FN_RESETS && pcq_own_reset(st))
			st->reach = PCQ_REACH_NONE;
		if (part == PCQ_BENCH_BUS_RESETS && st->action != PCQ_ACT_QUIESCE_RESET)
			st->action = PCQ_ACT_SKIP;
		if (part != PCQ_BENCH_BUS_RESETS && st->action == PCQ_ACT_QUIESCE_RESET)
			st->action = PCQ_ACT_QUIESCE;
		if (part == PCQ_BENCH_ENDPOINTS && !pcq_bench_is_endpoint(&copy->func[k]))
			st->action = PCQ_ACT_SKIP;
		copy->nr_quiesce += st->action != PCQ_ACT_SKIP;
		copy->nr_bus_resets += st->action == PCQ_ACT_QUIESCE_RESET;
		copy->nr_fn_resets += pcq_own_reset(st);
	}
	pcq_snapshot_seal(copy);
	return copy;
}

/*
 * pcq_walk() over a copy of @snap that plans only @part, with interrupts
 * off as on the panic path; a real run is not undone.
 */
static int pcq_bench_walk_part(const struct pcq_snapshot *snap, enum pcq_bench_part part,
			       bool dry_run, struct pcq_run *run)
{
	struct pcq_snapshot *copy = pcq_bench_copy(snap, part);
	unsigned long flags;

	if (!copy)
		return -ENOMEM;
	local_irq_save(flags);
	pcq_walk(copy, pcq_snapshot_state(copy), dry_run ? PCQ_WALK_DRY_RUN : PCQ_WALK_PANIC,
		 run);
	local_irq_restore(flags);
	touch_nmi_watchdog();
	kvfree(copy);
	return 0;
}

static int pcq_bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The median of @n values (n odd); sorts them. */
static u64 pcq_bench_median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), pcq_bench_cmp_u64, NULL);
	return v[n / 2];
}

/* The walk's quiesce part over a copy without resets, then undone. */
static u64 pcq_bench_walk(struct pcq_snapshot *copy, unsigned int nr_writes,
			  struct pcq_run *walk)
{
	unsigned long flags;

	local_irq_save(flags);
	pcq_walk(copy, pcq_snapshot_state(copy), PCQ_WALK_PANIC, walk);
	pcq_bench_undo(nr_writes);
	local_irq_restore(flags);
	touch_nmi_watchdog();
	return walk->duration_ns;
}

/*
 * In turns, the plan's writes alone, the floor's quiesce accesses and the
 * real walk over a copy of the snapshot that plans no resets (the panic
 * path's quiesce part, with its verification and budget checks),
 * PCQ_BENCH_REPEAT of each: the fastest and the median count, and the ratio
 * of walk to ideal within each turn.  Ideal and walk swap places every
 * other turn so that neither always follows the other.
 */
static int pcq_bench_quiesce(const struct pcq_snapshot *snap, unsigned int nr_writes,
			     struct pcq_bench_result *res)
{
	struct pcq_snapshot *copy = pcq_bench_copy(snap, PCQ_BENCH_QUIESCE);
	u64 ideal[PCQ_BENCH_REPEAT], walk[PCQ_BENCH_REPEAT], pair[PCQ_BENCH_REPEAT];
	struct pcq_run run, w;
	unsigned int i;
	u64 ns;

	if (!copy)
		return -ENOMEM;
	for (i = 0; i < PCQ_BENCH_REPEAT; i++) {
		bool walk_first = i & 1;

		memset(&run, 0, sizeof(run));
		ns = pcq_bench_plan_writes(nr_writes, &run);
		if (!i || ns < res->write_ns)
			res->write_ns = ns;
		res->writes = run.config_writes;

		if (walk_first)
			walk[i] = pcq_bench_walk(copy, nr_writes, &w);
		memset(&run, 0, sizeof(run));
		ideal[i] = pcq_bench_ideal(snap, nr_writes, &run);
		res->ideal_run = run;
		if (!walk_first)
			walk[i] = pcq_bench_walk(copy, nr_writes, &w);

		if (!i || ideal[i] < res->ideal_ns)
			res->ideal_ns = ideal[i];
		if (!i || walk[i] < res->quiesce.duration_ns)
			res->quiesce = w;
		pair[i] = ideal[i] ? div64_u64(walk[i] * 1000, ideal[i]) : 0;
	}
	kvfree(copy);
	res->ideal_med_ns = pcq_bench_median(ideal, PCQ_BENCH_REPEAT);
	res->quiesce_med_ns = pcq_bench_median(walk, PCQ_BENCH_REPEAT);
	res->pair_permille[1] = pcq_bench_median(pair, PCQ_BENCH_REPEAT);
	res->pair_permille[0] = pair[0];
	res->pair_permille[2] = pair[PCQ_BENCH_REPEAT - 1];
	return 0;
}

/* mdelay() in 1 ms steps, touching the watchdog, as the panic path holds. */
static void pcq_bench_hold(unsigned int ms)
{
	while (ms--) {
		mdelay(1);
		touch_nmi_watchdog();
	}
}

/*
 * One reset the sequential way: the bridge verified as the walk verifies a
 * bridge to reset that it reaches first in its bus reset phase (IDs, header
 * type, Command: Bus Master is already off), then asserted.
 */
static void pcq_bench_assert(const struct pcq_snapshot *snap, unsigned int k,
			     struct pcq_run *run)
{
	const struct pcq_func *b = &snap->func[pcq_bench_resets[k]];
	u16 ctl;

	pcq_cfg_read32(b, PCI_VENDOR_ID, run);
	pcq_cfg_read32(b, PCI_CACHE_LINE_SIZE, run);
	pcq_cfg_read16(b, PCI_COMMAND, run);
	ctl = pcq_cfg_read16(b, PCI_BRIDGE_CONTROL, run);

	pcq_bench_ctl[k] = ctl & ~PCI_BRIDGE_CTL_BUS_RESET;
	pcq_cfg_write16(b, PCI_BRIDGE_CONTROL, ctl | PCI_BRIDGE_CTL_BUS_RESET, run);
}

static void pcq_bench_release(const struct pcq_snapshot *snap, unsigned int k,
			      struct pcq_run *run)
{
	pcq_cfg_write16(&snap->func[pcq_bench_resets[k]], PCI_BRIDGE_CONTROL,
			pcq_bench_ctl[k], run);
}

/*
 * The planned resets our way: pcq_walk() over a copy that plans the bus
 * resets alone (assert all, hold once, release all), with interrupts off.
 * Return: the walk's time, or 0 without memory; *hold_ns gets the hold's
 * part.
 */
static u64 pcq_bench_shared(const struct pcq_snapshot *snap, struct pcq_run *run,
			    u64 *hold_ns)
{
	if (pcq_bench_walk_part(snap, PCQ_BENCH_BUS_RESETS, false, run))
		return 0;
	if (hold_ns)
		*hold_ns = run->reset_hold_ns;
	return run->duration_ns;
}

/* The planned resets one after the other, each with its own hold. */
static u64 pcq_bench_sequential(const struct pcq_snapshot *snap, struct pcq_run *run)
{
	unsigned long flags;
	unsigned int k;
	u64 t0, ns;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (k = 0; k < pcq_bench_nr_resets; k++) {
		pcq_bench_assert(snap, k, run);
		pcq_bench_hold(snap->settings.reset_hold_ms);
		pcq_bench_release(snap, k, run);
	}
	ns = ktime_get_ns() - t0;
	local_irq_restore(flags);
	return ns;
}

/* Is function @i the first of the snapshot on its domain and bus? */
static bool pcq_bench_first_on_bus(const struct pcq_snapshot *snap, unsigned int i)
{
	unsigned int k;

	for (k = 0; k < i; k++)
		if (snap->func[k].seg == snap->func[i].seg &&
		    snap->func[k].bus == snap->func[i].bus)
			return false;
	return true;
}

static int pcq_bench_measure_locked(struct pcq_bench_result *res)
{
	const struct pcq_snapshot *snap;
	unsigned int i, nr_writes;
	struct pcq_run run;
	int err;
	u64 ns;

	pcq_ecam_refresh();
	pcq_snapshot_free(pcq_bench_snap);
	pcq_bench_snap = pcq_snapshot_build(&pcq_bench_settings, &pcq_bench_skip, 1);
	if (IS_ERR(pcq_bench_snap)) {
		err = PTR_ERR(pcq_bench_snap);
		pcq_bench_snap = NULL;
		return err;
	}
	snap = pcq_bench_snap;
	if (snap->nr > PCQ_BENCH_MAX_FUNCS)
		return -E2BIG;
	pcq_bench_lists(snap);
	memset(res, 0, sizeof(*res));
	res->functions = snap->nr;
	res->order = pcq_bench_nr_order;
	res->resets = pcq_bench_nr_resets;
	res->snapshot_bytes = pcq_snapshot_size(snap->nr);
	res->reset_hold_ms = snap->settings.reset_hold_ms;
	for (i = 0; i < snap->nr; i++) {
		if (snap->func[i].ecam && pcq_bench_first_on_bus(snap, i))
			res->ecam_maps++;
		if (pcq_is_bridge(&snap->func[i]))
			res->bridges++;
	}

	err = pcq_bench_build(res);
	if (err)
		return err;
	pcq_bench_floor(snap, res);
	nr_writes = res->floor_writes;
	res->floor_writes += 2 * pcq_bench_nr_resets + res->fn_master;
	/* the accesses the walk makes for the planned endpoints: a dry run */
	err = pcq_bench_walk_part(snap, PCQ_BENCH_ENDPOINTS, true, &res->ep_dry);
	if (err)
		return err;

	for (i = 0; i < PCQ_BENCH_REPEAT; i++) {
		memset(&run, 0, sizeof(run));
		ns = pcq_bench_reads(snap, &run);
		if (!i || ns < res->read_ns)
			res->read_ns = ns;
		res->reads = run.config_reads;
	}
	err = pcq_bench_quiesce(snap, nr_writes, res);
	if (err)
		return err;
	/*
	 * the quiesce part again, then the function resets of the functions
	 * that master (the Transactions Pending read of each, a shared wait
	 * if any has some, the resets); cannot be undone
	 */
	err = pcq_bench_walk_part(snap, PCQ_BENCH_FN_RESETS, false, &res->fn_run);
	if (err)
		return err;
	res->reset_ns = pcq_bench_shared(snap, &res->reset_run, &res->reset_hold_ns);
	for (i = 0; i < PCQ_BENCH_REPEAT; i++) {
		memset(&res->shared_run, 0, sizeof(res->shared_run));
		ns = pcq_bench_shared(snap, &res->shared_run, NULL);
		if (!i || ns < res->shared_ns)
			res->shared_ns = ns;
		memset(&res->seq_run, 0, sizeof(res->seq_run));
		ns = pcq_bench_sequential(snap, &res->seq_run);
		if (!i || ns < res->seq_ns)
			res->seq_ns = ns;
	}
	res->valid = true;
	return 0;
}

static int pcq_bench_show(struct seq_file *m, void *v)
{
	const struct pcq_bench_result *r = &pcq_bench;

	mutex_lock(&pcq_lock);
	if (!r->valid) {
		seq_puts(m, "valid=0\n");
		goto out_unlock;
	}
	seq_puts(m, "valid=1\n");
	seq_printf(m, "functions=%u\norder=%u\nresets=%u\nbridges=%u\n",
		   r->functions, r->order, r->resets, r->bridges);
	seq_printf(m, "reset_hold_ms=%u\nrepeat=%u\n", r->reset_hold_ms, PCQ_BENCH_REPEAT);
	seq_printf(m, "snapshot_bytes=%zu\nsnapshot_header_bytes=%zu\nfunc_bytes=%zu\n",
		   r->snapshot_bytes, sizeof(struct pcq_snapshot), sizeof(struct pcq_func));
	seq_printf(m, "ecam_maps=%u\necam_map_bytes=%lu\n", r->ecam_maps,
		   r->ecam_maps * (unsigned long)SZ_1M);
	seq_printf(m, "builds=%u\nbuild_ns_min=%llu\nbuild_ns_sum=%llu\n",
		   PCQ_BENCH_BUILDS, r->build_ns_min, r->build_ns_sum);
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
		   pcq_state_name(r->quiesce.state), pcq_abort_name(r->quiesce.abort));
	seq_printf(m, "quiesce_functions=%u\nquiesce_mismatched=%u\n",
		   r->quiesce.functions_quiesced, r->quiesce.mismatched);
	seq_printf(m, "quiesce_reads=%u\nquiesce_writes=%u\nquiesce_ns=%llu\nquiesce_med_ns=%llu\n",
		   r->quiesce.config_reads, r->quiesce.config_writes,
		   r->quiesce.duration_ns, r->quiesce_med_ns);
	seq_printf(m, "pair_permille_min=%u\npair_permille_med=%u\npair_permille_max=%u\n",
		   r->pair_permille[0], r->pair_permille[1], r->pair_permille[2]);
	seq_printf(m, "fresets=%u\nfn_master=%u\nfn_functions_reset=%u\nfn_no_reset=%u\n",
		   r->fresets, r->fn_master, r->fn_run.functions_reset, r->fn_run.no_reset);
	seq_printf(m, "fn_reads=%u\nfn_writes=%u\nfn_ns=%llu\nfn_tp_pending=%u\nfn_tp_wait_ns=%llu\n",
		   r->fn_run.config_reads, r->fn_run.config_writes, r->fn_run.duration_ns,
		   r->fn_run.tp_pending, r->fn_run.tp_wait_ns);
	seq_printf(m, "reset_reads=%u\nreset_writes=%u\nreset_ns=%llu\nreset_hold_ns=%llu\n",
		   r->reset_run.config_reads, r->reset_run.config_writes, r->reset_ns,
		   r->reset_hold_ns);
	seq_printf(m, "shared_reads=%u\nshared_writes=%u\nshared_ns=%llu\n",
		   r->shared_run.config_reads, r->shared_run.config_writes, r->shared_ns);
	seq_printf(m, "seq_reads=%u\nseq_writes=%u\nseq_ns=%llu\n",
		   r->seq_run.config_reads, r->seq_run.config_writes, r->seq_ns);
out_unlock:
	mutex_unlock(&pcq_lock);
	return 0;
}

static int pcq_bench_open(struct inode *inode, struct file *file)
{
	return single_open(file, pcq_bench_show, NULL);
}

static ssize_t pcq_bench_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	unsigned int v;
	int err;

	err = kstrtouint_from_user(ubuf, count, 10, &v);
	if (err || v != 1) {
		pr_err("bench: write 1 to measure; nothing else is accepted\n");
		return -EINVAL;
	}
	/* the driver's lock order: the builder needs both */
	pci_lock_rescan_remove();
	mutex_lock(&pcq_lock);
	err = pcq_bench_measure_locked(&pcq_bench);
	mutex_unlock(&pcq_lock);
	pci_unlock_rescan_remove();
	return err ? err : count;
}

static const struct file_operations pcq_bench_fops = {
	.owner		= THIS_MODULE,
	.open		= pcq_bench_open,
	.read		= seq_read,
	.write		= pcq_bench_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int __init pcq_bench_init(void)
{
	pcq_bench_settings.budget_ms = PCQ_BUDGET_MAX_MS;
	pcq_bench_dir = debugfs_create_dir("pci_crash_quiesce_bench", NULL);
	debugfs_create_file("bench", 0600, pcq_bench_dir, NULL, &pcq_bench_fops);
	return 0;
}
module_init(pcq_bench_init);

static void __exit pcq_bench_exit(void)
{
	debugfs_remove_recursive(pcq_bench_dir);
	mutex_lock(&pcq_lock);
	pcq_snapshot_free(pcq_bench_snap);
	pcq_bench_snap = NULL;
	mutex_unlock(&pcq_lock);
	rcu_barrier();	/* kvfree_rcu() done: nothing points into ECAM maps */
	pcq_ecam_release();
}
module_exit(pcq_bench_exit);

MODULE_DESCRIPTION("make bench: the PCI crash quiesce walk against the floor and the sequential way");
MODULE_LICENSE("GPL");
