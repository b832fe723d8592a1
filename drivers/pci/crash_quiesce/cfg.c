// SPDX-License-Identifier: GPL-2.0
/*
 * Lock-free PCI config space accessors for the panic path.
 *
 * The PCI core's accessors are not usable after a panic: on x86 the type 1
 * mechanism serialises on pci_config_lock, and the CPU that held it may have
 * been stopped by NMI with the lock taken.  These accessors take no lock.
 * Two backends:
 *
 * - ECAM: the function's 4 KiB configuration page, inside the kernel's own
 *   ECAM mapping, found at snapshot time, so an access is a single MMIO load
 *   or store, made the way the kernel's own ECAM accessors make it: on x86
 *   through %eax (mmio_config_*(), as pci_mmcfg_read() does: AMD Family 10h
 *   processors require it), elsewhere with readl()/writew() and friends, as
 *   pci_generic_config_read() does.
 * - Type 1 (0xCF8/0xCFC), through arch/x86/pci/early.c's accessors: the
 *   address is written to 0xCF8 before every data access.  The other CPUs
 *   are stopped, so nobody races us; but the panic CPU itself may have been
 *   interrupted between its own 0xCF8 and 0xCFC accesses, so the content of
 *   0xCF8 is never assumed.
 *
 * Every access is counted in the caller's struct pcq_run: the counts are the
 * deterministic cost figure reported in last_run.
 * A function without a backend reads as all-ones, the same convention as a
 * failed config read, so callers treat it as gone.
 *
 * A dry run started from process context (dry_run_now) must not use either
 * backend: its bare 0xCF8/0xCFC pair would race with the PCI core on other
 * CPUs.  Its walk reads through the PCI core instead (pcq_cfg_pci_core_ops,
 * cfg_pci_core.c).
 */
#include <linux/io.h>
#include <linux/kconfig.h>
#include <linux/pci.h>
#include <linux/types.h>

#ifdef CONFIG_X86
#include <asm/pci-direct.h>
#include <asm/pci_x86.h>

/* as pci_mmcfg_read() does: through %eax (AMD Family 10h, see pci_x86.h) */
#define pcq_ecam_readl(addr)		mmio_config_readl(addr)
#define pcq_ecam_readw(addr)		mmio_config_readw(addr)
#define pcq_ecam_readb(addr)		mmio_config_readb(addr)
#define pcq_ecam_writew(addr, val)	mmio_config_writew(addr, val)
#define pcq_ecam_writeb(addr, val)	mmio_config_writeb(addr, val)
#else
/* as pci_generic_config_read() does */
#define pcq_ecam_readl(addr)		readl(addr)
#define pcq_ecam_readw(addr)		readw(addr)
#define pcq_ecam_readb(addr)		readb(addr)
#define pcq_ecam_writew(addr, val)	writew(val, addr)
#define pcq_ecam_writeb(addr, val)	writeb(val, addr)
#endif

#include "crash_quiesce.h"

/**
 * pcq_cfg_pick() - choose a function's lock-free accessor
 * @f:        the function, with its domain, bus and devfn filled in
 * @ecam_bus: the kernel's ECAM mapping of the function's bus, or NULL when
 *            the kernel uses no ECAM window for it
 * @conf1:    the kernel itself reaches domain 0 through type 1
 *            (pcq_conf1_used())
 *
 * ECAM where the kernel itself uses it.  Otherwise type 1, where the
 * kernel uses it too: only domain 0 of an x86 machine, and only when its
 * config ops are the direct type 1 ones (not type 2, nor a hypervisor's or
 * platform's own).  A function of any other domain (Intel VMD, Hyper-V
 * vPCI, a host bridge with its own config mechanism) gets no accessor,
 * never one that would address the domain-0 function at the same bus and
 * devfn.
 *
 * Context: process context, at snapshot time.
 */
