// SPDX-License-Identifier: GPL-2.0
/*
 * probes/process/orphan.c - the orphan demonstration: the parent exits
 * first and the child's ppid changes to the subreaper (modelab) or, in a
 * new PID namespace, to its init.  Checks the notes' claim on who adopts
 * an orphan.
 */
#define _GNU_SOURCE
#include "process.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The orphan's side: report ppid, wait, report it again, wait, exit. */
static void orphan_main(int rep, int cmd)
{
	char self[32] = "";
	ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);

	/* /proc is the host's: /proc/self names us in its numbering */
	proc_send_msg(rep, M_PPID, (int)getppid(),
		 n > 0 ? atoi(self) : (int)getpid(), (int)getpid());
	if (!proc_child_wait(cmd))
		_exit(0);
	proc_send_msg(rep, M_PPID, (int)getppid(), 0, 0);
	proc_child_wait(cmd);
	_exit(0);
}

/* Namespace part: parent P2 dies in a new PID namespace, its init adopts. */
static const char *orphan_in_namespace(struct ml_result *res)
{
	struct chan rep = { -1, -1 }, p2go = { -1, -1 }, cmd = { -1, -1 };
	struct msg m, c;
	pid_t x = -1, init = 0, orphan;
	struct pstat ps;
	char nspid[64] = "";
	const char *why = NULL;

	if (open_chan(&rep) || open_chan(&p2go) || open_chan(&cmd)) {
		why = "pipe failed";
		goto out;
	}
	x = new_child("modelab-nsfork");
	if (x == 0) {
		close(rep.r);
		close(p2go.w);
		close(cmd.w);
		if (unshare(CLONE_NEWPID) &&
		    unshare(CLONE_NEWUSER | CLONE_NEWPID)) {
			proc_send_msg(rep.w, M_NSERR, errno, 0, 0);
			_exit(0);
		}
		/*
		 * Raw forks: the lesson's family tree.  init dies with x
		 * (PDEATHSIG) and modelab adopts it; the rest die with init,
		 * as every process of a PID namespace does.
		 */
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
				proc_child_wait(p2go.r);
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
		proc_send_msg(rep.w, M_NSINIT, init, 0, 0);
		close(rep.w);
		waitpid(init, NULL, 0);
		_exit(0);
	}
	proc_close_fd(&rep.w);
	proc_close_fd(&p2go.r);
	proc_close_fd(&cmd.r);
	/* the creator and the orphan share the pipe: either may come first */
	init = 0;
	c.tag = m.tag = 0;
	while (x > 0 && m.tag != M_NSERR && (!init || !c.tag) &&
	       proc_get(rep.r, &m, sizeof(m))) {
		if (m.tag == M_NSINIT)
			ml_children_adopt(init = m.v[0]);
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
	proc_status_line(orphan, "NSpid:", nspid, sizeof(nspid));
	ml_result_note(res,
		       "in a new PID namespace: orphan %d (NSpid %s) has ppid %d inside",
		       (int)orphan, nspid, c.v[0]);
	ml_result_extra(res, "ns_ppid_before",
			"ppid inside the namespace, before", c.v[0]);
	proc_poke(p2go.w);
	/* its parent is gone when the kernel has moved it to init */
	if (proc_read_stat(orphan, &ps)) {
		why = "the namespace's orphan vanished";
		goto out;
	}
	for (uint64_t end = ml_monotonic_ns() + DEADLINE_MS * 1000000ull;
	     ps.ppid != init && ml_monotonic_ns() < end &&
	     !proc_read_stat(orphan, &ps);) {
		const struct timespec ms = { 0, 1000000 };

		nanosleep(&ms, NULL);
	}
	proc_poke(cmd.w);
	if (!proc_get_msg(rep.r, M_PPID, &c)) {
		why = "the orphan in the namespace did not answer again";
		goto out;
	}
	proc_status_line(init, "NSpid:", nspid, sizeof(nspid));
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
	proc_poke(cmd.w);
out:
	close_chan(&cmd);
	close_chan(&p2go);
	close_chan(&rep);
	if (x > 0 && ml_child_reap(x, DEADLINE_S, NULL))
		why = why ? why : "the namespace did not end";
	if (init > 0)	/* x reaped it (-1: forgotten), or x was killed */
		ml_child_reap(init, DEADLINE_S, NULL);
	return why;
}

const char *demo_orphan(struct ml_result *res)
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
	parent = new_child("modelab-oparent");
	if (parent == 0) {
		pid_t o;

		close(rep.r);
		close(prep.r);
		close(go.w);
		close(cmd.w);
		o = fork();	/* raw, no PDEATHSIG: it must outlive us */
		if (o == 0) {
			prctl(PR_SET_NAME, "modelab-orphan", 0, 0, 0);
			close(go.r);
			orphan_main(rep.w, cmd.r);
		}
		proc_send_msg(prep.w, M_PID, o, 0, 0);
		proc_child_wait(go.r);
		_exit(0);
	}
	proc_close_fd(&rep.w);
	proc_close_fd(&prep.w);
	proc_close_fd(&go.r);
	proc_close_fd(&cmd.r);
	if (parent < 0 || !proc_get_msg(prep.r, M_PID, &m)) {
		why = "the parent or its child did not answer";
		goto out;
	}
	orphan = m.v[0];
	ml_children_adopt(orphan);	/* ours when its parent exits */
	if (!proc_get_msg(rep.r, M_PPID, &c) || proc_read_stat(orphan, &ps)) {
		why = "the parent or its child did not answer";
		goto out;
	}
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
	proc_poke(go.w);
	/* the parent is a zombie only after its children were re-parented */
	if (ml_child_reap(parent, DEADLINE_S, &status) ||
	    proc_read_stat(orphan, &ps)) {
		why = "the parent did not exit";
		goto out;
	}
	proc_hold("orphan");
	proc_poke(cmd.w);
	if (!proc_get_msg(rep.r, M_PPID, &c)) {
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
	proc_poke(cmd.w);
	if (ml_child_reap(orphan, DEADLINE_S, &status)) {
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
