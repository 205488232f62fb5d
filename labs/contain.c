// SPDX-License-Identifier: GPL-2.0
/*
 * contain.c - how a grader runs a student's code: every check in a box
 * that nothing outlives.
 *
 *	contain [-t SECONDS] [-m MIB] [-n NPROC] [-u UID | -k UID] [-p]
 *		[-r FILE] -- CMD...
 *	contain -x [-m MIB] [-n NPROC] [-u UID] -- CMD...
 *
 * CMD runs in a session and process group of its own, with a wall-clock
 * limit (-t, default 60 s), an address-space limit per process (-m MiB,
 * RLIMIT_AS; 0: none), a process limit (-n, RLIMIT_NPROC: it binds a uid
 * that is not root), no core files and files of at most 1 GiB.  -u runs it
 * as UID (gid UID, no groups; for root only): a uid no other process
 * uses, so that at the end "every process of UID" is exactly what the
 * check started.  -k UID leaves CMD as it is (the grader's own judge, as
 * root) but kills every process of UID at the end: what CMD started as
 * UID with `contain -x -u UID -- PROGRAM`, which sets the limits, becomes
 * UID and runs PROGRAM in place (no box of its own: the outer one holds
 * it).  -p gives CMD's session a pseudo-terminal as its
 * controlling terminal, on CMD's standard input (a daemon that keeps it is
 * seen keeping it).
 *
 * contain is a child subreaper (PR_SET_CHILD_SUBREAPER): a process that
 * leaves its parent, with setsid() and a double fork as a daemon does,
 * is adopted by contain, not by init.  When CMD ends, or its time is up,
 * contain kills (SIGKILL) its process group, its session, every process
 * contain adopted, and with -u every process of UID, again and again until
 * none is left: nothing CMD started outlives the check.
 *
 * Exit status: CMD's (128 + the signal when killed), 124 when its time was
 * up.  -r FILE gets one line "timed_out T left L maxrss_kib M": T 0 or 1,
 * L how many processes were still running when CMD ended or timed out
 * (CMD itself not counted), M the largest resident set of the processes
 * contain reaped.  contain's own errors: status 125 and a line on stderr.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t me;
static pid_t main_pid;		/* CMD; its session and group id too */
static long uid = -1;		/* -u or -k: killed at the end */

