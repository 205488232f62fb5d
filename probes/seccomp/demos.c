// SPDX-License-Identifier: GPL-2.0
/*
 * probes/seccomp/demos.c - the demonstrations: every action on getppid
 * (and a supervisor for notify), which of two filters wins, and a refused
 * call still entering the kernel (the doors are in doors.c).  Each checks
 * its claim of the notes in a child and records it.
 */
#define _GNU_SOURCE
#include "seccomp_lab.h"
#include "isa/arch.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1		/* si_code of a seccomp SIGSYS (glibc hides it) */
#endif

/* ---- demonstration: every action on getppid ------------------------------ */

static void child_one_filter(void *arg, struct report *r)
{
	if (load_getppid_filter(*(enum action *)arg))
		r->ret = -2;	/* could not even build the filter */
	else
		report_getppid(r);
}

/* USER_NOTIF: the child hands its listener fd to us over a socket. */
static int notify_sock = -1;

static int child_notify(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(getppid),
				     0) ||
	    seccomp_load(ctx))
		return -1;
	return ml_send_fd(notify_sock, seccomp_notify_fd(ctx));
}

#define FAKE_PPID 4242

/* The supervisor side: one notification, answered with a made-up ppid. */
static const char *supervise_one(struct ml_result *res, pid_t child, int fd)
{
	struct seccomp_notif *req = NULL;
	struct seccomp_notif_resp *resp = NULL;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	const char *why = NULL;

	if (seccomp_notify_alloc(&req, &resp))
		return "cannot allocate notification buffers";
	if (poll(&p, 1, CHILD_TIMEOUT_MS) != 1 ||
	    seccomp_notify_receive(fd, req)) {
		why = "no notification arrived";
		goto out;
	}
	ml_result_note(res,
		       "notify: the supervisor got pid %d, syscall %d (getppid), and answered %d",
		       req->pid, req->data.nr, FAKE_PPID);
	if ((pid_t)req->pid != child || req->data.nr != SYS_getppid)
		why = "the notification named another process or call";
	resp->id = req->id;
	resp->val = FAKE_PPID;
	resp->error = 0;
	resp->flags = 0;
	if (seccomp_notify_respond(fd, resp))
		why = "the response was refused";
out:
	seccomp_notify_free(req, resp);
	return why;
}

const char *demo_notify(struct ml_result *res)
{
	int sv[2], fd;
	struct outcome o;
	const char *why;
	pid_t pid;
	int p[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) ||
	    pipe2(p, O_CLOEXEC))
		return "cannot make a socket pair";
	notify_sock = sv[1];
	pid = ml_child_fork(-1);
	if (pid == 0) {
		struct report r = { 0 };

		close(p[0]);
		if (child_notify())
			r.ret = -2;
		else
			report_getppid(&r);
		if (write(p[1], &r, sizeof(r)) != sizeof(r))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	close(sv[1]);
	fd = pid > 0 ? ml_recv_fd(sv[0], CHILD_TIMEOUT_MS) : -1;
	why = fd < 0 ? "the child sent no listener fd" :
		       supervise_one(res, pid, fd);
	if (fd >= 0)
		close(fd);
	close(sv[0]);
	if (pid < 0) {
		close(p[0]);
		return "cannot fork";
	}
	sc_collect(pid, p[0], &o);
	ml_result_note(res, "notify: the child's getppid() returned %ld",
		       o.r.ret);
	ml_result_extra(res, "notify_returned", "notify: getppid() returned",
			(double)o.r.ret);
	if (!why && (!o.reported || o.r.ret != FAKE_PPID))
		why = "the supervisor's answer did not reach the child";
	return why;
}

const char *demo_actions(struct ml_result *res)
{
	static const enum action order[] = { A_ALLOW, A_ERRNO, A_TRAP, A_KILL,
					     A_LOG, A_TRACE };
	const char *why = NULL;
	long ppid = getpid();	/* the children's parent */

	for (size_t i = 0; i < ML_ARRAY_SIZE(order); i++) {
		enum action a = order[i];
		struct outcome o;

		sc_in_child(child_one_filter, &a, &o);
		if (o.killed)
			ml_result_note(res, "%-6s: the child was killed by signal %d (%s)",
				       sc_action_names[a], o.sig,
				       strsignal(o.sig));
		else if (o.r.trapped)
			ml_result_note(res, "%-6s: SIGSYS delivered: si_code %d (SYS_SECCOMP is 1), si_syscall %d, si_arch 0x%x",
				       sc_action_names[a], o.r.trap_code,
				       o.r.trap_nr, o.r.trap_arch);
		else
			ml_result_note(res, "%-6s: getppid() returned %ld, errno %d (%s)",
				       sc_action_names[a], o.r.ret,
				       o.r.ret < 0 ? o.r.err : 0,
				       o.r.ret < 0 ? strerror(o.r.err) : "none");
		switch (a) {
		case A_ALLOW:
		case A_LOG:
			if (!o.reported || o.r.ret != ppid)
				why = "allow or log did not let the call through";
			break;
		case A_ERRNO:
			ml_result_extra(res, "errno_returned",
					"errno: errno returned", o.r.err);
			if (!o.reported || o.r.ret != -1 || o.r.err != EACCES)
				why = "errno did not return EACCES";
			break;
		case A_TRACE:
			if (sc_classify(&o) != A_TRACE)
				why = "trace without a tracer did not fail with ENOSYS";
			break;
		case A_TRAP:
			if (!o.r.trapped || o.r.trap_code != SYS_SECCOMP ||
			    o.r.trap_nr != SYS_getppid ||
			    o.r.trap_arch != ML_ARCH_AUDIT)
				why = "trap did not deliver SIGSYS with the call and arch";
			break;
		case A_KILL:
			if (!o.killed || o.sig != SIGSYS)
				why = "kill did not end the process with SIGSYS";
			break;
		default:
			break;
		}
	}
	ml_result_note(res, "log   : the call went through; the kernel's audit log has a type=1326 line for it");
	if (!why)
		why = demo_notify(res);
	return why;
}

