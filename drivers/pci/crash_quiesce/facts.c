// SPDX-License-Identifier: GPL-2.0
/*
 * What a function's registers say about how to quiesce it: its type, the
 * classes that must not be reset, the function-level resets it has.
 *
 * Pure functions of register values, so that every way of building a
 * snapshot decides alike: the driver from the PCI core's view of a live
 * machine (snapshot.c), and tools that plan from a machine's config space
 * dump.  How the values are read is the caller's business.
 */
#include <linux/bits.h>
#include <linux/pci_ids.h>
#include <linux/pci_regs.h>
#include <linux/types.h>

#include "crash_quiesce.h"

/* PCI Code and ID Assignment r1.15 sec 1.9: base class 08h, subclass 06h */
#define PCQ_CLASS_SYSTEM_IOMMU		0x0806

/**
 * pcq_fact_type() - the kind of function, as debugfs names it
 * @class_rev: class code and revision dword
 * @hdr_type:  header type without the multi-function bit
 * @pcie:      it has a PCI Express capability
 * @pcie_type: its Device/Port Type (PCI_EXP_TYPE_*), if @pcie
 *
 * Return: enum pcq_type.
 */
u8 pcq_fact_type(u32 class_rev, u8 hdr_type, bool pcie, u8 pcie_type)
{
	if (class_rev >> 16 == PCI_CLASS_BRIDGE_HOST)
		return PCQ_TYPE_HOST_BRIDGE;
	if (pcie) {
		switch (pcie_type) {
		case PCI_EXP_TYPE_ENDPOINT:
		case PCI_EXP_TYPE_LEG_END:
			return PCQ_TYPE_ENDPOINT;
		case PCI_EXP_TYPE_RC_END:
			return PCQ_TYPE_RC_ENDPOINT;
		case PCI_EXP_TYPE_ROOT_PORT:
			return PCQ_TYPE_ROOT_PORT;
		case PCI_EXP_TYPE_UPSTREAM:
			return PCQ_TYPE_UPSTREAM_PORT;
		case PCI_EXP_TYPE_DOWNSTREAM:
			return PCQ_TYPE_DOWNSTREAM_PORT;
		case PCI_EXP_TYPE_PCI_BRIDGE:
		case PCI_EXP_TYPE_PCIE_BRIDGE:
			return PCQ_TYPE_PCI_BRIDGE;
		default:
			return PCQ_TYPE_OTHER;
		}
	}
	if (hdr_type == PCI_HEADER_TYPE_BRIDGE)
		return PCQ_TYPE_PCI_BRIDGE;
	if (hdr_type == PCI_HEADER_TYPE_NORMAL)
		return PCQ_TYPE_ENDPOINT;
	return PCQ_TYPE_OTHER;
}

/**
 * pcq_fact_class_flags() - what a function's class says about resetting it
 * @class_rev: class code and revision dword
 *
 * A display device: resetting it blanks the console the dump reports on.
 * A PCI UART may carry the console; a reset loses its BARs.  The IOMMU's
 * own function.  An ISA or LPC bridge carries the legacy serial console,
 * timers and interrupt controllers.  CXL memory (a Type 3 memory device)
 * may be System RAM the dump reads.
 *
 * Return: PCQ_F_* flags.
 */
u16 pcq_fact_class_flags(u32 class_rev)
{
	u32 class = class_rev >> 16;
	u16 flags = 0;

	if (class >> 8 == PCI_BASE_CLASS_DISPLAY)
		flags |= PCQ_F_VGA;
	if (class == PCI_CLASS_COMMUNICATION_SERIAL || class == PCI_CLASS_COMMUNICATION_MULTISERIAL)
		flags |= PCQ_F_SERIAL;
	if (class == PCQ_CLASS_SYSTEM_IOMMU)
		flags |= PCQ_F_IOMMU;
	if (class == PCI_CLASS_BRIDGE_ISA)
		flags |= PCQ_F_ISA_BRIDGE;
	if (class == PCI_CLASS_MEMORY_CXL)
		flags |= PCQ_F_CXL_MEM;
	return flags;
}

/**
 * pcq_fact_af_flr() - can the Advanced Features FLR reset the function?
 * @af_cap_byte: its AF Capabilities register
 *
 * As pci_af_flr() probes it: FLR and Transactions Pending both capable.
 *
 * Return: true if it can.
 */
bool pcq_fact_af_flr(u8 af_cap_byte)
{
	return (af_cap_byte & PCI_AF_CAP_TP) && (af_cap_byte & PCI_AF_CAP_FLR);
}

/**
 * pcq_fact_pm_reset() - does D3hot to D0 reset the function?
 * @pmcsr: its PM Control/Status register
 *
 * As pci_pm_reset() probes it: No_Soft_Reset clear.
 *
 * Return: true if it does.
 */
bool pcq_fact_pm_reset(u16 pmcsr)
{
	return !(pmcsr & PCI_PM_CTRL_NO_SOFT_RESET);
}

/**
 * pcq_fact_cxl_mem() - is a function with a CXL Device DVSEC memory?
 * @dvsec_cap: the DVSEC's CXL Capability register
 *
 * Return: true if it is memory capable: its HDM may be System RAM.
 */
bool pcq_fact_cxl_mem(u16 dvsec_cap)
{
	return dvsec_cap & PCI_DVSEC_CXL_MEM_CAPABLE;
}

