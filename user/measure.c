// SPDX-License-Identifier: GPL-2.0
/*
 * measure.c - the measuring loop every figure goes through.
 *
 * An operation that takes tens of nanoseconds cannot be timed one at a
 * time: reading the clock costs about as much.  So each sample is a batch
 * of n operations, timed as a whole; the cost of timing an empty batch is
 * subtracted and the rest divided by n.  Batches are collected until the
 * median is known to within target_ci (95% confidence) or the time budget
 * is spent, whichever comes first; the report says which.  Never before a
 * quarter of the budget, though: a machine's state (a busy hyperthread
 * sibling, a noisy neighbour on a VM host) can hold for tens of
 * milliseconds, and a median taken inside one such spell converges fast
 * to a figure the next run will not repeat.
 */
#define _GNU_SOURCE
#include "clock.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define EMPTY_BATCH_RUNS 255
#define MAX_SAMPLES (1u << 20)

void ml_measure_defaults(struct ml_measure_opts *o, bool quick)
{
	o->budget_s = quick ? 0.05 : 0.4;
	o->target_ci = 0.01;
	o->min_batches = quick ? 31 : 101;
	o->batch_ns = 10000;
	o->progress = false;
}

/* Times one batch of n ops; the figure's preparation is not timed. */
static uint64_t time_batch(const struct ml_clock *c,
			   const struct ml_figure *fig, uint64_t n)
{
	uint64_t t0;

	if (fig->prepare)
		fig->prepare(n);
	t0 = ml_clock_begin(c);
	fig->run(n);
	return ml_clock_end(c) - t0;
}

/* The fixed cost of timing a batch: the clock reads and the call itself. */
static double empty_batch_ticks(const struct ml_clock *c,
				const struct ml_figure *fig)
{
	double t[EMPTY_BATCH_RUNS];
	struct ml_stats st;

	for (size_t i = 0; i < EMPTY_BATCH_RUNS; i++)
		t[i] = (double)time_batch(c, fig, 0);
	ml_stats_compute(t, EMPTY_BATCH_RUNS, &st);
	return st.median;
}

/* Double n until one batch takes at least batch_ns, or hits max_batch. */
static uint64_t choose_batch(const struct ml_clock *c,
			     const struct ml_figure *fig, double batch_ns)
{
	uint64_t max = fig->max_batch ? fig->max_batch : (1ull << 30);
	uint64_t n = fig->min_batch ? fig->min_batch : 1;

	while (n < max) {
		double best = INFINITY;

		for (int i = 0; i < 3; i++)
			best = fmin(best, (double)time_batch(c, fig, n));
		if (best / c->ticks_per_ns >= batch_ns)
			break;
		n *= 2;
	}
	return n < max ? n : max;
}

