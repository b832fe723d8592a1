// SPDX-License-Identifier: GPL-2.0
/*
 * The generic ECAM host bridge backend (ecam_host.c): which host bridges it
 * takes (pci_ecam_map_bus() with the generic read/write and 4 KiB per
 * function) and refuses (a DesignWare-like map_bus, 32-bit-only quirk ops,
 * CAM's bus_shift 16, an unknown bus), and the address it gives, down to
 * the accessor pcq_cfg_pick() makes of it.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"	/* the PCI core stubs */
#include <stdlib.h>
#include <string.h>

#include <linux/pci-ecam.h>

#include "crash_quiesce.h"
#include "tap.h"

#define NBUS	4

static u8 *window;			/* NBUS buses of 1 MiB */
static struct pci_bus buses[NBUS];
static int map_calls;

/* The kernel's pci_ecam_map_bus(), for a window of buses 0..NBUS-1. */
void __iomem *pci_ecam_map_bus(struct pci_bus *bus, unsigned int devfn, int where)
{
	const struct pci_config_window *cfg = bus->sysdata;
	unsigned int shift = cfg->ops->bus_shift ? cfg->ops->bus_shift : 20;

	map_calls++;
	if (bus->number < cfg->bus_start || bus->number > cfg->bus_end)
		return NULL;
	return (u8 *)cfg->win + ((size_t)(bus->number - cfg->bus_start) << shift) +
	       ((size_t)devfn << (shift - 8)) + where;
}

int pci_generic_config_read(struct pci_bus *bus, unsigned int devfn, int where,
			    int size, u32 *val)
{
	return 0;
}

int pci_generic_config_write(struct pci_bus *bus, unsigned int devfn, int where,
			     int size, u32 val)
{
	return 0;
}

static int read32_only(struct pci_bus *bus, unsigned int devfn, int where, int size,
		       u32 *val)
{
	return 0;
}

/* DesignWare's other-config map_bus: reprograms an ATU, needs pci_lock */
static void __iomem *dw_map_bus(struct pci_bus *bus, unsigned int devfn, int where)
{
	return window;
}

static int find_domain;

struct pci_bus *pci_find_bus(int domain, int busnr)
{
	if (domain != find_domain || busnr < 0 || busnr >= NBUS)
		return NULL;
	return &buses[busnr];
}

static struct pci_ecam_ops generic = {
	.pci_ops = {
		.map_bus = pci_ecam_map_bus,
		.read = pci_generic_config_read,
		.write = pci_generic_config_write,
	},
};

static void setup(struct pci_ecam_ops *ops, struct pci_config_window *cfg)
{
	int i;

	cfg->bus_start = 0;
	cfg->bus_end = NBUS - 1;
	cfg->ops = ops;
	cfg->win = window;
	for (i = 0; i < NBUS; i++) {
		buses[i].number = i;
		buses[i].ops = &ops->pci_ops;
		buses[i].sysdata = cfg;
	}
	map_calls = 0;
}

int main(void)
{
	struct pci_config_window cfg;
	struct pci_ecam_ops ops;
	struct pcq_func f = { .seg = 0, .bus = 3, .devfn = 0x11 };

	window = calloc(NBUS, 1 << 20);
	if (!window)
		abort();

	setup(&generic, &cfg);
	ok(pcq_ecam_bus(0, 3) == window + (3 << 20),
	   "generic ECAM: bus 3 maps at window + 3 MiB");
	ok(map_calls == 1, "generic ECAM: the address comes from pci_ecam_map_bus()");
	pcq_cfg_pick(&f, pcq_ecam_bus(0, 3), pcq_conf1_used());
	ok(f.ecam == window + (3 << 20) + (0x11 << 12) && !strcmp(pcq_access_name(&f), "ecam"),
	   "generic ECAM: 03:02.1's accessor is window + 3 MiB + devfn * 4 KiB");
	ok(pcq_ecam_bus(0, 0) == window, "generic ECAM: bus 0 at the window's start");
	ok(pcq_ecam_bus(1, 3) == NULL, "generic ECAM: a domain with no such bus: NULL");

	ops = generic;
	ops.bus_shift = 20;
	setup(&ops, &cfg);
	ok(pcq_ecam_bus(0, 2) == window + (2 << 20), "bus_shift 20 given explicitly: taken");

	ops = generic;
	ops.pci_ops.map_bus = dw_map_bus;
	setup(&ops, &cfg);
	ok(pcq_ecam_bus(0, 1) == NULL && map_calls == 0,
	   "DesignWare-like map_bus (ATU under pci_lock): refused, nothing mapped");
	pcq_cfg_pick(&f, pcq_ecam_bus(0, 3), pcq_conf1_used());
	ok(!f.ecam && strcmp(pcq_access_name(&f), "ecam"),
	   "refused host: no ECAM accessor (type 1 only on x86 domain 0)");

	ops = generic;
	ops.pci_ops.read = read32_only;
	setup(&ops, &cfg);
	ok(pcq_ecam_bus(0, 1) == NULL, "32-bit-only MCFG quirk ops: refused");

	ops = generic;
	ops.bus_shift = 16;
	setup(&ops, &cfg);
	ok(pcq_ecam_bus(0, 1) == NULL, "CAM (bus_shift 16, 256 bytes per function): refused");

	setup(&generic, &cfg);
	cfg.bus_start = 1;
	ok(pcq_ecam_bus(0, 0) == NULL, "a bus below the window's range: NULL");
	ok(pcq_ecam_bus(0, 2) == window + (1 << 20), "window starting at bus 1: bus 2 at +1 MiB");

	free(window);
	return tap_done();
}
