// SPDX-License-Identifier: GPL-2.0
/*
 * st-memo - after a watch change, no remembered answer of the old watch.
 *
 *   st-memo SECONDS
 *
 * watch-tree remembers, per CPU, whether a task is in the watched tree
 * (kmod/tree.c), and a watch change must make every CPU forget.  Here a
 * child X spins on getppid() on CPU 0 while we, on CPU 1, move the watch
 * again and again: 'watch-tree' on us (X is in the tree), a pause for X
 * to remember that, then 'watch-tree' on B (a sleeping sibling of X: X is
 * outside), 'reset', a pause, and the watched count read back.  X's calls
 * must not count under B.  A probe of X that read the old watch just
 * before the change and the epoch just after it (under TCG a vCPU stops
 * between any two blocks of code for as long as the other runs) would
 * remember "in the tree" for the new watch, and no later event would
 * correct it until some process exits: thousands of X's calls a round.
 * A count or two in flight across the reset are allowed.
 *
 * Prints "memo ROUNDS STALE MAX" (rounds that counted X, the largest
 * such count) and exits 1 if any round did, 2 on bad use.
 */
#include "stress-lib.h"

#include <sched.h>
#include <signal.h>

#define IN_FLIGHT	2	/* counts of X that may cross the reset */

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

int main(int argc, char **argv)
{
	long rounds = 0, stale = 0;
	long long end, v, max = 0;
	char on_us[32], on_b[32];
	pid_t x, b;

	if (argc != 2) {
		fprintf(stderr, "usage: st-memo SECONDS\n");
		return 2;
	}
	end = deadline(arg_long(argv[1], "SECONDS"));
	b = fork();
	if (b == 0) {
		pause();
		_exit(0);
	}
	x = fork();
	if (x == 0) {
		pin_cpu(0);
		for (;;)
			syscall(SYS_getppid);
	}
	pin_cpu(1);
	snprintf(on_us, sizeof(on_us), "watch-tree %d", getpid());
	snprintf(on_b, sizeof(on_b), "watch-tree %d", b);
	while (!past(end)) {
		if (proc_cmd(on_us)) {
			printf("FAILED memo: %s failed\n", on_us);
			break;
		}
		usleep(20000);	/* X remembers: in the tree */
		if (proc_cmd(on_b) || proc_cmd("reset")) {
			printf("FAILED memo: %s or reset failed\n", on_b);
			break;
		}
		usleep(50000);	/* X spins outside the tree */
		v = watched("syscalls");
		if (v > IN_FLIGHT) {
			stale++;
			printf("FAILED memo: round %ld: X counted %lld times under B\n",
			       rounds, v);
		}
		if (v > max)
			max = v;
		rounds++;
	}
	proc_cmd("watch off");
	kill(x, SIGKILL);
	kill(b, SIGKILL);
	waitpid(x, NULL, 0);
	waitpid(b, NULL, 0);
	printf("memo %ld %ld %lld\n", rounds, stale, max);
	return stale || !rounds ? 1 : 0;
}
