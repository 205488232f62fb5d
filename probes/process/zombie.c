// SPDX-License-Identifier: GPL-2.0
/*
 * probes/process/zombie.c - the zombie demonstration: a child exits
 * unwaited and stays Z in /proc, SIGKILL-proof, until wait() or its
 * parent's death reaps it; with SIGCHLD ignored or SA_NOCLDWAIT there is
 * none.  Checks the notes' claim that a zombie has already exited: only a
 * wait removes it.
 */
#define _GNU_SOURCE
#include "process.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
	/* raw, and never adopted: the lesson is what this parent's SIGCHLD
	 * disposition does to its own child, which exits at once */
	z = fork();
	if (z == 0) {
		prctl(PR_SET_NAME, "modelab-zombie", 0, 0, 0);
		_exit(5);
	}
	proc_send_msg(rep, M_PID, z, 0, 0);
	if (proc_child_wait(go)) {	/* modelab has looked: now wait once */
		int r = (int)waitpid(-1, NULL, WNOHANG);

		proc_send_msg(rep, M_WAITED, r, r < 0 ? errno : 0, 0);
	}
	proc_child_wait(go);
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
	p = new_child("modelab-zparent");
	if (p == 0) {
		close(rep.r);
		close(go.w);
		lazy_parent(rep.w, go.r, how);
	}
	proc_close_fd(&rep.w);
	proc_close_fd(&go.r);
	if (p < 0 || !proc_get_msg(rep.r, M_PID, &m)) {
		close_chan(&rep);
		close_chan(&go);
		return "the parent of the would-be zombie did not answer";
	}
	z = m.v[0];
	/* its parent never waits; watch it from here until it is gone */
	end = ml_monotonic_ns() + DEADLINE_MS * 1000000ull;
	while ((s = proc_state_of(z)) != '-' && ml_monotonic_ns() < end) {
		seen_z |= s == 'Z';
		nanosleep(&ms, NULL);
	}
	proc_poke(go.w);
	if (!proc_get_msg(rep.r, M_WAITED, &m))
		m.v[0] = m.v[1] = -2;
	close_chan(&go);
	close_chan(&rep);
	ml_child_reap(p, DEADLINE_S, NULL);
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

const char *demo_zombie(struct ml_result *res)
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
	z = new_child("modelab-zombie");
	if (z == 0)
		_exit(7);
	if (z < 0)
		return "fork failed";
	/* WNOWAIT: wait until it has exited, but leave it unreaped */
	if (waitid(P_PID, (id_t)z, &si, WEXITED | WNOWAIT) ||
	    proc_read_stat(z, &ps))
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
			!proc_status_line(z, "VmRSS:", vm, sizeof(vm)));
	ml_result_note(res,
		       "kill(%d, 0) = %d: the PID is still taken; /proc/%d/status has %s VmRSS line: its memory is gone already",
		       (int)z, rc, (int)z,
		       proc_status_line(z, "VmRSS:", vm, sizeof(vm)) ? "no" :
								"a");
	if (rc)
		return "the zombie's PID is not taken";

	/* 2. "kill the zombie" */
	rc = kill(z, SIGKILL);
	ml_result_note(res,
		       "kill(%d, SIGKILL) = %d, and the state is still %c: it is already dead",
		       (int)z, rc, proc_state_of(z));
	ml_result_extra(res, "sigkill_rc", "kill(zombie, SIGKILL) returned",
			rc);
	ml_result_extra(res, "state_after_sigkill",
			"state after SIGKILL ('Z' = 90)", proc_state_of(z));
	if (proc_state_of(z) != 'Z')
		return "SIGKILL changed the zombie's state";

	/* 4 (set up now, so that MODELAB_HOLD sees every kind at once):
	 * a parent that never waits for its zombie child */
	if (open_chan(&rep) || open_chan(&go)) {
		why = "pipe failed";
		goto out;
	}
	mid = new_child("modelab-zparent");
	if (mid == 0) {
		close(rep.r);
		close(go.w);
		z2 = fork();	/* raw: the zombie is mid's, never waited */
		if (z2 == 0) {
			prctl(PR_SET_NAME, "modelab-zombie", 0, 0, 0);
			_exit(5);
		}
		proc_send_msg(rep.w, M_PID, z2, 0, 0);
		proc_child_wait(go.r);
		_exit(0);
	}
	proc_close_fd(&rep.w);
	proc_close_fd(&go.r);
	if (mid < 0 || !proc_get_msg(rep.r, M_PID, &m)) {
		why = "the zombie's parent did not answer";
		goto out;
	}
	z2 = m.v[0];
	ml_children_adopt(z2);	/* ours when mid dies: reaped on Ctrl-C */
	if (await_state(z2, "Z") != 'Z' || proc_read_stat(z2, &ps) ||
	    ps.ppid != mid) {
		why = "the grandchild did not become its parent's zombie";
		goto out;
	}
	proc_hold("zombie");

	/* 3. the parent waits: the zombie is gone */
	if (ml_child_reap(z, DEADLINE_S, &status)) {
		why = "waitpid did not reap the zombie";
		goto out;
	}
	e = kill(z, 0) ? errno : 0;
	ml_result_note(res,
		       "waitpid(%d) returned it with status 0x%04x (exited, code %d: the SIGKILL was never delivered); now /proc/%d is %s and kill(pid, 0) says %s",
		       (int)z, status, WEXITSTATUS(status), (int)z,
		       proc_state_of(z) == '-' ? "gone" : "still there",
		       e == ESRCH ? "ESRCH" : "otherwise");
	ml_result_extra(res, "reaped_exit_status",
			"exit status waitpid collected (7)",
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	ml_result_extra(res, "gone_after_reap",
			"gone from /proc after waitpid (1: yes)",
			proc_state_of(z) == '-');
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 7 ||
	    proc_state_of(z) != '-' || e != ESRCH) {
		why = "the reaped zombie is not gone, or its status changed";
		goto out;
	}

	/* 4. its parent dies: the zombie goes to the subreaper, still Z */
	proc_poke(go.w);
	if (ml_child_reap(mid, DEADLINE_S, &status) || proc_read_stat(z2, &ps)) {
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
	if (ml_child_reap(z2, DEADLINE_S, &status) || proc_state_of(z2) != '-') {
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
