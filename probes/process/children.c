// SPDX-License-Identifier: GPL-2.0
/*
 * probes/process/children.c - starting, holding, reaping and cleaning up
 * after children: /proc, the signal guard, the subreaper, MODELAB_HOLD,
 * the pipes, and the scratch directory of the daemon's log.
 * A later change replaces this file by a shared facility in user/.
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
#include <sys/syscall.h>
#include <sys/wait.h>
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

/* ---- leaving nothing behind ---------------------------------------------- */

/*
 * Everything below runs in a signal handler too, so it uses only
 * async-signal-safe calls: open, read, getdents64, kill, waitpid, nanosleep.
 */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static long parse_pid(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 1l << 30)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* ppid and state of pid from its stat file, without stdio or malloc. */
static int ppid_of(long pid, char *state)
{
	char path[40] = "/proc/", buf[512], digits[24], *p;
	int i = 0, n, ppid = 0;

	do
		digits[i++] = (char)('0' + pid % 10);
	while ((pid /= 10) && i < 20);
	for (n = 6; i > 0;)
		path[n++] = digits[--i];
	memcpy(path + n, "/stat", 6);
	n = (int)ml_read_file(path, buf, sizeof(buf));
	if (n <= 0)
		return -1;
	for (p = buf + n; p > buf && *p != ')'; p--)
		;
	if (p == buf || p + 4 >= buf + n)
		return -1;
	*state = p[2];
	for (p += 4; *p >= '0' && *p <= '9'; p++)
		ppid = ppid * 10 + (*p - '0');
	return ppid;
}

/* SIGKILLs every live child of ours, adopted ones too: how many. */
static int kill_children(void)
{
	char buf[4096] __attribute__((aligned(8)));
	int dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pid_t self = getpid();
	int live = 0;
	long n;

	if (dfd < 0)
		return 0;
	while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d =
				(struct linux_dirent64 *)(buf + off);
			long pid = parse_pid(d->d_name);
			char state = 0;

			off += d->d_reclen;
			if (pid <= 0 || ppid_of(pid, &state) != self ||
			    state == 'Z' || state == 'X')
				continue;
			kill((pid_t)pid, SIGKILL);
			live++;
		}
	}
	close(dfd);
	return live;
}

/*
 * Kill and reap every child, round after round: a child's own children
 * come to us when it dies (we are their subreaper), and the next round
 * finds them.  At most about 3 s.
 */
void end_children(void)
{
	const struct timespec nap = { 0, 2000000 };
	int saved = errno;

	for (int round = 0; round < 1500; round++) {
		int live = kill_children();
		pid_t r;

		while ((r = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		if (r < 0 && errno == ECHILD && !live)
			break;
		nanosleep(&nap, NULL);
	}
	errno = saved;
}

static char log_dir[256];	/* the daemon's, and its log in it: */
char proc_log_path[300];

static void remove_log(void)
{
	if (*proc_log_path)
		unlink(proc_log_path);
	if (*log_dir)
		rmdir(log_dir);
	proc_log_path[0] = log_dir[0] = '\0';
}

static struct sigaction saved_int, saved_term, saved_hup;
static bool guarded;

static void on_signal(int sig)
{
	end_children();
	remove_log();
	signal(sig, SIG_DFL);
	raise(sig);	/* delivered, and fatal, when the handler returns */
}

/* From setup to teardown: an interruption leaves nothing behind. */
void guard_on(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (guarded)
		return;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, &saved_term);
	/* ignored at start (a background job, nohup): stay ignored */
	sigaction(SIGINT, NULL, &saved_int);
	if (saved_int.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, NULL, &saved_hup);
	if (saved_hup.sa_handler != SIG_IGN)
		sigaction(SIGHUP, &sa, NULL);
	guarded = true;
}

void guard_off(void)
{
	if (!guarded)
		return;
	sigaction(SIGINT, &saved_int, NULL);
	sigaction(SIGTERM, &saved_term, NULL);
	sigaction(SIGHUP, &saved_hup, NULL);
	guarded = false;
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
 * A child of a demonstration: named for the leftover check, with the
 * signal dispositions modelab had before the guard, and (unless it must
 * outlive us) killed by the kernel when modelab dies.  Returns in the
 * parent only once the child is all that (EOF on a handshake pipe): a
 * signal sent at once finds it named.
 */
pid_t new_child(const char *name, bool die_with_parent)
{
	pid_t parent = getpid(), pid;
	int ready[2];
	char c;

	if (pipe2(ready, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		if (guarded) {
			sigaction(SIGINT, &saved_int, NULL);
			sigaction(SIGTERM, &saved_term, NULL);
			sigaction(SIGHUP, &saved_hup, NULL);
		}
		prctl(PR_SET_NAME, name, 0, 0, 0);
		if (die_with_parent &&
		    (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) ||
		     getppid() != parent))
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

/* waitpid with a deadline: the pid, 0 on timeout, -1 on error. */
pid_t proc_reap(pid_t pid, int *status, int options)
{
	uint64_t end = ml_monotonic_ns() + DEADLINE_MS * 1000000ull;
	const struct timespec ms = { 0, 1000000 };
	pid_t r;

	while ((r = waitpid(pid, status, options | WNOHANG)) == 0 &&
	       ml_monotonic_ns() < end)
		nanosleep(&ms, NULL);
	return r;
}

/* ---- demonstrations: setup and teardown ---------------------------------- */

int setup_demo(struct ml_ctx *ctx)
{
	(void)ctx;
	guard_on();
	return 0;
}

int setup_reaper_demo(struct ml_ctx *ctx)
{
	(void)ctx;
	guard_on();
	subreaper_on();
	return 0;
}

int setup_daemon(struct ml_ctx *ctx)
{
	const char *dir = getenv("MODELAB_TMPDIR");

	if (!dir || !*dir)
		dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(log_dir, sizeof(log_dir), "%s/modelab-daemon-XXXXXX", dir);
	if (!mkdtemp(log_dir)) {
		log_dir[0] = '\0';
		return ml_skip(ctx, "no writable directory for the daemon's log (set MODELAB_TMPDIR)");
	}
	snprintf(proc_log_path, sizeof(proc_log_path), "%s/daemon.log",
		 log_dir);
	return setup_reaper_demo(ctx);
}

int teardown_demo(struct ml_ctx *ctx)
{
	(void)ctx;
	end_children();
	remove_log();
	subreaper_off();
	guard_off();
	return 0;
}