static void die(const char *what)
{
	fprintf(stderr, "contain: %s: %s\n", what, strerror(errno));
	exit(125);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* stat_of PID: its parent, session and uid, from /proc; false when gone
 * or a zombie (nothing left to kill: its parent reaps it) */
static bool stat_of(pid_t pid, pid_t *ppid, pid_t *sid, long *owner)
{
	char state = 'Z';
	char path[64], buf[1024], *p;
	FILE *f;
	bool ok = false;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = (int)fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* the command may hold spaces and ')' */
	if (p && sscanf(p + 2, "%c %d %*d %d", &state, ppid, sid) == 3)
		ok = state != 'Z';
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	*owner = -1;
	f = fopen(path, "r");
	if (f) {
		while (fgets(buf, sizeof(buf), f))
			if (sscanf(buf, "Uid: %ld", owner) == 1)
				break;
		fclose(f);
	}
	return ok;
}

/* ours PID: the process belongs to the check (CMD aside) */
static bool ours(pid_t pid)
{
	pid_t ppid, sid;
	long owner;

	if (pid <= 1 || pid == me || pid == main_pid ||
	    !stat_of(pid, &ppid, &sid, &owner))
		return false;
	return ppid == me || sid == main_pid || (uid >= 0 && owner == uid);
}

/* left_running: how many processes of the check run beside CMD */
static int left_running(void)
{
	struct dirent *d;
	DIR *proc = opendir("/proc");
	int n = 0;

	if (!proc)
		return 0;
	while ((d = readdir(proc)))
		n += ours((pid_t)atoi(d->d_name));
	closedir(proc);
	return n;
}

/*
 * One sweep: SIGKILL to everything that belongs to the check.  Returns how
 * many processes it found.
 */
static int sweep(void)
{
	struct dirent *d;
	DIR *proc;
	int found = 0;

	kill(-main_pid, SIGKILL);	/* the group (it never came back) */
	if (uid >= 0) {
		pid_t k = fork();

		if (k == 0) {		/* as UID: every process of UID */
			if (setgid((gid_t)uid) || setuid((uid_t)uid))
				_exit(1);
			kill(-1, SIGKILL);
			_exit(0);
		}
		if (k > 0)
			waitpid(k, NULL, 0);
	}
	proc = opendir("/proc");
	if (!proc)
		return 0;
	while ((d = readdir(proc))) {
		pid_t pid = (pid_t)atoi(d->d_name);

		if (ours(pid)) {
			found++;
			kill(pid, SIGKILL);
		}
	}
	closedir(proc);
	return found;
}

/* reap: every child that ended; CMD's status into *status */
static void reap(int *status, bool *main_done, long *maxrss)
{
	struct rusage ru;
	pid_t p;
	int st;

	while ((p = wait4(-1, &st, WNOHANG, &ru)) > 0) {
		if (ru.ru_maxrss > *maxrss)
			*maxrss = ru.ru_maxrss;
		if (p == main_pid) {
			*status = st;
			*main_done = true;
		}
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: contain [-t SECONDS] [-m MIB] [-n NPROC] [-u UID | -k UID] [-p]\n"
		"               [-r FILE] -- CMD...\n"
		"       contain -x [-m MIB] [-n NPROC] [-u UID] -- CMD...\n");
	exit(125);
}

static void limit(int resource, rlim_t value)
{
	struct rlimit rl = { value, value };

	if (setrlimit(resource, &rl))
		die("setrlimit");
}

/* become: the limits, then UID (when set), then CMD in place */
static void become(long mib, long nproc, long as_uid, char **cmd)
{
	if (mib)
		limit(RLIMIT_AS, (rlim_t)mib << 20);
	if (nproc)
		limit(RLIMIT_NPROC, (rlim_t)nproc);
	limit(RLIMIT_CORE, 0);
	limit(RLIMIT_FSIZE, (rlim_t)1 << 30);
	if (as_uid >= 0 && (setgroups(0, NULL) || setgid((gid_t)as_uid) ||
			    setuid((uid_t)as_uid)))
		die("switching to the check's uid");
	execvp(cmd[0], cmd);
	fprintf(stderr, "contain: cannot run %s: %s\n", cmd[0], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	double seconds = 60, deadline;
	long mib = 0, nproc = 0, maxrss = 0;
	const char *report = NULL;
	bool pty = false, main_done = false, timed_out = false, in_place = false;
	long as_uid = -1;
	int opt, status = 0, master = -1, left = 0;
	sigset_t chld;
	char *end;

	while ((opt = getopt(argc, argv, "+t:m:n:u:k:pr:x")) != -1) {
		switch (opt) {
		case 't':
			seconds = strtod(optarg, &end);
			if (*end || seconds <= 0)
				usage();
			break;
		case 'm':
			mib = strtol(optarg, &end, 10);
			if (*end || mib < 0)
				usage();
			break;
		case 'n':
			nproc = strtol(optarg, &end, 10);
			if (*end || nproc < 0)
				usage();
			break;
		case 'u':
		case 'k':
			uid = strtol(optarg, &end, 10);
			if (*end || uid <= 0)
				usage();
			if (opt == 'u')
				as_uid = uid;
			break;
		case 'x':
			in_place = true;
			break;
		case 'p':
			pty = true;
			break;
		case 'r':
			report = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	if (in_place)
		become(mib, nproc, as_uid, argv + optind);
	me = getpid();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		die("PR_SET_CHILD_SUBREAPER");
	/* SIGCHLD waited for, never delivered; a grader's SIGTERM ends the box */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigaddset(&chld, SIGTERM);
	sigaddset(&chld, SIGINT);
	sigaddset(&chld, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &chld, NULL))
		die("sigprocmask");
	if (pty) {	/* none to be had (a container without /dev/pts): go on without */
		master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (master < 0 || grantpt(master) || unlockpt(master)) {
			fprintf(stderr, "contain: no pseudo-terminal (%s): CMD has no terminal\n",
				strerror(errno));
			if (master >= 0)
				close(master);
			master = -1;
			pty = false;
		}
	}
	fflush(NULL);
	main_pid = fork();
	if (main_pid < 0)
		die("fork");
	if (main_pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (setsid() < 0)
			die("setsid");
		if (pty) {
			int slave = open(ptsname(master), O_RDWR);

			if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) ||
			    dup2(slave, 0) != 0)
				die("the controlling terminal");
			if (slave != 0)
				close(slave);
		}
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		become(mib, nproc, as_uid, argv + optind);
	}
	deadline = now() + seconds;
	while (!main_done) {
		double left_s = deadline - now();
		struct timespec ts;
		int sig;

		if (left_s <= 0) {
			timed_out = true;
			break;
		}
		ts.tv_sec = (time_t)left_s;
		ts.tv_nsec = (long)((left_s - (double)ts.tv_sec) * 1e9);
		sig = sigtimedwait(&chld, NULL, &ts);
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
			timed_out = true;	/* ended from outside: the same */
			break;
		}
		reap(&status, &main_done, &maxrss);
	}
	/* what is still running now was left behind (or CMD itself) */
	reap(&status, &main_done, &maxrss);
	left = left_running();
	for (int round = 0; round < 1000; round++) {
		int found = sweep();

		reap(&status, &main_done, &maxrss);
		if (!found && main_done && waitpid(-1, NULL, WNOHANG) < 0 &&
		    errno == ECHILD)
			break;
		usleep(round < 10 ? 1000 : 10000);
	}
	if (master >= 0)
		close(master);
	if (report) {
		FILE *f = fopen(report, "w");

		if (f) {
			fprintf(f, "timed_out %d left %d maxrss_kib %ld\n",
				timed_out, left, maxrss);
			fclose(f);
		}
	}
	if (timed_out)
		return 124;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
