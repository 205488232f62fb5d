/* SPDX-License-Identifier: GPL-2.0 */
/*
 * view.h - what a person sees of a run: a JSON report read back (load.c),
 * drawn (plot.c), set in one HTML page (html.c) and set beside another
 * run (compare.c).  The commands plot, report and compare of `modelab`.
 */
#ifndef MODELAB_VIEW_H
#define MODELAB_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The JSON schema this reads: README.md, "JSON schema". */
#define ML_VIEW_SCHEMA 2
#define ML_VIEW_MAX_BUCKETS 64
#define ML_VIEW_MAX_ENV 40
/*
 * What a report may hold (docs/fuzzing.md): its size, its figures, and
 * numbers within +-1e18 (ns: 31 years), so that whatever is summed,
 * drawn or divided stays finite.
 */
#define ML_VIEW_MAX_BYTES (16 << 20)
#define ML_VIEW_MAX_FIGURES 100000
#define ML_VIEW_MAX_NUMBER 1e18
#define ML_VIEW_NONE ((size_t)-1)
#define ML_VIEW_MAX_RUNS 64	/* reports on one side of a comparison */

/* The witnesses a picture and the page show: key in the report, label. */
#define ML_VIEW_NWITNESS 10
extern const char *const ml_view_witness_key[ML_VIEW_NWITNESS];
extern const char *const ml_view_witness_label[ML_VIEW_NWITNESS];

struct ml_view_interval {
	double value, low, high; /* NAN when the report has none */
};

enum ml_view_kind {
	ML_VIEW_TIMED,
	ML_VIEW_DEMO,
	ML_VIEW_SKIPPED,
	ML_VIEW_FAILED
};

/* One entry of "figures"; strings point into the report's JSON tree. */
struct ml_view_figure {
	const char *probe, *figure, *what;
	enum ml_view_kind kind;
	const char *reason;		/* skipped, failed: why; else NULL */
	struct ml_view_interval median; /* ns, its 95% interval */
	double p90, p99, min, max;
	struct ml_view_interval ratio_null; /* against the null syscall */
	size_t rounds;
	bool converged;
	size_t forks;			/* processes; 0 when the report says not */
	/* the histogram of the per-op times; nbuckets 0: none */
	double hist_low, hist_width;
	size_t counts[ML_VIEW_MAX_BUCKETS], nbuckets, below, above;
	/* the claim against a figure of the same rounds; with NULL: none */
	const char *pair_with, *claim, *claim_outcome;
	struct ml_view_interval pair_ratio;
	double witness[ML_VIEW_NWITNESS]; /* per op; NAN: absent */
	const char *counted_in; /* the kernel's counts: "here", "lab VM" */
	int verified;		/* 1, 0, or -1 when not checked */
	const char *verify_error;
	char *notes; /* a demonstration's notes, one a line */
	/* the first timed figure of its probe; the next one, or ML_VIEW_NONE */
	bool first_timed;
	size_t next_timed;
};

/* A speed reference of a run: its median over the processes, NAN without
 * one; the standard error of its logarithms; how many processes gave it. */
struct ml_view_speed {
	double ns, se;
	size_t n;
};

/* The chain of multiplications and the loop of calls (forks.c). */
#define ML_VIEW_NSPEED 2

struct ml_view_report {
	const char *path;
	void *json; /* the parsed tree: owns the strings */
	const char *version;
	/* the environment, flattened: "kernel_release", "mitigation spectre_v2"
	 */
	char env_key[ML_VIEW_MAX_ENV][48];
	char env_value[ML_VIEW_MAX_ENV][160];
	size_t nenv;
	bool have_observer; /* the module's observer effect was measured */
	double observer_on_ns, observer_off_ns;
	struct ml_view_interval observer_ratio;
	const char *observer_outcome;
	struct ml_view_figure *figs;
	size_t nfigs;
	size_t *index, index_cap; /* probe/figure to figs[i]: load.c */
	/* the speed references (forks.c): multiplications, then calls */
	struct ml_view_speed speed[ML_VIEW_NSPEED];
};

/*
 * Reads a report written by `modelab run --json`.  0, or -1 with one line
 * in err naming the file and what is wrong (unreadable, not JSON, not a
 * modelab report, another schema).
 */
int ml_view_load(const char *path, struct ml_view_report *r, char *err,
		 size_t errlen);
