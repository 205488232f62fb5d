// SPDX-License-Identifier: GPL-2.0
/*
 * forks.c - every figure measured in several processes, spread over the
 * whole run, and its interval taken between them.
 *
 * WHY
 *   Inside one process the rounds (measure.c) make a figure's interval
 *   honest about that process.  But a user compares runs, and between
 *   runs a figure moves by more than that: each process lays out its code
 *   and libraries anew (address space layout randomisation), and the
 *   machine changes speed for seconds at a time, so a figure measured for
 *   a fraction of a second in one process sees one placement and one
 *   speed.  JMH runs every benchmark in several JVMs ("forks") for this
 *   reason, and Kalibera and Jones ("Rigorous benchmarking in reasonable
 *   time", 2013) build the interval at the level where the variance is.
 *
 * HOW
 *   A run is `forks` passes over its timed figures, one after the other,
 *   each with budget / forks seconds a figure.  The first pass is this
 *   process, which also runs the witness passes and the demonstrations.
 *   Each later pass is a fresh exec of this program (`PROG __fork ...`, a
 *   new address-space layout) that measures the same figures in the same
 *   groups and sends back down a pipe, for each, what that process saw:
 *   its median, its ratios to the null syscall and to its pair (paired
 *   round by round inside the process), its difference from its pair, and
 *   every sample.  A figure's processes are spread over the whole run, and
 *   over LEAST_SPAN_S at least: a short run waits between its processes.
 *
 * THE INTERVAL
 *   Each process gives one value per quantity.  The figure is their mean
 *   in logarithms (a geometric mean: a time or a ratio is a product of
 *   factors), with a 95% Student-t interval on forks - 1 degrees of
 *   freedom; a difference in ns is their plain mean.  It covers what
 *   changes from process to process during the run ("N processes over
 *   T s", the report says), not what changes over longer (another hour,
 *   another load): for that, pool several runs (compare.c).  A figure is
 *   converged when its interval lies within +-target of its value.  Min,
 *   p90, p99, the mean and the histogram pool every batch of every
 *   process.  With one process (--forks 1, --quick) the interval is that
 *   process's own, from its rounds (measure.c), and the report says so.
 *
 * THE SPEED REFERENCES
 *   Every process times two fixed loops when it starts and when it ends:
 *   a chain of dependent multiplications, and independent calls.  A
 *   machine can slow one and not the other (a busy neighbour on the same
 *   core slows the calls, as it slows most code, and hardly the chain,
 *   which waits on its own latency), so compare.c takes both, to tell
 *   "the machine was slower" from "the op was slower"; the report prints
 *   how much each moved between processes.
 */
#define _GNU_SOURCE
#include "measure/measuring.h"
#include "measure/run.h"
#include "measure/machine.h"
#include "measure/forks.h"
#include "proc/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- the speed references --------------------------------------------- */

static double speed_once(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ull, t0 = ml_monotonic_ns();

	for (int i = 0; i < SPEED_STEPS; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		__asm__ volatile("" : "+r"(x));	/* one after the other */
	}
	return (double)(ml_monotonic_ns() - t0);
}

