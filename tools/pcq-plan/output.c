// SPDX-License-Identifier: GPL-2.0
/*
 * pcq-plan's outputs.  The devices and plan listings are the driver's own
 * show.c printing through a seq_file that writes to a stdio stream; the
 * JSON objects and the summaries are made from those very lines, so that
 * they cannot say anything else.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <linux/seq_file.h>

#include "pcq-plan.h"
#include "show.h"

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(m->out, fmt, ap);
	va_end(ap);
}

void seq_puts(struct seq_file *m, const char *s)
{
	fputs(s, m->out);
}

void seq_putc(struct seq_file *m, char c)
{
	fputc(c, m->out);
}

void pp_print_devices(FILE *out, const struct pp_machine *m)
{
	struct seq_file seq = { .out = out };
	u32 i;

	for (i = 0; i < m->snap->nr; i++)
		pcq_show_device(&seq, m->snap, i);
}

void pp_print_plan(FILE *out, const struct pp_machine *m)
{
	struct seq_file seq = { .out = out };

	pcq_show_plan(&seq, m->snap);
}

/* One devices line, without its newline; the caller frees it. */
char *pp_device_line(const struct pp_machine *m, u32 i)
{
	struct seq_file seq;
	char *buf = NULL;
	size_t len = 0;

	seq.out = open_memstream(&buf, &len);
	if (!seq.out) {
		perror("pcq-plan");
		exit(PP_UNREADABLE);
	}
	pcq_show_device(&seq, m->snap, i);
	fclose(seq.out);
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return buf;
}

/*
 * Counts over devices lines.  The reasons are the driver's (pcq_why_name())
 * and "bridge", in that order, then any other a newer show.c prints.
 */
#define PP_MAX_WHY	32

struct pp_counts {
	unsigned int machines;
	unsigned int functions;
	unsigned int quiesce;
	unsigned int skipped;
	unsigned int bus_resets;
	unsigned int reached_by_bus;
	unsigned int fn_resets;
	unsigned int flr;
	unsigned int af_flr;
	unsigned int pm;
	unsigned int pf;
	unsigned int reset_none;
	unsigned int unknown_ext;
	unsigned int nr_why;
	char *why_name[PP_MAX_WHY];
	unsigned int why[PP_MAX_WHY];
};

static void counts_init(struct pp_counts *c)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	for (i = PCQ_WHY_NONE + 1; i < PCQ_WHY_COUNT && c->nr_why < PP_MAX_WHY - 2; i++)
		c->why_name[c->nr_why++] = strdup(pcq_why_name(i));
	c->why_name[c->nr_why++] = strdup("bridge");
}

static void counts_free(struct pp_counts *c)
{
	unsigned int i;

	for (i = 0; i < c->nr_why; i++)
		free(c->why_name[i]);
}

static void count_why(struct pp_counts *c, const char *why, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < c->nr_why; i++)
		if (!strcmp(c->why_name[i], why))
			break;
	if (i == c->nr_why) {
		if (c->nr_why == PP_MAX_WHY)
			i = PP_MAX_WHY - 1;
		else
			c->why_name[c->nr_why++] = strdup(why);
	}
	c->why[i] += n;
}

/* The value of " key=" in a devices line, up to the next space: static */
static const char *field(const char *line, const char *key)
{
	static char val[64];
	char pat[32];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	if (!p)
		return "";
	p += strlen(pat);
	n = strcspn(p, " ");
	if (n >= sizeof(val))
		n = sizeof(val) - 1;
	memcpy(val, p, n);
	val[n] = '\0';
	return val;
}

