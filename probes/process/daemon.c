// SPDX-License-Identifier: GPL-2.0
/*
 * probes/process/daemon.c - the classic daemon (fork, setsid, fork,
 * chdir /, umask 0, descriptors closed, stdio on /dev/null), each property
 * read back from /proc; it logs to a file and stops on SIGTERM.  Checks
 * the notes' account of what each step of daemonizing changes.
 */
#define _GNU_SOURCE
#include "process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DAEMON_LIFE_S 60	/* a daemon nobody stops stops itself */

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
	fd = open(proc_log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		  0666);
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
		if (ml_read_file(proc_log_path, buf, sizeof(buf)) > 0 &&
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

	if (proc_read_stat(d, &ps))
		return "the daemon is gone";
	snprintf(line, sizeof(line), "/proc/%d/cwd", (int)d);
	n = readlink(line, cwd, sizeof(cwd) - 1);
	cwd[n > 0 ? n : 0] = '\0';
	proc_status_line(d, "Umask:", umask_s, sizeof(umask_s));
	um = strtol(umask_s, NULL, 8);
	if (log_has("started", line, sizeof(line))) {
		char *t = strstr(line, "tty_errno=");

		if (t)
			tty_errno = atoi(t + 10);
	}
	/*
	 * Counted once it has said "started", and again for a moment: the
	 * line is in the log before the daemon closes the log's descriptor.
	 */
	for (uint64_t end = ml_monotonic_ns() + DEADLINE_MS * 1000000ull;;) {
		const struct timespec ms = { 0, 1000000 };

		fds = count_fds(d, &devnull);
		if ((fds == 3 && devnull == 3) || ml_monotonic_ns() >= end)
			break;
		nanosleep(&ms, NULL);
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
	if (!stat(proc_log_path, &st))
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
	if (stat(proc_log_path, &st) || (st.st_mode & 0777) != 0666)
		return "the daemon's log was not created 0666";
	return NULL;
}

const char *demo_daemon(struct ml_result *res)
{
	struct chan rep = { -1, -1 }, go = { -1, -1 };
	struct pstat ps;
	struct msg m;
	sigset_t block, old;
	pid_t leader, d = -1;
	int status;
	char line[256];
	const char *why = NULL;

	if (open_chan(&rep) || open_chan(&go)) {
		why = "pipe failed";
		goto out;
	}
	leader = new_child("modelab-dsetsid");
	if (leader == 0) {
		pid_t p;

		close(rep.r);
		close(go.w);
		if (setsid() < 0)
			_exit(1);
		proc_send_msg(rep.w, M_LEADER, (int)getpid(), (int)getsid(0),
			      0);
		if (!proc_child_wait(go.r))
			_exit(1);
		p = fork();	/* raw: the double fork is the lesson */
		if (p == 0)
			daemon_main();
		proc_send_msg(rep.w, M_DAEMON, p, 0, 0);
		_exit(p < 0);
	}
	proc_close_fd(&rep.w);
	proc_close_fd(&go.r);
	if (leader < 0 || !proc_get_msg(rep.r, M_LEADER, &m) ||
	    proc_read_stat(leader, &ps)) {
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
	/*
	 * The daemon outlives its parent and ignores EOF: until modelab has
	 * adopted it, an interruption would not know it.  So SIGINT, SIGTERM
	 * and SIGHUP wait (a moment) until then.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	proc_poke(go.w);
	if (proc_get_msg(rep.r, M_DAEMON, &m) && m.v[0] > 0)
		ml_children_adopt(d = m.v[0]);	/* ours when the leader exits */
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (d <= 0) {
		why = "the second fork did not happen";
		goto out;
	}
	if (ml_child_reap(leader, DEADLINE_S, &status) || status) {
		why = "the session leader did not exit";
		goto out;
	}
	/* EOF: the daemon has closed every descriptor, our pipe's too */
	if (!proc_get_eof(rep.r) || !log_has("started", line, sizeof(line))) {
		why = "the daemon did not start (no EOF, or no log line)";
		goto out;
	}
	ml_result_note(res,
		       "it forks again and exits: the grandchild %d does chdir(\"/\"), umask(0), closes every descriptor, puts stdio on /dev/null, logs to %s",
		       (int)d, proc_log_path);
	why = check_daemon(res, leader, d);
	if (why)
		goto out;
	proc_hold("daemon");
	kill(d, SIGTERM);
	if (ml_child_reap(d, DEADLINE_S, &status)) {
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
