// SPDX-License-Identifier: GPL-2.0
/*
 * pcq-plan: what pci_crash_quiesce would do on a machine, or a fleet,
 * planned from config space dumps before it is deployed.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pcq-plan.h"

static const char usage[] =
"NAME\n"
"    pcq-plan - plan pci_crash_quiesce offline, from lspci dumps or a sysfs tree\n"
"\n"
"SYNOPSIS\n"
"    pcq-plan [OPTION]... FILE...\n"
"    pcq-plan --sysfs [OPTION]... [DIR]...\n"
"\n"
"DESCRIPTION\n"
"    Shows what the crash quiesce driver (pci_crash_quiesce) would plan on a\n"
"    machine, before it is deployed there: the driver's own snapshot facts\n"
"    (facts.c), planning rules (plan.c), snapshot layout (seal.c), listings\n"
"    (show.c), skip-list parser (parse.c) and accessor choice (cfg.c),\n"
"    compiled for userspace, run on the machine's config space instead of a\n"
"    live kernel.  A change of rule in the driver is a change in pcq-plan.\n"
"\n"
"    FILE is what 'lspci -xxx' or 'lspci -xxxx' prints (run as root), the\n"
"    format 'lspci -F' reads: with or without -D domains, with or without\n"
"    -v/-vv/-vvv text between the dumps, with -nn names or without.  '-'\n"
"    reads standard input.  Take 'lspci -nnDvvxxxx' where you can: 4096\n"
"    bytes show the extended capabilities (SR-IOV, CXL), -nn the kernel's\n"
"    IDs and class of a function that reads all ones.\n"
"\n"
"    --sysfs reads /sys/bus/pci/devices (the live machine), or each DIR, a\n"
"    copy of one: per function its config (all of it: as root), vendor,\n"
"    device, class, revision (the kernel's own), boot_vga (the kernel's\n"
"    boot display), reset_method (the kernel's reset methods in its order,\n"
"    quirks and the admin's setting included) and the physfn link of a VF.\n"
"\n"
"OUTPUT\n"
"    One machine: the debugfs 'devices' listing, line for line as\n"
"    /sys/kernel/debug/pci_crash_quiesce/devices would show it:\n"
"      SSSS:BB:DD.F VVVV:DDDD class=CCCCCC type=T parent=P access=A action=X reset=R [pf=PF] [bus-master=kept]\n"
"    Several machines: a summary, one line per machine and a total line.\n"
"    Standard output holds only that; assumptions and errors go to\n"
"    standard error.\n"
"\n"
"    --devices   the devices listing (the default for one machine); with\n"
"                several, each listing follows a line '# machine NAME'\n"
"    --plan      the debugfs 'plan' listing instead (the walk's numbered\n"
"                steps); with several, each after '# machine NAME'\n"
"    --json      JSON.  One machine: {\"machine\", \"source\", \"assumptions\",\n"
"                \"functions\": [one object per function: \"function\",\n"
"                \"vendor\", \"device\", then every key=value of its devices\n"
"                line (\"parent\": null for '-'), and \"unknown\": what the\n"
"                input could not say: \"extended-capabilities\", \"identity\",\n"
"                \"class\", \"pf\"], \"summary\": {counts}}.  Several:\n"
"                {\"machines\": [those objects], \"total\": {counts}}\n"
"    --summary   the summary, also for one machine:\n"
"                NAME: functions=N quiesce=N skipped=N bus-resets=N\n"
"                reached-by-bus=N function-resets=N flr=N af-flr=N pm=N\n"
"                pf=N reset-none=N none:WHY=N... ext-unknown=N\n"
"                bus-resets counts the bridges that reset their bus\n"
"                (action=quiesce+reset), reached-by-bus the functions such\n"
"                a reset reaches, function-resets the functions given a\n"
"                reset of their own (flr, af-flr, pm), pf the VFs their\n"
"                PF's FLR resets, reset-none the functions no reset\n"
"                reaches, by reason as the devices lines say it\n"
"                (reset=none:WHY: skipped, bridge, protected, isa-bridge,\n"
"                no-reset-method, quirk, admin, kept-vf, cxl-memory,\n"
"                mode, host-bridge), ext-unknown the PCIe functions whose\n"
"                extended capabilities were not in the dump\n"
"\n"
"OPTIONS\n"
"    What a dump cannot say about the kernel, given.  Each option is\n"
"    printed as an assumption when it decides something.\n"
"\n"
"    --reset auto|bus|none\n"
"                the driver's reset parameter (default auto)\n"
"    --skip LIST the driver's skip parameter, in its syntax (parsed by its\n"
"                own parser): comma list of [SSSS:]BB:DD.F and VVVV:DDDD,\n"
"                hex, at most 32\n"
"    --no-ecam   the kernel has no ECAM (x86 without MMCONFIG, pci=nommconf):\n"
"                type 1 (0xCF8) on domain 0, no access elsewhere\n"
"    --conf1     the kernel uses type 1 on domain 0 too (x86, with ECAM): a\n"
"                function ECAM does not reach or verify gets type 1\n"
"    --no-bus-reset VVVV:DDDD[,...]\n"
"                the kernel's NO_BUS_RESET quirk for these IDs\n"
"    --reset-quirk VVVV:DDDD[,...]\n"
"                the kernel resets these its own way first (a device-\n"
"                specific or ACPI method): reset=none:quirk\n"
"    --vga [SSSS:]BB:DD.F[,...]\n"
"                the boot display, when it is not of class 03\n"
"    --sysfs     read sysfs trees instead of lspci files (see above)\n"
"    -q, --quiet no assumption lines\n"
"    -h, --help  this text\n"
"    The options that take lists may be given more than once.\n"
"\n"
"ASSUMPTIONS\n"
"    By default: ECAM reaches every function; the kernel has no quirk for\n"
"    any device (NO_BUS_RESET, NO_FLR_RESET, NO_PM_RESET, device-specific\n"
"    or ACPI reset); its first reset method is the first its probes find\n"
"    (FLR, then AF FLR, then PM: pcq_fact_default_method()); the boot\n"
"    display, a serial console, an IOMMU's function and CXL memory are\n"
"    known by their class (03, 0700/0702, 0806, 0502) and CXL DVSEC, as the\n"
"    driver knows them.  Each is printed when it decides something:\n"
"      pcq-plan: FILE: assume: ...\n"
"\n"
"    The PCI core's own reading of config space is followed where it\n"
"    decides a fact: the capability walks, a PM capability of an unknown\n"
"    version ignored, a port whose type cannot be right corrected (as\n"
"    set_pcie_port_type()), a class its header type contradicts ignored,\n"
"    where SR-IOV places a PF's VFs and the IDs the kernel gives them.\n"
"\n"
"    A 256-byte dump (lspci -xxx) has no extended capabilities: for its\n"
"    PCIe functions SR-IOV (which functions are VFs of which PF) and the\n"
"    CXL DVSECs (CXL memory, a port whose bus reset is masked) are unknown;\n"
"    they are said to be, and planned as absent, never guessed.\n"
"\n"
"    A function whose config space reads all ones (powered down when it\n"
"    was dumped) is listed as the kernel lists it: the kernel enumerated it\n"
"    at boot and keeps it, with the IDs and class it read then.  Those come\n"
"    from lspci -nn's header line when it has them (lspci takes them from\n"
"    the kernel), else it is listed as ffff:ffff class ffffff type other.\n"
"    Its vendor ID ffff cannot be verified: the driver does not trust an\n"
"    ECAM page that shows it all ones (it gets type 1 with --conf1 or\n"
"    --no-ecam on domain 0, else no access: skip:no-access), and the panic\n"
"    walk would skip it as mismatched.  Without its class it might be the\n"
"    boot display: its bus is not reset (as with NO_BUS_RESET).\n"
"\n"
"    A function reading ffff:ffff IDs with a valid class is a VF whose PF's\n"
"    SR-IOV capability is not in the dump: it is planned as a function of\n"
"    its own, its PF unknown.\n"
"\n"
"BAD INPUT\n"
"    Refused with 'FILE:LINE: reason' on standard error: a function with\n"
"    rows of its dump missing or cut short (truncated), a function given\n"
"    twice, a row that is not an offset and 16 hex bytes (garbage hex),\n"
"    a bridge whose bus range holds its own bus, a bus two bridges claim,\n"
"    a loop of bus numbers, a dump of 64 bytes (lspci -x, or not root), a\n"
"    file with no function.  With several files the others are still\n"
"    planned and summed up.\n"
"\n"
"EXIT STATUS\n"
"    0 planned; 1 a file or directory could not be read; 2 bad input or a\n"
"    bad option.  With several files, the highest.\n"
"\n"
"EXAMPLES\n"
"    sudo lspci -nnDvvxxxx > $(hostname).lspci; pcq-plan $(hostname).lspci\n"
"    pcq-plan --plan --skip 0000:3b:00.0 host1.lspci\n"
"    pcq-plan fleet/*.lspci            # one summary line per machine\n"
"    sudo pcq-plan --sysfs             # this machine, as its kernel sees it\n"
"\n"
"SEE ALSO\n"
"    pcq-plan(1), lspci(8), the README's 'Check a machine or a fleet before\n"
"    you deploy'.\n";

static const char *prog = "pcq-plan";

void pcq_plan_no_access(const char *what)
{
	fprintf(stderr, "%s: internal error: a config space access (%s): the tool never makes one\n",
		prog, what);
	abort();
}

void *pp_alloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		perror(prog);
		exit(PP_UNREADABLE);
	}
	return p;
}

void pp_bdf(char *buf, size_t len, u32 seg, u8 bus, u8 devfn)
{
	snprintf(buf, len, "%04x:%02x:%02x.%x", seg, bus, PCI_SLOT(devfn), PCI_FUNC(devfn));
}

/* "FILE:LINE: reason", or "FILE: reason" without a line */
int pp_error(const struct pp_machine *m, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	if (line)
		fprintf(stderr, "%s:%u: ", m->name, line);
	else
		fprintf(stderr, "%s: ", m->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return PP_BAD_INPUT;
}

void pp_assume(struct pp_machine *m, const struct pp_opts *o, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		perror(prog);
		exit(PP_UNREADABLE);
	}
	va_end(ap);
	if (!o->quiet)
		fprintf(stderr, "%s: %s: assume: %s\n", prog, m->name, s);
	m->assume = realloc(m->assume, (m->nr_assume + 1) * sizeof(*m->assume));
	if (!m->assume) {
		perror(prog);
		exit(PP_UNREADABLE);
	}
	m->assume[m->nr_assume++] = s;
}

