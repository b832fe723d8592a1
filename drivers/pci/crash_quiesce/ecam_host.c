// SPDX-License-Identifier: GPL-2.0
/*
 * The ECAM mappings of generic ECAM host bridges, for the lock-free
 * accessors: pci-host-generic with a device tree, and ACPI MCFG hosts whose
 * config ops are the generic ECAM ones (arm64's pci_acpi_scan_root()).
 *
 * Such a host bridge's buses carry its struct pci_config_window as sysdata
 * and its ECAM ops: map_bus is pci_ecam_map_bus(), reads and writes go
 * through pci_generic_config_read()/write(), which make plain MMIO accesses
 * of any width to the mapped window and take no lock of their own.  The
 * crash path then needs nothing but the address pci_ecam_map_bus() gives,
 * into the host bridge's own mapping: nothing new is mapped.
 *
 * Any other config mechanism is refused, and its functions are left alone:
 * host bridges that reprogram an address translation unit for each access
 * (DesignWare's other-config ops, which need pci_lock), that allow 32-bit
 * accesses only (the pci_32b_ops MCFG quirks), or that lay out config space
 * otherwise than 4 KiB per function (bus_shift other than 20).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/pci.h>
#include <linux/pci-ecam.h>

#include "crash_quiesce.h"

#define PCQ_ECAM_BUS_SHIFT	20	/* PCIe r6.0 sec 7.2.2: 4 KiB per function */

/**
 * pcq_ecam_host_generic() - are a bus's config ops the generic ECAM ones?
 * @bus: a PCI bus
 *
 * Context: process context.
 * Return: true if lock-free ECAM accesses through pci_ecam_map_bus()'s
 * addresses are what the kernel itself does on @bus.
 */
static bool pcq_ecam_host_generic(const struct pci_bus *bus)
{
	const struct pci_config_window *cfg;

	if (bus->ops->map_bus != pci_ecam_map_bus ||
	    bus->ops->read != pci_generic_config_read ||
	    bus->ops->write != pci_generic_config_write)
		return false;
	/* pci_ecam_map_bus() implies the sysdata is a config window */
	cfg = bus->sysdata;
	return !cfg->ops->bus_shift || cfg->ops->bus_shift == PCQ_ECAM_BUS_SHIFT;
}

/**
 * pcq_ecam_refresh() - see the kernel's current ECAM windows
 *
 * Nothing to do: pcq_ecam_bus() asks each bus's host bridge.
 *
 * Context: process context.
 */
void pcq_ecam_refresh(void)
{
}

/**
 * pcq_ecam_bus() - the host bridge's ECAM mapping of a bus
 * @seg: PCI domain
 * @nr:  bus number
 *
 * Context: process context; takes the PCI bus semaphore (pci_find_bus()).
 * Return: the mapped config space of @nr (function 0.0's page), or NULL
 * when its host bridge has no generic ECAM ops.
 */
void __iomem *pcq_ecam_bus(u32 seg, u8 nr)
{
	struct pci_bus *bus = pci_find_bus(seg, nr);

	if (!bus)
		return NULL;
	if (!pcq_ecam_host_generic(bus)) {
		pr_info_once("%04x:%02x: config ops %ps are not generic ECAM: no lock-free access\n",
			     seg, nr, bus->ops->read);
		return NULL;
	}
	return pci_ecam_map_bus(bus, 0, 0);
}

/**
 * pcq_conf1_used() - does the kernel reach domain 0 through type 1?
 *
 * Context: any.
 * Return: false: type 1 is x86's, and these host bridges have ECAM.
 */
bool pcq_conf1_used(void)
{
	return false;
}

/**
 * pcq_ecam_release() - drop what pcq_ecam_bus() set up
 *
 * Nothing: the mappings are the host bridges'.
 *
 * Context: process context.
 */
void pcq_ecam_release(void)
{
}
