// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the parameter parsers (SPEC §11): the real parse.c,
 * built with clang -fsanitize=fuzzer,address,undefined. Invariants checked
 * on every input, beyond "no sanitizer report":
 * - a refused value leaves the output exactly as it was;
 * - on a refused skip list, the reported offending entry lies in the input;
 * - an accepted skip list prints canonically and parses back to the same
 *   list;
 * - an accepted number lies within the bounds asked for.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crash_quiesce.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcq_skip_list list, again, sentinel;
	char *s = malloc(size + 1);
	char buf[PCQ_MAX_SKIP * 20 + 1];	/* "ffffffff:ff:1f.7," each */
	const char *bad;

	CHECK(s);
	memcpy(s, data, size);
	s[size] = '\0';

	memset(&sentinel, 0xa5, sizeof(sentinel));
	list = sentinel;
	if (pcq_parse_skip(s, &list, &bad)) {
		CHECK(!memcmp(&list, &sentinel, sizeof(list)));
		CHECK(bad >= s && bad <= s + strlen(s));
	} else {
		CHECK(list.nr <= PCQ_MAX_SKIP);
		pcq_format_skip(&list, buf, sizeof(buf));
		CHECK(!pcq_parse_skip(buf, &again, &bad));
		CHECK(again.nr == list.nr);
		CHECK(!memcmp(again.entry, list.entry, list.nr * sizeof(list.entry[0])));
	}

	free(s);
	return 0;
}
