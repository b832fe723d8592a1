/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI crash quiesce: private definitions shared by the snapshot builder,
 * the planner, the lock-free config accessors and the panic-path walk.
 *
 * The snapshot is one immutable allocation: a header, an array of
 * struct pcq_func, the quiesce order and the reset list.  It is built in
 * process context, sealed with a checksum and published with release
 * semantics.  The panic path only ever reads it.
 */
#ifndef _PCI_CRASH_QUIESCE_H
#define _PCI_CRASH_QUIESCE_H

#include <linux/bits.h>
#include <linux/types.h>

/*
 * Not a limit on real machines: the integrity check refuses a snapshot
 * header claiming more functions than this, so that a corrupt count cannot
 * send the panic path's checksum loop through gigabytes of memory.  Every
 * segment of a machine with 256 full ones fits: 256 * 65536 functions.
 */
#define PCQ_NR_SANITY		BIT(24)
#define PCQ_MAX_SKIP		32
#define PCQ_SNAPSHOT_MAGIC	0x51554946	/* "QUIF" */

/*
 * PCIe r6.0 sec 7.5.1.3.13: Secondary Bus Reset must be held for at least
 * Trst (1 ms).  PCI-to-PCI Bridge Architecture r1.2 sec 3.2.5.17 agrees.
 */
#define PCQ_RESET_HOLD_MIN_MS	1
#define PCQ_RESET_HOLD_MAX_MS	1000
#define PCQ_RESET_HOLD_DEF_MS	2
#define PCQ_BUDGET_MIN_MS	1
#define PCQ_BUDGET_MAX_MS	10000
#define PCQ_BUDGET_DEF_MS	100

/*
 * Longest shared wait for Transactions Pending to clear before the
 * function-level resets, within the budget.  pcie_flr() waits up to
 * 1 s per function; the panic path waits once for all of them, and then
 * resets anyway, as pcie_flr() does after its wait.
 */
#define PCQ_TP_WAIT_MS		20

/*
 * What each reset phase keeps of the budget beyond its waits, for its own
 * config accesses: the phase before it stops early enough to leave it.
 */
#define PCQ_PHASE_MARGIN_MS	1

/**
 * pcq_budget_floor_ms() - the smallest budget a bus reset hold fits in
 * @hold_ms: the Secondary Bus Reset hold
 *
 * The bus resets' share of the budget (the hold and a margin) is at most
 * half of it, so that the quiesce steps and the function resets always
 * have time left (pcq_budget_init()).
 *
 * Return: the floor, ms.
 */
static inline u32 pcq_budget_floor_ms(u32 hold_ms)
{
	return 2 * (hold_ms + PCQ_PHASE_MARGIN_MS);
}

enum pcq_type {
	PCQ_TYPE_ENDPOINT,
	PCQ_TYPE_ROOT_PORT,
	PCQ_TYPE_DOWNSTREAM_PORT,
	PCQ_TYPE_UPSTREAM_PORT,
	PCQ_TYPE_PCI_BRIDGE,
	PCQ_TYPE_RC_ENDPOINT,
	PCQ_TYPE_HOST_BRIDGE,
	PCQ_TYPE_OTHER,
	PCQ_TYPE_COUNT
};

/*
 * Facts found at snapshot time that decide the plan (struct pcq_func's
 * @flags).  FLR, AF_FLR and PM_RESET: the kernel's own first choice of a
 * function-level reset for the function (pdev->reset_methods[], quirks and
 * the admin's reset_method setting included), at most one of them, whose
 * capability is at @reset_cap; RESET_QUIRK and RESET_ADMIN say why there
 * is none.
 */
