// SPDX-License-Identifier: GPL-2.0
/*
 * probes/process.c - a process's life seen from kernel mode: fork, exec,
 * wait, zombies, orphans, daemons, and where its CPU time goes.
 *
 * THE TRANSITIONS
 *   Every step of a process's life is a system call, and the kernel does
 *   the work: fork() copies the caller's mm (its VMAs and, for private
 *   memory that has been touched, every page-table entry, made read-only
 *   for copy-on-write); exec() throws that mm away and builds a new one
 *   from a file; exit() frees everything but the task itself, which stays
 *   as a zombie holding its PID and exit status until the parent collects
 *   them with wait().  When a parent dies first, the kernel hands its
 *   children to a new parent: the nearest ancestor that declared itself a
 *   "subreaper" (prctl(PR_SET_CHILD_SUBREAPER)), else the init of the PID
 *   namespace.
 *
 * HOW IT IS TIMED (the costs: batches of n ops, see user/measure.c)
 *   fork-wait-1m, -100m, -1g  fork(); the child _exit(0)s at once; the
 *                       parent waitpid()s.  The parent holds 1 MiB, 100 MiB
 *                       or 1 GiB of private memory, touched (THP off), set
 *                       up once by the figure: fork copies one page-table
 *                       entry per 4 KiB page of it, and the child's exit
 *                       tears them down again.  1 GiB is skipped, with the
 *                       reason, when MemAvailable or a memory cgroup cannot
 *                       hold it.
 *   vfork               vfork() + _exit(0) + waitpid(): no mm copied at all;
 *                       the parent sleeps until the child exits.
 *   posix-spawn         posix_spawn() of modelab-exit0 + waitpid().
 *   fork-exec           fork() + execve(modelab-exit0) + waitpid().
 *   thread-create       pthread_create() of an empty thread + pthread_join().
 *
 *   The exec'd program is modelab-exit0 (probes/helpers/exit0.c), found
 *   in $MODELAB_LIBEXEC when set, else beside the running program (the
 *   directory of /proc/self/exe), where make puts it, also in the static
 *   build the lab VM copies.  It is static and, on x86-64, has no libc at
 *   all: a _start that makes the exit system call.  So these figures are
 *   the exec itself, as lmbench's lat_proc exec times it with a minimal
 *   program, and not the loading, dynamic linking and start-up of modelab
 *   (over 1 MB, with libseccomp and json-c).  Without it both figures are
 *   skipped, naming the path looked for.
 *
 * THE DEMONSTRATIONS (each checked from outside, in /proc, by modelab)
 *   zombie      a child exits unwaited: Z in /proc/PID/stat, its PID still
 *               taken; SIGKILL changes nothing; wait() reaps it; so does
 *               the parent's death (then the new parent must wait);
 *               SIG_IGN for SIGCHLD or SA_NOCLDWAIT means no zombie at all.
 *   orphan      the parent exits first: the child's ppid changes to the
 *               subreaper (modelab) and, in a new PID namespace, to its
 *               init (PID 1): printed before and after.
 *   daemon      fork, setsid, fork, chdir /, umask 0, every descriptor
 *               closed, stdio on /dev/null; then its session, process
 *               group, terminal, parent, directory, umask and descriptors
 *               read from /proc; it logs to a file and stops on SIGTERM.
 *   wait        exact statuses for exit, signal, stop, continue; WNOHANG
 *               shows what would block.
 *   user-system-time  the user and kernel share of a pure computation and
 *               of a loop of null syscalls: getrusage() inside, the utime
 *               and stime fields of /proc/PID/stat outside.
 *
 *   modelab is a subreaper during zombie, orphan and daemon: the processes
 *   it creates two levels down come back to it when their parent dies, so
 *   it can wait for them and nothing is left behind.  Every child is named
 *   (prctl(PR_SET_NAME), "modelab-zombie", "modelab-orphan"...) so the
 *   tests can find leftovers, blocks on a pipe only modelab writes (EOF
 *   when modelab dies), and dies with modelab (PR_SET_PDEATHSIG) unless
 *   outliving its parent is the point.  SIGTERM, and SIGINT and SIGHUP
 *   unless they were ignored at start (a background job, nohup), are
 *   caught from each figure's setup to its teardown: the handler kills
 *   every child and grandchild, reaps them, removes the daemon's log and
 *   dies of the same signal.  Teardown does the same on every path.
 *   MODELAB_HOLD=FIGURE stops that demonstration for 60 s at its fullest
 *   moment (every child alive) so the tests can interrupt it there.
 *
 * WHAT TO EXPECT, AND WHY
 *   fork grows with the memory the parent holds: about one page-table
 *   entry copied (and torn down by the child's exit) per 4 KiB touched, so
 *   1 GiB costs milliseconds where 1 MiB costs tens of microseconds.  vfork
 *   and posix_spawn copy nothing and stay flat; exec costs what loading a
 *   program costs.  A thread is a clone() that shares the mm: the cheapest.
 *   A zombie is not a process that needs killing: it has already exited;
 *   only its parent's wait() (or the kernel, when SIGCHLD is ignored) can
 *   remove it.  A null-syscall loop spends most of its time in kernel
 *   mode; a computation spends almost none there.
 */
#define _GNU_SOURCE
#include "modelab.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096ul
#define MIB (1ul << 20)
#define EXIT0_NAME "modelab-exit0"
#define LIBEXEC_ENV "MODELAB_LIBEXEC"
#define DEADLINE_MS 5000	/* for any answer from a child */
#define HOLD_S 60		/* MODELAB_HOLD: at most this long */
#define DAEMON_LIFE_S 60	/* a daemon nobody stops stops itself */

/* ---- reading /proc about another process --------------------------------- */

struct pstat {
	char state;
	int ppid, pgrp, session, tty_nr;
	unsigned long long utime, stime;	/* clock ticks */
};

/* 0, or -1 when the process is gone (or /proc is not there). */
static int read_stat(pid_t pid, struct pstat *ps)
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
static char state_of(pid_t pid)
{
	struct pstat ps;

	return read_stat(pid, &ps) ? '-' : ps.state;
}

