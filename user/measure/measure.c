// SPDX-License-Identifier: GPL-2.0
/*
 * measure.c - the measuring loop every figure goes through.
 *
 * BATCHES
 *   An operation that takes tens of nanoseconds cannot be timed one at a
 *   time: reading the clock costs about as much.  So each sample is a
 *   batch of n operations, timed as a whole with a fenced TSC; the cost of
 *   timing an empty batch is subtracted and the rest divided by n.
 *
 * ROUNDS
 *   A machine's speed is not constant: a virtual machine's host, a busy
 *   hyperthread sibling or the other core's work can make the same system
 *   call 30% slower for seconds at a time.  Batches taken next to each
 *   other share that state, so they are far from independent, and an
 *   interval computed as if they were is ten times too narrow.
 *
 *   So figures are measured in rounds.  Each round runs a short slice of
 *   every figure of a group, in an order that changes from round to
 *   round, and always a slice of the null syscall beside them.  A slow
 *   spell then hits every figure alike, and:
 *     - a figure's median is the median of its per-round medians, and its
 *       95% CI comes from those (exact binomial ranks, stats.c): rounds
 *       far apart in time are close to independent, and when the machine
 *       changes level during the run the interval widens to say so;
 *     - a ratio or a difference between two figures is taken per round,
 *       from slices measured a few milliseconds apart, so the drift of the
 *       machine cancels, and gets its own CI the same way.
 *   Rounds go on until every figure's CI is within target_ci, but never
 *   before a quarter of the budget, or until the budget is spent: then the
 *   figure is marked as not converged.
 *
 * EMPTY BATCHES AND WHAT IS TAKEN OFF
 *   The empty batch is measured before the batch size is chosen, and a
 *   batch is made at least EMPTY_SHARE times as long: what is subtracted
 *   (the clock reads, or a peer's acknowledgement that ends a transfer,
 *   tens of microseconds when the peer sleeps) is then a small share of
 *   what it is subtracted from, however noisy.  A batch that still came
 *   out shorter than the empty batch counts as 0: a time is never
 *   negative.
 *
 * WHAT ONE PROCESS CANNOT SEE
 *   Where the loader puts libc and the vDSO changes from one process to
 *   the next (address space layout randomisation), and so does how the
 *   caches and predictors treat our loops; the machine changes speed for
 *   seconds at a time.  Rounds inside one process see neither: forks.c
 *   measures every figure in several processes spread over the run and
 *   takes the interval from them.  Measured in one process alone, every
 *   interval is at least +-PLACEMENT of its value wide.
 */
#define _GNU_SOURCE
#include "measure/measuring.h"
#include "measure/run.h"
#include "measure/machine.h"
#include "measure/clock.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define EMPTY_BATCH_RUNS 255
#define EMPTY_BATCH_FEWEST 15
#define ROUNDS_PER_BUDGET 24	/* a slice is this share of a budget */
#define MAX_ROUNDS 512
#define REFERENCE_SLICE_NS 2e6	/* the null syscall's slice, at most */
#define MIN_SLICE_BATCHES 5
#define SLICE_CAP 4		/* times the planned length of a slice */
#define CI_ROUNDS 6		/* the fewest that give a 95% interval */
#define OVERRUN 4		/* for those, the budget may stretch so far */
#define PLACEMENT 0.005		/* between processes: see above */
#define EMPTY_SHARE 20		/* a batch, at least this many empty ones */

int ml_null_syscall(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++)
		syscall(SYS_getppid);
	return 0;
}

void ml_measure_defaults(struct ml_measure_opts *o, bool quick)
{
	memset(o, 0, sizeof(*o));
	o->budget_s = quick ? 0.05 : ML_BUDGET_S;
	o->target_ci = ML_TARGET_CI;
	o->min_rounds = quick ? 8 : 12;
	o->least_rounds = CI_ROUNDS;
	o->batch_ns = 10000;
}

