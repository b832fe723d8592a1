/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcq-plan: the crash quiesce driver's planner run offline, on a machine's
 * config space dump instead of a live kernel.
 *
 * The driver's own files decide: facts.c (what registers say), plan.c (the
 * rules), seal.c (the layout), show.c (the listings), parse.c (the skip
 * list), cfg.c (the accessor choice).  What the kernel knows from struct
 * pci_dev, and snapshot.c reads from it, this tool reads from the dump:
 * input.c (lspci -xxx/-xxxx text, or a sysfs tree), machine.c (capability
 * walks, the tree, the facts), output.c (the listings, JSON, summaries).
 */
#ifndef _PCQ_PLAN_H
#define _PCQ_PLAN_H

#include <stdio.h>
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/types.h>

#include "crash_quiesce.h"

/* Exit statuses */
#define PP_OK		0
#define PP_UNREADABLE	1	/* a file or directory that cannot be read */
#define PP_BAD_INPUT	2	/* refused input, or a bad option */

#define PP_CFG_MIN	256	/* lspci -xxx */
#define PP_CFG_MAX	4096	/* lspci -xxxx */

/* What the input could not say about a function (struct pp_fn's @unknown) */
#define PP_UNK_EXT	BIT(0)	/* extended capabilities: SR-IOV, CXL DVSEC */
#define PP_UNK_IDENT	BIT(1)	/* reads all ones: identity not in the dump */
#define PP_UNK_CLASS	BIT(2)	/* ... nor its class */
#define PP_UNK_PF	BIT(3)	/* IDs read all ones, class valid: a VF? */

/**
 * struct pp_fn - one function as the input gives it
 * @seg, @bus, @devfn: its address
 * @line:       line of its header in the dump (0 for a sysfs tree)
 * @len:        bytes of config space given: 256 or 4096
 * @cfg:        the config space, @len bytes
 * @hint_ids:   @vendor/@device are the kernel's (lspci -nn header, sysfs)
 * @hint_class: @class_rev is the kernel's (lspci -nn header, sysfs)
 * @vendor, @device, @class_rev: identity hints
 * @boot_vga:   sysfs boot_vga says it is vga_default_device()
 * @reset_first: sysfs reset_method's first method, or -1 when not given
 * @physfn:     sysfs: its physfn link names a PF (@pf_seg ...)
 * @pf_seg, @pf_bus, @pf_devfn: that PF
 * @pf:         index of its PF in the machine, or -1
 * @parent:     index of the bridge above, or -1
 * @depth:      bridges above it (a VF: its PF's)
 * @pcie_type:  Device/Port Type, after the kernel's correction
 * @unknown:    PP_UNK_*
 * @state:      scratch for the depth walk
 */
struct pp_fn {
	u32 seg;
	u8 bus;
	u8 devfn;
	unsigned int line;
	unsigned int len;
	u8 *cfg;
	bool hint_ids;
	bool hint_class;
	u16 vendor;
	u16 device;
	u32 class_rev;
	bool boot_vga;
	int reset_first;
	bool physfn;
	u32 pf_seg;
	u8 pf_bus;
	u8 pf_devfn;
	int pf;
	int parent;
	int depth;
	u8 pcie_type;
	u8 unknown;
	u8 state;
};

/**
 * struct pp_machine - one machine: one input file or sysfs tree
 * @name:     the file or directory, as given
 * @sysfs:    read from a sysfs tree
 * @fn:       its functions, in input order until sorted
 * @nr:       number of functions
 * @cap:      allocated
 * @ext_seen: some function has 4096 bytes: a 256-byte PCIe one truly has
 *            no extended capabilities
 * @assume:   the assumption lines printed for it
 * @nr_assume: how many
 * @by_addr:  indexes of @fn sorted by address
 * @order:    the index in @fn of each function of @snap
 * @snap:     the planned snapshot
 */
struct pp_machine {
	const char *name;
	bool sysfs;
	struct pp_fn *fn;
	unsigned int nr;
	unsigned int cap;
	bool ext_seen;
	char **assume;
	unsigned int nr_assume;
	unsigned int *by_addr;
	unsigned int *order;
	struct pcq_snapshot *snap;
};

enum pp_output {
	PP_OUT_DEVICES,
	PP_OUT_PLAN,
	PP_OUT_JSON,
	PP_OUT_SUMMARY,
};

/**
 * struct pp_opts - the command line
 * @settings:     the driver's parameters the plan is made with
 * @skip:         --skip, parsed by the driver's own pcq_parse_skip()
 * @vga:          --vga addresses: the boot display
 * @no_bus_reset: --no-bus-reset IDs: the kernel's NO_BUS_RESET quirk
 * @reset_quirk:  --reset-quirk IDs: the kernel's first reset method is its own
 * @skip_text, @vga_text, @nbr_text, @rq_text: as given
 * @ecam:         the kernel reaches every function through ECAM (default)
 * @conf1:        the kernel uses type 1 on domain 0 (x86): where no ECAM
 *                reaches or verifies a function
 * @output:       enum pp_output
 * @output_set:   --devices/--plan/--json/--summary was given
 * @quiet:        no assumption lines
 */
struct pp_opts {
	struct pcq_settings settings;
	struct pcq_skip_list skip;
	struct pcq_skip_list vga;
	struct pcq_skip_list no_bus_reset;
	struct pcq_skip_list reset_quirk;
	char *skip_text;
	char *vga_text;
	char *nbr_text;
	char *rq_text;
	bool ecam;
	bool conf1;
	enum pp_output output;
	bool output_set;
	bool quiet;
};

/* main.c */
__attribute__((format(printf, 3, 4)))
int pp_error(const struct pp_machine *m, unsigned int line, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void pp_assume(struct pp_machine *m, const struct pp_opts *o, const char *fmt, ...);
void *pp_alloc(size_t n, size_t size);
void pp_bdf(char *buf, size_t len, u32 seg, u8 bus, u8 devfn);

/* input.c */
int pp_read_lspci(struct pp_machine *m, const char *path);
int pp_read_sysfs(struct pp_machine *m, const char *dir);
struct pp_fn *pp_add_fn(struct pp_machine *m);

/* machine.c */
void pp_ecam_init(void);
int pp_plan_machine(struct pp_machine *m, const struct pp_opts *o);
int pp_fn_of(const struct pp_machine *m, u32 seg, u8 bus, u8 devfn);

/* output.c */
struct pp_counts;
void pp_print_devices(FILE *out, const struct pp_machine *m);
void pp_print_plan(FILE *out, const struct pp_machine *m);
char *pp_device_line(const struct pp_machine *m, u32 i);
void pp_print_json(FILE *out, struct pp_machine **ms, unsigned int nr, bool fleet);
void pp_print_summary(FILE *out, struct pp_machine **ms, unsigned int nr);

#endif /* _PCQ_PLAN_H */
