// SPDX-License-Identifier: GPL-2.0
/*
 * Lock-free config accessors (cfg.c): ECAM and type 1 backends on the fake;
 * and the test double of the PCI core's (fake_pci.c).
 */
#include <string.h>

#include <linux/pci_regs.h>

#include "crash_quiesce.h"
#include "fake_pci.h"
#include "tap.h"

static void test_addresses(void)
{
	is(fake_conf1_address(0, 0), 0x80000000, "conf1 address: 00:00.0");
	is(fake_conf1_address(0x12, 0x1b), 0x80121b00, "conf1 address: 12:03.3");
	is(fake_conf1_address(0xff, 0xff), 0x80ffff00, "conf1 address: ff:1f.7");
}

/* Two functions with distinct contents. */
static void two_functions(void)
{
	int i;

	fake_reset();
	for (i = 0; i < 2; i++) {
		fake_add(0, 3 + i, 0x10 + i);
		fake_set32(i, PCI_VENDOR_ID, 0x10d38086 + i);
		fake_set16(i, PCI_COMMAND, 0x0007);
		fake_set16(i, PCI_STATUS, 0xf910);
		fake_set32(i, PCI_CLASS_REVISION, 0x02000001);
		fake_set8(i, PCI_HEADER_TYPE, 0x81);
		fake_set16(i, PCI_SEC_STATUS, 0xf000);
		fake_set16(i, PCI_BRIDGE_CONTROL, 0x0003 + i);
		fake_set16(i, 0x52, 0x0081);
	}
}

static void test_ecam(void)
{
	struct pcq_func a = { .ecam = NULL };
	struct pcq_func b = a;
	struct pcq_run run = { 0 };

	two_functions();
	a.ecam = fake_page(0);
	b.ecam = fake_page(1);
	is(pcq_cfg_read32(&a, PCI_VENDOR_ID, &run), 0x10d38086, "ecam: read32 IDs of function A");
	is(pcq_cfg_read32(&b, PCI_VENDOR_ID, &run), 0x10d38087, "ecam: read32 IDs of function B");
	is(pcq_cfg_read32(&a, PCI_CACHE_LINE_SIZE, &run) >> 16 & 0xff, 0x81,
	   "ecam: read32 at 0x0c has the header type in bits 16-23");
	is(pcq_cfg_read16(&a, PCI_DEVICE_ID, &run), 0x10d3, "ecam: read16 device ID at 0x02");
	is(pcq_cfg_read16(&b, PCI_BRIDGE_CONTROL, &run), 0x0004, "ecam: read16 Bridge Control at 0x3e");
	is(pcq_cfg_read16(&a, 0x52, &run), 0x0081, "ecam: read16 at 0x52");
	is(run.config_reads, 6, "ecam: 6 reads counted");
	is(run.config_writes, 0, "ecam: no write counted yet");

	pcq_cfg_write16(&a, PCI_COMMAND, 0x0403, &run);
	is(fake_get16(0, PCI_COMMAND), 0x0403, "ecam: write16 Command lands at 0x04");
	is(fake_get16(0, PCI_STATUS), 0xf910, "ecam: Status next to it untouched");
	pcq_cfg_write16(&b, PCI_BRIDGE_CONTROL, 0x0044, &run);
	is(fake_get16(1, PCI_BRIDGE_CONTROL), 0x0044, "ecam: write16 Bridge Control lands at 0x3e");
	is(fake_get16(1, 0x3c), 0, "ecam: Interrupt Line/Pin next to it untouched");
	is(fake_get16(0, PCI_BRIDGE_CONTROL), 0x0003, "ecam: other function's page untouched");
	ok(fake.nlog == 2 && fake.log[0].fn == 0 && fake.log[0].off == PCI_COMMAND &&
	   fake.log[0].width == 2 && fake.log[1].fn == 1 &&
	   fake.log[1].off == PCI_BRIDGE_CONTROL, "ecam: write log = A:0x04/2, B:0x3e/2");
	is(run.config_writes, 2, "ecam: 2 writes counted");
	is(run.config_reads, 6, "ecam: reads unchanged by writes");
	ok(fake.reads == 6 && fake.writes == 2, "ecam: counts equal the accesses the fake saw");
	is(fake.nio, 0, "ecam: no port I/O");
	is(fake.bad, 0, "ecam: no bad access");
}

static bool io_is(int k, u16 port, u8 width, bool out, u32 val)
{
	const struct fake_io *io = &fake.io[k];

	return k < fake.nio && io->port == port && io->width == width &&
	       io->out == out && io->val == val;
}

