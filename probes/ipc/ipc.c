// SPDX-License-Identifier: GPL-2.0
/*
 * probes/ipc.c - how processes and threads talk, and what the kernel does
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
 *   alone, taken off like any empty batch, and a batch moves 256 KiB at
 *   least, so the handshake is small beside it.  SIZE / median is the
 *   throughput (ranking-throughput prints MB/s).
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
 *   The exec'd peer is this same program: a constructor runs before main
 *   and, when MODELAB_IPC_PEER names a descriptor, becomes the peer and
 *   never returns (that works in bin/modelab-ipc and in bin/modelab).  Its
 *   orders come in one shared page (a memfd, the only descriptor it keeps).
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
 *   volatile is not synchronisation.
 *
 * CLEANUP, TIMEOUTS AND TEST HOOKS
 *   Names hold our pid (/dev/shm/modelab-ipc-PID-N, the FIFOs' directory
 *   $TMPDIR/modelab-ipc-PID-XXXXXX, mqueues /modelab-ipc-PID-N-a and -b,
 *   the System V key 0x4d000000 | PID) and are removed as soon as the peer
 *   opened them; a SIGINT, SIGTERM or SIGHUP handler removes what is left,
 *   kills and reaps the peer, and re-raises; a peer whose parent dies gets
 *   SIGTERM (PR_SET_PDEATHSIG) and removes what it can.  Peers are named
 *   ipcpeerPID (their comm).  Every blocking wait of the measuring side is
 *   interrupted every 250 ms by SIGALRM (no SA_RESTART; spinning waits
 *   read the clock instead) and gives up after 2 s: the figure then fails
 *   with the reason in its verify_error ("the peer (pid N) did not answer
 *   within 2 s"), one line on stderr, and the run goes on.  Environment:
 *   MODELAB_IPC_FIGURES=GLOB,...  run only these figures (others skipped)
 *   MODELAB_IPC_TEST_STALL=1      peers stop answering at the first message
 *   MODELAB_IPC_TEST_STALL=open   peers never open their end
 *   MODELAB_IPC_TEST_DIE=1        peers kill themselves at the first message
 */
#define _GNU_SOURCE
#include "modelab.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <math.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ANSWER_TIMEOUT_NS 2000000000ull	/* silence that ends a figure */
#define START_TIMEOUT_NS 5000000000ull	/* a peer that never gets ready */
#define WATCHDOG_US 250000		/* SIGALRM: wakes blocked waits */
#define RING_SLOTS 16u
#define SHADOW_MAX 1024		/* the probe's own batch timings */
#define EMPTY_MAX 256		/* and of a transfer's empty batches */
#define PEER_ENV "MODELAB_IPC_PEER"
#define REPLY_XOR 0xa5		/* the peer's answer: byte ^ this */
#define COUNTER_N 1000000		/* increments per thread */
#define LITMUS_TRIALS 200000

#define SYSV_KEY_BASE 0x4d000000	/* 'M', then our pid */
#define SIG_TO_PEER (SIGRTMIN + 4)
#define SIG_TO_PARENT (SIGRTMIN + 5)

#if defined(__x86_64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_AARCH64
#endif

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

/* ---- mechanisms ------------------------------------------------------ */

enum mech {
	PIPE, FIFO, USTREAM, UDGRAM, TCP, EVENTFD, PMQ, SYSV, SIGNAL,
	SHM_SEM, SHM_FUTEX, SHM_SPIN, T_CONDVAR, T_FUTEX,
	PROCFD,		/* pipe-one-way: a peer writes into our pipe */
	NMECH
};

enum peer_kind { FORKED, EXECED, THREAD };

static const struct mech_info {
	const char *name;
	enum peer_kind peer;
	bool opaque;	/* glibc decides when to enter the kernel */
	bool rw;	/* the data path is read(2) and write(2) alone */
} mechs[NMECH] = {
	[PIPE] = { "pipe", FORKED, false, true },
	[FIFO] = { "fifo", EXECED, false, true },
	[USTREAM] = { "unix-stream", FORKED, false, true },
	[UDGRAM] = { "unix-dgram", FORKED, false, true },
	[TCP] = { "tcp", FORKED, false, true },
	[EVENTFD] = { "eventfd", FORKED, false, true },
	[PMQ] = { "posix-mq", EXECED, false, false },
	[SYSV] = { "sysv-msg", FORKED, false, false },
	[SIGNAL] = { "signal", FORKED, false, false },
	[SHM_SEM] = { "shm-sem", EXECED, true, false },
	[SHM_FUTEX] = { "shm-futex", EXECED, false, false },
	[SHM_SPIN] = { "shm-spin", EXECED, false, false },
	[T_CONDVAR] = { "thread-condvar", THREAD, true, false },
	[T_FUTEX] = { "thread-futex", THREAD, false, false },
	[PROCFD] = { "procfd", EXECED, false, true },
};

/* ---- the orders a peer gets, and what it answers --------------------- */

enum hook { HOOK_NONE, HOOK_STALL, HOOK_DIE, HOOK_STALL_OPEN };

/*
 * One page shared with the peer: a memfd for processes (the only thing an
 * exec'd peer inherits), plain memory for threads.  Test machinery, not
 * the data path: counts and checksums, which the parent reads in verify.
 */
struct ctl {
	int mech;
	int size;		/* bytes a message; 0: 1-byte round trips */
	int cpu;		/* where the peer pins itself, -1: anywhere */
	int hook;
	int parent;		/* our pid */
	int fds[2];		/* forked peers: their ends */
	int close_fds[2];	/* forked peers: ours, to close */
	int msqid;
	int port;
	char names[2][128];	/* FIFO paths, shm or mq names */
	_Atomic int checking;	/* patterns and checksums on */
	_Atomic int quit;	/* thread peers: stop */
	_Atomic int ready;	/* 1 ready, -1 failed, -2 cannot run here */
	_Atomic int sealed;	/* shm-spin: under the no-syscall filter */
	_Atomic int peer_cpu;
	_Atomic int peer_tid;
	char error[96];
	_Atomic uint64_t rx, tx, bad, rx_sum, tx_sum;
	/* published before each wait: final once idle == what we sent */
	_Atomic uint64_t idle, nsys;
};

/* ---- messages: patterns and checksums (checking pass only) ----------- */

#define K1 0x9e3779b97f4a7c15ull
#define K2 0xbf58476d1ce4e5b9ull
#define SUM_SEED 0xcbf29ce484222325ull

static uint64_t word_at(uint64_t seq, size_t i)
{
	return seq * K1 + (uint64_t)i * K2;
}

static void fill(unsigned char *p, size_t len, uint64_t seq)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w = word_at(seq, i);

		memcpy(p + i, &w, 8);
	}
	for (; i < len; i++)
		p[i] = (unsigned char)(word_at(seq, i) >> 56);
}

static bool intact(const unsigned char *p, size_t len, uint64_t seq)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (w != word_at(seq, i))
			return false;
	}
	for (; i < len; i++)
		if (p[i] != (unsigned char)(word_at(seq, i) >> 56))
			return false;
	return true;
}

/*
 * Checking every byte of every message would slow both sides enough to
 * change how often they sleep, which is what the witness pass counts.
 * So every message's first 8 bytes carry its number (checked always) and
 * one in FULL_EVERY is patterned and checked whole; 17 is 1 modulo
 * RING_SLOTS, so the whole messages fall in every slot of a ring in turn.
 */
#define FULL_EVERY 17

static size_t checked_len(size_t size, uint64_t seq)
{
	return size <= 8 || seq % FULL_EVERY == 0 ? size : 8;
}

static uint64_t checksum(uint64_t h, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	for (; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* ---- cleanup when interrupted ---------------------------------------- */

/*
 * What exists by name right now, for the signal handler: it may run at
 * any point, so a name is written here before the object is created and
 * cleared once it is unlinked.
 */
static struct {
	char paths[2][128];
	char dir[96];
	char shm[64];
	char mq[2][64];
	volatile sig_atomic_t msqid;	/* -1: none */
	volatile sig_atomic_t peer;	/* 0: none */
} reg = { .msqid = -1 };

static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction saved_fatal[3], saved_pipe, saved_alarm;
static bool handlers_on;

/* Only async-signal-safe calls: unlink(), rmdir(), mq_unlink(), msgctl(). */
static void remove_names(char paths[2][128], char *dir, char *shm,
			 char mq[2][64], int msqid)
{
	for (int i = 0; i < 2; i++)
		if (paths[i][0])
			unlink(paths[i]);
	if (dir && dir[0])
		rmdir(dir);
	if (shm && shm[0])
		shm_unlink(shm);
	for (int i = 0; mq && i < 2; i++)
		if (mq[i][0])
			mq_unlink(mq[i]);
	if (msqid >= 0)
		msgctl(msqid, IPC_RMID, NULL);
}

static void on_fatal_signal(int sig)
{
	int saved = errno;

	if (reg.peer > 0) {
		kill(reg.peer, SIGKILL);
		waitpid(reg.peer, NULL, 0);	/* no zombie left either */
	}
	remove_names(reg.paths, reg.dir, reg.shm, reg.mq, reg.msqid);
	signal(sig, SIG_DFL);
	raise(sig);	/* delivered when we return: the default, death */
	errno = saved;
}

static void on_alarm(int sig)
{
	(void)sig;	/* only there to make blocked calls return EINTR */
}

/*
 * For the life of a session: cleanup on fatal signals, EPIPE instead of
 * SIGPIPE, and a SIGALRM every 250 ms without SA_RESTART, so that any
 * blocking call returns EINTR and can check how long it has waited.
 */
static void handlers(bool on, bool watchdog)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };
	struct sigaction sa = { .sa_handler = on_fatal_signal };

	if (on == handlers_on)
		return;
	handlers_on = on;
	if (!on) {
		const struct timespec zero = { 0, 0 };
		sigset_t alrm, old;

		/* a SIGALRM already pending must not meet the default
		 * action, which is death */
		sigemptyset(&alrm);
		sigaddset(&alrm, SIGALRM);
		pthread_sigmask(SIG_BLOCK, &alrm, &old);
		setitimer(ITIMER_REAL, &it, NULL);
		while (sigtimedwait(&alrm, NULL, &zero) > 0)
			;
		sigaction(SIGALRM, &saved_alarm, NULL);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		for (size_t i = 0; i < ML_ARRAY_SIZE(fatal_signals); i++)
			sigaction(fatal_signals[i], &saved_fatal[i], NULL);
		sigaction(SIGPIPE, &saved_pipe, NULL);
		return;
	}
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ML_ARRAY_SIZE(fatal_signals); i++)
		sigaction(fatal_signals[i], &sa, &saved_fatal[i]);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &saved_pipe);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, &saved_alarm);
	if (!watchdog)	/* spinning waits read the clock instead */
		return;
	it.it_interval.tv_usec = it.it_value.tv_usec = WATCHDOG_US;
	setitimer(ITIMER_REAL, &it, NULL);
}