/* The rest of the line of /proc/PID/status that starts with key. */
static int status_line(pid_t pid, const char *key, char *out, size_t len)
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
static char await_state(pid_t pid, const char *states)
{
	uint64_t end = ml_monotonic_ns() + DEADLINE_MS * 1000000ull;
	const struct timespec ms = { 0, 1000000 };
	char s;

	while (!strchr(states, s = state_of(pid)) && ml_monotonic_ns() < end)
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
static void end_children(void)
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

static char log_dir[256], log_path[300];	/* the daemon's */

static void remove_log(void)
{
	if (*log_path)
		unlink(log_path);
	if (*log_dir)
		rmdir(log_dir);
	log_path[0] = log_dir[0] = '\0';
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
static void guard_on(void)
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

static void guard_off(void)
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
static bool get(int fd, void *buf, size_t len);

static pid_t new_child(const char *name, bool die_with_parent)
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
	if (pid > 0 && get(ready[0], &c, 1))
		pid = -1;	/* a byte: never sent, so something is wrong */
	close(ready[0]);
	return pid;
}

/* MODELAB_HOLD=FIGURE: the tests interrupt the demonstration here. */
static void hold(const char *figure)
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

/* A fixed-size message: one write is atomic, so children may share a pipe. */
struct msg {
	int tag;
	int v[3];
};

struct chan {
	int r, w;
};

static int open_chan(struct chan *c)
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

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void close_chan(struct chan *c)
{
	close_fd(&c->r);
	close_fd(&c->w);
}

static void send_msg(int fd, int tag, int a, int b, int c)
{
	struct msg m = { tag, { a, b, c } };

	if (write(fd, &m, sizeof(m)) != sizeof(m))
		_exit(112);
}

/* Reads exactly len bytes within the deadline; false on EOF or timeout. */
static bool get(int fd, void *buf, size_t len)
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
static bool get_msg(int fd, int tag, struct msg *m)
{
	while (get(fd, m, sizeof(*m)))
		if (m->tag == tag)
			return true;
	return false;
}

/* True when the pipe reaches EOF within the deadline. */
static bool get_eof(int fd)
{
	char c;

	while (get(fd, &c, 1))
		;
	return read(fd, &c, 1) == 0;
}

/* A child's side: 1 for a byte from modelab, 0 for EOF (modelab gone). */
static int child_wait(int fd)
{
	char c;
	ssize_t n;

	while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
		;
	return n == 1;
}

static void poke(int fd)
{
	if (write(fd, "g", 1) != 1)
		return;
}

/* waitpid with a deadline: the pid, 0 on timeout, -1 on error. */
static pid_t reap(pid_t pid, int *status, int options)
{
	uint64_t end = ml_monotonic_ns() + DEADLINE_MS * 1000000ull;
	const struct timespec ms = { 0, 1000000 };
	pid_t r;

	while ((r = waitpid(pid, status, options | WNOHANG)) == 0 &&
	       ml_monotonic_ns() < end)
		nanosleep(&ms, NULL);
	return r;
}

/* ---- the costs ----------------------------------------------------------- */

static char *held;
static size_t held_len;
static uint64_t failures;
static volatile uint64_t sink;

/* Bytes a memory cgroup still lets us take (v2 or v1), or -1: no limit. */
static long long cgroup_room(void)
{
	char buf[4096], path[600], *line, *save = NULL;
	long long max = -1, cur = 0;

	if (ml_read_file("/proc/self/cgroup", buf, sizeof(buf)) <= 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char val[64], *cg = strrchr(line, ':');

		if (!cg)
			continue;
		if (!strncmp(line, "0::", 3)) {
			snprintf(path, sizeof(path),
				 "/sys/fs/cgroup%s/memory.max", cg + 1);
			if (ml_read_file(path, val, sizeof(val)) > 0 &&
			    strncmp(val, "max", 3))
				max = atoll(val);
			snprintf(path, sizeof(path),
				 "/sys/fs/cgroup%s/memory.current", cg + 1);
		} else if (strstr(line, ":memory:")) {
			snprintf(path, sizeof(path),
				 "/sys/fs/cgroup/memory%s/memory.limit_in_bytes",
				 cg + 1);
			if (ml_read_file(path, val, sizeof(val)) > 0 &&
			    atoll(val) < (1ll << 60))
				max = atoll(val);
			snprintf(path, sizeof(path),
				 "/sys/fs/cgroup/memory%s/memory.usage_in_bytes",
				 cg + 1);
		} else {
			continue;
		}
		if (max >= 0) {
			if (ml_read_file(path, val, sizeof(val)) > 0)
				cur = atoll(val);
			return max > cur ? max - cur : 0;
		}
	}
	return -1;
}

/* Touches one byte per page: every page gets its own page-table entry. */
ML_NO_ASAN static void touch(char *p, size_t len)
{
	for (size_t off = 0; off < len; off += PAGE)
		((volatile char *)p)[off] = 1;
}

static void release_memory(void)
{
	if (held)
		munmap(held, held_len);
	held = NULL;
	held_len = 0;
}

static const char *hold_memory(size_t mib)
{
	static char why[128];
	long avail = ml_meminfo_kib("MemAvailable:");
	long long room = cgroup_room();
	size_t len = mib * MIB;

	release_memory();
	/* the memory, plus a quarter and 64 MiB for everything else */
	if (avail >= 0 &&
	    (unsigned long long)avail * 1024 < len + len / 4 + 64 * MIB) {
		snprintf(why, sizeof(why),
			 "MemAvailable is %ld MiB: too little to hold %zu MiB",
			 avail / 1024, mib);
		return why;
	}
	if (room >= 0 && (unsigned long long)room < len + len / 4 + 64 * MIB) {
		snprintf(why, sizeof(why),
			 "the memory cgroup leaves %lld MiB: too little to hold %zu MiB",
			 room >> 20, mib);
		return why;
	}
	held = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (held == MAP_FAILED) {
		held = NULL;
		snprintf(why, sizeof(why), "cannot map %zu MiB: %s", mib,
			 strerror(errno));
		return why;
	}
	held_len = len;
	/* 4 KiB pages: a huge page would be one entry for 512 pages */
	madvise(held, len, MADV_NOHUGEPAGE);
	touch(held, len);
	return NULL;
}

static const char *setup_fork(size_t mib)
{
	const char *why = hold_memory(mib);

	if (!why)
		guard_on();
	return why;
}

static int setup_fork_1m(struct ml_ctx *ctx)
{
	return ml_skip_if(ctx, setup_fork(1));
}

static int setup_fork_100m(struct ml_ctx *ctx)
{
	return ml_skip_if(ctx, setup_fork(100));
}

static int setup_fork_1g(struct ml_ctx *ctx)
{
	return ml_skip_if(ctx, setup_fork(1024));
}

static int teardown_costs(struct ml_ctx *ctx)
{
	(void)ctx;
	release_memory();
	end_children();
	guard_off();
	return 0;
}

static int setup_costs(struct ml_ctx *ctx)
{
	(void)ctx;
	guard_on();
	return 0;
}

static int prepare_count(struct ml_ctx *ctx)
{
	(void)ctx;
	failures = 0;
	return 0;
}

static int verify_count(struct ml_ctx *ctx)
{
	if (!failures)
		return 0;
	return ml_error(ctx, "%llu of %llu ops failed or exited non-zero",
			(unsigned long long)failures,
			(unsigned long long)ctx->n);
}

static void wait_ok(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
		failures++;
}

static int run_fork_wait(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		wait_ok(pid);
	}
	return 0;
}

/* Nothing of ours may live across vfork() in the parent's frame. */
static __attribute__((noinline)) pid_t vfork_exit(void)
{
	pid_t pid = vfork();

	if (pid == 0)
		_exit(0);
	return pid;
}

static int run_vfork(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++)
		wait_ok(vfork_exit());
	return 0;
}

static char exit0[PATH_MAX];	/* the program exec'd: see setup_exec() */
static char *const exec_argv[] = { EXIT0_NAME, NULL };
static char *const exec_envp[] = { NULL };

static int run_posix_spawn(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++) {
		pid_t pid;

		if (posix_spawn(&pid, exit0, NULL, NULL, exec_argv, exec_envp))
			pid = -1;
		wait_ok(pid);
	}
	return 0;
}

static int run_fork_exec(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execve(exit0, exec_argv, exec_envp);
			_exit(127);
		}
		wait_ok(pid);
	}
	return 0;
}

/*
 * The program exec'd: modelab-exit0 in $MODELAB_LIBEXEC, else beside the
 * running program.  It must be there and end at once: try it.
 */
