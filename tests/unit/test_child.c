// SPDX-License-Identifier: GPL-2.0
/*
 * test_child.c - child.c's promise to an interrupted run: every child
 * ml_child_fork made is killed and reaped by the cleanup handler, even
 * when the signal comes while fork() is still running.
 *
 * A signal that arrives during fork() is delivered the moment fork()
 * returns in the parent.  pthread_atfork's parent handler runs at that
 * very point, so raising SIGINT there is that signal, made certain.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc/proc.h"

static void sigint_as_fork_returns(void)
{
	raise(SIGINT);
}

/*
 * A run (a child of the test) installs the cleanup and forks one child,
 * which waits for its parent's death; SIGINT comes as fork() returns.
 * The run must die by SIGINT, and its child with it.  The test is a
 * subreaper, so a child the run left behind comes to us, and waitpid
 * sees it.
 */
static void sigint_during_fork_still_kills_the_child(void **state)
{
	pid_t run, run_pid = 0, left;
	int status;

	(void)state;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1)) {
		/* qemu-user (make test-cross) does not pass it on */
		print_message("SKIP: no PR_SET_CHILD_SUBREAPER here (%s)\n",
			      strerror(errno));
		skip();
	}
	run = fork();
	assert_true(run >= 0);
	if (run == 0) {
		run_pid = getpid();
		/* a background job starts with SIGINT ignored, and the
		 * cleanup leaves an ignored signal alone */
		signal(SIGINT, SIG_DFL);
		ml_cleanup_install(false);
		pthread_atfork(NULL, sigint_as_fork_returns, NULL);
		if (ml_child_fork(-1) == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() == run_pid)
				for (;;)
					pause();
			_exit(0);
		}
		_exit(0);	/* the SIGINT did not end us */
	}
	assert_int_equal(waitpid(run, &status, 0), run);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGINT);
	/* reaped by the run's handler, we have no child left; one the run
	 * left behind comes to us when its parent-death signal kills it */
	left = waitpid(-1, &status, 0);
	assert_int_equal(left, -1);
	assert_int_equal(errno, ECHILD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sigint_during_fork_still_kills_the_child),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
