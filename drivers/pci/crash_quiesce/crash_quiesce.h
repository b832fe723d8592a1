/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI crash quiesce: private definitions shared by the snapshot builder,
 * the planner, the lock-free config accessors and the panic-path walk.
 *
 * The snapshot is one immutable allocation: a header, an array of
 * struct cq_func, the quiesce order and the reset list.  It is built in
 * process context, sealed with a checksum and published with release
 * semantics.  The panic path only ever reads it.
 */
#ifndef _PCI_CRASH_QUIESCE_H
#define _PCI_CRASH_QUIESCE_H

#include <linux/bits.h>
#include <linux/types.h>

/* Bounds that keep every panic-path loop finite even on a corrupt header. */
#define CQ_MAX_FUNCS		4096
#define CQ_MAX_SKIP		32
#define CQ_SNAPSHOT_MAGIC	0x51554945	/* "QUIE" */

/*
 * PCIe r6.0 sec 7.5.1.3.13: Secondary Bus Reset must be held for at least
 * Trst (1 ms).  PCI-to-PCI Bridge Architecture r1.2 sec 3.2.5.17 agrees.
 */
#define CQ_RESET_HOLD_MIN_MS	1
#define CQ_RESET_HOLD_MAX_MS	1000
#define CQ_RESET_HOLD_DEF_MS	2
#define CQ_BUDGET_MIN_MS	1
#define CQ_BUDGET_MAX_MS	10000
#define CQ_BUDGET_DEF_MS	100

enum cq_type {
	CQ_TYPE_ENDPOINT,
	CQ_TYPE_ROOT_PORT,
	CQ_TYPE_DOWNSTREAM_PORT,
	CQ_TYPE_UPSTREAM_PORT,
	CQ_TYPE_PCI_BRIDGE,
	CQ_TYPE_RC_ENDPOINT,
	CQ_TYPE_HOST_BRIDGE,
	CQ_TYPE_OTHER,
};

enum cq_access {
	CQ_ACCESS_NONE,
	CQ_ACCESS_ECAM,
	CQ_ACCESS_CONF1,
};

/* Properties found at snapshot time that decide the plan. */
#define CQ_F_VGA		BIT(0)	/* display device: reset blanks the console */
#define CQ_F_SERIAL		BIT(1)	/* PCI UART, maybe the console */
#define CQ_F_IOMMU		BIT(2)	/* the IOMMU's own PCI function */
#define CQ_F_NO_BUS_RESET	BIT(3)	/* PCI_DEV_FLAGS_NO_BUS_RESET quirk */
#define CQ_F_USER_SKIP		BIT(4)	/* listed in the skip parameter */
#define CQ_F_BUSY		BIT(5)	/* has functions below it (planner) */

enum cq_action {
	CQ_ACT_QUIESCE,
	CQ_ACT_QUIESCE_RESET,
	CQ_ACT_SKIP,
};

enum cq_skip_reason {
	CQ_SKIP_NONE,
	CQ_SKIP_HOST_BRIDGE,
	CQ_SKIP_IOMMU,
	CQ_SKIP_USER,
	CQ_SKIP_NO_ACCESS,
};

/* Why a bridge that could reset its subtree does not. */
enum cq_noreset {
	CQ_NORESET_NONE,
	CQ_NORESET_NOT_BRIDGE,	/* not a function that can reset a bus */
	CQ_NORESET_MODE,	/* reset=none */
	CQ_NORESET_EMPTY,	/* nothing below it */
	CQ_NORESET_ANCESTOR,	/* a bridge above resets this subtree */
	CQ_NORESET_BLOCKED,	/* subtree holds a function that must not reset */
	CQ_NORESET_SKIPPED,	/* the bridge itself is skipped */
};

/**
 * struct cq_cfg - where a function's config space is, for lock-free access
 * @ecam:  the function's 4 KiB ECAM page, mapped at snapshot time
 * @conf1: the 0xCF8 address word for type 1 access (register bits clear)
 * @method: enum cq_access
 */