static int setup_exec(struct ml_ctx *ctx)
{
	const char *dir = getenv(LIBEXEC_ENV);
	char self[PATH_MAX];
	ssize_t len;

	if (!dir || !*dir) {
		len = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (len <= 0)
			return ml_skip(ctx, "cannot read /proc/self/exe to find "
				       EXIT0_NAME " (is /proc mounted?): set "
				       LIBEXEC_ENV);
		self[len] = '\0';
		*strrchr(self, '/') = '\0';	/* an absolute path */
		dir = self;
	}
	if (snprintf(exit0, sizeof(exit0), "%s/%s", dir, EXIT0_NAME) >=
	    (int)sizeof(exit0))
		return ml_skip(ctx, "the path of " EXIT0_NAME
			       " would be longer than PATH_MAX");
	if (access(exit0, X_OK))
		return ml_skip(ctx, "cannot exec %s: %s", exit0,
			       strerror(errno));
	failures = 0;
	guard_on();
	ctx->n = 1;
	run_fork_exec(ctx);
	if (failures) {
		guard_off();
		return ml_skip(ctx, "%s did not exit 0 at once", exit0);
	}
	return 0;
}

static void *empty_thread(void *arg)
{
	return arg;
}

static int run_thread_create(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, empty_thread, NULL) ||
		    pthread_join(t, NULL))
			failures++;
	}
	sink += ctx->n;
	return 0;
}

/* ---- demonstrations: setup and teardown ---------------------------------- */

static int setup_demo(struct ml_ctx *ctx)
{
	(void)ctx;
	guard_on();
	return 0;
}

static int setup_reaper_demo(struct ml_ctx *ctx)
{
	(void)ctx;
	guard_on();
	subreaper_on();
	return 0;
}

static int setup_daemon(struct ml_ctx *ctx)
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
	snprintf(log_path, sizeof(log_path), "%s/daemon.log", log_dir);
	return setup_reaper_demo(ctx);
}

static int teardown_demo(struct ml_ctx *ctx)
{
	(void)ctx;
	end_children();
	remove_log();
	subreaper_off();
	guard_off();
	return 0;
}

/* ---- zombie -------------------------------------------------------------- */

enum { M_PID = 1, M_WAITED, M_LEADER, M_DAEMON, M_NSERR, M_NSINIT,
       M_NSCHILD, M_PPID, M_TIMES };

/* A zombie's parent that never waits: SIGCHLD as set by how. */
static void lazy_parent(int rep, int go, int how)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	pid_t z;

	sigemptyset(&sa.sa_mask);
	if (how == 1)
		sa.sa_handler = SIG_IGN;
	else if (how == 2)
		sa.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &sa, NULL);
	z = fork();
	if (z == 0) {
		prctl(PR_SET_NAME, "modelab-zombie", 0, 0, 0);
		_exit(5);
	}
	send_msg(rep, M_PID, z, 0, 0);
	if (child_wait(go)) {	/* modelab has looked: now wait once */
		int r = (int)waitpid(-1, NULL, WNOHANG);

		send_msg(rep, M_WAITED, r, r < 0 ? errno : 0, 0);
	}
	child_wait(go);
	_exit(0);
}

/* Part 5: with SIGCHLD ignored (how 1) or SA_NOCLDWAIT (how 2), no zombie. */
static const char *no_zombie(struct ml_result *res, int how)
{
	const char *name = how == 1 ? "sigign" : "nocldwait";
	const char *call = how == 1 ? "signal(SIGCHLD, SIG_IGN)" :
				      "sigaction(SIGCHLD, SA_NOCLDWAIT)";
	struct chan rep = { -1, -1 }, go = { -1, -1 };
	struct msg m;
	pid_t p, z;
	char s, key[32], label[80];
	bool seen_z = false;
	uint64_t end;
	const struct timespec ms = { 0, 1000000 };

	if (open_chan(&rep) || open_chan(&go)) {
		close_chan(&rep);
		close_chan(&go);
		return "pipe failed";
	}
	p = new_child("modelab-zparent", true);
	if (p == 0) {
		close(rep.r);
		close(go.w);
		lazy_parent(rep.w, go.r, how);
	}
	close_fd(&rep.w);
	close_fd(&go.r);
	if (p < 0 || !get_msg(rep.r, M_PID, &m)) {
		close_chan(&rep);
		close_chan(&go);
		return "the parent of the would-be zombie did not answer";
	}
	z = m.v[0];
	/* its parent never waits; watch it from here until it is gone */
	end = ml_monotonic_ns() + DEADLINE_MS * 1000000ull;
	while ((s = state_of(z)) != '-' && ml_monotonic_ns() < end) {
		seen_z |= s == 'Z';
		nanosleep(&ms, NULL);
	}
	poke(go.w);
	if (!get_msg(rep.r, M_WAITED, &m))
		m.v[0] = m.v[1] = -2;
	close_chan(&go);
	close_chan(&rep);
	reap(p, NULL, 0);
	ml_result_note(res,
		       "%s in the parent, then a child %d exits: %s from /proc, %s; the parent's waitpid(-1) then says %s",
		       call, (int)z, s == '-' ? "gone" : "not gone",
		       seen_z ? "seen as Z" : "never Z",
		       m.v[0] < 0 && m.v[1] == ECHILD ? "ECHILD: nothing to reap" :
							"something else");
	snprintf(key, sizeof(key), "%s_zombie_seen", name);
	snprintf(label, sizeof(label), "%s: a Z state seen (0: never)", name);
	ml_result_extra(res, key, label, seen_z);
	snprintf(key, sizeof(key), "%s_gone", name);
	snprintf(label, sizeof(label), "%s: gone, never reaped (1: yes)", name);
	ml_result_extra(res, key, label, s == '-');
	snprintf(key, sizeof(key), "%s_wait_errno", name);
	snprintf(label, sizeof(label),
		 "%s: the parent's waitpid errno (ECHILD 10)", name);
	ml_result_extra(res, key, label, m.v[0] < 0 ? m.v[1] : 0);
	if (seen_z || s != '-')
		return how == 1 ? "SIG_IGN for SIGCHLD did not prevent a zombie" :
				  "SA_NOCLDWAIT did not prevent a zombie";
	if (m.v[0] >= 0 || m.v[1] != ECHILD)
		return "waitpid in a parent without zombies did not say ECHILD";
	return NULL;
}

