// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only fault injection for the crash quiesce panic path
 * (CONFIG_PCI_CRASH_QUIESCE_FAULT_INJECT).  Never in a production kernel:
 * these controls hang a CPU or panic the machine on purpose, so that the
 * tests can show the panic path survives its worst cases.
 *
 * /sys/kernel/debug/pci_crash_quiesce/fault, write one of:
 *   hold-pci-lock         another CPU takes pci_lock and spins, IRQs off
 *   hold-pci-config-lock  the same with the x86 pci_config_lock
 *   nested-panic          the handler panics again after its walk
 *   nested-panic-in-hold  the walk panics during its Secondary Bus Reset hold
 *   oops-in-hold          the walk oopses (a NULL write) during that hold
 *   corrupt-snapshot      flip a byte of the published snapshot
 *   all-ones BB:DD.F      the function reads all-ones at panic
 *   tp-stuck BB:DD.F      the function's Transactions Pending never clears
 *   slow BB:DD.F          each of its config reads at panic takes 30 ms, as
 *                         with a Completion Timeout
 *   stuck-cpu             another CPU spins in NMI context: the crash's
 *                         shootdown NMI never reaches it
 * Then crash the machine (echo c > /proc/sysrq-trigger).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/panic.h>
#include <linux/pci.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/apic.h>
#include <asm/nmi.h>
#include <asm/pci_x86.h>

#include "../pci.h"
#include "core.h"
#include "fault.h"

static struct dentry *pcq_fault_file;
static bool pcq_fault_nested_panic;
static bool pcq_fault_hold_panic;
static bool pcq_fault_hold_oops;
/* not a constant, so that the compiler does not see the NULL write */
static int *pcq_fault_null;
static bool pcq_fault_slow_armed;
static struct pcq_skip_entry pcq_fault_slow_target;
static bool pcq_fault_holding;
static bool pcq_fault_tp_armed;
static struct pcq_skip_entry pcq_fault_tp_target;
static int pcq_fault_stuck_cpu = -1;
static bool pcq_fault_stuck;

/* Runs in IPI context, interrupts off, on another CPU: never returns. */
static void pcq_fault_hold(void *lock)
{
	raw_spin_lock(lock);
	WRITE_ONCE(pcq_fault_holding, true);
	for (;;)
		cpu_relax();
}

static int pcq_fault_hold_lock(raw_spinlock_t *lock, const char *name)
{
	unsigned int cpu, this_cpu;
	int i;

	this_cpu = get_cpu();
	cpu = cpumask_any_but(cpu_online_mask, this_cpu);
	put_cpu();
	if (cpu >= nr_cpu_ids)
		return -ENODEV;
	smp_call_function_single(cpu, pcq_fault_hold, lock, 0);
	for (i = 0; i < 1000 && !READ_ONCE(pcq_fault_holding); i++)
		mdelay(1);
	if (!READ_ONCE(pcq_fault_holding))
		return -ETIMEDOUT;
	pr_emerg("fault: CPU %u holds %s with interrupts off\n", cpu, name);
	return 0;
}

/* NMI context on the chosen CPU: never returns, so no other NMI gets in. */
static int pcq_fault_nmi(unsigned int type, struct pt_regs *regs)
{
	if (smp_processor_id() != READ_ONCE(pcq_fault_stuck_cpu))
		return NMI_DONE;
	WRITE_ONCE(pcq_fault_stuck, true);
	for (;;)
		cpu_relax();
	return NMI_HANDLED;
}

static int pcq_fault_stuck_nmi(void)
{
	unsigned int cpu, this_cpu;
	int err, i;

	this_cpu = get_cpu();
	cpu = cpumask_any_but(cpu_online_mask, this_cpu);
	put_cpu();
	if (cpu >= nr_cpu_ids)
		return -ENODEV;
	err = register_nmi_handler(NMI_LOCAL, pcq_fault_nmi, NMI_FLAG_FIRST, "pcq_fault");
	if (err)
		return err;
	WRITE_ONCE(pcq_fault_stuck_cpu, cpu);
	apic->send_IPI(cpu, NMI_VECTOR);
	for (i = 0; i < 1000 && !READ_ONCE(pcq_fault_stuck); i++)
		mdelay(1);
	if (!READ_ONCE(pcq_fault_stuck))
		return -ETIMEDOUT;
	pr_emerg("fault: CPU %u spins in NMI context\n", cpu);
	return 0;
}