/* ---- channels -------------------------------------------------------- */

/* A ring of RING_SLOTS messages, one way; two per session. */
struct ring {
	alignas(64) _Atomic uint32_t head;	/* written by the producer */
	_Atomic uint32_t cons_waiting;	/* the consumer sleeps on head */
	alignas(64) _Atomic uint32_t tail;	/* written by the consumer */
	_Atomic uint32_t prod_waiting;	/* the producer sleeps on tail */
	alignas(64) sem_t full, empty;	/* shm-sem only */
	uint32_t slot;			/* bytes a slot */
	uint32_t len[RING_SLOTS];
};

#define RING_HDR ((sizeof(struct ring) + 63) & ~(size_t)63)

static size_t slot_for(size_t size)
{
	return ((size ? size : 1) + 63) & ~(size_t)63;
}

static size_t ring_bytes(size_t slot)
{
	return RING_HDR + RING_SLOTS * slot;
}

static unsigned char *slot_at(struct ring *r, uint32_t i)
{
	return (unsigned char *)r + RING_HDR +
	       (size_t)(i % RING_SLOTS) * r->slot;
}

/* thread-condvar: one message at a time, one box each way */
struct mailbox {
	pthread_mutex_t m;
	pthread_cond_t cv;
	bool full;
	size_t len;
	unsigned char data[64];
};

enum { OK, E_TIMEOUT, E_EOF, E_SHORT, E_ERRNO, E_QUIT };

/* One side's end of a channel. */
struct chan {
	enum mech mech;
	bool timeout;		/* the measuring side: waits end in 2 s */
	int rfd, wfd;
	mqd_t rq, wq;
	int msqid;
	long rtype, wtype;
	unsigned char *scratch;	/* sysv: mtype + text */
	pid_t to;		/* signal: the other side */
	int wsig;
	sigset_t rset;
	struct ring *rx, *tx;
	bool private_futex;
	struct mailbox *mrx, *mtx;
	_Atomic int *quit;	/* thread peers */
	uint64_t nsys;		/* system calls this side's code made */
	int err;		/* errno of an E_ERRNO */
};

static void chan_init(struct chan *c, enum mech m, bool timeout)
{
	memset(c, 0, sizeof(*c));
	c->mech = m;
	c->timeout = timeout;
	c->rfd = c->wfd = -1;
	c->rq = c->wq = (mqd_t)-1;
	c->msqid = -1;
}

/*
 * After an EINTR: may the wait go on?  The first one starts the clock; a
 * wait gives up 2 s later (2.25 s at most, with the 250 ms watchdog).  The
 * fast path never reads the clock.
 */
static bool still_waiting(struct chan *c, uint64_t *since)
{
	uint64_t now;

	if (!c->timeout)
		return !(c->quit && atomic_load(c->quit));
	now = ml_monotonic_ns();
	if (!*since)
		*since = now;
	return now - *since < ANSWER_TIMEOUT_NS;
}

static int interrupted(struct chan *c)
{
	if (errno == EINTR)
		return E_TIMEOUT;
	c->err = errno;
	return errno == EPIPE || errno == ECONNRESET ? E_EOF : E_ERRNO;
}

static int fd_write(struct chan *c, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t since = 0;

	while (len) {
		ssize_t w;

		c->nsys++;
		w = write(c->wfd, p, len);
		if (w > 0) {
			p += w;
			len -= (size_t)w;
		} else if (w < 0 && errno == EINTR &&
			   still_waiting(c, &since)) {
			continue;
		} else {
			return interrupted(c);
		}
	}
	return OK;
}

/* stream: as many reads as it takes; else one read, one message */
static int fd_read(struct chan *c, void *buf, size_t len, bool stream)
{
	unsigned char *p = buf;
	uint64_t since = 0;

	while (len) {
		ssize_t r;

		c->nsys++;
		r = read(c->rfd, p, len);
		if (r > 0) {
			if (!stream && (size_t)r != len)
				return E_SHORT;
			p += r;
			len -= (size_t)r;
		} else if (r == 0) {
			return E_EOF;
		} else if (errno == EINTR && still_waiting(c, &since)) {
			continue;
		} else {
			return interrupted(c);
		}
	}
	return OK;
}

