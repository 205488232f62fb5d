// SPDX-License-Identifier: GPL-2.0
/*
 * reaper N - lab 7: a subreaper that leaves no zombie.
 *
 * It makes itself a child subreaper, then starts N children.  Each child
 * starts one grandchild and exits at once (status 0); the grandchild,
 * orphaned, is adopted by the nearest subreaper, which should be us.  It
 * waits until it has been adopted, prints "adopted PID by PPID" and exits
 * with status 7.  The reaper reaps every one of the 2N processes, printing
 * "reaped PID status S" for each (S: its exit status), then "reaped K of
 * 2N" and "done"; then it waits for the end of its standard input (so that
 * whoever runs it can look at /proc meanwhile) and exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CHILDREN 100

/* The grandchild: waits (at most 10 s) until its parent is gone, says by whom it was adopted. */
static void grandchild(pid_t parent)
{
	const struct timespec ms = { 0, 1000000 };

	for (int i = 0; i < 10000 && getppid() == parent; i++)
		nanosleep(&ms, NULL);
	printf("adopted %d by %d\n", (int)getpid(), (int)getppid());
	fflush(stdout);
	_exit(7);
}

int main(int argc, char **argv)
{
	int n, reaped = 0;
	char buf[256];

	n = argc == 2 ? atoi(argv[1]) : 0;
	if (n < 1 || n > MAX_CHILDREN) {
		fprintf(stderr, "usage: reaper N (1 to %d)\n", MAX_CHILDREN);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* BEGIN SOLUTION: the orphans below must be adopted by this process, not by init */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) {
		perror("reaper: prctl");
		return 1;
	}
	/* END SOLUTION */

	for (int i = 0; i < n; i++) {
		pid_t c;

		fflush(stdout);
		c = fork();
		if (c < 0) {
			perror("reaper: fork");
			return 1;
		}
		if (c == 0) {
			pid_t me = getpid();

			if (fork() == 0)
				grandchild(me);
			_exit(0);
		}
	}

	/* BEGIN SOLUTION: reap every process this one is the parent of, adopted ones too, until none is left; for each print "reaped PID status S" (S: its exit status) and count it in reaped */
	for (;;) {
		int status;
		pid_t p = waitpid(-1, &status, 0);

		if (p < 0) {
			if (errno == EINTR)
				continue;
			break;		/* ECHILD: nobody left, adopted ones included */
		}
		reaped++;
		printf("reaped %d status %d\n", (int)p,
		       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	/* END SOLUTION */

	printf("reaped %d of %d\n", reaped, 2 * n);
	printf("done\n");
	while (fread(buf, 1, sizeof(buf), stdin) > 0)
		;
	return 0;
}
