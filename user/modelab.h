/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modelab.h - the one public header of libmodelab.
 *
 * Everything a probe needs lives here: the clock, the measuring loop, the
 * statistics, the environment and the report writers.  Probes describe
 * what to time; the library decides how.
 */
#ifndef MODELAB_H
#define MODELAB_H

#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define MODELAB_VERSION "0.1.0"
#define MODELAB_JSON_SCHEMA 2

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


/* ---- cpu.c: pinning ----------------------------------------------------- */

/* Pin the calling thread to cpu (-1: the CPU it runs on now).  Returns the
 * CPU pinned to, or -1 with errno set. */
int ml_pin_cpu(int cpu);
/* the CPUs allowed at start as the kernel lists them ("0-3,6"); 0 or -1 */
int ml_allowed_cpus(char *buf, size_t len);
/*
 * A CPU other than self that this thread may run on (the allowed-CPU mask
 * read before pinning); -1 when there is none.
 */
int ml_other_cpu(int self);

/* ---- env.c: what every figure depends on -------------------------------- */

#define ML_ENV_STR 128
#define ML_ENV_MAX_VULNS 32

struct ml_vuln {
	char name[48];
	char state[ML_ENV_STR];
};

struct ml_env {
	char cpu_model[ML_ENV_STR];
	char kernel_release[ML_ENV_STR];
	char clocksource[ML_ENV_STR];
	char hypervisor[ML_ENV_STR];	/* "" when bare metal */
	char governor[ML_ENV_STR];	/* "" when there is no cpufreq */
	size_t nvulns;
	struct ml_vuln vulns[ML_ENV_MAX_VULNS];	/* mitigated or open ones */
	bool proc_modelab;
	int cpu;			/* the CPU figures were taken on */
	const char *clock_name;
	double tsc_ghz;
};

/*
 * Read the environment below root ("" for the live system; tests give a
 * directory holding captured proc and sys files).
 */
void ml_env_read(struct ml_env *env, const char *root);
/* Parsers, exposed for the unit tests. */
int ml_env_cpu_model(const char *cpuinfo, char *out, size_t len);
bool ml_env_cpuinfo_flag(const char *cpuinfo, const char *flag);
bool ml_vuln_is_mitigated_or_open(const char *state);
/* Timings taken here are emulated (QEMU TCG), not native. */
bool ml_env_emulated(const struct ml_env *env);

/* ---- kcounts.c: /proc/modelab, what the kernel counted ------------------ */

#define ML_PROC_MODELAB "/proc/modelab"
#define ML_PROC_LATENCY "/proc/modelab-latency"
#define ML_PROC_HELP "/proc/modelab-help"

enum ml_krow {
	ML_K_SYSCALLS,
	ML_K_FAULTS,
	ML_K_FAULTS_READ,
	ML_K_FAULTS_WRITE,
	ML_K_FAULTS_EXEC,
	ML_K_FAULTS_NOTPRESENT,
	ML_K_FAULTS_PROTECTION,
	ML_K_IRQ_DEVICE,
	ML_K_IRQ_TIMER,
	ML_K_IRQ_WORK,
	ML_K_IRQ_RESCHED,
	ML_K_IRQ_CALLFUNC,
	ML_K_SIGNALS,
	ML_K_CTXSW,
	ML_K_SYSCALL_EXITS,
	/* BEGIN SOLUTION lab2-migrations: the migrations row */
	ML_K_MIGRATIONS,	/* per destination CPU; the watched one's moves */
	/* END SOLUTION lab2-migrations */
	ML_K_NROWS
};

#define ML_K_MAX_CPUS 64	/* per-CPU columns kept; totals cover all */

struct ml_kcounts {
	char version[16];
	bool counting;
	int watched_pid;	/* 0: none */
	bool watched_exited;
	size_t ncpus;
	int cpu_ids[ML_K_MAX_CPUS];	/* the CPU of each column kept */
	uint64_t percpu[ML_K_NROWS][ML_K_MAX_CPUS];
	uint64_t total[ML_K_NROWS];	/* summed over CPUs */
	uint64_t watched[ML_K_NROWS];	/* the watched process */
	bool unavailable[ML_K_NROWS];	/* "n/a": not countable on this ISA */
};

