// SPDX-License-Identifier: GPL-2.0
/*
 * probes/process/wait.c - the wait demonstration: exact statuses for
 * exit, signal, stop and continue, and WNOHANG showing what would block.
 * Checks the notes' claim of what wait() reports and when it blocks.
 * The children are ml_child_fork's (through new_child), but the waits
 * the lesson is about stay raw waitpid() calls: a reap among them is then
 * told to child.c with ml_child_forget.
 */
#define _GNU_SOURCE
#include "process.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A child that blocks until modelab writes (then sleeps ms, exits 0). */
static pid_t waiting_child(struct chan *c, long ms)
{
	pid_t pid;

	if (open_chan(c))
		return -1;
	pid = new_child("modelab-wait");
	if (pid == 0) {
		struct timespec t = { ms / 1000, ms % 1000 * 1000000 };

		close(c->w);
		if (proc_child_wait(c->r) && ms)
			nanosleep(&t, NULL);
		_exit(0);
	}
	proc_close_fd(&c->r);
	return pid;
}

const char *demo_wait(struct ml_result *res)
{
	struct chan c = { -1, -1 };
	siginfo_t si;
	uint64_t t0, t1;
	pid_t pid, r;
	int st;
	char s;
	const char *why = NULL;

	/* a child that has already exited: no need to block */
	pid = new_child("modelab-wait");
	if (pid == 0)
		_exit(42);
	if (pid < 0 || waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT))
		return "fork or waitid failed";
	t0 = ml_monotonic_ns();
	r = waitpid(pid, &st, WNOHANG);
	t1 = ml_monotonic_ns();
	ml_child_forget(pid);
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
	proc_poke(c.w);	/* it sleeps 20 ms from here, then exits */
	if (r != 0 || waitpid(pid, &st, 0) != pid || st) {
		ml_child_reap(pid, 0, NULL);	/* killed if live; forgotten */
		why = "waitpid on a running child did not block until its exit";
		goto out;
	}
	t1 = ml_monotonic_ns();
	ml_child_forget(pid);
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
	if (pid < 0 || kill(pid, SIGTERM) ||
	    ml_child_reap(pid, DEADLINE_S, &st)) {
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
	/* it is stopped (T): the report is there or on its way */
	if (s != 'T' || r != 0 || waitpid(pid, &st, WUNTRACED) != pid ||
	    !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP) {
		why = "the stop was not reported with WUNTRACED only";
		goto out;
	}
	ml_result_note(res,
		       "SIGSTOP: /proc state %c; waitpid without WUNTRACED reports nothing (%d); with it, status 0x%04x: WIFSTOPPED, WSTOPSIG %d",
		       s, (int)r, st, WSTOPSIG(st));
	ml_result_extra(res, "stop_status_raw", "raw status of a stop (0x137f)",
			st);
	proc_hold("wait");
	kill(pid, SIGCONT);	/* which records the continue at once */
	if (waitpid(pid, &st, WCONTINUED) != pid || !WIFCONTINUED(st)) {
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
	if (ml_child_reap(pid, DEADLINE_S, &st) || st)
		why = "the continued child did not exit 0";
	return why;
out:
	close_chan(&c);
	return why;
}
