/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - what the parts of libmodelab share and probes do not see.
 */
#ifndef MODELAB_INTERNAL_H
#define MODELAB_INTERNAL_H

#include "modelab.h"

/*
 * The result whose figure's hooks run from now on (NULL: none), so that
 * ml_fail() knows which figure failed.
 */
void ml_hooks_for(struct ml_result *res);
/* A figure's hooks, one context each (measure.c). */
void ml_ctx_init(struct ml_ctx *ctx, const struct ml_figure *fig,
		 struct ml_result *res);
/*
 * Calls hook (if any) for pass; a failure of any hook but setup and
 * verify fails the figure with the hook's reason.  Returns what it did.
 */
int ml_hook_call(ml_hook *hook, struct ml_ctx *ctx, enum ml_pass pass);
/* Fails ctx's figure with prefix and the hook's reason. */
void ml_hook_failed(struct ml_ctx *ctx, const char *prefix);

/* ---- measure.c: the measuring loop (forks.c runs it in processes) ---- */

struct ml_measure_opts {
	double budget_s;	/* time budget per figure, in this process */
	double target_ci;	/* converged: the CI half-width at most this
				 * fraction of the value */
	size_t min_rounds;	/* before the target may end the rounds */
	size_t least_rounds;	/* before the budget may: 6 for an interval
				 * from one process, fewer with forks */
	double batch_ns;	/* aim for batches about this long */
	bool progress;		/* progress lines on stderr */
	/* for the progress line's "[done+1/total]"; total 0: no counter */
	size_t figures_done, figures_total;
	const char *pass;	/* "process 2 of 6", or NULL */
	/*
	 * Called once per figure measured, with every sample (ns per op) and
	 * when its measuring began and ended (ml_monotonic_ns()): forks.c
	 * keeps them.  NULL: nothing kept.
	 */
	void (*keep)(void *arg, const struct ml_result *res,
		     const double *samples, size_t n, uint64_t start_ns,
		     uint64_t end_ns);
	void *keep_arg;
	/* the batch size to start from (what the first process chose); 0:
	 * the figure's min_batch.  NULL: always that. */
	uint64_t (*batch_of)(void *arg, const struct ml_result *res);
};

/*
 * The '*' of the report: an interval wider than +-ML_TARGET_CI of its
 * value.  Measured with six processes on this project's machines, most
 * figures' intervals are narrower (docs/measuring.md).
 */
#define ML_TARGET_CI 0.05
/*
 * The time budget of a figure, over all its processes: 0.3 s keeps the
 * native part of `make run` within a minute on the project's two-CPU
 * machine with six processes a figure (docs/measuring.md).
 */
#define ML_BUDGET_S 0.3

void ml_measure_defaults(struct ml_measure_opts *o, bool quick);
/* How a claim on a pair came out, from res->pair_ratio. */
void ml_judge_claim(struct ml_result *res, enum ml_claim claim);
/*
 * Measures n figures of one probe that share rounds (the same group, or
 * one figure alone), with the null syscall beside them, into res[0..n).
 * Demonstrations and sample figures are measured alone (n == 1).
 * Returns 0, or -1 with errno set.
 */
int ml_measure_group(const struct ml_clock *clock,
		     const struct ml_measure_opts *o,
		     const struct ml_probe *probe,
		     const struct ml_figure *const *figs, size_t n,
		     struct ml_result *res);

/* ---- forks.c: a figure measured in several processes ------------------ */

#define ML_MAX_FORKS 32
#define ML_DEFAULT_FORKS 6

/* What each process gave for one figure: its value, its ratio. */
struct ml_fork_values {
	size_t n;
	double value[ML_MAX_FORKS], ratio[ML_MAX_FORKS];
};

/* How a run's figures were measured, for the report. */
struct ml_method {
	unsigned int forks;	/* processes asked for, per figure */
	size_t processes;	/* the most any figure got */
	double budget_s;	/* per figure, over all its processes */
	double target_ci;	/* '*': an interval wider than +-this */
	double span_s;		/* the first process's start to the last's end */
	double speed_ns[ML_MAX_FORKS];	/* the speed reference in each */
	const struct ml_result *results;	/* values[i] is results[i]'s */
	const struct ml_fork_values *values;
};

/* What the later processes are told. */
struct ml_fork_args {
	const struct ml_clock *clock;
	double budget_s;	/* per figure, over all the processes */
	int quick, cpu, progress;
};

struct ml_forks;
/*
 * A run of `forks` processes per figure: from now on mo measures this
 * process's share (budget_s / forks) and keeps what it saw for results
 * (the first pass, which the caller makes with ml_measure_probe).
 */
struct ml_forks *ml_forks_begin(struct ml_measure_opts *mo, unsigned int forks,
				double budget_s, struct ml_result *results,
				size_t nresults);
/*
 * The later passes, each a fresh exec of this program, one after another,
 * for the nresults results the first pass filled.
 */
void ml_forks_later(struct ml_forks *f, const struct ml_fork_args *a,
		    size_t nresults);