static void count_machine(struct pp_counts *c, const struct pp_machine *m)
{
	u32 i;

	c->machines++;
	for (i = 0; i < m->snap->nr; i++) {
		char *line = pp_device_line(m, i);
		const char *action = field(line, "action");
		const char *reset;

		c->functions++;
		c->quiesce += !strncmp(action, "quiesce", 7);
		c->skipped += !strncmp(action, "skip:", 5);
		c->bus_resets += !strcmp(action, "quiesce+reset");
		reset = field(line, "reset");
		if (!strncmp(reset, "bus:", 4)) {
			c->reached_by_bus++;
		} else if (!strncmp(reset, "none:", 5)) {
			c->reset_none++;
			count_why(c, reset + 5, 1);
		} else if (!strcmp(reset, "pf")) {
			c->pf++;
		} else {
			c->fn_resets++;
			c->flr += !strcmp(reset, "flr");
			c->af_flr += !strcmp(reset, "af-flr");
			c->pm += !strcmp(reset, "pm");
		}
		c->unknown_ext += !!(m->fn[m->order[i]].unknown & PP_UNK_EXT);
		free(line);
	}
}

static void counts_add(struct pp_counts *to, const struct pp_counts *c)
{
	unsigned int i;

	to->machines += c->machines;
	to->functions += c->functions;
	to->quiesce += c->quiesce;
	to->skipped += c->skipped;
	to->bus_resets += c->bus_resets;
	to->reached_by_bus += c->reached_by_bus;
	to->fn_resets += c->fn_resets;
	to->flr += c->flr;
	to->af_flr += c->af_flr;
	to->pm += c->pm;
	to->pf += c->pf;
	to->reset_none += c->reset_none;
	to->unknown_ext += c->unknown_ext;
	for (i = 0; i < c->nr_why; i++)
		count_why(to, c->why_name[i], c->why[i]);
}

static void print_counts(FILE *out, const char *name, const struct pp_counts *c)
{
	unsigned int i;

	fprintf(out, "%s:", name);
	if (c->machines > 1 || !strcmp(name, "total"))
		fprintf(out, " machines=%u", c->machines);
	fprintf(out, " functions=%u quiesce=%u skipped=%u bus-resets=%u reached-by-bus=%u function-resets=%u flr=%u af-flr=%u pm=%u pf=%u reset-none=%u",
		c->functions, c->quiesce, c->skipped, c->bus_resets, c->reached_by_bus,
		c->fn_resets, c->flr, c->af_flr, c->pm, c->pf, c->reset_none);
	for (i = 0; i < c->nr_why; i++)
		if (c->why[i])
			fprintf(out, " none:%s=%u", c->why_name[i], c->why[i]);
	fprintf(out, " ext-unknown=%u\n", c->unknown_ext);
}

/**
 * pp_print_summary() - a line per machine, and one for them all
 * @out: where to print
 * @ms:  the machines
 * @nr:  how many
 */
void pp_print_summary(FILE *out, struct pp_machine **ms, unsigned int nr)
{
	struct pp_counts total, c;
	unsigned int i;

	counts_init(&total);
	for (i = 0; i < nr; i++) {
		counts_init(&c);
		count_machine(&c, ms[i]);
		print_counts(out, ms[i]->name, &c);
		counts_add(&total, &c);
		counts_free(&c);
	}
	print_counts(out, "total", &total);
	counts_free(&total);
}

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void json_counts(FILE *out, const struct pp_counts *c, const char *indent)
{
	unsigned int i;
	bool first = true;

	fprintf(out, "{\n%s  \"functions\": %u, \"quiesce\": %u, \"skipped\": %u,\n", indent,
		c->functions, c->quiesce, c->skipped);
	fprintf(out, "%s  \"bus_resets\": %u, \"reached_by_bus\": %u,\n", indent,
		c->bus_resets, c->reached_by_bus);
	fprintf(out, "%s  \"function_resets\": %u, \"flr\": %u, \"af_flr\": %u, \"pm\": %u, \"pf\": %u,\n",
		indent, c->fn_resets, c->flr, c->af_flr, c->pm, c->pf);
	fprintf(out, "%s  \"reset_none\": %u, \"reset_none_by_reason\": {", indent, c->reset_none);
	for (i = 0; i < c->nr_why; i++) {
		if (!c->why[i])
			continue;
		fprintf(out, "%s", first ? "" : ", ");
		json_str(out, c->why_name[i]);
		fprintf(out, ": %u", c->why[i]);
		first = false;
	}
	fprintf(out, "},\n%s  \"extended_capabilities_unknown\": %u", indent, c->unknown_ext);
	if (c->machines > 1)
		fprintf(out, ",\n%s  \"machines\": %u", indent, c->machines);
	fprintf(out, "\n%s}", indent);
}

