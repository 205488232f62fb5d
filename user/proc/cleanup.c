// SPDX-License-Identifier: GPL-2.0
/*
 * cleanup.c - what an interrupted run puts right, in one place.
 *
 * ml_main() installs one handler for SIGINT, SIGTERM and SIGHUP and one
 * atexit hook before any probe runs.  Either one kills every registered
 * child (child.c), removes every scratch object (scratch.c) and puts
 * /proc/modelab back as it was found: the pid it watched, counting on or
 * off.  A signal is then raised again with its default action, so the
 * exit status still names it (130 for SIGINT).  Everything here runs in a
 * signal handler: only async-signal-safe calls, and the module's commands
 * are formatted when the handler is installed.
 */
#define _GNU_SOURCE
#include "util/util.h"
#include "measure/machine.h"
#include "proc/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const int caught[] = { SIGINT, SIGTERM, SIGHUP };

static volatile pid_t installer;	/* 0: not installed */
static bool restore_kernel;
static char cmd_watch[32], cmd_count[16];

static void kernel_command(const char *cmd)
{
	int fd = open(ML_PROC_MODELAB, O_WRONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return;
	r = write(fd, cmd, strlen(cmd));	/* on failure: nothing to do */
	(void)r;
	close(fd);
}

/* Async-signal-safe; only in the process that installed it. */
static void clean_up(void)
{
	int saved = errno;

	if (installer != getpid())
		return;
	ml_children_kill_all();
	ml_scratch_remove_all();
	if (restore_kernel) {
		kernel_command(cmd_watch);
		kernel_command(cmd_count);
	}
	errno = saved;
}

static void on_signal(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t set;

	clean_up();
	installer = 0;		/* once */
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
}

void ml_cleanup_install(bool kernel)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct ml_kcounts k;

	if (installer)
		return;
	restore_kernel = false;
	if (kernel && ml_kernel_read(&k) == 0) {
		if (k.watched_pid > 0 && !k.watched_exited)
			snprintf(cmd_watch, sizeof(cmd_watch), "watch %d",
				 k.watched_pid);
		else
			snprintf(cmd_watch, sizeof(cmd_watch), "watch off");
		snprintf(cmd_count, sizeof(cmd_count), "count %s",
			 k.counting ? "on" : "off");
		restore_kernel = true;
	}
	installer = getpid();
	atexit(clean_up);
	sigfillset(&sa.sa_mask);	/* one handler at a time */
	for (size_t i = 0; i < ML_ARRAY_SIZE(caught); i++) {
		struct sigaction old;

		/* an ignored signal stays ignored (nohup, a background job) */
		if (sigaction(caught[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(caught[i], &sa, NULL);
	}
}

/* the mask before ml_cleanup_hold(), per thread (a fork copies it) */
static _Thread_local sigset_t held_from;

void ml_cleanup_hold(void)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ML_ARRAY_SIZE(caught); i++)
		sigaddset(&set, caught[i]);
	pthread_sigmask(SIG_BLOCK, &set, &held_from);
}

void ml_cleanup_release(void)
{
	pthread_sigmask(SIG_SETMASK, &held_from, NULL);
}

void ml_cleanup_in_child(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;

	sigemptyset(&dfl.sa_mask);
	for (size_t i = 0; i < ML_ARRAY_SIZE(caught); i++)
		if (sigaction(caught[i], NULL, &old) == 0 &&
		    old.sa_handler == on_signal)
			sigaction(caught[i], &dfl, NULL);
}
