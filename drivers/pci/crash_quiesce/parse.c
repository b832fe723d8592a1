// SPDX-License-Identifier: GPL-2.0
/*
 * The parser of the skip parameter, the one parameter the kernel's own
 * helpers (kstrtobool(), kstrtouint(), sysfs_match_string()) cannot parse.
 * A pure function over strings: it either fills its output completely and
 * returns 0, or returns -EINVAL and leaves the output untouched, so the
 * caller never applies a half-parsed value.  A single trailing newline is
 * accepted, as written by "echo value > /sys/module/.../parameters/skip".
 *
 * Also built by the userspace unit tests and the fuzzer.
 */
#include <linux/errno.h>
#include <linux/hex.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

#include "crash_quiesce.h"

/* Length of @s without one trailing newline. */
static size_t pcq_len(const char *s)
{
	size_t n = strlen(s);

	return n && s[n - 1] == '\n' ? n - 1 : n;
}

/*
 * Parse 1 to @max_digits hex digits from [*p, end) into *val, stopping at
 * the first non-digit.  Return false if there was no digit, too many, or the
 * value exceeds @max.
 */
static bool pcq_hex(const char **p, const char *end, unsigned int max_digits,
		    u32 max, u32 *val)
{
	unsigned int digits = 0;
	u32 v = 0;
	int d;

	while (*p < end && (d = hex_to_bin(**p)) >= 0) {
		if (++digits > max_digits)
			return false;
		v = v << 4 | d;
		(*p)++;
	}
	if (!digits || v > max)
		return false;
	*val = v;
	return true;
}

static bool pcq_expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return false;
	(*p)++;
	return true;
}

/* One entry in [s, end): [seg:]bus:dev.fn or vendor:device. */
static bool pcq_parse_skip_entry(const char *s, const char *end,
				 struct pcq_skip_entry *e)
{
	unsigned int colons = 0;
	bool dot = false;
	const char *p;
	u32 a, b, c, d;

	for (p = s; p < end; p++) {
		colons += *p == ':';
		dot |= *p == '.';
	}
	memset(e, 0, sizeof(*e));
	p = s;

	if (!dot) {
		/* vendor:device */
		if (colons != 1 || !pcq_hex(&p, end, 4, 0xffff, &a) ||
		    !pcq_expect(&p, end, ':') || !pcq_hex(&p, end, 4, 0xffff, &b) ||
		    p != end)
			return false;
		e->by_id = true;
		e->vendor = a;
		e->device = b;
		return true;
	}

	if (colons == 2) {
		/* a full-width domain: Intel VMD's start at 0x10000 */
		if (!pcq_hex(&p, end, 8, 0xffffffff, &a) || !pcq_expect(&p, end, ':'))
			return false;
		e->seg = a;
	} else if (colons != 1) {
		return false;
	}
	if (!pcq_hex(&p, end, 2, 0xff, &b) || !pcq_expect(&p, end, ':') ||
	    !pcq_hex(&p, end, 2, 0x1f, &c) || !pcq_expect(&p, end, '.') ||
	    !pcq_hex(&p, end, 1, 7, &d) || p != end)
		return false;
	e->bus = b;
	e->devfn = c << 3 | d;
	return true;
}

/**
 * pcq_parse_skip() - parse the skip parameter
 * @s:   comma-separated [seg:]bus:dev.fn and vendor:device entries (hex),
 *       or an empty string for none
 * @out: the list, written only on success
 * @bad: on failure, set to the first character of the offending entry
 *
 * Return: 0, or -EINVAL on a malformed entry, an empty entry or more than
 * PCQ_MAX_SKIP entries.
 */
int pcq_parse_skip(const char *s, struct pcq_skip_list *out, const char **bad)
{
	const char *end = s + pcq_len(s);
	struct pcq_skip_list list = { };
	const char *p = s;

	*bad = NULL;
	while (p < end) {
		const char *comma = memchr(p, ',', end - p);
		const char *stop = comma ? comma : end;

		if (list.nr == PCQ_MAX_SKIP ||
		    !pcq_parse_skip_entry(p, stop, &list.entry[list.nr])) {
			*bad = p;
			return -EINVAL;
		}
		list.nr++;
		p = stop;
		if (comma && ++p == end) {
			/* a trailing comma is an empty entry */
			*bad = comma;
			return -EINVAL;
		}
	}
	*out = list;
	return 0;
}

/**
 * pcq_format_skip() - print a skip list in the canonical form
 * @skip: the list
 * @buf:  output buffer
 * @len:  its size
 *
 * Return: the number of characters written, not counting the NUL.
 */
int pcq_format_skip(const struct pcq_skip_list *skip, char *buf, size_t len)
{
	unsigned int i;
	int n = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < skip->nr && (size_t)n < len; i++) {
		const struct pcq_skip_entry *e = &skip->entry[i];
		const char *sep = i ? "," : "";

		if (e->by_id)
			n += scnprintf(buf + n, len - n, "%s%04x:%04x", sep,
				       e->vendor, e->device);
		else
			n += scnprintf(buf + n, len - n, "%s%04x:%02x:%02x.%x", sep,
				       e->seg, e->bus, e->devfn >> 3, e->devfn & 7);
	}
	return n;
}
