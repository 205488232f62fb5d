// SPDX-License-Identifier: GPL-2.0
/*
 * probes/ipc/session.c - a session: one channel and its peer, for one
 * figure.  Our side's objects for each mechanism (named and registered
 * through user/proc/scratch.c), the peer started and waited for, and
 * everything closed and removed again.  The lesson is in probes/ipc/ipc.c.
 */
#define _GNU_SOURCE
#include "ipc.h"

/* ---- sessions: a channel and its peer, for one figure ----------------- */

static char skip_why[160];
static unsigned int name_seq;
char procfd_path[96];	/* pipe-one-way: what the peer opens */

/*
 * The open session's names, registered with user/proc/scratch.c, which
 * removes them if the run is interrupted; we remove them as soon as the
 * peer has opened them.  The System V queue lives as long as the session.
 */
static struct {
	char paths[2][128];	/* FIFOs */
	char mq[2][64];
	char shm[64];
	char msq[16];		/* the queue's id, as registered */
	int msqid;		/* -1: none */
} names = { .msqid = -1 };

static void unlink_early(void)
{
	for (int i = 0; i < 2; i++) {
		if (names.paths[i][0]) {
			unlink(names.paths[i]);
			ml_scratch_forget(names.paths[i]);
		}
		if (names.mq[i][0]) {
			mq_unlink(names.mq[i]);
			ml_scratch_forget(names.mq[i]);
		}
	}
	if (names.shm[0]) {
		shm_unlink(names.shm);
		ml_scratch_forget(names.shm);
	}
	memset(names.paths, 0, sizeof(names.paths));
	memset(names.mq, 0, sizeof(names.mq));
	memset(names.shm, 0, sizeof(names.shm));
}

static void remove_msg_queue(void)
{
	if (names.msqid >= 0) {
		msgctl(names.msqid, IPC_RMID, NULL);
		ml_scratch_forget(names.msq);
	}
	names.msqid = -1;
	names.msq[0] = '\0';
}

static void on_alarm(int sig)
{
	(void)sig;	/* only there to make blocked calls return EINTR */
}

/*
 * For the life of a session: EPIPE instead of SIGPIPE, and a SIGALRM
 * every 250 ms without SA_RESTART, so that any blocking call returns
 * EINTR and can check how long it has waited.  (An interrupted run is
 * user/proc/cleanup.c's: it kills the peer and removes the names.)
 */
static void session_signals(bool on, bool watchdog)
{
	static struct sigaction saved_pipe, saved_alarm;
	static bool signals_on;
	struct itimerval it = { { 0, 0 }, { 0, 0 } };
	struct sigaction sa = { .sa_handler = SIG_IGN };

	if (on == signals_on)
		return;
	signals_on = on;
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
		sigaction(SIGPIPE, &saved_pipe, NULL);
		return;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, &saved_pipe);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, &saved_alarm);
	if (!watchdog)	/* spinning waits read the clock instead */
		return;
	it.it_interval.tv_usec = it.it_value.tv_usec = WATCHDOG_US;
	setitimer(ITIMER_REAL, &it, NULL);
}

static __attribute__((format(printf, 1, 2))) const char *skip(const char *fmt,
							      ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(skip_why, sizeof(skip_why), fmt, ap);
	va_end(ap);
	return skip_why;
}

