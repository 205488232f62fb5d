// SPDX-License-Identifier: GPL-2.0
/*
 * isatable.c - `modelab isa --table FACTS[,COUNTS.csv] ...`: several
 * machines side by side, one column each, one row a fact.
 *
 * FACTS is what `modelab isa` printed on that machine; COUNTS, if given,
 * the CSV of `modelab run --csv` there (the lab VM's, with modelab.ko's
 * counts).  Rows come in the order the first file gives them, then a few
 * figures of the CSVs: the kernel's counts per op, and the median, marked
 * "emulated" when the facts say the machine was (QEMU's TCG, qemu-user),
 * for then a nanosecond is not a native one.  A cell is never filled in
 * here: a fact a machine did not report reads "-".
 */
#define _GNU_SOURCE
#include "util/util.h"
#include "isa/isa.h"
#include "report/output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 4
#define MAX_ROWS 64
#define KEY_W 26
#define CELL_W 36

/* The figures shown from the counts, in this order. */
static const char *const figures[] = {
	"syscall/getppid-syscall", "syscall/getppid-raw",
	"syscall/clock_gettime-vdso", "syscall/getcpu-vdso",
	"fault/minor-anon-4k", "fault/sigsegv", "fault/sigfpe",
	"fault/sigill", "fault/sigtrap",
};

struct column {
	char name[32];
	bool emulated;
	char *cell[MAX_ROWS];
};

static char keys[MAX_ROWS][40];
static int nkeys;

static int key_index(const char *key)
{
	for (int i = 0; i < nkeys; i++)
		if (!strcmp(keys[i], key))
			return i;
	if (nkeys == MAX_ROWS)
		return -1;
	snprintf(keys[nkeys], sizeof(keys[0]), "%s", key);
	return nkeys++;
}

static void set_cell(struct column *c, const char *key, const char *v)
{
	int k = key_index(key);

	if (k >= 0 && !c->cell[k])
		c->cell[k] = strdup(v);
}

/* "key<spaces>value" lines; the isa line names the column. */
static int read_facts(const char *path, struct column *c)
{
	char line[1024];
	FILE *f = fopen(path, "re");
	int n = 0;

	if (!f) {
		fprintf(stderr, "modelab isa: cannot open '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *v = line + strcspn(line, " \t\n");

		line[strcspn(line, "\n")] = '\0';
		if (!*v || v == line)
			continue;
		*v++ = '\0';
		v += strspn(v, " \t");
		set_cell(c, line, v);
		n++;
		if (!strcmp(line, "isa"))
			snprintf(c->name, sizeof(c->name), "%.*s",
				 (int)strcspn(v, " "), v);
		if (!strcmp(line, "runs_on"))
			c->emulated = strstr(v, "qemu-user") ||
				      strstr(v, "QEMU") || strstr(v, "TCG");
	}
	fclose(f);
	if (!n || !*c->name) {
		fprintf(stderr, "modelab isa: '%s' is not the output of 'modelab isa' (no isa line)\n",
			path);
		return -1;
	}
	return 0;
}

static int column_of(int n, char **field, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(field[i], name))
			return i;
	return -1;
}

