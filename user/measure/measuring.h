/* SPDX-License-Identifier: GPL-2.0 */
/*
 * measuring.h - what a figure is and what measuring it gives: the clock
 * (clock.c), the statistics (stats.c), a figure's hooks and what they call
 * (hooks.c), its result (report/result.c fills in the words), and the
 * null syscall every figure is paired with (measure.c).  Probes describe
 * what to time; the library decides how (run.h).
 */
#ifndef MODELAB_MEASURING_H
#define MODELAB_MEASURING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- clock.c: the time base ------------------------------------------ */

enum ml_clock_kind {
	ML_CLOCK_AUTO,		/* the TSC when it is invariant, else MONOTONIC */
	ML_CLOCK_TSC,
	ML_CLOCK_MONOTONIC,	/* clock_gettime(CLOCK_MONOTONIC_RAW) */
};

struct ml_clock {
	enum ml_clock_kind kind;	/* never AUTO once initialised */
	bool tsc_invariant;		/* what CPUID says, whatever kind is used */
	double ticks_per_ns;		/* 1.0 for MONOTONIC */
	const char *rate_from;		/* the rate's source; NULL: calibrated */
};

/*
 * Choose and calibrate the clock.  calib_ms is how long to compare the TSC
 * with CLOCK_MONOTONIC_RAW.  Returns 0, or -1 when TSC was asked for and
 * the CPU has none.
 */
int ml_clock_init(struct ml_clock *clock, enum ml_clock_kind want,
		  unsigned int calib_ms);
const char *ml_clock_name(enum ml_clock_kind kind);
bool ml_cpu_has_invariant_tsc(void);
uint64_t ml_monotonic_ns(void);
/* The clock's current reading, in its ticks (ordered like a TSC read). */
uint64_t ml_clock_now(const struct ml_clock *clock);

/* ---- stats.c: distributions -------------------------------------------- */

#define ML_HIST_BUCKETS 20

struct ml_stats {
	size_t n;
	double min, max, mean, stddev;
	double median, p90, p99;
	double ci_low, ci_high;	/* 95% confidence interval of the median */
};

struct ml_hist {
	double low;		/* lower edge of bucket 0 */
	double width;		/* width of every bucket */
	size_t nbuckets;
	size_t counts[ML_HIST_BUCKETS];
	size_t below, above;	/* samples outside [low, low + n * width) */
};

/*
 * A value and its 95% confidence interval: a median from one value per
 * round (ranks), or a mean over processes (Student's t).  coverage is
 * what it really gives: below 0.95 with too few values (n < 6 rounds,
 * one process).
 */
struct ml_interval {
	double value, low, high;
	double coverage;
	size_t n;
	bool converged;		/* narrower than the target (measure.c) */
};

/* Quantile q in [0, 1] of sorted data, linear interpolation between ranks. */
double ml_quantile_sorted(const double *sorted, size_t n, double q);
/*
 * 0-based ranks of the order statistics that bound a 95% confidence
 * interval of the median of n independent values (exact binomial,
 * symmetric: lo + hi == n - 1).  Returns the coverage they give.
 */
double ml_median_ci_ranks(size_t n, size_t *lo, size_t *hi);
/* The median of v with its CI (sorts v).  -1 when n == 0. */
int ml_median_ci(double *v, size_t n, struct ml_interval *iv);
/* Half-width over the value; INFINITY when it says nothing (n < 6). */
double ml_interval_rel(const struct ml_interval *iv);
/* Widens iv, if needed, to at least value - half .. value + half. */
void ml_interval_floor(struct ml_interval *iv, double half);
/* Student's t: the two-sided 95% quantile for dof degrees of freedom. */
double ml_t95(double dof);
/* The mean of n values (one per process) and its 95% t-interval; in
 * logarithms when geometric and every value is positive.  -1: n == 0. */
int ml_interval_t(const double *v, size_t n, bool geometric,
		  struct ml_interval *iv);
/* Sorts samples in place, then fills st.  Returns -1 when n == 0. */
int ml_stats_compute(double *samples, size_t n, struct ml_stats *st);
/* Counts sorted or unsorted samples into nbuckets equal buckets. */
void ml_hist_build(const double *samples, size_t n, double low, double high,
		   size_t nbuckets, struct ml_hist *hist);