/* Times one batch of n ops; the figure's preparation is not timed. */
static uint64_t time_batch(const struct ml_clock *c, struct ml_ctx *ctx,
			   enum ml_pass pass, uint64_t n)
{
	uint64_t t0, t1;
	int rc;

	ctx->n = n;
	if (ml_hook_call(ctx->fig->prepare, ctx, pass) < 0)
		return 0;
	ctx->pass = pass;
	t0 = ml_clock_begin(c);
	rc = ctx->fig->run(ctx);
	t1 = ml_clock_end(c);
	if (rc < 0)
		ml_hook_failed(ctx, "");
	return t1 - t0;
}

/*
 * The fixed cost of timing a batch: the clock reads and the call itself.
 * The median of EMPTY_BATCH_RUNS, or of those that fit in `seconds` (at
 * least EMPTY_BATCH_FEWEST): an empty batch that forks a child or drops
 * a file's pages must not cost more than the figure's measuring.
 */
static double empty_batch_ticks(const struct ml_clock *c, struct ml_ctx *ctx,
				double seconds, double *fastest)
{
	uint64_t end = ml_monotonic_ns() + (uint64_t)(seconds * 1e9);
	double t[EMPTY_BATCH_RUNS];
	struct ml_stats st;
	size_t n = 0;

	while (n < EMPTY_BATCH_RUNS &&
	       (n < EMPTY_BATCH_FEWEST || ml_monotonic_ns() < end))
		t[n++] = (double)time_batch(c, ctx, ML_PASS_WARMUP, 0);
	ml_stats_compute(t, n, &st);
	*fastest = st.min;
	return st.median;
}

/*
 * Double n until one batch takes at least batch_ns, from the figure's
 * min_batch (or `from`, what the first process chose) up to its
 * max_batch.  Returns n; *ns is what a batch took.
 */
static uint64_t choose_batch(const struct ml_clock *c, struct ml_ctx *ctx,
			     double batch_ns, double *ns, uint64_t from)
{
	const struct ml_figure *fig = ctx->fig;
	uint64_t max = fig->max_batch ? fig->max_batch : (1ull << 30);
	uint64_t n = fig->min_batch ? fig->min_batch : 1;

	if (from > n)
		n = from < max ? from : max;

	for (;;) {
		double best = INFINITY;

		for (int i = 0; i < 3; i++)
			best = fmin(best, (double)time_batch(c, ctx,
							    ML_PASS_WARMUP, n));
		*ns = best / c->ticks_per_ns;
		if (*ns >= batch_ns || n >= max || ctx->res->failed)
			break;
		n = 2 * n < max ? 2 * n : max;
	}
	return n;
}

static void warm_up(const struct ml_clock *c, struct ml_ctx *ctx, uint64_t n,
		    double seconds)
{
	uint64_t end = ml_monotonic_ns() + (uint64_t)(seconds * 1e9);

	do
		time_batch(c, ctx, ML_PASS_WARMUP, n);
	while (ml_monotonic_ns() < end && !ctx->res->failed);
}

static int summarise(const double *samples, size_t n, struct ml_stats *st,
		     struct ml_hist *hist)
{
	double *copy = malloc(n * sizeof(*copy));

	if (!copy)
		return -1;
	memcpy(copy, samples, n * sizeof(*copy));
	ml_stats_compute(copy, n, st);
	if (hist)
		ml_hist_build(copy, n, st->min, st->p99, ML_HIST_BUCKETS,
			      hist);
	free(copy);
	return 0;
}

/* The median of a copy of v[0..n): v keeps its order. */
static double median_of(const double *v, size_t n, double *scratch)
{
	struct ml_interval iv;

	memcpy(scratch, v, n * sizeof(*v));
	ml_median_ci(scratch, n, &iv);
	return iv.value;
}

/* The results of the group being measured: a figure's place in the run. */
static const struct ml_result *group_res;
static size_t group_n;

