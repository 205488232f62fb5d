// SPDX-License-Identifier: GPL-2.0
/*
 * probes/ipc/ipc.c - how processes and threads talk, and what the kernel does
 * for every word they exchange.
 *
 * THE TRANSITIONS
 *   Two processes share nothing by default: every byte one sends the other
 *   goes through the kernel (a pipe, a socket, a message queue, a signal),
 *   unless they ask the kernel once to map the same memory into both.
 *   Then the data path is plain loads and stores; the kernel is needed
 *   only when one side must sleep until the other has written (a futex,
 *   which a POSIX semaphore is built on), and not even then if the waiter
 *   spins.  Each round trip therefore costs some number of system calls,
 *   and, when a side sleeps, a switch away and a wakeup.  On one CPU the
 *   peer can only run when we stop running, so every round trip needs at
 *   least one switch each way; on two CPUs the peer may already be awake,
 *   or its CPU may be idle and need an interrupt to wake it.
 *
 * HOW IT IS TIMED
 *   A peer lives for the figure: setup() starts it (a forked child, a
 *   program exec'd from this very binary, or a thread) and pins it to our
 *   CPU (-1cpu) or to another online CPU (-2cpu); teardown() stops it.
 *   Round trips (NAME-rtt-Ncpu): one op is 1 byte there and 1 byte back,
 *   the peer answering with the byte it got, transformed.  Throughput
 *   (NAME-SIZE-2cpu): one op is one message of SIZE bytes sent one way,
 *   the peer receiving it on the other CPU.  Only delivered bytes count,
 *   as in lmbench's bw_pipe and bw_unix: a batch starts with its number
 *   of messages and ends when the peer has received every byte and
 *   answered the last message with one byte, so no batch ends with its
 *   data still in a kernel buffer.  The empty batch is that handshake
 *   alone, taken off like any empty batch.  A batch moves 256 KiB at
 *   least and lasts at least 20 empty batches (user/measure/measure.c): the
 *   handshake wakes a sleeping peer and can take tens of microseconds,
 *   more than 64 messages of 4 KiB through shared memory, and what is
 *   taken off must stay a small share of what it is taken from, or a
 *   noisy handshake makes a batch come out shorter than nothing.  SIZE /
 *   median is the throughput (ranking-throughput prints MB/s).
 *   Throughput is measured for a representative subset: pipe, unix-stream,
 *   tcp, shm-sem and shm-spin, at 64 B, 4 KiB and 64 KiB.
 *
 *   pipe        two anonymous pipes (one each way), forked child
 *   fifo        two named pipes in a private directory; the peer is
 *               exec'd, inherits no descriptor and opens them by name
 *   unix-stream, unix-dgram  AF_UNIX socketpair, forked child
 *   tcp         TCP over 127.0.0.1, TCP_NODELAY, forked child
 *   eventfd     two eventfds (one each way), the byte carried as a count
 *   posix-mq    two POSIX message queues, opened by name by an exec'd peer
 *   sysv-msg    one System V queue, message types 1 and 2 for the ways
 *   signal      sigqueue() with the byte as the value, sigwaitinfo()
 *   shm-sem     POSIX shared memory (shm_open by name, exec'd peer), a
 *               ring of 16 slots each way, two process-shared semaphores
 *   shm-futex   the same ring, futex wait/wake only when a side sleeps
 *   shm-spin    the same ring, both sides spinning: no kernel at all
 *   thread-condvar  two threads, a mutex and a condition variable
 *   thread-futex    two threads, the futex ring with C11 atomics
 *
 *   The exec'd peer is this same program, re-executed as the self-exec
 *   helper "ipc-peer" (user/proc/selfexec.c): it becomes the peer before main
 *   and never returns (that works in bin/modelab-ipc and in bin/modelab).
 *   Its orders come in one shared page (a memfd, the only descriptor it
 *   keeps, whose number is its argv[1]).
 *
 * WHAT IS COUNTED, PER SIDE
 *   The library's witness pass counts for THIS process only (getrusage
 *   RUSAGE_SELF, modelab.ko watching our pid); for thread figures that is
 *   both threads.  The probe adds, in the same pass, both sides apart: our
 *   thread inside run() around the messages (getrusage RUSAGE_THREAD and
 *   /proc/thread-self/io, less what counting costs), the peer from
 *   /proc/PID/task/TID/{status,io} once it has handled every message:
 *   voluntary and involuntary switches, read/write calls; system calls as
 *   counted by the raw_syscalls:sys_enter tracepoint when perf may attach
 *   it (root and tracefs mounted), else as issued by the probe's own code
 *   (unknown for shm-sem and thread-condvar, where glibc decides when to
 *   enter the kernel).  The shm-spin peer runs its data path under a
 *   seccomp filter that kills it on any system call but exit: if it
 *   answers, it made none.  The ranking-* demonstrations print every
 *   figure side by side, fastest first, with those counts per message
 *   (their medians are the probe's own timing of the same batches,
 *   CLOCK_MONOTONIC, less a transfer's handshake as the library takes it
 *   off, within ~1%).  In the witness pass every message
 *   carries its number and one in 17 is checked byte for byte, with
 *   checksums on both sides: checking every byte would slow both sides
 *   enough to change how often they sleep, which is what is counted.
 *
 * WHAT TO EXPECT, AND WHY (docs/ipc.md has the figures of a 2-vCPU VM)
 *   On two CPUs spinning shared memory wins by orders of magnitude: a
 *   round trip is two cache lines crossing between cores, no kernel.  Any
 *   mechanism whose waiter sleeps, shm-sem included, costs about the same:
 *   2 system calls a side (4 for signals: glibc's sigqueue() also calls
 *   getpid and getuid), a sleep and a cross-CPU wakeup (an IPI; in a VM,
 *   the host waking the vCPU), and is slower than on one CPU.  On one CPU
 *   the peer runs only when we stop: at least one switch per round trip;
 *   the woken peer usually preempts us and answers before we wait, so the
 *   futex rings need about 1 call a side.  Spinning there is the worst of
 *   all: the peer runs only when the spinner's time slice ends
 *   (milliseconds), and a spinner burns a whole CPU even with nothing to
 *   do (spin-cpu-cost).  TCP pays for its stack even on loopback.  The
 *   volatile-* demonstrations show why a shared counter or flag declared
 *   volatile is not synchronisation; thread-post-queue and eventfd-event
 *   show what replaces the notes' PostMessage and CEvent (docs/threads.md).
 *
 * CLEANUP, TIMEOUTS AND TEST HOOKS
 *   Names hold our pid and follow the one scratch rule (user/proc/scratch.c):
 *   /dev/shm/modelab-PID-ipc-N, mqueues /modelab-PID-ipc-N-a and -b, the
 *   FIFOs ipc-N-to-peer and ipc-N-to-parent in the run's directory
 *   DIR/modelab-PID-XXXXXX, DIR being $MODELAB_TMPDIR, else $TMPDIR, else
 *   /tmp; the System V key is 0x4d000000 | PID.  They are removed as soon
 *   as the peer opened them (the System V queue with the session); on
 *   SIGINT, SIGTERM or SIGHUP user/proc/cleanup.c removes what is left, kills
 *   and reaps the peer (user/proc/child.c), and re-raises; a peer whose parent
 *   dies gets SIGTERM (PR_SET_PDEATHSIG) and removes what it can.  Peers
 *   are named ipcpeerPID (their comm).  Every blocking wait of the
 *   measuring side is interrupted every 250 ms by SIGALRM (no SA_RESTART;
 *   spinning waits read the clock instead) and gives up after 2 s: the
 *   figure then fails with the reason in its verify_error ("the peer (pid
 *   N) did not answer within 2 s"), one line on stderr, and the run goes
 *   on.  Environment:
 *   MODELAB_IPC_FIGURES=GLOB,...  run only these figures (others skipped)
 *   MODELAB_IPC_TEST_STALL=1      peers stop answering at the first message
 *   MODELAB_IPC_TEST_STALL=open   peers never open their end
 *   MODELAB_IPC_TEST_DIE=1        peers kill themselves at the first message
 *
 * THE FILES
 *   ipc.c the timed figures and the figure list; ipc.h what the files
 *   share; channels.c the mechanisms; peer.c the peer and its process or
 *   thread; session.c a channel and its peer for one figure; ops.c the
 *   ops and the counting; lessons.c the demonstrations; postqueue.c
 *   the Linux counterparts of PostMessage and CEvent; ranking.c the
 *   rankings.
 */