/* One function by address, as the skip parameter writes it. */
static int pcq_fault_target(const char *arg, struct pcq_skip_entry *target)
{
	struct pcq_skip_list list;
	const char *bad;

	if (pcq_parse_skip(arg, &list, &bad) || list.nr != 1 || list.entry[0].by_id)
		return -EINVAL;
	*target = list.entry[0];
	return 0;
}

static bool pcq_fault_is(const struct pcq_func *f, const struct pcq_skip_entry *t)
{
	return f->seg == t->seg && f->bus == t->bus && f->devfn == t->devfn;
}

/* Which function's Transactions Pending never clears. */
static int pcq_fault_tp_stuck(const char *arg)
{
	int err = pcq_fault_target(arg, &pcq_fault_tp_target);

	if (err)
		return err;
	WRITE_ONCE(pcq_fault_tp_armed, true);
	pr_emerg("fault: %s keeps Transactions Pending set\n", arg);
	return 0;
}

/* Which function answers each config read at panic 30 ms late. */
static int pcq_fault_slow(const char *arg)
{
	int err = pcq_fault_target(arg, &pcq_fault_slow_target);

	if (err)
		return err;
	WRITE_ONCE(pcq_fault_slow_armed, true);
	pr_emerg("fault: %s answers config reads 30 ms late at panic\n", arg);
	return 0;
}

/* Flip a byte the checksum covers: the walk must refuse the snapshot. */
static int pcq_fault_corrupt_snapshot(void)
{
	struct pcq_snapshot *snap;

	pcq_lock_state();
	snap = (struct pcq_snapshot *)pcq_snapshot_locked();
	if (snap && snap->nr)
		snap->func[0].vendor ^= 0x5a5a;
	pcq_unlock_state();
	if (!snap || !snap->nr)
		return -ENODEV;
	pr_emerg("fault: snapshot corrupted\n");
	return 0;
}

/*
 * Point the function's ECAM accessor at a function that does not answer
 * (device 31, function 7 of its bus), so that it reads all-ones, as after a
 * surprise removal; then seal the snapshot again.
 */
static int pcq_fault_all_ones(const char *arg)
{
	struct pcq_skip_list list;
	struct pcq_snapshot *snap;
	struct pci_dev *ghost;
	const char *bad;
	unsigned int i;
	int err = -ENODEV;

	if (pcq_parse_skip(arg, &list, &bad) || list.nr != 1 || list.entry[0].by_id)
		return -EINVAL;
	ghost = pci_get_domain_bus_and_slot(list.entry[0].seg, list.entry[0].bus, 0xff);
	if (ghost) {
		pci_dev_put(ghost);
		return -EBUSY;
	}
	pcq_lock_state();
	snap = (struct pcq_snapshot *)pcq_snapshot_locked();
	for (i = 0; snap && i < snap->nr; i++) {
		struct pcq_func *f = &snap->func[i];

		if (f->seg != list.entry[0].seg || f->bus != list.entry[0].bus ||
		    f->devfn != list.entry[0].devfn)
			continue;
		err = -EOPNOTSUPP;
		if (!f->ecam)
			break;
		f->ecam += (unsigned long)(0xff - f->devfn) << 12;
		pcq_snapshot_seal(snap);
		pr_emerg("fault: %s now reads all-ones\n", arg);
		err = 0;
		break;
	}
	pcq_unlock_state();
	return err;
}