static long futex(_Atomic uint32_t *word, int op, uint32_t val)
{
	return syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

/* Sleeps while *word == val, flag raised so that the other side wakes us. */
static int futex_await(struct chan *c, _Atomic uint32_t *word,
		       _Atomic uint32_t *flag, uint32_t val)
{
	int op = FUTEX_WAIT | (c->private_futex ? FUTEX_PRIVATE_FLAG : 0);
	uint64_t since = 0;

	while (atomic_load(word) == val) {
		if (c->quit && atomic_load(c->quit))
			return E_QUIT;
		atomic_store(flag, 1);
		/* after the flag: either we see the new value, or the
		 * writer sees the flag and wakes us (both seq_cst) */
		if (atomic_load(word) != val)
			break;
		c->nsys++;
		if (futex(word, op, val) && errno == EINTR &&
		    !still_waiting(c, &since))
			return E_TIMEOUT;
	}
	return OK;
}

static void futex_notify(struct chan *c, _Atomic uint32_t *word,
			 _Atomic uint32_t *flag)
{
	int op = FUTEX_WAKE | (c->private_futex ? FUTEX_PRIVATE_FLAG : 0);

	if (atomic_load(flag) && atomic_exchange(flag, 0)) {
		c->nsys++;
		futex(word, op, 1);
	}
}

/* Spins while *word == val; only the measuring side ever gives up. */
static int spin_await(struct chan *c, _Atomic uint32_t *word, uint32_t val)
{
	uint64_t since = 0;

	for (uint32_t i = 1;
	     atomic_load_explicit(word, memory_order_acquire) == val; i++) {
		cpu_relax();
		if (!(i & 0xffff) && c->timeout) {
			uint64_t now = ml_monotonic_ns();	/* the vDSO */

			if (!since)
				since = now;
			else if (now - since >= ANSWER_TIMEOUT_NS)
				return E_TIMEOUT;
		}
	}
	return OK;
}

static int sem_take(struct chan *c, sem_t *s)
{
	uint64_t since = 0;

	while (sem_wait(s)) {
		if (errno == EINTR && still_waiting(c, &since))
			continue;
		return interrupted(c);
	}
	return OK;
}

static int ring_send(struct chan *c, struct ring *r, const void *buf,
		     size_t len)
{
	uint32_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
	int e;

	/* full when tail == head - RING_SLOTS */
	if (c->mech == SHM_SEM)
		e = sem_take(c, &r->empty);
	else if (c->mech == SHM_SPIN)
		e = spin_await(c, &r->tail, h - RING_SLOTS);
	else
		e = futex_await(c, &r->tail, &r->prod_waiting,
				h - RING_SLOTS);
	if (e)
		return e;
	memcpy(slot_at(r, h), buf, len);
	r->len[h % RING_SLOTS] = (uint32_t)len;
	if (c->mech == SHM_SEM) {
		atomic_store_explicit(&r->head, h + 1, memory_order_relaxed);
		sem_post(&r->full);
	} else if (c->mech == SHM_SPIN) {
		atomic_store_explicit(&r->head, h + 1, memory_order_release);
	} else {
		atomic_store(&r->head, h + 1);
		futex_notify(c, &r->head, &r->cons_waiting);
	}
	return OK;
}

static int ring_recv(struct chan *c, struct ring *r, void *buf, size_t len)
{
	uint32_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
	int e;

	if (c->mech == SHM_SEM)
		e = sem_take(c, &r->full);
	else if (c->mech == SHM_SPIN)
		e = spin_await(c, &r->head, t);
	else
		e = futex_await(c, &r->head, &r->cons_waiting, t);
	if (e)
		return e;
	if (r->len[t % RING_SLOTS] != len)
		return E_SHORT;
	memcpy(buf, slot_at(r, t), len);
	if (c->mech == SHM_SEM) {
		atomic_store_explicit(&r->tail, t + 1, memory_order_relaxed);
		sem_post(&r->empty);
	} else if (c->mech == SHM_SPIN) {
		atomic_store_explicit(&r->tail, t + 1, memory_order_release);
	} else {
		atomic_store(&r->tail, t + 1);
		futex_notify(c, &r->tail, &r->prod_waiting);
	}
	return OK;
}

/* Waits on a mailbox's condition; the measuring side gives up after 2 s. */
static int box_wait(struct chan *c, struct mailbox *b, struct timespec *dl)
{
	int rc;

	if (c->quit && atomic_load(c->quit))
		return E_QUIT;
	if (!c->timeout)
		return pthread_cond_wait(&b->cv, &b->m) ? E_ERRNO : OK;
	if (!dl->tv_sec) {	/* computed only when about to sleep */
		clock_gettime(CLOCK_MONOTONIC, dl);
		dl->tv_sec += (time_t)(ANSWER_TIMEOUT_NS / 1000000000ull);
	}
	rc = pthread_cond_timedwait(&b->cv, &b->m, dl);
	return rc == ETIMEDOUT ? E_TIMEOUT : rc ? E_ERRNO : OK;
}

static int box_send(struct chan *c, struct mailbox *b, const void *buf,
		    size_t len)
{
	struct timespec dl = { 0, 0 };
	int e = OK;

	pthread_mutex_lock(&b->m);
	while (b->full && !e)
		e = box_wait(c, b, &dl);
	if (!e) {
		memcpy(b->data, buf, len);
		b->len = len;
		b->full = true;
		pthread_cond_signal(&b->cv);
	}
	pthread_mutex_unlock(&b->m);
	return e;
}

static int box_recv(struct chan *c, struct mailbox *b, void *buf, size_t len)
{
	struct timespec dl = { 0, 0 };
	int e = OK;

	pthread_mutex_lock(&b->m);
	while (!b->full && !e)
		e = box_wait(c, b, &dl);
	if (!e && b->len != len)
		e = E_SHORT;
	if (!e) {
		memcpy(buf, b->data, len);
		b->full = false;
		pthread_cond_signal(&b->cv);
	}
	pthread_mutex_unlock(&b->m);
	return e;
}

static int chan_send(struct chan *c, const void *buf, size_t len)
{
	const unsigned char *b = buf;
	uint64_t since = 0;

	switch (c->mech) {
	case EVENTFD: {
		uint64_t v = b[0] + 1ull;	/* a count: never 0 */

		return fd_write(c, &v, sizeof(v));
	}
	case PMQ:
		for (;;) {
			c->nsys++;
			if (!mq_send(c->wq, buf, len, 0))
				return OK;
			if (errno != EINTR || !still_waiting(c, &since))
				return interrupted(c);
		}
	case SYSV:
		memcpy(c->scratch, &c->wtype, sizeof(long));
		memcpy(c->scratch + sizeof(long), buf, len);
		for (;;) {
			c->nsys++;
			if (!msgsnd(c->msqid, c->scratch, len, 0))
				return OK;
			if (errno != EINTR || !still_waiting(c, &since))
				return interrupted(c);
		}
	case SIGNAL: {
		union sigval v = { .sival_int = b[0] };

		/* glibc fills si_pid and si_uid with getpid() and getuid()
		 * before rt_sigqueueinfo(): three calls (the tracepoint
		 * sees them) */
		c->nsys += 3;
		return sigqueue(c->to, c->wsig, v) ? interrupted(c) : OK;
	}
	case SHM_SEM:
	case SHM_FUTEX:
	case SHM_SPIN:
	case T_FUTEX:
		return ring_send(c, c->tx, buf, len);
	case T_CONDVAR:
		return box_send(c, c->mtx, buf, len);
	default:
		return fd_write(c, buf, len);
	}
}

static int chan_recv(struct chan *c, void *buf, size_t len)
{
	unsigned char *b = buf;
	uint64_t since = 0;

	switch (c->mech) {
	case UDGRAM:
		return fd_read(c, buf, len, false);
	case EVENTFD: {
		uint64_t v;
		int e = fd_read(c, &v, sizeof(v), false);

		if (!e && (v < 1 || v > 256))
			return E_SHORT;	/* two writes added up */
		b[0] = (unsigned char)(v - 1);
		return e;
	}
	case PMQ:
		for (;;) {
			ssize_t r;

			c->nsys++;
			r = mq_receive(c->rq, buf, len, NULL);
			if (r >= 0)
				return (size_t)r == len ? OK : E_SHORT;
			if (errno != EINTR || !still_waiting(c, &since))
				return interrupted(c);
		}
	case SYSV:
		for (;;) {
			ssize_t r;

			c->nsys++;
			r = msgrcv(c->msqid, c->scratch, len, c->rtype, 0);
			if (r >= 0) {
				memcpy(buf, c->scratch + sizeof(long), len);
				return (size_t)r == len ? OK : E_SHORT;
			}
			if (errno != EINTR || !still_waiting(c, &since))
				return interrupted(c);
		}
	case SIGNAL:
		for (;;) {
			siginfo_t si;

			c->nsys++;
			if (sigwaitinfo(&c->rset, &si) >= 0) {
				b[0] = (unsigned char)si.si_value.sival_int;
				return OK;
			}
			if (errno != EINTR || !still_waiting(c, &since))
				return interrupted(c);
		}
	case SHM_SEM:
	case SHM_FUTEX:
	case SHM_SPIN:
	case T_FUTEX:
		return ring_recv(c, c->rx, buf, len);
	case T_CONDVAR:
		return box_recv(c, c->mrx, buf, len);
	default:
		return fd_read(c, buf, len, true);
	}
}

/* ---- the peer: one loop for forked, exec'd and thread peers ----------- */

static struct ctl *peer_ctl;	/* in a peer process */
static cpu_set_t allowed_cpus;	/* where we may run, before main() */
static bool have_allowed;

static void stall(struct ctl *k, bool thread)
{
	const struct timespec ms10 = { 0, 10000000 };

	while (!thread)
		pause();	/* until the parent's SIGKILL */
	while (!atomic_load(&k->quit))
		nanosleep(&ms10, NULL);
}

/* The end of a transfer batch: the low byte of how many messages came. */
static int ack(struct chan *c, uint64_t seq)
{
	unsigned char b = (unsigned char)seq;

	return chan_send(c, &b, 1);
}

/*
 * Receives, checks (in the checking pass) and, for round trips, answers
 * with the byte ^ REPLY_XOR; a transfer batch comes as its number of
 * messages, then the messages, and is acknowledged once it has all come.
 * Returns when the channel fails or, for a thread, when told to quit.
 */
static void peer_loop(struct ctl *k, struct chan *c, unsigned char *buf,
		      bool thread)
{
	size_t size = k->size ? (size_t)k->size : 1;
	uint64_t seq = 0, left = 0;	/* messages left in the batch */

	for (;;) {
		bool checking;

		atomic_store_explicit(&k->nsys, c->nsys, memory_order_relaxed);
		atomic_store_explicit(&k->idle, seq, memory_order_release);
		if (k->size && !left) {
			if (chan_recv(c, &left, sizeof(left)) ||
			    (!left && ack(c, seq)))
				return;
			continue;
		}
		if (chan_recv(c, buf, size))
			return;
		if (!seq && k->hook == HOOK_STALL) {
			stall(k, thread);
			return;
		}
		if (!seq && k->hook == HOOK_DIE) {
			if (thread)
				return;	/* the thread stops answering */
			raise(SIGKILL);
		}
		checking = atomic_load_explicit(&k->checking,
						memory_order_relaxed);
		if (checking) {
			size_t len = checked_len(size, seq);

			if (!intact(buf, len, seq))
				atomic_fetch_add(&k->bad, 1);
			atomic_store(&k->rx_sum,
				     checksum(atomic_load(&k->rx_sum), buf,
					      len));
		}
		atomic_store_explicit(&k->rx, ++seq, memory_order_relaxed);
		if (!k->size) {
			buf[0] ^= REPLY_XOR;
			if (checking)
				atomic_store(&k->tx_sum,
					     checksum(atomic_load(&k->tx_sum),
						      buf, 1));
			if (chan_send(c, buf, 1))
				return;
			atomic_store_explicit(&k->tx, seq,
					      memory_order_relaxed);
		} else if (!--left && ack(c, seq)) {
			return;
		}
	}
}

/* From here on, any system call but exit kills the process. */
static int forbid_syscalls(void)
{
#ifdef AUDIT_ARCH_NATIVE
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_NATIVE, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit_group, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = ML_ARRAY_SIZE(f), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
#else
	return -1;
#endif
}

static int peer_fail(struct ctl *k, int ready, const char *what)
{
	snprintf(k->error, sizeof(k->error), "%s: %s", what, strerror(errno));
	atomic_store(&k->ready, ready);
	return -1;
}

static void rings_of(struct chan *c, void *base, size_t slot, bool peer)
{
	struct ring *a = base;
	struct ring *b = (struct ring *)((unsigned char *)base +
					 ring_bytes(slot));

	c->tx = peer ? b : a;	/* a: to the peer, b: back */
	c->rx = peer ? a : b;
}

static int peer_connect(struct ctl *k, struct chan *c)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int one = 1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)k->port);
	c->rfd = c->wfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->rfd < 0)
		return peer_fail(k, -1, "socket");
	if (connect(c->rfd, (struct sockaddr *)&sin, sizeof(sin)))
		return peer_fail(k, -1, "connect to 127.0.0.1");
	setsockopt(c->rfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

/* The peer's end of the channel its orders describe. */
static int peer_open(struct ctl *k, struct chan *c)
{
	size_t slot = slot_for((size_t)k->size);
	void *map;
	int fd;

	chan_init(c, (enum mech)k->mech, false);
	for (int i = 0; i < 2; i++)
		if (k->close_fds[i] >= 0)
			close(k->close_fds[i]);
	switch (k->mech) {
	case PIPE:
	case EVENTFD:
		c->rfd = k->fds[0];
		c->wfd = k->fds[1];
		return 0;
	case USTREAM:
	case UDGRAM:
		c->rfd = c->wfd = k->fds[0];
		return 0;
	case FIFO:	/* the same order as the parent, or both block */
		c->rfd = open(k->names[0], O_RDONLY | O_CLOEXEC);
		if (c->rfd < 0)
			return peer_fail(k, -1, "open the FIFO to read");
		c->wfd = open(k->names[1], O_WRONLY | O_CLOEXEC);
		if (c->wfd < 0)
			return peer_fail(k, -1, "open the FIFO to write");
		return 0;
	case TCP:
		return peer_connect(k, c);
	case PMQ:
		c->rq = mq_open(k->names[0], O_RDONLY | O_CLOEXEC);
		c->wq = mq_open(k->names[1], O_WRONLY | O_CLOEXEC);
		if (c->rq == (mqd_t)-1 || c->wq == (mqd_t)-1)
			return peer_fail(k, -1, "mq_open");
		return 0;
	case SYSV:
		c->msqid = k->msqid;
		c->rtype = 1;
		c->wtype = 2;
		c->scratch = malloc(sizeof(long) + slot);
		return c->scratch ? 0 : peer_fail(k, -1, "malloc");
	case SIGNAL:
		c->to = k->parent;
		c->wsig = SIG_TO_PARENT;
		sigemptyset(&c->rset);
		sigaddset(&c->rset, SIG_TO_PEER);
		sigprocmask(SIG_BLOCK, &c->rset, NULL);
		return 0;
	case SHM_SEM:
	case SHM_FUTEX:
	case SHM_SPIN:
		fd = shm_open(k->names[0], O_RDWR | O_CLOEXEC, 0);
		if (fd < 0)
			return peer_fail(k, -1, "shm_open");
		map = mmap(NULL, 2 * ring_bytes(slot), PROT_READ | PROT_WRITE,
			   MAP_SHARED, fd, 0);
		close(fd);
		if (map == MAP_FAILED)
			return peer_fail(k, -1, "mmap the shared memory");
		rings_of(c, map, slot, true);
		return 0;
	default:
		errno = EINVAL;
		return peer_fail(k, -1, "no such mechanism");
	}
}

/* On PR_SET_PDEATHSIG: our parent died; remove what it may have left. */
static void on_parent_death(int sig)
{
	struct ctl *k = peer_ctl;

	(void)sig;
	if (k && k->mech == FIFO) {
		char dir[128];
		char *slash;

		memcpy(dir, k->names[0], sizeof(dir));
		dir[sizeof(dir) - 1] = '\0';
		slash = strrchr(dir, '/');
		unlink(k->names[0]);
		unlink(k->names[1]);
		if (slash) {
			*slash = '\0';
			rmdir(dir);
		}
	} else if (k && k->mech == PMQ) {
		mq_unlink(k->names[0]);
		mq_unlink(k->names[1]);
	} else if (k && k->mech >= SHM_SEM && k->mech <= SHM_SPIN) {
		shm_unlink(k->names[0]);
	} else if (k && k->mech == SYSV) {
		msgctl(k->msqid, IPC_RMID, NULL);
	}
	_exit(0);
}

/* pipe-one-way: write one line into the parent's pipe, found by name. */
static void peer_procfd(struct ctl *k)
{
	char line[96];
	int fd, n;

	fd = open(k->names[0], O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		peer_fail(k, -1, "open /proc/PID/fd/N");
		_exit(1);
	}
	atomic_store(&k->ready, 1);
	n = snprintf(line, sizeof(line), "hello from pid %d\n", (int)getpid());
	if (write(fd, line, (size_t)n) != n)
		_exit(1);
	_exit(0);
}

/* A peer process: forked (orders in memory) or exec'd (orders by fd). */
static __attribute__((noreturn)) void peer_main(struct ctl *k)
{
	struct sigaction sa = { .sa_handler = on_parent_death };
	size_t size = k->size ? (size_t)k->size : 1;
	unsigned char *buf;
	struct chan c;
	char name[16];

	/* "ipcpeer" and the parent's pid: ps and the tests can tell
	 * whose peer this is, even after the parent is gone */
	snprintf(name, sizeof(name), "ipcpeer%d", k->parent);
	prctl(PR_SET_NAME, name);
	peer_ctl = k;
	signal(SIGINT, SIG_IGN);	/* the parent cleans up, kills us */
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != k->parent)	/* it died before the prctl */
		_exit(0);
	if (k->hook == HOOK_STALL_OPEN)
		stall(k, false);
	if (k->mech == PROCFD)
		peer_procfd(k);
	buf = malloc(size);
	if (!buf || peer_open(k, &c))
		_exit(1);
	atomic_store(&k->peer_cpu, sched_getcpu());
	atomic_store(&k->peer_tid, (int)gettid());
	if (k->mech == SHM_SPIN && k->hook == HOOK_NONE) {
		/* the proof that the spinning data path needs no kernel:
		 * a filter that kills us on any system call but exit */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (!forbid_syscalls())
			atomic_store(&k->sealed, 1);
	}
	atomic_store(&k->ready, 1);
	peer_loop(k, &c, buf, false);
	syscall(SYS_exit_group, 0);	/* the one call the filter allows */
	_exit(0);
}