static void test_conf1(void)
{
	struct pcq_func a = { .bus = 3, .devfn = 0x10, .flags = PCQ_F_CONF1 };
	struct pcq_func b = { .bus = 4, .devfn = 0x11, .flags = PCQ_F_CONF1 };
	struct pcq_run run = { 0 };

	two_functions();
	/* the panic CPU may have been interrupted between its own 0xcf8 and 0xcfc */
	fake.cf8 = fake_conf1_address(4, 0x11) | PCI_BRIDGE_CONTROL;
	fake.cf8_fresh = true;

	is(pcq_cfg_read32(&a, PCI_VENDOR_ID, &run), 0x10d38086, "conf1: read32 IDs of function A");
	ok(io_is(0, 0xcf8, 4, true, 0x80031000) && io_is(1, 0xcfc, 4, false, 0x10d38086),
	   "conf1: outl 0x80031000 to 0xcf8, then inl 0xcfc");
	is(pcq_cfg_read16(&b, PCI_BRIDGE_CONTROL, &run), 0x0004, "conf1: read16 0x3e of function B");
	ok(io_is(2, 0xcf8, 4, true, 0x8004113c) && io_is(3, 0xcfe, 2, false, 0x0004),
	   "conf1: 16-bit read at 0x3e selects 0x3c, data port 0xcfe");
	is(pcq_cfg_read16(&a, PCI_COMMAND, &run), 0x0007, "conf1: read16 Command");
	ok(io_is(4, 0xcf8, 4, true, 0x80031004) && io_is(5, 0xcfc, 2, false, 0x0007),
	   "conf1: 16-bit read at 0x04 uses data port 0xcfc");
	is(pcq_cfg_read16(&a, PCI_STATUS, &run), 0xf910, "conf1: read16 Status");
	ok(io_is(7, 0xcfe, 2, false, 0xf910), "conf1: 16-bit read at 0x06 uses data port 0xcfe");
	is(pcq_cfg_read32(&a, PCI_CACHE_LINE_SIZE, &run) >> 16 & 0xff, 0x81,
	   "conf1: read32 at 0x0c has the header type");

	pcq_cfg_write16(&b, PCI_BRIDGE_CONTROL, 0x0044, &run);
	ok(io_is(10, 0xcf8, 4, true, 0x8004113c) && io_is(11, 0xcfe, 2, true, 0x0044),
	   "conf1: 16-bit write at 0x3e: 0xcf8 = 0x8004113c, outw 0xcfe");
	is(fake_get16(1, PCI_BRIDGE_CONTROL), 0x0044, "conf1: Bridge Control written");
	is(fake_get16(1, 0x3c), 0, "conf1: the word at 0x3c untouched");
	pcq_cfg_write16(&a, PCI_COMMAND, 0x0403, &run);
	ok(io_is(13, 0xcfc, 2, true, 0x0403), "conf1: 16-bit write at 0x04 uses 0xcfc");
	is(fake_get16(0, PCI_COMMAND), 0x0403, "conf1: Command written");
	is(fake_get16(0, PCI_STATUS), 0xf910, "conf1: Status untouched");

	is(fake.conf1_stale, 0, "conf1: 0xcf8 written before every data access");
	is(fake.cf8_writes, 7, "conf1: one 0xcf8 write per access (7)");
	is(fake.conf1_disabled, 0, "conf1: enable bit set on every access");
	ok(run.config_reads == 5 && run.config_writes == 2, "conf1: 5 reads, 2 writes counted");
	ok(fake.reads == 5 && fake.writes == 2, "conf1: counts equal the accesses the fake saw");
	is(fake.bad, 0, "conf1: no bad access");
}

static void test_none(void)
{
	struct pcq_func n = { .bus = 3, .devfn = 0x10 };
	/* every fact but an accessor: none of them makes one */
	struct pcq_func junk = { .bus = 3, .devfn = 0x10, .flags = 0xffff & ~PCQ_F_CONF1,
				 .reset_cap = 0x80, .type = PCQ_TYPE_ROOT_PORT };
	struct pcq_run run = { 0 };

	two_functions();
	is(pcq_cfg_read32(&n, PCI_VENDOR_ID, &run), 0xffffffff, "none: read32 is all-ones");
	is(pcq_cfg_read16(&n, PCI_COMMAND, &run), 0xffff, "none: read16 is all-ones");
	pcq_cfg_write16(&n, PCI_COMMAND, 0, &run);
	is(pcq_cfg_read16(&junk, PCI_COMMAND, &run), 0xffff,
	   "none: every other flag set, no ECAM, no PCQ_F_CONF1: all-ones");
	ok(!strcmp(pcq_access_name(&n), "none") && !strcmp(pcq_access_name(&junk), "none"),
	   "none: access named none");
	pcq_cfg_write16(&junk, PCI_COMMAND, 0, &run);
	ok(run.config_reads == 0 && run.config_writes == 0, "none: nothing counted");
	ok(fake.reads == 0 && fake.writes == 0 && fake.nio == 0, "none: no access made");
}