static const char *demo_zombie(struct ml_result *res)
{
	pid_t self = getpid(), z, mid, z2;
	struct chan rep = { -1, -1 }, go = { -1, -1 };
	struct pstat ps;
	siginfo_t si;
	struct msg m;
	char vm[64];
	int status, rc, e;
	const char *why = NULL;

	/* 1. a child exits and nobody waits */
	z = new_child("modelab-zombie", true);
	if (z == 0)
		_exit(7);
	if (z < 0)
		return "fork failed";
	/* WNOWAIT: wait until it has exited, but leave it unreaped */
	if (waitid(P_PID, (id_t)z, &si, WEXITED | WNOWAIT) ||
	    read_stat(z, &ps))
		return "the child could not be watched in /proc";
	ml_result_note(res,
		       "child %d called _exit(7); nobody waited: /proc/%d/stat says state %c, ppid %d (modelab)",
		       (int)z, (int)z, ps.state, ps.ppid);
	ml_result_extra(res, "state_char", "state in /proc/PID/stat ('Z' = 90)",
			ps.state);
	if (ps.state != 'Z')
		return "an exited, unwaited child is not in state Z";
	rc = kill(z, 0);
	ml_result_extra(res, "kill0_rc",
			"kill(pid, 0) on the zombie (0: the PID is taken)", rc);
	ml_result_extra(res, "zombie_vmrss_line",
			"a VmRSS line in its status (0: no memory left)",
			!status_line(z, "VmRSS:", vm, sizeof(vm)));
	ml_result_note(res,
		       "kill(%d, 0) = %d: the PID is still taken; /proc/%d/status has %s VmRSS line: its memory is gone already",
		       (int)z, rc, (int)z,
		       status_line(z, "VmRSS:", vm, sizeof(vm)) ? "no" : "a");
	if (rc)
		return "the zombie's PID is not taken";

	/* 2. "kill the zombie" */
	rc = kill(z, SIGKILL);
	ml_result_note(res,
		       "kill(%d, SIGKILL) = %d, and the state is still %c: it is already dead",
		       (int)z, rc, state_of(z));
	ml_result_extra(res, "sigkill_rc", "kill(zombie, SIGKILL) returned",
			rc);
	ml_result_extra(res, "state_after_sigkill",
			"state after SIGKILL ('Z' = 90)", state_of(z));
	if (state_of(z) != 'Z')
		return "SIGKILL changed the zombie's state";

	/* 4 (set up now, so that MODELAB_HOLD sees every kind at once):
	 * a parent that never waits for its zombie child */
	if (open_chan(&rep) || open_chan(&go)) {
		why = "pipe failed";
		goto out;
	}
	mid = new_child("modelab-zparent", true);
	if (mid == 0) {
		close(rep.r);
		close(go.w);
		z2 = fork();
		if (z2 == 0) {
			prctl(PR_SET_NAME, "modelab-zombie", 0, 0, 0);
			_exit(5);
		}
		send_msg(rep.w, M_PID, z2, 0, 0);
		child_wait(go.r);
		_exit(0);
	}
	close_fd(&rep.w);
	close_fd(&go.r);
	if (mid < 0 || !get_msg(rep.r, M_PID, &m)) {
		why = "the zombie's parent did not answer";
		goto out;
	}
	z2 = m.v[0];
	if (await_state(z2, "Z") != 'Z' || read_stat(z2, &ps) ||
	    ps.ppid != mid) {
		why = "the grandchild did not become its parent's zombie";
		goto out;
	}
	hold("zombie");

	/* 3. the parent waits: the zombie is gone */
	if (reap(z, &status, 0) != z) {
		why = "waitpid did not reap the zombie";
		goto out;
	}
	e = kill(z, 0) ? errno : 0;
	ml_result_note(res,
		       "waitpid(%d) returned it with status 0x%04x (exited, code %d: the SIGKILL was never delivered); now /proc/%d is %s and kill(pid, 0) says %s",
		       (int)z, status, WEXITSTATUS(status), (int)z,
		       state_of(z) == '-' ? "gone" : "still there",
		       e == ESRCH ? "ESRCH" : "otherwise");
	ml_result_extra(res, "reaped_exit_status",
			"exit status waitpid collected (7)",
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	ml_result_extra(res, "gone_after_reap",
			"gone from /proc after waitpid (1: yes)",
			state_of(z) == '-');
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 7 ||
	    state_of(z) != '-' || e != ESRCH) {
		why = "the reaped zombie is not gone, or its status changed";
		goto out;
	}

	/* 4. its parent dies: the zombie goes to the subreaper, still Z */
	poke(go.w);
	if (reap(mid, &status, 0) != mid || read_stat(z2, &ps)) {
		why = "the zombie's parent did not exit";
		goto out;
	}
	ml_result_note(res,
		       "zombie %d of parent %d (which never waits); the parent exits: now ppid %d (modelab, the subreaper; init without one), state %c",
		       (int)z2, (int)mid, ps.ppid, ps.state);
	ml_result_extra(res, "reparented_ppid",
			"the orphaned zombie's new ppid", ps.ppid);
	ml_result_extra(res, "subreaper_pid", "modelab's pid (the subreaper)",
			self);
	ml_result_extra(res, "reparented_state",
			"its state then ('Z' = 90)", ps.state);
	if (ps.ppid != self || ps.state != 'Z') {
		why = "the orphaned zombie did not come to the subreaper";
		goto out;
	}
	if (reap(z2, &status, 0) != z2 || state_of(z2) != '-') {
		why = "the new parent could not reap the orphaned zombie";
		goto out;
	}
	ml_result_note(res,
		       "the new parent waits for it, as init does for every orphan: gone (status 0x%04x)",
		       status);
	close_chan(&go);
	close_chan(&rep);

	/* 5. no zombie at all */
	why = no_zombie(res, 1);
	if (!why)
		why = no_zombie(res, 2);
	return why;
out:
	close_chan(&go);
	close_chan(&rep);
	return why;
}

/* ---- orphan -------------------------------------------------------------- */

/* The orphan's side: report ppid, wait, report it again, wait, exit. */
static void orphan_main(int rep, int cmd)
{
	char self[32] = "";
	ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);

	/* /proc is the host's: /proc/self names us in its numbering */
	send_msg(rep, M_PPID, (int)getppid(),
		 n > 0 ? atoi(self) : (int)getpid(), (int)getpid());
	if (!child_wait(cmd))
		_exit(0);
	send_msg(rep, M_PPID, (int)getppid(), 0, 0);
	child_wait(cmd);
	_exit(0);
}

/* Namespace part: parent P2 dies in a new PID namespace, its init adopts. */
static const char *orphan_in_namespace(struct ml_result *res)
{
	struct chan rep = { -1, -1 }, p2go = { -1, -1 }, cmd = { -1, -1 };
	struct msg m, c;
	pid_t x = -1, init, orphan;
	struct pstat ps;
	char nspid[64] = "";
	const char *why = NULL;

	if (open_chan(&rep) || open_chan(&p2go) || open_chan(&cmd)) {
		why = "pipe failed";
		goto out;
	}
	x = new_child("modelab-nsfork", true);
	if (x == 0) {
		close(rep.r);
		close(p2go.w);
		close(cmd.w);
		if (unshare(CLONE_NEWPID) &&
		    unshare(CLONE_NEWUSER | CLONE_NEWPID)) {
			send_msg(rep.w, M_NSERR, errno, 0, 0);
			_exit(0);
		}
		init = fork();
		if (init == 0) {	/* PID 1 of the new namespace */
			prctl(PR_SET_NAME, "modelab-nsinit", 0, 0, 0);
			prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
			if (fork() == 0) {
				prctl(PR_SET_NAME, "modelab-oparent", 0, 0, 0);
				if (fork() == 0) {
					prctl(PR_SET_NAME, "modelab-orphan", 0,
					      0, 0);
					orphan_main(rep.w, cmd.r);
				}
				child_wait(p2go.r);
				_exit(0);
			}
			close(rep.w);
			close(p2go.r);
			close(cmd.r);
			/* what init is for: wait for whatever comes */
			while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
				;
			_exit(0);
		}
		send_msg(rep.w, M_NSINIT, init, 0, 0);
		close(rep.w);
		waitpid(init, NULL, 0);
		_exit(0);
	}
	close_fd(&rep.w);
	close_fd(&p2go.r);
	close_fd(&cmd.r);
	/* the creator and the orphan share the pipe: either may come first */
	init = 0;
	c.tag = m.tag = 0;
	while (x > 0 && m.tag != M_NSERR && (!init || !c.tag) &&
	       get(rep.r, &m, sizeof(m))) {
		if (m.tag == M_NSINIT)
			init = m.v[0];
		else if (m.tag == M_PPID)
			c = m;
	}
	if (x < 0 || (m.tag != M_NSERR && (!init || !c.tag))) {
		why = "the namespace's creator or its orphan did not answer";
		goto out;
	}
	if (m.tag == M_NSERR) {
		ml_result_note(res,
			       "in a new PID namespace: not shown, unshare(CLONE_NEWPID) says %s (needs CAP_SYS_ADMIN or user namespaces)",
			       strerror(m.v[0]));
		ml_result_extra(res, "ns_shown",
				"PID namespace part ran (1: yes)", 0);
		goto out;
	}
	orphan = c.v[1];
	status_line(orphan, "NSpid:", nspid, sizeof(nspid));
	ml_result_note(res,
		       "in a new PID namespace: orphan %d (NSpid %s) has ppid %d inside",
		       (int)orphan, nspid, c.v[0]);
	ml_result_extra(res, "ns_ppid_before",
			"ppid inside the namespace, before", c.v[0]);
	poke(p2go.w);
	/* its parent is gone when the kernel has moved it to init */
	if (read_stat(orphan, &ps)) {
		why = "the namespace's orphan vanished";
		goto out;
	}
	for (uint64_t end = ml_monotonic_ns() + DEADLINE_MS * 1000000ull;
	     ps.ppid != init && ml_monotonic_ns() < end &&
	     !read_stat(orphan, &ps);) {
		const struct timespec ms = { 0, 1000000 };

		nanosleep(&ms, NULL);
	}
	poke(cmd.w);
	if (!get_msg(rep.r, M_PPID, &c)) {
		why = "the orphan in the namespace did not answer again";
		goto out;
	}
	status_line(init, "NSpid:", nspid, sizeof(nspid));
	ml_result_note(res,
		       "its parent exits: ppid %d inside (getppid), %d outside (/proc/%d/stat) = the namespace's init, NSpid %s",
		       c.v[0], ps.ppid, (int)orphan, nspid);
	ml_result_extra(res, "ns_shown", "PID namespace part ran (1: yes)", 1);
	ml_result_extra(res, "ns_ppid_after",
			"ppid inside the namespace, after (init: 1)", c.v[0]);
	ml_result_extra(res, "ns_host_ppid_after",
			"its ppid seen from outside, after", ps.ppid);
	ml_result_extra(res, "ns_init_host_pid",
			"the namespace's init, seen from outside", init);
	if (c.v[0] != 1 || ps.ppid != init)
		why = "in a PID namespace the orphan did not go to its init";
	poke(cmd.w);
out:
	close_chan(&cmd);
	close_chan(&p2go);
	close_chan(&rep);
	if (x > 0 && reap(x, NULL, 0) != x)
		why = why ? why : "the namespace did not end";
	return why;
}