#define PCQ_F_VGA		BIT(0)	/* display device: reset blanks the console */
#define PCQ_F_SERIAL		BIT(1)	/* PCI UART, maybe the console */
#define PCQ_F_IOMMU		BIT(2)	/* the IOMMU's own PCI function */
#define PCQ_F_NO_BUS_RESET	BIT(3)	/* PCI_DEV_FLAGS_NO_BUS_RESET quirk */
#define PCQ_F_VF		BIT(4)	/* SR-IOV virtual function, see @pf */
#define PCQ_F_FLR		BIT(5)	/* the kernel resets it by PCIe FLR */
#define PCQ_F_AF_FLR		BIT(6)	/* ... by Advanced Features FLR */
#define PCQ_F_PM_RESET		BIT(7)	/* ... by D3hot (No_Soft_Reset clear) */
#define PCQ_F_ISA_BRIDGE	BIT(8)	/* class 0601: legacy devices behind it */
#define PCQ_F_CXL_MEM		BIT(9)	/* CXL memory: may hold System RAM */
#define PCQ_F_CXL_SBR_MASKED	BIT(10)	/* CXL port: its bus reset is masked */
#define PCQ_F_RESET_QUIRK	BIT(11)	/* the kernel's first method is its own */
#define PCQ_F_RESET_ADMIN	BIT(12)	/* the admin removed the kernel's method */
#define PCQ_F_REMOVED		BIT(13)	/* being removed: its accessor may go */
#define PCQ_F_CONF1		BIT(14)	/* reached through type 1, not ECAM */

#define PCQ_F_RESET_METHODS	(PCQ_F_FLR | PCQ_F_AF_FLR | PCQ_F_PM_RESET)

enum pcq_action {
	PCQ_ACT_QUIESCE,
	PCQ_ACT_QUIESCE_RESET,
	PCQ_ACT_SKIP,
};

enum pcq_skip_reason {
	PCQ_SKIP_NONE,
	PCQ_SKIP_HOST_BRIDGE,
	PCQ_SKIP_IOMMU,
	PCQ_SKIP_USER,
	PCQ_SKIP_NO_ACCESS,
	PCQ_SKIP_REMOVED,
	PCQ_SKIP_COUNT
};

/* The reset that reaches a function, decided by the planner. */
enum pcq_reach {
	PCQ_REACH_NONE,		/* no reset: see enum pcq_why */
	PCQ_REACH_BUS,		/* Secondary Bus Reset of @reset_by */
	PCQ_REACH_FLR,		/* its own PCIe Function Level Reset */
	PCQ_REACH_AF_FLR,	/* its own Advanced Features FLR */
	PCQ_REACH_PM,		/* D3hot; the capture kernel's D0 resets it */
	PCQ_REACH_PF,		/* a VF whose PF gets a function-level reset */
	PCQ_REACH_COUNT
};

/*
 * Why no reset: for a function that no reset reaches, why none does; for a
 * bridge that is no reset's target, why it does not reset its secondary
 * bus (a bridge is no DMA source of its own: nothing resets it for its own
 * sake).
 */
enum pcq_why {
	PCQ_WHY_NONE,
	PCQ_WHY_MODE,		/* reset=bus or reset=none */
	PCQ_WHY_HOST_BRIDGE,	/* never reset */
	PCQ_WHY_ISA_BRIDGE,	/* never reset: legacy console, timers, PICs */
	PCQ_WHY_PROTECTED,	/* display, serial, IOMMU or NO_BUS_RESET quirk */
	PCQ_WHY_NO_METHOD,	/* neither FLR nor a PM reset */
	PCQ_WHY_SKIPPED,	/* the function itself is skipped */
	PCQ_WHY_CXL_MEMORY,	/* CXL memory: its contents may be System RAM */
	PCQ_WHY_QUIRK,		/* the kernel resets it its own way */
	PCQ_WHY_ADMIN,		/* reset_method: the admin removed it */
	PCQ_WHY_KEEPS_VF,	/* a PF: its reset would take a kept VF with it */
	PCQ_WHY_EMPTY,		/* a bridge with nothing below it */
	PCQ_WHY_BLOCKED,	/* a bridge whose subtree holds @blocker */
	PCQ_WHY_SBR_MASKED,	/* a CXL port whose bus reset is masked */
	PCQ_WHY_COUNT
};

