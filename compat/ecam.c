// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-tree build only: the kernel's ECAM and type 1 decisions, read
 * from /proc/iomem and /proc/ioports.
 *
 * A module cannot reach pci_mmconfig_lookup() (not exported).  The kernel
 * publishes the windows it uses as "PCI ECAM ssss [bus bb-bb]" resources
 * ("PCI MMCONFIG ..." before 6.10): none under pci=nommconf, none for a
 * window it rejected.  Each bus of such a window that holds a function is
 * mapped once, on first use, and stays mapped until the module goes: old
 * snapshots may point into it until they are freed.
 *
 * Nor can it reach raw_pci_ops.  pci_direct_probe() keeps the "PCI conf1"
 * I/O region only when it found type 1 working and made it the kernel's
 * config mechanism; a Xen PV guest reaches config space through its
 * hypervisor instead, whatever it probed.
 *
 * Both files are opened from init's root: a rebuild after hotplug runs in
 * a kernel thread, whose root is the empty nullfs since 7.0, where every
 * path lookup fails.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/io.h>
#include <linux/pid.h>
#include <linux/sched/task.h>
#include <xen/xen.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "../drivers/pci/crash_quiesce/core.h"

#define PCQ_IOMEM_PATH	"/proc/iomem"
#define PCQ_IOPORTS_PATH	"/proc/ioports"
#define PCQ_ECAM_BUS_SIZE SZ_1M

struct pcq_ecam_map {
	u32 seg;
	u8 bus;
	void __iomem *base;
};

static struct pcq_ecam_map *pcq_maps;
static unsigned int pcq_nr_maps, pcq_max_maps;

struct pcq_ecam_window {
	u32 seg;
	u8 start_bus;
	u8 end_bus;
	phys_addr_t base;	/* of start_bus */
};

static struct pcq_ecam_window *pcq_windows;
static unsigned int pcq_nr_windows;
static bool pcq_conf1;

/* Parse "START-END : PCI ECAM SSSS [bus BB-BB]", one line of /proc/iomem. */
static bool pcq_iomem_line(const char *line, struct pcq_ecam_window *w)
{
	unsigned long long start, end;
	unsigned int s, b0, b1;
	char kind[16];

	if (sscanf(line, " %llx-%llx : PCI %15s %x [bus %x-%x]", &start, &end,
		   kind, &s, &b0, &b1) != 6)
		return false;
	if (strcmp(kind, "ECAM") && strcmp(kind, "MMCONFIG"))
		return false;
	/* zeros: a reader without CAP_SYS_ADMIN; a size that is not buses' */
	if (!start || b0 > b1 || b1 > 0xff ||
	    end - start + 1 != (unsigned long long)(b1 - b0 + 1) * PCQ_ECAM_BUS_SIZE)
		return false;
	*w = (struct pcq_ecam_window){ s, b0, b1, start };
	return true;
}

static void pcq_ecam_add_window(const struct pcq_ecam_window *w)
{
	struct pcq_ecam_window *ws;

	ws = krealloc_array(pcq_windows, pcq_nr_windows + 1, sizeof(*ws), GFP_KERNEL);
	if (!ws)
		return;
	pcq_windows = ws;
	pcq_windows[pcq_nr_windows++] = *w;
}

static void pcq_iomem_take(const char *line)
{
	struct pcq_ecam_window w;

	if (pcq_iomem_line(line, &w))
		pcq_ecam_add_window(&w);
}

/* "0cf8-0cff : PCI conf1", one line of /proc/ioports */
static void pcq_ioports_take(const char *line)
{
	unsigned int start, end;
	char name[16];

	if (sscanf(line, " %x-%x : PCI %15s", &start, &end, name) == 3 &&
	    start == 0xcf8 && !strcmp(name, "conf1"))
		pcq_conf1 = true;
}

/* Open @path (absolute) from init's root, whatever the caller's is. */
static struct file *pcq_open_from_init(const char *path)
{
	struct pid *pid = find_get_pid(1);
	struct task_struct *init = get_pid_task(pid, PIDTYPE_PID);
	struct file *file = ERR_PTR(-ESRCH);
	struct path root;

	put_pid(pid);
	if (!init)
		return file;
	task_lock(init);
	if (init->fs) {
		get_fs_root(init->fs, &root);
		task_unlock(init);
		file = file_open_root(&root, path + 1, O_RDONLY, 0);
		path_put(&root);
	} else {
		task_unlock(init);
	}
	put_task_struct(init);
	return file;
}