/* The chosen figures' rows of a `modelab run --csv` report. */
static int read_counts(const char *path, struct column *c)
{
	enum { PROBE, FIGURE, SKIPPED, MEDIAN, SYS, FLT, SIG, NCOL };
	static const char *const names[NCOL] = {
		"probe", "figure", "skipped", "median_ns",
		"kernel_syscalls_per_op", "kernel_faults_per_op",
		"kernel_signals_per_op"
	};
	char header[2048], line[2048], *hf[64], *f[64];
	int col[NCOL], nh;
	FILE *in = fopen(path, "re");

	if (!in || !fgets(header, sizeof(header), in)) {
		fprintf(stderr, "modelab isa: cannot read '%s'\n", path);
		if (in)
			fclose(in);
		return -1;
	}
	nh = ml_csv_split(header, hf, 64);
	for (int i = 0; i < NCOL; i++)
		if ((col[i] = column_of(nh, hf, names[i])) < 0) {
			fprintf(stderr, "modelab isa: '%s' has no %s column: not a modelab CSV report\n",
				path, names[i]);
			fclose(in);
			return -1;
		}
	while (fgets(line, sizeof(line), in)) {
		int n = ml_csv_split(line, f, 64);
		char key[96], cell[512];

		if (n < nh)
			continue;
		snprintf(key, sizeof(key), "%s/%s", f[col[PROBE]], f[col[FIGURE]]);
		for (size_t i = 0; i < ML_ARRAY_SIZE(figures); i++) {
			if (strcmp(key, figures[i]))
				continue;
			if (*f[col[SKIPPED]])
				snprintf(cell, sizeof(cell), "skipped: %s",
					 f[col[SKIPPED]]);
			else if (!*f[col[SYS]])
				snprintf(cell, sizeof(cell),
					 "%s ns%s; the kernel's counts: none (no modelab.ko)",
					 *f[col[MEDIAN]] ? f[col[MEDIAN]] : "-",
					 c->emulated ? " (emulated)" : "");
			else
				snprintf(cell, sizeof(cell),
					 "kernel per op: %s syscalls, %s faults, %s signals; %s ns%s",
					 *f[col[SYS]] ? f[col[SYS]] : "-",
					 *f[col[FLT]] ? f[col[FLT]] : "-",
					 *f[col[SIG]] ? f[col[SIG]] : "-",
					 *f[col[MEDIAN]] ? f[col[MEDIAN]] : "-",
					 c->emulated ? " (emulated)" : "");
			set_cell(c, key, cell);
		}
	}
	fclose(in);
	return 0;
}

/* Prints at most width characters of *s, broken at a space; moves *s on. */
static void wrap_piece(FILE *out, const char **s, int width)
{
	int len = (int)strlen(*s), cut = len;

	if (len > width) {
		cut = width;
		while (cut > width / 2 && (*s)[cut] != ' ')
			cut--;
		if ((*s)[cut] != ' ')
			cut = width;
	}
	fprintf(out, "%-*.*s", width, cut, *s);
	*s += cut;
	while (**s == ' ')
		(*s)++;
}

static void print_row(FILE *out, const char *key, struct column *cols,
		      int ncols, int k)
{
	const char *rest[MAX_COLS];
	bool more = true;

	for (int c = 0; c < ncols; c++)
		rest[c] = cols[c].cell[k] ? cols[c].cell[k] : "-";
	for (bool first = true; more; first = false) {
		fprintf(out, "%-*s", KEY_W, first ? key : "");
		more = false;
		for (int c = 0; c < ncols; c++) {
			fputs(" | ", out);
			wrap_piece(out, &rest[c], CELL_W);
			more |= *rest[c] != '\0';
		}
		fputc('\n', out);
	}
}

int ml_isa_table(FILE *out, int nfiles, char **files)
{
	struct column cols[MAX_COLS] = { 0 };
	int ncols = 0, rc = 0;

	if (nfiles < 1 || nfiles > MAX_COLS) {
		fprintf(stderr, "usage: modelab isa --table FACTS[,COUNTS.csv]... (1 to %d)\n",
			MAX_COLS);
		return -1;
	}
	nkeys = 0;
	for (int i = 0; i < nfiles && !rc; i++, ncols++) {
		char *spec = strdup(files[i]), *csv = strchr(spec, ',');

		if (csv)
			*csv++ = '\0';
		rc = read_facts(spec, &cols[i]);
		if (!rc && csv && *csv)
			rc = read_counts(csv, &cols[i]);
		free(spec);
	}
	if (!rc) {
		fprintf(out, "%-*s", KEY_W, "");
		for (int c = 0; c < ncols; c++)
			fprintf(out, " | %-*s", CELL_W, cols[c].name);
		fputc('\n', out);
		for (int k = 0; k < nkeys; k++)
			print_row(out, keys[k], cols, ncols, k);
	}
	for (int c = 0; c < ncols; c++)
		for (int k = 0; k < MAX_ROWS; k++)
			free(cols[c].cell[k]);
	return rc;
}
