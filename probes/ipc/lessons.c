// SPDX-License-Identifier: GPL-2.0
/*
 * probes/ipc/lessons.c - the demonstrations: a pipe is one-way and not
 * only for related processes, what a spinning peer costs idle, and why
 * volatile is not synchronisation (a counter, the store-buffering flags).
 * The lesson is in probes/ipc/ipc.c.
 */
#define _GNU_SOURCE
#include "ipc.h"

/* ---- pipe-one-way: one-way, and not only for related processes -------- */

const char *demo_pipe(struct ml_result *res)
{
	const struct timespec ms1 = { 0, 1000000 };
	struct session *s = &fig_sess;
	char line[128] = "";
	ssize_t got = -1;
	int p[2], werr, rerr;
	const char *why;
	char c = 0;

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK))
		return "pipe2 failed";
	errno = 0;
	werr = write(p[0], "x", 1) < 0 ? errno : 0;
	errno = 0;
	rerr = read(p[1], &c, 1) < 0 ? errno : 0;
	ml_result_note(res, "write() on the read end: %s; read() on the write end: %s",
		       werr ? strerror(werr) : "it worked",
		       rerr ? strerror(rerr) : "it worked");
	ml_result_note(res, "so a pipe is one-way, and a round trip needs two (pipe-rtt-* uses two)");
	/* an exec'd program that inherited no descriptor of ours */
	snprintf(procfd_path, sizeof(procfd_path), "/proc/%d/fd/%d",
		 (int)getpid(), p[1]);
	why = session_open(s, PROCFD, 0, sched_getcpu(), false, HOOK_NONE);
	for (int i = 0; !why && !s->error[0] && i < 2000 && got < 0; i++) {
		got = read(p[0], line, sizeof(line) - 1);
		if (got < 0)
			nanosleep(&ms1, NULL);
	}
	if (got > 0) {
		line[got] = '\0';
		line[strcspn(line, "\n")] = '\0';
		ml_result_note(res, "a program exec'd with every descriptor close-on-exec opened /proc/%d/fd/%d and wrote: \"%s\"",
			       (int)getpid(), p[1], line);
		ml_result_note(res, "so \"related processes only\" is how pipes are usually passed (inherited across fork), not a rule: any process allowed to read /proc/PID/fd can open one, and SCM_RIGHTS passes one over a Unix socket");
	}
	ml_result_extra(res, "write_read_end_errno", "errno of write() on the read end",
			werr);
	ml_result_extra(res, "unrelated_wrote", "an unrelated process wrote into the pipe (1 yes)",
			got > 0);
	session_close(s);
	close(p[0]);
	close(p[1]);
	if (werr != EBADF || rerr != EBADF)
		return "a pipe end worked both ways";
	if (got <= 0)
		return "the exec'd process could not write into our pipe by /proc";
	return NULL;
}

/* ---- spin-cpu-cost: what a spinning peer costs while nothing happens --- */