/*
 * The exec'd peer: this same binary, started with MODELAB_IPC_PEER=FD.
 * It becomes the peer before main() runs and never returns, so it works
 * in bin/modelab-ipc and in bin/modelab alike.
 */
__attribute__((constructor)) static void ipc_peer_hook(void)
{
	const char *v = getenv(PEER_ENV);
	struct ctl *k;
	char *end;
	long fd;

	if (!v) {
		/* main() pins us to one CPU: remember where we may run
		 * (taskset, cpuset), for the peers of -2cpu figures */
		have_allowed = !sched_getaffinity(0, sizeof(allowed_cpus),
						  &allowed_cpus);
		return;
	}
	fd = strtol(v, &end, 10);
	if (*end || fd < 0 || fd > INT_MAX)
		_exit(126);
	k = mmap(NULL, sizeof(*k), PROT_READ | PROT_WRITE, MAP_SHARED,
		 (int)fd, 0);
	if (k == MAP_FAILED)
		_exit(126);
	close((int)fd);
	peer_main(k);
}

/* ---- sessions: a channel and its peer, for one figure ----------------- */

struct session {
	bool open;
	enum mech mech;
	size_t size;
	int cpu;			/* the peer's */
	struct ctl *ctl;
	int ctl_fd;
	pid_t pid;			/* a peer process */
	bool reaped;
	int status;
	pthread_t thread;		/* a peer thread */
	bool thread_live;
	struct chan c;			/* our end */
	struct chan pc;			/* a peer thread's end */
	unsigned char *pbuf;		/* a peer thread's buffer */
	void *map;			/* rings */
	size_t map_len;
	struct mailbox *boxes;
	int listen_fd;
	int peer_fds[2];		/* forked peers' ends, closed here */
	sigset_t oldmask;
	bool masked;
	unsigned char *buf;		/* our messages */
	uint64_t seq;			/* messages or round trips done */
	uint64_t bad, rx_sum, tx_sum;
	bool checking;
	int trace_fd[2];		/* sys_enter counters: ours, peer's */
	int io_fd[2];			/* /proc/.../io: ours, peer's */
	int status_fd;			/* the peer's /proc/.../status */
	struct side {
		double traced, rw, vcsw, icsw, sys;
	} start, end, cal;		/* ours, around run(), and its cost */
	bool sided;			/* start and end were taken */
	char error[96];
};

static char skip_why[160];
static unsigned int name_seq;
static char procfd_path[96];	/* pipe-one-way: what the peer opens */

static __attribute__((format(printf, 1, 2))) const char *skip(const char *fmt,
							      ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(skip_why, sizeof(skip_why), fmt, ap);
	va_end(ap);
	return skip_why;
}