static void warm_up(const struct ml_clock *c, const struct ml_figure *fig,
		    uint64_t n, double seconds)
{
	uint64_t end = ml_monotonic_ns() + (uint64_t)(seconds * 1e9);

	do
		time_batch(c, fig, n);
	while (ml_monotonic_ns() < end);
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

static void progress(const struct ml_measure_opts *o,
		     const struct ml_result *res, const char *state)
{
	if (!o->progress)
		return;
	fprintf(stderr, "\r\033[K  %s/%s: %s", res->probe->name,
		res->fig->name, state);
	if (!*state)
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

void ml_result_note(struct ml_result *res, const char *fmt, ...)
{
	size_t len = strlen(res->notes);
	va_list ap;

	if (len + 2 >= sizeof(res->notes))
		return;
	va_start(ap, fmt);
	vsnprintf(res->notes + len, sizeof(res->notes) - len - 1, fmt, ap);
	va_end(ap);
	len = strlen(res->notes);
	res->notes[len] = '\n';
	res->notes[len + 1] = '\0';
}

void ml_result_extra(struct ml_result *res, const char *key,
		     const char *label, double value)
{
	struct ml_extra *e;

	if (res->nextra == ML_MAX_EXTRA)
		return;
	e = &res->extra[res->nextra++];
	snprintf(e->key, sizeof(e->key), "%s", key);
	snprintf(e->label, sizeof(e->label), "%s", label);
	e->value = value;
}

/*
 * A figure of individual samples: the figure takes them itself (a sleep
 * and its lateness, a gap in a busy loop), for as long as the budget.
 * /proc/interrupts read around it is the witness of what happened.
 */
static int measure_samples(const struct ml_clock *c,
			   const struct ml_measure_opts *o,
			   const struct ml_figure *fig, struct ml_result *res)
{
	size_t cap = 1u << 20, n;
	double *samples = malloc(cap * sizeof(*samples));
	struct ml_irq_table before, after;
	bool irqs = !ml_irq_read("/proc/interrupts", &before);
	uint64_t start = ml_monotonic_ns();

	if (!samples) {
		if (irqs)
			ml_irq_free(&before);
		return -1;
	}
	progress(o, res, "sampling");
	n = fig->sample(c, samples, cap, o->budget_s, res);
	res->seconds = (double)(ml_monotonic_ns() - start) / 1e9;
	if (irqs && !ml_irq_read("/proc/interrupts", &after)) {
		ml_witness_irqs(&res->w, &before, &after, (double)n);
		ml_irq_free(&after);
	}
	if (irqs)
		ml_irq_free(&before);
	res->batch_ops = 1;
	res->batches = n;
	res->w.ops = n;
	res->w.verified = true;
	if (n && summarise(samples, n, &res->st, &res->hist)) {
		free(samples);
		return -1;
	}
	res->converged = n && ml_stats_ci_rel(&res->st) <= o->target_ci;
	progress(o, res, "");
	free(samples);
	return 0;
}

int ml_measure(const struct ml_clock *c, const struct ml_measure_opts *o,
	       const struct ml_probe *probe, const struct ml_figure *fig,
	       struct ml_result *res)
{
	size_t cap = 4096, n = 0, next_check;
	double *samples, empty;
	uint64_t start, deadline, min_end;
	const char *why;

	memset(res, 0, sizeof(*res));
	res->probe = probe;
	res->fig = fig;
	why = fig->setup ? fig->setup() : NULL;
	if (why) {
		res->skipped = true;
		snprintf(res->skip_reason, sizeof(res->skip_reason), "%s", why);
		return 0;
	}
	if (fig->demonstrate) {
		res->demonstration = true;
		progress(o, res, "demonstrating");
		why = fig->demonstrate(res);
		progress(o, res, "");
		res->w.verified = !why;
		snprintf(res->w.verify_error, sizeof(res->w.verify_error), "%s",
			 why ? why : "");
		if (fig->teardown)
			fig->teardown();
		return 0;
	}
	if (fig->sample) {
		int rc = measure_samples(c, o, fig, res);

		if (fig->teardown)
			fig->teardown();
		errno = ENOMEM;
		return rc;
	}
	samples = malloc(cap * sizeof(*samples));
	if (!samples)
		goto fail;

	progress(o, res, "warming up");
	res->batch_ops = choose_batch(c, fig, o->batch_ns);
	warm_up(c, fig, res->batch_ops, fmin(0.02, o->budget_s / 10));
	empty = empty_batch_ticks(c, fig);
	res->empty_batch_ns = empty / c->ticks_per_ns;
	progress(o, res, "measuring");

	start = ml_monotonic_ns();
	deadline = start + (uint64_t)(o->budget_s * 1e9);
	min_end = start + (uint64_t)(o->budget_s * 1e9 / 4);
	next_check = o->min_batches;
	for (;;) {
		double ticks = (double)time_batch(c, fig, res->batch_ops);

		if (n == cap) {
			double *more = realloc(samples, 2 * cap * sizeof(*more));

			if (!more)
				goto fail;
			samples = more;
			cap *= 2;
		}
		samples[n++] = (ticks - empty) / c->ticks_per_ns /
			       (double)res->batch_ops;
		if (n >= next_check) {
			if (summarise(samples, n, &res->st, NULL))
				goto fail;
			if (ml_stats_ci_rel(&res->st) <= o->target_ci &&
			    ml_monotonic_ns() >= min_end) {
				res->converged = true;
				break;
			}
			next_check = n + n / 4;
		}
		if (ml_monotonic_ns() >= deadline || n >= MAX_SAMPLES)
			break;
	}
	res->seconds = (double)(ml_monotonic_ns() - start) / 1e9;
	res->batches = n;
	if (summarise(samples, n, &res->st, &res->hist))
		goto fail;
	if (!res->converged)
		res->converged = ml_stats_ci_rel(&res->st) <= o->target_ci;
	progress(o, res, "");
	free(samples);
	if (fig->teardown)
		fig->teardown();
	return 0;
fail:
	free(samples);
	if (fig->teardown)
		fig->teardown();
	errno = ENOMEM;
	return -1;
}

size_t ml_time_batches(const struct ml_clock *c, void (*run)(uint64_t),
		       uint64_t batch, double *out, size_t count)
{
	struct ml_figure fig = { .run = run };
	double empty = empty_batch_ticks(c, &fig);

	for (size_t i = 0; i < count; i++)
		out[i] = ((double)time_batch(c, &fig, batch) - empty) /
			 c->ticks_per_ns / (double)batch;
	return count;
}