/* ---- measure.c: the measuring loop ------------------------------------- */

struct ml_result;

/* What a lesson says of a figure against the one it is paired with. */
enum ml_claim {
	ML_CLAIM_NONE,
	ML_CLAIM_CHEAPER,	/* costs less than its pair */
	ML_CLAIM_DEARER,	/* costs more than its pair */
};

/* Which CPUs' interrupts are the figure's own (witness.c). */
enum ml_irq_cpus {
	ML_IRQ_SELF,		/* the CPU we measure on */
	ML_IRQ_SELF_AND_OTHER,	/* and the other CPU, where a peer runs */
	ML_IRQ_ALL,		/* a device's: its interrupt goes anywhere */
};

struct ml_figure;

/* Which pass of a figure a hook is called for. */
enum ml_pass {
	ML_PASS_SETUP,		/* setup and teardown for the timing */
	ML_PASS_WARMUP,		/* untimed: batch size, warm-up, empty batch */
	ML_PASS_TIMED,		/* a slice of a round */
	ML_PASS_WITNESS,	/* counted: rusage, perf events, the module;
				 * its own setup and teardown too */
	ML_PASS_VERIFY,		/* the figure checks what the witness pass did */
};

/*
 * What every hook of a figure receives.  A hook returns 0; or ML_SKIP
 * (setup only) or -1, through ml_skip() and ml_error(), which say why.
 */
struct ml_ctx {
	const struct ml_figure *fig;
	void *data;		/* fig->data: the figure's own state */
	struct ml_result *res;
	enum ml_pass pass;
	uint64_t n;		/* ops in this batch: run, prepare, verify */
	char why[128];
};
typedef int ml_hook(struct ml_ctx *ctx);