static __attribute__((format(printf, 2, 3))) void fail(struct session *s,
						       const char *fmt, ...)
{
	va_list ap;

	if (s->error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
}

static bool peer_exited(struct session *s, uint64_t grace_ns)
{
	uint64_t end = ml_monotonic_ns() + grace_ns;
	const struct timespec ms1 = { 0, 1000000 };

	if (s->pid <= 0)
		return false;
	while (!s->reaped) {
		if (waitpid(s->pid, &s->status, WNOHANG) == s->pid)
			s->reaped = true;
		else if (ml_monotonic_ns() >= end)
			break;
		else
			nanosleep(&ms1, NULL);
	}
	if (s->reaped)
		reg.peer = 0;
	return s->reaped;
}

/* Why a wait of ours failed, in one line for verify_error. */
static void explain(struct session *s, int e)
{
	char who[40];
	int sig;

	if (s->pid > 0)
		snprintf(who, sizeof(who), "the peer (pid %d)", (int)s->pid);
	else
		snprintf(who, sizeof(who), "the peer thread");
	if (peer_exited(s, e == E_TIMEOUT ? 0 : 200000000ull)) {
		if (!WIFSIGNALED(s->status)) {
			fail(s, "%s died: exit status %d%s%s", who,
			     WEXITSTATUS(s->status), s->ctl->error[0] ? ": " : "",
			     s->ctl->error);
			return;
		}
		sig = WTERMSIG(s->status);
		fail(s, "%s died: killed by signal %d (%s)%s", who, sig,
		     strsignal(sig),
		     sig == SIGSYS ? ": a system call under seccomp" : "");
		return;
	}
	switch (e) {
	case E_TIMEOUT:
		fail(s, "%s did not answer within 2 s", who);
		break;
	case E_EOF:
		fail(s, "%s closed the channel", who);
		break;
	case E_SHORT:
		fail(s, "%s sent a message of the wrong length", who);
		break;
	case E_QUIT:
		fail(s, "%s was told to quit", who);
		break;
	default:
		fail(s, "talking to %s: %s", who, strerror(s->c.err));
	}
}

/* The first CPU we may use that is not ours; -1 when there is none. */
static int other_cpu(int self)
{
	char line[256] = "";

	for (int cpu = 0; have_allowed && cpu < CPU_SETSIZE; cpu++)
		if (cpu != self && CPU_ISSET(cpu, &allowed_cpus))
			return cpu;
	if (have_allowed)
		return -1;
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	if (f) {
		char *p = fgets(line, sizeof(line), f) ? line : NULL;

		fclose(f);
		while (p && *p && *p != '\n') {
			char *end;
			long lo = strtol(p, &end, 10), hi = lo;

			if (end == p)
				break;
			if (*end == '-')
				hi = strtol(end + 1, &end, 10);
			for (long cpu = lo; cpu <= hi; cpu++)
				if (cpu != self && cpu < CPU_SETSIZE)
					return (int)cpu;
			p = *end == ',' ? end + 1 : end;
		}
		return -1;
	}
	for (long cpu = 0; cpu < online; cpu++)
		if (cpu != self)
			return (int)cpu;
	return -1;
}

static void set_name(char *dst, size_t len, const char *suffix)
{
	snprintf(dst, len, "/modelab-ipc-%d-%u%s", (int)getpid(), name_seq,
		 suffix);
}

static const char *tmp_dir(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

static void ring_init(struct ring *r, size_t slot, int pshared)
{
	memset(r, 0, RING_HDR);
	r->slot = (uint32_t)slot;
	sem_init(&r->full, pshared, 0);
	sem_init(&r->empty, pshared, RING_SLOTS);
}

static int map_rings(struct session *s, int fd, bool private)
{
	size_t slot = slot_for(s->size);

	s->map_len = 2 * ring_bytes(slot);
	if (fd >= 0 && ftruncate(fd, (off_t)s->map_len))
		return -1;
	s->map = mmap(NULL, s->map_len, PROT_READ | PROT_WRITE,
		      private ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED, fd,
		      0);
	if (s->map == MAP_FAILED) {
		s->map = NULL;
		return -1;
	}
	ring_init(s->map, slot, !private);
	ring_init((struct ring *)((unsigned char *)s->map + ring_bytes(slot)),
		  slot, !private);
	rings_of(&s->c, s->map, slot, false);
	return 0;
}

/* The parent's objects, before the peer starts: 0, -1 (error), 1 (skip). */
static int make_channel(struct session *s, const char **why)
{
	struct ctl *k = s->ctl;
	struct chan *c = &s->c;
	struct mq_attr attr = { .mq_maxmsg = 4 };
	size_t slot = slot_for(s->size);
	int a[2], b[2], fd;

	switch (s->mech) {
	case PIPE:
		if (pipe2(a, O_CLOEXEC))
			goto sys;
		if (pipe2(b, O_CLOEXEC)) {
			close(a[0]);
			close(a[1]);
			goto sys;
		}
		c->wfd = a[1];
		c->rfd = b[0];
		k->fds[0] = s->peer_fds[0] = a[0];
		k->fds[1] = s->peer_fds[1] = b[1];
		k->close_fds[0] = a[1];
		k->close_fds[1] = b[0];
		return 0;
	case USTREAM:
	case UDGRAM:
		if (socketpair(AF_UNIX, (s->mech == USTREAM ? SOCK_STREAM :
				SOCK_DGRAM) | SOCK_CLOEXEC, 0, a))
			goto sys;
		c->rfd = c->wfd = a[0];
		k->fds[0] = k->fds[1] = s->peer_fds[0] = a[1];
		k->close_fds[0] = a[0];
		return 0;
	case TCP: {
		struct sockaddr_in sin = { .sin_family = AF_INET };
		socklen_t len = sizeof(sin);

		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s->listen_fd < 0) {
			*why = skip("no TCP sockets here: %s", strerror(errno));
			return 1;
		}
		if (bind(s->listen_fd, (struct sockaddr *)&sin, sizeof(sin)) ||
		    listen(s->listen_fd, 1) ||
		    getsockname(s->listen_fd, (struct sockaddr *)&sin, &len)) {
			*why = skip("cannot listen on 127.0.0.1: %s",
				    strerror(errno));
			return 1;
		}
		k->port = ntohs(sin.sin_port);
		k->close_fds[0] = s->listen_fd;
		return 0;
	}
	case EVENTFD:
		c->wfd = eventfd(0, EFD_CLOEXEC);
		c->rfd = eventfd(0, EFD_CLOEXEC);
		if (c->wfd < 0 || c->rfd < 0)
			goto sys;
		k->fds[0] = c->wfd;	/* the same objects, both sides */
		k->fds[1] = c->rfd;
		return 0;
	case FIFO:
		if (snprintf(reg.dir, sizeof(reg.dir),
			     "%s/modelab-ipc-%d-XXXXXX", tmp_dir(),
			     (int)getpid()) >= (int)sizeof(reg.dir)) {
			reg.dir[0] = '\0';
			*why = skip("TMPDIR is too long a path");
			return 1;
		}
		if (!mkdtemp(reg.dir)) {
			*why = skip("cannot make a directory in %s: %s",
				    tmp_dir(), strerror(errno));
			reg.dir[0] = '\0';
			return 1;
		}
		for (int i = 0; i < 2; i++) {
			snprintf(reg.paths[i], sizeof(reg.paths[i]), "%s/%s",
				 reg.dir, i ? "to-parent" : "to-peer");
			memcpy(k->names[i], reg.paths[i], sizeof(k->names[i]));
			if (mkfifo(reg.paths[i], 0600))
				goto sys;
		}
		return 0;
	case PMQ:
		attr.mq_msgsize = (long)(s->size ? s->size : 1);
		for (int i = 0; i < 2; i++) {
			mqd_t q;

			set_name(reg.mq[i], sizeof(reg.mq[i]), i ? "-b" : "-a");
			memcpy(k->names[i], reg.mq[i], sizeof(reg.mq[i]));
			q = mq_open(reg.mq[i], O_CREAT | O_EXCL | O_RDWR |
				    O_CLOEXEC, 0600, &attr);
			if (q == (mqd_t)-1 && (errno == ENOSYS ||
					       errno == EACCES)) {
				*why = skip("no POSIX message queues here: %s",
					    strerror(errno));
				return 1;
			}
			if (q == (mqd_t)-1)
				goto sys;
			if (i)
				c->rq = q;
			else
				c->wq = q;
		}
		return 0;
	case SYSV:
		/* a key made of our pid, so that ipcs can say whose a
		 * leftover queue would be; IPC_PRIVATE if it is taken */
		reg.msqid = msgget(SYSV_KEY_BASE | (getpid() & 0xffffff),
				   IPC_CREAT | IPC_EXCL | 0600);
		if (reg.msqid < 0 && errno == EEXIST)
			reg.msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
		if (reg.msqid < 0 && errno == ENOSYS) {
			*why = skip("no System V IPC in this kernel");
			return 1;
		}
		if (reg.msqid < 0)
			goto sys;
		c->msqid = k->msqid = reg.msqid;
		c->wtype = 1;
		c->rtype = 2;
		c->scratch = malloc(sizeof(long) + slot);
		return c->scratch ? 0 : -1;
	case SIGNAL:
		/* blocked before the fork: the child inherits the mask */
		sigemptyset(&c->rset);
		sigaddset(&c->rset, SIG_TO_PARENT);
		{
			sigset_t both = c->rset;

			sigaddset(&both, SIG_TO_PEER);
			pthread_sigmask(SIG_BLOCK, &both, &s->oldmask);
			s->masked = true;
		}
		c->wsig = SIG_TO_PEER;
		return 0;
	case SHM_SEM:
	case SHM_FUTEX:
	case SHM_SPIN:
		set_name(reg.shm, sizeof(reg.shm), "");
		memcpy(k->names[0], reg.shm, sizeof(reg.shm));
		fd = shm_open(reg.shm, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC,
			      0600);
		if (fd < 0) {
			*why = skip("no POSIX shared memory here: %s",
				    strerror(errno));
			return 1;
		}
		if (map_rings(s, fd, false)) {
			close(fd);
			goto sys;
		}
		close(fd);
		return 0;
	case T_FUTEX:
		s->c.private_futex = true;
		return map_rings(s, -1, true) ? -1 : 0;
	case T_CONDVAR: {
		pthread_condattr_t ca;

		s->boxes = calloc(2, sizeof(*s->boxes));
		if (!s->boxes)
			return -1;
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		for (int i = 0; i < 2; i++) {
			pthread_mutex_init(&s->boxes[i].m, NULL);
			pthread_cond_init(&s->boxes[i].cv, &ca);
		}
		pthread_condattr_destroy(&ca);
		c->mtx = &s->boxes[0];
		c->mrx = &s->boxes[1];
		return 0;
	}
	case PROCFD:
		memcpy(k->names[0], procfd_path, sizeof(procfd_path));
		return 0;
	default:
		return 0;
	}
sys:
	fail(s, "setting up %s: %s", mechs[s->mech].name, strerror(errno));
	return -1;
}

static void *peer_thread(void *arg)
{
	struct session *s = arg;
	struct ctl *k = s->ctl;

	atomic_store(&k->peer_tid, (int)gettid());
	atomic_store(&k->peer_cpu, sched_getcpu());
	if (k->hook == HOOK_STALL_OPEN) {
		stall(k, true);
		return NULL;
	}
	atomic_store(&k->ready, 1);
	peer_loop(k, &s->pc, s->pbuf, true);
	return NULL;
}

static int start_thread(struct session *s)
{
	struct chan *pc = &s->pc;
	pthread_attr_t attr;
	sigset_t all, old;
	cpu_set_t set;
	int rc;

	chan_init(pc, s->mech, false);
	pc->quit = &s->ctl->quit;
	pc->private_futex = true;
	if (s->mech == T_FUTEX)
		rings_of(pc, s->map, slot_for(s->size), true);
	pc->mtx = s->c.mrx;
	pc->mrx = s->c.mtx;
	s->pbuf = malloc(s->size ? s->size : 1);
	if (!s->pbuf)
		return -1;
	CPU_ZERO(&set);
	CPU_SET(s->cpu, &set);
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	/* the peer thread blocks every signal: SIGALRM is for us */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&s->thread, &attr, peer_thread, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (rc) {
		errno = rc;
		return -1;
	}
	s->thread_live = true;
	return 0;
}

static int start_process(struct session *s)
{
	enum peer_kind kind = mechs[s->mech].peer;
	char env[48];
	cpu_set_t set;

	snprintf(env, sizeof(env), "%s=%d", PEER_ENV, s->ctl_fd);
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		char *argv[] = { "modelab-ipc-peer", NULL };

		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		CPU_ZERO(&set);
		CPU_SET(s->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			peer_fail(s->ctl, -2, "cannot pin the peer");
			_exit(1);
		}
		if (kind == FORKED)
			peer_main(s->ctl);
		/* exec'd: every descriptor but the orders is close-on-exec */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		fcntl(s->ctl_fd, F_SETFD, 0);
		putenv(env);
		execv("/proc/self/exe", argv);
		peer_fail(s->ctl, -1, "exec /proc/self/exe");
		_exit(127);
	}
	reg.peer = s->pid;
	for (int i = 0; i < 2; i++) {
		if (s->peer_fds[i] >= 0)
			close(s->peer_fds[i]);
		s->peer_fds[i] = -1;
	}
	if (s->mech == SIGNAL)
		s->c.to = s->pid;
	return 0;
}

