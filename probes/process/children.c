// SPDX-License-Identifier: GPL-2.0
/*
 * probes/process/children.c - what the demonstrations share around
 * their children: reading /proc about them, naming them, the subreaper,
 * MODELAB_HOLD, the pipes, the daemon's log.  Forking, reaping and the
 * cleanup of an interrupted run are user/'s (child.c, cleanup.c,
 * scratch.c).
 */
#define _GNU_SOURCE
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define HOLD_S 60		/* MODELAB_HOLD: at most this long */

/* ---- reading /proc about another process --------------------------------- */

/* 0, or -1 when the process is gone (or /proc is not there). */
int proc_read_stat(pid_t pid, struct pstat *ps)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (ml_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strrchr(buf, ')');	/* the name may hold spaces and parens */
	if (!p || sscanf(p + 2,
			 "%c %d %d %d %d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &ps->state, &ps->ppid, &ps->pgrp, &ps->session,
			 &ps->tty_nr, &ps->utime, &ps->stime) != 7)
		return -1;
	return 0;
}

/* The state letter, or '-' when the process is gone. */
char proc_state_of(pid_t pid)
{
	struct pstat ps;

	return proc_read_stat(pid, &ps) ? '-' : ps.state;
}

/* The rest of the line of /proc/PID/status that starts with key. */
int proc_status_line(pid_t pid, const char *key, char *out, size_t len)
{
	char path[64], buf[8192], *p;
	size_t klen = strlen(key);

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (ml_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	for (p = buf; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, key, klen))
			continue;
		p += klen;
		p += strspn(p, " \t");
		snprintf(out, len, "%.*s", (int)strcspn(p, "\n"), p);
		for (p = out; (p = strchr(p, '\t'));)
			*p = ' ';
		return 0;
	}
	return -1;
}

/* Polls (bounded) until pid is in one of the states, or gone ('-'). */
char await_state(pid_t pid, const char *states)
{
	uint64_t end = ml_monotonic_ns() + DEADLINE_MS * 1000000ull;
	const struct timespec ms = { 0, 1000000 };
	char s;

	while (!strchr(states, s = proc_state_of(pid)) &&
	       ml_monotonic_ns() < end)
		nanosleep(&ms, NULL);
	return s;
}

/* ---- children, the subreaper, the daemon's log -------------------------- */

/*
 * Interruptions are user/proc/cleanup.c's: it kills and reaps every child
 * (ml_child_fork) and every grandchild a demonstration adopted
 * (ml_children_adopt) and removes the daemon's log (ml_scratch_path).
 */
char proc_log_path[300];	/* the daemon's, in the run's scratch directory */

static void remove_log(void)
{
	if (!*proc_log_path)
		return;
	unlink(proc_log_path);
	ml_scratch_forget(proc_log_path);
	proc_log_path[0] = '\0';
}

static int saved_subreaper = -1;

static void subreaper_on(void)
{
	int prev = 0;

	if (saved_subreaper >= 0)
		return;
	prctl(PR_GET_CHILD_SUBREAPER, &prev, 0, 0, 0);
	saved_subreaper = prev;
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

static void subreaper_off(void)
{
	if (saved_subreaper < 0)
		return;
	prctl(PR_SET_CHILD_SUBREAPER, saved_subreaper, 0, 0, 0);
	saved_subreaper = -1;
}

/*
 * A child of a demonstration (ml_child_fork: registered, default signals),
 * named for the leftover check and killed by the kernel when modelab
 * dies.  Returns in the parent only once the child is all that (EOF on a
 * handshake pipe): a signal sent at once finds it named.
 */
pid_t new_child(const char *name)
{
	pid_t parent = getpid(), pid;
	int ready[2];
	char c;

	if (pipe2(ready, O_CLOEXEC))
		return -1;
	pid = ml_child_fork(-1);
	if (pid == 0) {
		close(ready[0]);
		prctl(PR_SET_NAME, name, 0, 0, 0);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) ||
		    getppid() != parent)
			_exit(111);
		close(ready[1]);
		return 0;
	}
	close(ready[1]);
	if (pid > 0 && proc_get(ready[0], &c, 1))
		pid = -1;	/* a byte: never sent, so something is wrong */
	close(ready[0]);
	return pid;
}

/* MODELAB_HOLD=FIGURE: the tests interrupt the demonstration here. */
void proc_hold(const char *figure)
{
	const char *want = getenv("MODELAB_HOLD");
	uint64_t end = ml_monotonic_ns() + HOLD_S * 1000000000ull;
	const struct timespec tick = { 0, 10000000 };

	if (!want || strcmp(want, figure))
		return;
	fprintf(stderr, "modelab-process: holding in %s (MODELAB_HOLD)\n",
		figure);
	fflush(stderr);
	while (ml_monotonic_ns() < end)
		nanosleep(&tick, NULL);
}

/* ---- pipes between modelab and its children ------------------------------ */

int open_chan(struct chan *c)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC)) {
		c->r = c->w = -1;
		return -1;
	}
	c->r = p[0];
	c->w = p[1];
	return 0;
}

void proc_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void close_chan(struct chan *c)
{
	proc_close_fd(&c->r);
	proc_close_fd(&c->w);
}

void proc_send_msg(int fd, int tag, int a, int b, int c)
{
	struct msg m = { tag, { a, b, c } };

	if (write(fd, &m, sizeof(m)) != sizeof(m))
		_exit(112);
}

/* Reads exactly len bytes within the deadline; false on EOF or timeout. */
bool proc_get(int fd, void *buf, size_t len)
{
	uint64_t end = ml_monotonic_ns() + DEADLINE_MS * 1000000ull;
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = (int64_t)(end - ml_monotonic_ns()) / 1000000;
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return false;
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

/* Waits for the next message with this tag (others are dropped). */
bool proc_get_msg(int fd, int tag, struct msg *m)
{
	while (proc_get(fd, m, sizeof(*m)))
		if (m->tag == tag)
			return true;
	return false;
}

/* True when the pipe reaches EOF within the deadline. */
bool proc_get_eof(int fd)
{
	char c;

	while (proc_get(fd, &c, 1))
		;
	return read(fd, &c, 1) == 0;
}

/* A child's side: 1 for a byte from modelab, 0 for EOF (modelab gone). */
int proc_child_wait(int fd)
{
	char c;
	ssize_t n;

	while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
		;
	return n == 1;
}

void proc_poke(int fd)
{
	if (write(fd, "g", 1) != 1)
		return;
}

/* ---- demonstrations: setup and teardown ---------------------------------- */

int setup_reaper_demo(struct ml_ctx *ctx)
{
	(void)ctx;
	subreaper_on();
	return 0;
}

int setup_daemon(struct ml_ctx *ctx)
{
	if (ml_scratch_path(proc_log_path, sizeof(proc_log_path),
			    "daemon.log")) {
		proc_log_path[0] = '\0';
		return ml_skip(ctx, "no writable directory for the daemon's log (set MODELAB_TMPDIR)");
	}
	return setup_reaper_demo(ctx);
}

int teardown_demo(struct ml_ctx *ctx)
{
	(void)ctx;
	ml_children_kill_all();	/* none, unless the demonstration failed */
	remove_log();
	subreaper_off();
	return 0;
}
