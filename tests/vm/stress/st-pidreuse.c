// SPDX-License-Identifier: GPL-2.0
/*
 * st-pidreuse - a watched process exits and its pid number comes back.
 *
 *   st-pidreuse ROUNDS K
 *
 * Each round: fork X, which stops itself; 'watch-tree X' (or 'watch X'
 * in odd rounds); kill X and reap it; make the next fork get X's number
 * again (ns_last_pid) and let that new process Y make K getppid().  The
 * module holds X's struct pid, not its number: Y must not be counted.
 * Prints "pidreuse ROUNDS REUSED" (rounds where Y got X's number) and
 * exits 1 if a round counted Y's calls or a command failed.
 */
#include <signal.h>

#include "stress-lib.h"

static void set_last_pid(pid_t pid)
{
	FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "w");

	if (f) {
		fprintf(f, "%d", pid);
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	long rounds, k, reused = 0, bad = 0;
	long long before, after;
	char cmd[64];
	pid_t x, y;
	int st, r;

	if (argc != 3) {
		fprintf(stderr, "usage: st-pidreuse ROUNDS K\n");
		return 2;
	}
	rounds = arg_long(argv[1], "ROUNDS");
	k = arg_long(argv[2], "K");
	for (long i = 0; i < rounds; i++) {
		x = fork();
		if (x == 0) {
			raise(SIGSTOP);
			_exit(0);
		}
		if (waitpid(x, &st, WUNTRACED) != x || !WIFSTOPPED(st))
			return 1;
		snprintf(cmd, sizeof(cmd), "%s %d", i & 1 ? "watch" : "watch-tree", x);
		r = proc_cmd(cmd);
		if (r) {
			printf("FAILED pidreuse: %s: %s\n", cmd, strerror(r));
			bad++;
		}
		kill(x, SIGKILL);
		waitpid(x, NULL, 0);
		before = watched("syscalls");
		set_last_pid(x - 1);
		y = fork();
		if (y == 0) {
			getppid_n(k);
			_exit(0);
		}
		waitpid(y, NULL, 0);
		after = watched("syscalls");
		reused += y == x;
		/* X's own few calls before it stopped are long counted. */
		if (before < 0 || after - before >= k) {
			printf("FAILED pidreuse: pid %d (%s) came back as %d: "
			       "watched syscalls %lld -> %lld\n", x,
			       cmd, y, before, after);
			bad++;
		}
	}
	printf("pidreuse %ld %ld\n", rounds, reused);
	return bad ? 1 : 0;
}
