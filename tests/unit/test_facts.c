// SPDX-License-Identifier: GPL-2.0
/*
 * What a function's registers say (facts.c): every rule, each next to the
 * case that flips its answer.
 */
#include <string.h>

#include <linux/pci_regs.h>

#include "crash_quiesce.h"
#include "tap.h"

/* class code (base, sub, prog-if) and revision as the class_rev dword */
#define CR(class, progif)	((u32)(class) << 16 | (u32)(progif) << 8 | 0x01)

static void test_type(void)
{
	/* the host bridge class wins over everything else */
	is(pcq_fact_type(CR(0x0600, 0), PCI_HEADER_TYPE_NORMAL, false, 0), PCQ_TYPE_HOST_BRIDGE,
	   "type: class 0600 is a host bridge");
	is(pcq_fact_type(CR(0x0600, 0), PCI_HEADER_TYPE_NORMAL, true, PCI_EXP_TYPE_RC_END),
	   PCQ_TYPE_HOST_BRIDGE, "type: class 0600 with PCIe (RC integrated): still a host bridge");
	is(pcq_fact_type(CR(0x0600, 0), PCI_HEADER_TYPE_BRIDGE, true, PCI_EXP_TYPE_ROOT_PORT),
	   PCQ_TYPE_HOST_BRIDGE, "type: class 0600 with a bridge header: still a host bridge");
	is(pcq_fact_type(CR(0x0604, 0), PCI_HEADER_TYPE_BRIDGE, true, PCI_EXP_TYPE_ROOT_PORT),
	   PCQ_TYPE_ROOT_PORT, "type: control: class 0604, the same registers: a root port");
	is(pcq_fact_type(CR(0x0601, 0), PCI_HEADER_TYPE_NORMAL, false, 0), PCQ_TYPE_ENDPOINT,
	   "type: control: class 0601 (ISA bridge) is no host bridge: an endpoint");

	/* with a PCI Express capability, its Device/Port Type decides */
	is(pcq_fact_type(CR(0x0200, 0), PCI_HEADER_TYPE_NORMAL, true, PCI_EXP_TYPE_ENDPOINT),
	   PCQ_TYPE_ENDPOINT, "type: PCIe endpoint");
	is(pcq_fact_type(CR(0x0200, 0), PCI_HEADER_TYPE_NORMAL, true, PCI_EXP_TYPE_LEG_END),
	   PCQ_TYPE_ENDPOINT, "type: legacy PCIe endpoint: an endpoint");
	is(pcq_fact_type(CR(0x0200, 0), PCI_HEADER_TYPE_NORMAL, true, PCI_EXP_TYPE_RC_END),
	   PCQ_TYPE_RC_ENDPOINT, "type: RC integrated endpoint");
	is(pcq_fact_type(CR(0x0604, 0), PCI_HEADER_TYPE_BRIDGE, true, PCI_EXP_TYPE_ROOT_PORT),
	   PCQ_TYPE_ROOT_PORT, "type: root port");
	is(pcq_fact_type(CR(0x0604, 0), PCI_HEADER_TYPE_BRIDGE, true, PCI_EXP_TYPE_UPSTREAM),
	   PCQ_TYPE_UPSTREAM_PORT, "type: switch upstream port");
	is(pcq_fact_type(CR(0x0604, 0), PCI_HEADER_TYPE_BRIDGE, true, PCI_EXP_TYPE_DOWNSTREAM),
	   PCQ_TYPE_DOWNSTREAM_PORT, "type: switch downstream port");
	is(pcq_fact_type(CR(0x0604, 0), PCI_HEADER_TYPE_BRIDGE, true, PCI_EXP_TYPE_PCI_BRIDGE),
	   PCQ_TYPE_PCI_BRIDGE, "type: PCIe to PCI bridge");
	is(pcq_fact_type(CR(0x0604, 0), PCI_HEADER_TYPE_BRIDGE, true, PCI_EXP_TYPE_PCIE_BRIDGE),
	   PCQ_TYPE_PCI_BRIDGE, "type: PCI to PCIe bridge");
	is(pcq_fact_type(CR(0x0880, 0), PCI_HEADER_TYPE_NORMAL, true, PCI_EXP_TYPE_RC_EC),
	   PCQ_TYPE_OTHER, "type: RC event collector: other");
	is(pcq_fact_type(CR(0x0604, 0), PCI_HEADER_TYPE_BRIDGE, true, PCI_EXP_TYPE_RC_EC),
	   PCQ_TYPE_OTHER, "type: with PCIe, the header does not decide: a bridge header "
	   "with an unknown port type is other");
	is(pcq_fact_type(CR(0x0200, 0), PCI_HEADER_TYPE_NORMAL, true, 0x0f),
	   PCQ_TYPE_OTHER, "type: reserved port type 0xf: other");

	/* without one, the header type decides; the port type is not looked at */
	is(pcq_fact_type(CR(0x0604, 0), PCI_HEADER_TYPE_BRIDGE, false, 0), PCQ_TYPE_PCI_BRIDGE,
	   "type: conventional bridge header: a PCI bridge");
	is(pcq_fact_type(CR(0x0200, 0), PCI_HEADER_TYPE_NORMAL, false, 0), PCQ_TYPE_ENDPOINT,
	   "type: conventional normal header: an endpoint");
	is(pcq_fact_type(CR(0x0607, 0), PCI_HEADER_TYPE_CARDBUS, false, 0), PCQ_TYPE_OTHER,
	   "type: CardBus header: other");
	is(pcq_fact_type(CR(0x0200, 0), PCI_HEADER_TYPE_NORMAL, false, PCI_EXP_TYPE_ROOT_PORT),
	   PCQ_TYPE_ENDPOINT, "type: control: no PCIe capability, a port type given: "
	   "ignored, the header says endpoint");
	is(pcq_fact_type(CR(0x0604, 0), PCI_HEADER_TYPE_BRIDGE, false, PCI_EXP_TYPE_ENDPOINT),
	   PCQ_TYPE_PCI_BRIDGE, "type: control: no PCIe capability: the bridge header wins "
	   "over a port type");
}