/* One line on a terminal, rewritten in place: "[37/115] probe/figure: ..." */
static void progress(const struct ml_measure_opts *o,
		     const struct ml_result *res, const char *fmt, ...)
{
	size_t at = o->figures_done + 1;
	va_list ap;

	if (!o->progress)
		return;
	if (res >= group_res && res < group_res + group_n)
		at += (size_t)(res - group_res);
	fprintf(stderr, "\r\033[K");
	if (o->figures_total)
		fprintf(stderr, "[%zu/%zu] ", at, o->figures_total);
	fprintf(stderr, "%s/%s: ", res->probe->name, res->fig->name);
	if (o->pass && *fmt)
		fprintf(stderr, "%s, ", o->pass);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (!*fmt)
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

/*
 * A figure of individual samples: the figure takes them itself (a sleep
 * and its lateness, a gap in a busy loop), for as long as the budget.
 * Neighbouring samples share the machine's state, so the median's CI
 * comes from the medians of ROUNDS_PER_BUDGET stretches of them, in the
 * order they were taken.  /proc/interrupts read around it is the witness
 * of what happened.
 */
static int measure_samples(const struct ml_clock *c,
			   const struct ml_measure_opts *o,
			   const struct ml_figure *fig, struct ml_result *res)
{
	size_t cap = 1u << 20, n, blocks;
	double *samples = malloc(cap * sizeof(*samples));
	double *medians = malloc(ROUNDS_PER_BUDGET * sizeof(*medians));
	double *scratch = malloc(cap * sizeof(*scratch));
	struct ml_irq_table before, after;
	bool irqs = !ml_irq_read("/proc/interrupts", &before);
	uint64_t start = ml_monotonic_ns();
	struct ml_interval iv;
	int rc = -1;

	if (!samples || !medians || !scratch)
		goto out;
	progress(o, res, "sampling");
	ml_hooks_for(res);
	n = fig->sample(c, samples, cap, o->budget_s, res);
	ml_hooks_for(NULL);
	res->seconds = (double)(ml_monotonic_ns() - start) / 1e9;
	if (irqs && !ml_irq_read("/proc/interrupts", &after)) {
		ml_witness_irqs(&res->w, &before, &after, (double)n,
				fig->irq_cpus);
		ml_irq_free(&after);
	}
	res->batch_ops = 1;
	res->batches = n;
	res->w.ops = n;
	res->w.verified = true;
	rc = 0;
	if (!n || res->failed)
		goto out;
	if (summarise(samples, n, &res->st, &res->hist)) {
		rc = -1;
		goto out;
	}
	blocks = n < ROUNDS_PER_BUDGET ? n : ROUNDS_PER_BUDGET;
	for (size_t b = 0; b < blocks; b++) {
		size_t lo = b * n / blocks, hi = (b + 1) * n / blocks;

		medians[b] = median_of(samples + lo, hi - lo, scratch);
	}
	ml_median_ci(medians, blocks, &iv);
	res->rounds = blocks;
	res->converged = ml_interval_rel(&iv) <= o->target_ci;
	ml_interval_floor(&iv, PLACEMENT * fabs(iv.value));
	res->st.median = iv.value;
	res->st.ci_low = iv.low;
	res->st.ci_high = iv.high;
	if (o->keep)
		o->keep(o->keep_arg, res, samples, n, start,
			start + (uint64_t)(res->seconds * 1e9));
out:
	progress(o, res, "");
	if (irqs)
		ml_irq_free(&before);
	free(samples);
	free(medians);
	free(scratch);
	if (rc)
		errno = ENOMEM;
	return rc;
}

static void demonstrate(const struct ml_measure_opts *o,
			const struct ml_figure *fig, struct ml_result *res)
{
	const char *why;

	res->demonstration = true;
	progress(o, res, "demonstrating");
	ml_hooks_for(res);
	why = fig->demonstrate(res);
	ml_hooks_for(NULL);
	progress(o, res, "");
	res->w.verified = !why;
	snprintf(res->w.verify_error, sizeof(res->w.verify_error), "%s",
		 why ? why : "");
	if (why && !res->failed) {
		res->failed = true;
		snprintf(res->fail_reason, sizeof(res->fail_reason), "%s",
			 why);
	}
}

/* ---- rounds ------------------------------------------------------------- */

/* One figure of a group, and what its rounds collected. */
struct slot {
	const struct ml_figure *fig;
	struct ml_result *res;
	struct ml_ctx *ctx;
	uint64_t batch;
	double empty;		/* ticks of an empty batch */
	size_t slice;		/* batches per round */
	uint64_t slice_cap_ns;	/* a slice stops early past this */
	double *samples;	/* every batch, ns per op */
	size_t nsamples, cap;
	double *round;		/* the median of each round's slice */
	size_t nrounds;
	uint64_t ns_spent;
	bool live;		/* set up, not failed */
};

static const struct ml_figure null_syscall_figure = {
	.name = "null-syscall",
	.what = "getppid through syscall(2): the reference of every ratio",
	.run = ml_null_syscall,
};

static void slot_leave(struct slot *s)
{
	ml_hook_call(s->fig->leave, s->ctx, s->ctx->pass);
	ml_hooks_for(NULL);
	if (s->res->failed)
		s->live = false;
}

static void slot_enter(struct slot *s, enum ml_pass pass)
{
	ml_hooks_for(s->res);
	ml_hook_call(s->fig->enter, s->ctx, pass);
}

/*
 * Batch size, warm-up, empty batch and slice length; untimed.  The batch
 * is at least EMPTY_SHARE empty batches long, as measured after the
 * warm-up, when the figure's max_batch allows.
 */
static void slot_prepare(const struct ml_clock *c,
			 const struct ml_measure_opts *o, struct slot *s,
			 double slice_ns)
{
	double batch_ns = 0, want = o->batch_ns, fastest = 0;
	uint64_t from = o->batch_of ? o->batch_of(o->keep_arg, s->res) : 0;

	slot_enter(s, ML_PASS_WARMUP);
	for (int tries = 0; tries < 3 && !s->res->failed; tries++) {
		s->batch = choose_batch(c, s->ctx, want, &batch_ns, from);
		if (!tries)
			warm_up(c, s->ctx, s->batch,
				fmin(0.02, o->budget_s / 10));
		s->empty = empty_batch_ticks(c, s->ctx, o->budget_s / 10,
					     &fastest);
		want = EMPTY_SHARE * s->empty / c->ticks_per_ns;
		if (batch_ns >= want)
			break;
	}
	/*
	 * No batch as long as EMPTY_SHARE empty ones (max_batch, or a peer
	 * that ran late while the batch was sized): the median empty batch
	 * may then outlast whole batches, and every batch count 0.  Only the
	 * fastest empty batch is surely part of every batch: take that off.
	 * Seen with a CPU hog beside a spinning peer (ipc's shm-spin at 64
	 * KiB on two CPUs: batches of 4 messages, a median of 0).
	 */
	if (batch_ns < want)
		s->empty = fastest;
	slot_leave(s);
	s->res->batch_ops = s->batch;
	s->res->empty_batch_ns = s->empty / c->ticks_per_ns;
	s->slice = (size_t)(slice_ns / fmax(batch_ns, 1));
	if (s->slice < MIN_SLICE_BATCHES)
		s->slice = MIN_SLICE_BATCHES;
	/* a machine gone slow must not stretch one round without bound */
	s->slice_cap_ns = (uint64_t)(SLICE_CAP * fmax(slice_ns,
						      s->slice * batch_ns));
}

/* One slice of one figure: its batches, and their median as the round's. */
static int slot_slice(const struct ml_clock *c, struct slot *s,
		      double *scratch)
{
	uint64_t t0 = ml_monotonic_ns();
	size_t done = 0;
	double *mine, fastest, empty;

	if (s->nsamples + s->slice > s->cap) {
		size_t cap = 2 * (s->cap + s->slice);
		double *more = realloc(s->samples, cap * sizeof(*more));

		if (!more)
			return -1;
		s->samples = more;
		s->cap = cap;
	}
	if (!s->round) {
		s->round = malloc(MAX_ROUNDS * sizeof(*s->round));
		if (!s->round)
			return -1;
	}
	mine = s->samples + s->nsamples;
	fastest = INFINITY;
	slot_enter(s, ML_PASS_TIMED);
	while (done < s->slice && !s->res->failed) {
		double ticks = (double)time_batch(c, s->ctx, ML_PASS_TIMED,
						  s->batch);

		mine[done++] = ticks;
		fastest = fmin(fastest, ticks);
		if (ml_monotonic_ns() - t0 > s->slice_cap_ns)
			break;
	}
	slot_leave(s);
	/*
	 * What is taken off: the empty batch, but never more than the fastest
	 * batch of the slice, which holds the fixed cost too.  An empty batch
	 * measured while a peer waited for its CPU (a CPU hog beside ipc's
	 * shm-spin at 64 KiB, two CPUs) outlasted most batches timed once
	 * the peer ran again, and made the median 0.  And never negative: a
	 * batch has no less than nothing.
	 */
	empty = fmin(s->empty, fastest);
	for (size_t i = 0; i < done; i++)
		mine[i] = fmax(0, mine[i] - empty) / c->ticks_per_ns /
			  (double)s->batch;
	s->ns_spent += ml_monotonic_ns() - t0;
	if (s->res->failed)
		return 0;
	s->round[s->nrounds++] = median_of(mine, done, scratch);
	s->nsamples += done;
	return 0;
}

/*
 * A per-round ratio (b / a) or difference (b - a), with its CI, widened
 * by what placement may do to either side (nothing when b is a: the null
 * syscall against itself is exactly 1).
 */
static void paired(const struct ml_measure_opts *o, const struct slot *b,
		   const struct slot *a, bool ratio, struct ml_interval *iv,
		   double *scratch)
{
	size_t n = a->nrounds < b->nrounds ? a->nrounds : b->nrounds;
	double sum = 0;

	for (size_t i = 0; i < n; i++) {
		scratch[i] = ratio ? b->round[i] / a->round[i] :
				     b->round[i] - a->round[i];
		sum += fabs(a->round[i]) + fabs(b->round[i]);
	}
	ml_median_ci(scratch, n, iv);
	/* a difference is as settled as its ratio: see slot_finish() */
	iv->converged = ml_interval_rel(iv) <= o->target_ci;
	if (a != b)
		ml_interval_floor(iv, PLACEMENT * (ratio ? fabs(iv->value) :
						   n ? sum / (double)n : 0));
}

void ml_judge_claim(struct ml_result *res, enum ml_claim claim)
{
	const struct ml_interval *r = &res->pair_ratio;

	if (claim == ML_CLAIM_NONE || !(r->n > 0))
		return;
	if (r->coverage < 0.95)
		res->claim_outcome = ML_CLAIM_UNDECIDED;
	else if (claim == ML_CLAIM_CHEAPER ? r->high < 1 : r->low > 1)
		res->claim_outcome = ML_CLAIM_HELD;
	else if (claim == ML_CLAIM_CHEAPER ? r->low > 1 : r->high < 1)
		res->claim_outcome = ML_CLAIM_NOT_HELD;
	else
		res->claim_outcome = ML_CLAIM_UNDECIDED;
}

/* Every batch's statistics; the median and its CI from the rounds. */
static int slot_finish(const struct ml_measure_opts *o, struct slot *s,
		       const struct slot *ref, struct slot *slots, size_t n,
		       double *scratch)
{
	struct ml_result *res = s->res;
	struct ml_interval iv;

	res->rounds = s->nrounds;
	res->batches = s->nsamples;
	res->seconds = (double)s->ns_spent / 1e9;
	if (res->failed || !s->nrounds)
		return 0;
	if (summarise(s->samples, s->nsamples, &res->st, &res->hist))
		return -1;
	memcpy(scratch, s->round, s->nrounds * sizeof(*scratch));
	ml_median_ci(scratch, s->nrounds, &iv);
	res->converged = ml_interval_rel(&iv) <= o->target_ci;
	ml_interval_floor(&iv, PLACEMENT * fabs(iv.value));
	res->st.median = iv.value;
	res->st.ci_low = iv.low;
	res->st.ci_high = iv.high;
	if (ref && ref->nrounds)
		paired(o, s, ref, true, &res->ratio_ref, scratch);
	for (size_t i = 0; s->fig->pair_with && i < n; i++) {
		const struct slot *a = &slots[i];

		if (strcmp(a->fig->name, s->fig->pair_with) || !a->nrounds)
			continue;
		res->pair_name = a->fig->name;
		paired(o, s, a, true, &res->pair_ratio, scratch);
		paired(o, s, a, false, &res->pair_diff, scratch);
		res->pair_diff.converged = res->pair_ratio.converged;
		ml_judge_claim(res, s->fig->claim);
	}
	return 0;
}

/* Fisher-Yates with a small xorshift: a new order every round. */
static void shuffle(size_t *order, size_t n, uint64_t *seed)
{
	for (size_t i = n; i > 1; i--) {
		size_t j, t;

		*seed ^= *seed << 13;
		*seed ^= *seed >> 7;
		*seed ^= *seed << 17;
		j = (size_t)(*seed % i);
		t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
}

static bool all_converged(const struct ml_measure_opts *o,
			  const struct slot *slots, size_t n, double *scratch)
{
	for (size_t i = 0; i < n; i++) {
		struct ml_interval iv;

		if (!slots[i].live || slots[i].fig == &null_syscall_figure)
			continue;
		memcpy(scratch, slots[i].round,
		       slots[i].nrounds * sizeof(*scratch));
		ml_median_ci(scratch, slots[i].nrounds, &iv);
		if (ml_interval_rel(&iv) > o->target_ci)
			return false;
	}
	return true;
}

static int run_rounds(const struct ml_clock *c,
		      const struct ml_measure_opts *o, struct slot *slots,
		      size_t n, size_t nfigures, double *scratch)
{
	uint64_t start = ml_monotonic_ns();
	uint64_t budget = (uint64_t)(o->budget_s * 1e9 * (double)nfigures);
	uint64_t seed = ml_clock_now(c) | 1;
	size_t order[ML_MAX_GROUP + 1];

	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t r = 0; r < MAX_ROUNDS; r++) {
		uint64_t spent;
		size_t live = 0;

		shuffle(order, n, &seed);
		for (size_t i = 0; i < n; i++) {
			struct slot *s = &slots[order[i]];

			if (s->live && slot_slice(c, s, scratch))
				return -1;
			live += s->live && s->fig != &null_syscall_figure;
		}
		progress(o, slots[0].res, "round %zu", r + 1);
		spent = ml_monotonic_ns() - start;
		/* past the budget, but never with too few rounds for an
		 * interval, unless the machine is far slower than planned */
		if (!live || (spent >= budget && r + 1 >= o->least_rounds) ||
		    spent >= OVERRUN * budget)
			break;
		if (r + 1 >= o->min_rounds && spent >= budget / 4 &&
		    all_converged(o, slots, n, scratch))
			break;
	}
	return 0;
}

static void init_result(struct ml_result *res, const struct ml_probe *probe,
			const struct ml_figure *fig)
{
	memset(res, 0, sizeof(*res));
	res->probe = probe;
	res->fig = fig;
	res->ratio_ref.value = res->ratio_ref.low = res->ratio_ref.high = NAN;
	res->pair_ratio = res->pair_diff = res->ratio_ref;
}

int ml_measure_group(const struct ml_clock *c, const struct ml_measure_opts *o,
		     const struct ml_probe *probe,
		     const struct ml_figure *const *figs, size_t n,
		     struct ml_result *res)
{
	struct slot slots[ML_MAX_GROUP + 1] = { 0 };
	struct ml_ctx ctx[ML_MAX_GROUP + 1];
	bool ready[ML_MAX_GROUP] = { 0 };
	struct ml_result *ref_res = NULL;
	struct slot *ref = NULL;
	size_t nslots = 0, nlive = 0, most = MAX_ROUNDS;
	double *scratch = NULL, slice_ns;
	uint64_t start, end;
	int rc = -1;

	if (n == 0 || n > ML_MAX_GROUP) {
		errno = EINVAL;
		return -1;
	}
	group_res = res;
	group_n = n;
	for (size_t i = 0; i < n; i++) {
		int why;

		init_result(&res[i], probe, figs[i]);
		ml_ctx_init(&ctx[i], figs[i], &res[i]);
		why = ml_hook_call(figs[i]->setup, &ctx[i], ML_PASS_SETUP);
		if (why == ML_SKIP) {
			res[i].skipped = true;
			snprintf(res[i].skip_reason,
				 sizeof(res[i].skip_reason), "%s", ctx[i].why);
			continue;
		}
		if (why < 0) {
			ml_hook_failed(&ctx[i], "cannot set up: ");
			continue;
		}
		ready[i] = true;
		if (figs[i]->demonstrate || figs[i]->sample) {
			/* alone by construction: n == 1 */
			if (figs[i]->demonstrate)
				demonstrate(o, figs[i], &res[i]);
			else
				rc = measure_samples(c, o, figs[i], &res[i]);
			ml_hook_call(figs[i]->teardown, &ctx[i],
				     ML_PASS_SETUP);
			return figs[i]->demonstrate ? 0 : rc;
		}
		slots[nslots++] = (struct slot){ .fig = figs[i],
						 .res = &res[i],
						 .ctx = &ctx[i],
						 .live = true };
		if (figs[i]->run == ml_null_syscall && !ref)
			ref = &slots[nslots - 1];
	}
	if (nslots && !ref) {
		ref_res = malloc(sizeof(*ref_res));
		if (!ref_res)
			goto out;
		init_result(ref_res, probe, &null_syscall_figure);
		ml_ctx_init(&ctx[n], &null_syscall_figure, ref_res);
		slots[nslots] = (struct slot){ .fig = &null_syscall_figure,
					       .res = ref_res, .ctx = &ctx[n],
					       .live = true };
		ref = &slots[nslots++];
	}
	slice_ns = o->budget_s * 1e9 / ROUNDS_PER_BUDGET;
	start = ml_monotonic_ns();
	for (size_t i = 0; i < nslots; i++) {
		progress(o, slots[i].res, "warming up");
		slot_prepare(c, o, &slots[i],
			     slots[i].res == ref_res ?
				     fmin(slice_ns, REFERENCE_SLICE_NS) :
				     slice_ns);
		nlive += slots[i].live;
		most = slots[i].slice > most ? slots[i].slice : most;
	}
	scratch = malloc(most * sizeof(*scratch));
	if (!scratch)
		goto out;
	if (nlive && run_rounds(c, o, slots, nslots, nslots - !!ref_res,
				scratch))
		goto out;
	rc = 0;
	end = ml_monotonic_ns();
	for (size_t i = 0; i < nslots && !rc; i++) {
		struct slot *s = &slots[i];

		if (s->res == ref_res)
			continue;
		rc = slot_finish(o, s, ref, slots, nslots, scratch);
		if (!rc && o->keep && !s->res->failed && s->nrounds)
			o->keep(o->keep_arg, s->res, s->samples, s->nsamples,
				start, end);
	}
	if (nslots)
		progress(o, slots[0].res, "");
out:
	for (size_t i = 0; i < nslots; i++) {
		free(slots[i].samples);
		free(slots[i].round);
	}
	for (size_t i = 0; i < n; i++)
		if (ready[i])
			ml_hook_call(figs[i]->teardown, &ctx[i], ML_PASS_SETUP);
	free(ref_res);
	free(scratch);
	if (rc)
		errno = ENOMEM;
	return rc;
}