void pcq_cfg_pick(struct pcq_func *f, void __iomem *ecam_bus, bool conf1)
{
	f->ecam = NULL;
	f->flags &= ~PCQ_F_CONF1;
	if (ecam_bus)
		f->ecam = ecam_bus + ((unsigned long)f->devfn << 12);
	else if (IS_ENABLED(CONFIG_X86) && conf1 && f->seg == 0)
		f->flags |= PCQ_F_CONF1;
}

/**
 * pcq_access_name() - how a function's config space is reached, for debugfs
 * @f: the function
 *
 * Return: "ecam", "conf1" or "none".
 */
const char *pcq_access_name(const struct pcq_func *f)
{
	if (f->ecam)
		return "ecam";
	return f->flags & PCQ_F_CONF1 ? "conf1" : "none";
}

#ifdef CONFIG_X86
/**
 * pcq_conf1_read() - a type 1 config read
 * @f:    the function
 * @reg:  register offset below 256
 * @size: 1, 2 or 4 bytes
 *
 * Through arch/x86/pci/early.c's accessors, which write the address to
 * 0xCF8 before every data access and take no lock.
 *
 * Context: panic path; no lock.
 * Return: the value.
 */
static u32 pcq_conf1_read(const struct pcq_func *f, unsigned int reg,
			  unsigned int size)
{
	u8 slot = PCI_SLOT(f->devfn), fn = PCI_FUNC(f->devfn);

	switch (size) {
	case 4:
		return read_pci_config(f->bus, slot, fn, reg);
	case 2:
		return read_pci_config_16(f->bus, slot, fn, reg);
	default:
		return read_pci_config_byte(f->bus, slot, fn, reg);
	}
}

/**
 * pcq_conf1_write() - a type 1 config write
 * @f:    the function
 * @reg:  register offset below 256
 * @size: 1 or 2 bytes
 * @val:  the value
 *
 * Context: panic path; no lock.
 */
static void pcq_conf1_write(const struct pcq_func *f, unsigned int reg,
			    unsigned int size, u32 val)
{
	u8 slot = PCI_SLOT(f->devfn), fn = PCI_FUNC(f->devfn);

	if (size == 2)
		write_pci_config_16(f->bus, slot, fn, reg, val);
	else
		write_pci_config_byte(f->bus, slot, fn, reg, val);
}
#else
static u32 pcq_conf1_read(const struct pcq_func *f, unsigned int reg,
			  unsigned int size)
{
	return (u32)PCI_ERROR_RESPONSE;
}

static void pcq_conf1_write(const struct pcq_func *f, unsigned int reg,
			    unsigned int size, u32 val)
{
}
#endif /* CONFIG_X86 */

/**
 * pcq_cfg_reaches() - would an access reach the register?
 * @f:   the function
 * @reg: register offset
 *
 * ECAM reaches the 4 KiB of a function's config space (pci_mmcfg_read()
 * refuses anything beyond too), type 1 only its first 256 bytes; a function
 * without an accessor has nothing.
 *
 * Context: any.
 * Return: true if the function's accessor reaches @reg.
 */
static bool pcq_cfg_reaches(const struct pcq_func *f, unsigned int reg)
{
	if (f->ecam)
		return reg < PCI_CFG_SPACE_EXP_SIZE;
	if (f->flags & PCQ_F_CONF1)
		return reg < PCI_CFG_SPACE_SIZE;
	return false;
}

/**
 * pcq_cfg_error() - what a read that reaches nothing returns
 * @size: 1, 2 or 4 bytes
 *
 * All-ones of the access width, the PCI core's error response.
 *
 * Context: any.
 * Return: the value.
 */
static u32 pcq_cfg_error(unsigned int size)
{
	u32 val;

	PCI_SET_ERROR_RESPONSE(&val);
	return size == 4 ? val : val >> (32 - 8 * size);
}

/**
 * pcq_cfg_read() - a config read through the function's lock-free accessor
 * @f:    the function
 * @reg:  register offset, aligned to @size
 * @size: 1, 2 or 4 bytes
 * @run:  counters
 *
 * Context: any, including NMI and panic; takes no lock.
 * Return: the value, all-ones when nothing answers.
 */