static void test_class_flags(void)
{
	/* display: the whole base class 03 */
	is(pcq_fact_class_flags(CR(0x0300, 0)), PCQ_F_VGA, "class: 0300 VGA: display");
	is(pcq_fact_class_flags(CR(0x0302, 0)), PCQ_F_VGA, "class: 0302 3D controller: display");
	is(pcq_fact_class_flags(CR(0x0380, 0)), PCQ_F_VGA, "class: 0380 other display: display");
	is(pcq_fact_class_flags(CR(0x0403, 0)), 0,
	   "class: control: 0403 (the display's HD audio function): nothing");
	is(pcq_fact_class_flags(CR(0x0200, 0)), 0, "class: control: 0200 network: nothing");

	/* serial: 0700 and 0702, any programming interface */
	is(pcq_fact_class_flags(CR(0x0700, 0x02)), PCQ_F_SERIAL, "class: 0700 16550 UART: serial");
	is(pcq_fact_class_flags(CR(0x0702, 0)), PCQ_F_SERIAL, "class: 0702 multiport: serial");
	is(pcq_fact_class_flags(CR(0x0701, 0)), 0, "class: control: 0701 parallel port: nothing");
	is(pcq_fact_class_flags(CR(0x0703, 0)), 0, "class: control: 0703 modem: nothing");

	is(pcq_fact_class_flags(CR(0x0806, 0)), PCQ_F_IOMMU, "class: 0806 IOMMU");
	is(pcq_fact_class_flags(CR(0x0805, 0)), 0, "class: control: 0805 SD host: nothing");
	is(pcq_fact_class_flags(CR(0x0601, 0)), PCQ_F_ISA_BRIDGE, "class: 0601 ISA bridge");
	is(pcq_fact_class_flags(CR(0x0600, 0)), 0,
	   "class: control: 0600 host bridge: no flag (its type says it)");
	is(pcq_fact_class_flags(CR(0x0604, 0)), 0, "class: control: 0604 PCI bridge: nothing");
	is(pcq_fact_class_flags(CR(0x0502, 0x10)), PCQ_F_CXL_MEM, "class: 0502 CXL memory");
	is(pcq_fact_class_flags(CR(0x0500, 0)), 0, "class: control: 0500 RAM controller: nothing");
	is(pcq_fact_class_flags(CR(0x0108, 0x02)), 0, "class: control: 0108 NVMe: nothing");

	/* the revision and the programming interface play no part */
	is(pcq_fact_class_flags(0x030000ff), PCQ_F_VGA, "class: revision ff ignored");
	is(pcq_fact_class_flags(0x0806ff00), PCQ_F_IOMMU, "class: programming interface ff ignored");
	is(pcq_fact_class_flags(0x00000000), 0, "class: control: all zero: nothing");
}

