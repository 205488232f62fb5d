// SPDX-License-Identifier: GPL-2.0
/*
 * st-reaper - orphans adopted by a subreaper inside the watched tree.
 *
 *   st-reaper SECONDS K
 *
 * We become a child subreaper (PR_SET_CHILD_SUBREAPER).  Round after
 * round we fork A, A forks B, B forks C and exits at once; A reaps B and
 * exits.  C, orphaned, is adopted by us (not by init): it waits until
 * getppid() says so, then makes K getppid() from a second thread while
 * its leader has already exited (SYS_exit), and goes.  Every round, C's K
 * calls are made while we are its parent: a watch-tree on us counts them.
 * Prints "reaper ROUNDS CALLS POLLS": CALLS made after adoption, and the
 * getppid() the orphans made waiting for it (counted too: they never left
 * the tree); exits 1 if an orphan was not adopted by us within 10 s.
 */
#include "stress-lib.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/prctl.h>

static long k;
static atomic_long *polls;	/* shared: C's getppid() while it waits */

static void *calls(void *arg)
{
	(void)arg;
	getppid_n(k);
	return NULL;
}

/* C: wait for adoption by @reaper, then K calls from a thread. */
static void orphan(pid_t reaper)
{
	long long end = deadline(10);
	pthread_t t;

	long n = 1;

	while (getppid() != reaper) {
		n++;
		if (past(end))
			_exit(3);
	}
	atomic_fetch_add(polls, n);
	if (pthread_create(&t, NULL, calls, NULL))
		_exit(4);
	/* The leader goes first; the thread's exit ends the group (0). */
	syscall(SYS_exit, 0);
}

int main(int argc, char **argv)
{
	long seconds, rounds = 0, bad = 0;
	long long end;
	pid_t me = getpid(), a, w;
	int st;

	if (argc != 3) {
		fprintf(stderr, "usage: st-reaper SECONDS K\n");
		return 2;
	}
	seconds = arg_long(argv[1], "SECONDS");
	k = arg_long(argv[2], "K");
	watch_self();
	polls = mmap(NULL, sizeof(*polls), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (polls == MAP_FAILED)
		return 1;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1)) {
		perror("PR_SET_CHILD_SUBREAPER");
		return 1;
	}
	end = deadline(seconds);
	while (!past(end)) {
		a = fork();
		if (a == 0) {
			pid_t b = fork();

			if (b == 0) {
				if (fork() == 0)
					orphan(me);
				_exit(0);
			}
			_exit(reaped_ok(b) ? 0 : 1);
		}
		/* A, then C once adopted: two children to reap a round. */
		for (int i = 0; i < 2; i++) {
			w = wait(&st);
			if (w < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
				bad++;
		}
		rounds++;
	}
	printf("reaper %ld %ld %ld\n", rounds, rounds * k, atomic_load(polls));
	if (bad)
		printf("FAILED reaper: %ld of %ld rounds\n", bad, rounds);
	return bad ? 1 : 0;
}