#define _GNU_SOURCE
#include "ipc.h"

/* ---- the timed figures ------------------------------------------------ */

struct session fig_sess;

bool ipc_selected(const char *name)
{
	const char *list = getenv("MODELAB_IPC_FIGURES");
	char pat[256];

	if (!list || !*list)
		return true;
	while (*list) {
		size_t len = strcspn(list, ",");

		snprintf(pat, sizeof(pat), "%.*s", (int)len, list);
		if (!fnmatch(pat, name, 0))
			return true;
		list += len + (list[len] == ',');
	}
	return false;
}

static enum hook test_hook(void)
{
	const char *stall_at = getenv("MODELAB_IPC_TEST_STALL");
	const char *die = getenv("MODELAB_IPC_TEST_DIE");

	if (stall_at && !strcmp(stall_at, "open"))
		return HOOK_STALL_OPEN;
	if (stall_at && *stall_at && strcmp(stall_at, "0"))
		return HOOK_STALL;
	if (die && *die && strcmp(die, "0"))
		return HOOK_DIE;
	return HOOK_NONE;
}

static void fig_fail(struct fig_state *f, const char *why)
{
	if (f->error[0])
		return;
	snprintf(f->error, sizeof(f->error), "%.95s", why);
	fprintf(stderr, "ipc: %s: %s\n", f->name, f->error);
	ml_fail("%s", f->error);	/* no median from a failed transfer */
}