static void test_probes(void)
{
	/* AF FLR: both TP and FLR capable, other bits ignored */
	ok(pcq_fact_af_flr(PCI_AF_CAP_TP | PCI_AF_CAP_FLR), "af flr: TP and FLR capable: usable");
	ok(pcq_fact_af_flr(0xff), "af flr: every bit set: usable");
	ok(!pcq_fact_af_flr(PCI_AF_CAP_FLR), "af flr: control: FLR without TP: not usable");
	ok(!pcq_fact_af_flr(PCI_AF_CAP_TP), "af flr: control: TP without FLR: not usable");
	ok(!pcq_fact_af_flr(0xff & ~PCI_AF_CAP_TP), "af flr: control: all but TP: not usable");
	ok(!pcq_fact_af_flr(0), "af flr: control: nothing capable: not usable");

	/* PM reset: No_Soft_Reset clear; the power state does not matter */
	ok(pcq_fact_pm_reset(0), "pm reset: No_Soft_Reset clear in D0: resets");
	ok(pcq_fact_pm_reset(3 | PCI_PM_CTRL_PME_STATUS | PCI_PM_CTRL_PME_ENABLE),
	   "pm reset: No_Soft_Reset clear in D3hot with PME bits: resets");
	ok(!pcq_fact_pm_reset(PCI_PM_CTRL_NO_SOFT_RESET),
	   "pm reset: control: No_Soft_Reset set: no reset");
	ok(!pcq_fact_pm_reset(0xffff), "pm reset: control: all-ones: no reset");

	/* CXL device DVSEC: Mem_Capable, bit 2 */
	ok(pcq_fact_cxl_mem(BIT(2)), "cxl mem: Mem_Capable set: memory");
	ok(pcq_fact_cxl_mem(BIT(0) | BIT(1) | BIT(2)), "cxl mem: Cache, IO and Mem capable: memory");
	ok(!pcq_fact_cxl_mem(BIT(0) | BIT(1)), "cxl mem: control: Cache and IO only: no memory");
	ok(!pcq_fact_cxl_mem(0xffff & ~BIT(2)), "cxl mem: control: all but Mem_Capable: no memory");

	/* CXL port: Unmask SBR, bit 0 */
	ok(pcq_fact_cxl_sbr_masked(0), "cxl port: Unmask SBR clear (reset default): masked");
	ok(pcq_fact_cxl_sbr_masked(0xfffe), "cxl port: every other bit set: still masked");
	ok(!pcq_fact_cxl_sbr_masked(BIT(0)), "cxl port: control: Unmask SBR set: not masked");
}

static void test_default_method(void)
{
	is(pcq_fact_default_method(true, true, true), PCQ_RESET_METHOD_FLR,
	   "default method: all three: FLR first");
	is(pcq_fact_default_method(true, false, false), PCQ_RESET_METHOD_FLR,
	   "default method: FLR alone: FLR");
	is(pcq_fact_default_method(false, true, true), PCQ_RESET_METHOD_AF_FLR,
	   "default method: control: no FLR: AF FLR before PM");
	is(pcq_fact_default_method(false, false, true), PCQ_RESET_METHOD_PM,
	   "default method: control: PM alone: PM");
	is(pcq_fact_default_method(true, false, true), PCQ_RESET_METHOD_FLR,
	   "default method: FLR and PM: FLR");
	is(pcq_fact_default_method(false, false, false), PCQ_RESET_METHOD_END,
	   "default method: control: none works: the end of the list");
}