/**
 * pcq_fact_cxl_sbr_masked() - does a CXL port's hardware mask its bus reset?
 * @port_ctl: the CXL Port Extensions DVSEC's Port Control register
 *
 * As the kernel's cxl_sbr_masked(): Unmask SBR clear.
 *
 * Return: true if a Secondary Bus Reset would not reach below the port.
 */
bool pcq_fact_cxl_sbr_masked(u16 port_ctl)
{
	return !(port_ctl & PCI_DVSEC_CXL_PORT_CTL_UNMASK_SBR);
}

/**
 * pcq_fact_flr() - can a PCIe FLR reset the function?
 * @devcap: its Device Capabilities register
 *
 * As pcie_reset_flr() probes it, the kernel's NO_FLR_RESET quirk aside: the
 * Function Level Reset Capability bit.  For a planner that does not see
 * the kernel; the driver asks pcie_reset_flr() itself.
 *
 * Return: true if it can.
 */
bool pcq_fact_flr(u32 devcap)
{
	return devcap & PCI_EXP_DEVCAP_FLR;
}

/**
 * pcq_fact_default_method() - the kernel's first reset method, by probes alone
 * @flr:    a PCIe FLR works
 * @af_flr: an Advanced Features FLR works
 * @pm:     a PM reset works
 *
 * What pdev->reset_methods[0] holds with no quirk and no admin setting:
 * the first method of pci_reset_fn_methods[] whose probe succeeds.  For a
 * planner that does not see the kernel.
 *
 * Return: the method, or PCQ_RESET_METHOD_END if none of the three works.
 */
enum pcq_reset_method pcq_fact_default_method(bool flr, bool af_flr, bool pm)
{
	if (flr)
		return PCQ_RESET_METHOD_FLR;
	if (af_flr)
		return PCQ_RESET_METHOD_AF_FLR;
	if (pm)
		return PCQ_RESET_METHOD_PM;
	return PCQ_RESET_METHOD_END;
}

/**
 * pcq_fact_reset() - the function-level reset the kernel itself would make
 * @first:  the first entry of pdev->reset_methods[]
 * @flr:    a PCIe FLR works (probed as pcie_reset_flr() does)
 * @af_flr: an Advanced Features FLR works
 * @pm:     a PM reset works
 *
 * The kernel's list holds what its probes found at enumeration, minus what
 * quirks forbid, in the order the admin's reset_method setting left.
 * Only FLR, AF FLR and a PM reset can be started at crash time; a
 * device-specific or ACPI method first means the kernel knows better than
 * a plain reset for this device (e.g. NVMe controllers that must be
 * disabled before their FLR), and no function reset is planned.  A method
 * the probes find but the list no longer starts with (or no longer holds)
 * was taken away by the admin.
 *
 * Return: PCQ_F_FLR, PCQ_F_AF_FLR or PCQ_F_PM_RESET, or PCQ_F_RESET_QUIRK
 * or PCQ_F_RESET_ADMIN, or 0 when the function has no reset at all.
 */
u16 pcq_fact_reset(enum pcq_reset_method first, bool flr, bool af_flr, bool pm)
{
	switch (first) {
	case PCQ_RESET_METHOD_DEVICE_SPECIFIC:
	case PCQ_RESET_METHOD_ACPI:
		return PCQ_F_RESET_QUIRK;
	case PCQ_RESET_METHOD_FLR:
		if (flr)
			return PCQ_F_FLR;
		break;
	case PCQ_RESET_METHOD_AF_FLR:
		if (af_flr)
			return PCQ_F_AF_FLR;
		break;
	case PCQ_RESET_METHOD_PM:
		if (pm)
			return PCQ_F_PM_RESET;
		break;
	default:
		break;
	}
	return flr || af_flr || pm ? PCQ_F_RESET_ADMIN : 0;
}

/**
 * pcq_fact_fill() - a function's type, flags and reset capability
 * @f:  the function; its @class_rev, @hdr_type and capability offsets are
 *      filled in
 * @in: what its builder found of it
 *
 * Every snapshot builder gathers @in its own way, the driver from struct
 * pci_dev and the kernel's quirks, a tool from a config space dump, and
 * this combines it the same way for both.
 */
void pcq_fact_fill(struct pcq_func *f, const struct pcq_fact_in *in)
{
	u16 reset = pcq_fact_reset(in->first_method, in->flr, in->af_flr, in->pm);

	f->type = pcq_fact_type(f->class_rev, f->hdr_type, in->pcie_cap != 0, in->pcie_type);
	f->flags = pcq_fact_class_flags(f->class_rev) | reset;
	if (in->boot_vga)
		f->flags |= PCQ_F_VGA;
	if (in->no_bus_reset)
		f->flags |= PCQ_F_NO_BUS_RESET;
	if (in->vf)
		f->flags |= PCQ_F_VF;
	if (in->cxl_dvsec_cap_found && pcq_fact_cxl_mem(in->cxl_dvsec_cap))
		f->flags |= PCQ_F_CXL_MEM;
	/* only a port's bus reset can be masked: a bridge header */
	if (f->hdr_type == PCI_HEADER_TYPE_BRIDGE && in->cxl_port_ctl_found &&
	    pcq_fact_cxl_sbr_masked(in->cxl_port_ctl))
		f->flags |= PCQ_F_CXL_SBR_MASKED;
	if (reset & PCQ_F_FLR)
		f->reset_cap = in->pcie_cap;
	else if (reset & PCQ_F_AF_FLR)
		f->reset_cap = in->af_cap;
	else if (reset & PCQ_F_PM_RESET)
		f->reset_cap = in->pm_cap;
	else
		f->reset_cap = 0;
}
