// SPDX-License-Identifier: GPL-2.0
/*
 * probes/seccomp/child.c - running a test in a child, whose filter dies
 * with it, and the getppid filters the demonstrations load there; what the
 * child reports and how an outcome is classified.
 */
#define _GNU_SOURCE
#include "seccomp_lab.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- running a test in a child --------------------------------------- */

static volatile struct report trap_seen;

static void sigsys_handler(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	trap_seen.trapped = 1;
	trap_seen.trap_nr = si->si_syscall;
	trap_seen.trap_arch = si->si_arch;
	trap_seen.trap_code = si->si_code;
}

long call_getppid(void)
{
	/* fixed arguments: a filter may look at them */
	return syscall(SYS_getppid, 0, 0, 0, 0, 0, 0);
}

/* Waits for the child's report (bounded), then for the child itself. */
void sc_collect(pid_t pid, int fd, struct outcome *o)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int status = 0;

	memset(o, 0, sizeof(*o));
	if (poll(&p, 1, CHILD_TIMEOUT_MS) == 1)
		o->reported = read(fd, &o->r, sizeof(o->r)) == sizeof(o->r);
	else
		kill(pid, SIGKILL);	/* a hung child: never a hung run */
	close(fd);
	ml_child_reap(pid, CHILD_TIMEOUT_MS / 1000.0, &status);
	o->killed = WIFSIGNALED(status);
	o->sig = o->killed ? WTERMSIG(status) : 0;
	o->exited = WIFEXITED(status);
	o->code = o->exited ? WEXITSTATUS(status) : 0;
}

/*
 * Runs fn in a child: fn installs filters, makes its call and fills the
 * report, which the child sends.  No core file from a SIGSYS kill.
 */
void sc_in_child(void (*fn)(void *, struct report *), void *arg,
		     struct outcome *o)
{
	struct rlimit no_core = { 0, 0 };
	struct sigaction sa = { .sa_sigaction = sigsys_handler,
				.sa_flags = SA_SIGINFO };
	int p[2];
	pid_t pid;

	memset(o, 0, sizeof(*o));
	if (pipe2(p, O_CLOEXEC))
		return;
	pid = ml_child_fork(-1);
	if (pid == 0) {
		struct report r = { 0 };

		close(p[0]);
		setrlimit(RLIMIT_CORE, &no_core);
		sigemptyset(&sa.sa_mask);
		sigaction(SIGSYS, &sa, NULL);
		fn(arg, &r);
		r.trapped = trap_seen.trapped;
		r.trap_nr = trap_seen.trap_nr;
		r.trap_arch = trap_seen.trap_arch;
		r.trap_code = trap_seen.trap_code;
		if (write(p[1], &r, sizeof(r)) != sizeof(r))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return;
	}
	sc_collect(pid, p[0], o);
}

/* The call a filter judges, its result in the report. */
void report_getppid(struct report *r)
{
	errno = 0;
	r->ret = call_getppid();
	r->err = r->ret < 0 ? errno : 0;
}

/* ---- filters ---------------------------------------------------------- */

const char *const sc_action_names[] = {
	[A_ALLOW] = "allow", [A_LOG] = "log",	[A_TRACE] = "trace",
	[A_ERRNO] = "errno", [A_TRAP] = "trap", [A_KILL] = "kill",
	[A_NOTIFY] = "notify",
};

static uint32_t scmp_action(enum action a)
{
	switch (a) {
	case A_LOG:
		return SCMP_ACT_LOG;
	case A_TRACE:
		return SCMP_ACT_TRACE(0);
	case A_ERRNO:
		return SCMP_ACT_ERRNO(EACCES);
	case A_TRAP:
		return SCMP_ACT_TRAP;
	case A_KILL:
		return SCMP_ACT_KILL_PROCESS;
	case A_NOTIFY:
		return SCMP_ACT_NOTIFY;
	default:
		return SCMP_ACT_ALLOW;
	}
}

/* One filter: allow everything, act on getppid. */
int load_getppid_filter(enum action a)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc;

	if (!ctx)
		return -1;
	rc = a == A_ALLOW ? 0 :
			    seccomp_rule_add(ctx, scmp_action(a),
					     SCMP_SYS(getppid), 0);
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

/* What a call's outcome says about the action that decided it. */
enum action sc_classify(const struct outcome *o)
{
	if (o->killed && o->sig == SIGSYS)
		return A_KILL;
	if (o->reported && o->r.trapped)
		return A_TRAP;
	if (o->reported && o->r.ret == -1 && o->r.err == EACCES)
		return A_ERRNO;
	if (o->reported && o->r.ret == -1 && o->r.err == ENOSYS)
		return A_TRACE;		/* no tracer attached */
	return A_ALLOW;			/* LOG and ALLOW look the same */
}
