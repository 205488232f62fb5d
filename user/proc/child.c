// SPDX-License-Identifier: GPL-2.0
/*
 * child.c - the children and threads probes start, in one place.
 *
 * Every child is registered, so that an interrupted run (cleanup.c) can
 * kill and reap each one, and every wait has a deadline: a child that
 * hangs is killed, never waited for forever.  A child starts with the
 * default action for the signals cleanup.c catches and, when asked, is
 * pinned to a CPU (ml_other_cpu() names "the other one").  A process
 * that is a subreaper may also register a grandchild it was told of
 * (ml_children_adopt): killed with the children, and reaped once its
 * parent is dead and it has come to us.
 */
#define _GNU_SOURCE
#include "measure/measuring.h"
#include "measure/machine.h"
#include "proc/proc.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHILD_MAX 64

/*
 * owner: the process that started it; only that one kills or reaps it.
 * adopted: a grandchild, reaped after the children (whose deaths make it
 * ours) and only if it is ours by then.
 */
static struct {
	volatile pid_t pid;
	volatile pid_t owner;
	volatile sig_atomic_t adopted;
	volatile sig_atomic_t polite;	/* SIGTERM first (a later process) */
} children[CHILD_MAX];

#define POLITE_WAIT_MS 3000	/* for a polite child to clean up */

static void enrol(pid_t pid, bool adopted)
{
	for (size_t i = 0; i < CHILD_MAX; i++) {
		if (children[i].pid > 0)
			continue;
		children[i].owner = getpid();
		children[i].adopted = adopted;
		children[i].polite = false;
		children[i].pid = pid;
		return;
	}
	/* full: the child is still reaped by ml_child_reap, not on Ctrl-C */
}

static void forget(pid_t pid)
{
	for (size_t i = 0; i < CHILD_MAX; i++)
		if (children[i].pid == pid)
			children[i].pid = 0;
}

/* In the new child: nothing of the parent's to kill, default signals. */
static void become_child(int cpu)
{
	for (size_t i = 0; i < CHILD_MAX; i++)
		children[i].pid = 0;
	ml_cleanup_in_child();
	if (cpu >= 0 && ml_pin_cpu(cpu) < 0) {
		static const char msg[] = "modelab: cannot pin a child\n";

		if (write(STDERR_FILENO, msg, sizeof(msg) - 1))
			_exit(126);
		_exit(126);
	}
}

/*
 * The cleanup signals stay blocked from fork() to enrol(): one that came
 * in between (fork of a big process takes milliseconds, longer under
 * ASan) ran the handler before the child was on the list, and the child
 * outlived the run unreaped.  Blocked, it waits until the child is known.
 * In the child they are unblocked once their handlers are the defaults.
 */
pid_t ml_child_fork(int cpu)
{
	pid_t pid;

	ml_cleanup_hold();
	pid = fork();
	if (pid == 0)
		become_child(cpu);
	else if (pid > 0)
		enrol(pid, false);
	ml_cleanup_release();
	return pid;
}

void ml_children_adopt(pid_t pid)
{
	if (pid > 0)
		enrol(pid, true);
}

void ml_child_forget(pid_t pid)
{
	forget(pid);
}

void ml_child_polite(pid_t pid)
{
	for (size_t i = 0; i < CHILD_MAX; i++)
		if (children[i].pid == pid)
			children[i].polite = true;
}

/*
 * SIGTERM to the polite children (a later process of the run, which then
 * removes its own scratch objects and kills its own children), and up to
 * POLITE_WAIT_MS for them to end; async-signal-safe.
 */
static void ask_politely(pid_t me)
{
	const struct timespec ms10 = { 0, 10000000 };
	bool waiting = false;

	for (size_t i = 0; i < CHILD_MAX; i++)
		if (children[i].pid > 0 && children[i].owner == me &&
		    children[i].polite)
			waiting |= kill(children[i].pid, SIGTERM) == 0;
	for (int t = 0; waiting && t < POLITE_WAIT_MS / 10; t++) {
		waiting = false;
		for (size_t i = 0; i < CHILD_MAX; i++) {
			pid_t pid = children[i].pid;

			if (pid <= 0 || children[i].owner != me ||
			    !children[i].polite)
				continue;
			if (waitpid(pid, NULL, WNOHANG) == 0)
				waiting = true;
			else
				children[i].pid = 0;
		}
		if (waiting)
			nanosleep(&ms10, NULL);
	}
}

pid_t ml_child_spawn_helper(const char *helper, char *const argv[], int cpu)
{
	pid_t pid;

	/* also links selfexec.o, whose constructor runs the helper */
	if (!ml_helper_find(helper)) {
		errno = ENOENT;
		return -1;
	}
	if (access("/proc/self/exe", X_OK))
		return -1;
	pid = ml_child_fork(cpu);
	if (pid == 0) {
		if (setenv(ML_HELPER_ENV, helper, 1) == 0)
			execv("/proc/self/exe", argv);
		_exit(127);
	}
	return pid;
}

/*
 * Waits until pid may have ended or ms have passed: on a pidfd, which
 * becomes readable the moment the child exits (Linux 5.3), else asleep.
 */
static void await_exit(int pidfd, long ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (pidfd < 0 || poll(&p, 1, (int)ms) < 0)
		nanosleep(&ts, NULL);
}

int ml_child_reap(pid_t pid, double timeout_s, int *status)
{
	uint64_t deadline = ml_monotonic_ns() + (uint64_t)(timeout_s * 1e9);
	int pidfd = -2;	/* opened only if the child is still running */
	long nap = 1;
	int st = 0, rc = 0;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &st, timeout_s < 0 ? 0 : WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			rc = -1;
			break;
		}
		if (r == 0 && ml_monotonic_ns() >= deadline) {
			kill(pid, SIGKILL);	/* the watchdog */
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			rc = 1;
			break;
		}
		if (r == 0) {
			if (pidfd == -2)	/* -1 after: naps instead */
				pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
			await_exit(pidfd, nap);
			nap = nap < 10 ? nap * 2 : 10;
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	forget(pid);
	if (status && rc >= 0)
		*status = st;
	return rc;
}

int ml_child_poll(pid_t pid, int *status)
{
	int st = 0;
	pid_t r;

	do
		r = waitpid(pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return 0;
	forget(pid);	/* reaped, or not ours to wait for */
	if (r < 0)
		return -1;
	if (status)
		*status = st;
	return 1;
}

void ml_children_kill_all(void)
{
	pid_t me = getpid();
	int saved = errno;

	ask_politely(me);
	for (size_t i = 0; i < CHILD_MAX; i++)
		if (children[i].pid > 0 && children[i].owner == me)
			kill(children[i].pid, SIGKILL);
	/* children first: their deaths hand the adopted ones to us */
	for (int adopted = 0; adopted <= 1; adopted++) {
		for (size_t i = 0; i < CHILD_MAX; i++) {
			pid_t pid = children[i].pid;

			if (pid <= 0 || children[i].owner != me ||
			    children[i].adopted != adopted)
				continue;
			/* an adopted one not ours: ECHILD, nothing to reap */
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			children[i].pid = 0;
		}
	}
	errno = saved;
}

int ml_thread_start(pthread_t *t, void *(*fn)(void *), void *arg, int cpu)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int rc;

	if (cpu < 0)
		return pthread_create(t, NULL, fn, arg);
	if (cpu >= CPU_SETSIZE)
		return EINVAL;
	rc = pthread_attr_init(&attr);
	if (rc)
		return rc;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	rc = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	if (!rc)
		rc = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return rc;
}
