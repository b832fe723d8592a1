// SPDX-License-Identifier: GPL-2.0
/* Parameter parsers: pcq_parse_skip/format_skip/bool/reset/ms (parse.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crash_quiesce.h"
#include "tap.h"

/* @s with newlines shown as \n, for test names (two buffers in turn). */
static const char *esc(const char *s)
{
	static char buf[2][64];
	static int k;
	char *o = buf[k ^= 1];
	size_t n = 0;

	for (; *s && n < sizeof(buf[0]) - 3; s++) {
		if (*s == '\n') {
			o[n++] = '\\';
			o[n++] = 'n';
		} else {
			o[n++] = *s;
		}
	}
	o[n] = '\0';
	return o;
}

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

static void test_bool_reset(void)
{
	static const char * const yes[] = { "1", "y", "Y", "yes", "on", "true", "y\n", "true\n" };
	static const char * const no[] = { "0", "n", "N", "no", "off", "false", "0\n", "off\n" };
	static const char * const bad[] = { "", "\n", "2", "yess", "YES", "On", " y",
					     "y ", "truex", "of", "-1", "y\n\n" };
	static const char * const rbad[] = { "", "\n", "Bus", "busy", "bu", "none ",
					     " bus", "NONE", "bus\n\n", "1", "AUTO", "aut",
					     "auto ", "flr" };
	unsigned int i;
	bool v;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		v = false;
		ok(pcq_parse_bool(yes[i], &v) == 0 && v, "bool: '%s' is true", esc(yes[i]));
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		v = true;
		ok(pcq_parse_bool(no[i], &v) == 0 && !v, "bool: '%s' is false", esc(no[i]));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = true;
		ok(pcq_parse_bool(bad[i], &v) == -EINVAL && v,
		   "bool: '%s' -> -EINVAL, output untouched", esc(bad[i]));
	}

	{
		static const struct { const char *s; u8 mode; } modes[] = {
			{ "auto", PCQ_RESET_AUTO }, { "bus", PCQ_RESET_BUS },
			{ "none", PCQ_RESET_NONE }, { "auto\n", PCQ_RESET_AUTO },
			{ "bus\n", PCQ_RESET_BUS }, { "none\n", PCQ_RESET_NONE },
		};
		u8 m;

		for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
			m = 0xee;
			ok(pcq_parse_reset(modes[i].s, &m) == 0 && m == modes[i].mode,
			   "reset: '%s' is mode %u", esc(modes[i].s), modes[i].mode);
		}
		for (i = 0; i < sizeof(rbad) / sizeof(rbad[0]); i++) {
			m = 0xee;
			ok(pcq_parse_reset(rbad[i], &m) == -EINVAL && m == 0xee,
			   "reset: '%s' -> -EINVAL, output untouched", esc(rbad[i]));
		}
	}
}

static void ms_good(const char *s, u32 min, u32 max, u32 want)
{
	u32 v = 12345;

	ok(pcq_parse_ms(s, min, max, &v) == 0 && v == want,
	   "ms: '%s' in [%u, %u] = %u", esc(s), min, max, want);
}

static void ms_bad(const char *s, u32 min, u32 max)
{
	u32 v = 12345;

	ok(pcq_parse_ms(s, min, max, &v) == -EINVAL && v == 12345,
	   "ms: '%s' in [%u, %u] -> -EINVAL, output untouched", esc(s), min, max);
}

static void test_ms(void)
{
	ms_good("2", 1, 1000, 2);
	ms_good("1", 1, 1000, 1);
	ms_good("1000", 1, 1000, 1000);
	ms_good("100\n", 1, 10000, 100);
	ms_good("007", 1, 1000, 7);
	ms_good("4294967295", 0, 0xffffffff, 0xffffffff);
	ms_bad("0", 1, 1000);
	ms_bad("1001", 1, 1000);
	ms_bad("", 1, 1000);
	ms_bad("\n", 1, 1000);
	ms_bad("abc", 1, 1000);
	ms_bad("12a", 1, 1000);
	ms_bad("1.5", 1, 1000);
	ms_bad("+5", 1, 1000);
	ms_bad("-5", 1, 1000);
	ms_bad(" 5", 1, 1000);
	ms_bad("5 ", 1, 1000);
	ms_bad("5\n\n", 1, 1000);
	ms_bad("0x10", 1, 1000);
	ms_bad("99999999999", 1, 0xffffffff);
	ms_bad("4294967296", 0, 0xffffffff);
	ms_bad("18446744073709551617", 0, 0xffffffff);
}

int main(void)
{
	test_skip_good();
	test_skip_bad();
	test_format();
	test_bool_reset();
	test_ms();
	return tap_done();
}