const char *ml_kernel_row_name(enum ml_krow row);
/* One CPU's count of a row, or 0 when that CPU's column was not kept. */
uint64_t ml_kernel_cpu_count(const struct ml_kcounts *k, enum ml_krow row,
			     int cpu);
/* Parses the text of /proc/modelab; -1 when it is not that format. */
int ml_kernel_parse(const char *text, struct ml_kcounts *k);
/* 0, or -errno (-EPROTO when the text does not parse). */
int ml_kernel_read(struct ml_kcounts *k);
/* Writes one command ("watch 42", "count off"...); 0 or -errno. */
int ml_kernel_write(const char *cmd);
/*
 * On a refused write: one line naming CMD and the errno ERR (positive),
 * then the commands the module accepts.
 */
void ml_kernel_refused(FILE *out, const char *cmd, int err);
/* `modelab kernel [COMMAND...]`: writes COMMAND, or lists the commands. */
int ml_kernel_main(int argc, char **argv);
/*
 * The latencies (ns) of the last `raise KIND N`, from /proc/modelab-latency.
 * Returns how many (at most cap), or -1 when the file holds another kind
 * or is not in its format.
 */
int ml_kernel_latencies(const char *kind, double *out, size_t cap);

/* ---- procirq.c: /proc/interrupts and /proc/softirqs --------------------- */

struct ml_irq_line {
	char name[24];		/* "24", "LOC", "TIMER" (without the colon) */
	char desc[96];		/* "IO-APIC 5-edge ACPI:Ged", blanks folded */
	size_t ncounts;		/* may be fewer than ncpus (ERR, MIS) */
	uint64_t *counts;	/* by column */
};

struct ml_irq_table {
	size_t ncpus;		/* columns */
	int *cpu_ids;		/* the CPU number of each column */
	size_t nlines;
	struct ml_irq_line *lines;
};

/* 0, or -1 when the text is not in that format (t is then empty). */
int ml_irq_parse(const char *text, struct ml_irq_table *t);
int ml_irq_read(const char *path, struct ml_irq_table *t);
void ml_irq_free(struct ml_irq_table *t);
/* The column of a CPU, or -1 when the table has none for it. */
int ml_irq_column(const struct ml_irq_table *t, int cpu);
const struct ml_irq_line *ml_irq_find(const struct ml_irq_table *t,
				      const char *name);
/* One column's count, or (column -1) the sum over every column. */
uint64_t ml_irq_count(const struct ml_irq_line *line, int column);
/* How much a line rose between two readings, on one CPU or (-1) all. */
uint64_t ml_irq_delta(const struct ml_irq_table *before,
		      const struct ml_irq_table *after, const char *name,
		      int cpu);
/* A numbered line: a device's interrupt, not a named vector. */
bool ml_irq_is_device(const struct ml_irq_line *line);

/* ---- witness.c: what each op caused, counted three ways ---------------- */

struct ml_observer {
	bool active;		/* /proc/modelab watches this process */
	bool was_counting;	/* restored by ml_observe_end */
	int prev_watch;
};

/* Watch this process with counting off; 0 or -errno (no module, no root). */
int ml_observe_begin(struct ml_observer *ob);
void ml_observe_end(struct ml_observer *ob);
/*
 * Runs the figure's op witness_ops times, untimed, and fills res->w from
 * getrusage, perf software counters and (when ob is active, with counting
 * on) /proc/modelab; then runs the figure's verify hook.
 */
int ml_witness_figure(struct ml_observer *ob, const struct ml_figure *fig,
		      struct ml_result *res);
/* Fills the /proc/interrupts witnesses from two readings around ops. */
void ml_witness_irqs(struct ml_witness *w, const struct ml_irq_table *before,
		     const struct ml_irq_table *after, double ops,
		     enum ml_irq_cpus which);
/*
 * Fills the kernel's counts in res->w from a CSV report written in the lab
 * VM.  Returns how many figures matched, or -1 with a message in err.
 */
int ml_observe_import(const char *path, struct ml_result *res, size_t nres,
		      char *err, size_t errlen);

/* ---- filter.c: seccomp filters from words and profiles ------------------- */