/* Blocks in open() until the peer opens the other end, or 5 s pass. */
static int open_fifo(struct session *s, const char *path, int flags)
{
	uint64_t end = ml_monotonic_ns() + START_TIMEOUT_NS;

	for (;;) {
		int fd = open(path, flags | O_CLOEXEC);

		if (fd >= 0)
			return fd;
		if (errno != EINTR || ml_monotonic_ns() >= end ||
		    peer_exited(s, 0)) {
			fail(s, "the peer did not open its FIFO within 5 s");
			return -1;
		}
	}
}

static void unlink_early(void)
{
	remove_names(reg.paths, reg.dir, reg.shm, reg.mq, -1);
	memset(reg.paths, 0, sizeof(reg.paths));
	memset(reg.dir, 0, sizeof(reg.dir));
	memset(reg.shm, 0, sizeof(reg.shm));
	memset(reg.mq, 0, sizeof(reg.mq));
}

static int wait_ready(struct session *s, const char **why)
{
	const struct timespec us100 = { 0, 100000 };
	uint64_t end = ml_monotonic_ns() + START_TIMEOUT_NS;
	int r;

	while (!(r = atomic_load(&s->ctl->ready))) {
		if (peer_exited(s, 0)) {
			explain(s, E_EOF);
			return -1;
		}
		if (ml_monotonic_ns() >= end) {
			fail(s, "the peer did not get ready within 5 s");
			return -1;
		}
		nanosleep(&us100, NULL);
	}
	if (r == -2) {
		*why = skip("%s", s->ctl->error);
		return 1;
	}
	if (r < 0) {
		fail(s, "the peer failed: %s", s->ctl->error);
		return -1;
	}
	return 0;
}

/* After the peer is ready: accept, unlink every name. */
static int finish_channel(struct session *s)
{
	int one = 1, fd;

	if (s->mech == TCP) {
		uint64_t since = 0;

		while ((fd = accept4(s->listen_fd, NULL, NULL,
				     SOCK_CLOEXEC)) < 0) {
			if (errno != EINTR || !still_waiting(&s->c, &since)) {
				fail(s, "accept: %s", strerror(errno));
				return -1;
			}
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		s->c.rfd = s->c.wfd = fd;
		close(s->listen_fd);
		s->listen_fd = -1;
	}
	unlink_early();	/* both ends are open: nothing to leave */
	memset(s->ctl->names, 0, sizeof(s->ctl->names));
	return 0;
}

static long tracepoint_id = -2;		/* -2: not looked up yet */
static char trace_why[96];

/* raw_syscalls:sys_enter's id, when tracefs is mounted; else -1. */
static long syscall_tracepoint(void)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/events/raw_syscalls/sys_enter/id",
		"/sys/kernel/debug/tracing/events/raw_syscalls/sys_enter/id",
	};

	if (tracepoint_id != -2)
		return tracepoint_id;
	tracepoint_id = -1;
	snprintf(trace_why, sizeof(trace_why), "tracefs is not mounted");
	for (size_t i = 0; i < ML_ARRAY_SIZE(paths); i++) {
		FILE *f = fopen(paths[i], "re");

		if (!f)
			continue;
		if (fscanf(f, "%ld", &tracepoint_id) != 1)
			tracepoint_id = -1;
		fclose(f);
		break;
	}
	return tracepoint_id;
}

