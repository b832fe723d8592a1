// SPDX-License-Identifier: GPL-2.0
/* The skip parameter's parser and printer: pcq_parse_skip/format_skip (parse.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crash_quiesce.h"
#include "tap.h"

/* A list nobody would parse, to see that a failed parse leaves it alone. */
static void poison(struct pcq_skip_list *l)
{
	memset(l, 0xa5, sizeof(*l));
}

static bool is_poisoned(const struct pcq_skip_list *l)
{
	const unsigned char *p = (const unsigned char *)l;
	size_t i;

	for (i = 0; i < sizeof(*l); i++)
		if (p[i] != 0xa5)
			return false;
	return true;
}

static bool addr_is(const struct pcq_skip_entry *e, u32 seg, u8 bus, u8 dev, u8 fn)
{
	return !e->by_id && e->seg == seg && e->bus == bus &&
	       e->devfn == (dev << 3 | fn);
}

static bool id_is(const struct pcq_skip_entry *e, u16 vendor, u16 device)
{
	return e->by_id && e->vendor == vendor && e->device == device;
}

static void test_skip_good(void)
{
	struct pcq_skip_list l;
	const char *bad = "x";
	const char *s;
	int i;

	poison(&l);
	is(pcq_parse_skip("01:00.0", &l, &bad), 0, "skip: '01:00.0' parses");
	is(l.nr, 1, "skip: '01:00.0' gives 1 entry");
	ok(addr_is(&l.entry[0], 0, 0x01, 0, 0), "skip: '01:00.0' is seg 0 bus 1 dev 0 fn 0");
	ok(bad == NULL, "skip: bad is NULL on success");

	is(pcq_parse_skip("0000:01:00.0", &l, &bad), 0, "skip: '0000:01:00.0' parses");
	ok(l.nr == 1 && addr_is(&l.entry[0], 0, 1, 0, 0), "skip: '0000:01:00.0' is 0000:01:00.0");

	is(pcq_parse_skip("abcd:fe:1f.7", &l, &bad), 0, "skip: 'abcd:fe:1f.7' parses");
	ok(l.nr == 1 && addr_is(&l.entry[0], 0xabcd, 0xfe, 0x1f, 7),
	   "skip: highest dev 1f and fn 7 with a segment");

	is(pcq_parse_skip("10000:01:00.0", &l, &bad), 0, "skip: VMD domain '10000:01:00.0' parses");
	ok(l.nr == 1 && addr_is(&l.entry[0], 0x10000, 1, 0, 0),
	   "skip: '10000:01:00.0' is domain 0x10000, not 0x0000");
	{
		char buf[64];

		pcq_format_skip(&l, buf, sizeof(buf));
		ok(!strcmp(buf, "10000:01:00.0"), "skip: a 5-digit domain prints back whole ('%s')", buf);
	}
	is(pcq_parse_skip("ffffffff:00:00.0", &l, &bad), 0, "skip: 8-digit domain parses");

	is(pcq_parse_skip("8086:10d3", &l, &bad), 0, "skip: '8086:10d3' parses");
	ok(l.nr == 1 && id_is(&l.entry[0], 0x8086, 0x10d3), "skip: '8086:10d3' is vendor:device");

	s = "01:00.0,8086:10D3,0001:ff:03.1,1b36:1\n";
	is(pcq_parse_skip(s, &l, &bad), 0, "skip: mixed list with trailing newline parses");
	is(l.nr, 4, "skip: mixed list has 4 entries");
	ok(addr_is(&l.entry[0], 0, 1, 0, 0), "skip: mixed[0] = 0000:01:00.0");
	ok(id_is(&l.entry[1], 0x8086, 0x10d3), "skip: mixed[1] = 8086:10d3 (upper-case hex)");
	ok(addr_is(&l.entry[2], 1, 0xff, 3, 1), "skip: mixed[2] = 0001:ff:03.1");
	ok(id_is(&l.entry[3], 0x1b36, 0x0001), "skip: mixed[3] = 1b36:0001 (short hex)");

	is(pcq_parse_skip("0A:1F.7", &l, &bad), 0, "skip: upper-case address parses");
	ok(l.nr == 1 && addr_is(&l.entry[0], 0, 0x0a, 0x1f, 7), "skip: '0A:1F.7' = 0000:0a:1f.7");

	poison(&l);
	is(pcq_parse_skip("", &l, &bad), 0, "skip: empty string parses");
	is(l.nr, 0, "skip: empty string gives no entries");
	poison(&l);
	is(pcq_parse_skip("\n", &l, &bad), 0, "skip: lone newline parses");
	is(l.nr, 0, "skip: lone newline gives no entries");

	/* exactly PCQ_MAX_SKIP entries */
	{
		char many[PCQ_MAX_SKIP * 8 + 1] = "";

		for (i = 0; i < PCQ_MAX_SKIP; i++)
			sprintf(many + strlen(many), "%s%02x:00.0", i ? "," : "", i);
		is(pcq_parse_skip(many, &l, &bad), 0, "skip: PCQ_MAX_SKIP entries accepted");
		is(l.nr, PCQ_MAX_SKIP, "skip: PCQ_MAX_SKIP entries kept");
		ok(addr_is(&l.entry[PCQ_MAX_SKIP - 1], 0, PCQ_MAX_SKIP - 1, 0, 0),
		   "skip: last of PCQ_MAX_SKIP entries right");
	}
}

