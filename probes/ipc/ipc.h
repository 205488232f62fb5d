// SPDX-License-Identifier: GPL-2.0
/*
 * probes/ipc/ipc.h - the ipc family (`modelab run ipc`): one program,
 * bin/modelab-ipc, that times round trips and one-way transfers over
 * pipes, FIFOs, sockets, queues, signals, shared memory and threads.
 * What crosses its files: the types, the shared state, the prototypes.
 * The lesson is in the header of probes/ipc/ipc.c.
 */
#ifndef MODELAB_PROBES_IPC_H
#define MODELAB_PROBES_IPC_H

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
#elif defined(__riscv) && __riscv_xlen == 64
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_RISCV64
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

struct mech_info {
	const char *name;
	enum peer_kind peer;
	bool opaque;	/* glibc decides when to enter the kernel */
	bool rw;	/* the data path is read(2) and write(2) alone */
};
extern const struct mech_info mechs[NMECH];

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

void ipc_fill(unsigned char *p, size_t len, uint64_t seq);
bool ipc_intact(const unsigned char *p, size_t len, uint64_t seq);
size_t checked_len(size_t size, uint64_t seq);
uint64_t ipc_checksum(uint64_t h, const unsigned char *p, size_t len);

/* ---- channels (channels.c) ------------------------------------------- */

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

void chan_init(struct chan *c, enum mech m, bool timeout);
bool still_waiting(struct chan *c, uint64_t *since);
long ipc_futex(_Atomic uint32_t *word, int op, uint32_t val);
int chan_send(struct chan *c, const void *buf, size_t len);
int chan_recv(struct chan *c, void *buf, size_t len);
size_t slot_for(size_t size);
size_t ring_bytes(size_t slot);
void rings_of(struct chan *c, void *base, size_t slot, bool peer);

/* ---- sessions (session.c) -------------------------------------------- */

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

extern char procfd_path[96];	/* pipe-one-way: what the peer opens */

__attribute__((format(printf, 2, 3))) void ipc_fail(struct session *s,
						    const char *fmt, ...);
void ipc_explain(struct session *s, int e);
const char *session_open(struct session *s, enum mech m, size_t size,
			 int cpu, bool checking, enum hook hook);
void session_close(struct session *s);

/* ---- the peer (peer.c) ---------------------------------------------- */

bool peer_exited(struct session *s, uint64_t grace_ns);
int start_thread(struct session *s);
int start_process(struct session *s);

/* ---- the ops and what the witness pass counted (ops.c) --------------- */

extern char trace_why[96];

void counting_open(struct session *s);
void our_side(struct session *s, struct side *p);
void peer_side(struct session *s, struct side *p);
double per_op(double a, double b, double cal, uint64_t n);
void round_trips(struct session *s, uint64_t n);
void ipc_stream(struct session *s, uint64_t n);
void ipc_drain(struct session *s);
const char *session_check(struct session *s, uint64_t n);

/* ---- the timed figures (ipc.c) ---------------------------------------- */

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

extern struct fig_state states[NTIMED];
extern struct session fig_sess;

bool ipc_selected(const char *name);

/* ---- the demonstrations (lessons.c) and rankings (ranking.c) ---------- */

const char *demo_pipe(struct ml_result *res);
const char *demo_spin_cost(struct ml_result *res);
const char *demo_counter(struct ml_result *res);
const char *demo_flag(struct ml_result *res);
const char *demo_post_queue(struct ml_result *res);	/* postqueue.c */
const char *demo_eventfd_event(struct ml_result *res);
int setup_rank_1(struct ml_ctx *ctx);
int setup_rank_2(struct ml_ctx *ctx);
int setup_rank_s(struct ml_ctx *ctx);
const char *demo_rank_1(struct ml_result *res);
const char *demo_rank_2(struct ml_result *res);
const char *demo_rank_s(struct ml_result *res);

#endif /* MODELAB_PROBES_IPC_H */