static void test_reset(void)
{
	static const bool tf[] = { false, true };
	unsigned int first, a, b, c, bad_one = 0, bad_probe = 0, bad_default = 0;

	/* the kernel's own methods first: no plain reset for them */
	is(pcq_fact_reset(PCQ_RESET_METHOD_DEVICE_SPECIFIC, true, true, true), PCQ_F_RESET_QUIRK,
	   "reset: device_specific first: the kernel's own (quirk), whatever the probes");
	is(pcq_fact_reset(PCQ_RESET_METHOD_DEVICE_SPECIFIC, false, false, false),
	   PCQ_F_RESET_QUIRK, "reset: device_specific first, no probe: still quirk");
	is(pcq_fact_reset(PCQ_RESET_METHOD_ACPI, true, false, false), PCQ_F_RESET_QUIRK,
	   "reset: acpi first: quirk");
	is(pcq_fact_reset(PCQ_RESET_METHOD_FLR, true, false, false), PCQ_F_FLR,
	   "reset: control: flr first, FLR works: FLR");

	/* a plain method first, and its probe works: that one, only */
	is(pcq_fact_reset(PCQ_RESET_METHOD_FLR, true, true, true), PCQ_F_FLR,
	   "reset: flr first, all three work: FLR alone");
	is(pcq_fact_reset(PCQ_RESET_METHOD_AF_FLR, true, true, true), PCQ_F_AF_FLR,
	   "reset: af_flr first (the admin's order), all work: AF FLR alone");
	is(pcq_fact_reset(PCQ_RESET_METHOD_PM, true, true, true), PCQ_F_PM_RESET,
	   "reset: pm first (the admin's order), all work: PM alone");

	/* a first method whose probe fails: someone else's choice */
	is(pcq_fact_reset(PCQ_RESET_METHOD_FLR, false, true, false), PCQ_F_RESET_ADMIN,
	   "reset: flr first but FLR does not work, AF FLR does: admin");
	is(pcq_fact_reset(PCQ_RESET_METHOD_AF_FLR, false, false, false), 0,
	   "reset: control: af_flr first, nothing works: no reset at all");
	is(pcq_fact_reset(PCQ_RESET_METHOD_PM, true, false, false), PCQ_F_RESET_ADMIN,
	   "reset: pm first but no PM reset, FLR works: admin");

	/* the list ends, or starts with bus: the admin took the plain ones away */
	is(pcq_fact_reset(PCQ_RESET_METHOD_END, false, false, true), PCQ_F_RESET_ADMIN,
	   "reset: empty list, PM would work: admin");
	is(pcq_fact_reset(PCQ_RESET_METHOD_END, false, false, false), 0,
	   "reset: control: empty list, nothing works: no reset, no reason");
	is(pcq_fact_reset(PCQ_RESET_METHOD_BUS, true, false, false), PCQ_F_RESET_ADMIN,
	   "reset: bus first, FLR works: admin");
	is(pcq_fact_reset(PCQ_RESET_METHOD_BUS, false, false, false), 0,
	   "reset: control: bus first, nothing else works: no reset");
	is(pcq_fact_reset(99, true, false, false), PCQ_F_RESET_ADMIN,
	   "reset: an index the kernel may add later, FLR works: admin");

	/*
	 * Every first method, every probe: at most one flag, and a method
	 * only when its own probe works; the kernel's default order never
	 * reads as the admin's or a quirk.
	 */
	for (first = PCQ_RESET_METHOD_END; first <= PCQ_RESET_METHOD_BUS; first++)
		for (a = 0; a < 2; a++)
			for (b = 0; b < 2; b++)
				for (c = 0; c < 2; c++) {
					u16 f = pcq_fact_reset(first, tf[a], tf[b], tf[c]);

					if (f & (f - 1))
						bad_one++;
					if (((f & PCQ_F_FLR) && !tf[a]) ||
					    ((f & PCQ_F_AF_FLR) && !tf[b]) ||
					    ((f & PCQ_F_PM_RESET) && !tf[c]))
						bad_probe++;
				}
	for (a = 0; a < 2; a++)
		for (b = 0; b < 2; b++)
			for (c = 0; c < 2; c++) {
				u16 f = pcq_fact_reset(pcq_fact_default_method(tf[a], tf[b], tf[c]),
						       tf[a], tf[b], tf[c]);

				if ((f & (PCQ_F_RESET_QUIRK | PCQ_F_RESET_ADMIN)) ||
				    !!(f & PCQ_F_RESET_METHODS) != (a || b || c))
					bad_default++;
			}
	is(bad_one, 0, "reset: every first method and probe: at most one flag");
	is(bad_probe, 0, "reset: a method flag only where its probe works");
	is(bad_default, 0, "reset: the kernel's default order: a method iff any probe works, "
	   "never quirk or admin");
}

static void test_flr(void)
{
	ok(pcq_fact_flr(PCI_EXP_DEVCAP_FLR), "flr: Function Level Reset Capability set: usable");
	ok(pcq_fact_flr(0xffffffff), "flr: every bit set: usable");
	ok(!pcq_fact_flr(0xffffffff & ~PCI_EXP_DEVCAP_FLR), "flr: control: all but the FLR bit: not usable");
}

/* a function of class @class with header @hdr, through pcq_fact_fill() */
static struct pcq_func fill(u32 class, u8 hdr, const struct pcq_fact_in *in)
{
	struct pcq_func f = { .class_rev = CR(class, 0), .hdr_type = hdr };

	pcq_fact_fill(&f, in);
	return f;
}