/* One step of the second reference: a call and its return. */
static __attribute__((noinline)) uint64_t speed_call(uint64_t x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

/*
 * Calls one after another, independent of each other, as function-call
 * makes them: limited by how fast the core issues them, which a busy
 * neighbour on the same core slows, where the multiplications wait on
 * their own latency and hardly notice it.
 */
static double calls_once(void)
{
	uint64_t acc = 0, t0 = ml_monotonic_ns();

	for (uint64_t i = 0; i < SPEED_STEPS; i++)
		acc += speed_call(i);
	__asm__ volatile("" : "+r"(acc));
	return (double)(ml_monotonic_ns() - t0);
}

static double median_of(double (*once)(void))
{
	double t[SPEED_RUNS];
	struct ml_interval iv;

	for (int i = 0; i < SPEED_RUNS; i++)
		t[i] = once();
	ml_median_ci(t, SPEED_RUNS, &iv);
	return iv.value;
}

double ml_speed_reference(void)
{
	return median_of(speed_once);
}

double ml_calls_reference(void)
{
	return median_of(calls_once);
}

/* ---- what one process measured ---------------------------------------- */

static void note_span(struct ml_forks *f, uint64_t start, uint64_t end)
{
	if (!f->first_ns || start < f->first_ns)
		f->first_ns = start;
	if (end > f->last_ns)
		f->last_ns = end;
}

static void add(struct ml_forks *f, struct acc *a, const struct record *r,
		const double *samples)
{
	if (a->n == ML_MAX_FORKS)
		return;
	if (a->nsamples + r->nsamples > a->cap) {
		size_t cap = 2 * (a->nsamples + r->nsamples);
		double *more = realloc(a->samples, cap * sizeof(*more));

		if (!more) {
			f->failed = true;
			return;
		}
		a->samples = more;
		a->cap = cap;
	}
	memcpy(a->samples + a->nsamples, samples,
	       r->nsamples * sizeof(*samples));
	a->nsamples += r->nsamples;
	a->value[a->n] = r->value;
	a->ratio[a->n] = r->ratio;
	a->pair_ratio[a->n] = r->pair_ratio;
	a->pair_diff[a->n] = r->pair_diff;
	a->n++;
	a->rounds += r->rounds;
	a->batches += r->batches;
	a->seconds += r->seconds;
	if (!a->first_ns || r->start_ns < a->first_ns)
		a->first_ns = r->start_ns;
	if (r->end_ns > a->last_ns)
		a->last_ns = r->end_ns;
	note_span(f, r->start_ns, r->end_ns);
}

void ml_fork_record(struct record *r, uint32_t kind,
		    const struct ml_result *res)
{
	memset(r, 0, sizeof(*r));
	r->magic = MAGIC;
	r->kind = kind;
	snprintf(r->probe, sizeof(r->probe), "%s", res->probe->name);
	snprintf(r->figure, sizeof(r->figure), "%s", res->fig->name);
}

int ml_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* measure.c's keep hook: into the accumulator, or down the pipe. */
void ml_fork_keep(void *arg, const struct ml_result *res,
		  const double *samples, size_t n, uint64_t start_ns,
		  uint64_t end_ns)
{
	struct ml_forks *f = arg;
	struct record r;

	ml_fork_record(&r, REC_FIGURE, res);
	/* this process's own: its rounds' median, its paired ratios */
	r.value = res->st.median;
	r.ratio = res->ratio_ref.value;
	r.pair_ratio = res->pair_ratio.value;
	r.pair_diff = res->pair_diff.value;
	r.seconds = res->seconds;
	r.rounds = res->rounds;
	r.batches = res->batches;
	r.start_ns = start_ns;
	r.end_ns = end_ns;
	r.nsamples = n < MAX_RECORD_SAMPLES ? n : MAX_RECORD_SAMPLES;
	if (f->out >= 0) {
		if (ml_write_all(f->out, &r, sizeof(r)) ||
		    ml_write_all(f->out, samples, r.nsamples * sizeof(*samples)))
			f->failed = true;
		return;
	}
	if (res >= f->results && res < f->results + f->nresults)
		add(f, &f->acc[res - f->results], &r, samples);
}

/* ---- one pass over the figures ---------------------------------------- */

/* The run whose first pass is measuring: ml_measure_probe notes costs. */
static struct ml_forks *first_pass;

/* Timed figures that name the same group share rounds; others go alone. */
static bool joins(const struct ml_figure *first, const struct ml_figure *fig)
{
	return first->group && fig->group && !strcmp(first->group, fig->group) &&
	       fig->run && !fig->sample && !fig->demonstrate;
}

static void note_cost(const struct ml_result *res, size_t k, double seconds)
{
	struct ml_forks *f = first_pass;

	if (!f || !f->cost || res < f->results || res + k > f->results + f->nresults)
		return;
	for (size_t i = 0; i < k; i++) {
		f->cost[res - f->results + i] = seconds;
		f->group[res - f->results + i] = k;
	}
}

/*
 * Whether later process `pass` (1 to forks - 1) measures figure i.  A
 * group that costs the first process more than COST_SHARE times its
 * budget (setting up fork-wait-1g touches 1 GiB; a transfer's peer is
 * started and its batch sized) is measured in fewer processes, spread
 * over the passes, FEWEST_FORKS at least: the run's length stays near its
 * budget on a slow machine too.  The report says each figure's count.
 */
static bool in_pass(const struct ml_forks *f, size_t i, unsigned int pass)
{
	unsigned int k = f->method.forks, want = k;
	double share = COST_SHARE * (double)f->group[i] *
		       f->method.budget_s / k;

	if (f->cost[i] > share)
		want = (unsigned int)((double)k * share / f->cost[i]);
	if (want < FEWEST_FORKS)
		want = FEWEST_FORKS;
	if (want >= k)
		return true;
	return pass * (want - 1) / (k - 1) > (pass - 1) * (want - 1) / (k - 1);
}

ssize_t ml_measure_probe(const struct ml_clock *clock,
			 struct ml_measure_opts *mo, struct ml_observer *ob,
			 const struct ml_probe *probe, const bool *want,
			 struct ml_result *results)
{
	bool *done = calloc(probe->nfigures, sizeof(*done));
	size_t n = 0;
	uint64_t t0;

	if (!done)
		return -1;
	for (size_t f = 0; f < probe->nfigures; f++) {
		const struct ml_figure *group[ML_MAX_GROUP];
		const struct ml_figure *first = &probe->figures[f];
		size_t k = 0;

		if (done[f] || !want[f])
			continue;
		group[k++] = first;
		for (size_t g = f + 1; joins(first, first) &&
				       g < probe->nfigures && k < ML_MAX_GROUP;
		     g++) {
			if (!done[g] && want[g] &&
			    joins(first, &probe->figures[g])) {
				group[k++] = &probe->figures[g];
				done[g] = true;
			}
		}
		t0 = ml_monotonic_ns();
		if (ml_measure_group(clock, mo, probe, group, k, &results[n])) {
			free(done);
			return -1;
		}
		note_cost(&results[n], k, (double)(ml_monotonic_ns() - t0) / 1e9);
		for (size_t i = 0; ob && i < k; i++)
			ml_witness_figure(ob, group[i], &results[n + i]);
		n += k;
		mo->figures_done += k;
	}
	free(done);
	return (ssize_t)n;
}

/* ---- the first process ------------------------------------------------ */

struct ml_forks *ml_forks_begin(struct ml_measure_opts *mo, unsigned int forks,
				double budget_s, struct ml_result *results,
				size_t nresults)
{
	struct ml_forks *f = calloc(1, sizeof(*f));
	static char pass[32];

	if (!f)
		return NULL;
	f->acc = calloc(nresults ? nresults : 1, sizeof(*f->acc));
	f->cost = calloc(nresults ? nresults : 1, sizeof(*f->cost));
	f->group = calloc(nresults ? nresults : 1, sizeof(*f->group));
	if (!f->acc || !f->cost || !f->group) {
		ml_forks_free(f);
		return NULL;
	}
	first_pass = f;
	f->out = -1;
	f->results = results;
	f->nresults = nresults;
	f->method.forks = forks;
	f->method.budget_s = budget_s;
	f->method.target_ci = mo->target_ci;
	f->method.speed_ns[0] = ml_speed_reference();
	f->method.calls_ns[0] = ml_calls_reference();
	f->started_ns = ml_monotonic_ns();
	mo->budget_s = budget_s / forks;
	if (forks > 1)
		mo->least_rounds = LEAST_ROUNDS;
	mo->keep = ml_fork_keep;
	mo->keep_arg = f;
	snprintf(pass, sizeof(pass), "process 1 of %u", forks);
	mo->pass = forks > 1 ? pass : NULL;
	return f;
}

/* ---- the later processes ---------------------------------------------- */

static int read_all(int fd, void *buf, size_t len, uint64_t deadline)
{
	char *p = buf;

	while (len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = ml_monotonic_ns();
		ssize_t r;

		if (now >= deadline)
			return -1;
		if (poll(&pfd, 1, (int)((deadline - now) / 1000000 + 1)) < 0 &&
		    errno != EINTR)
			return -1;
		r = read(fd, p, len);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* The result a record is for: from where the last one was, onwards. */
static struct ml_result *find(struct ml_forks *f, const struct record *r,
			      size_t *cursor)
{
	for (size_t k = 0; k < f->nresults; k++) {
		size_t i = (*cursor + k) % f->nresults;
		struct ml_result *res = &f->results[i];

		if (!strncmp(res->probe->name, r->probe, sizeof(r->probe) - 1) &&
		    !strncmp(res->fig->name, r->figure, sizeof(r->figure) - 1)) {
			*cursor = i;
			return res;
		}
	}
	return NULL;
}

/* What process `pass` sends, until it closes the pipe; 0, or -1. */
static int collect(struct ml_forks *f, int fd, unsigned int pass,
		   uint64_t deadline, bool *reported)
{
	double *samples = NULL;
	size_t cursor = 0;
	struct record r;
	int rc = 0;

	while (!read_all(fd, &r, sizeof(r), deadline)) {
		struct ml_result *res;
		double *more;

		if (r.magic != MAGIC || r.nsamples > MAX_RECORD_SAMPLES) {
			rc = -1;
			break;
		}
		more = realloc(samples, (r.nsamples + 1) * sizeof(*samples));
		if (!more || read_all(fd, more, r.nsamples * sizeof(*more),
				      deadline)) {
			free(more);
			samples = NULL;
			rc = -1;
			break;
		}
		samples = more;
		if (r.kind == REC_SPEED) {
			if (pass < ML_MAX_FORKS) {
				f->method.speed_ns[pass] = r.value;
				f->method.calls_ns[pass] = r.ratio;
			}
			note_span(f, r.start_ns, r.end_ns);
			continue;
		}
		res = find(f, &r, &cursor);
		if (!res || res->skipped || res->demonstration)
			continue;
		reported[res - f->results] = true;
		if (r.kind == REC_FAILED && !res->failed) {
			res->failed = true;
			r.reason[sizeof(r.reason) - 1] = '\0';
			snprintf(res->fail_reason, sizeof(res->fail_reason),
				 "in process %u of %u: %.90s", pass + 1,
				 f->method.forks, r.reason);
		} else if (r.kind == REC_FIGURE) {
			add(f, &f->acc[res - f->results], &r, samples);
		}
	}
	free(samples);
	return rc;
}

/* Every timed figure of the first pass, as PROBE/FIGURE for the later. */
static char **later_argv(struct ml_forks *f, const struct ml_fork_args *a,
			 unsigned int pass, char *buf, size_t len)
{
	char **argv = calloc(f->nresults + 16, sizeof(*argv));
	size_t n = 0, used = 0;

	if (!argv)
		return NULL;
	argv[n++] = (char *)"modelab";
	argv[n++] = (char *)FORK_COMMAND;
	argv[n++] = buf;
	used = (size_t)snprintf(buf, len,
				"%d %u %u %.17g %d %d %.17g %d %d %.17g",
				(int)getpid(), pass, f->method.forks,
				a->budget_s, a->quick, a->cpu,
				a->clock->ticks_per_ns, (int)a->clock->kind,
				a->progress, f->method.target_ci) + 1;
	for (size_t i = 0; i < f->nresults && used < len; i++) {
		const struct ml_result *res = &f->results[i];
		int w;

		if (res->skipped || res->failed || res->demonstration ||
		    !in_pass(f, i, pass))
			continue;
		w = snprintf(buf + used, len - used, "%s/%s:%llu",
			     res->probe->name, res->fig->name,
			     (unsigned long long)res->batch_ops);
		if (w < 0 || (size_t)w >= len - used)
			break;
		argv[n++] = buf + used;
		used += (size_t)w + 1;
	}
	return argv;
}

/* One later process: spawned, read from, reaped.  0, or -1 (said why). */
static int later_pass(struct ml_forks *f, const struct ml_fork_args *a,
		      unsigned int pass)
{
	uint64_t deadline = ml_monotonic_ns() +
			    (uint64_t)((60 + 10 * a->budget_s *
						     (double)f->nresults) * 1e9);
	bool *reported = calloc(f->nresults + 1, sizeof(*reported));
	static char buf[1 << 16];
	char **argv = later_argv(f, a, pass, buf, sizeof(buf));
	int fds[2], status = 0, rc;
	pid_t pid;

	if (!argv || !reported || pipe2(fds, O_CLOEXEC)) {
		free(argv);
		free(reported);
		return -1;
	}
	pid = ml_child_fork(-1);
	if (pid == 0) {
		char num[16];
		int fd = dup(fds[1]);	/* without O_CLOEXEC: it crosses exec */

		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (fd < 0 || getppid() != (pid_t)strtol(buf, NULL, 10) ||
		    dup2(STDERR_FILENO, STDOUT_FILENO) < 0 || ml_unpin())
			_exit(127);
		snprintf(num, sizeof(num), "%d", fd);
		setenv(FORK_ENV, num, 1);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(fds[1]);
	if (pid > 0) {
		ml_child_polite(pid);
		rc = collect(f, fds[0], pass, deadline, reported);
		close(fds[0]);
		if (ml_child_reap(pid, rc ? 0 : 60, &status) || rc ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr,
				"modelab: process %u of %u %s: the figures it did not measure are failed\n",
				pass + 1, f->method.forks,
				rc ? "sent what is not a report, or stopped answering" :
				WIFSIGNALED(status) ? "was killed by a signal" :
				"exited with an error");
			for (size_t i = 0; i < f->nresults; i++) {
				struct ml_result *res = &f->results[i];

				if (reported[i] || res->skipped || res->failed ||
				    res->demonstration)
					continue;
				res->failed = true;
				snprintf(res->fail_reason,
					 sizeof(res->fail_reason),
					 "process %u of %u ended before measuring it",
					 pass + 1, f->method.forks);
			}
		}
	} else {
		close(fds[0]);
		fprintf(stderr, "modelab: cannot start process %u of %u: %s\n",
			pass + 1, f->method.forks, strerror(errno));
	}
	free(argv);
	free(reported);
	return pid > 0 ? 0 : -1;
}

/*
 * The later processes, one after another.  A short run (one figure, a
 * few) would have them back to back within a second or two, inside one of
 * the machine's spells: process p starts LEAST_SPAN_S * p / forks after
 * the first one at the earliest, and the run waits until then.
 */
void ml_forks_later(struct ml_forks *f, const struct ml_fork_args *a,
		    size_t nresults)
{
	if (nresults < f->nresults)
		f->nresults = nresults;
	first_pass = NULL;
	f->method.speed_ns[0] = (f->method.speed_ns[0] + ml_speed_reference()) / 2;
	f->method.calls_ns[0] = (f->method.calls_ns[0] + ml_calls_reference()) / 2;
	for (unsigned int pass = 1; pass < f->method.forks; pass++) {
		uint64_t at = f->started_ns + (uint64_t)(LEAST_SPAN_S * 1e9 *
							 pass / f->method.forks);

		for (uint64_t now; (now = ml_monotonic_ns()) < at;) {
			struct timespec ts = { (time_t)((at - now) / 1000000000),
					       (long)((at - now) % 1000000000) };

			nanosleep(&ts, NULL);
		}
		later_pass(f, a, pass);
	}
}

/* ---- the figures, from every process ---------------------------------- */

static void combine(const struct ml_forks *f, struct ml_result *res,
		    struct acc *a)
{
	double target = f->method.target_ci;
	struct ml_interval iv;
	bool ratios = true;

	res->forks = a->n;
	res->span_s = a->n ? (double)(a->last_ns - a->first_ns) / 1e9 : 0;
	if (res->skipped || res->failed || res->demonstration || a->n < 2)
		return;
	ml_stats_compute(a->samples, a->nsamples, &res->st);
	ml_hist_build(a->samples, a->nsamples, res->st.min, res->st.p99,
		      ML_HIST_BUCKETS, &res->hist);
	ml_interval_t(a->value, a->n, true, &iv);
	res->st.median = iv.value;
	res->st.ci_low = iv.low;
	res->st.ci_high = iv.high;
	res->converged = ml_interval_rel(&iv) <= target;
	res->rounds = a->rounds;
	res->batches = a->batches;
	res->seconds = a->seconds;
	for (size_t i = 0; i < a->n; i++)
		ratios &= isfinite(a->ratio[i]);
	if (ratios) {
		ml_interval_t(a->ratio, a->n, true, &res->ratio_ref);
		res->ratio_ref.converged =
			ml_interval_rel(&res->ratio_ref) <= target;
	}
	if (!res->pair_name)
		return;
	ml_interval_t(a->pair_ratio, a->n, true, &res->pair_ratio);
	ml_interval_t(a->pair_diff, a->n, false, &res->pair_diff);
	res->pair_ratio.converged = res->pair_diff.converged =
		ml_interval_rel(&res->pair_ratio) <= target;
	ml_judge_claim(res, res->fig->claim);
}

const struct ml_method *ml_forks_end(struct ml_forks *f)
{
	size_t most = 0;

	f->values = calloc(f->nresults + 1, sizeof(*f->values));
	for (size_t i = 0; i < f->nresults; i++) {
		struct acc *a = &f->acc[i];

		combine(f, &f->results[i], a);
		most = a->n > most ? a->n : most;
		free(a->samples);
		a->samples = NULL;
		if (!f->values)
			continue;
		f->values[i].n = a->n;
		memcpy(f->values[i].value, a->value, sizeof(a->value));
		memcpy(f->values[i].ratio, a->ratio, sizeof(a->ratio));
	}
	f->method.processes = most;
	f->method.span_s = f->last_ns > f->first_ns ?
				   (double)(f->last_ns - f->first_ns) / 1e9 : 0;
	f->method.results = f->results;
	f->method.values = f->values;
	return &f->method;
}

void ml_forks_free(struct ml_forks *f)
{
	if (!f)
		return;
	if (first_pass == f)
		first_pass = NULL;
	for (size_t i = 0; f->acc && i < f->nresults; i++)
		free(f->acc[i].samples);
	free(f->acc);
	free(f->cost);
	free(f->group);
	free(f->values);
	free(f);
}