static const char *demo_orphan(struct ml_result *res)
{
	pid_t self = getpid(), parent, orphan;
	struct chan rep = { -1, -1 }, prep = { -1, -1 }, go = { -1, -1 },
		    cmd = { -1, -1 };
	struct msg m, c;
	struct pstat ps;
	int status;
	const char *why = NULL;

	if (open_chan(&rep) || open_chan(&prep) || open_chan(&go) ||
	    open_chan(&cmd)) {
		why = "pipe failed";
		goto out;
	}
	parent = new_child("modelab-oparent", true);
	if (parent == 0) {
		pid_t o;

		close(rep.r);
		close(prep.r);
		close(go.w);
		close(cmd.w);
		o = fork();	/* no PDEATHSIG: it must outlive us */
		if (o == 0) {
			prctl(PR_SET_NAME, "modelab-orphan", 0, 0, 0);
			close(go.r);
			orphan_main(rep.w, cmd.r);
		}
		send_msg(prep.w, M_PID, o, 0, 0);
		child_wait(go.r);
		_exit(0);
	}
	close_fd(&rep.w);
	close_fd(&prep.w);
	close_fd(&go.r);
	close_fd(&cmd.r);
	if (parent < 0 || !get_msg(prep.r, M_PID, &m) ||
	    !get_msg(rep.r, M_PPID, &c) || read_stat(m.v[0], &ps)) {
		why = "the parent or its child did not answer";
		goto out;
	}
	orphan = m.v[0];
	ml_result_note(res,
		       "before: orphan-to-be %d, ppid %d by getppid(), %d by /proc/%d/stat: its parent %d",
		       (int)orphan, c.v[0], ps.ppid, (int)orphan, (int)parent);
	ml_result_extra(res, "parent_pid", "the parent that exits", parent);
	ml_result_extra(res, "ppid_before", "the child's ppid, before",
			ps.ppid);
	if (ps.ppid != parent || c.v[0] != parent) {
		why = "the child's ppid was not its parent's pid";
		goto out;
	}
	poke(go.w);
	/* the parent is a zombie only after its children were re-parented */
	if (reap(parent, &status, 0) != parent || read_stat(orphan, &ps)) {
		why = "the parent did not exit";
		goto out;
	}
	hold("orphan");
	poke(cmd.w);
	if (!get_msg(rep.r, M_PPID, &c)) {
		why = "the orphan did not answer";
		goto out;
	}
	ml_result_note(res,
		       "after the parent exited: ppid %d by /proc/%d/stat, %d by getppid(): modelab (%d), the subreaper",
		       ps.ppid, (int)orphan, c.v[0], (int)self);
	ml_result_extra(res, "ppid_after", "the child's ppid, after", ps.ppid);
	ml_result_extra(res, "ppid_after_inside",
			"getppid() in the child, after", c.v[0]);
	ml_result_extra(res, "subreaper_pid", "modelab's pid (the subreaper)",
			self);
	if (ps.ppid != self || c.v[0] != self) {
		why = "the orphan was not re-parented to the subreaper";
		goto out;
	}
	ml_result_note(res,
		       "PR_SET_CHILD_SUBREAPER made modelab the nearest reaper: without it the orphan goes to the init of its PID namespace (systemd --user and containers' inits are subreapers too)");
	poke(cmd.w);
	if (reap(orphan, &status, 0) != orphan) {
		why = "the subreaper could not reap the orphan";
		goto out;
	}
	ml_result_note(res,
		       "the orphan exits: its new parent reaps it (status 0x%04x)",
		       status);
	close_chan(&cmd);
	close_chan(&go);
	close_chan(&prep);
	close_chan(&rep);
	return orphan_in_namespace(res);
out:
	close_chan(&cmd);
	close_chan(&go);
	close_chan(&prep);
	close_chan(&rep);
	return why;
}

/* ---- daemon -------------------------------------------------------------- */

static void daemon_log(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void daemon_log(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n, fd;

	n = snprintf(line, sizeof(line), "modelab-daemon[%d]: ", (int)getpid());
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) != n)
		n = -1;
	close(fd);
}

static void close_every_fd(void)
{
	struct rlimit rl = { 1024, 1024 };

#ifdef SYS_close_range
	if (!syscall(SYS_close_range, 0u, ~0u, 0u))
		return;
#endif
	getrlimit(RLIMIT_NOFILE, &rl);
	for (rlim_t fd = 0; fd < rl.rlim_cur && fd < 65536; fd++)
		close((int)fd);
}

/* The daemon proper, the grandchild: the classic recipe, step by step. */
static void daemon_main(void)
{
	struct timespec life = { DAEMON_LIFE_S, 0 };
	sigset_t term;
	siginfo_t si;
	int tty, tty_errno;

	prctl(PR_SET_NAME, "modelab-daemon", 0, 0, 0);
	if (chdir("/"))		/* hold no directory busy */
		_exit(2);
	umask(0);		/* umask, not "unmask": exact modes */
	close_every_fd();	/* the pipes to modelab too: EOF there */
	if (open("/dev/null", O_RDWR) != 0 || dup2(0, 1) != 1 ||
	    dup2(0, 2) != 2)
		_exit(3);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	tty = open("/dev/tty", O_RDWR | O_NOCTTY);
	tty_errno = tty < 0 ? errno : 0;
	if (tty >= 0)
		close(tty);
	daemon_log("started: sid %d, pgid %d, /dev/tty: tty_errno=%d (%s)",
		   (int)getsid(0), (int)getpgrp(), tty_errno,
		   tty_errno ? strerror(tty_errno) : "opened");
	if (sigtimedwait(&term, &si, &life) == SIGTERM) {
		daemon_log("SIGTERM from pid %d: stopping", (int)si.si_pid);
		_exit(0);
	}
	daemon_log("no SIGTERM in %d s: stopping anyway", DAEMON_LIFE_S);
	_exit(1);
}