/*
 * ctx->data is the figure's fig_state.  The witness pass sets the figure
 * up again (ctx->pass says so): that session checks every message.
 */
static int fig_setup(struct ml_ctx *ctx)
{
	struct fig_state *f = ctx->data;
	int self = sched_getcpu(), peer;
	const char *why;

	if (!ipc_selected(f->name))
		return ml_skip(ctx, "not named in MODELAB_IPC_FIGURES");
	if (f->error[0])	/* run() does nothing, verify() says why */
		return ml_error(ctx, "%s", f->error);
	peer = f->cpus == 1 ? self : ml_other_cpu(self);
	if (peer < 0)
		return ml_skip(ctx, "one CPU for us (online, affinity, cpuset): no second CPU for the peer");
	why = session_open(&fig_sess, f->mech, f->size, peer,
			   ctx->pass == ML_PASS_WITNESS, test_hook());
	if (why)
		return ml_skip(ctx, "%s", why);
	if (fig_sess.error[0]) {
		fig_fail(f, fig_sess.error);
		return ml_error(ctx, "%s", f->error);
	}
	return 0;
}

static int fig_run(struct ml_ctx *ctx)
{
	struct fig_state *cur = ctx->data;
	struct session *s = &fig_sess;
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);	/* run(0) too: subtracted */
	if ((ctx->n || s->size) && !cur->error[0] && s->open) {
		if (s->checking)
			our_side(s, &s->start);
		if (s->size)
			ipc_stream(s, ctx->n);
		else
			round_trips(s, ctx->n);
		if (s->checking) {
			our_side(s, &s->end);
			s->sided = true;
		}
		if (s->error[0])
			fig_fail(cur, s->error);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	if ((ctx->n || s->size) && !s->checking && !cur->error[0]) {
		double ns = (double)(b.tv_sec - a.tv_sec) * 1e9 +
			    (double)(b.tv_nsec - a.tv_nsec);

		if (ctx->n) {
			cur->shadow[cur->nshadow++ % SHADOW_MAX] = ns / (double)ctx->n;
			cur->batch = ctx->n;
		} else {
			cur->empty[cur->nempty++ % EMPTY_MAX] = ns;
		}
	}
	return 0;
}

static int fig_prepare(struct ml_ctx *ctx)
{
	struct fig_state *cur = ctx->data;

	if (fig_sess.open && fig_sess.checking && !cur->error[0])
		peer_side(&fig_sess, &cur->peer_a);
	return 0;
}

static void side_per_op(const struct side *a, const struct side *b,
			const struct side *cal, uint64_t n, bool traced,
			bool opaque, double *sys, double *rw, double *vcsw,
			double *icsw)
{
	*rw = per_op(a->rw, b->rw, cal->rw, n);
	*vcsw = per_op(a->vcsw, b->vcsw, cal->vcsw, n);
	*icsw = per_op(a->icsw, b->icsw, cal->icsw, n);
	if (traced)
		*sys = per_op(a->traced, b->traced, cal->traced, n);
	else
		*sys = opaque ? NAN : per_op(a->sys, b->sys, 0, n);
}

static int fig_verify(struct ml_ctx *ctx)
{
	static const struct side none;
	struct session *s = &fig_sess;
	struct fig_state *f = ctx->data;
	const char *why;
	struct side pb;

	if (f->error[0])
		return ml_error(ctx, "%s", f->error);
	if (!s->open || !s->checking || !s->sided)
		return ml_error(ctx, "no checking pass ran (the witness pass did not set up)");
	ipc_drain(s);	/* the peer's counts are final once it waits again */
	peer_side(s, &pb);
	why = session_check(s, ctx->n);
	if (why) {
		fig_fail(f, why);
		return ml_error(ctx, "%s", f->error);
	}
	f->counted = true;
	f->traced = s->trace_fd[0] >= 0 && s->trace_fd[1] >= 0;
	f->sealed = atomic_load(&s->ctl->sealed);
	f->cpu[0] = sched_getcpu();
	f->cpu[1] = atomic_load(&s->ctl->peer_cpu);
	side_per_op(&s->start, &s->end, &s->cal, ctx->n, f->traced,
		    mechs[f->mech].opaque, &f->sys[0], &f->rw[0], &f->vcsw[0],
		    &f->icsw[0]);
	side_per_op(&f->peer_a, &pb, &none, ctx->n, f->traced,
		    mechs[f->mech].opaque, &f->sys[1], &f->rw[1], &f->vcsw[1],
		    &f->icsw[1]);
	return 0;
}