/*
 * The indexes of pdev->reset_methods[], the order of pci_reset_fn_methods[]
 * in drivers/pci/pci.c since reset_method came (v5.15): 0 ends the list.
 */
enum pcq_reset_method {
	PCQ_RESET_METHOD_END,
	PCQ_RESET_METHOD_DEVICE_SPECIFIC,
	PCQ_RESET_METHOD_ACPI,
	PCQ_RESET_METHOD_FLR,
	PCQ_RESET_METHOD_AF_FLR,
	PCQ_RESET_METHOD_PM,
	PCQ_RESET_METHOD_BUS,
};

/* The reset parameter. */
enum pcq_reset_mode {
	PCQ_RESET_NONE,
	PCQ_RESET_BUS,
	PCQ_RESET_AUTO,
	PCQ_RESET_COUNT
};

/**
 * struct pcq_func - the facts about one PCI function, found at snapshot time
 * @ecam:      the function's 4 KiB ECAM page, inside a mapping made (or
 *             found) at snapshot time and kept while any snapshot may point
 *             into it; NULL for type 1 (PCQ_F_CONF1) or no accessor
 * @seg:       PCI domain, full width (Intel VMD domains start at 0x10000)
 * @class_rev: class code and revision dword, re-read at panic for a VF
 * @parent:    index of the bridge above, or -1 on a root bus; a VF has
 *             its PF's
 * @pf:        index of a VF's PF, or -1
 * @vendor:    vendor ID, re-read at panic time (not for a VF)
 * @device:    device ID, re-read at panic time (not for a VF)
 * @sriov_cap: SR-IOV extended capability offset of a PF, or 0
 * @flags:     PCQ_F_*
 * @bus:       bus number
 * @devfn:     device and function
 * @hdr_type:  header type without the multi-function bit
 * @type:      enum pcq_type
 * @msi_cap:   MSI capability offset or 0
 * @msix_cap:  MSI-X capability offset or 0
 * @reset_cap: offset of the capability of its function-level reset (PCI
 *             Express for FLR, Advanced Features, Power Management), or 0
 * @depth:     number of bridges above (a VF: its PF's)
 *
 * Written once, when the snapshot is built; never by the planner.
 */
struct pcq_func {
	void __iomem *ecam;
	u32 seg;
	u32 class_rev;
	s32 parent;
	s32 pf;
	u16 vendor;
	u16 device;
	u16 sriov_cap;
	u16 flags;
	u8 bus;
	u8 devfn;
	u8 hdr_type;
	u8 type;
	u8 msi_cap;
	u8 msix_cap;
	u8 reset_cap;
	u8 depth;
};

/**
 * struct pcq_step - what the plan does with one function
 * @reset_by:    index of the bridge whose bus reset reaches it, or -1
 * @blocker:     index of the function that keeps a bus reset from its
 *               subtree, or -1
 * @action:      enum pcq_action
 * @keep_master: a bridge above a skipped function: keeps Bus Master Enable
 * @resets_vfs:  a PF whose function-level reset stops its VFs
 * @keeps_vf:    a PF with a VF that must not be reset
 * @populated:   a bridge with functions below it
 * @skip:        enum pcq_skip_reason when @action is PCQ_ACT_SKIP
 * @reach:       enum pcq_reach, the reset that reaches the function
 * @why:         enum pcq_why: why no reset reaches it or, for a bridge, why
 *               it does not reset its bus
 *
 * Written by the planner only.
 */
struct pcq_step {
	s32 reset_by;
	s32 blocker;
	u8 action:2;
	u8 keep_master:1;
	u8 resets_vfs:1;
	u8 keeps_vf:1;
	u8 populated:1;
	u8 skip;
	u8 reach;
	u8 why;
};