/* What a profile held, beyond what became rules. */
struct ml_profile_info {
	size_t rules_added;
	size_t rules_redundant;	/* same action as the default: no rule */
	size_t rules_skipped;	/* includes/excludes did not match us */
	size_t names_unknown;	/* syscalls this libseccomp does not know */
	size_t rules_split;	/* two comparisons on one argument: one rule each */
	size_t arches_ignored;	/* architectures libseccomp does not know */
	size_t bpf_insns;	/* the program's length, in instructions */
	/* the names libseccomp did not know, the first of them comma-separated */
	char unknown_list[160];
	/* of those, the ones refused by number (ml_syscall_newer): at most 32 */
	size_t numbered;
	struct {
		int nr;
		uint32_t action;
	} by_number[32];
};

/*
 * guard.c: the number of a system call newer than Linux 5.0 by its name,
 * for a libseccomp too old to know it (every architecture numbers those
 * alike since 5.1, from 424); -1 for any other name.
 */
int ml_syscall_newer(const char *name);

/*
 * The capabilities includes/excludes.caps are checked against (a bit per
 * CAP_*): Docker's 14 defaults unless the caller passes the container's.
 */
#define ML_CAP_BIT(c) (1ULL << (c))
#define ML_CAPS_DOCKER_DEFAULT                                              \
	(ML_CAP_BIT(0) /* CHOWN */ | ML_CAP_BIT(1) /* DAC_OVERRIDE */ |     \
	 ML_CAP_BIT(4) /* FSETID */ | ML_CAP_BIT(3) /* FOWNER */ |          \
	 ML_CAP_BIT(27) /* MKNOD */ | ML_CAP_BIT(13) /* NET_RAW */ |        \
	 ML_CAP_BIT(6) /* SETGID */ | ML_CAP_BIT(7) /* SETUID */ |          \
	 ML_CAP_BIT(31) /* SETFCAP */ | ML_CAP_BIT(8) /* SETPCAP */ |       \
	 ML_CAP_BIT(10) /* NET_BIND_SERVICE */ | ML_CAP_BIT(18) /* SYS_CHROOT */ | \
	 ML_CAP_BIT(5) /* KILL */ | ML_CAP_BIT(29) /* AUDIT_WRITE */)
/* "CAP_CHOWN" to 0 ... "CAP_CHECKPOINT_RESTORE" to 40; -1 when unknown. */
int ml_cap_parse(const char *name);
/* The name of capability number cap, or NULL. */
const char *ml_cap_name(int cap);

/* "EACCES" or "13" (1 to 4095); -1 when neither. */
int ml_errno_parse(const char *s);
/* "errno[:NAME]", "kill", "trap", "log", "notify" to a libseccomp action. */
int ml_action_parse(const char *s, uint32_t *action, char *err, size_t len);
/* "read,write" to syscall numbers; unknown names are an error. */
int ml_syscall_list_parse(const char *list, int *nrs, size_t max, size_t *n,
			  const char *option, char *err, size_t len);
/*
 * An OCI runtime-spec (or Docker/Podman) seccomp profile to a libseccomp
 * filter context (void *: scmp_filter_ctx), or NULL with one line in err
 * naming the field at fault.
 */
void *ml_profile_parse(const char *json, struct ml_profile_info *info,
		       char *err, size_t len);
void *ml_profile_load(const char *path, struct ml_profile_info *info,
		      char *err, size_t len);
/* The same, includes/excludes.caps checked against caps (ML_CAP_BIT). */
void *ml_profile_parse_caps(const char *json, uint64_t caps,
			    struct ml_profile_info *info, char *err, size_t len);
void *ml_profile_load_caps(const char *path, uint64_t caps,
			   struct ml_profile_info *info, char *err, size_t len);

/* ---- bpf.c: a classic-BPF seccomp program, for people ------------------ */

/* Prints the program libseccomp generated, one instruction a line. */
int ml_bpf_explain(FILE *out, void *ctx);
/* The same for a program of n struct sock_filter instructions. */
void ml_bpf_explain_prog(FILE *out, const void *insns, size_t n);

/* ---- sandbox.c: `modelab sandbox` --------------------------------------- */

int ml_sandbox_main(int argc, char **argv);
void ml_sandbox_usage(FILE *out);
/*
 * The capabilities the sandboxed command holds (bit N = capability N): what
 * --caps chose (Docker's 14 by default), less any modelab cannot give.
 * For the profile's includes/excludes "caps".
 */
uint64_t ml_sandbox_caps(void);
/* "docker", "none", "all" or "chown,CAP_KILL,...": a mask, or -1 with err. */
int ml_caps_parse(const char *s, uint64_t *mask, char *err, size_t len);

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