/*
 * Intel VMD: a drive behind VMD (domain 0x10000) and its twin on domain 0
 * at the same bus and devfn, with the same IDs.  The twin must never be
 * reached through the VMD child's accessor.
 */
static void test_pick_vmd_twin(void)
{
	struct pcq_func vmd = { .seg = 0x10000, .bus = 3, .devfn = 0x10 };
	struct pcq_func twin = { .seg = 0, .bus = 3, .devfn = 0x10 };
	struct pcq_func other = { .seg = 1, .bus = 3, .devfn = 0x10 };
	struct pcq_run run = { 0 };
	u8 *bus_page;

	two_functions();
	pcq_cfg_pick(&vmd, NULL, true);
	pcq_cfg_pick(&twin, NULL, true);
	pcq_cfg_pick(&other, NULL, true);
	ok(!vmd.ecam && !(vmd.flags & PCQ_F_CONF1) && !strcmp(pcq_access_name(&vmd), "none"),
	   "pick: VMD domain 0x10000 without ECAM: no accessor");
	ok(!twin.ecam && (twin.flags & PCQ_F_CONF1) && !strcmp(pcq_access_name(&twin), "conf1"),
	   "pick: domain 0 without ECAM: type 1");
	ok(!other.ecam && !(other.flags & PCQ_F_CONF1), "pick: domain 1 without ECAM: no accessor");
	is(pcq_cfg_read32(&vmd, PCI_VENDOR_ID, &run), 0xffffffff,
	   "pick: the VMD child reads all-ones, not its twin's IDs");
	pcq_cfg_write16(&vmd, PCI_COMMAND, 0, &run);
	ok(fake.reads == 0 && fake.writes == 0 && fake.nio == 0,
	   "pick: no access reached the domain-0 twin");
	is(fake_get16(0, PCI_COMMAND), 0x0007, "pick: the twin's Command untouched");
	is(pcq_cfg_read32(&twin, PCI_VENDOR_ID, &run), 0x10d38086,
	   "pick: control: the twin's own accessor reads its IDs");
	ok(io_is(0, 0xcf8, 4, true, fake_conf1_address(3, 0x10)),
	   "pick: type 1 address of 03:02.0 in 0xcf8 (%#x)", fake.nio ? fake.io[0].val : 0);

	/* with the kernel's mapping of bus 3, ECAM at base + devfn * 4 KiB */
	bus_page = (u8 *)fake_page(0) - ((unsigned long)0x10 << 12);
	pcq_cfg_pick(&vmd, bus_page, true);
	ok(vmd.ecam == fake_page(0) && !strcmp(pcq_access_name(&vmd), "ecam"),
	   "pick: ECAM page = bus mapping + devfn << 12");
	pcq_cfg_pick(&twin, bus_page, true);
	ok(twin.ecam == fake_page(0) && !(twin.flags & PCQ_F_CONF1),
	   "pick: ECAM found later: PCQ_F_CONF1 cleared, ECAM alone");
	twin.flags |= PCQ_F_VF | PCQ_F_FLR;
	pcq_cfg_pick(&twin, NULL, false);
	ok(!twin.ecam && twin.flags == (PCQ_F_VF | PCQ_F_FLR),
	   "pick: no accessor left: the other flags kept");
}

/*
 * Type 1 only where the kernel itself uses it: with other config ops (type
 * 2, a Xen PV guest's pcifront), a domain-0 function without ECAM gets no
 * accessor at all; ECAM is unaffected.
 */