/**
 * struct pcq_settings - the parameters a plan and its walk follow
 * @dry_run:       at panic, verify and record only
 * @reset:         enum pcq_reset_mode
 * @msi:           disable MSI/MSI-X and set INTx Disable
 * @reset_hold_ms: Secondary Bus Reset hold time
 * @budget_ms:     total panic-path time budget
 *
 * Sealed into each snapshot with the plan made from them, so that the
 * panic path follows settings that crash damage cannot have changed.
 */
struct pcq_settings {
	bool dry_run;
	u8 reset;
	bool msi;
	u32 reset_hold_ms;
	u32 budget_ms;
};

/* The parameters' defaults, as a struct pcq_settings initializer. */
#define PCQ_SETTINGS_DEFAULT {				\
	.dry_run	= false,			\
	.reset		= PCQ_RESET_AUTO,		\
	.msi		= true,				\
	.reset_hold_ms	= PCQ_RESET_HOLD_DEF_MS,	\
	.budget_ms	= PCQ_BUDGET_DEF_MS,		\
}

/**
 * struct pcq_skip_entry - one element of the skip parameter
 * @by_id:  match @vendor/@device instead of an address
 * @seg:    PCI domain (0 when the entry gives none)
 * @bus:    bus
 * @devfn:  device and function
 * @vendor: vendor ID
 * @device: device ID
 */
struct pcq_skip_entry {
	bool by_id;
	u32 seg;
	u8 bus;
	u8 devfn;
	u16 vendor;
	u16 device;
};

/**
 * struct pcq_skip_list - the parsed skip parameter
 * @nr:    number of entries
 * @entry: the entries
 */
struct pcq_skip_list {
	unsigned int nr;
	struct pcq_skip_entry entry[PCQ_MAX_SKIP];
};

/* Per-function state of one walk (struct pcq_fn_state's @flags). */
#define PCQ_S_CHECKED		BIT(0)	/* identity checked in this walk */
#define PCQ_S_BAD		BIT(1)	/* ... and it failed */
#define PCQ_S_VFE_CHECKED	BIT(2)	/* PF: VF Enable read in this walk */
#define PCQ_S_VFE_ON		BIT(3)	/* ... and it was set */
#define PCQ_S_MASTER		BIT(4)	/* Bus Master Enable was on at the walk */
#define PCQ_S_PENDING		BIT(5)	/* Transactions Pending before its FLR */
#define PCQ_S_VISITED		BIT(6)	/* verified and quiesced (or found bad) */
#define PCQ_S_FOR_VFS		BIT(7)	/* PF: its FLR stops mastering VFs */
#define PCQ_S_RESET		BIT(8)	/* its reset made, or would be in a dry run */
#define PCQ_S_ASSERTED		BIT(9)	/* bridge: Secondary Bus Reset set now */
#define PCQ_S_READY		BIT(10)	/* its reset's control word is read */

/**
 * struct pcq_fn_state - what one walk records of one function
 * @flags: PCQ_S_*
 * @saved: a control word read before a reset
 *
 * An array of them follows each snapshot in its allocation, outside the
 * seal: the walk's scratch.  Only the panic walk writes a published
 * snapshot's: a dry run from process context walks a private copy (a CPU
 * that did not stop for the crash may be in one), and the panic walk runs
 * once.
 */
struct pcq_fn_state {
	u16 flags;
	u16 saved;
};