/* The same from text, for the tests; path only names it in messages. */
int ml_view_parse(const char *text, const char *path, struct ml_view_report *r,
		  char *err, size_t errlen);
/* The same from len bytes (a NUL among them is refused), a NUL after. */
int ml_view_parse_text(const char *text, size_t len, const char *path,
		       struct ml_view_report *r, char *err, size_t errlen);
void ml_view_free(struct ml_view_report *r);
/* The figure probe/figure of r, or NULL. */
const struct ml_view_figure *ml_view_find(const struct ml_view_report *r,
					  const char *probe,
					  const char *figure);
/*
 * Whether figure i of r is the first timed figure of its probe: where a
 * probe's summary pictures and section go.
 */
bool ml_view_first_timed(const struct ml_view_report *r, size_t i);
/*
 * A picture's file name without its extension: KIND-PROBE (kind
 * "summary", "witnesses") or, kind NULL, PROBE-FIGURE; when the names
 * are not plain ([A-Za-z0-9_], and '-' but in a probe) or long, cut, with
 * '_' for the rest and a hash of the names after it, so that no two
 * pictures share one and every name fits a file system.  len >= 128.
 */
void ml_view_stem(char *buf, size_t len, const char *kind, const char *probe,
		  const char *figure);

/* Bad input to a command: its one line, where its help is; returns 2. */
int ml_view_refused(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- compare.c ------------------------------------------------------- */

/* B/A of two medians, with the interval pool.c explains. */
struct ml_view_ratio {
	double value, low, high;
	bool real; /* the interval excludes 1 */
};

/* A figure in logarithms: value, standard error, degrees of freedom. */
struct ml_view_log {
	double y, se, dof; /* dof: INFINITY for one process's rounds */
};

/*
 * A run's figure from its median, 95% interval and processes (pool.c).
 * -1 when a median or an interval is missing, not positive, or does not
 * hold its median.
 */
int ml_view_log_of(const struct ml_view_interval *iv, size_t forks,
		   struct ml_view_log *out);
/* n runs of one side as one: their mean, with the larger variance. */
void ml_view_pool(const struct ml_view_log *runs, size_t n,
		  struct ml_view_log *out);
/* B/A with its 95% interval (Welch), and whether it excludes 1. */
void ml_view_ratio(const struct ml_view_log *a, const struct ml_view_log *b,
		   struct ml_view_ratio *out);

enum ml_view_format { ML_VIEW_TEXT, ML_VIEW_JSON, ML_VIEW_CSV };

/* Every report after the first against the first, in fmt. */
void ml_view_compare(FILE *out, enum ml_view_format fmt,
		     const struct ml_view_report *reps, size_t nreps);
/* The na reports of a against the nb of b, each side's runs pooled. */
void ml_view_compare_pooled(FILE *out, enum ml_view_format fmt,
			    const struct ml_view_report *a, size_t na,
			    const struct ml_view_report *b, size_t nb);
/* The same, as an HTML section (html.c's page). */
void ml_view_compare_html(FILE *out, const struct ml_view_report *a,
			  const struct ml_view_report *b);
/* Writes s with <, >, & and quotes escaped. */
void ml_html_text(FILE *out, const char *s);
/* The page of r (and its comparison with other, or NULL); dir: pictures. */
void ml_html_page(FILE *out, const struct ml_view_report *r,
		  const struct ml_view_report *other, const char *dir);

/* ---- plot.c ---------------------------------------------------------- */

/*
 * Draws r with gnuplot into the directory dir: per timed figure
 * PROBE-FIGURE.svg and .png, per probe summary-PROBE and, when its
 * figures have witnesses, witnesses-PROBE (view_stem() spells them).
 * Returns how many pictures (SVG and PNG each count), or -1 with err set.
 */
int ml_plot(const struct ml_view_report *r, const char *dir, char *err,
	    size_t errlen);
/* The gnuplot script of that, written to gp; how many pictures. */
int ml_plot_script(FILE *gp, const struct ml_view_report *r, const char *dir);

/* ---- the commands (argv[0] is the command's word) -------------------- */

int ml_plot_main(int argc, char **argv);
int ml_report_main(int argc, char **argv);
int ml_compare_main(int argc, char **argv);

#endif /* MODELAB_VIEW_H */