static void test_pick_conf1_unused(void)
{
	struct pcq_func f = { .seg = 0, .bus = 3, .devfn = 0x10 };
	struct pcq_run run = { 0 };
	u8 *bus_page;

	two_functions();
	pcq_cfg_pick(&f, NULL, false);
	ok(!f.ecam && !(f.flags & PCQ_F_CONF1),
	   "pick: domain 0, the kernel not on type 1: no accessor");
	is(pcq_cfg_read32(&f, PCI_VENDOR_ID, &run), 0xffffffff,
	   "pick: ... reads all-ones, no port touched");
	ok(fake.nio == 0 && fake.reads == 0, "pick: ... no access made");
	pcq_cfg_pick(&f, NULL, true);
	ok(!f.ecam && (f.flags & PCQ_F_CONF1), "pick: control: with the kernel on type 1, type 1");
	bus_page = (u8 *)fake_page(0) - ((unsigned long)0x10 << 12);
	pcq_cfg_pick(&f, bus_page, false);
	ok(f.ecam == fake_page(0) && !(f.flags & PCQ_F_CONF1),
	   "pick: ECAM whatever the kernel's type 1 use");
}

static void test_extended_and_bytes(void)
{
	struct pcq_func e = { .bus = 4, .devfn = 0x11 };
	struct pcq_func c = { .bus = 3, .devfn = 0x10, .flags = PCQ_F_CONF1 };
	struct pcq_run run = { 0 };

	two_functions();
	e.ecam = fake_page(1);
	fake_set16(0, 0x164, 0x0009);
	fake_set16(1, 0x164, 0x0009);
	is(pcq_cfg_read16(&e, 0x164, &run), 0x0009, "ext: ECAM reads an extended register");
	is(pcq_cfg_read16(&c, 0x164, &run), 0xffff, "ext: type 1 cannot: all-ones");
	pcq_cfg_write16(&c, 0x164, 0, &run);
	ok(run.config_reads == 1 && run.config_writes == 0 && fake.nio == 0,
	   "ext: type 1 made no port access for register 0x164");
	is(fake_get16(0, 0x164), 0x0009, "ext: nor wrote register 0x164 (or 0x64)");
	run = (struct pcq_run){ 0 };
	is(pcq_cfg_read32(&e, 4096, &run), 0xffffffff,
	   "ext: ECAM stops at 4095, as pci_mmcfg_read() does: all-ones");
	is(pcq_cfg_read16(&e, 4096 + 0x164, &run), 0xffff, "ext: ... in every width");
	pcq_cfg_write16(&e, 4096 + 4, 0, &run);
	ok(run.config_reads == 0 && run.config_writes == 0 && fake.bad == 0,
	   "ext: no access made beyond the function's 4 KiB (the next page is another's)");
	is(pcq_cfg_read16(&e, 4094, &run), 0, "ext: control: its last register is read");

	fake_set16(0, 0xc4, 0xab00);
	pcq_cfg_write8(&c, 0xc4, 0x01, &run);
	ok(io_is(fake.nio - 2, 0xcf8, 4, true, 0x800310c4) &&
	   io_is(fake.nio - 1, 0xcfc, 1, true, 0x01), "byte: type 1 outb to 0xcfc + (reg & 3)");
	is(fake_get16(0, 0xc4), 0xab01, "byte: type 1 write8 leaves the next byte alone");
	fake_set16(1, 0xc4, 0xab00);
	pcq_cfg_write8(&e, 0xc5, 0x02, &run);
	is(fake_get16(1, 0xc4), 0x0200, "byte: ECAM write8 at 0xc5 writes that byte only");
	is(fake.bad, 0, "byte: no bad access");
}

/*
 * The lock-free accessors as the walk sees them (pcq_cfg_lockfree_ops):
 * reads of 1, 2 and 4 bytes, writes of 1 and 2, through ECAM
 * (mmio_config_read[bwl]) or type 1, counted; the same limits as the
 * pcq_cfg_read32/16 and write16/8 wrappers.
 */
