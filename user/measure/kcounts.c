// SPDX-License-Identifier: GPL-2.0
/*
 * kcounts.c - reading and driving /proc/modelab, the module's counters.
 *
 * The format is documented in README.md and kept stable by the module;
 * this is the one place in user space that parses it.  Rows are found by
 * name, so a newer module with more rows still parses; a row the module
 * cannot count on this ISA reads "n/a" and is marked unavailable.  `modelab kernel
 * COMMAND` writes one command; a refusal names the command, the errno and
 * the commands the module accepts (/proc/modelab-help).
 */
#define _GNU_SOURCE
#include "measure/machine.h"
#include "cli/help.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const row_names[ML_K_NROWS] = {
	[ML_K_SYSCALLS] = "syscalls",
	[ML_K_FAULTS] = "faults",
	[ML_K_FAULTS_READ] = "faults_read",
	[ML_K_FAULTS_WRITE] = "faults_write",
	[ML_K_FAULTS_EXEC] = "faults_exec",
	[ML_K_FAULTS_NOTPRESENT] = "faults_notpresent",
	[ML_K_FAULTS_PROTECTION] = "faults_protection",
	[ML_K_IRQ_DEVICE] = "irq_device",
	[ML_K_IRQ_TIMER] = "irq_timer",
	[ML_K_IRQ_WORK] = "irq_work",
	[ML_K_IRQ_RESCHED] = "irq_resched",
	[ML_K_IRQ_CALLFUNC] = "irq_callfunc",
	[ML_K_SIGNALS] = "signals",
	[ML_K_CTXSW] = "ctxsw",
	[ML_K_SYSCALL_EXITS] = "syscall_exits",
	/* BEGIN SOLUTION lab2-migrations: parse the migrations row by name */
	[ML_K_MIGRATIONS] = "migrations",
	/* END SOLUTION lab2-migrations */
};

const char *ml_kernel_row_name(enum ml_krow row)
{
	return row < ML_K_NROWS ? row_names[row] : NULL;
}

static int row_index(const char *name, size_t len)
{
	for (int i = 0; i < ML_K_NROWS; i++)
		if (strlen(row_names[i]) == len &&
		    !strncmp(row_names[i], name, len))
			return i;
	return -1;
}

/* The last number on a line: the total column of a table row. */
static int last_number(const char *p, const char *eol, uint64_t *v)
{
	const char *start = eol;
	char *end;

	while (start > p && (start[-1] == ' ' || start[-1] == '\t'))
		start--;
	eol = start;
	while (start > p && start[-1] >= '0' && start[-1] <= '9')
		start--;
	if (start == eol)
		return -1;
	errno = 0;
	*v = strtoull(start, &end, 10);
	return errno || end != eol ? -1 : 0;
}

/* A row the module cannot count on this ISA: "n/a" in every column. */
static bool not_available(const char *p, const char *eol)
{
	bool any = false;

	while (p < eol) {
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		if (p == eol)
			break;
		if (eol - p < 3 || strncmp(p, "n/a", 3) ||
		    (p + 3 < eol && p[3] != ' ' && p[3] != '\t'))
			return false;
		any = true;
		p += 3;
	}
	return any;
}

/* The CPU columns of a table row, up to ML_K_MAX_CPUS of them. */
static void per_cpu_columns(const char *p, const char *eol,
			    struct ml_kcounts *k, int row)
{
	size_t col = 0;

	while (p < eol && col < k->ncpus && col < ML_K_MAX_CPUS) {
		char *end;

		while (p < eol && *p == ' ')
			p++;
		k->percpu[row][col++] = strtoull(p, &end, 10);
		p = end;
	}
}

uint64_t ml_kernel_cpu_count(const struct ml_kcounts *k, enum ml_krow row,
			     int cpu)
{
	for (size_t i = 0; i < k->ncpus && i < ML_K_MAX_CPUS; i++)
		if (k->cpu_ids[i] == cpu)
			return k->percpu[row][i];
	return 0;
}

