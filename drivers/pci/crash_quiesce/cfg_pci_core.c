// SPDX-License-Identifier: GPL-2.0
/*
 * Config reads through the PCI core, for walks in process context.
 *
 * dry_run_now runs the panic-path walk from process context, where a bare
 * 0xCF8/0xCFC pair would race with the PCI core on other CPUs: its reads
 * come here instead, through the PCI core's locked accessors.  This way
 * has no writes.
 */
#include <linux/pci.h>

#include "crash_quiesce.h"

/**
 * pcq_cfg_pci_core_read() - a config read through the PCI core
 * @f:    the function
 * @reg:  register offset
 * @size: 1, 2 or 4 bytes
 * @run:  counters
 *
 * The PCI core's accessors take pci_lock (and on x86 pci_config_lock
 * around type 1), so the walk's reads never interleave with another CPU's
 * config access.
 *
 * Context: process context, under pci_lock_rescan_remove(), so that the
 * bus found stays.
 * Return: the value, all-ones of its width on an error.
 */
static u32 pcq_cfg_pci_core_read(const struct pcq_func *f, unsigned int reg,
				 unsigned int size, struct pcq_run *run)
{
	struct pci_bus *bus = pci_find_bus(f->seg, f->bus);
	u32 val;
	u16 v16;
	u8 v8;

	run->config_reads++;
	/* on a failed read the PCI core sets the error response itself */
	switch (size) {
	case 4:
		if (!bus || pci_bus_read_config_dword(bus, f->devfn, reg, &val))
			PCI_SET_ERROR_RESPONSE(&val);
		return val;
	case 2:
		if (!bus || pci_bus_read_config_word(bus, f->devfn, reg, &v16))
			PCI_SET_ERROR_RESPONSE(&v16);
		return v16;
	default:
		if (!bus || pci_bus_read_config_byte(bus, f->devfn, reg, &v8))
			PCI_SET_ERROR_RESPONSE(&v8);
		return v8;
	}
}

/* Process context's way to config space: locked reads, no writes. */
const struct pcq_cfg_ops pcq_cfg_pci_core_ops = {
	.read	= pcq_cfg_pci_core_read,
};
