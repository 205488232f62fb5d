// SPDX-License-Identifier: GPL-2.0
/*
 * procirq.c - /proc/interrupts and /proc/softirqs, parsed once.
 *
 * Both files are a header of CPU names and one line per source: a name
 * ending in ':', up to one count per CPU, then (interrupts only) a free
 * description that may itself hold spaces and digits ("IO-APIC 5-edge
 * ACPI:Ged").  Some lines carry fewer counts than there are CPUs (ERR and
 * MIS have one total).  A count is a token of digits only, so the first
 * token that is not one starts the description.  CPU columns follow the
 * header's names: CPU1 may be missing when it is offline.
 */
#define _GNU_SOURCE
#include "measure/machine.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static size_t token_len(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && *q != ' ' && *q != '\t')
		q++;
	return (size_t)(q - p);
}

static bool all_digits(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return len > 0;
}

/* The header: "CPU0 CPU1 ...", remembering each column's CPU number. */
static int parse_header(const char *p, const char *end, struct ml_irq_table *t)
{
	size_t cap = 0;

	for (p = skip_blanks(p, end); p < end; p = skip_blanks(p, end)) {
		size_t len = token_len(p, end);

		if (len < 4 || strncmp(p, "CPU", 3) || !all_digits(p + 3, len - 3))
			return -1;
		if (t->ncpus == cap) {
			int *more;

			cap = cap ? 2 * cap : 16;
			more = realloc(t->cpu_ids, cap * sizeof(*more));
			if (!more)
				return -1;
			t->cpu_ids = more;
		}
		t->cpu_ids[t->ncpus++] = atoi(p + 3);
		p += len;
	}
	return t->ncpus ? 0 : -1;
}

static int parse_line(const char *p, const char *end, struct ml_irq_table *t)
{
	struct ml_irq_line *line;
	const char *colon;
	size_t nlen;

	p = skip_blanks(p, end);
	colon = memchr(p, ':', (size_t)(end - p));
	if (!colon || colon == p || token_len(p, end) < (size_t)(colon - p))
		return p == end ? 0 : -1;	/* blank lines are fine */
	line = realloc(t->lines, (t->nlines + 1) * sizeof(*line));
	if (!line)
		return -1;
	t->lines = line;
	line = &t->lines[t->nlines];
	memset(line, 0, sizeof(*line));
	line->counts = calloc(t->ncpus, sizeof(*line->counts));
	if (!line->counts)
		return -1;
	t->nlines++;
	nlen = (size_t)(colon - p);
	if (nlen >= sizeof(line->name))
		nlen = sizeof(line->name) - 1;
	memcpy(line->name, p, nlen);
	for (p = skip_blanks(colon + 1, end); p < end && line->ncounts < t->ncpus;
	     p = skip_blanks(p, end)) {
		size_t len = token_len(p, end);

		if (!all_digits(p, len))
			break;
		line->counts[line->ncounts++] = strtoull(p, NULL, 10);
		p += len;
	}
	snprintf(line->desc, sizeof(line->desc), "%.*s", (int)(end - p), p);
	/* descriptions are padded with runs of spaces: fold them */
	for (char *d = line->desc, *s = line->desc; (*d = *s); s++)
		if (!(*s == ' ' && (d == line->desc || d[-1] == ' ')))
			d++;
	nlen = strlen(line->desc);
	while (nlen && line->desc[nlen - 1] == ' ')
		line->desc[--nlen] = '\0';
	return 0;
}

void ml_irq_free(struct ml_irq_table *t)
{
	for (size_t i = 0; i < t->nlines; i++)
		free(t->lines[i].counts);
	free(t->lines);
	free(t->cpu_ids);
	memset(t, 0, sizeof(*t));
}

int ml_irq_parse(const char *text, struct ml_irq_table *t)
{
	const char *p = text, *eol;

	memset(t, 0, sizeof(*t));
	eol = strchr(p, '\n');
	if (!eol || parse_header(p, eol, t))
		goto bad;
	for (p = eol + 1; *p; p = *eol ? eol + 1 : eol) {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		if (parse_line(p, eol, t))
			goto bad;
	}
	return 0;
bad:
	ml_irq_free(t);
	return -1;
}

int ml_irq_read(const char *path, struct ml_irq_table *t)
{
	size_t cap = 1 << 16, len = 0, got;
	char *buf = malloc(cap);
	FILE *f = fopen(path, "re");
	int rc = -1;

	if (!f || !buf)
		goto out;
	while ((got = fread(buf + len, 1, cap - 1 - len, f)) > 0) {
		len += got;
		if (len == cap - 1) {
			char *more = realloc(buf, cap * 2);

			if (!more)
				goto out;
			buf = more;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	rc = ml_irq_parse(buf, t);
out:
	if (f)
		fclose(f);
	free(buf);
	return rc;
}

int ml_irq_column(const struct ml_irq_table *t, int cpu)
{
	for (size_t i = 0; i < t->ncpus; i++)
		if (t->cpu_ids[i] == cpu)
			return (int)i;
	return -1;
}

const struct ml_irq_line *ml_irq_find(const struct ml_irq_table *t,
				      const char *name)
{
	for (size_t i = 0; i < t->nlines; i++)
		if (!strcmp(t->lines[i].name, name))
			return &t->lines[i];
	return NULL;
}

uint64_t ml_irq_count(const struct ml_irq_line *line, int column)
{
	uint64_t sum = 0;

	if (!line)
		return 0;
	if (column >= 0)
		return (size_t)column < line->ncounts ? line->counts[column] : 0;
	for (size_t i = 0; i < line->ncounts; i++)
		sum += line->counts[i];
	return sum;
}

uint64_t ml_irq_delta(const struct ml_irq_table *before,
		      const struct ml_irq_table *after, const char *name,
		      int cpu)
{
	const struct ml_irq_line *a = ml_irq_find(before, name);
	const struct ml_irq_line *b = ml_irq_find(after, name);
	int ca = cpu < 0 ? -1 : ml_irq_column(before, cpu);
	int cb = cpu < 0 ? -1 : ml_irq_column(after, cpu);
	uint64_t x, y;

	if (!b || (cpu >= 0 && (ca < 0 || cb < 0)))
		return 0;
	x = ml_irq_count(a, ca);
	y = ml_irq_count(b, cb);
	return y > x ? y - x : 0;
}

bool ml_irq_is_device(const struct ml_irq_line *line)
{
	return all_digits(line->name, strlen(line->name));
}