static __attribute__((noreturn)) void bad_option(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(%s --help tells more)\n", prog);
	exit(PP_BAD_INPUT);
}

/* Options given more than once add to the list. */
static void append(char **list, const char *arg)
{
	char *s;

	if (!*list) {
		*list = strdup(arg);
		if (!*list)
			exit(PP_UNREADABLE);
		return;
	}
	if (asprintf(&s, "%s,%s", *list, arg) < 0)
		exit(PP_UNREADABLE);
	free(*list);
	*list = s;
}

/*
 * A list in the skip parameter's syntax, parsed by the driver's
 * pcq_parse_skip(); @by_id: entries must be IDs (1), addresses (0), any (-1).
 */
static void parse_list(const char *opt, const char *text, struct pcq_skip_list *l, int by_id)
{
	const char *bad;
	unsigned int i;

	if (!text)
		return;
	if (pcq_parse_skip(text, l, &bad))
		bad_option("%s: bad entry at \"%s\": expected a comma list of %s (hex), at most %d",
			   opt, bad ? bad : text,
			   by_id == 1 ? "VVVV:DDDD" : by_id == 0 ? "[SSSS:]BB:DD.F" :
			   "[SSSS:]BB:DD.F and VVVV:DDDD", PCQ_MAX_SKIP);
	for (i = 0; i < l->nr && by_id >= 0; i++)
		if (l->entry[i].by_id != by_id)
			bad_option("%s: \"%s\": expected %s", opt, text,
				   by_id ? "vendor:device IDs, VVVV:DDDD" :
				   "function addresses, [SSSS:]BB:DD.F");
}

