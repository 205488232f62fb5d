// SPDX-License-Identifier: GPL-2.0
/*
 * probes/seccomp.c - how the kernel restricts what a process may ask for.
 *
 * THE MECHANISM
 *   seccomp's filter mode hangs a small classic-BPF program on the syscall
 *   entry path.  On every system call the kernel runs it over struct
 *   seccomp_data (the syscall number, the architecture, the instruction
 *   pointer, six arguments) and it answers with an action: ALLOW, LOG
 *   (allow, and log it), ERRNO (skip the call, return an error), TRACE
 *   (hand it to a ptrace tracer; with none, -ENOSYS), TRAP (skip it, send
 *   SIGSYS), USER_NOTIF (hand it to a supervisor process), KILL_PROCESS.
 *   A filter can never be removed, only added to, and a process's filters
 *   are inherited across fork and exec: every test here runs in a child.
 *   libseccomp writes the BPF from rules.
 *
 * WHAT IS SHOWN (demonstrations: each claim checked, each outcome printed)
 *   actions          the same forbidden call, getppid, under every action.
 *   precedence       two stacked filters in both orders: the stronger
 *                    action wins, kill > trap > errno > trace > log > allow,
 *                    whatever the order of installation.
 *   doors            a deny-list leaks: denying open leaves openat and
 *                    openat2; denying fork, vfork and clone leaves clone3;
 *                    a filter for x86-64 alone would leave the 32-bit
 *                    int 0x80 door, which libseccomp shuts by killing any
 *                    call from an architecture the filter does not name.
 *                    An allow-list shuts every door nobody thought of.
 *   denied-enters-kernel  with modelab.ko: a call that a filter refuses
 *                    still entered kernel mode.  The module's sys_exit
 *                    tracepoint counts it leaving; its sys_enter
 *                    tracepoint never sees it, because seccomp runs first
 *                    and a refused call skips the rest of the entry work.
 *
 * WHAT IT COSTS (getppid in a worker child that carries the filters)
 *   no-filter, then filters with 10, 100 and 400 rules in libseccomp's
 *   default (linear) layout and as a binary tree (SCMP_FLTATR_CTL_OPTIMIZE
 *   2), 2, 4 and 8 stacked filters, and the kernel's action cache at work:
 *   a filter that always allows getppid (plain-allow) is never even run
 *   for it, while one rule that looks at getppid's argument (arg-rule)
 *   makes every getppid run the program.  Every timed filter but
 *   plain-allow carries that argument rule, so the program really runs.
 *   All the workers are measured in the same rounds, so each figure's
 *   added cost is a difference taken per round against the figure it is
 *   paired with (arg-rule against no-filter, 8 filters against one, a tree
 *   against the same rules in a line), with its 95% interval; the lesson's
 *   claims (the cache skips the program; eight filters cost more than
 *   one) are reported as held, not held or undecided, never assumed.
 */
#define _GNU_SOURCE
#include "modelab.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_TIMEOUT_MS 10000
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1		/* si_code of a seccomp SIGSYS (glibc hides it) */
#endif
#define NEVER 0x5eccull			/* an argument no caller passes */
#define PROC_FILE "/proc/self/status"	/* exists wherever procfs does */

/* ---- running a test in a child --------------------------------------- */

/* What a child tells its parent about the forbidden call it made. */
struct report {
	long ret;
	int err;
	int trapped;		/* SIGSYS handler ran */
	int trap_nr;		/* si_syscall */
	unsigned int trap_arch;	/* si_arch */
	int trap_code;		/* si_code */
};

struct outcome {
	bool reported;		/* the child wrote its report */
	bool killed;
	int sig;		/* when killed */
	struct report r;
};

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

static long call_getppid(void)
{
	/* fixed arguments: a filter may look at them */
	return syscall(SYS_getppid, 0, 0, 0, 0, 0, 0);
}

