// SPDX-License-Identifier: GPL-2.0
/* The fake PCI configuration space: see fake_pci.h. */
#include <stdio.h>
#include <string.h>

#include <linux/delay.h>
#include <linux/io.h>
#include <linux/nmi.h>
#include <linux/pci_regs.h>
#include <linux/timekeeping.h>

#include "crash_quiesce.h"
#include "fake_pci.h"

struct fake_state fake;

void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
}

int fake_add(u32 seg, u8 bus, u8 devfn)
{
	struct fake_fn *f;

	if (fake.nr == FAKE_MAX_FN) {
		fprintf(stderr, "fake_pci: too many functions\n");
		return -1;
	}
	f = &fake.fn[fake.nr];
	memset(f, 0, sizeof(*f));
	f->seg = seg;
	f->bus = bus;
	f->devfn = devfn;
	return fake.nr++;
}

void *fake_page(int fn)
{
	return fake.fn[fn].cfg;
}

u8 fake_get8(int fn, unsigned int off)
{
	return fake.fn[fn].cfg[off];
}

u16 fake_get16(int fn, unsigned int off)
{
	const u8 *p = &fake.fn[fn].cfg[off];

	return p[0] | p[1] << 8;
}

u32 fake_get32(int fn, unsigned int off)
{
	return fake_get16(fn, off) | (u32)fake_get16(fn, off + 2) << 16;
}

void fake_set8(int fn, unsigned int off, u8 val)
{
	fake.fn[fn].cfg[off] = val;
}

void fake_set16(int fn, unsigned int off, u16 val)
{
	fake.fn[fn].cfg[off] = val;
	fake.fn[fn].cfg[off + 1] = val >> 8;
}

void fake_set32(int fn, unsigned int off, u32 val)
{
	fake_set16(fn, off, val);
	fake_set16(fn, off + 2, val >> 16);
}

