/* SPDX-License-Identifier: GPL-2.0 */
/*
 * output.h - one report, three formats: text, JSON (report.c) and CSV
 * (csv.c), and the lines on the method and the summary (result.c).
 */
#ifndef MODELAB_OUTPUT_H
#define MODELAB_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct ml_clock;
struct ml_env;
struct ml_method;
struct ml_result;

/* ---- report.c: text, JSON, CSV ----------------------------------------- */

enum ml_format { ML_FMT_TEXT, ML_FMT_JSON, ML_FMT_CSV };

struct ml_report {
	const struct ml_env *env;
	const struct ml_clock *clock;
	const struct ml_result *results;
	size_t nresults;
	bool histograms;	/* text: draw each figure's histogram */
	/*
	 * The null syscall with counting on, paired with counting off in
	 * alternating slices; NULL when not measured.
	 */
	const struct ml_result *observer;
	bool emulated;		/* under QEMU's TCG: timings are not native */
	const struct ml_method *method;	/* processes, target (forks.c) */
};

/* The figure every ratio is taken against: the null system call. */
#define ML_REFERENCE_PROBE "syscall"
#define ML_REFERENCE_FIGURE "getppid-syscall"

void ml_report_write(FILE *out, enum ml_format fmt, const struct ml_report *r);
void ml_json_string(FILE *out, const char *s);

/* result.c, for report.c and csv.c: a figure with a median to show; its
 * MB/s or NAN. */
bool ml_report_timed(const struct ml_result *res);
double ml_report_mb_per_s(const struct ml_result *res);
void ml_report_csv(FILE *out, const struct ml_report *r);
/* result.c: the run's last line, how many figures came out how. */
void ml_report_summary(FILE *out, const struct ml_report *r, double seconds);
/* Under the table: what the intervals cover, what '*' (flagged) means. */
void ml_report_method(FILE *out, const struct ml_report *r, bool flagged);
/* The report's "method" key, a line of its own. */
void ml_report_method_json(FILE *out, const struct ml_report *r);
/* A figure's "forks_values" key and a comma: each process's own. */
void ml_report_fork_values_json(FILE *out, const struct ml_report *r,
				const struct ml_result *res);
/* csv.c: one field, quoted as RFC 4180 asks when it must be. */
void ml_csv_field(FILE *out, const char *s);
/* csv.c: a line of such a CSV split in place into fields, unquoted. */
int ml_csv_split(char *line, char **field, int max);

#endif /* MODELAB_OUTPUT_H */