/**
 * struct pcq_snapshot - an immutable, sealed snapshot with its plan
 * @rcu:            frees a replaced snapshot after a grace period; outside
 *                  the sealed part, since kvfree_rcu() may write it while a
 *                  walk still reads the snapshot
 * @checksum:       of everything from @magic to the end of @step
 * @magic:          PCQ_SNAPSHOT_MAGIC
 * @nr:             number of functions
 * @nr_inv:         ~@nr, checked before @nr is trusted to size anything
 * @nr_quiesce:     functions the plan quiesces
 * @nr_bus_resets:  bridges whose secondary bus the plan resets
 * @nr_fn_resets:   functions the plan gives a function-level reset
 * @size:           bytes covered by @checksum, from the start of the snapshot
 * @generation:     increases with every rebuild
 * @settings:       the settings the plan was made with, and the walk follows
 * @step:           the plan, one step per function, after @func
 * @func:           the facts, parents before children
 *
 * The plan's order is the functions' own: the walk quiesces from the last
 * function to the first (children before parents), non-bridges before
 * bridges, and resets in index order, VFs first.
 */
struct pcq_snapshot {
	struct rcu_head rcu;
	u64 checksum;
	u32 magic;
	u32 nr;
	u32 nr_inv;
	u32 nr_quiesce;
	u32 nr_bus_resets;
	u32 nr_fn_resets;
	u32 size;
	u64 generation;
	struct pcq_settings settings;
	struct pcq_step *step;
	struct pcq_func func[];
};

enum pcq_state {
	PCQ_STATE_NEVER,
	PCQ_STATE_DRY_RUN,
	PCQ_STATE_DONE,
	PCQ_STATE_ABORTED,
	PCQ_STATE_COUNT
};

enum pcq_abort {
	PCQ_ABORT_NONE,
	PCQ_ABORT_NO_SNAPSHOT,
	PCQ_ABORT_CORRUPT,
	PCQ_ABORT_BUDGET,
	PCQ_ABORT_INTERRUPTED,
	PCQ_ABORT_COUNT
};

/* The phases of a walk, each with its share of the budget. */
enum pcq_phase {
	PCQ_PHASE_NONE,
	PCQ_PHASE_QUIESCE,
	PCQ_PHASE_FN_RESET,
	PCQ_PHASE_BUS_RESET,
	PCQ_PHASE_COUNT
};

/* How a walk reaches config space, and whether it may write. */
enum pcq_walk_mode {
	PCQ_WALK_PANIC,		/* lock-free accessors; writes unless dry_run */
	PCQ_WALK_DRY_RUN,	/* lock-free accessors, reads only */
	PCQ_WALK_PCI_CORE,	/* the PCI core's accessors, reads only */
	PCQ_WALK_COUNT
};

/**
 * struct pcq_run - what one walk did; the panic-time copy is static so
 * that it is also found in the vmcore
 * @state:              enum pcq_state
 * @abort:              enum pcq_abort when @state is PCQ_STATE_ABORTED
 * @abort_phase:        enum pcq_phase, the first phase the budget cut short
 * @mode:               enum pcq_walk_mode
 * @functions_quiesced: functions verified and quiesced (would be, in a dry run)
 * @bridges_reset:      bridges reset (would be, in a dry run)
 * @functions_reset:    function-level resets made (would be, in a dry run),
 *                      plus the bus-mastering VFs their PF's FLR reset
 * @no_reset:           bus-mastering functions no reset reached
 * @no_reset_dma:       of them, those whose DMA could land later (all but
 *                      the ISA/LPC bridges, see pcq_count_unreset())
 * @unvisited:          planned functions the walk never reached (budget)
 * @skipped:            planned skips plus @mismatched
 * @mismatched:         functions whose identity no longer matched
 * @tp_pending:         functions with Transactions Pending before an FLR
 * @config_reads:       config reads made
 * @config_writes:      config writes made
 * @planned_writes:     config writes a real run would have made (dry run)
 * @duration_ns:        time in the walk
 * @reset_hold_ns:      time Secondary Bus Reset was held
 * @tp_wait_ns:         time spent waiting for Transactions Pending
 * @delays_ms:          fixed 1 ms delays made (Transactions Pending, hold,
 *                      and the release after a crash in the walk)
 * @clock_stopped:      delays were made, yet the clock did not move
 * @cpus_running:       other CPUs that did not stop for the crash
 * @interrupted:        a crash interrupted the walk
 * @released:           bus resets that crash released
 * @snapshot_generation: generation of the snapshot walked
 */