static u32 pcq_cfg_read(const struct pcq_func *f, unsigned int reg,
			unsigned int size, struct pcq_run *run)
{
	if (!pcq_cfg_reaches(f, reg))
		return pcq_cfg_error(size);
	run->config_reads++;
	if (!f->ecam)
		return pcq_conf1_read(f, reg, size);
	if (size == 4)
		return pcq_ecam_readl(f->ecam + reg);
	if (size == 2)
		return pcq_ecam_readw(f->ecam + reg);
	return pcq_ecam_readb(f->ecam + reg);
}

/**
 * pcq_cfg_read32() - read a config dword without taking any lock
 * @f:   the function
 * @reg: dword-aligned register offset
 * @run: counters to charge the access to
 *
 * Context: any, including NMI and panic; takes no lock, does not sleep.
 * Return: the value, or ~0 when the function has no accessor that
 * reaches @reg.
 */
u32 pcq_cfg_read32(const struct pcq_func *f, unsigned int reg, struct pcq_run *run)
{
	return pcq_cfg_read(f, reg, 4, run);
}

/**
 * pcq_cfg_read16() - read a config word without taking any lock
 * @f:   the function
 * @reg: word-aligned register offset
 * @run: counters to charge the access to
 *
 * Context: any, including NMI and panic; takes no lock, does not sleep.
 * Return: the value, or 0xffff when the function has no accessor that
 * reaches @reg.
 */
u16 pcq_cfg_read16(const struct pcq_func *f, unsigned int reg, struct pcq_run *run)
{
	return pcq_cfg_read(f, reg, 2, run);
}

/**
 * pcq_cfg_write() - a config write through the function's lock-free accessor
 * @f:    the function
 * @reg:  register offset, aligned to @size
 * @size: 1 or 2 bytes
 * @val:  the value
 * @run:  counters
 *
 * Context: any, including NMI and panic; takes no lock.
 */
static void pcq_cfg_write(const struct pcq_func *f, unsigned int reg,
			  unsigned int size, u32 val, struct pcq_run *run)
{
	if (!pcq_cfg_reaches(f, reg))
		return;
	run->config_writes++;
	if (!f->ecam)
		pcq_conf1_write(f, reg, size, val);
	else if (size == 2)
		pcq_ecam_writew(f->ecam + reg, val);
	else
		pcq_ecam_writeb(f->ecam + reg, val);
}

/**
 * pcq_cfg_write16() - write a config word without taking any lock
 * @f:   the function
 * @reg: word-aligned register offset
 * @val: the value
 * @run: counters to charge the access to
 *
 * A 16-bit write touches only the addressed register: callers use it for
 * Command, Bridge Control, Device Control, PMCSR and the MSI/MSI-X control
 * words so that the RW1C Status registers next to them are never written.
 *
 * Context: any, including NMI and panic; takes no lock, does not sleep.
 */
void pcq_cfg_write16(const struct pcq_func *f, unsigned int reg, u16 val,
		     struct pcq_run *run)
{
	pcq_cfg_write(f, reg, 2, val, run);
}

/**
 * pcq_cfg_write8() - write a config byte without taking any lock
 * @f:   the function
 * @reg: register offset
 * @val: the value
 * @run: counters to charge the access to
 *
 * For the Advanced Features Control register, whose neighbour is the
 * Advanced Features Status register.
 *
 * Context: any, including NMI and panic; takes no lock, does not sleep.
 */
void pcq_cfg_write8(const struct pcq_func *f, unsigned int reg, u8 val,
		    struct pcq_run *run)
{
	pcq_cfg_write(f, reg, 1, val, run);
}

/* The panic path's way to config space: no lock anywhere. */
const struct pcq_cfg_ops pcq_cfg_lockfree_ops = {
	.read	= pcq_cfg_read,
	.write	= pcq_cfg_write,
};