#define ML_SKIP 1
/* The figure cannot run here: returns ML_SKIP (from setup). */
int ml_skip(struct ml_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The op, its peer or its check failed: returns -1. */
int ml_error(struct ml_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* For code that words its own reasons: NULL is 0, a reason as above. */
int ml_skip_if(struct ml_ctx *ctx, const char *why);
int ml_error_if(struct ml_ctx *ctx, const char *why);

/*
 * What one op makes, as the figure's author declares it (ML_DECLARE): the
 * report sets the kernel's counts beside it, and lab 5 grades the two.
 */
struct ml_declared {
	bool set;			/* false: nothing declared */
	double syscalls, faults;	/* per op */
};
#define ML_DECLARE(syscalls_per_op, faults_per_op)                          \
	{ .set = true, .syscalls = (syscalls_per_op),                       \
	  .faults = (faults_per_op) }

/*
 * One figure: an operation to repeat ctx->n times in a tight loop.  Only
 * name, what and run are required.
 */
struct ml_figure {
	const char *name;
	const char *what;		/* one line: what a single op does */
	ml_hook *run;			/* the timed op, ctx->n times */
	ml_hook *setup;			/* once, before anything */
	ml_hook *teardown;		/* once, after; not when skipped */
	/* untimed, before every batch: make ctx->n fresh ops possible */
	ml_hook *prepare;
	/* after the witness pass of ctx->n ops: did they do what they say? */
	ml_hook *verify;
	void *data;			/* ctx->data for every hook */
	/*
	 * Instead of batches, a figure of individual samples (latencies):
	 * fills up to cap samples, in ns, in about `seconds`, and returns
	 * how many.  It may add extra figures to res.
	 */
	size_t (*sample)(const struct ml_clock *clock, double *out, size_t cap,
			 double seconds, struct ml_result *res);
	/*
	 * Instead of a timing, a demonstration: does something once, checks
	 * from outside what the notes claim, records what it saw with
	 * ml_result_note() and ml_result_extra(), and returns NULL when
	 * every claim held, else what did not.
	 */
	const char *(*demonstrate)(struct ml_result *res);
	/*
	 * Figures of a probe that name the same group are set up together
	 * and measured in the same rounds (measure.c); NULL: alone, with
	 * only the null syscall beside it.
	 */
	const char *group;
	/* untimed, around each of the figure's slices in a round */
	ml_hook *enter;
	ml_hook *leave;
	/* a figure of the same group: ratio and difference, per round */
	const char *pair_with;
	enum ml_claim claim;		/* checked on that pair */
	enum ml_irq_cpus irq_cpus;
	uint64_t max_batch;		/* 0: no limit */
	uint64_t witness_ops;		/* ops in the witness pass; 0: 10000 */
	double kib_per_op;		/* memory one op maps; 0: not a fault */
	bool histogram;			/* a latency: always draw it */
	bool in_child;			/* the op runs in a worker child: our
					 * witnesses would not see it */
	uint64_t min_batch;		/* ops in a batch at least; 0: 1 */
	double bytes_per_op;		/* bytes one op delivers; the report
					 * adds MB/s */
	struct ml_declared declared;	/* ML_DECLARE(syscalls, faults) */
};
struct ml_probe {
	const char *name;
	const char *summary;
	const struct ml_figure *figures;
	size_t nfigures;
	int order;		/* where `modelab list` and `run` put it */
};

#define ML_MAX_EXTRA 48
#define ML_MAX_GROUP 32		/* figures measured in the same rounds */

/* Independent counts of what one op caused, each per op. */
struct ml_witness {
	uint64_t ops;		/* 0: no witness pass ran */
	bool have_rusage, have_perf, have_kernel;
	double minflt, majflt;		/* getrusage */
	double nvcsw, nivcsw;		/* getrusage: context switches */
	double perf_minflt, perf_majflt;	/* perf software events */
	double k_syscalls, k_faults, k_signals;	/* /proc/modelab, watched */
	const char *where;		/* of the kernel's counts */
	/* /proc/interrupts, all CPUs: device lines, and named vectors */
	bool have_irqs;
	double irq_device, irq_tlb, irq_cal, irq_iwi, irq_res;
	const char *irq_cpus;		/* which CPUs they were counted on */
	bool verified;			/* the figure's own check passed */
	char verify_error[128];
};

struct ml_result {
	const struct ml_probe *probe;
	const struct ml_figure *fig;
	bool skipped;
	char skip_reason[128];
	uint64_t batch_ops;	/* ops per timed batch */
	size_t batches;
	double empty_batch_ns;	/* subtracted from every batch */
	double seconds;		/* wall time spent measuring */
	bool converged;		/* CI target met before the budget ran out */
	bool failed;		/* the op, its peer or its check failed */
	char fail_reason[128];
	size_t rounds;		/* one median per round, in every process */
	size_t forks;		/* processes that measured it (forks.c) */
	double span_s;		/* from the first one's start to the last's end */
	/* st.median and st.ci_*: see forks.c; the rest: every batch */
	struct ml_stats st;	/* nanoseconds per op */
	/* against the null syscall timed in the same rounds */
	struct ml_interval ratio_ref;
	/* against fig->pair_with, per round: b / a and b - a (ns) */
	const char *pair_name;
	struct ml_interval pair_ratio, pair_diff;
	enum { ML_CLAIM_UNTESTED, ML_CLAIM_HELD, ML_CLAIM_NOT_HELD,
	       ML_CLAIM_UNDECIDED } claim_outcome;
	struct ml_hist hist;
	struct ml_witness w;	/* what was counted per op, untimed */
	bool demonstration;	/* fig->demonstrate ran: no timing */
	char notes[8192];	/* what a demonstration did and saw, lines */
	size_t nextra;
	struct ml_extra {
		char key[32];		/* JSON key: stable */
		char label[80];		/* for people */
		double value;
	} extra[ML_MAX_EXTRA];		/* figures beyond the distribution */
};

/* Appends one line to a demonstration's notes (cut when they are full). */
void ml_result_note(struct ml_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Adds one extra figure to a result (silently dropped beyond the max). */
void ml_result_extra(struct ml_result *res, const char *key,
		     const char *label, double value);

/*
 * From inside a figure's hook: the op or its peer failed.  The figure
 * reports why instead of a median, and the run exits 1.
 */
void ml_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* How a claim came out, in words: "held", "not held", "undecided". */
const char *ml_claim_outcome_name(const struct ml_result *res);

/* The null syscall, n times: the reference every figure is paired with. */
int ml_null_syscall(struct ml_ctx *ctx);

#endif /* MODELAB_MEASURING_H */