struct cq_cfg {
	void __iomem *ecam;
	u32 conf1;
	u8 method;
};

/**
 * struct cq_func - one PCI function as seen at snapshot time, and its plan
 * @cfg:       lock-free config access
 * @seg:       PCI segment (domain)
 * @bus:       bus number
 * @devfn:     device and function
 * @vendor:    vendor ID, re-read at panic time
 * @device:    device ID, re-read at panic time
 * @class:     24-bit class code
 * @hdr_type:  header type without the multi-function bit, re-read at panic
 * @type:      enum cq_type
 * @msi_cap:   MSI capability offset or 0
 * @msix_cap:  MSI-X capability offset or 0
 * @sec_bus:   secondary bus (bridges)
 * @sub_bus:   subordinate bus (bridges)
 * @flags:     CQ_F_*
 * @parent:    index of the bridge above, or -1 on a root bus
 * @depth:     number of bridges above
 * @action:    enum cq_action
 * @skip:      enum cq_skip_reason when @action is CQ_ACT_SKIP
 * @noreset:   enum cq_noreset, why a bridge does not reset
 * @blocker:   index of the function that blocks a reset, or -1
 */
struct cq_func {
	struct cq_cfg cfg;
	u16 seg;
	u8 bus;
	u8 devfn;
	u16 vendor;
	u16 device;
	u32 class;
	u8 hdr_type;
	u8 type;
	u8 msi_cap;
	u8 msix_cap;
	u8 sec_bus;
	u8 sub_bus;
	u16 flags;
	s16 parent;
	u8 depth;
	u8 action;
	u8 skip;
	u8 noreset;
	s16 blocker;
};

/**
 * struct cq_settings - the parameters a plan and a walk depend on
 * @enable:        arm the panic handler
 * @dry_run:       at panic, verify and record only
 * @reset:         secondary bus reset on top-most bridges
 * @msi:           disable MSI/MSI-X and set INTx Disable
 * @reset_hold_ms: Secondary Bus Reset hold time
 * @budget_ms:     total panic-path time budget
 */
struct cq_settings {
	bool enable;
	bool dry_run;
	bool reset;
	bool msi;
	u32 reset_hold_ms;
	u32 budget_ms;
};

/**
 * struct cq_skip_entry - one element of the skip parameter
 * @by_id:  match @vendor/@device instead of an address
 * @seg:    segment (0 when the entry gives none)
 * @bus:    bus
 * @devfn:  device and function
 * @vendor: vendor ID
 * @device: device ID
 */
struct cq_skip_entry {
	bool by_id;
	u16 seg;
	u8 bus;
	u8 devfn;
	u16 vendor;
	u16 device;
};

/**
 * struct cq_skip_list - the parsed skip parameter
 * @nr:    number of entries
 * @entry: the entries
 */
struct cq_skip_list {
	unsigned int nr;
	struct cq_skip_entry entry[CQ_MAX_SKIP];
};

/**
 * struct cq_snapshot - an immutable, sealed snapshot with its plan
 * @checksum:   over everything from @magic to the end of the allocation
 * @magic:      CQ_SNAPSHOT_MAGIC
 * @nr:         number of functions
 * @nr_inv:     ~@nr, checked before @nr is trusted to size anything
 * @nr_order:   entries in @order (functions to quiesce, in order)
 * @nr_resets:  entries in @resets (top-most bridges to reset)
 * @size:       bytes covered by @checksum
 * @generation: increases with every rebuild
 * @settings:   the settings the plan was made with
 * @order:      function indexes: endpoints deepest first, then bridges
 * @resets:     function indexes of the bridges to reset
 * @func:       the functions, parents before children
 *
 * @order and @resets point into the same allocation, after @func.
 */