static void test_lockfree_ops(void)
{
	const struct pcq_cfg_ops *ops = &pcq_cfg_lockfree_ops;
	struct pcq_func e = { .bus = 4, .devfn = 0x11 };
	struct pcq_func c = { .bus = 3, .devfn = 0x10, .flags = PCQ_F_CONF1 };
	struct pcq_func n = { .bus = 3, .devfn = 0x10 };
	struct pcq_run run = { 0 };

	two_functions();
	e.ecam = fake_page(1);
	ok(ops->read && ops->write, "ops: the lock-free way reads and writes");
	is(ops->read(&e, PCI_VENDOR_ID, 4, &run), 0x10d38087, "ops: ECAM read of 4 bytes");
	is(ops->read(&e, PCI_DEVICE_ID, 2, &run), 0x10d3, "ops: ECAM read of 2 bytes");
	is(ops->read(&e, PCI_HEADER_TYPE, 1, &run), 0x81, "ops: ECAM read of 1 byte (readb)");
	is(ops->read(&e, PCI_VENDOR_ID + 1, 1, &run), 0x80, "ops: ECAM byte at an odd offset");
	is(ops->read(&c, PCI_HEADER_TYPE, 1, &run), 0x81, "ops: type 1 read of 1 byte");
	ok(io_is(fake.nio - 1, 0xcfe, 1, false, 0x81) &&
	   io_is(fake.nio - 2, 0xcf8, 4, true, 0x8003100c),
	   "ops: type 1 byte at 0x0e: 0xcf8 = 0x8003100c, inb 0xcfe");
	is(ops->read(&n, PCI_HEADER_TYPE, 1, &run), 0xff, "ops: no accessor: a byte reads 0xff");
	is(ops->read(&e, 4095, 1, &run), 0, "ops: ECAM: the last byte of the page is read");
	is(ops->read(&e, 4096, 1, &run), 0xff, "ops: ECAM: a byte past the page: 0xff, no access");
	is(ops->read(&c, 0x100, 1, &run), 0xff, "ops: type 1: an extended byte: 0xff, no access");
	is(run.config_reads, 6, "ops: 6 reads made and counted (not those refused)");
	is(fake.reads, 6, "ops: the fake saw the same 6");

	ops->write(&e, PCI_COMMAND, 2, 0x0406, &run);
	ops->write(&e, PCI_LATENCY_TIMER, 1, 0x40, &run);
	ops->write(&c, PCI_COMMAND, 2, 0x0405, &run);
	ops->write(&n, PCI_COMMAND, 2, 0, &run);
	ops->write(&e, 4096, 2, 0, &run);
	ok(fake_get16(1, PCI_COMMAND) == 0x0406 && fake_get8(1, PCI_LATENCY_TIMER) == 0x40 &&
	   fake_get8(1, PCI_CACHE_LINE_SIZE) == 0 && fake_get16(0, PCI_COMMAND) == 0x0405,
	   "ops: writes of 2 and 1 bytes land, through ECAM and type 1, nothing next to them");
	ok(run.config_writes == 3 && fake.writes == 3,
	   "ops: 3 writes made and counted; none without an accessor or past the page");
	is(fake.bad, 0, "ops: no bad access");
}

/*
 * The PCI core's way, as the tests stand it in (fake_pci.c): reads found
 * by address, never through ECAM or the ports; counted in the run and
 * apart in the fake; the walk must never write through it.
 */
static void test_pci_core_double(void)
{
	const struct pcq_cfg_ops *ops = &pcq_cfg_pci_core_ops;
	struct pcq_func a = { .bus = 3, .devfn = 0x10, .flags = PCQ_F_CONF1 };
	struct pcq_func none = { .bus = 3, .devfn = 0x10 };
	struct pcq_func gone = { .bus = 9, .devfn = 0 };
	struct pcq_run run = { 0 };

	two_functions();
	is(ops->read(&a, PCI_VENDOR_ID, 4, &run), 0x10d38086, "pci core: read of 4 bytes");
	is(ops->read(&a, PCI_COMMAND, 2, &run), 0x0007, "pci core: read of 2 bytes");
	is(ops->read(&a, PCI_HEADER_TYPE, 1, &run), 0x81, "pci core: read of 1 byte");
	is(ops->read(&none, PCI_COMMAND, 2, &run), 0x0007,
	   "pci core: a function the lock-free way cannot reach: the core can");
	is(ops->read(&gone, PCI_VENDOR_ID, 4, &run), 0xffffffff,
	   "pci core: no such function: all-ones");
	is(fake.pci_core_reads, 5, "pci core: the 5 reads went through it");
	ok(fake.nio == 0 && fake.cf8_writes == 0 && fake.reads == 0,
	   "pci core: no bare 0xcf8/0xcfc or ECAM access at all");
	is(run.config_reads, 5, "pci core: reads counted in the run");
	is(fake.pci_core_writes, 0, "pci core: no write tried");
}

int main(void)
{
	test_addresses();
	test_ecam();
	test_conf1();
	test_none();
	test_pick_vmd_twin();
	test_pick_conf1_unused();
	test_extended_and_bytes();
	test_lockfree_ops();
	test_pci_core_double();
	return tap_done();
}