/* Polls the log (bounded) for a line holding what. */
static bool log_has(const char *what, char *line, size_t len)
{
	uint64_t end = ml_monotonic_ns() + DEADLINE_MS * 1000000ull;
	const struct timespec ms = { 0, 1000000 };
	char buf[2048], *p;

	do {
		if (ml_read_file(log_path, buf, sizeof(buf)) > 0 &&
		    (p = strstr(buf, what))) {
			while (p > buf && p[-1] != '\n')
				p--;
			snprintf(line, len, "%.*s", (int)strcspn(p, "\n"), p);
			return true;
		}
		nanosleep(&ms, NULL);
	} while (ml_monotonic_ns() < end);
	return false;
}

/* Descriptors of pid, and how many of them are /dev/null. */
static int count_fds(pid_t pid, int *devnull)
{
	char dir[64], path[64 + 256 + 2], target[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	*devnull = 0;
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		ssize_t len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		target[len > 0 ? len : 0] = '\0';
		n++;
		*devnull += !strcmp(target, "/dev/null");
	}
	closedir(d);
	return n;
}

static const char *check_daemon(struct ml_result *res, pid_t leader, pid_t d)
{
	pid_t self = getpid();
	char cwd[256] = "", umask_s[32] = "", line[256];
	struct pstat ps;
	struct stat st;
	ssize_t n;
	int fds, devnull, tty_errno = -1;
	long um;

	if (read_stat(d, &ps))
		return "the daemon is gone";
	snprintf(line, sizeof(line), "/proc/%d/cwd", (int)d);
	n = readlink(line, cwd, sizeof(cwd) - 1);
	cwd[n > 0 ? n : 0] = '\0';
	status_line(d, "Umask:", umask_s, sizeof(umask_s));
	um = strtol(umask_s, NULL, 8);
	fds = count_fds(d, &devnull);
	if (log_has("started", line, sizeof(line))) {
		char *t = strstr(line, "tty_errno=");

		if (t)
			tty_errno = atoi(t + 10);
	}
	ml_result_note(res,
		       "daemon %d from /proc: sid %d, pgid %d (the session leader %d, which exited: the daemon is no leader, so it can never gain a terminal), tty_nr %d",
		       (int)d, ps.session, ps.pgrp, (int)leader, ps.tty_nr);
	ml_result_note(res,
		       "ppid %d (modelab, the subreaper; init without one), cwd %s, Umask %s, %d descriptors, %d of them /dev/null",
		       ps.ppid, cwd, umask_s, fds, devnull);
	ml_result_note(res, "its log: %s", line);
	ml_result_extra(res, "daemon_pid", "the daemon's pid", d);
	ml_result_extra(res, "daemon_sid", "its session id (the leader's pid)",
			ps.session);
	ml_result_extra(res, "daemon_pgid", "its process group", ps.pgrp);
	ml_result_extra(res, "daemon_tty_nr", "its tty_nr (0: no terminal)",
			ps.tty_nr);
	ml_result_extra(res, "daemon_ppid", "its parent", ps.ppid);
	ml_result_extra(res, "subreaper_pid", "modelab's pid (the subreaper)",
			self);
	ml_result_extra(res, "daemon_cwd_is_root", "cwd is / (1: yes)",
			!strcmp(cwd, "/"));
	ml_result_extra(res, "daemon_umask", "Umask in /proc/PID/status", um);
	ml_result_extra(res, "daemon_fds", "open descriptors", fds);
	ml_result_extra(res, "daemon_fds_devnull", "of them on /dev/null",
			devnull);
	ml_result_extra(res, "tty_errno",
			"errno opening /dev/tty in the daemon (ENXIO 6)",
			tty_errno);
	if (!stat(log_path, &st))
		ml_result_extra(res, "log_mode",
				"the log's mode, created under umask 0 (0666 = 438)",
				st.st_mode & 0777);
	if (ps.session != leader || ps.pgrp != leader || ps.session == d)
		return "the daemon's session is not the leader's";
	if (ps.tty_nr != 0 || tty_errno != ENXIO)
		return "the daemon has a controlling terminal";
	if (ps.ppid != self)
		return "the daemon's parent is not the subreaper";
	if (strcmp(cwd, "/"))
		return "the daemon's working directory is not /";
	if (!*umask_s || um != 0)
		return "the daemon's umask is not 0";
	if (fds != 3 || devnull != 3)
		return "the daemon holds descriptors beyond stdio on /dev/null";
	if (stat(log_path, &st) || (st.st_mode & 0777) != 0666)
		return "the daemon's log was not created 0666";
	return NULL;
}

