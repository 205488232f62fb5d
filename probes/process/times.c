// SPDX-License-Identifier: GPL-2.0
/*
 * probes/process/times.c - the user-system-time demonstration: the user
 * and kernel share of a pure computation and of a null-syscall loop, by
 * getrusage() inside and /proc/PID/stat outside.  Checks the notes' claim
 * that the syscall loop spends most of its time in kernel mode and the
 * computation almost none.
 */
#define _GNU_SOURCE
#include "process.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

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
	proc_sink = x;
	getrusage(RUSAGE_SELF, &b);
	proc_send_msg(rep, M_TIMES,
		 (int)((tv_ms(b.ru_utime) - tv_ms(a.ru_utime)) * 1000),
		 (int)((tv_ms(b.ru_stime) - tv_ms(a.ru_stime)) * 1000),
		 (int)(calls / 1000));
}

const char *demo_user_system(struct ml_result *res)
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
	pid = new_child("modelab-usrsys");
	if (pid == 0) {
		close(rep.r);
		close(go.w);
		for (int k = 0; k < 2; k++) {
			if (!proc_child_wait(go.r))
				_exit(1);
			timed_loop(rep.w, k == 1, 300);
		}
		proc_child_wait(go.r);
		_exit(0);
	}
	proc_close_fd(&rep.w);
	proc_close_fd(&go.r);
	for (int k = 0; k < 2 && !why; k++) {
		char key[32], label[80];
		double u, s, pu, psys;

		if (proc_read_stat(pid, &a)) {
			why = "the child is gone";
			break;
		}
		proc_poke(go.w);
		if (!proc_get_msg(rep.r, M_TIMES, &m) ||
		    proc_read_stat(pid, &b)) {
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
	if (ml_child_reap(pid, DEADLINE_S, NULL) && !why)
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
