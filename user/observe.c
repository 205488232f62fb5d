// SPDX-License-Identifier: GPL-2.0
/*
 * observe.c - the kernel's count beside the time.
 *
 * With modelab.ko loaded, modelab watches itself through /proc/modelab and
 * runs each figure's operation once more, untimed, with counting on: the
 * watched syscall count per op is the kernel's own witness of what the
 * figure claims (1.00 per getppid, 0.00 per vDSO call).  Timings are taken
 * with counting off, because an attached syscall tracepoint sends every
 * syscall on the machine through the slow path; ml_observer_effect()
 * measures that cost instead of hiding it.
 *
 * Without the module, counts can come from a CSV that `modelab run --csv`
 * wrote inside the lab VM (--kernel-counts FILE), labelled as such.
 */
#define _GNU_SOURCE
#include "modelab.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COUNT_OPS 10000

int ml_observe_begin(struct ml_observer *ob)
{
	struct ml_kcounts k;
	char cmd[32];
	int err;

	memset(ob, 0, sizeof(*ob));
	err = ml_kernel_read(&k);
	if (err)
		return err;
	ob->was_counting = k.counting;
	ob->prev_watch = k.watched_exited ? 0 : k.watched_pid;
	snprintf(cmd, sizeof(cmd), "watch %d", (int)getpid());
	err = ml_kernel_write(cmd);
	if (!err)
		err = ml_kernel_write("count off");
	if (err)
		return err;
	ob->active = true;
	return 0;
}

void ml_observe_end(struct ml_observer *ob)
{
	char cmd[32];

	if (!ob->active)
		return;
	if (ob->prev_watch > 0)
		snprintf(cmd, sizeof(cmd), "watch %d", ob->prev_watch);
	else
		snprintf(cmd, sizeof(cmd), "watch off");
	if (ml_kernel_write(cmd))
		ml_kernel_write("watch off");
	ml_kernel_write(ob->was_counting ? "count on" : "count off");
	ob->active = false;
}

/*
 * The watched counts rise for the op and for reading /proc/modelab itself
 * (open, read, close): a second read right after measures the latter so
 * it can be taken off.
 */
int ml_observe_figure(struct ml_observer *ob, const struct ml_figure *fig,
		      struct ml_result *res)
{
	struct ml_kcounts a, b, c;
	const char *why;
	double reads_sys, reads_flt;

	if (!ob->active || res->skipped)
		return 0;
	why = fig->setup ? fig->setup() : NULL;
	if (why)
		return 0;
	if (ml_kernel_write("count on") || ml_kernel_read(&a))
		goto fail;
	fig->run(COUNT_OPS);
	if (ml_kernel_read(&b) || ml_kernel_read(&c))
		goto fail;
	ml_kernel_write("count off");
	if (fig->teardown)
		fig->teardown();
	reads_sys = (double)(c.watched[ML_K_SYSCALLS] - b.watched[ML_K_SYSCALLS]);
	reads_flt = (double)(c.watched[ML_K_FAULTS] - b.watched[ML_K_FAULTS]);
	res->have_kernel = true;
	res->kernel_where = "host";
	res->kernel_syscalls_per_op =
		fmax(0, (double)(b.watched[ML_K_SYSCALLS] -
				 a.watched[ML_K_SYSCALLS]) - reads_sys) /
		COUNT_OPS;
	res->kernel_faults_per_op =
		fmax(0, (double)(b.watched[ML_K_FAULTS] - a.watched[ML_K_FAULTS]) -
				reads_flt) /
		COUNT_OPS;
	return 0;
fail:
	ml_kernel_write("count off");
	if (fig->teardown)
		fig->teardown();
	return -1;
}

/* Finds a column by its header name; -1 when absent. */
static int csv_column(char *header, const char *name)
{
	int col = 0;

	for (char *tok = strtok(header, ",\n"); tok; tok = strtok(NULL, ",\n"))
		if (!strcmp(tok, name))
			return col;
		else
			col++;
	return -1;
}

int ml_observe_import(const char *path, struct ml_result *res, size_t nres,
		      char *err, size_t errlen)
{
	char line[1024], header[1024];
	int col_probe, col_fig, col_sys, matched = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		snprintf(err, errlen, "--kernel-counts: cannot open '%s': %s",
			 path, strerror(errno));
		return -1;
	}
	if (!fgets(header, sizeof(header), f)) {
		snprintf(err, errlen, "--kernel-counts: '%s' is empty", path);
		goto bad;
	}
	strcpy(line, header);
	col_probe = csv_column(line, "probe");
	strcpy(line, header);
	col_fig = csv_column(line, "figure");
	strcpy(line, header);
	col_sys = csv_column(line, "kernel_syscalls_per_op");
	if (col_probe < 0 || col_fig < 0 || col_sys < 0) {
		snprintf(err, errlen,
			 "--kernel-counts: '%s' is not a modelab CSV report (no probe, figure and kernel_syscalls_per_op columns)",
			 path);
		goto bad;
	}
	while (fgets(line, sizeof(line), f)) {
		char *field[32] = { 0 };
		int n = 0;
		char *p = line;

		/* our own CSV: probe and figure names hold no commas */
		field[n++] = p;
		while ((p = strpbrk(p, ",\n")) && n < 32) {
			*p++ = '\0';
			field[n++] = p;
		}
		if (n <= col_sys || !*field[col_sys])
			continue;
		for (size_t i = 0; i < nres; i++) {
			char *end;
			double v;

			if (res[i].skipped ||
			    strcmp(res[i].probe->name, field[col_probe]) ||
			    strcmp(res[i].fig->name, field[col_fig]))
				continue;
			v = strtod(field[col_sys], &end);
			if (end == field[col_sys] || !isfinite(v))
				continue;
			res[i].have_kernel = true;
			res[i].kernel_syscalls_per_op = v;
			res[i].kernel_where = "lab VM";
			matched++;
		}
	}
	fclose(f);
	return matched;
bad:
	fclose(f);
	return -1;
}
