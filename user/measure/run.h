/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run.h - how the library runs figures, which probes do not see: the
 * hooks called (hooks.c), the measuring loop (measure.c), its processes
 * (forks.c, later.c) and the witnesses counted beside it (witness.c).
 */
#ifndef MODELAB_RUN_H
#define MODELAB_RUN_H

#include "measure/measuring.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ml_irq_table;
struct ml_observer;

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
	double calls_ns[ML_MAX_FORKS];	/* and the loop of calls */
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

#endif /* MODELAB_RUN_H */