/* Counts one thread's system calls; -1 when perf may not. */
static int trace_open(pid_t tid)
{
	struct perf_event_attr a;
	int fd;

	if (syscall_tracepoint() < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof(a);
	a.config = (uint64_t)tracepoint_id;
	fd = (int)syscall(SYS_perf_event_open, &a, tid, -1, -1,
			  PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		snprintf(trace_why, sizeof(trace_why),
			 "perf may not attach raw_syscalls:sys_enter: %s",
			 strerror(errno));
	return fd;
}

/* ---- what the witness pass counted, on both sides --------------------- */

/*
 * The sum of the numbers after key1 and key2 in a /proc file read again
 * from its start: one pread(), the file kept open.
 */
static double proc_counters(int fd, const char *key1, const char *key2)
{
	const char *keys[2] = { key1, key2 };
	char text[4096];
	double sum = 0;
	ssize_t n;

	if (fd < 0)
		return NAN;
	n = pread(fd, text, sizeof(text) - 1, 0);
	if (n <= 0)
		return NAN;
	text[n] = '\0';
	for (int i = 0; i < 2 && keys[i]; i++) {
		const char *p = strstr(text, keys[i]);

		if (!p)
			return NAN;
		sum += strtod(p + strlen(keys[i]), NULL);
	}
	return sum;
}

static double perf_count(int fd)
{
	uint64_t v;

	if (fd < 0 || read(fd, &v, sizeof(v)) != sizeof(v))
		return NAN;
	return (double)v;
}

/*
 * Our side, taken inside run() so that the library's own calls around it
 * do not count: three system calls, whose cost (s->cal) is taken off.
 */
static void our_side(struct session *s, struct side *p)
{
	struct rusage ru;

	p->traced = perf_count(s->trace_fd[0]);
	getrusage(RUSAGE_THREAD, &ru);
	p->vcsw = (double)ru.ru_nvcsw;
	p->icsw = (double)ru.ru_nivcsw;
	p->rw = proc_counters(s->io_fd[0], "syscr:", "syscw:");
	p->sys = (double)s->c.nsys;
}

/* The peer's side: it does not see our calls at all. */
static void peer_side(struct session *s, struct side *p)
{
	p->traced = perf_count(s->trace_fd[1]);
	p->rw = proc_counters(s->io_fd[1], "syscr:", "syscw:");
	p->vcsw = proc_counters(s->status_fd, "\nvoluntary_ctxt_switches:",
				NULL);
	p->icsw = proc_counters(s->status_fd, "nonvoluntary_ctxt_switches:",
				NULL);
	p->sys = (double)atomic_load(&s->ctl->nsys);
}

/* Opens what the counting needs, and measures what counting costs. */
static void counting_open(struct session *s)
{
	int tid = atomic_load(&s->ctl->peer_tid);
	int pid = s->pid > 0 ? (int)s->pid : (int)getpid();
	struct side a, b;
	char path[64];

	s->trace_fd[0] = trace_open(0);
	s->trace_fd[1] = trace_open(tid);
	s->io_fd[0] = open("/proc/thread-self/io", O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/io", pid, tid);
	s->io_fd[1] = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	s->status_fd = open(path, O_RDONLY | O_CLOEXEC);
	our_side(s, &a);
	our_side(s, &b);
	s->cal.traced = b.traced - a.traced;
	s->cal.rw = b.rw - a.rw;
	s->cal.vcsw = s->cal.icsw = s->cal.sys = 0;
}

/* (b - a) less what counting itself cost (cal), per op. */
static double per_op(double a, double b, double cal, uint64_t n)
{
	double v = (b - a - cal) / (double)n;

	return v > 0 ? v : 0;
}

static void session_close(struct session *s);

/*
 * Opens a channel and starts its peer on CPU cpu.  Returns a reason to
 * skip, or NULL; a failure leaves its reason in s->error.
 */
static const char *session_open(struct session *s, enum mech m, size_t size,
				int cpu, bool checking, enum hook hook)
{
	enum peer_kind kind = mechs[m].peer;
	const char *why = NULL;
	int rc;

	memset(s, 0, sizeof(*s));
	s->open = true;
	s->mech = m;
	s->size = size;
	s->cpu = cpu;
	s->checking = checking;
	s->ctl_fd = s->listen_fd = -1;
	s->peer_fds[0] = s->peer_fds[1] = -1;
	s->trace_fd[0] = s->trace_fd[1] = -1;
	s->io_fd[0] = s->io_fd[1] = s->status_fd = -1;
	s->rx_sum = s->tx_sum = SUM_SEED;
	chan_init(&s->c, m, true);
	name_seq++;
	handlers(true, m != SHM_SPIN);
	s->buf = malloc(size ? size : 1);
	if (kind == THREAD) {
		s->ctl = calloc(1, sizeof(*s->ctl));
	} else {
		s->ctl_fd = memfd_create("modelab-ipc-orders", MFD_CLOEXEC);
		if (s->ctl_fd >= 0 && !ftruncate(s->ctl_fd, sizeof(*s->ctl)))
			s->ctl = mmap(NULL, sizeof(*s->ctl),
				      PROT_READ | PROT_WRITE, MAP_SHARED,
				      s->ctl_fd, 0);
		if (s->ctl == MAP_FAILED)
			s->ctl = NULL;
	}
	if (!s->ctl || !s->buf) {
		fail(s, "no memory for the peer's orders");
		return NULL;
	}
	s->ctl->mech = m;
	s->ctl->size = (int)size;
	s->ctl->cpu = cpu;
	s->ctl->hook = hook;
	s->ctl->parent = (int)getpid();
	s->ctl->fds[0] = s->ctl->fds[1] = -1;
	s->ctl->close_fds[0] = s->ctl->close_fds[1] = -1;
	s->ctl->msqid = -1;
	atomic_store(&s->ctl->checking, checking);
	atomic_store(&s->ctl->rx_sum, SUM_SEED);
	atomic_store(&s->ctl->tx_sum, SUM_SEED);
	rc = make_channel(s, &why);
	if (rc)
		goto out;
	if (kind == EXECED)	/* the peer finds its ends by name */
		s->ctl->close_fds[0] = s->ctl->close_fds[1] = -1;
	if ((kind == THREAD ? start_thread(s) : start_process(s))) {
		fail(s, "cannot start the peer: %s", strerror(errno));
		goto out;
	}
	if (m == FIFO) {
		s->c.wfd = open_fifo(s, reg.paths[0], O_WRONLY);
		if (s->c.wfd >= 0)
			s->c.rfd = open_fifo(s, reg.paths[1], O_RDONLY);
		if (s->c.rfd < 0)
			goto out;
	}
	rc = wait_ready(s, &why);
	if (rc || finish_channel(s))
		goto out;
	if (checking)
		counting_open(s);
	return NULL;
out:
	if (why)	/* a skip: the library will not call teardown */
		session_close(s);
	return why;
}

static void wake_thread_peer(struct session *s)
{
	atomic_store(&s->ctl->quit, 1);
	if (s->mech == T_FUTEX) {
		struct ring *r[2] = { s->c.tx, s->c.rx };

		for (int i = 0; i < 2; i++) {
			futex(&r[i]->head, FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
			      INT32_MAX);
			futex(&r[i]->tail, FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
			      INT32_MAX);
		}
	} else if (s->boxes) {
		for (int i = 0; i < 2; i++) {
			pthread_mutex_lock(&s->boxes[i].m);
			pthread_cond_broadcast(&s->boxes[i].cv);
			pthread_mutex_unlock(&s->boxes[i].m);
		}
	}
}

static void session_close(struct session *s)
{
	if (!s->open)
		return;
	s->open = false;
	while (s->thread_live) {
		struct timespec ts;

		/* again and again: the peer may have checked quit just
		 * before we set it, and sleep on a word that did not move */
		wake_thread_peer(s);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_nsec -= 1000000000;
			ts.tv_sec++;
		}
		if (pthread_timedjoin_np(s->thread, NULL, &ts) != ETIMEDOUT)
			s->thread_live = false;
	}
	if (s->pid > 0 && !s->reaped) {
		kill(s->pid, SIGKILL);
		while (waitpid(s->pid, &s->status, 0) < 0 && errno == EINTR)
			;
		s->reaped = true;
	}
	reg.peer = 0;
	unlink_early();		/* whatever a failed setup left */
	if (reg.msqid >= 0)
		msgctl(reg.msqid, IPC_RMID, NULL);
	reg.msqid = -1;
	if (s->status_fd >= 0)
		close(s->status_fd);
	for (int i = 0; i < 2; i++) {
		if (s->trace_fd[i] >= 0)
			close(s->trace_fd[i]);
		if (s->io_fd[i] >= 0)
			close(s->io_fd[i]);
		if (s->peer_fds[i] >= 0)
			close(s->peer_fds[i]);
	}
	if (s->c.rfd >= 0)
		close(s->c.rfd);
	if (s->c.wfd >= 0 && s->c.wfd != s->c.rfd)
		close(s->c.wfd);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->c.rq != (mqd_t)-1)
		mq_close(s->c.rq);
	if (s->c.wq != (mqd_t)-1)
		mq_close(s->c.wq);
	if (s->masked) {	/* take what is still pending, then unmask */
		const struct timespec zero = { 0, 0 };
		sigset_t both = s->c.rset;

		sigaddset(&both, SIG_TO_PEER);
		while (sigtimedwait(&both, NULL, &zero) > 0)
			;
		pthread_sigmask(SIG_SETMASK, &s->oldmask, NULL);
	}
	if (s->map)
		munmap(s->map, s->map_len);
	if (s->boxes) {
		for (int i = 0; i < 2; i++) {
			pthread_mutex_destroy(&s->boxes[i].m);
			pthread_cond_destroy(&s->boxes[i].cv);
		}
		free(s->boxes);
	}
	free(s->c.scratch);
	free(s->buf);
	free(s->pbuf);
	if (s->ctl && mechs[s->mech].peer == THREAD)
		free(s->ctl);
	else if (s->ctl)
		munmap(s->ctl, sizeof(*s->ctl));
	if (s->ctl_fd >= 0)
		close(s->ctl_fd);
	s->ctl = NULL;
	handlers(false, false);
}

/* ---- the ops ---------------------------------------------------------- */

static void round_trips(struct session *s, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		unsigned char b = 0x2a, r;
		int e;

		if (s->checking) {
			fill(&b, 1, s->seq);
			s->tx_sum = checksum(s->tx_sum, &b, 1);
		}
		e = chan_send(&s->c, &b, 1);
		if (!e)
			e = chan_recv(&s->c, &r, 1);
		if (e) {
			explain(s, e);
			return;
		}
		if (s->checking) {
			s->bad += r != (b ^ REPLY_XOR);
			s->rx_sum = checksum(s->rx_sum, &r, 1);
		}
		s->seq++;
	}
}

/*
 * One transfer batch: its number of messages, the messages, then the
 * peer's ack once it has received them all, so that the batch ends when
 * every byte is delivered.  n = 0 is that handshake alone: the library
 * times it as the empty batch and takes it off.
 */
static void stream(struct session *s, uint64_t n)
{
	unsigned char got;
	int e = chan_send(&s->c, &n, sizeof(n));

	for (uint64_t i = 0; i < n && !e; i++) {
		if (s->checking) {
			size_t len = checked_len(s->size, s->seq);

			fill(s->buf, len, s->seq);
			s->tx_sum = checksum(s->tx_sum, s->buf, len);
		}
		e = chan_send(&s->c, s->buf, s->size);
		if (!e)
			s->seq++;
	}
	if (!e)
		e = chan_recv(&s->c, &got, 1);
	if (e)
		explain(s, e);
	else if (s->checking)
		s->bad += got != (unsigned char)s->seq;
}

/* Waits (2 s at most) until the peer has handled all we sent and waits. */
static void drain(struct session *s)
{
	const struct timespec us50 = { 0, 50000 };
	uint64_t end = ml_monotonic_ns() + ANSWER_TIMEOUT_NS;

	while (atomic_load(&s->ctl->idle) < s->seq) {
		if (peer_exited(s, 0)) {
			explain(s, E_EOF);
			return;
		}
		if (ml_monotonic_ns() >= end) {
			fail(s, "the peer%s took %llu of %llu messages in 2 s",
			     s->pid > 0 ? "" : " thread",
			     (unsigned long long)atomic_load(&s->ctl->idle),
			     (unsigned long long)s->seq);
			return;
		}
		nanosleep(&us50, NULL);
	}
}