int ml_kernel_parse(const char *text, struct ml_kcounts *k)
{
	enum { HEADER, PERCPU, WATCHED } section = HEADER;
	const char *line = text;
	int rows = 0;

	memset(k, 0, sizeof(*k));
	if (strncmp(text, "modelab ", 8))
		return -1;
	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t wlen;
		uint64_t v;
		int idx;

		if (!eol)
			eol = line + strlen(line);
		wlen = strcspn(line, " \t\n");
		if (!strncmp(line, "modelab ", 8)) {
			snprintf(k->version, sizeof(k->version), "%.*s",
				 (int)(eol - line - 8), line + 8);
		} else if (!strncmp(line, "counting ", 9)) {
			k->counting = !strncmp(line + 9, "on", 2);
		} else if (!strncmp(line, "watching ", 9)) {
			k->watched_pid = atoi(line + 9);
			k->watched_exited = memmem(line, (size_t)(eol - line),
						   "(exited)", 8) != NULL;
		} else if (line[0] == ' ' && memmem(line, (size_t)(eol - line),
						      "CPU", 3)) {
			section = PERCPU;
			for (const char *p = line; p < eol; p++) {
				if (strncmp(p, "CPU", 3))
					continue;
				if (k->ncpus < ML_K_MAX_CPUS)
					k->cpu_ids[k->ncpus] = atoi(p + 3);
				k->ncpus++;
			}
		} else if (!strncmp(line, "watched ", 8)) {
			section = WATCHED;
		} else if (section != HEADER &&
			   (idx = row_index(line, wlen)) >= 0) {
			if (not_available(line + wlen, eol)) {
				k->unavailable[idx] = true;
				rows += section == PERCPU;
				line = *eol ? eol + 1 : NULL;
				continue;
			}
			if (last_number(line + wlen, eol, &v))
				return -1;
			if (section == PERCPU) {
				k->total[idx] = v;
				per_cpu_columns(line + wlen, eol, k, idx);
				rows++;
			} else {
				k->watched[idx] = v;
			}
		}
		line = *eol ? eol + 1 : NULL;
	}
	return rows == ML_K_NROWS && k->ncpus ? 0 : -1;
}

int ml_kernel_read(struct ml_kcounts *k)
{
	char buf[16384];
	ssize_t got, n = 0;
	int fd = open(ML_PROC_MODELAB, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((got = read(fd, buf + n, sizeof(buf) - 1 - (size_t)n)) > 0)
		n += got;
	close(fd);
	if (got < 0)
		return -EIO;
	buf[n] = '\0';
	return ml_kernel_parse(buf, k) ? -EPROTO : 0;
}

int ml_kernel_write(const char *cmd)
{
	int fd = open(ML_PROC_MODELAB, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)strlen(cmd);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, cmd, (size_t)len) != len)
		err = -errno;
	close(fd);
	return err;
}

int ml_kernel_latencies(const char *kind, double *out, size_t cap)
{
	char got_kind[32];
	unsigned long long v;
	size_t count, n = 0;
	FILE *f = fopen(ML_PROC_LATENCY, "re");

	if (!f)
		return -1;
	if (fscanf(f, "%31s %zu", got_kind, &count) != 2 ||
	    strcmp(got_kind, kind)) {
		fclose(f);
		return -1;
	}
	while (n < cap && n < count && fscanf(f, "%llu", &v) == 1)
		out[n++] = (double)v;
	fclose(f);
	return n == count || n == cap ? (int)n : -1;
}

/* The module's commands, one per line, from /proc/modelab-help. */
static int print_accepted(FILE *out, const char *indent)
{
	char line[256];
	FILE *f = fopen(ML_PROC_HELP, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		fprintf(out, "%s%s", indent, line);
	fclose(f);
	return 0;
}

void ml_kernel_refused(FILE *out, const char *cmd, int err)
{
	fprintf(out, "modelab: /proc/modelab refused '%s': %s (%s)\n", cmd,
		strerror(err), strerrorname_np(err));
	fputs("the module accepts:\n", out);
	if (print_accepted(out, "  "))
		fputs("  (no " ML_PROC_HELP ": a module older than this "
		      "modelab; see README.md)\n",
		      out);
}

int ml_kernel_main(int argc, char **argv)
{
	char cmd[256] = "";
	size_t len = 0;
	int err;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return ml_command_help(stdout, "kernel") ? 2 : 0;
	if (access(ML_PROC_MODELAB, F_OK)) {
		fprintf(stderr, "modelab kernel: no %s: load modelab.ko first\n",
			ML_PROC_MODELAB);
		return 1;
	}
	if (argc < 2)
		return print_accepted(stdout, "") ? 1 : 0;
	for (int i = 1; i < argc; i++) {
		int n = snprintf(cmd + len, sizeof(cmd) - len, "%s%s",
				 i > 1 ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(cmd) - len) {
			fprintf(stderr,
				"modelab kernel: the command is over %zu bytes\n",
				sizeof(cmd) - 1);
			return 2;
		}
		len += (size_t)n;
	}
	err = ml_kernel_write(cmd);
	if (!err)
		return 0;
	ml_kernel_refused(stderr, cmd, -err);
	return 2;
}
