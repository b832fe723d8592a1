// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-tree build only: the type 1 accessors of <asm/pci-direct.h>.
 *
 * In tree, drivers/pci/crash_quiesce/cfg.c calls arch/x86/pci/early.c's,
 * which modules cannot (they are not exported).  The same protocol: the
 * address goes to 0xCF8 before every data access at 0xCFC, and no lock is
 * taken; the crash path may have interrupted its own CPU between the two,
 * so 0xCF8 is never assumed to hold anything.
 */
#include <linux/io.h>
#include <linux/types.h>
#include <asm/pci-direct.h>

#define PCQ_CONF1_ADDR_PORT	0xcf8
#define PCQ_CONF1_DATA_PORT	0xcfc
#define PCQ_CONF1_ENABLE	0x80000000

/**
 * pcq_conf1_select() - point 0xCF8 at a function's register
 * @bus:    bus number
 * @slot:   device number
 * @func:   function number
 * @offset: register offset; its low two bits pick the byte lane at 0xCFC
 *
 * Context: crash path; no lock.
 */
static void pcq_conf1_select(u8 bus, u8 slot, u8 func, u8 offset)
{
	outl(PCQ_CONF1_ENABLE | (u32)bus << 16 | (u32)slot << 11 | (u32)func << 8 |
	     (offset & 0xfc), PCQ_CONF1_ADDR_PORT);
}

/**
 * read_pci_config() - read a config dword through type 1
 * @bus:    bus number
 * @slot:   device number
 * @func:   function number
 * @offset: dword-aligned register offset
 *
 * Context: crash path; no lock.
 * Return: the value.
 */
u32 read_pci_config(u8 bus, u8 slot, u8 func, u8 offset)
{
	pcq_conf1_select(bus, slot, func, offset);
	return inl(PCQ_CONF1_DATA_PORT);
}

/**
 * read_pci_config_16() - read a config word through type 1
 * @bus:    bus number
 * @slot:   device number
 * @func:   function number
 * @offset: word-aligned register offset
 *
 * Context: crash path; no lock.
 * Return: the value.
 */
u16 read_pci_config_16(u8 bus, u8 slot, u8 func, u8 offset)
{
	pcq_conf1_select(bus, slot, func, offset);
	return inw(PCQ_CONF1_DATA_PORT + (offset & 2));
}

/**
 * read_pci_config_byte() - read a config byte through type 1
 * @bus:    bus number
 * @slot:   device number
 * @func:   function number
 * @offset: register offset
 *
 * Context: crash path; no lock.
 * Return: the value.
 */
u8 read_pci_config_byte(u8 bus, u8 slot, u8 func, u8 offset)
{
	pcq_conf1_select(bus, slot, func, offset);
	return inb(PCQ_CONF1_DATA_PORT + (offset & 3));
}

/**
 * write_pci_config_16() - write a config word through type 1
 * @bus:    bus number
 * @slot:   device number
 * @func:   function number
 * @offset: word-aligned register offset
 * @val:    the value
 *
 * Context: crash path; no lock.
 */
void write_pci_config_16(u8 bus, u8 slot, u8 func, u8 offset, u16 val)
{
	pcq_conf1_select(bus, slot, func, offset);
	outw(val, PCQ_CONF1_DATA_PORT + (offset & 2));
}

/**
 * write_pci_config_byte() - write a config byte through type 1
 * @bus:    bus number
 * @slot:   device number
 * @func:   function number
 * @offset: register offset
 * @val:    the value
 *
 * Context: crash path; no lock.
 */
void write_pci_config_byte(u8 bus, u8 slot, u8 func, u8 offset, u8 val)
{
	pcq_conf1_select(bus, slot, func, offset);
	outb(val, PCQ_CONF1_DATA_PORT + (offset & 3));
}
