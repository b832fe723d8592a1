// SPDX-License-Identifier: GPL-2.0
/*
 * Lock-free PCI config space accessors for the panic path.
 *
 * The PCI core's accessors are not usable after a panic: on x86 the type 1
 * mechanism serialises on pci_config_lock, and the CPU that held it may have
 * been stopped by NMI with the lock taken.  These accessors take no lock.
 * Two backends:
 *
 * - ECAM: the function's 4 KiB configuration page was ioremap()ed at snapshot
 *   time, so an access is a single MMIO load or store.
 * - Type 1 (0xCF8/0xCFC): the address is written to 0xCF8 before every data
 *   access.  The other CPUs are stopped, so nobody races us; but the panic
 *   CPU itself may have been interrupted between its own 0xCF8 and 0xCFC
 *   accesses, so the content of 0xCF8 is never assumed.
 *
 * Every access is counted in the caller's struct cq_run: the counts are the
 * deterministic cost figure reported in last_run and by the benchmark.
 * A function without a backend reads as all-ones, the same convention as a
 * failed config read, so callers treat it as gone.
 */
#include <linux/io.h>
#include <linux/types.h>

#include "crash_quiesce.h"

#define CQ_CONF1_ADDR_PORT	0xcf8
#define CQ_CONF1_DATA_PORT	0xcfc
#define CQ_CONF1_ENABLE		0x80000000

/**
 * cq_cfg_conf1_address() - the 0xCF8 word that selects a function
 * @bus:   bus number
 * @devfn: device and function
 *
 * Return: the address word with the register bits clear.
 */
u32 cq_cfg_conf1_address(u8 bus, u8 devfn)
{
	return CQ_CONF1_ENABLE | (u32)bus << 16 | (u32)devfn << 8;
}

/**
 * cq_cfg_ecam_address() - physical address of a function's ECAM page
 * @base:      physical base of the ECAM window (the MCFG base address)
 * @start_bus: first bus the window decodes
 * @bus:       bus number, at least @start_bus
 * @devfn:     device and function
 *
 * Return: the physical address of the function's 4 KiB config page.
 */
u64 cq_cfg_ecam_address(u64 base, u8 start_bus, u8 bus, u8 devfn)
{
	return base + ((u64)(bus - start_bus) << 20) + ((u64)devfn << 12);
}

/**
 * cq_conf1_select() - point 0xCF8 at a function's register
 * @cfg: the function's accessor
 * @reg: register offset; the low two bits select the byte lane at 0xCFC
 *
 * Context: panic path; written before every data access, no lock.
 */
static void cq_conf1_select(const struct cq_cfg *cfg, unsigned int reg)
{
	outl(cfg->conf1 | (reg & 0xfc), CQ_CONF1_ADDR_PORT);
}

/**
 * cq_cfg_read32() - read a config dword without taking any lock
 * @cfg: the function's accessor
 * @reg: dword-aligned register offset below 256
 * @run: counters to charge the access to
 *
 * Context: any, including NMI and panic; takes no lock, does not sleep.
 * Return: the value, or ~0 when the function has no accessor.
 */
u32 cq_cfg_read32(const struct cq_cfg *cfg, unsigned int reg, struct cq_run *run)
{
	switch (cfg->method) {
	case CQ_ACCESS_ECAM:
		run->config_reads++;
		return readl(cfg->ecam + reg);
	case CQ_ACCESS_CONF1:
		run->config_reads++;
		cq_conf1_select(cfg, reg);
		return inl(CQ_CONF1_DATA_PORT);
	default:
		return ~0U;
	}
}

/**
 * cq_cfg_read16() - read a config word without taking any lock
 * @cfg: the function's accessor
 * @reg: word-aligned register offset below 256
 * @run: counters to charge the access to
 *
 * Context: any, including NMI and panic; takes no lock, does not sleep.
 * Return: the value, or 0xffff when the function has no accessor.
 */
u16 cq_cfg_read16(const struct cq_cfg *cfg, unsigned int reg, struct cq_run *run)
{
	switch (cfg->method) {
	case CQ_ACCESS_ECAM:
		run->config_reads++;
		return readw(cfg->ecam + reg);
	case CQ_ACCESS_CONF1:
		run->config_reads++;
		cq_conf1_select(cfg, reg);
		return inw(CQ_CONF1_DATA_PORT + (reg & 2));
	default:
		return 0xffff;
	}
}

/**
 * cq_cfg_write16() - write a config word without taking any lock
 * @cfg: the function's accessor
 * @reg: word-aligned register offset below 256
 * @val: the value
 * @run: counters to charge the access to
 *
 * A 16-bit write touches only the addressed register: callers use it for
 * Command, Bridge Control and the MSI/MSI-X control words so that the
 * RW1C Status registers next to them are never written.
 *
 * Context: any, including NMI and panic; takes no lock, does not sleep.
 */
void cq_cfg_write16(const struct cq_cfg *cfg, unsigned int reg, u16 val,
		    struct cq_run *run)
{
	switch (cfg->method) {
	case CQ_ACCESS_ECAM:
		run->config_writes++;
		writew(val, cfg->ecam + reg);
		break;
	case CQ_ACCESS_CONF1:
		run->config_writes++;
		cq_conf1_select(cfg, reg);
		outw(val, CQ_CONF1_DATA_PORT + (reg & 2));
		break;
	default:
		break;
	}
}
