// SPDX-License-Identifier: GPL-2.0
/*
 * st-chain - chains of processes, each the child of the one before.
 *
 *   st-chain [-d DEPTH] [-g G] [-n N [-o OTHER]] [-r ROUNDS | -t SECONDS]
 *
 * We are depth 0; each process makes G getppid(), forks the next and
 * waits for it, DEPTH processes below us in all.  The deepest one, with
 * -n N, times N getppid() and N pipe round trips with a child of its own
 * on CPU 0 (two context switches each), keeping the fastest of 10 blocks,
 * three times: with 'watch-tree' on us, on OTHER (a process outside the
 * chain, e.g. a sleep: the walk goes as far up as it may) and with no
 * watch, and prints
 *   "chain DEPTH root G_NS RT_NS other G_NS RT_NS off G_NS RT_NS"
 * Then it exits, and the chain goes in a cascade, each parent right after
 * its child (what nested shells do).  -r or -t: build and drop it again
 * and again.  STRESS_WATCH: see stress-lib.h.
 *
 * Each process below us execs st-chain anew (-l LEVEL -R ROOT, inside
 * only): what nested shells do, and a fresh address space.  Forked
 * without exec, a chain N deep holds on the order of N^2/2 anonymous
 * memory links (each child copies its parents' anon_vma chains): 2,098
 * deep took 667 MB of anon_vma_chain in the lab VM, and 5,000 ran 3 GiB
 * out of memory, with or without modelab.ko.
 *
 * Prints "chain ROUNDS DEPTH CALLS": CALLS is every getppid() of the
 * chains (G a process, and the deepest's N), all made while their
 * ancestors wait: a watch-tree on us counts them all, or, with a depth
 * bound, those of the generations it reaches.
 */
#include "stress-lib.h"

#include <sched.h>

static long depth = 1, g = 1, n, other;
static pid_t root;

static void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/*
 * The deepest process: time N getppid() and N round trips, in BLOCKS
 * blocks each, and keep each one's fastest block: a busy host (TCG gets
 * a share of a CPU) slows some blocks, never speeds one up.
 */
#define BLOCKS 10

static int measure_one(long long *g_ns, long long *r_ns)
{
	long long best_g = -1, best_r = -1, t0, t1, t2;
	long per = n / BLOCKS ? n / BLOCKS : 1;
	int up[2], down[2];
	char b = 0;
	pid_t echo;

	pin_cpu0();
	if (pipe(up) || pipe(down))
		return 1;
	echo = fork();
	if (echo == 0) {
		close(down[1]);	/* so that our read sees the end */
		close(up[0]);
		while (read(down[0], &b, 1) == 1 && write(up[1], &b, 1) == 1)
			;
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	for (int blk = 0; blk < BLOCKS; blk++) {
		t0 = now_ns();
		getppid_n(per);
		t1 = now_ns();
		for (long i = 0; i < per; i++)
			if (write(down[1], &b, 1) != 1 || read(up[0], &b, 1) != 1)
				return 1;
		t2 = now_ns();
		if (best_g < 0 || t1 - t0 < best_g)
			best_g = t1 - t0;
		if (best_r < 0 || t2 - t1 < best_r)
			best_r = t2 - t1;
	}
	close(down[1]);
	waitpid(echo, NULL, 0);
	*g_ns = best_g / per;
	*r_ns = best_r / per;
	return 0;
}

/*
 * The deepest process at @level: measure with watch-tree on the chain's
 * root (depth 0), on @other (a process outside the chain: the walk goes
 * all the way up, or as far as its bound), and with no watch.
 */
static int measure(long level)
{
	const char *hows[] = { "root", "other", "off" };
	long long g, r;
	char cmd[48];

	printf("chain %ld", level);
	for (int i = 0; i < 3; i++) {
		if (i == 0)
			snprintf(cmd, sizeof(cmd), "watch-tree %d", root);
		else if (i == 1 && other)
			snprintf(cmd, sizeof(cmd), "watch-tree %ld", other);
		else
			snprintf(cmd, sizeof(cmd), "watch off");
		if (proc_cmd(cmd) || measure_one(&g, &r))
			return 1;
		printf(" %s %lld %lld", hows[i], g, r);
	}
	printf("\n");
	fflush(stdout);
	proc_cmd("watch off");
	return 0;
}

/* Build the chain below @level; 0 when every process of it exited 0. */
static int descend(long level)
{
	pid_t next;

	getppid_n(g);
	if (level == depth)
		return n ? measure(level) : 0;
	next = fork();
	if (next < 0) {
		perror("fork");
		return 1;
	}
	if (next == 0) {
		char d[24], gs[24], ns[24], os[24], ls[24], rs[24];

		snprintf(d, sizeof(d), "%ld", depth);
		snprintf(gs, sizeof(gs), "%ld", g);
		snprintf(ns, sizeof(ns), "%ld", n);
		snprintf(os, sizeof(os), "%ld", other);
		snprintf(ls, sizeof(ls), "%ld", level + 1);
		snprintf(rs, sizeof(rs), "%d", (int)root);
		execl("/proc/self/exe", "st-chain", "-d", d, "-g", gs, "-n", ns,
		      "-o", os, "-l", ls, "-R", rs, (char *)NULL);
		perror("st-chain: exec");
		_exit(1);
	}
	return reaped_ok(next) ? 0 : 1;
}

int main(int argc, char **argv)
{
	long rounds = 1, seconds = -1, done = 0, level = 0;
	long long end;
	int opt;

	while ((opt = getopt(argc, argv, "d:g:n:o:r:t:l:R:")) != -1) {
		switch (opt) {
		case 'd': depth = arg_long(optarg, "DEPTH"); break;
		case 'g': g = arg_long(optarg, "G"); break;
		case 'n': n = arg_long(optarg, "N"); break;
		case 'o': other = arg_long(optarg, "OTHER"); break;
		case 'r': rounds = arg_long(optarg, "ROUNDS"); break;
		case 't': seconds = arg_long(optarg, "SECONDS"); break;
		case 'l': level = arg_long(optarg, "LEVEL"); break;
		case 'R': root = (pid_t)arg_long(optarg, "ROOT"); break;
		default:
			fprintf(stderr, "usage: st-chain [-d DEPTH] [-g G] [-n N [-o OTHER]] [-r ROUNDS | -t SECONDS]\n");
			return 2;
		}
	}
	if (level > 0)		/* a process of the chain, exec'd */
		return descend(level);
	watch_self();
	root = getpid();
	end = seconds >= 0 ? deadline(seconds) : 0;
	while (seconds >= 0 ? !past(end) : done < rounds) {
		/* Depth 0 is us: the chain is forked below. */
		pid_t top = fork();

		if (top == 0)
			_exit(descend(1));
		if (!reaped_ok(top)) {
			printf("FAILED chain: round %ld\n", done);
			return 1;
		}
		done++;
	}
	printf("chain %ld %ld %ld\n", done, depth,
	       done * (depth * g + (n ? n / BLOCKS * BLOCKS : 0)));
	return 0;
}