/* What the witness pass showed: counts match, bytes intact. */
static const char *session_check(struct session *s, uint64_t n)
{
	static char why[96];
	struct ctl *k = s->ctl;

	if (s->error[0])
		return s->error;
	if (s->seq != n || atomic_load(&k->rx) != n ||
	    (!s->size && atomic_load(&k->tx) != n)) {
		snprintf(why, sizeof(why),
			 "counts differ: %llu ops, %llu done, peer got %llu, sent %llu",
			 (unsigned long long)n, (unsigned long long)s->seq,
			 (unsigned long long)atomic_load(&k->rx),
			 (unsigned long long)atomic_load(&k->tx));
		return why;
	}
	if (s->bad || atomic_load(&k->bad))
		return "bytes changed on the way (pattern check)";
	if (atomic_load(&k->rx_sum) != s->tx_sum ||
	    (!s->size && atomic_load(&k->tx_sum) != s->rx_sum))
		return "checksums differ between the two sides";
	return NULL;
}

/* ---- the timed figures ------------------------------------------------ */

enum group { RTT_1CPU, RTT_2CPU, STREAMS };

struct fig_state {
	const char *name;
	enum mech mech;
	size_t size;		/* 0: round trips */
	int cpus;
	char error[96];		/* sticky: the figure failed */
	double shadow[SHADOW_MAX];	/* ns per op, the last batches */
	size_t nshadow;
	double empty[EMPTY_MAX];	/* ns of the last run(0)s: handshakes */
	size_t nempty;
	uint64_t batch;			/* ops in the last batch */
	struct side peer_a;	/* the peer, at the witness pass's prepare */
	bool counted;
	bool traced;		/* syscalls from the tracepoint */
	bool sealed;		/* the peer ran under the seccomp filter */
	int cpu[2];
	double sys[2], rw[2], vcsw[2], icsw[2];	/* ours, the peer's */
};

static struct session fig_sess;

static bool selected(const char *name)
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

	if (!selected(f->name))
		return ml_skip(ctx, "not named in MODELAB_IPC_FIGURES");
	if (f->error[0])	/* run() does nothing, verify() says why */
		return ml_error(ctx, "%s", f->error);
	peer = f->cpus == 1 ? self : other_cpu(self);
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
			stream(s, ctx->n);
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
	drain(s);	/* the peer's counts are final once it waits again */
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

/* What one op is, per mechanism. */
#define W_PIPE ": two pipes, forked child"
#define W_FIFO ": two FIFOs, exec'd peer"
#define W_USTREAM ": AF_UNIX stream socketpair, forked child"
#define W_UDGRAM ": AF_UNIX datagram socketpair, forked child"
#define W_TCP ": TCP on 127.0.0.1, forked child"
#define W_EVENTFD ": two eventfds, forked child"
#define W_PMQ ": two POSIX message queues, exec'd peer"
#define W_SYSV ": a System V message queue, forked child"
#define W_SIGNAL ": sigqueue and sigwaitinfo, forked child"
#define W_SHM_SEM ": shm rings, process-shared semaphores, exec'd peer"
#define W_SHM_FUTEX ": shm rings, futex wait/wake, exec'd peer"
#define W_SHM_SPIN ": shm rings, both sides spinning, exec'd peer"
#define W_CONDVAR ": mutex and condition variable, two threads"
#define W_TFUTEX ": C11 atomics and futex, two threads"
#define RTT "1 B there and back"
#define ONE ", one CPU"
#define TWO ", two CPUs"

#define RTTS(X, id, nm, M, W)                                                 \
	X(id##_r1, nm "-rtt-1cpu", M, 0, 1, RTT W ONE)                        \
	X(id##_r2, nm "-rtt-2cpu", M, 0, 2, RTT W TWO)
#define STREAMS3(X, id, nm, M, W)                                             \
	X(id##_64, nm "-64B-2cpu", M, 64, 2, "a 64 B message one way" W TWO)  \
	X(id##_4k, nm "-4KiB-2cpu", M, 4096, 2,                               \
	  "a 4 KiB message one way" W TWO)                                    \
	X(id##_64k, nm "-64KiB-2cpu", M, 65536, 2,                            \
	  "a 64 KiB message one way" W TWO)

/* id, name, mechanism, message size (0: round trip), CPUs, what */
#define TIMED_FIGURES(X)                                                      \
	RTTS(X, pipe, "pipe", PIPE, W_PIPE)                                   \
	RTTS(X, fifo, "fifo", FIFO, W_FIFO)                                   \
	RTTS(X, ustream, "unix-stream", USTREAM, W_USTREAM)                   \
	RTTS(X, udgram, "unix-dgram", UDGRAM, W_UDGRAM)                       \
	RTTS(X, tcp, "tcp", TCP, W_TCP)                                       \
	RTTS(X, eventfd, "eventfd", EVENTFD, W_EVENTFD)                       \
	RTTS(X, pmq, "posix-mq", PMQ, W_PMQ)                                  \
	RTTS(X, sysv, "sysv-msg", SYSV, W_SYSV)                               \
	RTTS(X, signal, "signal", SIGNAL, W_SIGNAL)                           \
	RTTS(X, shmsem, "shm-sem", SHM_SEM, W_SHM_SEM)                        \
	RTTS(X, shmfutex, "shm-futex", SHM_FUTEX, W_SHM_FUTEX)                \
	RTTS(X, shmspin, "shm-spin", SHM_SPIN, W_SHM_SPIN)                    \
	RTTS(X, condvar, "thread-condvar", T_CONDVAR, W_CONDVAR)              \
	RTTS(X, tfutex, "thread-futex", T_FUTEX, W_TFUTEX)                    \
	STREAMS3(X, pipe, "pipe", PIPE, W_PIPE)                               \
	STREAMS3(X, ustream, "unix-stream", USTREAM, W_USTREAM)               \
	STREAMS3(X, tcp, "tcp", TCP, W_TCP)                                   \
	STREAMS3(X, shmsem, "shm-sem", SHM_SEM, W_SHM_SEM)                    \
	STREAMS3(X, shmspin, "shm-spin", SHM_SPIN, W_SHM_SPIN)

#define AS_ID(id, ...) FIG_##id,
enum { TIMED_FIGURES(AS_ID) NTIMED };

#define AS_STATE(id, nm, M, sz, nc, w)                                        \
	[FIG_##id] = { .name = nm, .mech = M, .size = sz, .cpus = nc },
static struct fig_state states[NTIMED] = { TIMED_FIGURES(AS_STATE) };


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
 * A transfer batch moves 256 KiB at least: the handshake that ends it is
 * then small beside it, and it is more than a pipe (64 KiB) or an AF_UNIX
 * socket (about 200 KiB) buffers by default.  (The ack, not the size,
 * makes the batch end on delivery.)  Small enough that a round holds
 * several batches of 64 B messages.  Round trips (size 0): 0.
 */
#define MIN_BATCH(sz) ((256u << 10) / ((sz) ? (sz) : UINT_MAX))

#define AS_FIGURE(id, nm, M, sz, nc, w)                                       \
	{ .name = nm, .what = w, .setup = fig_setup, .run = fig_run,          \
	  .prepare = fig_prepare, .verify = fig_verify,                       \
	  .data = &states[FIG_##id],                                          \
	  .teardown = fig_teardown, .witness_ops = WOPS(M, sz, nc),           \
	  .min_batch = MIN_BATCH(sz), .bytes_per_op = (sz) },

/* ---- pipe-one-way: one-way, and not only for related processes -------- */

static const char *demo_pipe(struct ml_result *res)
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

static const char *demo_spin_cost(struct ml_result *res)
{
	int self = sched_getcpu(), cpu = other_cpu(self);
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

static void pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *count_up(void *p)
{
	const struct counter_arg *a = p;

	pin_self(a->cpu);
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
		made += !pthread_create(&t[i], NULL, count_up, &a[i]);
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

static const char *demo_counter(struct ml_result *res)
{
	int self = sched_getcpu(), other = other_cpu(self);
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

	pin_self(a->cpu);
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
	if (pthread_create(&t, NULL, litmus_peer, &a))
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

static const char *demo_flag(struct ml_result *res)
{
	int self = sched_getcpu(), other = other_cpu(self);
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

/* Less a transfer's handshake, spread over its batch, as the library does. */
static double shadow_median(const struct fig_state *f)
{
	double ns = ring_median(f->shadow, f->nshadow, SHADOW_MAX);

	if (f->nempty && f->batch)
		ns -= ring_median(f->empty, f->nempty, EMPTY_MAX) /
		      (double)f->batch;
	return ns;
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

static int setup_rank_1(struct ml_ctx *ctx)
{
	if (!selected(ctx->fig->name))
		return ml_skip(ctx, "not named in MODELAB_IPC_FIGURES");
	return ml_skip_if(ctx, setup_rank(RTT_1CPU));
}

static int setup_rank_2(struct ml_ctx *ctx)
{
	if (!selected(ctx->fig->name))
		return ml_skip(ctx, "not named in MODELAB_IPC_FIGURES");
	return ml_skip_if(ctx, setup_rank(RTT_2CPU));
}

static int setup_rank_s(struct ml_ctx *ctx)
{
	if (!selected(ctx->fig->name))
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

static const char *demo_rank_1(struct ml_result *res)
{
	return demo_rank(res, RTT_1CPU);
}

static const char *demo_rank_2(struct ml_result *res)
{
	return demo_rank(res, RTT_2CPU);
}

static const char *demo_rank_s(struct ml_result *res)
{
	return demo_rank(res, STREAMS);
}

static int setup_if_named(struct ml_ctx *ctx)
{
	if (!selected(ctx->fig->name))
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