/* ---- options.c: the command line ---------------------------------------- */

enum ml_command { ML_CMD_RUN, ML_CMD_LIST, ML_CMD_ENV, ML_CMD_HELP,
		  ML_CMD_VERSION };

#define ML_MAX_SELECT 32

struct ml_options {
	enum ml_command command;
	enum ml_format format;
	bool quick;
	bool histograms;
	int cpu;			/* -1: wherever we start */
	double budget_s;		/* 0: the default */
	unsigned int forks;		/* processes a figure runs in; 0: default */
	enum ml_clock_kind clock;
	bool no_kernel;			/* do not use /proc/modelab */
	const char *kernel_counts;	/* CSV from the lab VM, or NULL */
	const char *json_out;		/* the JSON report there too, or NULL */
	const char *plot_dir;		/* run --plot: the pictures go there */
	size_t nselect;
	const char *select[ML_MAX_SELECT];	/* probe names, or none: all */
};

/*
 * Parse argv.  single_probe: the program is one probe's own binary, so
 * there is no COMMAND word (run is implied).  On error returns -1 and
 * writes one line naming the problem into err.
 */
int ml_parse_options(int argc, char **argv, bool single_probe,
		     struct ml_options *o, char *err, size_t errlen);
void ml_usage(FILE *out, const char *prog, bool single_probe);
/* `modelab help COMMAND`: run, list, env, sandbox, plot, report,
 * compare; -1 for any other */
int ml_command_help(FILE *out, const char *command);

/* ---- util.c: small shared helpers ---------------------------------------- */

