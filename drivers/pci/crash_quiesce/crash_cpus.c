// SPDX-License-Identifier: GPL-2.0
/*
 * PCI crash quiesce: which CPUs did not stop for the crash.
 *
 * The walk assumes that nothing but its own CPU runs: no other CPU touches
 * the devices it stops.  The crash shootdown is best effort, though (x86
 * waits a second for its NMI to be taken, arm64 as long for its IPI), and
 * the summary line says when it did not work out.
 */
#include <linux/compiler.h>
#include <linux/cpumask.h>
#include <linux/kexec.h>
#include <linux/percpu.h>
#include <linux/smp.h>

#include "crash_quiesce.h"

/**
 * pcq_crash_cpus_not_stopped() - how many other CPUs did not stop for the crash?
 *
 * Every CPU the crash shootdown stops (an NMI on x86, IPI_CPU_CRASH_STOP on
 * arm64) saves its registers in its crash note first, and nothing writes a
 * crash note before a crash.  An online CPU other than this one whose
 * note is still empty did not stop: it may be running on, touching the
 * devices the handler quiesces (arm64 without pseudo-NMI and a CPU with
 * interrupts masked; an x86 CPU that missed the NMI).
 *
 * Context: crash, after the other CPUs were told to stop.
 * Return: the number of such CPUs.
 */
unsigned int pcq_crash_cpus_not_stopped(void)
{
	unsigned int cpu, self = raw_smp_processor_id(), n = 0;

	if (!crash_notes)
		return 0;
	for_each_online_cpu(cpu) {
		const u32 *note = (const u32 *)per_cpu_ptr(crash_notes, cpu);

		/* the n_namesz of the first ELF note header */
		if (cpu != self && !READ_ONCE(note[0]))
			n++;
	}
	return n;
}