/* ---- demonstration: precedence ------------------------------------------ */

static void child_two_filters(void *arg, struct report *r)
{
	const enum action *pair = arg;

	if (load_getppid_filter(pair[0]) || load_getppid_filter(pair[1]))
		r->ret = -2;
	else
		report_getppid(r);
}

const char *demo_precedence(struct ml_result *res)
{
	/* weakest to strongest; LOG and ALLOW both let the call through */
	static const enum action rank[] = { A_ALLOW, A_LOG, A_TRACE, A_ERRNO,
					    A_TRAP, A_KILL };
	size_t n = ML_ARRAY_SIZE(rank), tried = 0, wrong = 0;

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			enum action pair[2] = { rank[i], rank[j] };
			enum action want = rank[i > j ? i : j], got;
			struct outcome o;

			if (i == j)
				continue;
			sc_in_child(child_two_filters, pair, &o);
			got = sc_classify(&o);
			if (want == A_LOG)
				want = A_ALLOW;
			tried++;
			if (got != want) {
				wrong++;
				ml_result_note(res, "%s then %s: %s won, not %s",
					       sc_action_names[pair[0]],
					       sc_action_names[pair[1]],
					       sc_action_names[got],
					       sc_action_names[want]);
			}
		}
	}
	ml_result_note(res, "%zu orders of two stacked filters tried: the stronger action won %zu times",
		       tried, tried - wrong);
	ml_result_note(res, "order of strength: kill > trap > errno > trace > log > allow (log and allow both let the call through)");
	ml_result_extra(res, "orders_tried", "orders tried", (double)tried);
	ml_result_extra(res, "orders_wrong", "orders where the weaker won",
			(double)wrong);
	return wrong ? "a weaker action won" : NULL;
}

/* ---- demonstration: a refused call still enters the kernel ---------------- */

#define DENIED_CALLS 1000

int sc_setup_module(struct ml_ctx *ctx)
{
	if (access(ML_PROC_MODELAB, W_OK))
		return ml_skip(ctx, "needs modelab.ko loaded and root (make vm, or sudo insmod modelab.ko)");
	return 0;
}

const char *demo_denied(struct ml_result *res)
{
	struct ml_kcounts before, after, saved;
	unsigned long long entered, left;
	char cmd[64];
	int status, p[2];
	pid_t pid;

	if (ml_kernel_read(&saved) || pipe2(p, O_CLOEXEC))
		return "cannot read /proc/modelab";
	pid = ml_child_fork(-1);
	if (pid == 0) {
		char go;

		close(p[1]);
		if (load_getppid_filter(A_ERRNO) ||
		    read(p[0], &go, 1) != 1)
			_exit(3);
		for (int i = 0; i < DENIED_CALLS; i++)
			if (call_getppid() != -1 || errno != EACCES)
				_exit(4);
		_exit(0);
	}
	close(p[0]);
	snprintf(cmd, sizeof(cmd), "watch %d", (int)pid);
	if (pid < 0 || ml_kernel_write(cmd) || ml_kernel_write("count on") ||
	    ml_kernel_read(&before)) {
		close(p[1]);
		if (pid > 0)
			ml_child_reap(pid, CHILD_TIMEOUT_MS / 1000.0, NULL);
		return "cannot watch the child";
	}
	if (write(p[1], "g", 1) != 1)
		kill(pid, SIGKILL);
	close(p[1]);
	ml_child_reap(pid, CHILD_TIMEOUT_MS / 1000.0, &status);
	ml_kernel_read(&after);
	/* put the module back as we found it */
	snprintf(cmd, sizeof(cmd), "watch %d", saved.watched_pid);
	if (!saved.watched_pid || saved.watched_exited ||
	    ml_kernel_write(cmd))
		ml_kernel_write("watch off");
	ml_kernel_write(saved.counting ? "count on" : "count off");
	ml_result_note(res, "the child made %d getppid() calls, each refused with EACCES by its filter",
		       DENIED_CALLS);
	entered = after.watched[ML_K_SYSCALLS] - before.watched[ML_K_SYSCALLS];
	left = after.watched[ML_K_SYSCALL_EXITS] -
	       before.watched[ML_K_SYSCALL_EXITS];
	ml_result_note(res, "modelab.ko's sys_exit tracepoint saw %llu calls leave the kernel,",
		       (unsigned long long)left);
	ml_result_note(res, "its sys_enter tracepoint saw %llu: the filter runs before sys_enter, and a",
		       (unsigned long long)entered);
	ml_result_note(res, "refused call skips the rest of the entry path, tracepoint included");
	ml_result_extra(res, "syscall_exits_counted",
			"syscall exits counted (sys_exit)", (double)left);
	ml_result_extra(res, "syscall_entries_counted",
			"syscall entries counted (sys_enter)", (double)entered);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return "the child's calls were not all refused";
	if (left < DENIED_CALLS)
		return "fewer kernel exits counted than calls refused";
	return NULL;
}