/* Reads a file whole into buf (NUL-terminated); its length, or -1. */
ssize_t ml_read_file(const char *path, char *buf, size_t len);
/* A /proc/meminfo field ("MemAvailable:"), in KiB, or -1. */
long ml_meminfo_kib(const char *key);
/* Formats one line into err; always returns -1, for `return ml_errorf()`. */
int ml_errorf(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Hands a descriptor over a Unix socket (SCM_RIGHTS); 0 or -1. */
int ml_send_fd(int sock, int fd);
/* Takes one, waiting at most timeout_ms (-1: forever); the fd, or -1. */
int ml_recv_fd(int sock, int timeout_ms);

/* ---- scratch.c: scratch files and named IPC objects --------------------- */

/* What a registered name is, so that the right unlink removes it. */
enum ml_scratch_kind {
	ML_SCRATCH_FILE,	/* a path: unlink */
	ML_SCRATCH_SHM,		/* shm_open name */
	ML_SCRATCH_MQ,		/* mq_open name */
	ML_SCRATCH_SEM,		/* sem_open name */
	ML_SCRATCH_MSG,		/* System V message queue: msgctl IPC_RMID */
	ML_SCRATCH_DIR,		/* a directory: its files, then rmdir */
};

/* $MODELAB_TMPDIR if set and non-empty, else $TMPDIR, else /tmp. */
const char *ml_scratch_base(void);
/*
 * The run's private directory, base/modelab-PID-XXXXXX (0700), made on
 * first use; NULL with errno set when it cannot be.
 */
const char *ml_scratch_dir(void);
/*
 * For a file that must be on a disk (major faults): the run directory,
 * unless MODELAB_TMPDIR is unset and that directory is on tmpfs; then one
 * in /var/tmp when it is writable.  MODELAB_TMPDIR always wins.
 */
const char *ml_scratch_dir_on_disk(void);
/*
 * buf = RUNDIR/name (or, _disk_, in ml_scratch_dir_on_disk()), registered
 * for removal.  0, or -1 with errno set.
 */
int ml_scratch_path(char *buf, size_t len, const char *name);
int ml_scratch_disk_path(char *buf, size_t len, const char *name);
/* buf = RUNDIR/name, a directory made and removed with all it holds. */
int ml_scratch_subdir(char *buf, size_t len, const char *name);
/* buf = /modelab-PID-WHAT for shm_open, mq_open or sem_open, registered. */
int ml_scratch_ipc_name(char *buf, size_t len, enum ml_scratch_kind kind,
			const char *what);
/*
 * A System V message queue (msgget), registered by its id: buf receives
 * the id in decimal, the name that ml_scratch_forget() takes.
 */
int ml_scratch_msg_queue(char *buf, size_t len, int msqid);
/* The probe removed it itself: no longer registered. */
void ml_scratch_forget(const char *name);
/*
 * Removes every registered object and the run directories; idempotent and
 * async-signal-safe.  Only in the process that registered them.
 */
void ml_scratch_remove_all(void);

/* ---- child.c: children and threads ---------------------------------------- */

/*
 * fork(), registered; in the child the caught signals are back to their
 * defaults and, when cpu >= 0, it is pinned there.
 */
pid_t ml_child_fork(int cpu);
/*
 * A new process running the self-exec helper of that name (selfexec.c)
 * with argv, registered.  Its pid, or -1 with errno set.
 */
pid_t ml_child_spawn_helper(const char *helper, char *const argv[], int cpu);
/*
 * Waits for pid at most timeout_s (< 0: no limit), then SIGKILLs and reaps
 * it; unregisters it.  0 when it ended by itself, 1 when it was killed,
 * -1 with errno set.
 */
int ml_child_reap(pid_t pid, double timeout_s, int *status);
/*
 * Has pid ended?  Never waits: 1 when it had and is now reaped and
 * unregistered (*status as waitpid gives it), 0 while it still runs,
 * -1 with errno set (not our child: unregistered too).
 */
int ml_child_poll(pid_t pid, int *status);
/*
 * pid, a grandchild that will come to us when its parent dies (we are a
 * subreaper: prctl(PR_SET_CHILD_SUBREAPER)), registered like a child:
 * ml_children_kill_all kills it and, once it is ours, reaps it.  Register
 * it only while nobody but us will reap it; ml_child_reap forgets it
 * (-1, ECHILD, when it was not ours to reap).
 */
void ml_children_adopt(pid_t pid);
/* The caller reaped pid itself (a raw waitpid): no longer registered. */
void ml_child_forget(pid_t pid);
/*
 * SIGKILL every registered child and adopted grandchild, then reap them,
 * children first; async-signal-safe.
 */
void ml_children_kill_all(void);
/* pthread_create, pinned to cpu when cpu >= 0; 0 or an error number. */
int ml_thread_start(pthread_t *t, void *(*fn)(void *), void *arg, int cpu);

/* ---- selfexec.c: helpers in a fresh exec of this program ------------------ */

#define ML_HELPER_ENV "MODELAB_HELPER"

struct ml_helper {
	const char *name;
	int (*fn)(int argc, char **argv);	/* returns the exit status */
};

/*
 * ML_HELPER("name", fn) at file scope: ml_child_spawn_helper("name", ...)
 * runs fn(argc, argv) in the new process, before main, and exits.
 */
#define ML_HELPER(hname, hfn)                                               \
	static const struct ml_helper ml_helper_##hfn                       \
	__attribute__((used, section("ml_helpers"),                         \
		       aligned(sizeof(void *)))) = { hname, hfn }

/* ---- main.c: the shared driver of modelab and every probe program ------- */

int ml_main(int argc, char **argv, const struct ml_probe *const *probes,
	    size_t nprobes, bool single_probe);

/*
 * ML_PROBE(var) files a pointer to the probe in the linker section
 * ml_probes, which `modelab` reads (modelab.c): no list to keep by hand.
 */
#define ML_PROBE(var)                                                       \
	static const struct ml_probe *const ml_probe_entry_##var            \
	__attribute__((used, section("ml_probes"))) = &(var)

/*
 * Every probe file ends with ML_PROBE_MAIN(its probe).  Built with
 * -DML_STANDALONE the file is a program of its own (bin/modelab-NAME);
 * built without, it is one of the probes linked into `modelab`.
 */
#ifdef ML_STANDALONE
#define ML_PROBE_MAIN(probe)                                                \
	int main(int argc, char **argv)                                     \
	{                                                                   \
		const struct ml_probe *const one[] = { &(probe) };          \
		return ml_main(argc, argv, one, 1, true);                   \
	}
#else
#define ML_PROBE_MAIN(probe) ML_PROBE(probe);
#endif

#define ML_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * For an op that touches memory: AddressSanitizer would touch its shadow
 * memory too, and those faults would be counted as the op's.
 */
#define ML_NO_ASAN __attribute__((no_sanitize_address))

#endif /* MODELAB_H */