enum {
	OPT_DEVICES = 256,
	OPT_PLAN,
	OPT_JSON,
	OPT_SUMMARY,
	OPT_SYSFS,
	OPT_RESET,
	OPT_SKIP,
	OPT_NO_ECAM,
	OPT_CONF1,
	OPT_NO_BUS_RESET,
	OPT_RESET_QUIRK,
	OPT_VGA,
};

static const struct option longopts[] = {
	{ "help",		no_argument,		NULL, 'h' },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "devices",		no_argument,		NULL, OPT_DEVICES },
	{ "plan",		no_argument,		NULL, OPT_PLAN },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "summary",		no_argument,		NULL, OPT_SUMMARY },
	{ "sysfs",		no_argument,		NULL, OPT_SYSFS },
	{ "reset",		required_argument,	NULL, OPT_RESET },
	{ "skip",		required_argument,	NULL, OPT_SKIP },
	{ "no-ecam",		no_argument,		NULL, OPT_NO_ECAM },
	{ "conf1",		no_argument,		NULL, OPT_CONF1 },
	{ "no-bus-reset",	required_argument,	NULL, OPT_NO_BUS_RESET },
	{ "reset-quirk",	required_argument,	NULL, OPT_RESET_QUIRK },
	{ "vga",		required_argument,	NULL, OPT_VGA },
	{ NULL, 0, NULL, 0 }
};

static void set_output(struct pp_opts *o, enum pp_output out)
{
	o->output = out;
	o->output_set = true;
}