static const char *demo_daemon(struct ml_result *res)
{
	struct chan rep = { -1, -1 }, go = { -1, -1 };
	struct pstat ps;
	struct msg m;
	pid_t leader, d = -1;
	int status;
	char line[256];
	const char *why = NULL;

	if (open_chan(&rep) || open_chan(&go)) {
		why = "pipe failed";
		goto out;
	}
	leader = new_child("modelab-dsetsid", true);
	if (leader == 0) {
		pid_t p;

		close(rep.r);
		close(go.w);
		if (setsid() < 0)
			_exit(1);
		send_msg(rep.w, M_LEADER, (int)getpid(), (int)getsid(0), 0);
		if (!child_wait(go.r))
			_exit(1);
		p = fork();
		if (p == 0)
			daemon_main();
		send_msg(rep.w, M_DAEMON, p, 0, 0);
		_exit(p < 0);
	}
	close_fd(&rep.w);
	close_fd(&go.r);
	if (leader < 0 || !get_msg(rep.r, M_LEADER, &m) ||
	    read_stat(leader, &ps)) {
		why = "the first child did not answer";
		goto out;
	}
	ml_result_note(res,
		       "fork, then setsid() in child %d: /proc says sid %d, pgid %d, tty_nr %d: leader of a new session and group, no terminal",
		       (int)leader, ps.session, ps.pgrp, ps.tty_nr);
	ml_result_extra(res, "leader_pid", "the child that called setsid()",
			leader);
	ml_result_extra(res, "leader_sid", "its session id after setsid()",
			ps.session);
	ml_result_extra(res, "leader_pgid", "its process group", ps.pgrp);
	ml_result_extra(res, "leader_tty_nr", "its tty_nr (0: no terminal)",
			ps.tty_nr);
	if (ps.session != leader || ps.pgrp != leader || ps.tty_nr) {
		why = "after setsid() the sid is not the pid";
		goto out;
	}
	poke(go.w);
	if (!get_msg(rep.r, M_DAEMON, &m) || m.v[0] <= 0) {
		why = "the second fork did not happen";
		goto out;
	}
	d = m.v[0];
	if (reap(leader, &status, 0) != leader || status) {
		why = "the session leader did not exit";
		goto out;
	}
	/* EOF: the daemon has closed every descriptor, our pipe's too */
	if (!get_eof(rep.r) || !log_has("started", line, sizeof(line))) {
		why = "the daemon did not start (no EOF, or no log line)";
		goto out;
	}
	ml_result_note(res,
		       "it forks again and exits: the grandchild %d does chdir(\"/\"), umask(0), closes every descriptor, puts stdio on /dev/null, logs to %s",
		       (int)d, log_path);
	why = check_daemon(res, leader, d);
	if (why)
		goto out;
	hold("daemon");
	kill(d, SIGTERM);
	if (reap(d, &status, 0) != d) {
		why = "the daemon did not stop on SIGTERM";
		goto out;
	}
	d = -1;
	ml_result_extra(res, "exit_status",
			"the daemon's exit status after SIGTERM",
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (!log_has("stopping", line, sizeof(line)) || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		why = "the daemon did not log and exit 0 on SIGTERM";
		goto out;
	}
	ml_result_note(res,
		       "SIGTERM: it logs \"%s\" and exits 0; modelab reaps it",
		       line);
out:
	close_chan(&go);
	close_chan(&rep);
	return why;
}

/* ---- wait ---------------------------------------------------------------- */

/* A child that blocks until modelab writes (then sleeps ms, exits 0). */
static pid_t waiting_child(struct chan *c, long ms)
{
	pid_t pid;

	if (open_chan(c))
		return -1;
	pid = new_child("modelab-wait", true);
	if (pid == 0) {
		struct timespec t = { ms / 1000, ms % 1000 * 1000000 };

		close(c->w);
		if (child_wait(c->r) && ms)
			nanosleep(&t, NULL);
		_exit(0);
	}
	close_fd(&c->r);
	return pid;
}

static const char *demo_wait(struct ml_result *res)
{
	struct chan c = { -1, -1 };
	siginfo_t si;
	uint64_t t0, t1;
	pid_t pid, r;
	int st;
	char s;
	const char *why = NULL;

	/* a child that has already exited: no need to block */
	pid = new_child("modelab-wait", true);
	if (pid == 0)
		_exit(42);
	if (pid < 0 || waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT))
		return "fork or waitid failed";
	t0 = ml_monotonic_ns();
	r = waitpid(pid, &st, WNOHANG);
	t1 = ml_monotonic_ns();
	ml_result_note(res,
		       "child exited with 42 already: waitpid(WNOHANG) returns it at once (%.1f us), status 0x%04x: WIFEXITED, WEXITSTATUS %d",
		       (double)(t1 - t0) / 1e3, st, WEXITSTATUS(st));
	ml_result_extra(res, "exit_status_raw",
			"raw status of exit(42) (0x2a00)", r == pid ? st : -1);
	ml_result_extra(res, "wait_at_once_us", "waitpid for it took (us)",
			(double)(t1 - t0) / 1e3);
	if (r != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 42)
		return "waitpid did not return the exited child's status at once";

	/* a running child: WNOHANG says it would block; then it blocks */
	pid = waiting_child(&c, 20);
	if (pid < 0)
		return "fork failed";
	r = waitpid(pid, &st, WNOHANG);
	ml_result_extra(res, "running_wnohang",
			"waitpid(WNOHANG) on a running child (0)", r);
	t0 = ml_monotonic_ns();
	poke(c.w);	/* it sleeps 20 ms from here, then exits */
	if (r != 0 || waitpid(pid, &st, 0) != pid || st) {
		why = "waitpid on a running child did not block until its exit";
		goto out;
	}
	t1 = ml_monotonic_ns();
	close_chan(&c);
	ml_result_note(res,
		       "running child: waitpid(WNOHANG) = %d (would block); waitpid() blocked %.1f ms, until its exit 20 ms later",
		       (int)r, (double)(t1 - t0) / 1e6);
	ml_result_extra(res, "blocked_ms", "waitpid blocked (ms, >= 20)",
			(double)(t1 - t0) / 1e6);
	if (t1 - t0 < 20000000ull) {
		why = "waitpid returned before the child could have exited";
		goto out;
	}

	/* death by a signal */
	pid = waiting_child(&c, 0);
	if (pid < 0 || kill(pid, SIGTERM) || reap(pid, &st, 0) != pid) {
		why = "could not kill and reap a child";
		goto out;
	}
	close_chan(&c);
	ml_result_note(res,
		       "SIGTERM: status 0x%04x: WIFSIGNALED %d, WTERMSIG %d, WCOREDUMP %d",
		       st, WIFSIGNALED(st), WTERMSIG(st),
		       WCOREDUMP(st) ? 1 : 0);
	ml_result_extra(res, "signal_status_raw",
			"raw status of death by SIGTERM (15)", st);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM || WCOREDUMP(st)) {
		why = "the status of death by SIGTERM is wrong";
		goto out;
	}

	/* stop and continue */
	pid = waiting_child(&c, 0);
	if (pid < 0 || kill(pid, SIGSTOP)) {
		why = "could not stop a child";
		goto out;
	}
	s = await_state(pid, "T");
	r = waitpid(pid, &st, WNOHANG);	/* no WUNTRACED: not reported */
	ml_result_extra(res, "stopped_state",
			"its state once stopped ('T' = 84)", s);
	ml_result_extra(res, "wnohang_without_wuntraced",
			"waitpid(WNOHANG) without WUNTRACED (0)", r);
	if (s != 'T' || r != 0 || reap(pid, &st, WUNTRACED) != pid ||
	    !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP) {
		why = "the stop was not reported with WUNTRACED only";
		goto out;
	}
	ml_result_note(res,
		       "SIGSTOP: /proc state %c; waitpid without WUNTRACED reports nothing (%d); with it, status 0x%04x: WIFSTOPPED, WSTOPSIG %d",
		       s, (int)r, st, WSTOPSIG(st));
	ml_result_extra(res, "stop_status_raw", "raw status of a stop (0x137f)",
			st);
	hold("wait");
	kill(pid, SIGCONT);
	if (reap(pid, &st, WCONTINUED) != pid || !WIFCONTINUED(st)) {
		why = "the continue was not reported with WCONTINUED";
		goto out;
	}
	s = await_state(pid, "SR");
	ml_result_note(res,
		       "SIGCONT: waitpid(WCONTINUED) status 0x%04x: WIFCONTINUED; /proc state %c again",
		       st, s);
	ml_result_extra(res, "continued_status_raw",
			"raw status of a continue (0xffff)", st);
	close_chan(&c);	/* EOF: it exits */
	if (reap(pid, &st, 0) != pid || st)
		why = "the continued child did not exit 0";
	return why;
out:
	close_chan(&c);
	return why;
}

/* ---- user and system time ------------------------------------------------ */

static double tv_ms(struct timeval t)
{
	return (double)t.tv_sec * 1e3 + (double)t.tv_usec / 1e3;
}

/* In the child: run one kind of loop for ms of wall time, report rusage. */
static void timed_loop(int rep, bool syscalls, long ms)
{
	struct rusage a, b;
	uint64_t end;
	uint64_t x = 1, calls = 0;

	getrusage(RUSAGE_SELF, &a);
	end = ml_monotonic_ns() + (uint64_t)ms * 1000000ull;
	do {
		for (int i = 0; i < 1000; i++) {
			if (syscalls) {
				syscall(SYS_getppid);
				calls++;
			} else {
				x = x * 6364136223846793005ull + 1;
			}
		}
	} while (ml_monotonic_ns() < end);
	sink = x;
	getrusage(RUSAGE_SELF, &b);
	send_msg(rep, M_TIMES,
		 (int)((tv_ms(b.ru_utime) - tv_ms(a.ru_utime)) * 1000),
		 (int)((tv_ms(b.ru_stime) - tv_ms(a.ru_stime)) * 1000),
		 (int)(calls / 1000));
}