struct pcq_run {
	u32 state;
	u32 abort;
	u32 abort_phase;
	u32 mode;
	u32 functions_quiesced;
	u32 bridges_reset;
	u32 functions_reset;
	u32 no_reset;
	u32 no_reset_dma;
	u32 unvisited;
	u32 skipped;
	u32 mismatched;
	u32 tp_pending;
	u32 config_reads;
	u32 config_writes;
	u32 planned_writes;
	u64 duration_ns;
	u64 reset_hold_ns;
	u64 tp_wait_ns;
	u32 delays_ms;
	u32 clock_stopped;
	u32 cpus_running;
	u32 interrupted;
	u32 released;
	u64 snapshot_generation;
};

/**
 * struct pcq_cfg_ops - a way to a function's config space
 * @read:  read 1, 2 or 4 bytes at an aligned offset; all-ones when nothing
 *         answers; counts the access in @run
 * @write: write 1 or 2 bytes, or NULL for a way that only reads
 *
 * pcq_cfg_lockfree_ops for the panic path (cfg.c), pcq_cfg_pci_core_ops
 * for walks in process context (cfg_pci_core.c).
 */
struct pcq_cfg_ops {
	u32 (*read)(const struct pcq_func *f, unsigned int reg, unsigned int size,
		    struct pcq_run *run);
	void (*write)(const struct pcq_func *f, unsigned int reg, unsigned int size,
		      u32 val, struct pcq_run *run);
};

extern const struct pcq_cfg_ops pcq_cfg_lockfree_ops;
extern const struct pcq_cfg_ops pcq_cfg_pci_core_ops;

/* cfg.c: lock-free config accessors */
u32 pcq_cfg_read32(const struct pcq_func *f, unsigned int reg, struct pcq_run *run);
u16 pcq_cfg_read16(const struct pcq_func *f, unsigned int reg, struct pcq_run *run);
void pcq_cfg_write16(const struct pcq_func *f, unsigned int reg, u16 val,
		     struct pcq_run *run);
void pcq_cfg_write8(const struct pcq_func *f, unsigned int reg, u8 val,
		    struct pcq_run *run);
void pcq_cfg_pick(struct pcq_func *f, void __iomem *ecam_bus, bool conf1);
const char *pcq_access_name(const struct pcq_func *f);

/*
 * The kernel's own ECAM mappings, per architecture: ecam_mmcfg.c (x86
 * MMCONFIG; compat/ecam.c out of tree), ecam_host.c (generic ECAM host
 * bridges).  Process context.
 */
void pcq_ecam_refresh(void);
void __iomem *pcq_ecam_bus(u32 seg, u8 bus);
bool pcq_conf1_used(void);
void pcq_ecam_release(void);

/* crash_cpus.c (compat/crash_cpus.c out of tree) */
unsigned int pcq_crash_cpus_not_stopped(void);

/**
 * struct pcq_fact_in - what a snapshot builder found of a function
 * @first_method:        the kernel's first reset method, enum pcq_reset_method
 * @pcie_type:           Device/Port Type of the PCI Express capability
 * @pcie_cap:            PCI Express capability offset, or 0
 * @af_cap:              Advanced Features capability offset, or 0
 * @pm_cap:              Power Management capability offset, or 0
 * @cxl_dvsec_cap:       the CXL Device DVSEC's CXL Capability register
 * @cxl_port_ctl:        the CXL Port Extensions DVSEC's Port Control register
 * @cxl_dvsec_cap_found: ... there is such a DVSEC
 * @cxl_port_ctl_found:  ... there is such a DVSEC
 * @flr:                 a PCIe FLR works (the kernel's probe)
 * @af_flr:              an Advanced Features FLR works
 * @pm:                  a PM reset works
 * @boot_vga:            the boot display, whatever its class
 * @no_bus_reset:        the kernel's NO_BUS_RESET quirk
 * @vf:                  an SR-IOV virtual function
 */
