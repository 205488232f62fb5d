// SPDX-License-Identifier: GPL-2.0
/*
 * st-family - families whose threads are still dying when they go.
 *
 *   st-family SECONDS THREADS K
 *
 * Until SECONDS are up, in two lanes at once (our children, one a CPU),
 * round after round: a lane forks a parent P, P makes K getppid() and
 * forks a child C, C starts THREADS threads that loop on getppid() and
 * sched_yield(), makes K getppid() and leaves while they still run.  How
 * C leaves turns round by round: exit_group() (the threads are killed
 * and release themselves, non-leaders need no reaper), the leader first
 * (SYS_exit: a zombie leader while its threads still run), or the
 * threads told to stop and the group exiting at once; every fourth round
 * C has no threads at all (P reaps it while it may still wait for its
 * last context switch).  P reaps C in odd rounds and leaves it orphaned
 * in even ones, and exits at once: the shape of what a shell does many
 * times a second, and what made
 * watch-tree's walk read freed parents (issue 21).
 *
 * Prints "family ROUNDS CALLS IN_TREE": every getppid() and sched_yield()
 * made by the families (threads count theirs in shared memory), and the
 * getppid() made while the caller was surely an ancestor (P's calls; C's
 * in the rounds where P waited for it).  A watch-tree on us counts
 * between the two.
 */
#include "stress-lib.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>

#define LANES 2		/* families forked side by side, one a CPU */

struct shared {
	atomic_long calls;	/* every getppid() and sched_yield() of C */
	atomic_long in_tree;	/* C's calls while P waits for it */
	atomic_long own;	/* P's calls */
	atomic_long rounds;
};

static struct shared *sh;
static atomic_int stop;

static void *spin(void *arg)
{
	long own_exit = (long)arg;

	for (long i = 0; !atomic_load(&stop); i++) {
		syscall(SYS_getppid);
		sched_yield();
		atomic_fetch_add(&sh->calls, 2);	/* both are syscalls */
		/* Some threads leave by themselves, early. */
		if (own_exit && i == 20)
			syscall(SYS_exit, 0);
	}
	return NULL;
}

static void child(long threads, long k, long round, int reaped)
{
	pthread_t t;

	/* Every fourth round, no threads: the child is the zombie reaped
	 * by P while it may still wait for its last switch. */
	for (long i = 0; round % 4 != 3 && i < threads; i++)
		pthread_create(&t, NULL, spin, (void *)(i & 1));
	getppid_n(k);
	atomic_fetch_add(&sh->calls, k);
	if (reaped)
		atomic_fetch_add(&sh->in_tree, k);
	switch (round % 4 % 3) {
	case 0:		/* exit_group: the threads are killed mid-loop */
		_exit(0);
	case 1:		/* the leader goes first, a zombie while they stop */
		atomic_store(&stop, 1);
		syscall(SYS_exit, 0);
		break;
	default:	/* the threads stop, then the group goes */
		atomic_store(&stop, 1);
		_exit(0);
	}
}

/* One lane: rounds until @end; adds what P made to sh->own. */
static long lane(long threads, long k, long long end)
{
	long rounds = 0;
	pid_t p, c;

	while (!past(end)) {
		int reaped = rounds & 1;

		p = fork();
		if (p < 0)
			return -1;
		if (p == 0) {
			getppid_n(k);
			c = fork();
			if (c == 0)
				child(threads, k, rounds, reaped);
			if (reaped && c > 0)
				waitpid(c, NULL, 0);
			_exit(0);
		}
		if (!reaped_ok(p)) {
			printf("FAILED family: parent %d\n", p);
			return -1;
		}
		atomic_fetch_add(&sh->own, k);
		rounds++;
	}
	return rounds;
}

int main(int argc, char **argv)
{
	long seconds, threads, k, rounds = 0, r;
	long long end;
	pid_t lanes[LANES];
	int st, bad = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: st-family SECONDS THREADS K\n");
		return 2;
	}
	seconds = arg_long(argv[1], "SECONDS");
	threads = arg_long(argv[2], "THREADS");
	k = arg_long(argv[3], "K");
	watch_self();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	end = deadline(seconds);
	/* One lane a CPU, each our child: both stay in the tree. */
	for (int i = 0; i < LANES; i++) {
		lanes[i] = fork();
		if (lanes[i] == 0) {
			r = lane(threads, k, end);
			if (r >= 0)
				atomic_fetch_add(&sh->rounds, r);
			_exit(r < 0);
		}
	}
	for (int i = 0; i < LANES; i++)
		bad |= waitpid(lanes[i], &st, 0) != lanes[i] || !WIFEXITED(st) ||
		       WEXITSTATUS(st);
	rounds = atomic_load(&sh->rounds);
	/* P's calls are known; C's and the threads' are counted in *sh. */
	printf("family %ld %ld %ld\n", rounds,
	       atomic_load(&sh->own) + atomic_load(&sh->calls),
	       atomic_load(&sh->own) + atomic_load(&sh->in_tree));
	return bad;
}