static void bad_skip(const char *s, int bad_at, const char *what)
{
	struct pcq_skip_list l;
	const char *bad = NULL;
	int r;

	poison(&l);
	r = pcq_parse_skip(s, &l, &bad);
	is(r, -EINVAL, "skip: %s -> -EINVAL", what);
	ok(is_poisoned(&l), "skip: %s leaves the output untouched", what);
	if (!ok(bad == s + bad_at, "skip: %s: bad points at offset %d", what, bad_at))
		tap_diag("  bad = %s", bad ? bad : "(null)");
}

static void test_skip_bad(void)
{
	char many[(PCQ_MAX_SKIP + 1) * 8 + 1] = "";
	int i;

	bad_skip("garbage", 0, "'garbage'");
	bad_skip("1:2:3:4.0", 0, "'1:2:3:4.0'");
	bad_skip("00:20.0", 0, "dev 0x20");
	bad_skip("00:00.8", 0, "fn 8");
	bad_skip("100:00.0", 0, "bus 0x100");
	bad_skip("0000:100:00.0", 0, "bus 0x100 with segment");
	bad_skip("100000000:00:00.0", 0, "9-digit domain");
	bad_skip("18086:10d3", 0, "5-digit vendor");
	bad_skip("8086:110d3", 0, "5-digit device");
	bad_skip("01:00.0,,02:00.0", 8, "empty entry 'a,,b'");
	bad_skip("01:00.0,", 7, "trailing comma");
	bad_skip(",01:00.0", 0, "leading comma");
	bad_skip("01:00.0, 02:00.0", 8, "embedded space");
	bad_skip(" 01:00.0", 0, "leading space");
	bad_skip("01:00.0 ", 0, "trailing space");
	bad_skip("8086:10d3,zz", 10, "second entry garbage");
	bad_skip("0x01:00.0", 0, "0x prefix");
	bad_skip("01:00.", 0, "missing fn");
	bad_skip("01:00:0", 0, "colon instead of dot");
	bad_skip("8086", 0, "bare vendor");
	bad_skip("8086:", 0, "vendor with no device");
	bad_skip(":10d3", 0, "device with no vendor");
	bad_skip("01:00.0\n\n", 0, "two trailing newlines");
	bad_skip("-1:00.0", 0, "negative bus");

	for (i = 0; i < PCQ_MAX_SKIP + 1; i++)
		sprintf(many + strlen(many), "%s%02x:00.0", i ? "," : "", i);
	bad_skip(many, PCQ_MAX_SKIP * 8, "PCQ_MAX_SKIP + 1 entries");
}

static void test_format(void)
{
	struct pcq_skip_list l, back;
	const char *bad;
	char buf[512], small[12];
	int n;

	pcq_parse_skip("1:0.0,8086:10D3,ABCD:fe:1f.7,1b36:1\n", &l, &bad);
	n = pcq_format_skip(&l, buf, sizeof(buf));
	ok(!strcmp(buf, "0000:01:00.0,8086:10d3,abcd:fe:1f.7,1b36:0001"),
	   "format: canonical form (got '%s')", buf);
	is(n, (int)strlen(buf), "format: returns the characters written");
	is(pcq_parse_skip(buf, &back, &bad), 0, "format: output parses back");
	ok(back.nr == l.nr && !memcmp(back.entry, l.entry, l.nr * sizeof(l.entry[0])),
	   "format: round trip gives the same list");

	l.nr = 0;
	strcpy(buf, "junk");
	is(pcq_format_skip(&l, buf, sizeof(buf)), 0, "format: empty list returns 0");
	ok(buf[0] == '\0', "format: empty list gives an empty string");

	pcq_parse_skip("0000:01:00.0,0000:02:00.0", &l, &bad);
	memset(small, 'X', sizeof(small));
	n = pcq_format_skip(&l, small, sizeof(small));
	is(n, (int)sizeof(small) - 1, "format: truncated output returns chars written");
	ok(small[sizeof(small) - 1] == '\0' && strlen(small) == (size_t)n,
	   "format: truncated output NUL-terminated in the buffer");
	ok(!strncmp(small, "0000:01:00.", n), "format: truncated output is a prefix");

	small[0] = 'Z';
	is(pcq_format_skip(&l, small, 0), 0, "format: zero-length buffer returns 0");
	ok(small[0] == 'Z', "format: zero-length buffer not written");
}

int main(void)
{
	test_skip_good();
	test_skip_bad();
	test_format();
	return tap_done();
}