/* Every figure's value and interval from all its processes. */
const struct ml_method *ml_forks_end(struct ml_forks *f);
void ml_forks_free(struct ml_forks *f);
/*
 * One probe's wanted figures, group by group; when ob is not NULL, each
 * one's witness pass.  How many results it filled, or -1 (errno).
 */
ssize_t ml_measure_probe(const struct ml_clock *clock,
			 struct ml_measure_opts *mo, struct ml_observer *ob,
			 const struct ml_probe *probe, const bool *want,
			 struct ml_result *results);
/* argv asks for a later process (ml_main runs it before anything else). */
bool ml_fork_asked(int argc, char **argv);
int ml_fork_main(int argc, char **argv, const struct ml_probe *const *probes,
		 size_t nprobes);

/* cpu.c: back to the CPUs allowed before pinning (for a new program). */
int ml_unpin(void);
/* child.c: on Ctrl-C pid gets SIGTERM, and time to clean up, first. */
void ml_child_polite(pid_t pid);

/* report.c, for csv.c: a figure with a median to show; its MB/s or NAN. */
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

/* cleanup.c: installed by ml_main (kernel: restore /proc/modelab too). */
void ml_cleanup_install(bool kernel);
/* In a child of ml_child_fork: the caught signals back to their default. */
void ml_cleanup_in_child(void);

/* selfexec.c: the helper of that name in this program, or NULL. */
const struct ml_helper *ml_helper_find(const char *name);

/*
 * decode.c: a system call's arguments spelled out like strace, for the
 * notify supervisor.  read fetches len bytes at addr of the caller's
 * memory into buf and returns how many it got (-1: none); strings,
 * structures and argv are read through it.  Calls decode.c does not know
 * keep their six arguments in hex.
 */
typedef ssize_t ml_mem_read(void *cookie, uint64_t addr, void *buf,
			    size_t len);
size_t ml_decode_call(char *buf, size_t len, const char *name,
		      const uint64_t args[6], ml_mem_read *read, void *cookie);
/* The pieces, for the unit test: each writes into buf and returns it. */
const char *ml_decode_open_flags(uint64_t flags, char *buf, size_t len);
const char *ml_decode_dirfd(uint64_t fd, char *buf, size_t len);
const char *ml_decode_family(uint64_t family, char *buf, size_t len);
const char *ml_decode_at_flags(uint64_t flags, char *buf, size_t len);
const char *ml_decode_sock_type(uint64_t type, char *buf, size_t len);
/* Reads the memory of a notifying process, then checks that its
 * notification id (cookie: struct ml_notif_mem) is still valid. */
struct ml_notif_mem {
	int fd;			/* the listener */
	uint64_t id;		/* the notification */
	pid_t pid;
};
ssize_t ml_notif_mem_read(void *cookie, uint64_t addr, void *buf,
			  size_t len);

/*
 * jail.c: who the sandboxed command is.  caps: --caps; uid, gid: who it
 * is on the host (ML_NOBODY when root runs modelab, unless --user); userns:
 * root in a user namespace of its own mapped to uid; landlock: a domain
 * of its own where the kernel has Landlock.
 */
#define ML_NOBODY 65534
struct ml_jail {
	uint64_t caps;
	uid_t uid;
	gid_t gid;
	bool userns, landlock;
};
/* The choice ml_sandbox_caps() answers for. */
void ml_jail_choose(const struct ml_jail *j);
int ml_user_parse(const char *s, uid_t *uid, gid_t *gid, char *err,
		  size_t len);
/* In the child: capabilities, uid (switch_uid), no_new_privs, Landlock. */
int ml_jail_enter(const struct ml_jail *j, bool switch_uid);
/* pid's ("self" or a number) user namespace maps 0 to uid and gid. */
int ml_jail_map(const char *pid, uid_t uid, gid_t gid);
/* PID 1 of --isolate: a /proc of its own, /proc/sys and /sys read-only. */
int ml_jail_mounts(void);

/*
 * guard.c: a filter with modelab's own rules in front (refusals of a new
 * listener, of tracing seccomp stops, TIOCSTI, new user namespaces), as
 * one program, and whether it needs a supervisor (it returns USER_NOTIF)
 * or SECCOMP_FILTER_FLAG_LOG.  info (may be NULL): calls newer than
 * libseccomp a profile refuses, refused by number.
 */
struct ml_filter {
	void *insns;		/* struct sock_filter[n] */
	size_t n;
	bool notify, log;
};
int ml_guard_build(void *main_ctx, const struct ml_profile_info *info,
		   struct ml_filter *f, char *err, size_t len);
void ml_guard_free(struct ml_filter *f);
/* Loads it (no_new_privs first): the listener's descriptor, 0, or -1. */
int ml_guard_load(const struct ml_filter *f);
/* Prints the guard's rules as libseccomp's pseudo code. */
int ml_guard_explain(FILE *out, void *main_ctx);

#endif /* MODELAB_INTERNAL_H */