/*
 * One function: the devices line's fields, in its order ("function",
 * "vendor", "device", then each key=value; "parent": null for "-"), and
 * what the input could not say.
 */
static void json_function(FILE *out, const struct pp_machine *m, u32 i)
{
	static const char * const unknown[] = {
		"extended-capabilities", "identity", "class", "pf",
	};
	char *line = pp_device_line(m, i), *save = NULL, *tok;
	unsigned int n = 0, k;
	bool first = true;

	fputs("    {", out);
	for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save), n++) {
		char *eq = strchr(tok, '=');

		if (n == 0) {
			fputs("\"function\": ", out);
			json_str(out, tok);
		} else if (n == 1) {
			char *colon = strchr(tok, ':');

			if (colon)
				*colon = '\0';
			fputs(", \"vendor\": ", out);
			json_str(out, tok);
			fputs(", \"device\": ", out);
			json_str(out, colon ? colon + 1 : "");
		} else if (eq) {
			*eq = '\0';
			fputs(", ", out);
			json_str(out, tok);
			fputs(": ", out);
			if (!strcmp(tok, "parent") && !strcmp(eq + 1, "-"))
				fputs("null", out);
			else
				json_str(out, eq + 1);
		}
	}
	fputs(", \"unknown\": [", out);
	for (k = 0; k < ARRAY_SIZE(unknown); k++) {
		if (!(m->fn[m->order[i]].unknown & BIT(k)))
			continue;
		fprintf(out, "%s", first ? "" : ", ");
		json_str(out, unknown[k]);
		first = false;
	}
	fputs("]}", out);
	free(line);
}

static void json_machine(FILE *out, const struct pp_machine *m, struct pp_counts *c,
			 const char *indent)
{
	unsigned int i;

	fprintf(out, "%s{\n%s  \"machine\": ", indent, indent);
	json_str(out, m->name);
	fprintf(out, ",\n%s  \"source\": \"%s\",\n%s  \"assumptions\": [", indent,
		m->sysfs ? "sysfs" : "lspci", indent);
	for (i = 0; i < m->nr_assume; i++) {
		fprintf(out, "%s\n%s    ", i ? "," : "", indent);
		json_str(out, m->assume[i]);
	}
	fprintf(out, "%s],\n%s  \"functions\": [\n", m->nr_assume ? "\n  " : "", indent);
	for (i = 0; i < m->snap->nr; i++) {
		fputs(indent, out);
		json_function(out, m, i);
		fputs(i + 1 < m->snap->nr ? ",\n" : "\n", out);
	}
	fprintf(out, "%s  ],\n%s  \"summary\": ", indent, indent);
	counts_init(c);
	count_machine(c, m);
	json_counts(out, c, "  ");
	fprintf(out, "\n%s}", indent);
}

/**
 * pp_print_json() - the machines as JSON
 * @out:   where to print
 * @ms:    the machines
 * @nr:    how many
 * @fleet: several: {"machines": [...], "total": {...}}; else the one
 *         machine's object
 */
void pp_print_json(FILE *out, struct pp_machine **ms, unsigned int nr, bool fleet)
{
	struct pp_counts total, c;
	unsigned int i;

	if (!fleet) {
		json_machine(out, ms[0], &c, "");
		counts_free(&c);
		fputc('\n', out);
		return;
	}
	counts_init(&total);
	fputs("{\n\"machines\": [\n", out);
	for (i = 0; i < nr; i++) {
		json_machine(out, ms[i], &c, "");
		counts_add(&total, &c);
		counts_free(&c);
		fputs(i + 1 < nr ? ",\n" : "\n", out);
	}
	fputs("],\n\"total\": ", out);
	total.machines = nr;
	json_counts(out, &total, "");
	fputs("\n}\n", out);
	counts_free(&total);
}