int main(int argc, char **argv)
{
	struct pp_opts o = { .settings = PCQ_SETTINGS_DEFAULT, .ecam = true };
	static const char * const sysfs_default[] = { "/sys/bus/pci/devices" };
	struct pp_machine **ms, **good;
	const char * const *inputs;
	unsigned int nr, nr_good = 0, i;
	bool sysfs = false;
	int status = PP_OK, c;

	while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return PP_OK;
		case 'q':
			o.quiet = true;
			break;
		case OPT_DEVICES:
			set_output(&o, PP_OUT_DEVICES);
			break;
		case OPT_PLAN:
			set_output(&o, PP_OUT_PLAN);
			break;
		case OPT_JSON:
			set_output(&o, PP_OUT_JSON);
			break;
		case OPT_SUMMARY:
			set_output(&o, PP_OUT_SUMMARY);
			break;
		case OPT_SYSFS:
			sysfs = true;
			break;
		case OPT_RESET:
			if (!strcmp(optarg, "auto"))
				o.settings.reset = PCQ_RESET_AUTO;
			else if (!strcmp(optarg, "bus"))
				o.settings.reset = PCQ_RESET_BUS;
			else if (!strcmp(optarg, "none"))
				o.settings.reset = PCQ_RESET_NONE;
			else
				bad_option("--reset: \"%s\": expected auto, bus or none", optarg);
			break;
		case OPT_SKIP:
			append(&o.skip_text, optarg);
			break;
		case OPT_NO_ECAM:
			o.ecam = false;
			o.conf1 = true;
			break;
		case OPT_CONF1:
			o.conf1 = true;
			break;
		case OPT_NO_BUS_RESET:
			append(&o.nbr_text, optarg);
			break;
		case OPT_RESET_QUIRK:
			append(&o.rq_text, optarg);
			break;
		case OPT_VGA:
			append(&o.vga_text, optarg);
			break;
		default:
			fprintf(stderr, "(%s --help tells more)\n", prog);
			return PP_BAD_INPUT;
		}
	}
	parse_list("--skip", o.skip_text, &o.skip, -1);
	parse_list("--vga", o.vga_text, &o.vga, 0);
	parse_list("--no-bus-reset", o.nbr_text, &o.no_bus_reset, 1);
	parse_list("--reset-quirk", o.rq_text, &o.reset_quirk, 1);

	nr = argc - optind;
	inputs = (const char * const *)argv + optind;
	if (!nr && sysfs) {
		nr = 1;
		inputs = sysfs_default;
	}
	if (!nr)
		bad_option("no input: give lspci -xxx/-xxxx output files, or --sysfs");

	pp_ecam_init();
	ms = pp_alloc(nr, sizeof(*ms));
	good = pp_alloc(nr, sizeof(*good));
	for (i = 0; i < nr; i++) {
		struct pp_machine *m = pp_alloc(1, sizeof(*m));
		int err;

		m->name = inputs[i];
		m->sysfs = sysfs;
		ms[i] = m;
		err = sysfs ? pp_read_sysfs(m, inputs[i]) : pp_read_lspci(m, inputs[i]);
		if (!err)
			err = pp_plan_machine(m, &o);
		if (err > status)
			status = err;
		if (!err)
			good[nr_good++] = m;
	}

	if (!o.output_set && nr > 1)
		o.output = PP_OUT_SUMMARY;
	if (o.output == PP_OUT_JSON) {
		if (nr_good)
			pp_print_json(stdout, good, nr_good, nr > 1);
	} else if (o.output == PP_OUT_SUMMARY) {
		if (nr_good)
			pp_print_summary(stdout, good, nr_good);
	} else {
		for (i = 0; i < nr_good; i++) {
			if (nr > 1)
				printf("# machine %s\n", good[i]->name);
			if (o.output == PP_OUT_PLAN)
				pp_print_plan(stdout, good[i]);
			else
				pp_print_devices(stdout, good[i]);
		}
	}
	if (fflush(stdout) || ferror(stdout)) {
		perror(prog);
		status = PP_UNREADABLE;
	}

	for (i = 0; i < nr; i++) {
		struct pp_machine *m = ms[i];
		unsigned int k;

		for (k = 0; k < m->nr; k++)
			free(m->fn[k].cfg);
		for (k = 0; k < m->nr_assume; k++)
			free(m->assume[k]);
		free(m->assume);
		free(m->fn);
		free(m->by_addr);
		free(m->order);
		free(m->snap);
		free(m);
	}
	free(ms);
	free(good);
	free(o.skip_text);
	free(o.vga_text);
	free(o.nbr_text);
	free(o.rq_text);
	return status;
}