/* Waits for the child's report (bounded), then for the child itself. */
static void collect(pid_t pid, int fd, struct outcome *o)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int status;

	memset(o, 0, sizeof(*o));
	if (poll(&p, 1, CHILD_TIMEOUT_MS) == 1)
		o->reported = read(fd, &o->r, sizeof(o->r)) == sizeof(o->r);
	else
		kill(pid, SIGKILL);	/* a hung child: never a hung run */
	close(fd);
	ml_child_reap(pid, CHILD_TIMEOUT_MS / 1000.0, &status);
	o->killed = WIFSIGNALED(status);
	o->sig = o->killed ? WTERMSIG(status) : 0;
}

/*
 * Runs fn in a child: fn installs filters, makes its call and fills the
 * report, which the child sends.  No core file from a SIGSYS kill.
 */
static void in_child(void (*fn)(void *, struct report *), void *arg,
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
	collect(pid, p[0], o);
}

/* The call a filter judges, its result in the report. */
static void report_getppid(struct report *r)
{
	errno = 0;
	r->ret = call_getppid();
	r->err = r->ret < 0 ? errno : 0;
}

/* ---- filters ---------------------------------------------------------- */

enum action { A_ALLOW, A_LOG, A_TRACE, A_ERRNO, A_TRAP, A_KILL, A_NOTIFY };

static const char *const action_names[] = {
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
static int load_getppid_filter(enum action a)
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
static enum action classify(const struct outcome *o)
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

static const char *demo_notify(struct ml_result *res)
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
	collect(pid, p[0], &o);
	ml_result_note(res, "notify: the child's getppid() returned %ld",
		       o.r.ret);
	ml_result_extra(res, "notify_returned", "notify: getppid() returned",
			(double)o.r.ret);
	if (!why && (!o.reported || o.r.ret != FAKE_PPID))
		why = "the supervisor's answer did not reach the child";
	return why;
}

