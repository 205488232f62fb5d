// SPDX-License-Identifier: GPL-2.0
/*
 * probes/ipc/ranking.c - the rankings: every timed figure measured before
 * them in the run, side by side, with its system calls and context
 * switches per message, and the claims checked on them.  The lesson is in
 * probes/ipc/ipc.c.
 */
#define _GNU_SOURCE
#include "ipc.h"

/* ---- rankings: every figure side by side ------------------------------- */

struct ranked {
	const struct fig_state *f;
	double median;
};

static int by_median(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return (x->median > y->median) - (x->median < y->median);
}

static int by_size_median(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->f->size != y->f->size)
		return x->f->size < y->f->size ? -1 : 1;
	return by_median(a, b);
}

static double ring_median(const double *ring, size_t count, size_t max)
{
	size_t n = count < max ? count : max;
	double copy[SHADOW_MAX];
	struct ml_stats st;

	if (!n)
		return NAN;
	memcpy(copy, ring, n * sizeof(copy[0]));
	ml_stats_compute(copy, n, &st);
	return st.median;
}

/*
 * Less a transfer's handshake, spread over its batch, as the library
 * does; never below nothing.
 */
static double shadow_median(const struct fig_state *f)
{
	double ns = ring_median(f->shadow, f->nshadow, SHADOW_MAX);

	if (f->nempty && f->batch)
		ns -= ring_median(f->empty, f->nempty, EMPTY_MAX) /
		      (double)f->batch;
	return fmax(ns, 0);
}

static bool in_group(const struct fig_state *f, enum group g)
{
	if (g == STREAMS)
		return f->size > 0;
	return !f->size && f->cpus == (g == RTT_1CPU ? 1 : 2);
}

static const struct fig_state *find(const char *name)
{
	for (size_t i = 0; i < NTIMED; i++)
		if (!strcmp(states[i].name, name))
			return &states[i];
	return NULL;
}

static size_t collect(enum group g, struct ranked *r)
{
	size_t n = 0;

	for (size_t i = 0; i < NTIMED; i++) {
		const struct fig_state *f = &states[i];

		if (in_group(f, g) && f->counted && !f->error[0] &&
		    f->nshadow) {
			r[n].f = f;
			r[n++].median = shadow_median(f);
		}
	}
	return n;
}

static void fmt2(char *buf, size_t len, double a, double b)
{
	char x[16], y[16];

	if (isnan(a))
		snprintf(x, sizeof(x), "?");
	else
		snprintf(x, sizeof(x), "%.2f", a);
	if (isnan(b))
		snprintf(y, sizeof(y), "?");
	else
		snprintf(y, sizeof(y), "%.2f", b);
	snprintf(buf, len, "%5.7s|%-5.7s", x, y);
}

static const char *setup_rank(enum group g)
{
	struct ranked r[NTIMED];

	if (!collect(g, r))
		return "ranks the figures measured before it in the same run: none were";
	return NULL;
}

int setup_rank_1(struct ml_ctx *ctx)
{
	if (!ipc_selected(ctx->fig->name))
		return ml_skip(ctx, "not named in MODELAB_IPC_FIGURES");
	return ml_skip_if(ctx, setup_rank(RTT_1CPU));
}

int setup_rank_2(struct ml_ctx *ctx)
{
	if (!ipc_selected(ctx->fig->name))
		return ml_skip(ctx, "not named in MODELAB_IPC_FIGURES");
	return ml_skip_if(ctx, setup_rank(RTT_2CPU));
}

int setup_rank_s(struct ml_ctx *ctx)
{
	if (!ipc_selected(ctx->fig->name))
		return ml_skip(ctx, "not named in MODELAB_IPC_FIGURES");
	return ml_skip_if(ctx, setup_rank(STREAMS));
}

static void rank_rows(struct ml_result *res, struct ranked *r, size_t n,
		      enum group g)
{
	bool any_traced = false;

