// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-tree build only: pcq_crash_cpus_not_stopped() without crash_notes.
 *
 * In tree, drivers/pci/crash_quiesce/crash_cpus.c reads the CPUs' crash
 * notes through
 * crash_notes, which modules cannot reach.  The kernel publishes each CPU's
 * note by its physical address in /sys/devices/system/cpu/cpuN/crash_notes
 * (for kexec-tools, which builds the capture kernel's ELF header from it);
 * the notes are in the linear map, one page each at most.  Their first
 * word is mapped at registration and read at crash time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "../drivers/pci/crash_quiesce/crash_quiesce.h"
#include "oot.h"

static u32 **pcq_oot_notes;

/* The physical address of @cpu's crash note, from sysfs; 0 if none. */
static phys_addr_t pcq_oot_note_phys(unsigned int cpu)
{
	char path[64], buf[24] = "";
	struct file *file;
	unsigned long long phys;
	loff_t pos = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/crash_notes", cpu);
	file = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(file))
		return 0;
	n = kernel_read(file, buf, sizeof(buf) - 1, &pos);
	filp_close(file, NULL);
	if (n <= 0 || kstrtoull(strim(buf), 16, &phys))
		return 0;
	return phys;
}

/**
 * pcq_oot_crash_cpus_init() - map every CPU's crash note
 *
 * Of the CPUs present now: sysfs has no crash_notes file for the others.
 * A CPU whose note cannot be mapped, one added later included, is not
 * counted at crash time.
 *
 * Context: process context.
 */
void pcq_oot_crash_cpus_init(void)
{
	unsigned int cpu;
	phys_addr_t phys;

	pcq_oot_notes = kcalloc(nr_cpu_ids, sizeof(*pcq_oot_notes), GFP_KERNEL);
	if (!pcq_oot_notes)
		return;
	for_each_possible_cpu(cpu) {
		phys = pcq_oot_note_phys(cpu);
		if (phys)
			pcq_oot_notes[cpu] = memremap(phys, sizeof(u32), MEMREMAP_WB);
	}
}

/**
 * pcq_oot_crash_cpus_exit() - unmap what pcq_oot_crash_cpus_init() mapped
 *
 * Context: process context, once the handler cannot run any more.
 */
void pcq_oot_crash_cpus_exit(void)
{
	unsigned int cpu;

	if (!pcq_oot_notes)
		return;
	for_each_possible_cpu(cpu)
		if (pcq_oot_notes[cpu])
			memunmap(pcq_oot_notes[cpu]);
	kfree(pcq_oot_notes);
	pcq_oot_notes = NULL;
}

/**
 * pcq_crash_cpus_not_stopped() - how many other CPUs did not stop for the crash?
 *
 * As drivers/pci/crash_quiesce/crash_cpus.c: an online CPU other than this one whose crash
 * note is still empty did not stop.
 *
 * Context: crash, after the other CPUs were told to stop.
 * Return: the number of such CPUs.
 */
unsigned int pcq_crash_cpus_not_stopped(void)
{
	unsigned int cpu, self = raw_smp_processor_id(), n = 0;

	if (!pcq_oot_notes)
		return 0;
	for_each_online_cpu(cpu)
		if (cpu != self && pcq_oot_notes[cpu] && !READ_ONCE(*pcq_oot_notes[cpu]))
			n++;
	return n;
}
