// SPDX-License-Identifier: GPL-2.0
/*
 * st-migrate - move between CPUs 0 and 1 while CPU 1 comes and goes.
 *
 *   st-migrate SECONDS
 *
 * Until SECONDS are up we pin ourselves to CPU 0, then CPU 1, and so on.
 * A move counts when sched_getcpu() was the other CPU before and is the
 * target after: each such move is at least one migration of ours.  When
 * CPU 1 is offline the call fails (EINVAL) and nothing moves; the kernel
 * itself may move us when CPU 1 goes offline under us.  Prints
 * "migrate MOVES ATTEMPTS": the watched migrations lie between MOVES
 * and ATTEMPTS plus the offline switches of CPU 1 (each of those moves
 * us at most once).
 */
#include "stress-lib.h"

#include <sched.h>

int main(int argc, char **argv)
{
	long seconds, moves = 0, attempts = 0;
	long long end;
	cpu_set_t set;
	int target = 1, before;

	if (argc != 2) {
		fprintf(stderr, "usage: st-migrate SECONDS\n");
		return 2;
	}
	seconds = arg_long(argv[1], "SECONDS");
	watch_self();
	end = deadline(seconds);
	while (!past(end)) {
		CPU_ZERO(&set);
		CPU_SET(target, &set);
		before = sched_getcpu();
		attempts++;
		if (sched_setaffinity(0, sizeof(set), &set) == 0 &&
		    before == !target && sched_getcpu() == target)
			moves++;
		target = !target;
	}
	printf("migrate %ld %ld\n", moves, attempts);
	return 0;
}
