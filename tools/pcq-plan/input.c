// SPDX-License-Identifier: GPL-2.0
/*
 * pcq-plan's inputs: what lspci -xxx / -xxxx prints (the format lspci -F
 * reads), or a /sys/bus/pci/devices tree.
 *
 * lspci text: a function starts with its address at the start of a line,
 * "[DDDD:]BB:DD.F ", followed by anything (names, -nn IDs); then, for -v,
 * lines of text; then its config space, rows of "OFF: " and 16 bytes, from
 * 00 up to f0 (-xxx) or ff0 (-xxxx); a blank line ends it.  Text between
 * the dumps is skipped, as lspci -F skips it; but a dump with a row
 * missing, a row that is not 16 bytes of hex, or rows that stop short is
 * refused, where lspci -F would quietly read the missing bytes as zero.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/hex.h>

#include "pcq-plan.h"

/* Exactly @n hex digits at @s: their value, or -1. */
static long hexn(const char *s, unsigned int n)
{
	long v = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		int d = hex_to_bin(s[i]);

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

static unsigned int hexrun(const char *s)
{
	unsigned int n = 0;

	while (hex_to_bin(s[n]) >= 0)
		n++;
	return n;
}

/**
 * parse_addr() - a function address "[DDDD:]BB:DD.F"
 * @s:     the text
 * @seg:   its domain (0 when not given)
 * @bus:   bus
 * @devfn: device and function
 * @end:   set to the first character after it
 *
 * Return: 1 for an address, 0 for something else, -1 for an address with
 * a device number above 1f.
 */
static int parse_addr(const char *s, u32 *seg, u8 *bus, u8 *devfn, const char **end)
{
	unsigned int n = hexrun(s);
	long d;

	*seg = 0;
	if (n >= 4 && n <= 8 && s[n] == ':') {
		*seg = (u32)strtoul(s, NULL, 16);
		s += n + 1;
		n = hexrun(s);
	}
	if (n != 2 || s[2] != ':' || hexrun(s + 3) != 2 || s[5] != '.' ||
	    s[6] < '0' || s[6] > '7' || hex_to_bin(s[7]) >= 0)
		return 0;
	*bus = hexn(s, 2);
	d = hexn(s + 3, 2);
	if (d > 0x1f)
		return -1;
	*devfn = PCI_DEVFN(d, s[6] - '0');
	*end = s + 7;
	return 1;
}

static bool blank(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return !*s;
}

struct pp_fn *pp_add_fn(struct pp_machine *m)
{
	struct pp_fn *f;

	if (m->nr == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->fn = realloc(m->fn, m->cap * sizeof(*m->fn));
		if (!m->fn) {
			perror("pcq-plan");
			exit(PP_UNREADABLE);
		}
	}
	f = &m->fn[m->nr++];
	memset(f, 0, sizeof(*f));
	f->cfg = pp_alloc(PP_CFG_MAX, 1);
	f->reset_first = -1;
	f->pf = -1;
	f->parent = -1;
	f->depth = -1;
	return f;
}

/*
 * What lspci -nn adds to a header line: "Class [cccc]: ... [vvvv:dddd]
 * (rev rr) (prog-if pp ...)": the kernel's own IDs and class (lspci reads
 * them from sysfs), kept for a function whose config space reads all ones.
 */
static void parse_hints(struct pp_fn *f, const char *s)
{
	const char *p, *ids = NULL;
	long cls = -1, rev = 0, pi = 0;

	for (p = s; (p = strchr(p, '[')); p++) {
		if (cls < 0 && hexrun(p + 1) == 4 && !strncmp(p + 5, "]:", 2))
			cls = hexn(p + 1, 4);
		if (hexrun(p + 1) == 4 && p[5] == ':' && hexrun(p + 6) == 4 && p[10] == ']')
			ids = p + 1;
	}
	if (ids) {
		f->hint_ids = true;
		f->vendor = hexn(ids, 4);
		f->device = hexn(ids + 5, 4);
	}
	p = strstr(s, "(rev ");
	if (p && hexrun(p + 5) == 2)
		rev = hexn(p + 5, 2);
	p = strstr(s, "(prog-if ");
	if (p && hexrun(p + 9) == 2)
		pi = hexn(p + 9, 2);
	/* lspci takes these two from config space: all ones is not the kernel's */
	if (rev == 0xff)
		rev = 0;
	if (pi == 0xff)
		pi = 0;
	if (cls >= 0) {
		f->hint_class = true;
		f->class_rev = (u32)cls << 16 | (u32)pi << 8 | (u32)rev;
	}
}

/*
 * A hex row "OO: bb bb ... bb" (16 bytes).  Return its offset, -1 if the
 * line is not a row at all, -2 if it starts as one and is not one.
 */
static long parse_row(const char *s, u8 *bytes)
{
	unsigned int n = hexrun(s), i;
	long off;

	if ((n != 2 && n != 3) || s[n] != ':' || s[n + 1] != ' ')
		return -1;
	off = hexn(s, n);
	s += n + 1;
	for (i = 0; i < 16; i++) {
		if (s[0] != ' ' || hexrun(s + 1) != 2)
			return -2;
		bytes[i] = hexn(s + 1, 2);
		s += 3;
	}
	while (*s == ' ' || *s == '\r' || *s == '\n')
		s++;
	if (*s || off % 16 || off >= PP_CFG_MAX)
		return -2;
	return off;
}

/* The function in progress ends at @line: is its dump whole? */
static int end_fn(struct pp_machine *m, struct pp_fn *f, unsigned int line)
{
	char bdf[32];

	if (!f)
		return 0;
	pp_bdf(bdf, sizeof(bdf), f->seg, f->bus, f->devfn);
	if (f->len == PP_CFG_MIN || f->len == PP_CFG_MAX)
		return 0;
	if (!f->len)
		return pp_error(m, line, "%s (line %u): no config space dump: lspci -xxx or -xxxx gives one",
				bdf, f->line);
	if (f->len == 64 || f->len == 128)
		return pp_error(m, line, "%s (line %u): only %u bytes of config space (lspci -x, or lspci run without root): the capabilities are beyond them; run lspci -xxx as root",
				bdf, f->line, f->len);
	return pp_error(m, line, "%s (line %u): truncated dump: %u bytes, rows up to %x; a whole dump has 256 (lspci -xxx) or 4096 (lspci -xxxx)",
			bdf, f->line, f->len, f->len - 16);
}

/**
 * pp_read_lspci() - read what lspci -xxx or -xxxx printed
 * @m:    the machine to fill
 * @path: the file, "-" for standard input
 *
 * Return: PP_OK, PP_UNREADABLE or PP_BAD_INPUT (said on stderr).
 */
int pp_read_lspci(struct pp_machine *m, const char *path)
{
	FILE *in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	struct pp_fn *f = NULL;
	bool rows_over = false;
	unsigned int line = 0;
	char *buf = NULL;
	size_t cap = 0;
	int err = 0;

	if (!in) {
		fprintf(stderr, "pcq-plan: %s: %s\n", path, strerror(errno));
		return PP_UNREADABLE;
	}
	while (getline(&buf, &cap, in) >= 0) {
		u8 bytes[16];
		const char *rest;
		u32 seg;
		u8 bus, devfn;
		long off;
		int a;

		line++;
		a = parse_addr(buf, &seg, &bus, &devfn, &rest);
		if (a < 0) {
			err = pp_error(m, line, "bad function address: device number above 1f");
			break;
		}
		if (a > 0 && (*rest == ' ' || *rest == '\n' || *rest == '\r' || !*rest)) {
			err = end_fn(m, f, line);
			if (err)
				break;
			f = pp_add_fn(m);
			f->seg = seg;
			f->bus = bus;
			f->devfn = devfn;
			f->line = line;
			parse_hints(f, rest);
			rows_over = false;
			continue;
		}
		if (blank(buf)) {
			err = end_fn(m, f, line);
			if (err)
				break;
			f = NULL;
			continue;
		}
		off = parse_row(buf, bytes);
		if (off == -1) {
			/* -v text; it may follow a whole dump, never cut one */
			if (f && f->len && f->len != PP_CFG_MIN && f->len != PP_CFG_MAX) {
				err = pp_error(m, line, "garbage in the hex dump of %02x:%02x.%x (line %u): text where row %x was due",
					       f->bus, PCI_SLOT(f->devfn), PCI_FUNC(f->devfn),
					       f->line, f->len);
				break;
			}
			if (f && f->len)
				rows_over = true;
			continue;
		}
		if (off == -2) {
			err = pp_error(m, line, "garbage in a hex row: not an offset and 16 hex bytes");
			break;
		}
		if (!f) {
			err = pp_error(m, line, "hex row outside any function: no \"BB:DD.F\" line before it");
			break;
		}
		if (rows_over) {
			err = pp_error(m, line, "hex rows of %02x:%02x.%x start again after text",
				       f->bus, PCI_SLOT(f->devfn), PCI_FUNC(f->devfn));
			break;
		}
		if ((unsigned long)off != f->len) {
			err = pp_error(m, line, "truncated dump: row %lx where row %x was due (function at line %u)",
				       off, f->len, f->line);
			break;
		}
		memcpy(f->cfg + off, bytes, 16);
		f->len += 16;
	}
	if (!err && ferror(in)) {
		fprintf(stderr, "pcq-plan: %s: %s\n", path, strerror(errno));
		err = PP_UNREADABLE;
	}
	if (!err)
		err = end_fn(m, f, line);
	if (!err && !m->nr)
		err = pp_error(m, line, "no PCI function in it: not lspci -xxx output");
	free(buf);
	if (in != stdin)
		fclose(in);
	return err;
}

/* sysfs: a small file's text, or NULL */
static char *read_text(const char *dir, const char *name)
{
	char path[PATH_MAX], *buf = NULL;
	size_t cap = 0;
	FILE *in;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	in = fopen(path, "r");
	if (!in)
		return NULL;
	if (getline(&buf, &cap, in) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(in);
	if (buf)
		buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static bool read_hex(const char *dir, const char *name, unsigned long *val)
{
	char *s = read_text(dir, name), *end;
	bool ok;

	if (!s)
		return false;
	errno = 0;
	*val = strtoul(s, &end, 16);
	ok = !errno && end != s && !*end;
	free(s);
	return ok;
}

/* The first of pci_reset_fn_methods[]'s names a reset_method file lists */
static int reset_method_of(const char *s)
{
	static const char * const names[] = {
		[PCQ_RESET_METHOD_DEVICE_SPECIFIC]	= "device_specific",
		[PCQ_RESET_METHOD_ACPI]			= "acpi",
		[PCQ_RESET_METHOD_FLR]			= "flr",
		[PCQ_RESET_METHOD_AF_FLR]		= "af_flr",
		[PCQ_RESET_METHOD_PM]			= "pm",
		[PCQ_RESET_METHOD_BUS]			= "bus",
	};
	size_t n = strcspn(s, " ");
	unsigned int i;

	if (!n)
		return PCQ_RESET_METHOD_END;
	for (i = 1; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == n && !strncmp(s, names[i], n))
			return i;
	return PCQ_RESET_METHOD_BUS;	/* cxl_bus, or newer: not a function reset */
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

static int read_sysfs_fn(struct pp_machine *m, const char *dir, const char *name)
{
	char path[PATH_MAX], link[PATH_MAX + 16], target[PATH_MAX];
	unsigned long v, d;
	const char *rest;
	struct pp_fn *f;
	ssize_t n, got;
	char *s;
	int fd, a;

	f = pp_add_fn(m);
	parse_addr(name, &f->seg, &f->bus, &f->devfn, &rest);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(link, sizeof(link), "%s/config", path);
	fd = open(link, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "pcq-plan: %s: %s\n", link, strerror(errno));
		return PP_UNREADABLE;
	}
	for (got = 0; got < PP_CFG_MAX; got += n) {
		n = read(fd, f->cfg + got, PP_CFG_MAX - got);
		if (n < 0) {
			fprintf(stderr, "pcq-plan: %s: %s\n", link, strerror(errno));
			close(fd);
			return PP_UNREADABLE;
		}
		if (!n)
			break;
	}
	close(fd);
	if (got < PP_CFG_MIN) {
		fprintf(stderr, "pcq-plan: %s: only %zd bytes readable (the first 64 are all a user other than root may read): run as root\n",
			link, got);
		return PP_UNREADABLE;
	}
	if (got != PP_CFG_MIN && got != PP_CFG_MAX)
		return pp_error(m, 0, "%s: %zd bytes: neither 256 nor 4096", link, got);
	f->len = got;
	if (read_hex(path, "vendor", &v) && read_hex(path, "device", &d)) {
		f->hint_ids = true;
		f->vendor = v;
		f->device = d;
	}
	if (read_hex(path, "class", &v)) {
		f->hint_class = true;
		f->class_rev = (u32)v << 8 | f->cfg[PCI_REVISION_ID];
		if (read_hex(path, "revision", &d))
			f->class_rev = (u32)v << 8 | (u8)d;
	}
	if (read_hex(path, "boot_vga", &v))
		f->boot_vga = v;
	s = read_text(path, "reset_method");
	if (s) {
		f->reset_first = reset_method_of(s);
		free(s);
	}
	snprintf(link, sizeof(link), "%s/physfn", path);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		/* a copy may hold the link's target as text */
		s = read_text(path, "physfn");
		n = s ? (ssize_t)strlen(s) : -1;
		if (s) {
			snprintf(target, sizeof(target), "%s", s);
			n = strlen(target);
			free(s);
		}
	}
	if (n > 0) {
		const char *base;

		target[n] = '\0';
		base = strrchr(target, '/');
		base = base ? base + 1 : target;
		a = parse_addr(base, &f->pf_seg, &f->pf_bus, &f->pf_devfn, &rest);
		if (a <= 0 || *rest)
			return pp_error(m, 0, "%s/physfn: \"%s\" is no function address", path, target);
		f->physfn = true;
	}
	return PP_OK;
}

/**
 * pp_read_sysfs() - read a /sys/bus/pci/devices tree, or a copy of one
 * @m:   the machine to fill
 * @dir: the directory
 *
 * Per function: config (all of it: run as root), vendor, device, class,
 * revision (the kernel's own, also for a VF or a function powered down
 * since), boot_vga (vga_default_device()), reset_method (the kernel's
 * pdev->reset_methods[], quirks and the admin's setting included), and
 * the physfn link of a VF.
 *
 * Return: PP_OK, PP_UNREADABLE or PP_BAD_INPUT (said on stderr).
 */
int pp_read_sysfs(struct pp_machine *m, const char *dir)
{
	char **names = NULL;
	unsigned int nr = 0, i;
	struct dirent *e;
	int err = 0;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "pcq-plan: %s: %s\n", dir, strerror(errno));
		return PP_UNREADABLE;
	}
	while ((e = readdir(d))) {
		const char *rest;
		u32 seg;
		u8 bus, devfn;

		if (parse_addr(e->d_name, &seg, &bus, &devfn, &rest) <= 0 || *rest ||
		    !strchr(e->d_name, '.') || strchr(e->d_name, ':') == strrchr(e->d_name, ':'))
			continue;
		names = realloc(names, (nr + 1) * sizeof(*names));
		if (!names || !(names[nr] = strdup(e->d_name))) {
			perror("pcq-plan");
			exit(PP_UNREADABLE);
		}
		nr++;
	}
	closedir(d);
	if (nr)
		qsort(names, nr, sizeof(*names), cmp_name);
	for (i = 0; i < nr; i++) {
		if (!err)
			err = read_sysfs_fn(m, dir, names[i]);
		free(names[i]);
	}
	free(names);
	if (!err && !m->nr)
		err = pp_error(m, 0, "no PCI function in it (entries named DDDD:BB:DD.F)");
	return err;
}
