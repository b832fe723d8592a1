// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own ECAM mappings, for the lock-free accessors.
 *
 * x86 decides at boot which MMCONFIG windows it trusts: none under
 * pci=nommconf, and none that firmware failed to reserve.  The windows it
 * kept are on pci_mmcfg_list, each mapped whole (mmconfig_64.c), and that
 * mapping is what the panic path uses: nothing new is mapped, and a window
 * the kernel rejected is never touched.  A bus no window covers has no ECAM
 * accessor; pcq_cfg_pick() then falls back to type 1 on domain 0, where the
 * kernel itself uses type 1.
 */
#include <linux/pci.h>
#include <linux/rcupdate.h>

#include <asm/jailhouse_para.h>
#include <asm/pci_x86.h>
#include <xen/xen.h>

#include "core.h"

/**
 * pcq_ecam_refresh() - see the kernel's current ECAM windows
 *
 * Nothing to do: pcq_ecam_bus() looks them up each time.
 *
 * Context: process context.
 */
void pcq_ecam_refresh(void)
{
}

/**
 * pcq_ecam_bus() - the kernel's ECAM mapping of a bus
 * @seg: PCI domain
 * @bus: bus number
 *
 * Context: process context.
 * Return: the mapped config space of @bus (function 0.0's page), or NULL
 * when the kernel uses no ECAM window for it.
 */
void __iomem *pcq_ecam_bus(u32 seg, u8 bus)
{
	struct pci_mmcfg_region *cfg;
	void __iomem *base = NULL;

	/* MMCONFIG segments are 16 bits; VMD's domains are above them */
	if (seg > U16_MAX)
		return NULL;
	rcu_read_lock();
	cfg = pci_mmconfig_lookup(seg, bus);
	if (cfg && cfg->virt)
		base = cfg->virt + PCI_MMCFG_BUS_OFFSET(bus);
	rcu_read_unlock();
	return base;
}

/**
 * pcq_conf1_used() - does the kernel reach domain 0 through type 1?
 *
 * raw_pci_read() takes raw_pci_ops for the first 256 bytes of domain 0:
 * the direct type 1 ops wherever pci_direct_probe() found them working,
 * unless a platform put its own in their place (OLPC, CE4100, conf2).  Two
 * platforms keep the direct ops while their ports belong to a hypervisor,
 * which traps and filters them: a Xen PV domain (pcifront has its own
 * pci_ops and leaves raw_pci_ops alone) and a Jailhouse cell
 * (jailhouse_pci_arch_init() selects type 1 itself).  Neither is trusted
 * at panic time.  early_pci_allowed() is not a reason either: it says the
 * boot code may use type 1, not that the running kernel does.
 *
 * Context: process context.
 * Return: true if those ops are the direct type 1 ones, on bare metal or
 * under a hypervisor that does not own the ports.
 */
bool pcq_conf1_used(void)
{
	return raw_pci_ops == &pci_direct_conf1 && !xen_pv_domain() && !jailhouse_paravirt();
}

/**
 * pcq_ecam_release() - drop what pcq_ecam_bus() set up
 *
 * Nothing: the mappings are the kernel's.
 *
 * Context: process context.
 */
void pcq_ecam_release(void)
{
}