bool fake_is_bridge(int fn)
{
	return (fake_get8(fn, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK) ==
	       PCI_HEADER_TYPE_BRIDGE;
}

int fake_writes_to(int fn)
{
	int i, n = 0;

	for (i = 0; i < fake.nlog; i++)
		n += fake.log[i].kind == FAKE_EV_WRITE && fake.log[i].fn == fn;
	return n;
}

int fake_writes_at(int fn, unsigned int off)
{
	int i, n = 0;

	for (i = 0; i < fake.nlog; i++)
		n += fake.log[i].kind == FAKE_EV_WRITE && fake.log[i].fn == fn &&
		     fake.log[i].off == off;
	return n;
}

int fake_resets_of(int fn)
{
	int i, n = 0;

	for (i = 0; i < fake.nlog; i++)
		n += fake.log[i].kind == FAKE_EV_RESET && fake.log[i].fn == fn;
	return n;
}

static void fake_log(int kind, int fn, unsigned int off, unsigned int width,
		     u32 val, u32 old, bool dropped)
{
	struct fake_ev *e;

	if (fake.nlog == FAKE_LOG_MAX) {
		fake.bad++;
		return;
	}
	e = &fake.log[fake.nlog++];
	e->kind = kind;
	e->fn = fn;
	e->off = off;
	e->width = width;
	e->val = val;
	e->old = old;
	e->dropped = dropped;
	e->t = fake.now_ns;
}

static void fake_io_log(u16 port, u8 width, bool out, u32 val)
{
	if (fake.nio < FAKE_IO_MAX)
		fake.io[fake.nio++] = (struct fake_io){ port, width, out, val };
}

static void fake_tick(int fn)
{
	if (fake.frozen)
		return;
	fake.now_ns += fake.ns_per_access;
	if (fn >= 0)
		fake.now_ns += fake.fn[fn].ns_per_access;
}

/* Function @i to its reset state; @by is the bridge, or FAKE_BY_* */
static void fake_reset_fn(int i, int by)
{
	struct fake_fn *f = &fake.fn[i];

	fake_set16(i, PCI_COMMAND, 0);
	if (f->msi_cap)
		fake_set16(i, f->msi_cap + PCI_MSI_FLAGS,
			   fake_get16(i, f->msi_cap + PCI_MSI_FLAGS) &
			   ~PCI_MSI_FLAGS_ENABLE);
	if (f->msix_cap)
		fake_set16(i, f->msix_cap + PCI_MSIX_FLAGS,
			   fake_get16(i, f->msix_cap + PCI_MSIX_FLAGS) &
			   ~PCI_MSIX_FLAGS_ENABLE);
	fake_log(FAKE_EV_RESET, i, 0, 0, by, 0, false);
}

/* Secondary Bus Reset: every function below the bridge to its reset state. */
static void fake_bus_reset(int bridge)
{
	u32 seg = fake.fn[bridge].seg;
	u8 sec = fake_get8(bridge, PCI_SECONDARY_BUS);
	u8 sub = fake_get8(bridge, PCI_SUBORDINATE_BUS);
	int i;

	for (i = 0; i < fake.nr; i++) {
		struct fake_fn *f = &fake.fn[i];

		if (f->seg != seg || f->bus < sec || f->bus > sub || f->removed)
			continue;
		fake_reset_fn(i, bridge);
	}
}

/* A read as the device sees it, however it came: time and side effects. */
static u32 fake_device_read(int fn, unsigned int off, unsigned int width)
{
	struct fake_fn *f;

	fake_tick(fn);
	if (fn < 0)
		return width == 4 ? ~0U : 0xffff;
	f = &fake.fn[fn];
	if (f->remove_on_read > 0 && (unsigned int)f->remove_on_read == off) {
		if (f->remove_skip > 0)
			f->remove_skip--;
		else
			f->removed = true;
	}
	if (f->tp_reads > 0 && f->pcie_cap && off == (unsigned int)f->pcie_cap + PCI_EXP_DEVCTL) {
		/* Transactions Pending for this many more reads of it */
		f->tp_reads--;
		fake_set16(fn, off + 2, fake_get16(fn, off + 2) | PCI_EXP_DEVSTA_TRPND);
	} else if (f->pcie_cap && off == (unsigned int)f->pcie_cap + PCI_EXP_DEVCTL) {
		fake_set16(fn, off + 2, fake_get16(fn, off + 2) & ~PCI_EXP_DEVSTA_TRPND);
	}
	if (f->removed)
		return width == 4 ? ~0U : width == 2 ? 0xffff : 0xff;
	return width == 4 ? fake_get32(fn, off) : width == 2 ? fake_get16(fn, off) :
	       fake_get8(fn, off);
}

/* A config data read through ECAM or type 1, counted in fake.reads. */
static u32 fake_read(int fn, unsigned int off, unsigned int width)
{
	fake.reads++;
	return fake_device_read(fn, off, width);
}

static void fake_write(int fn, unsigned int off, unsigned int width, u16 val)
{
	struct fake_fn *f;
	u16 old;

	fake.writes++;
	fake_tick(fn);
	if (fn < 0) {
		fake.bad++;
		return;
	}
	f = &fake.fn[fn];
	old = width == 2 ? fake_get16(fn, off) : fake_get8(fn, off);
	fake_log(FAKE_EV_WRITE, fn, off, width, val, old, f->removed);
	if (f->removed)
		return;
	if (width == 2)
		fake_set16(fn, off, val);
	else
		fake_set8(fn, off, val);
	if (off == PCI_BRIDGE_CONTROL && fake_is_bridge(fn) &&
	    !(old & PCI_BRIDGE_CTL_BUS_RESET) && (val & PCI_BRIDGE_CTL_BUS_RESET))
		fake_bus_reset(fn);
	if (f->pcie_cap && off == (unsigned int)f->pcie_cap + PCI_EXP_DEVCTL &&
	    (val & PCI_EXP_DEVCTL_BCR_FLR)) {
		fake_set16(fn, off, old);	/* BCR_FLR reads 0; DevCtl to default */
		fake_reset_fn(fn, FAKE_BY_FLR);
	}
	if (f->af_cap && off == (unsigned int)f->af_cap + PCI_AF_CTRL && (val & PCI_AF_CTRL_FLR)) {
		fake_set8(fn, off, 0);
		fake_reset_fn(fn, FAKE_BY_AF_FLR);
	}
	if (fake.on_write && fake.writes == fake.on_write_at)
		fake.on_write();
}

/* ECAM: find the function whose page holds [addr, addr + width). */
static int fake_ecam(const volatile void *addr, unsigned int width,
		     unsigned int *off)
{
	const u8 *p = (const u8 *)addr;
	int i;

	for (i = 0; i < fake.nr; i++) {
		const u8 *page = fake.fn[i].cfg;

		if (p >= page && p + width <= page + sizeof(fake.fn[i].cfg)) {
			*off = p - page;
			if (*off % width)
				break;
			return i;
		}
	}
	fprintf(stderr, "fake_pci: bad ECAM access at %p\n", (const void *)p);
	fake.bad++;
	return -1;
}

static u32 fake_ecam_read(const void *addr, unsigned int width)
{
	unsigned int off = 0;
	int fn = fake_ecam(addr, width, &off);

	return fake_read(fn, off, width);
}

static void fake_ecam_write(const void *addr, unsigned int width, u16 val)
{
	unsigned int off = 0;
	int fn = fake_ecam(addr, width, &off);

	fake_write(fn, off, width, val);
}

u32 mmio_config_readl(void __iomem *addr) { return fake_ecam_read(addr, 4); }
u8 mmio_config_readb(void __iomem *addr) { return fake_ecam_read(addr, 1); }
u16 mmio_config_readw(void __iomem *addr) { return fake_ecam_read(addr, 2); }
void mmio_config_writew(void __iomem *addr, u16 val) { fake_ecam_write(addr, 2, val); }
void mmio_config_writeb(void __iomem *addr, u8 val) { fake_ecam_write(addr, 1, val); }

/*
 * Type 1: decode the latched address for a data access of @width bytes at
 * @port.  Returns the function (or -1 when none answers) and the offset.
 */
static int fake_conf1(unsigned long port, unsigned int width, unsigned int *off)
{
	u8 bus = fake.cf8 >> 16, devfn = fake.cf8 >> 8;
	int i;

	if (!fake.cf8_fresh)
		fake.conf1_stale++;
	fake.cf8_fresh = false;
	if (!(fake.cf8 & 0x80000000))
		fake.conf1_disabled++;
	if (port < 0xcfc || port + width > 0xd00 || (port & (width - 1))) {
		fprintf(stderr, "fake_pci: bad port access %#lx/%u\n", port, width);
		fake.bad++;
		return -1;
	}
	*off = (fake.cf8 & 0xfc) + (port - 0xcfc);
	for (i = 0; i < fake.nr; i++)
		if (fake.fn[i].seg == 0 && fake.fn[i].bus == bus &&
		    fake.fn[i].devfn == devfn)
			return i;
	return -1;
}

void outl(u32 val, unsigned long port)
{
	fake_io_log(port, 4, true, val);
	if (port != 0xcf8) {
		fprintf(stderr, "fake_pci: outl to port %#lx\n", port);
		fake.bad++;
		return;
	}
	fake.cf8 = val;
	fake.cf8_fresh = true;
	fake.cf8_writes++;
}

/* Type 1 data accesses at 0xCFC..0xCFF, logged with the port */
static u32 fake_conf1_read(unsigned long port, unsigned int width)
{
	unsigned int off = 0;
	int fn = fake_conf1(port, width, &off);
	u32 val = fake_read(fn, off, width);

	fake_io_log(port, width, false, val);
	return val;
}

static void fake_conf1_write(unsigned long port, unsigned int width, u16 val)
{
	unsigned int off = 0;
	int fn = fake_conf1(port, width, &off);

	fake_io_log(port, width, true, val);
	fake_write(fn, off, width, val);
}

u32 inl(unsigned long port) { return fake_conf1_read(port, 4); }
u16 inw(unsigned long port) { return fake_conf1_read(port, 2); }
u8 inb(unsigned long port) { return fake_conf1_read(port, 1); }
void outw(u16 val, unsigned long port) { fake_conf1_write(port, 2, val); }
void outb(u8 val, unsigned long port) { fake_conf1_write(port, 1, val); }

/*
 * The test double of cfg_pci_core.c's pcq_cfg_pci_core_ops: the PCI core's
 * locked reads, found by segment, bus and devfn as pci_find_bus() and
 * pci_bus_read_config_*() would, never through ECAM or the ports.  The
 * device sees the read (time, side effects); the fake counts it apart, in
 * fake.pci_core_reads.  The real one has no write; this one has a write
 * that only counts the attempt, so that a walk writing through it shows.
 */
static u32 fake_pci_core_read(const struct pcq_func *f, unsigned int reg,
			      unsigned int size, struct pcq_run *run)
{
	u32 err = size == 4 ? ~0U : size == 2 ? 0xffff : 0xff;
	int i;

	run->config_reads++;
	fake.pci_core_reads++;
	if (reg + size > 4096 || (reg & (size - 1)))
		return err;
	for (i = 0; i < fake.nr; i++) {
		const struct fake_fn *fn = &fake.fn[i];

		if (fn->seg == f->seg && fn->bus == f->bus && fn->devfn == f->devfn)
			return fake_device_read(i, reg, size);
	}
	return err;
}

static void fake_pci_core_write(const struct pcq_func *f, unsigned int reg,
				unsigned int size, u32 val, struct pcq_run *run)
{
	(void)f;
	(void)reg;
	(void)size;
	(void)val;
	(void)run;
	fake.pci_core_writes++;
	fake.bad++;
}

const struct pcq_cfg_ops pcq_cfg_pci_core_ops = {
	.read	= fake_pci_core_read,
	.write	= fake_pci_core_write,
};

u64 ktime_get_mono_fast_ns(void)
{
	return fake.now_ns;
}

#define FAKE_HOUR_NS	(3600ULL * 1000000000ULL)

void mdelay(unsigned long ms)
{
	fake.mdelays++;
	if (fake.on_mdelay && fake.mdelays == fake.on_mdelay_at)
		fake.on_mdelay();
	fake.delayed_ns += ms * 1000000ULL;
	if (fake.mdelays == (fake.mdelay_limit ? fake.mdelay_limit : 100000)) {
		/* a runaway wait: let it end, it has been counted */
		fake.frozen = false;
		fake.now_ns += FAKE_HOUR_NS;
	}
	if (!fake.frozen)
		fake.now_ns += ms * 1000000ULL;
}

void udelay(unsigned long us)
{
	fake.delayed_ns += us * 1000ULL;
	if (!fake.frozen)
		fake.now_ns += us * 1000ULL;
}

void touch_nmi_watchdog(void)
{
	fake.nmi_touches++;
}