static int fig_teardown(struct ml_ctx *ctx)
{
	(void)ctx;
	session_close(&fig_sess);
	return 0;
}

#define AS_STATE(id, nm, M, sz, nc, w)                                        \
	[FIG_##id] = { .name = nm, .mech = M, .size = sz, .cpus = nc },
struct fig_state states[NTIMED] = { TIMED_FIGURES(AS_STATE) };

/*
 * Ops in the witness pass: enough for 1/1000 resolution per op, few when
 * an op is slow (spinning on one CPU waits out a time slice per message).
 */
#define WOPS(M, sz, nc)                                                       \
	((M) == SHM_SPIN && (nc) == 1 ? 100 :                                  \
	 (M) == SHM_SPIN && !(sz)     ? 20000 :                               \
	 (sz) == 65536                ? 500 :                                 \
	 (sz)                         ? 4000 : 2000)

/*
 * A transfer batch moves 256 KiB at least: more than a pipe (64 KiB) or
 * an AF_UNIX socket (about 200 KiB) buffers by default.  (The ack, not
 * the size, makes the batch end on delivery; the library makes a batch
 * 20 times its handshake at least.)  Small enough that a round holds
 * several batches of 64 B messages.  Round trips (size 0): 0.
 */
#define MIN_BATCH(sz) ((256u << 10) / ((sz) ? (sz) : UINT_MAX))

#define AS_FIGURE(id, nm, M, sz, nc, w)                                       \
	{ .name = nm, .what = w, .setup = fig_setup, .run = fig_run,          \
	  .prepare = fig_prepare, .verify = fig_verify,                       \
	  .data = &states[FIG_##id],                                          \
	  .teardown = fig_teardown, .witness_ops = WOPS(M, sz, nc),           \
	  .min_batch = MIN_BATCH(sz), .bytes_per_op = (sz) },

static int setup_if_named(struct ml_ctx *ctx)
{
	if (!ipc_selected(ctx->fig->name))
		return ml_skip(ctx, "not named in MODELAB_IPC_FIGURES");
	return 0;
}

static const struct ml_figure figures[] = {
	TIMED_FIGURES(AS_FIGURE)
	{ .name = "pipe-one-way",
	  .what = "a pipe end works one way; an unrelated process opens it",
	  .setup = setup_if_named, .demonstrate = demo_pipe },
	{ .name = "spin-cpu-cost",
	  .what = "CPU used by a spinning and a sleeping peer, nothing sent",
	  .setup = setup_if_named, .demonstrate = demo_spin_cost },
	{ .name = "volatile-counter",
	  .what = "two threads count to 2N: volatile int against atomic_int",
	  .setup = setup_if_named, .demonstrate = demo_counter },
	{ .name = "volatile-flag",
	  .what = "store buffering: volatile flags against seq_cst atomics",
	  .setup = setup_if_named, .demonstrate = demo_flag },
	{ .name = "thread-post-queue",
	  .what = "PostMessage on Linux: a thread's queue, mutex and condition variable",
	  .setup = setup_if_named, .demonstrate = demo_post_queue },
	{ .name = "eventfd-event",
	  .what = "CEvent on Linux: eventfd as auto-reset, semaphore, manual-reset",
	  .setup = setup_if_named, .demonstrate = demo_eventfd_event },
	{ .name = "ranking-rtt-1cpu",
	  .what = "round trips on one CPU, ranked, transitions per message",
	  .setup = setup_rank_1, .demonstrate = demo_rank_1 },
	{ .name = "ranking-rtt-2cpu",
	  .what = "round trips on two CPUs, ranked, transitions per message",
	  .setup = setup_rank_2, .demonstrate = demo_rank_2 },
	{ .name = "ranking-throughput",
	  .what = "one-way throughput, ranked by size, transitions per message",
	  .setup = setup_rank_s, .demonstrate = demo_rank_s },
};

const struct ml_probe ml_probe_ipc = {
	.name = "ipc",
	.summary = "pipes, FIFOs, sockets, queues, signals, shared memory, threads",
	.figures = figures,
	.nfigures = ML_ARRAY_SIZE(figures),
	.order = 70,
};

ML_PROBE_MAIN(ml_probe_ipc)
