// SPDX-License-Identifier: GPL-2.0
/*
 * probes/ipc/postqueue.c - the Linux counterparts of the Windows advice in
 * the notes (docs/threads.md).  thread-post-queue: PostMessage and
 * GetMessage are a per-thread queue, here a ring under a mutex with a
 * condition variable: posting never waits for the receiver, a full queue
 * refuses the post, each sender's messages arrive in order, none lost.
 * eventfd-event: CEvent is an eventfd: a counter (auto-reset: a read takes
 * every set at once), EFD_SEMAPHORE (one wake a set), or, left unread, a
 * manual-reset event that every poll() sees.
 */
#define _GNU_SOURCE
#include "ipc.h"

#include <poll.h>

#define POSTERS 3
#define POSTS 10000 /* messages per poster */
#define QUEUE_SLOTS 64
#define MSG_QUIT -1 /* WM_QUIT: the receiver's loop ends */

struct post {
	int from; /* poster index, or MSG_QUIT */
	unsigned int seq;
};

/* One thread's message queue: what PostMessage fills and GetMessage empties. */
struct msg_queue {
	pthread_mutex_t m;
	pthread_cond_t nonempty;
	struct post ring[QUEUE_SLOTS];
	unsigned int head, count;
	long refused, sleeps;
};

static struct msg_queue q = { .m = PTHREAD_MUTEX_INITIALIZER,
			      .nonempty = PTHREAD_COND_INITIALIZER };

/* PostMessage: enqueue and return at once; false when the queue is full. */
static bool post_message(struct post p)
{
	bool ok;

	pthread_mutex_lock(&q.m);
	ok = q.count < QUEUE_SLOTS;
	if (ok) {
		q.ring[(q.head + q.count++) % QUEUE_SLOTS] = p;
		if (q.count == 1) /* the receiver may be asleep */
			pthread_cond_signal(&q.nonempty);
	} else {
		q.refused++;
	}
	pthread_mutex_unlock(&q.m);
	return ok;
}

/* GetMessage: sleep while the queue is empty, then take the oldest. */
static struct post get_message(void)
{
	struct post p;

	pthread_mutex_lock(&q.m);
	while (!q.count) {
		q.sleeps++;
		pthread_cond_wait(&q.nonempty, &q.m);
	}
	p = q.ring[q.head];
	q.head = (q.head + 1) % QUEUE_SLOTS;
	q.count--;
	pthread_mutex_unlock(&q.m);
	return p;
}

static long got[POSTERS], out_of_order;

static void *receiver(void *unused)
{
	unsigned int next[POSTERS] = {0};

	(void)unused;
	for (struct post p; (p = get_message()).from != MSG_QUIT;) {
		if (p.seq != next[p.from])
			out_of_order++;
		next[p.from] = p.seq + 1;
		got[p.from]++;
	}
	return NULL;
}

static void *poster(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (unsigned int i = 0; i < POSTS; i++)
		while (!post_message((struct post){ me, i }))
			sched_yield(); /* full: PostMessage would fail too */
	return NULL;
}

const char *demo_post_queue(struct ml_result *res)
{
	pthread_t rt, pt[POSTERS];
	int started = 0;
	long total = 0;

	q.head = q.count = 0;
	q.refused = q.sleeps = out_of_order = 0;
	memset(got, 0, sizeof(got));
	if (ml_thread_start(&rt, receiver, NULL, -1))
		return "cannot start the receiving thread";
	while (started < POSTERS &&
	       !ml_thread_start(&pt[started], poster, (void *)(intptr_t)started, -1))
		started++;
	for (int i = 0; i < started; i++)
		pthread_join(pt[i], NULL);
	while (!post_message((struct post){ MSG_QUIT, 0 }))
		sched_yield();
	pthread_join(rt, NULL);
	if (started < POSTERS)
		return "cannot start the posting threads";
	for (int i = 0; i < POSTERS; i++)
		total += got[i];
	ml_result_note(res, "%d threads posted %d messages each to one thread's queue (%d slots, a mutex and a condition variable): it got %ld, %ld lost, %ld out of its sender's order",
		       POSTERS, POSTS, QUEUE_SLOTS, total,
		       (long)POSTERS * POSTS - total, out_of_order);
	ml_result_note(res, "a post never waited for the receiver; %ld posts found the queue full and were refused (retried), as PostMessage fails past its quota",
		       q.refused);
	ml_result_note(res, "the receiver slept %ld times, only on an empty queue; a post woke it only when the queue had been empty",
		       q.sleeps);
	ml_result_extra(res, "expected", "messages posted",
			(double)POSTERS * POSTS);
	ml_result_extra(res, "received", "messages received", (double)total);
	ml_result_extra(res, "out_of_order", "out of their sender's order",
			(double)out_of_order);
	ml_result_extra(res, "refused_full", "posts refused: queue full",
			(double)q.refused);
	ml_result_extra(res, "receiver_sleeps", "times the receiver slept",
			(double)q.sleeps);
	if (total != (long)POSTERS * POSTS || out_of_order)
		return "the queue lost or reordered messages";
	return NULL;
}