	for (size_t i = 0; i < n; i++)
		any_traced |= r[i].f->traced;
	ml_result_note(res, "per message, ours|the peer's: system calls (%s), voluntary and involuntary context switches",
		       any_traced ? "the raw_syscalls:sys_enter tracepoint" :
		       "issued by the probe's code; ? where glibc decides");
	if (!any_traced)
		ml_result_note(res, "(no tracepoint: %s; load modelab.ko for the kernel's own count of our side)",
			       trace_why[0] ? trace_why : "not tried");
	if (g == STREAMS)
		ml_result_note(res, "  # figure                   ns/msg     MB/s   syscalls      vol. csw    invol. csw");
	else
		ml_result_note(res, "  # figure                    median ns   syscalls      vol. csw    invol. csw");
	for (size_t i = 0; i < n; i++) {
		const struct fig_state *f = r[i].f;
		char sys[24], vol[24], inv[24], key[32], label[80];

		fmt2(sys, sizeof(sys), f->sys[0], f->sys[1]);
		fmt2(vol, sizeof(vol), f->vcsw[0], f->vcsw[1]);
		fmt2(inv, sizeof(inv), f->icsw[0], f->icsw[1]);
		if (g == STREAMS)
			ml_result_note(res, "%3zu %-22s %8.0f %8.0f %s %s %s",
				       i + 1, f->name, r[i].median,
				       (double)f->size * 1e3 / r[i].median,
				       sys, vol, inv);
		else
			ml_result_note(res, "%3zu %-24s %10.0f %s %s %s",
				       i + 1, f->name, r[i].median, sys, vol,
				       inv);
		snprintf(label, sizeof(label), "%s: median ns (probe's timing)",
			 f->name);
		ml_result_extra(res, f->name, label, r[i].median);
		snprintf(key, sizeof(key), "%s:sys", f->name);
		snprintf(label, sizeof(label), "%s: syscalls per op, our side",
			 f->name);
		ml_result_extra(res, key, label, f->sys[0]);
		snprintf(key, sizeof(key), "%s:psys", f->name);
		snprintf(label, sizeof(label), "%s: syscalls per op, the peer",
			 f->name);
		ml_result_extra(res, key, label, f->sys[1]);
		if (f->size || (f->mech != PIPE && f->mech != SHM_SPIN))
			continue;
		/* what the tests check, in the kernel's own count (the
		 * library keeps ML_MAX_EXTRA = 48: 14 x 3 + 5 + 1 here) */
		snprintf(key, sizeof(key), "%s:rw", f->name);
		snprintf(label, sizeof(label), "%s: read/write calls, our side (kernel)",
			 f->name);
		ml_result_extra(res, key, label, f->rw[0]);
		if (f->mech == PIPE) {
			snprintf(key, sizeof(key), "%s:prw", f->name);
			snprintf(label, sizeof(label), "%s: read/write calls, the peer (kernel)",
				 f->name);
			ml_result_extra(res, key, label, f->rw[1]);
		} else {
			snprintf(key, sizeof(key), "%s:sealed", f->name);
			snprintf(label, sizeof(label), "%s: peer under the no-syscall filter",
				 f->name);
			ml_result_extra(res, key, label, f->sealed);
		}
	}
	ml_result_extra(res, "traced", "syscalls counted by the tracepoint (1) or the code (0)",
			any_traced);
	for (size_t i = 0; i < NTIMED; i++)
		if (in_group(&states[i], g) && states[i].error[0])
			ml_result_note(res, "    %s FAILED: %s", states[i].name,
				       states[i].error);
}

/* For read/write mechanisms the kernel's count must equal the code's. */
static const char *check_counts(struct ranked *r, size_t n)
{
	static char why[96];

	for (size_t i = 0; i < n; i++) {
		const struct fig_state *f = r[i].f;

		for (int side = 0; side < 2 && mechs[f->mech].rw; side++) {
			if (f->traced ||
			    fabs(f->sys[side] - f->rw[side]) < 0.05)
				continue;
			snprintf(why, sizeof(why),
				 "%s: code counted %.2f syscalls, kernel %.2f",
				 f->name, f->sys[side], f->rw[side]);
			return why;
		}
	}
	return NULL;
}

static double median_of(const struct ranked *r, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].f->name, name))
			return r[i].median;
	return NAN;
}

static const char *demo_rank(struct ml_result *res, enum group g)
{
	struct ranked r[NTIMED];
	size_t n = collect(g, r);
	const struct fig_state *f;
	const char *why;

	if (!n)
		return "nothing to rank";
	qsort(r, n, sizeof(r[0]), g == STREAMS ? by_size_median : by_median);
	if (g == STREAMS)
		ml_result_note(res, "one-way messages to a peer on CPU %d (we are on %d), fastest first in each size",
			       r[0].f->cpu[1], r[0].f->cpu[0]);
	else
		ml_result_note(res, "1-byte round trips, peer on CPU %d, we on CPU %d: fastest first",
			       r[0].f->cpu[1], r[0].f->cpu[0]);
	rank_rows(res, r, n, g);
	if (g != STREAMS) {
		double sem_ns = median_of(r, n, g == RTT_1CPU ?
					  "shm-sem-rtt-1cpu" :
					  "shm-sem-rtt-2cpu");
		double pipe_ns = median_of(r, n, g == RTT_1CPU ?
					   "pipe-rtt-1cpu" : "pipe-rtt-2cpu");

		ml_result_note(res, "fastest: %s, %.0f ns", r[0].f->name,
			       r[0].median);
		if (!isnan(sem_ns) && !isnan(pipe_ns))
			ml_result_note(res, "shared memory with a semaphore: %.0f ns, %.2f x the pipe's %.0f ns",
				       sem_ns, sem_ns / pipe_ns, pipe_ns);
	}
	why = check_counts(r, n);
	if (why)
		return why;
	/* the pipe: a write and a read a side, at least (kernel-counted) */
	f = find(g == RTT_1CPU ? "pipe-rtt-1cpu" : "pipe-rtt-2cpu");
	if (g != STREAMS && f->counted && (f->rw[0] < 1.99 || f->rw[1] < 1.99))
		return "a pipe round trip took fewer than 2 read/write calls a side";
	/* spinning shared memory: no kernel on the data path */
	f = find("shm-spin-rtt-2cpu");
	if (g == RTT_2CPU && f->counted) {
		ml_result_note(res, "shm-spin: the peer %s; our side made %.3f system calls and %.3f read/writes per round trip",
			       f->sealed ? "answered every message under a seccomp filter that kills on any system call" :
			       "ran without the seccomp filter (a test hook, or no seccomp)",
			       f->sys[0], f->rw[0]);
		if (f->sys[0] > 0.01 || f->rw[0] > 0.01 || !f->sealed)
			return "shm-spin made system calls on its data path";
	}
	return NULL;
}

const char *demo_rank_1(struct ml_result *res)
{
	return demo_rank(res, RTT_1CPU);
}

const char *demo_rank_2(struct ml_result *res)
{
	return demo_rank(res, RTT_2CPU);
}

const char *demo_rank_s(struct ml_result *res)
{
	return demo_rank(res, STREAMS);
}
