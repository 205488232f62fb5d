// SPDX-License-Identifier: GPL-2.0
/*
 * probes/ipc/channels.c - the mechanisms themselves: how each one sends
 * and receives a message (fds, queues, signals, shm rings with semaphores,
 * futexes or spinning, a mutex and condition variable), and the patterns
 * and checksums messages carry.  The lesson is in probes/ipc/ipc.c.
 */
#define _GNU_SOURCE
#include "ipc.h"

const struct mech_info mechs[NMECH] = {
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

/* ---- messages: patterns and checksums (checking pass only) ----------- */

static uint64_t word_at(uint64_t seq, size_t i)
{
	return seq * K1 + (uint64_t)i * K2;
}

void ipc_fill(unsigned char *p, size_t len, uint64_t seq)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w = word_at(seq, i);

		memcpy(p + i, &w, 8);
	}
	for (; i < len; i++)
		p[i] = (unsigned char)(word_at(seq, i) >> 56);
}

bool ipc_intact(const unsigned char *p, size_t len, uint64_t seq)
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

size_t checked_len(size_t size, uint64_t seq)
{
	return size <= 8 || seq % FULL_EVERY == 0 ? size : 8;
}

uint64_t ipc_checksum(uint64_t h, const unsigned char *p, size_t len)
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

/* ---- channels -------------------------------------------------------- */

size_t slot_for(size_t size)
{
	return ((size ? size : 1) + 63) & ~(size_t)63;
}

size_t ring_bytes(size_t slot)
{
	return RING_HDR + RING_SLOTS * slot;
}

static unsigned char *slot_at(struct ring *r, uint32_t i)
{
	return (unsigned char *)r + RING_HDR +
	       (size_t)(i % RING_SLOTS) * r->slot;
}

void chan_init(struct chan *c, enum mech m, bool timeout)
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
bool still_waiting(struct chan *c, uint64_t *since)
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

long ipc_futex(_Atomic uint32_t *word, int op, uint32_t val)
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
		if (ipc_futex(word, op, val) && errno == EINTR &&
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
		ipc_futex(word, op, 1);
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

int chan_send(struct chan *c, const void *buf, size_t len)
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

int chan_recv(struct chan *c, void *buf, size_t len)
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

void rings_of(struct chan *c, void *base, size_t slot, bool peer)
{
	struct ring *a = base;
	struct ring *b = (struct ring *)((unsigned char *)base +
					 ring_bytes(slot));

	c->tx = peer ? b : a;	/* a: to the peer, b: back */
	c->rx = peer ? a : b;
}