static double process_cpu_ns(pid_t pid)
{
	struct timespec ts;
	clockid_t cid;

	if (clock_getcpuclockid(pid, &cid) || clock_gettime(cid, &ts))
		return NAN;
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double idle_cpu_fraction(enum mech m, int cpu, char *err, size_t len)
{
	const struct timespec ms200 = { 0, 200000000 };
	struct session *s = &fig_sess;
	double a, b, t0, t1;
	const char *why;

	why = session_open(s, m, 0, cpu, false, HOOK_NONE);
	if (why || s->error[0]) {
		snprintf(err, len, "%s", why ? why : s->error);
		session_close(s);
		return NAN;
	}
	t0 = (double)ml_monotonic_ns();
	a = process_cpu_ns(s->pid);
	nanosleep(&ms200, NULL);	/* nothing is sent */
	b = process_cpu_ns(s->pid);
	t1 = (double)ml_monotonic_ns();
	session_close(s);
	return (b - a) / (t1 - t0);
}

const char *demo_spin_cost(struct ml_result *res)
{
	int self = sched_getcpu(), cpu = ml_other_cpu(self);
	double spin, futex_frac;
	char err[160] = "";

	if (cpu < 0)
		cpu = self;
	spin = idle_cpu_fraction(SHM_SPIN, cpu, err, sizeof(err));
	futex_frac = idle_cpu_fraction(SHM_FUTEX, cpu, err, sizeof(err));
	if (isnan(spin) || isnan(futex_frac)) {
		ml_result_note(res, "could not run the peers: %s", err);
		return "a peer did not start";
	}
	ml_result_note(res, "for 200 ms nothing was sent; the peers waited for a message on CPU %d", cpu);
	ml_result_note(res, "the spinning peer used %.3f of a CPU, the futex peer %.3f",
		       spin, futex_frac);
	ml_result_note(res, "spinning buys the fastest wakeup by never sleeping: a whole CPU, all the time (less only when other work shares that CPU)");
	ml_result_extra(res, "spin_idle_cpu", "CPU used by a spinning peer, idle", spin);
	ml_result_extra(res, "futex_idle_cpu", "CPU used by a futex peer, idle",
			futex_frac);
	/* how much the spinner gets is the scheduler's, with other work on
	 * that CPU: the lesson's claim, reported; a sleeper's idle is not */
	ml_result_note(res, "claim: a spinning peer burns over a quarter of a CPU, sending nothing: %s",
		       spin >= 0.25 ? "held" : "not held (other work shares that CPU)");
	if (futex_frac > 0.05)
		return "the sleeping peer used more than 5% of a CPU";
	return NULL;
}

/* ---- volatile is not synchronisation ----------------------------------- */

static volatile int vcounter;
static atomic_int acounter;
static atomic_int ready_threads;

struct counter_arg {
	int cpu;
	bool atomic;
};

static void *count_up(void *p)
{
	const struct counter_arg *a = p;

	atomic_fetch_add(&ready_threads, 1);
	while (atomic_load(&ready_threads) < 2)
		cpu_relax();
	for (int i = 0; i < COUNTER_N; i++) {
		if (a->atomic)
			atomic_fetch_add_explicit(&acounter, 1,
						  memory_order_relaxed);
		else
			vcounter++;	/* load, add, store: a data race */
	}
	return NULL;
}

/* Two threads, COUNTER_N increments each; returns the final count. */
static long count_race(int cpu0, int cpu1, bool atomic)
{
	struct counter_arg a[2] = { { cpu0, atomic }, { cpu1, atomic } };
	pthread_t t[2];
	int made = 0;

	vcounter = 0;
	atomic_store(&acounter, 0);
	atomic_store(&ready_threads, 0);
	for (int i = 0; i < 2; i++)
		made += !ml_thread_start(&t[i], count_up, &a[i], a[i].cpu);
	if (made < 2) {
		atomic_store(&ready_threads, 2);	/* release the one */
		if (made)
			pthread_join(t[0], NULL);
		return -1;
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return atomic ? atomic_load(&acounter) : vcounter;
}

const char *demo_counter(struct ml_result *res)
{
	int self = sched_getcpu(), other = ml_other_cpu(self);
	long v1, a1, v2 = -1, a2 = -1;
	const long want = 2l * COUNTER_N;

	v1 = count_race(self, self, false);
	a1 = count_race(self, self, true);
	if (other >= 0) {
		v2 = count_race(self, other, false);
		a2 = count_race(self, other, true);
	}
	if (v1 < 0 || a1 < 0 || (other >= 0 && (v2 < 0 || a2 < 0)))
		return "cannot start the counting threads";
	ml_result_note(res, "two threads add 1 to a shared counter %d times each: %ld expected",
		       COUNTER_N, want);
	if (other >= 0) {
		ml_result_note(res, "on CPUs %d and %d: volatile int %ld (%ld updates lost), atomic_int %ld",
			       self, other, v2, want - v2, a2);
		if (v2 == want)
			ml_result_note(res, "the volatile count happened to be exact this time: it is still a data race, not a guarantee");
	}
	ml_result_note(res, "both on CPU %d: volatile int %ld (%ld lost), atomic_int %ld",
		       self, v1, want - v1, a1);
	if (v1 == want)
		ml_result_note(res, "on one CPU only a preemption between the load and the store loses an update: rare, but the same bug");
	ml_result_note(res, "volatile makes the compiler load and store every time; it makes nothing atomic and orders nothing for other CPUs");
	ml_result_extra(res, "expected", "expected count", (double)want);
	ml_result_extra(res, "volatile_2cpu", "volatile count, two CPUs", (double)v2);
	ml_result_extra(res, "atomic_2cpu", "atomic count, two CPUs", (double)a2);
	ml_result_extra(res, "volatile_1cpu", "volatile count, one CPU", (double)v1);
	ml_result_extra(res, "atomic_1cpu", "atomic count, one CPU", (double)a1);
	if (a1 != want || (other >= 0 && a2 != want))
		return "the atomic counter lost updates";
	return NULL;
}

/*
 * The store-buffering litmus test: each thread raises its flag, then
 * reads the other's.  Sequentially, at least one must see the other's
 * flag; with volatile flags both may read 0 (the stores sat in the store
 * buffers), which is exactly what breaks Dekker's or Peterson's lock.
 */
static volatile int vflag[2], vseen[2];
static atomic_int aflag[2], aseen[2];
static atomic_uint go, done;

struct litmus_arg {
	int cpu;
	bool atomic;
	unsigned int trials;
};

static void delay(unsigned int *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	for (unsigned int i = (*seed >> 16) & 7; i; i--)
		cpu_relax();
}

static void litmus_side(int me, bool atomic)
{
	if (atomic) {
		atomic_store(&aflag[me], 1);
		atomic_store(&aseen[me], atomic_load(&aflag[!me]));
	} else {
		vflag[me] = 1;
		vseen[me] = vflag[!me];
	}
}

static void *litmus_peer(void *p)
{
	const struct litmus_arg *a = p;
	unsigned int seed = 7;

	for (unsigned int t = 1; t <= a->trials; t++) {
		while (atomic_load_explicit(&go, memory_order_acquire) != t)
			cpu_relax();
		delay(&seed);
		litmus_side(1, a->atomic);
		atomic_store_explicit(&done, t, memory_order_release);
	}
	return NULL;
}

/* Returns how many trials saw both flags still 0; -1 on failure. */
static long litmus(int peer_cpu, bool atomic, unsigned int trials)
{
	struct litmus_arg a = { peer_cpu, atomic, trials };
	unsigned int seed = 3;
	long both_zero = 0;
	pthread_t t;

	atomic_store(&go, 0);
	atomic_store(&done, 0);
	if (ml_thread_start(&t, litmus_peer, &a, a.cpu))
		return -1;
	for (unsigned int i = 1; i <= trials; i++) {
		vflag[0] = vflag[1] = 0;
		atomic_store(&aflag[0], 0);
		atomic_store(&aflag[1], 0);
		atomic_store_explicit(&go, i, memory_order_release);
		delay(&seed);
		litmus_side(0, atomic);
		while (atomic_load_explicit(&done, memory_order_acquire) != i)
			cpu_relax();
		if (atomic)
			both_zero += !atomic_load(&aseen[0]) &&
				     !atomic_load(&aseen[1]);
		else
			both_zero += !vseen[0] && !vseen[1];
	}
	pthread_join(t, NULL);
	return both_zero;
}

const char *demo_flag(struct ml_result *res)
{
	int self = sched_getcpu(), other = ml_other_cpu(self);
	long v, a;

	if (other < 0) {
		ml_result_note(res, "one CPU online: the two threads never run at the same time, and one CPU always sees its own stores in order");
		return NULL;
	}
	v = litmus(other, false, LITMUS_TRIALS);
	a = litmus(other, true, LITMUS_TRIALS);
	if (v < 0 || a < 0)
		return "cannot start the second thread";
	ml_result_note(res, "%u trials on CPUs %d and %d: each thread sets its flag, then reads the other's",
		       LITMUS_TRIALS, self, other);
	ml_result_note(res, "volatile int flags: both read 0 in %ld trials (impossible if stores and loads kept their order)",
		       v);
	ml_result_note(res, "atomic_int, seq_cst: both read 0 in %ld trials", a);
	if (!v)
		ml_result_note(res, "the reordering did not show this time; volatile still does not forbid it (the CPU's store buffer does it, not the compiler)");
	ml_result_note(res, "a flag-based lock (Dekker, Peterson) built on volatile lets both threads in");
	ml_result_extra(res, "trials", "trials", LITMUS_TRIALS);
	ml_result_extra(res, "volatile_both_zero", "volatile: both flags read 0", (double)v);
	ml_result_extra(res, "atomic_both_zero", "seq_cst atomics: both flags read 0", (double)a);
	return a ? "seq_cst atomics let a store pass a load" : NULL;
}
