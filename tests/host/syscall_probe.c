// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_probe.c - what a seccomp filter answers, one case at a time, for
 * tests/host/seccomp_crun.sh.  A case is "NR A0 A1 A2 A3 A4 A5" (numbers in
 * C syntax: decimal, 0x...; missing arguments are 0), one per line on
 * stdin, or one per argument.  Each case runs in its own child, which
 * calls syscall(NR, args...) and exits, with alarm(2) against a call that
 * blocks; the parent kills it after 30 s anyway, and never makes a case's
 * call itself.  Cases run one after the other; one still running after
 * 100 ms is left to its alarm while the next ones run.  The lines come out
 * in the order of the cases, once all have ended.  One line per case:
 *
 *   NR A0 A1 A2 A3 A4 A5 -> ok | errno ENAME | signal SIGNAME
 *
 * A child the call did not return in (exit, execve, a blocking call cut
 * short by the alarm) shows what happened to it: "ok" for an exit or a
 * successful exec, "signal SIGALRM" for a hang.  Built static: it runs
 * alone in an empty container.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BACKSTOP_S 30	/* the parent's kill, long after the alarm */

/* the status pipe: the child writes its errno here before exiting */
static int report_fd = -1;

static const char *errno_name(int e)
{
	const char *s = strerrorname_np(e);
	static char buf[16];

	if (s)
		return s;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static const char *signal_name(int sig)
{
	const char *s = sigabbrev_np(sig);
	static char buf[24];

	if (s) {
		snprintf(buf, sizeof(buf), "SIG%s", s);
		return buf;
	}
	snprintf(buf, sizeof(buf), "SIG%d", sig);
	return buf;
}

struct probe_case {
	unsigned long v[7];
	pid_t pid;
	int fd;			/* the status pipe's read end */
	struct timespec start;
	char out[64];		/* the outcome, once known */
};

/* "NR A0 ... A5" into c->v; -1 for a line that is not one */
static int parse_case(const char *s, struct probe_case *c)
{
	char *end;
	int n = 0;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	while (n < 7) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '\n')
			break;
		errno = 0;
		c->v[n] = strtoul(s, &end, 0);
		if (end == s || errno)
			return -1;
		s = end;
		n++;
	}
	return n ? 0 : -1;
}

/* The child: the call, then its errno (0 when it returned) up the pipe. */
static void start_case(struct probe_case *c)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC)) {
		snprintf(c->out, sizeof(c->out), "pipe failed");
		return;
	}
	fflush(stdout);
	c->pid = fork();
	if (c->pid < 0) {
		snprintf(c->out, sizeof(c->out), "fork failed");
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (c->pid == 0) {
		sigset_t all;
		long rc;
		int e;

		close(fds[0]);
		report_fd = fds[1];
		/*
		 * Every signal but the alarm blocked: a call that makes a
		 * child (clone's low byte is its exit signal) would otherwise
		 * race that child's death signal against our report.
		 */
		sigfillset(&all);
		sigdelset(&all, SIGALRM);
		sigprocmask(SIG_BLOCK, &all, NULL);
		alarm(2);
		errno = 0;
		rc = syscall((long)c->v[0], c->v[1], c->v[2], c->v[3], c->v[4],
			     c->v[5], c->v[6]);
		e = rc == -1 ? errno : 0;
		if (write(report_fd, &e, sizeof(e)) != sizeof(e))
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	/* a grandchild (fork, clone) may hold the write end: never wait on it */
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	c->fd = fds[0];
	clock_gettime(CLOCK_MONOTONIC, &c->start);
}

static void finish_case(struct probe_case *c, int status)
{
	int e = -1;

	/* the call may have changed what the child is: only its first word counts */
	if (read(c->fd, &e, sizeof(e)) != sizeof(e))
		e = -1;
	close(c->fd);
	c->fd = -1;
	c->pid = 0;
	if (WIFSIGNALED(status))
		snprintf(c->out, sizeof(c->out), "signal %s",
			 signal_name(WTERMSIG(status)));
	else if (e > 0)
		snprintf(c->out, sizeof(c->out), "errno %s", errno_name(e));
	else
		snprintf(c->out, sizeof(c->out), "ok");
}

static long ms_since(const struct timespec *t, const struct timespec *now)
{
	return (now->tv_sec - t->tv_sec) * 1000 +
	       (now->tv_nsec - t->tv_nsec) / 1000000;
}

/* Whether a case started is still running and younger than 100 ms. */
static bool fresh(const struct probe_case *c, size_t n,
		  const struct timespec *now)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].pid > 0 && ms_since(&c[i].start, now) < 100)
			return true;
	return false;
}

/*
 * Runs every case in order, one after the other: a case may leave state
 * behind that the next sees (msgget makes the queue msgrcv finds), so the
 * order must be the same on both sides.  Only a case still running after
 * 100 ms (blocked: its alarm will end it) is left to finish beside the
 * next ones, up to WINDOW of them; the lines come out in the order given.
 */
#define WINDOW 32
static void run_cases(struct probe_case *c, size_t n)
{
	size_t next = 0, running = 0;

	while (next < n || running) {
		struct timespec now;
		int status;
		pid_t r;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (next < n && running < WINDOW && !fresh(c, next, &now)) {
			start_case(&c[next]);
			running += c[next].pid > 0;
			next++;
			continue;
		}
		r = waitpid(-1, &status, WNOHANG);
		if (r > 0) {
			/* not ours: a grandchild left to us, when we are pid 1 */
			for (size_t i = 0; i < next; i++) {
				if (c[i].pid == r) {
					finish_case(&c[i], status);
					running--;
					break;
				}
			}
			continue;
		}
		/*
		 * A backstop far past the child's alarm (2 s): under load a
		 * child may start late, and a 3 s backstop once beat its alarm
		 * (ppoll: "signal SIGKILL" on one side, SIGALRM on the other)
		 */
		for (size_t i = 0; i < next; i++)
			if (c[i].pid > 0 && now.tv_sec - c[i].start.tv_sec >= BACKSTOP_S)
				kill(c[i].pid, SIGKILL);
		usleep(500);
	}
	for (size_t i = 0; i < n; i++)
		printf("%lu %#lx %#lx %#lx %#lx %#lx %#lx -> %s\n", c[i].v[0],
		       c[i].v[1], c[i].v[2], c[i].v[3], c[i].v[4], c[i].v[5],
		       c[i].v[6], c[i].out);
}

int main(int argc, char **argv)
{
	struct probe_case *cases = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t size = 0;
	int i = 1;

	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		const char *s;

		if (argc > 1) {
			if (i >= argc)
				break;
			s = argv[i++];
		} else {
			if (getline(&line, &size, stdin) <= 0)
				break;
			s = line;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			cases = realloc(cases, cap * sizeof(*cases));
			if (!cases) {
				perror("syscall_probe");
				return 1;
			}
		}
		if (parse_case(s, &cases[n])) {
			fprintf(stderr, "syscall_probe: not a case: %s", s);
			return 2;
		}
		n++;
	}
	free(line);
	run_cases(cases, n);
	free(cases);
	return 0;
}
