/* SPDX-License-Identifier: GPL-2.0 */
/*
 * forks.h - what the first process of a run (forks.c) and its later ones
 * (later.c) share: the records a later process sends down the pipe, and
 * the run's state.
 */
#ifndef MODELAB_FORKS_H
#define MODELAB_FORKS_H

#include "measure/run.h"

#define FORK_ENV "MODELAB_FORK_FD"
#define FORK_COMMAND "__fork"
#define MAGIC 0x6d6c6162u
#define SPEED_STEPS 100000
#define SPEED_RUNS 7
#define MAX_RECORD_SAMPLES (1u << 22)
#define LEAST_ROUNDS 3		/* a process's rounds, at least */
#define FEWEST_FORKS 3		/* of a group that costs more to set up */
#define COST_SHARE 2		/* than this many times its budget */
#define LEAST_SPAN_S 8.0	/* a run's processes start over this long */

enum { REC_FIGURE = 1, REC_FAILED, REC_SPEED };

/*
 * What a later process sends for one figure, then nsamples doubles.  A
 * REC_SPEED record carries the speed references instead: the chain of
 * multiplications in value, the loop of calls in ratio.
 */
struct record {
	uint32_t magic, kind;
	char probe[32], figure[64];
	double value, ratio, pair_ratio, pair_diff, seconds;
	uint64_t rounds, batches, start_ns, end_ns, nsamples;
	char reason[128];
};

/* What the processes gave for one figure. */
struct acc {
	size_t n;
	double value[ML_MAX_FORKS], ratio[ML_MAX_FORKS];
	double pair_ratio[ML_MAX_FORKS], pair_diff[ML_MAX_FORKS];
	uint64_t first_ns, last_ns;
	size_t rounds, batches;
	double seconds;
	double *samples;
	size_t nsamples, cap;
};

struct ml_forks {
	struct ml_result *results;
	size_t nresults;
	struct acc *acc;
	double *cost;		/* the first process's seconds for its group */
	size_t *group;		/* and that group's figures */
	struct ml_method method;
	uint64_t first_ns, last_ns;
	uint64_t started_ns;	/* when the first process began measuring */
	struct ml_fork_values *values;	/* for the report, once ended */
	int out;		/* a later process: the pipe to the first */
	bool failed;		/* out of memory, or the pipe broke */
	/* a later process: PROBE/FIGURE:BATCH, what the first one chose */
	char **words;
	size_t nwords;
};

/* A fixed chain of dependent multiplications: its median time, ns. */
double ml_speed_reference(void);
/* A fixed loop of independent calls (as function-call): the same. */
double ml_calls_reference(void);
/* A record of res's names, magic and kind, the rest zero. */
void ml_fork_record(struct record *r, uint32_t kind,
		    const struct ml_result *res);
/* write(2) until all of buf is written; 0, or -1. */
int ml_write_all(int fd, const void *buf, size_t len);
/* measure.c's keep hook: into the run's accumulators, or down the pipe. */
void ml_fork_keep(void *arg, const struct ml_result *res,
		  const double *samples, size_t n, uint64_t start_ns,
		  uint64_t end_ns);

#endif /* MODELAB_FORKS_H */