struct pcq_fact_in {
	enum pcq_reset_method first_method;
	u8 pcie_type;
	u8 pcie_cap;
	u8 af_cap;
	u8 pm_cap;
	u16 cxl_dvsec_cap;
	u16 cxl_port_ctl;
	bool cxl_dvsec_cap_found;
	bool cxl_port_ctl_found;
	bool flr;
	bool af_flr;
	bool pm;
	bool boot_vga;
	bool no_bus_reset;
	bool vf;
};

/* facts.c: what a function's registers say, the same rules everywhere */
u8 pcq_fact_type(u32 class_rev, u8 hdr_type, bool pcie, u8 pcie_type);
u16 pcq_fact_class_flags(u32 class_rev);
bool pcq_fact_af_flr(u8 af_cap_byte);
bool pcq_fact_pm_reset(u16 pmcsr);
bool pcq_fact_cxl_mem(u16 dvsec_cap);
bool pcq_fact_cxl_sbr_masked(u16 port_ctl);
bool pcq_fact_flr(u32 devcap);
void pcq_fact_fill(struct pcq_func *f, const struct pcq_fact_in *in);
u16 pcq_fact_reset(enum pcq_reset_method first, bool flr, bool af_flr, bool pm);
enum pcq_reset_method pcq_fact_default_method(bool flr, bool af_flr, bool pm);

/* plan.c: planning rules */
#define PCQ_KEY_DEPTH_SHIFT	48
u64 pcq_func_key(unsigned int depth, u32 seg, u8 bus, u8 devfn);
void pcq_plan(struct pcq_snapshot *snap, const struct pcq_skip_list *skip);
void pcq_plan_forget(struct pcq_snapshot *snap, int gone);
bool pcq_is_bridge(const struct pcq_func *f);
bool pcq_own_reset(const struct pcq_step *s);
s32 pcq_plan_next_quiesce(const struct pcq_snapshot *snap, u32 *k);
s32 pcq_plan_next_fn_reset(const struct pcq_snapshot *snap, u32 *k);

/* seal.c: snapshot layout and checksum */
size_t pcq_snapshot_size(unsigned int nr);
void pcq_snapshot_init(struct pcq_snapshot *snap, unsigned int nr);
void pcq_snapshot_seal(struct pcq_snapshot *snap);
bool pcq_snapshot_intact(const struct pcq_snapshot *snap);
struct pcq_fn_state *pcq_snapshot_state(struct pcq_snapshot *snap);
bool pcq_snapshot_state_ok(const struct pcq_snapshot *snap,
			   const struct pcq_fn_state *state);

/* plan.c: names shown in debugfs */
const char *pcq_type_name(enum pcq_type type);
const char *pcq_skip_name(enum pcq_skip_reason reason);
const char *pcq_reach_name(enum pcq_reach reach);
const char *pcq_why_name(enum pcq_why why);

/* parse.c: the skip parameter's parser, a pure function */
int pcq_parse_skip(const char *s, struct pcq_skip_list *out, const char **bad);
int pcq_format_skip(const struct pcq_skip_list *skip, char *buf, size_t len);

/* quiesce.c: the panic-path walk */
void pcq_walk(const struct pcq_snapshot *snap, struct pcq_fn_state *state,
	      enum pcq_walk_mode mode, struct pcq_run *run);
unsigned int pcq_walk_interrupted(struct pcq_run *run);
const char *pcq_state_name(enum pcq_state state);
const char *pcq_abort_name(enum pcq_abort why);
const char *pcq_phase_name(enum pcq_phase phase);
const char *pcq_mode_name(enum pcq_walk_mode mode);

#endif /* _PCI_CRASH_QUIESCE_H */