static const char *demo_actions(struct ml_result *res)
{
	static const enum action order[] = { A_ALLOW, A_ERRNO, A_TRAP, A_KILL,
					     A_LOG, A_TRACE };
	const char *why = NULL;
	long ppid = getpid();	/* the children's parent */

	for (size_t i = 0; i < ML_ARRAY_SIZE(order); i++) {
		enum action a = order[i];
		struct outcome o;

		in_child(child_one_filter, &a, &o);
		if (o.killed)
			ml_result_note(res, "%-6s: the child was killed by signal %d (%s)",
				       action_names[a], o.sig,
				       strsignal(o.sig));
		else if (o.r.trapped)
			ml_result_note(res, "%-6s: SIGSYS delivered: si_code %d (SYS_SECCOMP is 1), si_syscall %d, si_arch 0x%x",
				       action_names[a], o.r.trap_code,
				       o.r.trap_nr, o.r.trap_arch);
		else
			ml_result_note(res, "%-6s: getppid() returned %ld, errno %d (%s)",
				       action_names[a], o.r.ret, o.r.ret < 0 ? o.r.err : 0,
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
			if (classify(&o) != A_TRACE)
				why = "trace without a tracer did not fail with ENOSYS";
			break;
		case A_TRAP:
			if (!o.r.trapped || o.r.trap_code != SYS_SECCOMP ||
			    o.r.trap_nr != SYS_getppid ||
			    o.r.trap_arch != AUDIT_ARCH_X86_64)
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

static const char *demo_precedence(struct ml_result *res)
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
			in_child(child_two_filters, pair, &o);
			got = classify(&o);
			if (want == A_LOG)
				want = A_ALLOW;
			tried++;
			if (got != want) {
				wrong++;
				ml_result_note(res, "%s then %s: %s won, not %s",
					       action_names[pair[0]],
					       action_names[pair[1]],
					       action_names[got],
					       action_names[want]);
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

/* ---- demonstration: doors ------------------------------------------------- */

struct door_test {
	const char *const *names;	/* syscalls to deny, NULL-terminated */
	bool allow_list;		/* names are allowed instead */
	int door;
};

enum { DOOR_OPEN, DOOR_OPENAT, DOOR_OPENAT2, DOOR_CLONE3, DOOR_FORK,
       DOOR_INT80 };

static const char *const door_names[] = { "open", "openat", "openat2",
					  "clone3", "fork (clone)",
					  "int 0x80 (32-bit getppid)" };

static long try_door(int door)
{
	struct open_how how = { .flags = O_RDONLY };
	struct clone_args ca = { .exit_signal = SIGCHLD };
	long ret = -1;

	switch (door) {
	case DOOR_OPEN:
		ret = syscall(SYS_open, PROC_FILE, O_RDONLY);
		break;
	case DOOR_OPENAT:
		ret = syscall(SYS_openat, AT_FDCWD, PROC_FILE, O_RDONLY);
		break;
	case DOOR_OPENAT2:
		ret = syscall(SYS_openat2, AT_FDCWD, PROC_FILE, &how,
			      sizeof(how));
		break;
	case DOOR_CLONE3:
	case DOOR_FORK:
		ret = door == DOOR_CLONE3 ?
			      syscall(SYS_clone3, &ca, sizeof(ca)) :
			      syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
		if (ret == 0)
			_exit(0);	/* the new process: done */
		if (ret > 0)
			waitpid((pid_t)ret, NULL, 0);
		break;
	case DOOR_INT80:
#if defined(__x86_64__)
		/* i386 getppid is 64; the 32-bit entry takes eax, not rax */
		__asm__ volatile("int $0x80"
				 : "=a"(ret)
				 : "a"(64)
				 : "memory");
#endif
		break;
	}
	return ret;
}

static void child_door(void *arg, struct report *r)
{
	const struct door_test *t = arg;
	scmp_filter_ctx ctx;
	int rc = 0;

	ctx = seccomp_init(t->allow_list ? SCMP_ACT_ERRNO(EACCES) :
					   SCMP_ACT_ALLOW);
	if (!ctx) {
		r->ret = -2;
		return;
	}
	for (const char *const *n = t->names; *n && !rc; n++)
		rc = seccomp_rule_add(ctx,
				      t->allow_list ? SCMP_ACT_ALLOW :
						      SCMP_ACT_ERRNO(EACCES),
				      seccomp_syscall_resolve_name(*n), 0);
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc) {
		r->ret = -2;
		return;
	}
	errno = 0;
	r->ret = try_door(t->door);
	r->err = r->ret < 0 ? errno : 0;
}

/* Tries door t->door under t's filter: 1 open, 0 shut, -1 no answer. */
static int door_open(struct door_test *t, char *how, size_t len)
{
	struct outcome o;

	in_child(child_door, t, &o);
	if (o.killed) {
		snprintf(how, len, "killed by %s", strsignal(o.sig));
		return 0;
	}
	if (!o.reported || o.r.ret == -2) {
		snprintf(how, len, "the filter could not be built");
		return -1;
	}
	if (o.r.ret >= 0) {
		snprintf(how, len, "went through");
		return 1;
	}
	snprintf(how, len, "refused (%s)",
		 o.r.err ? strerror(o.r.err) : "raw error");
	return 0;
}

static const char *demo_doors(struct ml_result *res)
{
	static const char *const deny_open[] = { "open", NULL };
	static const char *const deny_all_open[] = { "open", "openat",
						     "openat2", NULL };
	static const char *const deny_fork[] = { "fork", "vfork", "clone",
						 NULL };
	static const char *const deny_all_fork[] = { "fork", "vfork", "clone",
						     "clone3", NULL };
	static const char *const deny_getppid[] = { "getppid", NULL };
	/* just enough to report and exit: everything else is refused */
	static const char *const allow_list[] = { "write", "exit_group",
						  "exit", "rt_sigreturn",
						  "getppid", "wait4", NULL };
	static const struct {
		const char *const *names;
		bool allow_list;
		int door;
		int want_open;	/* 1: the door leaks, 0: it is shut */
		const char *what;
	} cases[] = {
		{ deny_open, false, DOOR_OPENAT, 1, "deny-list {open}" },
		{ deny_open, false, DOOR_OPENAT2, 1, "deny-list {open}" },
		{ deny_all_open, false, DOOR_OPEN, 0, "deny-list {open, openat, openat2}" },
		{ deny_all_open, false, DOOR_OPENAT, 0, "deny-list {open, openat, openat2}" },
		{ deny_all_open, false, DOOR_OPENAT2, 0, "deny-list {open, openat, openat2}" },
		{ deny_fork, false, DOOR_CLONE3, 1, "deny-list {fork, vfork, clone}" },
		{ deny_all_fork, false, DOOR_CLONE3, 0, "deny-list {fork, vfork, clone, clone3}" },
		{ deny_getppid, false, DOOR_INT80, 0, "deny-list {getppid}, x86-64 filter" },
		{ allow_list, true, DOOR_OPEN, 0, "allow-list" },
		{ allow_list, true, DOOR_OPENAT, 0, "allow-list" },
		{ allow_list, true, DOOR_OPENAT2, 0, "allow-list" },
		{ allow_list, true, DOOR_CLONE3, 0, "allow-list" },
		{ allow_list, true, DOOR_FORK, 0, "allow-list" },
		{ allow_list, true, DOOR_INT80, 0, "allow-list" },
	};
	const char *why = NULL;
	size_t leaks = 0;

	for (size_t i = 0; i < ML_ARRAY_SIZE(cases); i++) {
		struct door_test t = { cases[i].names, cases[i].allow_list,
				       cases[i].door };
		char how[96];
		int open = door_open(&t, how, sizeof(how));

		ml_result_note(res, "%-40s %-26s %s%s", cases[i].what,
			       door_names[cases[i].door], how,
			       open == 1 && cases[i].want_open ?
				       "  <- the deny-list leaks" :
				       "");
		leaks += open == 1;
		if (open != cases[i].want_open && !why)
			why = open == 1 ? "a door the filter should shut stayed open" :
					  "a door a deny-list leaves open was shut";
	}
	ml_result_extra(res, "doors_open", "doors that let the call through",
			(double)leaks);
	ml_result_note(res, "int 0x80 enters through the 32-bit table, where getppid is 64, not 110: a filter that");
	ml_result_note(res, "checked numbers without the architecture would judge the wrong call. libseccomp's");
	ml_result_note(res, "filters check seccomp_data.arch first and kill on an architecture they do not name.");
	return why;
}

/* ---- demonstration: a refused call still enters the kernel ---------------- */

#define DENIED_CALLS 1000

static int setup_module(struct ml_ctx *ctx)
{
	if (access(ML_PROC_MODELAB, W_OK))
		return ml_skip(ctx, "needs modelab.ko loaded and root (make vm, or sudo insmod modelab.ko)");
	return 0;
}

static const char *demo_denied(struct ml_result *res)
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

/* ---- what filtering costs -------------------------------------------------- */

/*
 * A filter cannot be taken off again, so each cost figure has a worker
 * child that installed its filters once and runs getppid on request: one
 * batch is "run n" down a pipe and one byte back.  The parent times that,
 * and the pipe's round trip is the empty batch the library subtracts.
 * All the workers wait side by side, so the figures share rounds with
 * each other and with the parent's own null syscall, and every added cost
 * is a difference taken per round, with its own interval.
 */
#define COST_MIN_BATCH 4096	/* ops: the round trip is noise beside them */

struct cost {
	int rules;		/* decoy rules on other syscalls */
	bool tree;		/* SCMP_FLTATR_CTL_OPTIMIZE 2 */
	int filters;		/* stacked filters */
	bool arg_rule;		/* a rule on getppid's argument */
	/* the worker, while the figure is set up */
	pid_t pid;
	int to, from;
};

/*
 * Decoy rules on other real syscalls, each on an argument value nobody
 * passes: they change nothing but the length of the program.
 */
static int add_decoys(scmp_filter_ctx ctx, int rules)
{
	int nrs[512], n = 0, rc = 0;

	for (int nr = 0; nr < 512 && n < 512; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
							      nr);

		if (name && nr != SYS_getppid)
			nrs[n++] = nr;
		free(name);
	}
	for (int i = 0; i < rules && !rc && n; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nrs[i % n], 1,
				      SCMP_A0(SCMP_CMP_EQ,
					      NEVER + (uint64_t)(i / n), 0));
	return rc;
}

static int load_cost_filter(const struct cost *c)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = 0;

	if (!ctx)
		return -1;
	if (c->tree)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (!rc && c->arg_rule)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
				      SCMP_SYS(getppid), 1,
				      SCMP_A0(SCMP_CMP_EQ, NEVER, 0));
	if (!rc)
		rc = add_decoys(ctx, c->rules);
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

/* The worker: filters in, then "run n" and a byte back, until killed. */
static void cost_worker(const struct cost *c, int in, int out)
{
	uint64_t n;
	char done = 1;

	for (int f = 0; f < c->filters; f++)
		if (load_cost_filter(c))
			_exit(1);
	if (write(out, &done, 1) != 1)
		_exit(1);
	while (read(in, &n, sizeof(n)) == sizeof(n)) {
		for (uint64_t i = 0; i < n; i++)
			call_getppid();
		if (write(out, &done, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

static void cost_stop(struct cost *c)
{
	int status;

	if (c->pid <= 0)
		return;
	/* not EOF: the workers forked after this one hold our pipe too */
	kill(c->pid, SIGKILL);
	close(c->to);
	close(c->from);
	ml_child_reap(c->pid, CHILD_TIMEOUT_MS / 1000.0, &status);
	c->pid = 0;
}

static const char *cost_start(struct cost *c)
{
	int down[2], up[2];
	char ready;

	if (pipe2(down, O_CLOEXEC))
		return "cannot make a pipe";
	if (pipe2(up, O_CLOEXEC)) {
		close(down[0]);
		close(down[1]);
		return "cannot make a pipe";
	}
	c->pid = ml_child_fork(-1);
	if (c->pid == 0) {
		close(down[1]);
		close(up[0]);
		cost_worker(c, down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	c->to = down[1];
	c->from = up[0];
	if (c->pid < 0) {
		close(c->to);
		close(c->from);
		c->pid = 0;
		return "cannot fork the filtered worker";
	}
	if (read(c->from, &ready, 1) != 1) {
		cost_stop(c);
		return "the worker could not load its filters";
	}
	return NULL;
}

/* The hooks of every cost figure; ctx->data is its struct cost. */
static int cost_setup(struct ml_ctx *ctx)
{
	return ml_skip_if(ctx, cost_start(ctx->data));
}

static int cost_teardown(struct ml_ctx *ctx)
{
	cost_stop(ctx->data);
	return 0;
}

static int cost_run(struct ml_ctx *ctx)
{
	struct cost *c = ctx->data;
	uint64_t n = ctx->n;
	char done;

	if (write(c->to, &n, sizeof(n)) != sizeof(n) ||
	    read(c->from, &done, 1) != 1)
		return ml_error(ctx, "the filtered worker (pid %d) is gone",
				(int)c->pid);
	return 0;
}

#define COST_FIGURE(fname, ...) \
	static struct cost cost_##fname = { __VA_ARGS__ };

COST_FIGURE(no_filter, .filters = 0)
COST_FIGURE(plain_allow, .filters = 1, .rules = 1)
COST_FIGURE(arg_rule, .filters = 1, .arg_rule = true)
COST_FIGURE(rules_10, .filters = 1, .rules = 10, .arg_rule = true)
COST_FIGURE(rules_100, .filters = 1, .rules = 100, .arg_rule = true)
COST_FIGURE(rules_400, .filters = 1, .rules = 400, .arg_rule = true)
COST_FIGURE(tree_10, .filters = 1, .rules = 10, .arg_rule = true,
	    .tree = true)
COST_FIGURE(tree_100, .filters = 1, .rules = 100, .arg_rule = true,
	    .tree = true)
COST_FIGURE(tree_400, .filters = 1, .rules = 400, .arg_rule = true,
	    .tree = true)
COST_FIGURE(stacked_2, .filters = 2, .arg_rule = true)
COST_FIGURE(stacked_4, .filters = 4, .arg_rule = true)
COST_FIGURE(stacked_8, .filters = 8, .arg_rule = true)

/*
 * A cost figure: its worker, the rounds it shares, and the figure its
 * added cost is taken against (and what the lesson claims of that).
 */
#define COST(fname, id, desc, against, claimed)                          \
	{ .name = id, .what = desc, .setup = cost_setup, .run = cost_run,     \
	  .teardown = cost_teardown, .data = &cost_##fname,                   \
	  .group = "cost", .min_batch = COST_MIN_BATCH, .in_child = true,     \
	  .pair_with = against, .claim = claimed }

static const struct ml_figure figures[] = {
	{ .name = "actions", .what = "getppid under every action",
	  .demonstrate = demo_actions },
	{ .name = "precedence",
	  .what = "two stacked filters, both orders: the stronger wins",
	  .demonstrate = demo_precedence },
	{ .name = "doors",
	  .what = "deny-lists leak through other doors; an allow-list does not",
	  .demonstrate = demo_doors },
	{ .name = "denied-enters-kernel",
	  .what = "a call refused by a filter still enters kernel mode",
	  .setup = setup_module, .demonstrate = demo_denied },
	COST(no_filter, "null-no-filter", "getppid, no filter", NULL,
	     ML_CLAIM_NONE),
	COST(plain_allow, "null-plain-allow",
	     "a filter that always allows getppid: the action cache skips it",
	     "null-arg-rule", ML_CLAIM_CHEAPER),
	COST(arg_rule, "null-arg-rule",
	     "one rule on getppid's argument: the filter runs every call",
	     "null-no-filter", ML_CLAIM_DEARER),
	COST(rules_10, "null-10-rules-linear", "10 more rules, default layout",
	     "null-arg-rule", ML_CLAIM_NONE),
	COST(rules_100, "null-100-rules-linear",
	     "100 more rules, default layout", "null-arg-rule", ML_CLAIM_NONE),
	COST(rules_400, "null-400-rules-linear",
	     "400 more rules, default layout", "null-arg-rule",
	     ML_CLAIM_DEARER),
	COST(tree_10, "null-10-rules-tree", "10 more rules, binary tree",
	     "null-10-rules-linear", ML_CLAIM_NONE),
	COST(tree_100, "null-100-rules-tree", "100 more rules, binary tree",
	     "null-100-rules-linear", ML_CLAIM_NONE),
	COST(tree_400, "null-400-rules-tree", "400 more rules, binary tree",
	     "null-400-rules-linear", ML_CLAIM_NONE),
	COST(stacked_2, "null-2-filters", "2 stacked filters", "null-arg-rule",
	     ML_CLAIM_NONE),
	COST(stacked_4, "null-4-filters", "4 stacked filters", "null-arg-rule",
	     ML_CLAIM_NONE),
	COST(stacked_8, "null-8-filters", "8 stacked filters", "null-arg-rule",
	     ML_CLAIM_DEARER),
};

const struct ml_probe ml_probe_seccomp = {
	.name = "seccomp",
	.summary = "seccomp filters: every action, precedence, doors, cost",
	.figures = figures,
	.nfigures = ML_ARRAY_SIZE(figures),
	.order = 40,
};

ML_PROBE_MAIN(ml_probe_seccomp)
