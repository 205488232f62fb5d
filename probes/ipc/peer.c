// SPDX-License-Identifier: GPL-2.0
/*
 * probes/ipc/peer.c - the other side: the peer's loop, forked, exec'd or a
 * thread, and how it opens its end; then starting, watching and reaping
 * it, through user/proc/child.c (which also kills it when the run is
 * interrupted).  The lesson is in probes/ipc/ipc.c.
 */
#define _GNU_SOURCE
#include "ipc.h"

/* ---- the peer: one loop for forked, exec'd and thread peers ----------- */

static struct ctl *peer_ctl;	/* in a peer process */

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

			if (!ipc_intact(buf, len, seq))
				atomic_fetch_add(&k->bad, 1);
			atomic_store(&k->rx_sum,
				     ipc_checksum(atomic_load(&k->rx_sum), buf,
						  len));
		}
		atomic_store_explicit(&k->rx, ++seq, memory_order_relaxed);
		if (!k->size) {
			buf[0] ^= REPLY_XOR;
			if (checking)
				atomic_store(&k->tx_sum, ipc_checksum(
					     atomic_load(&k->tx_sum), buf, 1));
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
 * The exec'd peer: this same binary, run by ml_child_spawn_helper() with
 * the orders' descriptor as argv[1].  It becomes the peer before main()
 * runs and never returns, so it works in bin/modelab-ipc and in
 * bin/modelab alike (user/proc/selfexec.c).
 */
static int peer_helper(int argc, char **argv)
{
	struct ctl *k;
	char *end;
	long fd;

	if (argc < 2)
		return 2;
	fd = strtol(argv[1], &end, 10);
	if (end == argv[1] || *end || fd < 0 || fd > INT_MAX)
		return 2;
	k = mmap(NULL, sizeof(*k), PROT_READ | PROT_WRITE, MAP_SHARED,
		 (int)fd, 0);
	if (k == MAP_FAILED)
		return 2;
	close((int)fd);
	peer_main(k);
}
ML_HELPER("ipc-peer", peer_helper);

/* ---- starting, watching and reaping the peer ------------------------ */

bool peer_exited(struct session *s, uint64_t grace_ns)
{
	uint64_t end = ml_monotonic_ns() + grace_ns;
	const struct timespec ms1 = { 0, 1000000 };

	if (s->pid <= 0)
		return false;
	while (!s->reaped) {
		int r = ml_child_poll(s->pid, &s->status);

		if (r > 0)
			s->reaped = true;
		else if (r < 0 || ml_monotonic_ns() >= end)
			break;
		else
			nanosleep(&ms1, NULL);
	}
	return s->reaped;
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

int start_thread(struct session *s)
{
	struct chan *pc = &s->pc;
	sigset_t all, old;
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
	/* the peer thread blocks every signal: SIGALRM is for us */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = ml_thread_start(&s->thread, peer_thread, s, s->cpu);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		errno = rc;
		return -1;
	}
	s->thread_live = true;
	return 0;
}

/*
 * A peer process, pinned to s->cpu by child.c: forked, or exec'd with
 * the orders' memfd as its one descriptor (everything else of ours is
 * close-on-exec).  A peer that cannot be pinned exits 126 (child.c).
 */
int start_process(struct session *s)
{
	char fd[16];
	char *argv[] = { "modelab-ipc-peer", fd, NULL };
	int e;

	if (mechs[s->mech].peer == FORKED) {
		s->pid = ml_child_fork(s->cpu);
		if (s->pid == 0)
			peer_main(s->ctl);
	} else {
		snprintf(fd, sizeof(fd), "%d", s->ctl_fd);
		if (fcntl(s->ctl_fd, F_SETFD, 0))
			return -1;
		s->pid = ml_child_spawn_helper("ipc-peer", argv, s->cpu);
		e = errno;
		fcntl(s->ctl_fd, F_SETFD, FD_CLOEXEC);
		errno = e;
	}
	if (s->pid < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		if (s->peer_fds[i] >= 0)
			close(s->peer_fds[i]);
		s->peer_fds[i] = -1;
	}
	if (s->mech == SIGNAL)
		s->c.to = s->pid;
	return 0;
}