__attribute__((format(printf, 2, 3))) void ipc_fail(struct session *s,
						    const char *fmt, ...)
{
	va_list ap;

	if (s->error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
}

/* Why a wait of ours failed, in one line for verify_error. */
void ipc_explain(struct session *s, int e)
{
	char who[40];
	int sig;

	if (s->pid > 0)
		snprintf(who, sizeof(who), "the peer (pid %d)", (int)s->pid);
	else
		snprintf(who, sizeof(who), "the peer thread");
	if (peer_exited(s, e == E_TIMEOUT ? 0 : 200000000ull)) {
		if (!WIFSIGNALED(s->status)) {
			ipc_fail(s, "%s died: exit status %d%s%s", who,
				 WEXITSTATUS(s->status),
				 s->ctl->error[0] ? ": " : "", s->ctl->error);
			return;
		}
		sig = WTERMSIG(s->status);
		ipc_fail(s, "%s died: killed by signal %d (%s)%s", who, sig,
			 strsignal(sig),
			 sig == SIGSYS ? ": a system call under seccomp" : "");
		return;
	}
	switch (e) {
	case E_TIMEOUT:
		ipc_fail(s, "%s did not answer within 2 s", who);
		break;
	case E_EOF:
		ipc_fail(s, "%s closed the channel", who);
		break;
	case E_SHORT:
		ipc_fail(s, "%s sent a message of the wrong length", who);
		break;
	case E_QUIT:
		ipc_fail(s, "%s was told to quit", who);
		break;
	default:
		ipc_fail(s, "talking to %s: %s", who, strerror(s->c.err));
	}
}

/* /modelab-PID-ipc-N and the suffix, for shm_open or mq_open */
static int set_name(char *dst, size_t len, enum ml_scratch_kind kind,
		    const char *suffix)
{
	char what[32];

	snprintf(what, sizeof(what), "ipc-%u%s", name_seq, suffix);
	if (ml_scratch_ipc_name(dst, len, kind, what)) {
		dst[0] = '\0';
		return -1;
	}
	return 0;
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
	case FIFO:	/* in the run's directory: ml_scratch_dir() */
		for (int i = 0; i < 2; i++) {
			char what[32];

			snprintf(what, sizeof(what), "ipc-%u-%s", name_seq,
				 i ? "to-parent" : "to-peer");
			if (ml_scratch_path(names.paths[i],
					    sizeof(names.paths[i]), what)) {
				names.paths[i][0] = '\0';
				*why = skip("cannot make a FIFO in %s: %s",
					    ml_scratch_base(), strerror(errno));
				return 1;
			}
			memcpy(k->names[i], names.paths[i],
			       sizeof(k->names[i]));
			if (mkfifo(names.paths[i], 0600))
				goto sys;
		}
		return 0;
	case PMQ:
		attr.mq_msgsize = (long)(s->size ? s->size : 1);
		for (int i = 0; i < 2; i++) {
			mqd_t q;

			if (set_name(names.mq[i], sizeof(names.mq[i]),
				     ML_SCRATCH_MQ, i ? "-b" : "-a"))
				goto sys;
			memcpy(k->names[i], names.mq[i], sizeof(names.mq[i]));
			q = mq_open(names.mq[i], O_CREAT | O_EXCL | O_RDWR |
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
		names.msqid = msgget(SYSV_KEY_BASE | (getpid() & 0xffffff),
				     IPC_CREAT | IPC_EXCL | 0600);
		if (names.msqid < 0 && errno == EEXIST)
			names.msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
		if (names.msqid < 0 && errno == ENOSYS) {
			*why = skip("no System V IPC in this kernel");
			return 1;
		}
		if (names.msqid < 0)
			goto sys;
		if (ml_scratch_msg_queue(names.msq, sizeof(names.msq),
					 names.msqid))
			goto sys;
		c->msqid = k->msqid = names.msqid;
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
		if (set_name(names.shm, sizeof(names.shm), ML_SCRATCH_SHM,
			     ""))
			goto sys;
		memcpy(k->names[0], names.shm, sizeof(names.shm));
		fd = shm_open(names.shm,
			      O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
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
	ipc_fail(s, "setting up %s: %s", mechs[s->mech].name, strerror(errno));
	return -1;
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
			ipc_fail(s,
				 "the peer did not open its FIFO within 5 s");
			return -1;
		}
	}
}

static int wait_ready(struct session *s, const char **why)
{
	const struct timespec us100 = { 0, 100000 };
	uint64_t end = ml_monotonic_ns() + START_TIMEOUT_NS;
	int r;

	while (!(r = atomic_load(&s->ctl->ready))) {
		if (peer_exited(s, 0) && WIFEXITED(s->status) &&
		    WEXITSTATUS(s->status) == 126) {	/* child.c: no pin */
			*why = skip("cannot pin the peer to CPU %d", s->cpu);
			return 1;
		}
		if (s->reaped) {
			ipc_explain(s, E_EOF);
			return -1;
		}
		if (ml_monotonic_ns() >= end) {
			ipc_fail(s, "the peer did not get ready within 5 s");
			return -1;
		}
		nanosleep(&us100, NULL);
	}
	if (r == -2) {
		*why = skip("%s", s->ctl->error);
		return 1;
	}
	if (r < 0) {
		ipc_fail(s, "the peer failed: %s", s->ctl->error);
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
				ipc_fail(s, "accept: %s", strerror(errno));
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

/*
 * Opens a channel and starts its peer on CPU cpu.  Returns a reason to
 * skip, or NULL; a failure leaves its reason in s->error.
 */
const char *session_open(struct session *s, enum mech m, size_t size,
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
	session_signals(true, m != SHM_SPIN);
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
		ipc_fail(s, "no memory for the peer's orders");
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
		ipc_fail(s, "cannot start the peer: %s", strerror(errno));
		goto out;
	}
	if (m == FIFO) {
		s->c.wfd = open_fifo(s, names.paths[0], O_WRONLY);
		if (s->c.wfd >= 0)
			s->c.rfd = open_fifo(s, names.paths[1], O_RDONLY);
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
			ipc_futex(&r[i]->head, FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
				  INT32_MAX);
			ipc_futex(&r[i]->tail, FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
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

void session_close(struct session *s)
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
		ml_child_reap(s->pid, 5.0, &s->status);
		s->reaped = true;
	}
	unlink_early();		/* whatever a failed setup left */
	remove_msg_queue();
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
	session_signals(false, false);
}
