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

enum pcq_access {
	PCQ_ACCESS_NONE,
	PCQ_ACCESS_ECAM,
	PCQ_ACCESS_CONF1,
};

/*
 * Properties found at snapshot time that decide the plan.  FLR, AF_FLR and
 * PM_RESET: the kernel's own first choice of a function-level reset for
 * the function (pdev->reset_methods[], quirks and the admin's reset_method
 * setting included), at most one of them; RESET_QUIRK and RESET_ADMIN say
 * why there is none.
 */
#define PCQ_F_VGA		BIT(0)	/* display device: reset blanks the console */
#define PCQ_F_SERIAL		BIT(1)	/* PCI UART, maybe the console */
#define PCQ_F_IOMMU		BIT(2)	/* the IOMMU's own PCI function */
#define PCQ_F_NO_BUS_RESET	BIT(3)	/* PCI_DEV_FLAGS_NO_BUS_RESET quirk */
#define PCQ_F_USER_SKIP		BIT(4)	/* listed in the skip parameter (planner) */
#define PCQ_F_BUSY		BIT(5)	/* has functions below it (planner) */
#define PCQ_F_VF		BIT(6)	/* SR-IOV virtual function, see @pf */
#define PCQ_F_FLR		BIT(7)	/* the kernel resets it by PCIe FLR */
#define PCQ_F_AF_FLR		BIT(8)	/* ... by Advanced Features FLR */
#define PCQ_F_PM_RESET		BIT(9)	/* ... by D3hot (No_Soft_Reset clear) */
#define PCQ_F_ISA_BRIDGE	BIT(10)	/* class 0601: legacy devices behind it */
#define PCQ_F_CXL_MEM		BIT(11)	/* CXL memory: may hold System RAM */
#define PCQ_F_CXL_SBR_MASKED	BIT(12)	/* CXL port: its bus reset is masked */
#define PCQ_F_RESET_QUIRK	BIT(13)	/* the kernel's first method is its own */
#define PCQ_F_RESET_ADMIN	BIT(14)	/* the admin removed the kernel's method */
#define PCQ_F_KEEP_MASTER	BIT(15)	/* a bridge above a skipped function (planner) */
#define PCQ_F_REMOVED		BIT(16)	/* being removed: its accessor may go */
#define PCQ_F_RESETS_VFS	BIT(17)	/* a PF whose FLR stops its VFs (planner) */
#define PCQ_F_KEEPS_VF		BIT(18)	/* a PF with a VF that must not reset (planner) */

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

