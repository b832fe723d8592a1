/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake PCI configuration space for the userspace unit tests.
 *
 * Each function owns a 4 KiB page that serves as its ECAM page (a struct
 * pcq_func's ecam pointer points into it) and is also reachable through the
 * type 1 mechanism (0xCF8 address latch, 0xCFC..0xCFF data ports, segment 0
 * only).  Every data access advances a fake clock by fake.ns_per_access and is
 * counted; every write is logged, in order, with the value it replaced.
 * Setting Secondary Bus Reset in a bridge's Bridge Control resets every
 * function on the bridge's secondary..subordinate buses.  It also stands in
 * for the PCI core's locked reads (pcq_cfg_pci_core_ops), counted apart.
 */
#ifndef _FAKE_PCI_H
#define _FAKE_PCI_H

#include <linux/types.h>

#define FAKE_MAX_FN	64
#define FAKE_LOG_MAX	4096
#define FAKE_IO_MAX	8192

enum fake_ev_kind {
	FAKE_EV_WRITE,		/* a config write (logged even if dropped) */
	FAKE_EV_RESET,		/* a function reset by a Secondary Bus Reset */
};

struct fake_ev {
	int kind;		/* enum fake_ev_kind */
	int fn;			/* function written, or the function reset */
	unsigned int off;	/* register offset (write) */
	unsigned int width;	/* bytes (write) */
	u32 val;		/* value written; for a reset, the bridge */
	u32 old;		/* value before the write */
	bool dropped;		/* the function was removed: write had no effect */
	u64 t;			/* fake time */
};

struct fake_io {
	u16 port;
	u8 width;
	bool out;
	u32 val;
};

/* enum fake_ev_kind FAKE_EV_RESET's val when no bridge did it */
#define FAKE_BY_FLR	(-2)
#define FAKE_BY_AF_FLR	(-3)

struct fake_fn {
	u8 cfg[4096];
	u32 seg;
	u8 bus;
	u8 devfn;
	u8 msi_cap;
	u8 msix_cap;
	u8 pcie_cap;		/* a write of BCR_FLR to Device Control resets */
	u8 af_cap;		/* a write of FLR to AF Control resets */
	int tp_reads;		/* Transactions Pending reads before it clears */
	bool removed;		/* reads all-ones, writes dropped */
	int remove_on_read;	/* if > 0: becomes removed when this offset is read */
	int remove_skip;	/* ... after this many reads of it that still answer */
	u64 ns_per_access;	/* its own cost per access, on top (a slow device) */
};

struct fake_state {
	struct fake_fn fn[FAKE_MAX_FN];
	int nr;

	u64 now_ns;		/* the fake clock */
	u64 ns_per_access;	/* advance per config data access */
	u64 delayed_ns;		/* total time spent in mdelay/udelay */
	bool frozen;		/* the clock stands still (as after hpet_disable()) */
	unsigned int mdelays;	/* mdelay() calls */
	/*
	 * A wait the fake ends for the code under test: after this many
	 * mdelay() calls the clock jumps an hour ahead (0: 100000), so that a
	 * wait bounded by the clock alone shows up as a count, not a hang.
	 */
	unsigned int mdelay_limit;
	/* called at the start of mdelay() call number on_mdelay_at (from 1) */
	void (*on_mdelay)(void);
	unsigned int on_mdelay_at;
	/* called after config write number on_write_at (from 1) */
	void (*on_write)(void);
	unsigned int on_write_at;
	unsigned int nmi_touches;

	unsigned int reads;	/* config data reads (ECAM or 0xCFC..) */
	unsigned int writes;	/* config data writes */
	unsigned int pci_core_reads;	/* reads through pcq_cfg_pci_core_ops */
	unsigned int pci_core_writes;	/* writes tried through it (it has none) */
	unsigned int bad;	/* accesses the fake could not make sense of */

	struct fake_ev log[FAKE_LOG_MAX];
	int nlog;

	/* type 1 */
	u32 cf8;		/* the latched address */
	bool cf8_fresh;		/* 0xCF8 written since the last data access */
	unsigned int cf8_writes;
	unsigned int conf1_stale;	/* data accesses with no 0xCF8 write before */
	unsigned int conf1_disabled;	/* data accesses with the enable bit clear */
	struct fake_io io[FAKE_IO_MAX];
	int nio;
};

extern struct fake_state fake;

void fake_reset(void);
int fake_add(u32 seg, u8 bus, u8 devfn);
void *fake_page(int fn);
bool fake_is_bridge(int fn);

/* Direct access to the backing store: no logging, no time, no side effect. */
u8 fake_get8(int fn, unsigned int off);
u16 fake_get16(int fn, unsigned int off);
u32 fake_get32(int fn, unsigned int off);
void fake_set8(int fn, unsigned int off, u8 val);
void fake_set16(int fn, unsigned int off, u16 val);
void fake_set32(int fn, unsigned int off, u32 val);

/* Queries over the write log. */
int fake_writes_to(int fn);
int fake_writes_at(int fn, unsigned int off);
int fake_resets_of(int fn);

/* the 0xCF8 word that selects a function, register bits clear */
static inline u32 fake_conf1_address(u8 bus, u8 devfn)
{
	return 0x80000000 | (u32)bus << 16 | (u32)devfn << 8;
}

#endif