/* ---- eventfd-event: CEvent's three behaviours ------------------------- */

static void set_event(int efd)
{
	uint64_t one = 1;

	if (write(efd, &one, sizeof(one)) != sizeof(one))
		abort(); /* a non-full eventfd always takes 8 bytes */
}

/* one nonblocking read: the value, or -errno */
static long take(int efd)
{
	uint64_t v;

	return read(efd, &v, sizeof(v)) == sizeof(v) ? (long)v : -errno;
}

static int manual_fd;

static void *poll_waiter(void *unused)
{
	struct pollfd p = { .fd = manual_fd, .events = POLLIN };
	int n;

	(void)unused;
	do /* the probe's SIGALRM watchdog interrupts a poll: again */
		n = poll(&p, 1, 5000); /* 5 s: no hang */
	while (n < 0 && errno == EINTR);
	return (void *)(intptr_t)(n == 1);
}

const char *demo_eventfd_event(struct ml_result *res)
{
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int sem = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
	long counter, again, s[4];
	pthread_t t[POSTERS];
	int started = 0, woken = 0;

	manual_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0 || sem < 0 || manual_fd < 0) {
		close(efd); /* close(-1) is a harmless EBADF */
		close(sem);
		close(manual_fd);
		return "eventfd failed";
	}
	for (int i = 0; i < 3; i++) {
		set_event(efd);
		set_event(sem);
	}
	counter = take(efd);
	again = take(efd);
	for (int i = 0; i < 4; i++)
		s[i] = take(sem);
	while (started < POSTERS &&
	       !ml_thread_start(&t[started], poll_waiter, NULL, -1))
		started++;
	set_event(manual_fd);
	for (int i = 0; i < started; i++) {
		void *r;

		pthread_join(t[i], &r);
		woken += r != NULL;
	}
	close(efd);
	close(sem);
	close(manual_fd);
	ml_result_note(res, "auto-reset (a plain eventfd): 3 sets, then one read returned %ld and the next %s: one wake-up takes every set, and the read resets it",
		       counter, again == -EAGAIN ? "EAGAIN" : "something else");
	ml_result_note(res, "EFD_SEMAPHORE: 3 sets, reads returned %ld, %ld, %ld, then %s: one waiter a set",
		       s[0], s[1], s[2],
		       s[3] == -EAGAIN ? "EAGAIN" : "something else");
	ml_result_note(res, "manual-reset (an eventfd nobody reads): one set, and %d of %d threads polling it woke",
		       woken, POSTERS);
	ml_result_extra(res, "counter_read",
			"auto-reset: the read after 3 sets", (double)counter);
	ml_result_extra(res, "semaphore_reads",
			"EFD_SEMAPHORE: reads of 1 before EAGAIN",
			(double)((s[0] == 1) + (s[1] == 1) + (s[2] == 1)));
	ml_result_extra(res, "manual_woken",
			"manual-reset: pollers woken by one set",
			(double)woken);
	if (started < POSTERS)
		return "cannot start the polling threads";
	if (counter != 3 || again != -EAGAIN || s[3] != -EAGAIN ||
	    woken != POSTERS)
		return "eventfd did not behave as documented";
	return NULL;
}