static void test_fill(void)
{
	struct pcq_fact_in in = {
		.pcie_cap = 0x40, .pcie_type = PCI_EXP_TYPE_ENDPOINT, .af_cap = 0x90,
		.pm_cap = 0x60, .flr = true, .af_flr = true, .pm = true,
		.first_method = PCQ_RESET_METHOD_FLR,
	};
	struct pcq_func f;

	f = fill(0x0200, PCI_HEADER_TYPE_NORMAL, &in);
	ok(f.type == PCQ_TYPE_ENDPOINT && f.flags == PCQ_F_FLR && f.reset_cap == 0x40,
	   "fill: an endpoint with FLR first: FLR through its PCIe capability");
	in.first_method = PCQ_RESET_METHOD_AF_FLR;
	f = fill(0x0200, PCI_HEADER_TYPE_NORMAL, &in);
	ok(f.flags == PCQ_F_AF_FLR && f.reset_cap == 0x90, "fill: AF FLR first: its capability");
	in.first_method = PCQ_RESET_METHOD_PM;
	f = fill(0x0200, PCI_HEADER_TYPE_NORMAL, &in);
	ok(f.flags == PCQ_F_PM_RESET && f.reset_cap == 0x60, "fill: PM first: its capability");
	in.first_method = PCQ_RESET_METHOD_DEVICE_SPECIFIC;
	f = fill(0x0200, PCI_HEADER_TYPE_NORMAL, &in);
	ok(f.flags == PCQ_F_RESET_QUIRK && f.reset_cap == 0,
	   "fill: the kernel's own method first: quirk, no capability");
	in.first_method = PCQ_RESET_METHOD_FLR;

	in.pcie_cap = 0;
	in.flr = false;
	f = fill(0x0200, PCI_HEADER_TYPE_NORMAL, &in);
	ok(f.type == PCQ_TYPE_ENDPOINT && f.flags == PCQ_F_RESET_ADMIN,
	   "fill: control: FLR gone but AF and PM there: the admin's doing");
	in.pcie_cap = 0x40;
	in.flr = true;

	in.boot_vga = true;
	f = fill(0x0200, PCI_HEADER_TYPE_NORMAL, &in);
	ok(f.flags & PCQ_F_VGA, "fill: the boot display, whatever its class, is protected");
	in.boot_vga = false;
	f = fill(0x0300, PCI_HEADER_TYPE_NORMAL, &in);
	ok(f.flags & PCQ_F_VGA, "fill: control: a display class is protected without boot_vga");
	f = fill(0x0200, PCI_HEADER_TYPE_NORMAL, &in);
	ok(!(f.flags & PCQ_F_VGA), "fill: control: a NIC is not");

	in.no_bus_reset = true;
	in.vf = true;
	f = fill(0x0200, PCI_HEADER_TYPE_NORMAL, &in);
	ok((f.flags & PCQ_F_NO_BUS_RESET) && (f.flags & PCQ_F_VF),
	   "fill: the NO_BUS_RESET quirk and a VF are carried");
	in.no_bus_reset = false;
	in.vf = false;

	in.cxl_dvsec_cap_found = true;
	in.cxl_dvsec_cap = BIT(2);
	f = fill(0x1200, PCI_HEADER_TYPE_NORMAL, &in);
	ok(f.flags & PCQ_F_CXL_MEM, "fill: a memory-capable CXL Device DVSEC: CXL memory");
	in.cxl_dvsec_cap_found = false;
	f = fill(0x1200, PCI_HEADER_TYPE_NORMAL, &in);
	ok(!(f.flags & PCQ_F_CXL_MEM), "fill: control: the same value, no such DVSEC: not CXL memory");

	in.pcie_type = PCI_EXP_TYPE_ROOT_PORT;
	in.cxl_port_ctl_found = true;
	in.cxl_port_ctl = 0;
	f = fill(0x0604, PCI_HEADER_TYPE_BRIDGE, &in);
	ok(f.type == PCQ_TYPE_ROOT_PORT && (f.flags & PCQ_F_CXL_SBR_MASKED),
	   "fill: a CXL root port with Unmask SBR clear: masked");
	f = fill(0x0604, PCI_HEADER_TYPE_NORMAL, &in);
	ok(!(f.flags & PCQ_F_CXL_SBR_MASKED),
	   "fill: control: the same DVSEC on a type 0 header: no bus to mask");
	in.cxl_port_ctl = BIT(0);
	f = fill(0x0604, PCI_HEADER_TYPE_BRIDGE, &in);
	ok(!(f.flags & PCQ_F_CXL_SBR_MASKED), "fill: control: Unmask SBR set: not masked");
}

int main(void)
{
	test_type();
	test_class_flags();
	test_probes();
	test_default_method();
	test_reset();
	test_flr();
	test_fill();
	return tap_done();
}
