// SPDX-License-Identifier: GPL-2.0
/*
 * Config reads through the PCI core, for walks in process context.
 *
 * dry_run_now runs the panic-path walk from process context, where a bare
 * 0xCF8/0xCFC pair would race with the PCI core on other CPUs: its reads
 * come here instead, through the PCI core's locked accessors.
 */
#include <linux/pci.h>

#include "crash_quiesce.h"

/**
 * pcq_cfg_locked_read() - a config read through the PCI core
 * @seg:   PCI domain
 * @bus:   bus number
 * @devfn: device and function
 * @reg:   register offset
 * @size:  1, 2 or 4 bytes
 * @val:   the value read
 *
 * For walks in process context: the PCI core's accessors take pci_lock
 * (and on x86 pci_config_lock around type 1), so the walk's reads never
 * interleave with another CPU's config access.
 *
 * Context: process context, under pci_lock_rescan_remove().
 * Return: 0, or a PCIBIOS error or -ENODEV.
 */
int pcq_cfg_locked_read(u32 seg, u8 bus, u8 devfn, unsigned int reg,
			unsigned int size, u32 *val)
{
	struct pci_bus *pbus = pci_find_bus(seg, bus);
	u16 v16;
	u8 v8;
	int err;

	if (!pbus)
		return -ENODEV;
	switch (size) {
	case 4:
		return pci_bus_read_config_dword(pbus, devfn, reg, val);
	case 2:
		err = pci_bus_read_config_word(pbus, devfn, reg, &v16);
		*val = v16;
		return err;
	default:
		err = pci_bus_read_config_byte(pbus, devfn, reg, &v8);
		*val = v8;
		return err;
	}
}