/* Call @take for every line of the file at @path; false if unreadable. */
static bool pcq_read_lines(const char *path, void (*take)(const char *line))
{
	struct file *file;
	loff_t pos = 0;
	size_t have = 0;
	char *buf, *nl;
	bool read;
	ssize_t n;

	file = pcq_open_from_init(path);
	if (IS_ERR(file))
		return false;
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	read = buf;
	while (buf) {
		n = kernel_read(file, buf + have, PAGE_SIZE - 1 - have, &pos);
		if (n <= 0)
			break;
		have += n;
		buf[have] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			take(buf);
			have -= nl + 1 - buf;
			memmove(buf, nl + 1, have + 1);
		}
		if (have == PAGE_SIZE - 1)
			have = 0;	/* a line longer than a page: not ours */
	}
	kfree(buf);
	filp_close(file, NULL);
	return read;
}

/**
 * pcq_ecam_refresh() - read the kernel's ECAM windows and type 1 use again
 *
 * Before a full rebuild: a host bridge added at run time brings its own.
 *
 * Context: process context, under pcq_lock; reads /proc/iomem and
 * /proc/ioports.
 */
void pcq_ecam_refresh(void)
{
	pcq_assert_locked();
	kfree(pcq_windows);
	pcq_windows = NULL;
	pcq_nr_windows = 0;
	pcq_conf1 = false;
	if (!pcq_read_lines(PCQ_IOMEM_PATH, pcq_iomem_take))
		pr_warn("cannot read %s: no ECAM access\n", PCQ_IOMEM_PATH);
	if (!pcq_read_lines(PCQ_IOPORTS_PATH, pcq_ioports_take))
		pr_warn("cannot read %s: no type 1 access\n", PCQ_IOPORTS_PATH);
	if (xen_pv_domain())
		pcq_conf1 = false;
}

/**
 * pcq_conf1_used() - does the kernel reach domain 0 through type 1?
 *
 * Context: process context, under pcq_lock, after pcq_ecam_refresh().
 * Return: true if the "PCI conf1" region is the kernel's.
 */
bool pcq_conf1_used(void)
{
	pcq_assert_locked();
	return pcq_conf1;
}

/**
 * pcq_ecam_bus() - an ECAM mapping of a bus the kernel uses ECAM for
 * @seg: PCI domain
 * @bus: bus number
 *
 * Context: process context, under pcq_lock.
 * Return: the mapped config space of @bus, or NULL.
 */
void __iomem *pcq_ecam_bus(u32 seg, u8 bus)
{
	const struct pcq_ecam_window *w = NULL;
	struct pcq_ecam_map *maps;
	void __iomem *base;
	unsigned int i;

	pcq_assert_locked();
	for (i = 0; i < pcq_nr_maps; i++)
		if (pcq_maps[i].seg == seg && pcq_maps[i].bus == bus)
			return pcq_maps[i].base;
	for (i = 0; i < pcq_nr_windows && !w; i++)
		if (pcq_windows[i].seg == seg && bus >= pcq_windows[i].start_bus &&
		    bus <= pcq_windows[i].end_bus)
			w = &pcq_windows[i];
	if (!w)
		return NULL;
	if (pcq_nr_maps == pcq_max_maps) {
		maps = krealloc_array(pcq_maps, pcq_max_maps + 16, sizeof(*maps),
				      GFP_KERNEL);
		if (!maps)
			return NULL;
		pcq_maps = maps;
		pcq_max_maps += 16;
	}
	base = ioremap(w->base + (phys_addr_t)(bus - w->start_bus) * PCQ_ECAM_BUS_SIZE,
		       PCQ_ECAM_BUS_SIZE);
	if (!base)
		return NULL;
	pcq_maps[pcq_nr_maps++] = (struct pcq_ecam_map){ seg, bus, base };
	return base;
}

/**
 * pcq_ecam_release() - unmap every bus mapped by pcq_ecam_bus()
 *
 * Context: process context; no snapshot may point into the mappings any
 * more (after rcu_barrier() for snapshots freed with kvfree_rcu()).
 */
void pcq_ecam_release(void)
{
	unsigned int i;

	for (i = 0; i < pcq_nr_maps; i++)
		iounmap(pcq_maps[i].base);
	kfree(pcq_maps);
	pcq_maps = NULL;
	pcq_nr_maps = 0;
	pcq_max_maps = 0;
	kfree(pcq_windows);
	pcq_windows = NULL;
	pcq_nr_windows = 0;
}