static const char *demo_user_system(struct ml_result *res)
{
	const char *name[2] = { "compute", "syscall" };
	long tck = sysconf(_SC_CLK_TCK);
	struct chan rep = { -1, -1 }, go = { -1, -1 };
	double share[2][2] = { { 0, 0 }, { 0, 0 } };
	struct pstat a, b;
	struct msg m;
	pid_t pid;
	const char *why = NULL;

	if (open_chan(&rep) || open_chan(&go)) {
		close_chan(&rep);
		close_chan(&go);
		return "pipe failed";
	}
	pid = new_child("modelab-usrsys", true);
	if (pid == 0) {
		close(rep.r);
		close(go.w);
		for (int k = 0; k < 2; k++) {
			if (!child_wait(go.r))
				_exit(1);
			timed_loop(rep.w, k == 1, 300);
		}
		child_wait(go.r);
		_exit(0);
	}
	close_fd(&rep.w);
	close_fd(&go.r);
	for (int k = 0; k < 2 && !why; k++) {
		char key[32], label[80];
		double u, s, pu, psys;

		if (read_stat(pid, &a)) {
			why = "the child is gone";
			break;
		}
		poke(go.w);
		if (!get_msg(rep.r, M_TIMES, &m) || read_stat(pid, &b)) {
			why = "the child did not report its times";
			break;
		}
		u = m.v[0] / 1e3;
		s = m.v[1] / 1e3;
		pu = (double)(b.utime - a.utime) * 1e3 / (double)tck;
		psys = (double)(b.stime - a.stime) * 1e3 / (double)tck;
		share[k][0] = u + s > 0 ? s / (u + s) : 0;
		share[k][1] = pu + psys > 0 ? psys / (pu + psys) : 0;
		ml_result_note(res,
			       "%s loop, 300 ms%s: getrusage user %.0f ms, system %.0f ms (%.0f%% kernel); /proc/%d/stat utime %.0f ms, stime %.0f ms (%.0f%% kernel)",
			       name[k],
			       k ? " of getppid()" : " of multiply-adds",
			       u, s, 100 * share[k][0], (int)pid, pu, psys,
			       100 * share[k][1]);
		snprintf(key, sizeof(key), "%s_user_ms", name[k]);
		snprintf(label, sizeof(label), "%s: user time, getrusage (ms)",
			 name[k]);
		ml_result_extra(res, key, label, u);
		snprintf(key, sizeof(key), "%s_sys_ms", name[k]);
		snprintf(label, sizeof(label),
			 "%s: system time, getrusage (ms)", name[k]);
		ml_result_extra(res, key, label, s);
		snprintf(key, sizeof(key), "%s_sys_share", name[k]);
		snprintf(label, sizeof(label), "%s: kernel share, getrusage",
			 name[k]);
		ml_result_extra(res, key, label, share[k][0]);
		snprintf(key, sizeof(key), "%s_proc_sys_share", name[k]);
		snprintf(label, sizeof(label),
			 "%s: kernel share, /proc/PID/stat", name[k]);
		ml_result_extra(res, key, label, share[k][1]);
		if (k)
			ml_result_extra(res, "syscalls", "getppid calls made",
					m.v[2] * 1000.0);
	}
	close_chan(&go);	/* EOF: the child exits */
	close_chan(&rep);
	if (reap(pid, NULL, 0) != pid && !why)
		why = "the child did not exit";
	if (why)
		return why;
	ml_result_extra(res, "clk_tck", "clock ticks per second of /proc", tck);
	ml_result_note(res,
		       "/proc counts in ticks of 1/%ld s, sampled: the kernel charges each tick to the mode it interrupted",
		       tck);
	/*
	 * Shares of sampled time are timings: a busy machine or a sanitizer
	 * can move them.  The lesson's claims are reported, held or not;
	 * what the demonstration checks is that both witnesses answered.
	 */
	ml_result_note(res,
		       "claim: a pure computation spends under 10%% of its time in the kernel: %s",
		       share[0][0] < 0.1 && share[0][1] < 0.1 ? "held" :
								"not held");
	ml_result_note(res,
		       "claim: a null-syscall loop spends over half its time in the kernel: %s",
		       share[1][0] > 0.5 && share[1][1] > 0.5 ? "held" :
								"not held");
	ml_result_extra(res, "compute_claim_held", "claim held: computation",
			share[0][0] < 0.1 && share[0][1] < 0.1);
	ml_result_extra(res, "syscall_claim_held", "claim held: syscall loop",
			share[1][0] > 0.5 && share[1][1] > 0.5);
	return NULL;
}

static const struct ml_figure figures[] = {
	{ .name = "fork-wait-1m",
	  .what = "fork + waitpid, parent holding 1 MiB touched",
	  .run = run_fork_wait, .setup = setup_fork_1m,
	  .teardown = teardown_costs, .prepare = prepare_count,
	  .verify = verify_count, .witness_ops = 200 },
	{ .name = "fork-wait-100m",
	  .what = "fork + waitpid, parent holding 100 MiB touched",
	  .run = run_fork_wait, .setup = setup_fork_100m,
	  .teardown = teardown_costs, .prepare = prepare_count,
	  .verify = verify_count, .max_batch = 4, .witness_ops = 20 },
	{ .name = "fork-wait-1g",
	  .what = "fork + waitpid, parent holding 1 GiB touched",
	  .run = run_fork_wait, .setup = setup_fork_1g,
	  .teardown = teardown_costs, .prepare = prepare_count,
	  .verify = verify_count, .max_batch = 1, .witness_ops = 2 },
	{ .name = "vfork", .what = "vfork + _exit + waitpid: no mm copied",
	  .run = run_vfork, .setup = setup_costs, .teardown = teardown_costs,
	  .prepare = prepare_count, .verify = verify_count,
	  .witness_ops = 1000 },
	{ .name = "posix-spawn",
	  .what = "posix_spawn of modelab-exit0 (static, exits at once) + waitpid",
	  .run = run_posix_spawn, .setup = setup_exec,
	  .teardown = teardown_costs, .prepare = prepare_count,
	  .verify = verify_count, .witness_ops = 200 },
	{ .name = "thread-create",
	  .what = "pthread_create of an empty thread + pthread_join",
	  .run = run_thread_create, .setup = setup_costs,
	  .teardown = teardown_costs, .prepare = prepare_count,
	  .verify = verify_count, .witness_ops = 1000 },
	{ .name = "fork-exec",
	  .what = "fork + execve of modelab-exit0 (static, exits at once) + waitpid",
	  .run = run_fork_exec, .setup = setup_exec,
	  .teardown = teardown_costs, .prepare = prepare_count,
	  .verify = verify_count, .witness_ops = 200 },
	{ .name = "zombie",
	  .what = "an unwaited child: Z, SIGKILL-proof, reaped; none when ignored",
	  .demonstrate = demo_zombie, .setup = setup_reaper_demo,
	  .teardown = teardown_demo },
	{ .name = "orphan",
	  .what = "the parent exits first: the child goes to the subreaper or init",
	  .demonstrate = demo_orphan, .setup = setup_reaper_demo,
	  .teardown = teardown_demo },
	{ .name = "daemon",
	  .what = "the classic daemon, each property read from /proc",
	  .demonstrate = demo_daemon, .setup = setup_daemon,
	  .teardown = teardown_demo },
	{ .name = "wait",
	  .what = "wait at once or blocking; exact statuses of exit, signal, stop, continue",
	  .demonstrate = demo_wait, .setup = setup_demo,
	  .teardown = teardown_demo },
	{ .name = "user-system-time",
	  .what = "user and kernel share of a computation and of a syscall loop",
	  .demonstrate = demo_user_system, .setup = setup_demo,
	  .teardown = teardown_demo },
};

const struct ml_probe ml_probe_process = {
	.name = "process",
	.summary = "fork, exec, threads; zombies, orphans, daemons, wait, CPU time",
	.figures = figures,
	.nfigures = ML_ARRAY_SIZE(figures),
	.order = 50,
};

ML_PROBE_MAIN(ml_probe_process)
