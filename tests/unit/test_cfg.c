// SPDX-License-Identifier: GPL-2.0
/* Lock-free config accessors (cfg.c): ECAM and type 1 backends on the fake. */
#include <string.h>

#include <linux/pci_regs.h>

#include "crash_quiesce.h"
#include "fake_pci.h"
#include "tap.h"

static void test_addresses(void)
{
	is(cq_cfg_conf1_address(0, 0), 0x80000000, "conf1 address: 00:00.0");
	is(cq_cfg_conf1_address(0x12, 0x1b), 0x80121b00, "conf1 address: 12:03.3");
	is(cq_cfg_conf1_address(0xff, 0xff), 0x80ffff00, "conf1 address: ff:1f.7");
	is(cq_cfg_ecam_address(0xe0000000, 0, 0, 0), 0xe0000000, "ecam address: base for 00:00.0");
	is(cq_cfg_ecam_address(0xe0000000, 0, 1, 0x08), 0xe0108000, "ecam address: 01:01.0");
	is(cq_cfg_ecam_address(0xb0000000, 0x10, 0x12, 0xff), 0xb02ff000,
	   "ecam address: start bus 0x10, 12:1f.7");
	is(cq_cfg_ecam_address(0x4000000000ULL, 0, 0xff, 0xff), 0x4000000000ULL + 0x0ffff000,
	   "ecam address: above 4 GiB, ff:1f.7");
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
	struct cq_cfg a = { .ecam = NULL, .method = CQ_ACCESS_ECAM };
	struct cq_cfg b = a;
	struct cq_run run = { 0 };

	two_functions();
	a.ecam = fake_page(0);
	b.ecam = fake_page(1);
	is(cq_cfg_read32(&a, PCI_VENDOR_ID, &run), 0x10d38086, "ecam: read32 IDs of function A");
	is(cq_cfg_read32(&b, PCI_VENDOR_ID, &run), 0x10d38087, "ecam: read32 IDs of function B");
	is(cq_cfg_read32(&a, PCI_CACHE_LINE_SIZE, &run) >> 16 & 0xff, 0x81,
	   "ecam: read32 at 0x0c has the header type in bits 16-23");
	is(cq_cfg_read16(&a, PCI_DEVICE_ID, &run), 0x10d3, "ecam: read16 device ID at 0x02");
	is(cq_cfg_read16(&b, PCI_BRIDGE_CONTROL, &run), 0x0004, "ecam: read16 Bridge Control at 0x3e");
	is(cq_cfg_read16(&a, 0x52, &run), 0x0081, "ecam: read16 at 0x52");
	is(run.config_reads, 6, "ecam: 6 reads counted");
	is(run.config_writes, 0, "ecam: no write counted yet");

	cq_cfg_write16(&a, PCI_COMMAND, 0x0403, &run);
	is(fake_get16(0, PCI_COMMAND), 0x0403, "ecam: write16 Command lands at 0x04");
	is(fake_get16(0, PCI_STATUS), 0xf910, "ecam: Status next to it untouched");
	cq_cfg_write16(&b, PCI_BRIDGE_CONTROL, 0x0044, &run);
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
	struct cq_cfg a = { .conf1 = cq_cfg_conf1_address(3, 0x10), .method = CQ_ACCESS_CONF1 };
	struct cq_cfg b = { .conf1 = cq_cfg_conf1_address(4, 0x11), .method = CQ_ACCESS_CONF1 };
	struct cq_run run = { 0 };

	two_functions();
	/* the panic CPU may have been interrupted between its own 0xcf8 and 0xcfc */
	fake.cf8 = cq_cfg_conf1_address(4, 0x11) | PCI_BRIDGE_CONTROL;
	fake.cf8_fresh = true;

	is(cq_cfg_read32(&a, PCI_VENDOR_ID, &run), 0x10d38086, "conf1: read32 IDs of function A");
	ok(io_is(0, 0xcf8, 4, true, 0x80031000) && io_is(1, 0xcfc, 4, false, 0x10d38086),
	   "conf1: outl 0x80031000 to 0xcf8, then inl 0xcfc");
	is(cq_cfg_read16(&b, PCI_BRIDGE_CONTROL, &run), 0x0004, "conf1: read16 0x3e of function B");
	ok(io_is(2, 0xcf8, 4, true, 0x8004113c) && io_is(3, 0xcfe, 2, false, 0x0004),
	   "conf1: 16-bit read at 0x3e selects 0x3c, data port 0xcfe");
	is(cq_cfg_read16(&a, PCI_COMMAND, &run), 0x0007, "conf1: read16 Command");
	ok(io_is(4, 0xcf8, 4, true, 0x80031004) && io_is(5, 0xcfc, 2, false, 0x0007),
	   "conf1: 16-bit read at 0x04 uses data port 0xcfc");
	is(cq_cfg_read16(&a, PCI_STATUS, &run), 0xf910, "conf1: read16 Status");
	ok(io_is(7, 0xcfe, 2, false, 0xf910), "conf1: 16-bit read at 0x06 uses data port 0xcfe");
	is(cq_cfg_read32(&a, PCI_CACHE_LINE_SIZE, &run) >> 16 & 0xff, 0x81,
	   "conf1: read32 at 0x0c has the header type");

	cq_cfg_write16(&b, PCI_BRIDGE_CONTROL, 0x0044, &run);
	ok(io_is(10, 0xcf8, 4, true, 0x8004113c) && io_is(11, 0xcfe, 2, true, 0x0044),
	   "conf1: 16-bit write at 0x3e: 0xcf8 = 0x8004113c, outw 0xcfe");
	is(fake_get16(1, PCI_BRIDGE_CONTROL), 0x0044, "conf1: Bridge Control written");
	is(fake_get16(1, 0x3c), 0, "conf1: the word at 0x3c untouched");
	cq_cfg_write16(&a, PCI_COMMAND, 0x0403, &run);
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
	struct cq_cfg n = { .ecam = NULL, .conf1 = 0x80010000, .method = CQ_ACCESS_NONE };
	struct cq_cfg junk = { .ecam = NULL, .method = 7 };
	struct cq_run run = { 0 };

	two_functions();
	is(cq_cfg_read32(&n, PCI_VENDOR_ID, &run), 0xffffffff, "none: read32 is all-ones");
	is(cq_cfg_read16(&n, PCI_COMMAND, &run), 0xffff, "none: read16 is all-ones");
	cq_cfg_write16(&n, PCI_COMMAND, 0, &run);
	is(cq_cfg_read16(&junk, PCI_COMMAND, &run), 0xffff, "none: unknown method reads all-ones");
	cq_cfg_write16(&junk, PCI_COMMAND, 0, &run);
	ok(run.config_reads == 0 && run.config_writes == 0, "none: nothing counted");
	ok(fake.reads == 0 && fake.writes == 0 && fake.nio == 0, "none: no access made");
}

int main(void)
{
	test_addresses();
	test_ecam();
	test_conf1();
	test_none();
	return tap_done();
}