static ssize_t pcq_fault_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char buf[64];
	int err;

	if (!count || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	strim(buf);

	if (!strcmp(buf, "hold-pci-lock")) {
		err = pcq_fault_hold_lock(&pci_lock, "pci_lock");
	} else if (!strcmp(buf, "hold-pci-config-lock")) {
		err = pcq_fault_hold_lock(&pci_config_lock, "pci_config_lock");
	} else if (!strcmp(buf, "nested-panic")) {
		WRITE_ONCE(pcq_fault_nested_panic, true);
		err = 0;
	} else if (!strcmp(buf, "nested-panic-in-hold")) {
		WRITE_ONCE(pcq_fault_hold_panic, true);
		err = 0;
	} else if (!strcmp(buf, "oops-in-hold")) {
		WRITE_ONCE(pcq_fault_hold_oops, true);
		err = 0;
	} else if (!strcmp(buf, "stuck-cpu")) {
		err = pcq_fault_stuck_nmi();
	} else if (!strncmp(buf, "tp-stuck ", 9)) {
		err = pcq_fault_tp_stuck(buf + 9);
	} else if (!strncmp(buf, "slow ", 5)) {
		err = pcq_fault_slow(buf + 5);
	} else if (!strcmp(buf, "corrupt-snapshot")) {
		err = pcq_fault_corrupt_snapshot();
	} else if (!strncmp(buf, "all-ones ", 9)) {
		err = pcq_fault_all_ones(buf + 9);
	} else {
		err = -EINVAL;
	}
	return err ? err : count;
}

static const struct file_operations pcq_fault_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= pcq_fault_write,
	.llseek	= noop_llseek,
};

/**
 * pcq_fault_in_handler() - the nested-panic fault, inside the panic handler
 *
 * Context: panic path.  Panics, once, when armed.
 */
void pcq_fault_in_handler(void)
{
	if (!READ_ONCE(pcq_fault_nested_panic))
		return;
	WRITE_ONCE(pcq_fault_nested_panic, false);
	panic("pci_crash_quiesce: injected nested panic inside the handler");
}

/**
 * pcq_fault_in_hold() - the nested-panic and oops faults, inside the bus
 * reset hold
 *
 * Context: panic path, bus resets asserted.  Panics or oopses, once, when
 * armed.
 */
void pcq_fault_in_hold(void)
{
	if (READ_ONCE(pcq_fault_hold_oops)) {
		WRITE_ONCE(pcq_fault_hold_oops, false);
		pr_emerg("fault: injected oops inside the reset hold, panic_on_oops=%d\n",
			 panic_on_oops);
		/* a NULL pointer write: the page fault handler oopses */
		WRITE_ONCE(*pcq_fault_null, 0);
	}
	if (!READ_ONCE(pcq_fault_hold_panic))
		return;
	WRITE_ONCE(pcq_fault_hold_panic, false);
	panic("pci_crash_quiesce: injected nested panic inside the reset hold");
}

/**
 * pcq_fault_slow_read() - the slow fault, on a panic-path config read
 * @f: the function read
 *
 * Context: panic path.  Delays 30 ms for the armed function.
 */
void pcq_fault_slow_read(const struct pcq_func *f)
{
	if (READ_ONCE(pcq_fault_slow_armed) && pcq_fault_is(f, &pcq_fault_slow_target))
		mdelay(30);
}

/**
 * pcq_fault_devsta() - the tp-stuck fault, on a Device Control/Status read
 * @f: the function read
 * @v: Device Control and Device Status as read, one dword
 *
 * Context: panic path.
 * Return: @v, with Transactions Pending set for the armed function.
 */
u32 pcq_fault_devsta(const struct pcq_func *f, u32 v)
{
	const struct pcq_skip_entry *t = &pcq_fault_tp_target;

	if (READ_ONCE(pcq_fault_tp_armed) && pcq_fault_is(f, t))
		v |= (u32)PCI_EXP_DEVSTA_TRPND << 16;
	return v;
}

/**
 * pcq_fault_init() - create the fault control file
 *
 * Context: process context, after pcq_debugfs_init().
 */
void pcq_fault_init(void)
{
	struct dentry *dir = debugfs_lookup("pci_crash_quiesce", NULL);

	pcq_fault_file = debugfs_create_file("fault", 0200, dir, NULL, &pcq_fault_fops);
	dput(dir);
}

/**
 * pcq_fault_exit() - remove the fault control file
 *
 * Context: process context.
 */
void pcq_fault_exit(void)
{
	debugfs_remove(pcq_fault_file);
}