/* Why a bridge that could reset its subtree does not. */
enum pcq_noreset {
	PCQ_NORESET_NONE,
	PCQ_NORESET_NOT_BRIDGE,	/* not a function that can reset a bus */
	PCQ_NORESET_MODE,	/* reset=none */
	PCQ_NORESET_EMPTY,	/* nothing below it */
	PCQ_NORESET_ANCESTOR,	/* a bridge above resets this subtree */
	PCQ_NORESET_BLOCKED,	/* subtree holds a function that must not reset */
	PCQ_NORESET_SKIPPED,	/* the bridge itself is skipped */
	PCQ_NORESET_SBR_MASKED,	/* a CXL port whose bus reset is masked */
	PCQ_NORESET_COUNT
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

/* Why no reset reaches a function. */
enum pcq_why {
	PCQ_WHY_NONE,
	PCQ_WHY_MODE,		/* reset=bus or reset=none */
	PCQ_WHY_BRIDGE,		/* a bridge: not a DMA source of its own */
	PCQ_WHY_HOST_BRIDGE,	/* never reset */
	PCQ_WHY_ISA_BRIDGE,	/* never reset: legacy console, timers, PICs */
	PCQ_WHY_PROTECTED,	/* display, serial, IOMMU or NO_BUS_RESET quirk */
	PCQ_WHY_NO_METHOD,	/* neither FLR nor a PM reset */
	PCQ_WHY_SKIPPED,		/* the function itself is skipped */
	PCQ_WHY_CXL_MEMORY,	/* CXL memory: its contents may be System RAM */
	PCQ_WHY_QUIRK,		/* the kernel resets it its own way */
	PCQ_WHY_ADMIN,		/* reset_method: the admin removed it */
	PCQ_WHY_KEEPS_VF,	/* a PF: its reset would take a kept VF with it */
	PCQ_WHY_COUNT
};

/* The reset parameter. */
enum pcq_reset_mode {
	PCQ_RESET_NONE,
	PCQ_RESET_BUS,
	PCQ_RESET_AUTO,
	PCQ_RESET_COUNT
};

/**
 * struct pcq_cfg - where a function's config space is, for lock-free access
 * @ecam:   the function's 4 KiB ECAM page, inside a mapping made (or found)
 *          at snapshot time and kept while any snapshot may point into it
 * @conf1:  the 0xCF8 address word for type 1 access (register bits clear)
 * @method: enum pcq_access
 */
struct pcq_cfg {
	void __iomem *ecam;
	u32 conf1;
	u8 method;
};

/**
 * struct pcq_func - one PCI function as seen at snapshot time, and its plan
 * @cfg:       lock-free config access
 * @seg:       PCI domain, full width (Intel VMD domains start at 0x10000)
 * @bus:       bus number
 * @devfn:     device and function
 * @vendor:    vendor ID, re-read at panic time (not for a VF)
 * @device:    device ID, re-read at panic time (not for a VF)
 * @class_rev: class code and revision dword, re-read at panic for a VF
 * @hdr_type:  header type without the multi-function bit
 * @type:      enum pcq_type
 * @msi_cap:   MSI capability offset or 0
 * @msix_cap:  MSI-X capability offset or 0
 * @pcie_cap:  PCI Express capability offset or 0
 * @af_cap:    Advanced Features capability offset or 0
 * @pm_cap:    Power Management capability offset or 0
 * @sec_bus:   secondary bus (bridges)
 * @sub_bus:   subordinate bus (bridges)
 * @sriov_cap: SR-IOV extended capability offset of a PF, or 0
 * @flags:     PCQ_F_*
 * @parent:    index of the bridge above, or -1 on a root bus; a VF has
 *             its PF's
 * @pf:        index of a VF's PF, or -1
 * @blocker:   index of the function that blocks a bus reset, or -1
 * @reset_by:  index of the bridge whose bus reset reaches it, or -1
 * @depth:     number of bridges above
 * @action:    enum pcq_action
 * @skip:      enum pcq_skip_reason when @action is PCQ_ACT_SKIP
 * @noreset:   enum pcq_noreset, why a bridge does not reset its bus
 * @reach:     enum pcq_reach, the reset that reaches the function
 * @why:       enum pcq_why when @reach is PCQ_REACH_NONE
 */
struct pcq_func {
	struct pcq_cfg cfg;
	u32 seg;
	u8 bus;
	u8 devfn;
	u16 vendor;
	u16 device;
	u32 class_rev;
	u8 hdr_type;
	u8 type;
	u8 msi_cap;
	u8 msix_cap;
	u8 pcie_cap;
	u8 af_cap;
	u8 pm_cap;
	u8 sec_bus;
	u8 sub_bus;
	u16 sriov_cap;
	u32 flags;
	s32 parent;
	s32 pf;
	s32 blocker;
	s32 reset_by;
	u8 depth;
	u8 action;
	u8 skip;
	u8 noreset;
	u8 reach;
	u8 why;
};

/**
 * struct pcq_settings - the parameters a plan and a walk depend on
 * @enable:        arm the panic handler
 * @dry_run:       at panic, verify and record only
 * @reset:         enum pcq_reset_mode
 * @msi:           disable MSI/MSI-X and set INTx Disable
 * @reset_hold_ms: Secondary Bus Reset hold time
 * @budget_ms:     total panic-path time budget
 */
struct pcq_settings {
	bool enable;
	bool dry_run;
	u8 reset;
	bool msi;
	u32 reset_hold_ms;
	u32 budget_ms;
};

/* The parameters' defaults, as a struct pcq_settings initializer. */
#define PCQ_SETTINGS_DEFAULT {				\
	.enable		= true,				\
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

/* Per-function state of one walk, in struct pcq_snapshot's scratch area. */
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
 * struct pcq_scratch - what one walk writes, sized with the snapshot
 * @state: per function, PCQ_S_*
 * @saved: per function, a control word read before a reset
 *
 * It shares the snapshot's allocation but not its checksum: the walk
 * writes it.  Only the panic walk writes a published snapshot's scratch: a
 * dry run from process context walks a private copy (a CPU that did not
 * stop for the crash may be in one), and the panic walk runs once.
 */
struct pcq_scratch {
	u16 *state;
	u16 *saved;
};

/**
 * struct pcq_snapshot - an immutable, sealed snapshot with its plan
 * @rcu:        frees a replaced snapshot after a grace period; outside the
 *              sealed part, since kvfree_rcu() may write it while a walk
 *              still reads the snapshot
 * @checksum:   over everything from @magic to the end of @fresets
 * @magic:      PCQ_SNAPSHOT_MAGIC
 * @nr:         number of functions
 * @nr_inv:     ~@nr, checked before @nr is trusted to size anything
 * @nr_order:   entries in @order (functions to quiesce, in order)
 * @nr_resets:  entries in @resets (top-most bridges to reset)
 * @nr_fresets: entries in @fresets (functions with a function-level reset)
 * @size:       bytes covered by @checksum
 * @generation: increases with every rebuild
 * @settings:   the settings the plan was made with
 * @order:      function indexes: endpoints deepest first, then bridges
 * @resets:     function indexes of the bridges to reset
 * @fresets:    function indexes to reset one by one, VFs first
 * @scratch:    per-walk state, after the sealed part
 * @func:       the functions, parents before children
 *
 * @order, @resets, @fresets and @scratch point into the same allocation,
 * after @func.
 */
struct pcq_snapshot {
	struct rcu_head rcu;
	u64 checksum;
	u32 magic;
	u32 nr;
	u32 nr_inv;
	u32 nr_order;
	u32 nr_resets;
	u32 nr_fresets;
	u64 size;
	u64 generation;
	struct pcq_settings settings;
	u32 *order;
	u32 *resets;
	u32 *fresets;
	struct pcq_scratch scratch;
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

/**
 * struct pcq_run - what one walk did; the panic-time copy is static so
 * that it is also found in the vmcore
 * @state:              enum pcq_state
 * @abort:              enum pcq_abort when @state is PCQ_STATE_ABORTED
 * @abort_phase:        enum pcq_phase, the first phase the budget cut short
 * @locked:             config reads went through the PCI core's locked
 *                      accessors (a dry run in process context)
 * @functions_quiesced: functions verified and quiesced (would be, in a dry run)
 * @bridges_reset:      bridges reset (would be, in a dry run)
 * @functions_reset:    function-level resets made (would be, in a dry run),
 *                      plus the bus-mastering VFs their PF's FLR reset
 * @no_reset:           bus-mastering functions no reset reached
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
	u32 locked;
	u32 functions_quiesced;
	u32 bridges_reset;
	u32 functions_reset;
	u32 no_reset;
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

/* cfg.c: lock-free config accessors */
u32 pcq_cfg_read32(const struct pcq_func *f, unsigned int reg, struct pcq_run *run);
u16 pcq_cfg_read16(const struct pcq_func *f, unsigned int reg, struct pcq_run *run);
void pcq_cfg_write16(const struct pcq_func *f, unsigned int reg, u16 val,
		     struct pcq_run *run);
void pcq_cfg_write8(const struct pcq_func *f, unsigned int reg, u8 val,
		    struct pcq_run *run);
void pcq_cfg_pick(struct pcq_func *f, void __iomem *ecam_bus, bool conf1);
u32 pcq_cfg_conf1_address(u8 bus, u8 devfn);
/* process context only: the PCI core's locked read, for dry runs */
int pcq_cfg_locked_read(u32 seg, u8 bus, u8 devfn, unsigned int reg,
			unsigned int size, u32 *val);

/*
 * The kernel's own ECAM mappings, per architecture: ecam_mmcfg.c (x86
 * MMCONFIG; compat/ecam.c out of tree), ecam_host.c (generic ECAM host
 * bridges).  Process context.
 */
void pcq_ecam_refresh(void);
void __iomem *pcq_ecam_bus(u32 seg, u8 bus);
bool pcq_conf1_used(void);
void pcq_ecam_release(void);

/* plan.c: planning rules */
u64 pcq_func_key(unsigned int depth, u32 seg, u8 bus, u8 devfn);
void pcq_plan(struct pcq_snapshot *snap, const struct pcq_skip_list *skip);
void pcq_plan_forget(struct pcq_snapshot *snap, int gone);
/* seal.c: snapshot layout and checksum */
size_t pcq_snapshot_size(unsigned int nr);
void pcq_snapshot_init(struct pcq_snapshot *snap, unsigned int nr);
void pcq_snapshot_seal(struct pcq_snapshot *snap);
bool pcq_snapshot_intact(const struct pcq_snapshot *snap);

/* plan.c: names shown in debugfs */
const char *pcq_type_name(enum pcq_type type);
const char *pcq_skip_name(enum pcq_skip_reason reason);
const char *pcq_noreset_name(enum pcq_noreset why);
const char *pcq_reach_name(enum pcq_reach reach);
const char *pcq_why_name(enum pcq_why why);

/* parse.c: the skip parameter's parser, a pure function */
int pcq_parse_skip(const char *s, struct pcq_skip_list *out, const char **bad);
int pcq_format_skip(const struct pcq_skip_list *skip, char *buf, size_t len);

/* quiesce.c: the panic-path walk */
void pcq_walk(const struct pcq_snapshot *snap, bool force_dry_run, bool locked,
	      struct pcq_run *run);
unsigned int pcq_walk_interrupted(struct pcq_run *run);
const char *pcq_state_name(enum pcq_state state);
const char *pcq_abort_name(enum pcq_abort why);
const char *pcq_phase_name(enum pcq_phase phase);

#endif /* _PCI_CRASH_QUIESCE_H */