struct cq_snapshot {
	u64 checksum;
	u32 magic;
	u32 nr;
	u32 nr_inv;
	u32 nr_order;
	u32 nr_resets;
	u32 size;
	u64 generation;
	struct cq_settings settings;
	u16 *order;
	u16 *resets;
	struct cq_func func[];
};

enum cq_state {
	CQ_STATE_NEVER,
	CQ_STATE_DRY_RUN,
	CQ_STATE_DONE,
	CQ_STATE_ABORTED,
};

enum cq_abort {
	CQ_ABORT_NONE,
	CQ_ABORT_NO_SNAPSHOT,
	CQ_ABORT_CORRUPT,
	CQ_ABORT_BUDGET,
};

/**
 * struct cq_run - what one walk did; the panic-time copy is static so
 * that it is also found in the vmcore
 * @state:              enum cq_state
 * @abort:              enum cq_abort when @state is CQ_STATE_ABORTED
 * @functions_quiesced: functions verified and quiesced (would be, in a dry run)
 * @bridges_reset:      bridges reset (would be, in a dry run)
 * @skipped:            planned skips plus @mismatched
 * @mismatched:         functions whose IDs no longer matched, or read all-ones
 * @config_reads:       config reads made
 * @config_writes:      config writes made
 * @planned_writes:     config writes a real run would have made (dry run)
 * @duration_ns:        time in the walk
 * @reset_hold_ns:      time Secondary Bus Reset was held
 * @snapshot_generation: generation of the snapshot walked
 */
struct cq_run {
	u32 state;
	u32 abort;
	u32 functions_quiesced;
	u32 bridges_reset;
	u32 skipped;
	u32 mismatched;
	u32 config_reads;
	u32 config_writes;
	u32 planned_writes;
	u64 duration_ns;
	u64 reset_hold_ns;
	u64 snapshot_generation;
};

/* cfg.c: lock-free config accessors */
u32 cq_cfg_read32(const struct cq_cfg *cfg, unsigned int reg, struct cq_run *run);
u16 cq_cfg_read16(const struct cq_cfg *cfg, unsigned int reg, struct cq_run *run);
void cq_cfg_write16(const struct cq_cfg *cfg, unsigned int reg, u16 val,
		    struct cq_run *run);
u32 cq_cfg_conf1_address(u8 bus, u8 devfn);
u64 cq_cfg_ecam_address(u64 base, u8 start_bus, u8 bus, u8 devfn);

/* plan.c: planning rules */
bool cq_skip_match(const struct cq_skip_list *skip, const struct cq_func *f);
void cq_plan(struct cq_snapshot *snap, const struct cq_skip_list *skip);
/* seal.c: snapshot layout and checksum */
size_t cq_snapshot_size(unsigned int nr);
void cq_snapshot_init(struct cq_snapshot *snap, unsigned int nr);
void cq_snapshot_seal(struct cq_snapshot *snap);
bool cq_snapshot_intact(const struct cq_snapshot *snap);

/* plan.c: names shown in debugfs */
const char *cq_type_name(enum cq_type type);
const char *cq_skip_name(enum cq_skip_reason reason);
const char *cq_noreset_name(enum cq_noreset why);

/* parse.c: parameter parsers, pure functions */
int cq_parse_skip(const char *s, struct cq_skip_list *out, const char **bad);
int cq_format_skip(const struct cq_skip_list *skip, char *buf, size_t len);
int cq_parse_bool(const char *s, bool *out);
int cq_parse_reset(const char *s, bool *out);
int cq_parse_ms(const char *s, u32 min, u32 max, u32 *out);

/* quiesce.c: the panic-path walk */
void cq_walk(const struct cq_snapshot *snap, bool force_dry_run,
	     struct cq_run *run);
const char *cq_state_name(enum cq_state state);
const char *cq_abort_name(enum cq_abort why);

#endif /* _PCI_CRASH_QUIESCE_H */
