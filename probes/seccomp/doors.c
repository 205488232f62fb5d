// SPDX-License-Identifier: GPL-2.0
/*
 * probes/seccomp/doors.c - the doors a deny-list leaves open, and the
 * allow-list that shuts them: open beside openat and openat2, fork, vfork
 * and clone beside clone3, creat and open_by_handle_at beside them too,
 * execve beside execveat, a rule on an int argument passed with bit 32
 * set (socket's family, ioctl's TIOCSTI request), the 32-bit int 0x80
 * table (and its socketcall, which hides socket's arguments behind a
 * pointer), x32 numbers, and io_uring, whose operations never pass the
 * syscall table at all.  Every attempt runs in a child under its filter;
 * its outcome is judged from outside: went through, refused with an
 * errno, or killed by a signal.  A door this kernel lacks is skipped,
 * with the reason, after trying it once without any filter.
 */
#define _GNU_SOURCE
#include "seccomp_lab.h"
#include "isa/arch.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/net.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROC_FILE "/proc/self/status"	/* exists wherever procfs does */
#define NULL_FILE "/dev/null"		/* writable by all, a handle on devtmpfs */
#define HIGH (1UL << 32)
#define X32_BIT 0x40000000		/* __X32_SYSCALL_BIT */
#define EXEC_CODE 42			/* what the exec'd shell exits with */
#define I386_SOCKET 359			/* i386 socket(2), since 4.3 */
#define I386_SOCKETCALL 102
#define I386_GETPPID 64

enum door {
	DOOR_OPEN, DOOR_OPENAT, DOOR_OPENAT2, DOOR_CLONE3, DOOR_FORK,
	DOOR_INT80, DOOR_EXECVE, DOOR_EXECVEAT_FD, DOOR_EXECVEAT_PATH,
	DOOR_URING_OPENAT, DOOR_URING_OPENAT2, DOOR_URING_SOCKET,
	DOOR_SOCKET, DOOR_I386_SOCKET, DOOR_SOCKETCALL_INET,
	DOOR_SOCKETCALL_UNIX, DOOR_X32, DOOR_CREAT, DOOR_OPEN_BY_HANDLE,
	DOOR_SOCKET_HIGH, DOOR_TIOCSTI, DOOR_TIOCSTI_HIGH, NDOORS
};

static const char *const door_names[NDOORS] = {
	[DOOR_OPEN] = "open",
	[DOOR_OPENAT] = "openat",
	[DOOR_OPENAT2] = "openat2",
	[DOOR_CLONE3] = "clone3",
	[DOOR_FORK] = "fork (clone)",
	[DOOR_INT80] = "int 0x80 getppid (nr 64)",
	[DOOR_EXECVE] = "execve /bin/sh",
	[DOOR_EXECVEAT_FD] = "execveat(fd, \"\", AT_EMPTY_PATH)",
	[DOOR_EXECVEAT_PATH] = "execveat(AT_FDCWD, \"/bin/sh\")",
	[DOOR_URING_OPENAT] = "io_uring IORING_OP_OPENAT",
	[DOOR_URING_OPENAT2] = "io_uring IORING_OP_OPENAT2",
	[DOOR_URING_SOCKET] = "io_uring IORING_OP_SOCKET AF_INET",
	[DOOR_SOCKET] = "socket(AF_INET)",
	[DOOR_I386_SOCKET] = "int 0x80 socket(AF_INET) (nr 359)",
	[DOOR_SOCKETCALL_INET] = "int 0x80 socketcall(SYS_SOCKET, AF_INET)",
	[DOOR_SOCKETCALL_UNIX] = "int 0x80 socketcall(SYS_SOCKET, AF_UNIX)",
	[DOOR_X32] = "x32 getpid (0x40000000|39)",
	[DOOR_CREAT] = "creat(\"/dev/null\")",
	[DOOR_OPEN_BY_HANDLE] = "open_by_handle_at (/dev/null's handle)",
	[DOOR_SOCKET_HIGH] = "socket((1<<32)|AF_INET)",
	[DOOR_TIOCSTI] = "ioctl(tty, TIOCSTI) on a pty of its own",
	[DOOR_TIOCSTI_HIGH] = "ioctl(tty, (1<<32)|TIOCSTI)",
};

/* Made in the parent before any filter: inherited by every child. */
static int sh_fd = -1;			/* /bin/sh, O_PATH */
static int dev_fd = -1;			/* /dev: NULL_FILE's mount */
static unsigned int *low_args;		/* below 4 GiB, for int 0x80 */

static long int80(long nr, long a, long b, long c)
{
	long ret = -ENOSYS;

#if defined(__x86_64__)
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory");
#else
	(void)nr, (void)a, (void)b, (void)c;
#endif
	ret = (int)ret;		/* the 32-bit result, sign-extended */
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

static long exec_door(enum door d)
{
	char *const argv[] = { "sh", "-c", "exit 42", NULL };
	char *const envp[] = { NULL };

	if (d == DOOR_EXECVE)
		return syscall(SYS_execve, "/bin/sh", argv, envp);
	if (d == DOOR_EXECVEAT_FD)
		return syscall(SYS_execveat, sh_fd, "", argv, envp,
			       AT_EMPTY_PATH);
	return syscall(SYS_execveat, AT_FDCWD, "/bin/sh", argv, envp, 0);
}

/* A pty of our own, made our controlling terminal: its slave, or -1. */
static int own_tty(void)
{
	int m, s;

	setsid();
	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m) || !ptsname(m))
		return -1;
	s = open(ptsname(m), O_RDWR);	/* a session leader's first tty */
	if (s >= 0)
		ioctl(s, TIOCSCTTY, 0);
	return s;
}

static long handle_door(void)
{
	struct {
		struct file_handle h;
		unsigned char bytes[MAX_HANDLE_SZ];
	} fh = { .h.handle_bytes = MAX_HANDLE_SZ };
	int mount_id;

	if (name_to_handle_at(AT_FDCWD, NULL_FILE, &fh.h, &mount_id, 0))
		return -1;
	return syscall(SYS_open_by_handle_at, dev_fd, &fh.h, O_RDONLY);
}

/* Makes the attempt: >= 0 it went through, else -1 with errno. */
static long try_door(enum door d)
{
	struct open_how how = { .flags = O_RDONLY };
	struct clone_args ca = { .exit_signal = SIGCHLD };
	const char *stage;
	long ret = -1;

	switch (d) {
	case DOOR_OPEN:
#ifdef SYS_open
		return syscall(SYS_open, PROC_FILE, O_RDONLY);
#else
		errno = ENOSYS;
		return -1;
#endif
	case DOOR_OPENAT:
		return syscall(SYS_openat, AT_FDCWD, PROC_FILE, O_RDONLY);
	case DOOR_OPENAT2:
		return syscall(SYS_openat2, AT_FDCWD, PROC_FILE, &how,
			       sizeof(how));
	case DOOR_CLONE3:
	case DOOR_FORK:
		ret = d == DOOR_CLONE3 ?
			      syscall(SYS_clone3, &ca, sizeof(ca)) :
			      syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
		if (ret == 0)
			_exit(0);	/* the new process: done */
		if (ret > 0)
			waitpid((pid_t)ret, NULL, 0);
		return ret;
	case DOOR_INT80:
		return int80(I386_GETPPID, 0, 0, 0);
	case DOOR_EXECVE:
	case DOOR_EXECVEAT_FD:
	case DOOR_EXECVEAT_PATH:
		return exec_door(d);
	case DOOR_URING_OPENAT:
		return sc_uring(SC_URING_OPENAT, PROC_FILE, &stage);
	case DOOR_URING_OPENAT2:
		return sc_uring(SC_URING_OPENAT2, PROC_FILE, &stage);
	case DOOR_URING_SOCKET:
		return sc_uring(SC_URING_SOCKET, NULL, &stage);
	case DOOR_SOCKET:
		return syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	case DOOR_I386_SOCKET:
		return int80(I386_SOCKET, AF_INET, SOCK_STREAM, 0);
	case DOOR_SOCKETCALL_INET:
	case DOOR_SOCKETCALL_UNIX:
		if (!low_args) {
			errno = ENOMEM;
			return -1;
		}
		low_args[0] = d == DOOR_SOCKETCALL_INET ? AF_INET : AF_UNIX;
		low_args[1] = SOCK_STREAM;
		low_args[2] = 0;
		return int80(I386_SOCKETCALL, SYS_SOCKET,
			     (long)(unsigned long)low_args, 0);
	case DOOR_X32:
#if defined(__x86_64__)
		return syscall(X32_BIT | SYS_getpid);
#endif
		errno = ENOSYS;
		return -1;
	case DOOR_CREAT:
#ifdef SYS_creat
		return syscall(SYS_creat, NULL_FILE, 0666);
#endif
		errno = ENOSYS;
		return -1;
	case DOOR_OPEN_BY_HANDLE:
		return handle_door();
	case DOOR_SOCKET_HIGH:
		return syscall(SYS_socket, HIGH | AF_INET, SOCK_STREAM, 0);
	case DOOR_TIOCSTI:
	case DOOR_TIOCSTI_HIGH: {
		int tty = own_tty();

		if (tty < 0)
			return -1;
		return syscall(SYS_ioctl, tty,
			       (d == DOOR_TIOCSTI_HIGH ? HIGH : 0) | TIOCSTI, "x");
	}
	default:
		errno = EINVAL;
		return -1;
	}
}

/* ---- the filters ----------------------------------------------------------- */

enum { NONE, DENY, ALLOW };

struct filter {
	int kind;			/* NONE: no filter at all */
	const char *const *names;	/* denied, or allowed: NULL-terminated */
	bool x86;			/* the i386 table named as well */
	int socket_family;		/* a rule on socket's family, if not 0 */
	unsigned long ioctl_request;	/* a rule on ioctl's request, if not 0 */
};

static int build_and_load(const struct filter *f)
{
	uint32_t match = f->kind == ALLOW ? SCMP_ACT_ALLOW :
					    SCMP_ACT_ERRNO(EACCES);
	scmp_filter_ctx ctx;
	int rc = 0;

	if (f->kind == NONE)
		return 0;
	ctx = seccomp_init(f->kind == ALLOW ? SCMP_ACT_ERRNO(EACCES) :
					      SCMP_ACT_ALLOW);
	if (!ctx)
		return -1;
	if (f->x86)
		rc = seccomp_arch_add(ctx, SCMP_ARCH_X86);
	for (const char *const *n = f->names; n && *n && !rc; n++)
		rc = seccomp_rule_add(ctx, match,
				      seccomp_syscall_resolve_name(*n), 0);
	if (!rc && f->socket_family) {
		struct scmp_arg_cmp family = {
			.arg = 0, .op = SCMP_CMP_EQ,
			.datum_a = (scmp_datum_t)f->socket_family, .datum_b = 0
		};

		rc = seccomp_rule_add_array(ctx, match, SCMP_SYS(socket), 1,
					    &family);
	}
	if (!rc && f->ioctl_request) {
		/* compared on all 64 bits, as libseccomp and crun do */
		struct scmp_arg_cmp req = {
			.arg = 1, .op = SCMP_CMP_EQ,
			.datum_a = (scmp_datum_t)f->ioctl_request, .datum_b = 0
		};

		rc = seccomp_rule_add_array(ctx, match, SCMP_SYS(ioctl), 1,
					    &req);
	}
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

struct attempt {
	const struct filter *f;
	enum door door;
};

static void child_door(void *arg, struct report *r)
{
	const struct attempt *a = arg;

	if (build_and_load(a->f)) {
		r->ret = -2;
		return;
	}
	errno = 0;
	r->ret = try_door(a->door);
	r->err = r->ret < 0 ? errno : 0;
}

#define NO_ANSWER (-100000)

/*
 * Tries door d under f and says what happened, as a code: 0 it went
 * through, -errno it was refused, 128 + signal the child was killed
 * (NO_ANSWER: the child said nothing we understand).
 */
static int attempt(const struct filter *f, enum door d, char *how,
		   size_t len)
{
	struct attempt a = { f, d };
	struct outcome o;

	sc_in_child(child_door, &a, &o);
	/* a report is the attempt's outcome, even if the child died after
	 * it (a sanitizer's exit path under an allow-list) */
	if (o.killed && (!o.reported || o.r.ret == -2)) {
		snprintf(how, len, "killed by SIG%s", sigabbrev_np(o.sig));
		return 128 + o.sig;
	}
	if (!o.reported && o.exited && o.code == EXEC_CODE) {
		snprintf(how, len, "went through (became /bin/sh, exit %d)",
			 EXEC_CODE);
		return 0;
	}
	if (!o.reported || o.r.ret == -2) {
		snprintf(how, len, "no answer (the filter could not be built?)");
		return NO_ANSWER;
	}
	if (o.r.ret >= 0) {
		snprintf(how, len, "went through");
		return 0;
	}
	snprintf(how, len, "refused: %s",
		 o.r.err ? strerrorname_np(o.r.err) : "raw error");
	return -o.r.err;
}

/* ---- the cases ------------------------------------------------------------- */

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* just enough to report and exit: everything else is refused */
#define ALLOW_BASE "write", "exit_group", "exit", "rt_sigreturn", "getppid", \
		   "wait4"

static const struct filter f_none = { NONE, NULL, false, 0, 0 };
static const struct filter f_open = { DENY, L("open"), false, 0, 0 };
static const struct filter f_all_open = { DENY, L("open", "openat", "openat2"),
					  false, 0, 0 };
static const struct filter f_fork = { DENY, L("fork", "vfork", "clone"),
				      false, 0, 0 };
static const struct filter f_all_fork = {
	DENY, L("fork", "vfork", "clone", "clone3"), false, 0, 0 };
static const struct filter f_getppid = { DENY, L("getppid"), false, 0, 0 };
static const struct filter f_getpid = { DENY, L("getpid"), false, 0, 0 };
static const struct filter f_execve = { DENY, L("execve"), false, 0, 0 };
static const struct filter f_all_exec = { DENY, L("execve", "execveat"),
					  false, 0, 0 };
static const struct filter f_socket = { DENY, L("socket"), false, 0, 0 };
static const struct filter f_inet_x86 = { DENY, NULL, true, AF_INET, 0 };
static const struct filter f_allow = { ALLOW, L(ALLOW_BASE), false, 0, 0 };
static const struct filter f_allow_uring = {
	ALLOW, L(ALLOW_BASE, "io_uring_setup", "io_uring_enter", "mmap"),
	false, 0, 0 };
static const struct filter f_allow_unix_x86 = { ALLOW, L(ALLOW_BASE), true,
						AF_UNIX, 0 };
static const struct filter f_inet = { DENY, NULL, false, AF_INET, 0 };
static const struct filter f_tiocsti = { DENY, NULL, false, 0, TIOCSTI };

struct door_case {
	const char *key;	/* extra door_KEY */
	const char *what;	/* the filter, for the note */
	const struct filter *f;
	enum door door;
	int want;		/* 0 through, -errno refused, 128+sig killed */
};

#define THROUGH 0
#define REFUSED (-EACCES)
#define KILLED (128 + SIGSYS)

static const struct door_case cases[] = {
	{ "open_openat", "deny {open}", &f_open, DOOR_OPENAT, THROUGH },
	{ "open_openat2", "deny {open}", &f_open, DOOR_OPENAT2, THROUGH },
	{ "allopen_open", "deny {open, openat, openat2}", &f_all_open, DOOR_OPEN, REFUSED },
	{ "allopen_openat", "deny {open, openat, openat2}", &f_all_open, DOOR_OPENAT, REFUSED },
	{ "allopen_openat2", "deny {open, openat, openat2}", &f_all_open, DOOR_OPENAT2, REFUSED },
	{ "allopen_uring_openat", "deny {open, openat, openat2}", &f_all_open, DOOR_URING_OPENAT, THROUGH },
	{ "allopen_creat", "deny {open, openat, openat2}", &f_all_open, DOOR_CREAT, THROUGH },
	{ "allopen_open_by_handle", "deny {open, openat, openat2}", &f_all_open, DOOR_OPEN_BY_HANDLE, THROUGH },
	{ "inet_socket_high", "deny {socket(AF_INET)}, 64-bit compare", &f_inet, DOOR_SOCKET_HIGH, THROUGH },
	{ "tiocsti_tiocsti", "deny {ioctl(TIOCSTI)}, 64-bit compare", &f_tiocsti, DOOR_TIOCSTI, REFUSED },
	{ "tiocsti_tiocsti_high", "deny {ioctl(TIOCSTI)}, 64-bit compare", &f_tiocsti, DOOR_TIOCSTI_HIGH, THROUGH },
	{ "allopen_uring_openat2", "deny {open, openat, openat2}", &f_all_open, DOOR_URING_OPENAT2, THROUGH },
	{ "socket_socket", "deny {socket}", &f_socket, DOOR_SOCKET, REFUSED },
	{ "socket_uring_socket", "deny {socket}", &f_socket, DOOR_URING_SOCKET, THROUGH },
	{ "fork_clone3", "deny {fork, vfork, clone}", &f_fork, DOOR_CLONE3, THROUGH },
	{ "allfork_clone3", "deny {fork, vfork, clone, clone3}", &f_all_fork, DOOR_CLONE3, REFUSED },
	{ "execve_execve", "deny {execve}", &f_execve, DOOR_EXECVE, REFUSED },
	{ "execve_execveat_fd", "deny {execve}", &f_execve, DOOR_EXECVEAT_FD, THROUGH },
	{ "execve_execveat_path", "deny {execve}", &f_execve, DOOR_EXECVEAT_PATH, THROUGH },
	{ "allexec_execveat_fd", "deny {execve, execveat}", &f_all_exec, DOOR_EXECVEAT_FD, REFUSED },
	{ "getppid_int80", "deny {getppid}, x86-64 only", &f_getppid, DOOR_INT80, KILLED },
	{ "inet_socket", "deny {socket(AF_INET)}, x86-64+x86", &f_inet_x86, DOOR_SOCKET, REFUSED },
	{ "inet_i386_socket", "deny {socket(AF_INET)}, x86-64+x86", &f_inet_x86, DOOR_I386_SOCKET, REFUSED },
	{ "inet_socketcall_inet", "deny {socket(AF_INET)}, x86-64+x86", &f_inet_x86, DOOR_SOCKETCALL_INET, REFUSED },
	{ "inet_socketcall_unix", "deny {socket(AF_INET)}, x86-64+x86", &f_inet_x86, DOOR_SOCKETCALL_UNIX, REFUSED },
	{ "allowunix_socketcall_inet", "allow {socket(AF_UNIX)}, x86-64+x86", &f_allow_unix_x86, DOOR_SOCKETCALL_INET, THROUGH },
	{ "allowunix_i386_socket", "allow {socket(AF_UNIX)}, x86-64+x86", &f_allow_unix_x86, DOOR_I386_SOCKET, REFUSED },
	{ "none_x32", "no filter", &f_none, DOOR_X32, THROUGH },
	{ "getpid_x32", "deny {getpid}, x86-64 only", &f_getpid, DOOR_X32, KILLED },
	{ "allowuring_uring_openat", "allow {..., io_uring_setup, _enter}", &f_allow_uring, DOOR_URING_OPENAT, THROUGH },
	{ "allowuring_uring_socket", "allow {..., io_uring_setup, _enter}", &f_allow_uring, DOOR_URING_SOCKET, THROUGH },
	{ "allow_open", "allow-list", &f_allow, DOOR_OPEN, REFUSED },
	{ "allow_openat", "allow-list", &f_allow, DOOR_OPENAT, REFUSED },
	{ "allow_openat2", "allow-list", &f_allow, DOOR_OPENAT2, REFUSED },
	{ "allow_clone3", "allow-list", &f_allow, DOOR_CLONE3, REFUSED },
	{ "allow_fork", "allow-list", &f_allow, DOOR_FORK, REFUSED },
	{ "allow_execveat", "allow-list", &f_allow, DOOR_EXECVEAT_FD, REFUSED },
	{ "allow_uring_openat", "allow-list", &f_allow, DOOR_URING_OPENAT, REFUSED },
	{ "allow_int80", "allow-list", &f_allow, DOOR_INT80, KILLED },
	{ "allow_x32", "allow-list", &f_allow, DOOR_X32, KILLED },
};

static bool is_int80(enum door d)
{
	return d == DOOR_INT80 || d == DOOR_I386_SOCKET ||
	       d == DOOR_SOCKETCALL_INET || d == DOOR_SOCKETCALL_UNIX;
}

/*
 * A door this ISA does not have at all (user/isa/arch.h names the ISA): the
 * tables of arm64 and riscv64 start at openat, and int 0x80 and x32 are
 * x86's.  NULL: the ISA has it.
 */
static const char *absent_on_isa(enum door d)
{
#ifndef SYS_open
	if (d == DOOR_OPEN)
		return ML_ARCH_NAME " has no open(2): its table has only openat";
#endif
#ifndef SYS_creat
	if (d == DOOR_CREAT)
		return ML_ARCH_NAME " has no creat(2): its table has only openat";
#endif
#if !defined(__x86_64__)
	if (is_int80(d))
		return "int 0x80 and the i386 table are x86's, not " ML_ARCH_NAME "'s";
	if (d == DOOR_X32)
		return "x32 numbers are x86-64's, not " ML_ARCH_NAME "'s";
#endif
	(void)d;
	return NULL;
}

/* Why door d is missing here, once tried without a filter; NULL: it works. */
static const char *missing(enum door d, char *buf, size_t len)
{
	static int known[NDOORS];	/* 0 untried, 1 works, -1 missing */
	static char why[NDOORS][256];
	char how[128];
	int got;

	if (!known[d]) {
		char hint[96] = "";
		FILE *f;

		got = attempt(&f_none, d, how, sizeof(how));
		known[d] = got == 0 ? 1 : -1;
		if (d == DOOR_X32 && got == -ENOSYS)
			snprintf(hint, sizeof(hint), ": this kernel has no x32 ABI (CONFIG_X86_X32_ABI, syscall.x32=y)");
		if (is_int80(d) && got == 128 + SIGSEGV)
			snprintf(hint, sizeof(hint), ": this kernel runs no 32-bit calls (CONFIG_IA32_EMULATION off, or ia32_emulation=0)");
		if (d >= DOOR_URING_OPENAT && d <= DOOR_URING_SOCKET &&
		    got < 0 && got != NO_ANSWER) {
			int off = -1;

			f = fopen("/proc/sys/kernel/io_uring_disabled", "r");
			if (f && fscanf(f, "%d", &off) != 1)
				off = -1;
			if (f)
				fclose(f);
			if (off > 0)
				snprintf(hint, sizeof(hint), ": io_uring is off here (kernel.io_uring_disabled = %d)",
					 off);
			else
				snprintf(hint, sizeof(hint), ": io_uring is off or too old here (5.6 for OPENAT2, 5.19 for SOCKET)");
		}
		snprintf(why[d], sizeof(why[d]), "without any filter it was %s%s",
			 how, hint);
	}
	if (known[d] > 0)
		return NULL;
	snprintf(buf, len, "%s", why[d]);
	return buf;
}

static void prepare(void)
{
	void *p;

	if (sh_fd < 0)
		sh_fd = open("/bin/sh", O_PATH | O_CLOEXEC);
	if (dev_fd < 0)
		dev_fd = open("/dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!low_args) {
#ifdef MAP_32BIT
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		low_args = p == MAP_FAILED ? NULL : p;
#else
		(void)p;
#endif
	}
}

const char *demo_doors(struct ml_result *res)
{
	const char *why = NULL;
	size_t leaks = 0, skipped = 0, shut = 0;
	char key[64], how[128], skip[320];

	prepare();
	for (size_t i = 0; i < ML_ARRAY_SIZE(cases); i++) {
		const struct door_case *c = &cases[i];
		int got;

		snprintf(key, sizeof(key), "door_%s", c->key);
		if (absent_on_isa(c->door)) {
			ml_result_note(res, "%-37s %-41s SKIP: %s", c->what,
				       door_names[c->door],
				       absent_on_isa(c->door));
			skipped++;
			continue;
		}
		/* a door that should open but is missing here: skipped */
		if (c->want == THROUGH && missing(c->door, skip, sizeof(skip))) {
			ml_result_note(res, "%-37s %-41s SKIP: %s", c->what,
				       door_names[c->door], skip);
			skipped++;
			continue;
		}
		got = attempt(c->f, c->door, how, sizeof(how));
		/*
		 * A door missing here may stop a call before any filter sees
		 * it (int 0x80 without 32-bit support faults in the entry):
		 * such an outcome says nothing about the filter.
		 */
		if (got != c->want && missing(c->door, skip, sizeof(skip))) {
			ml_result_note(res, "%-37s %-41s SKIP: %s", c->what,
				       door_names[c->door], skip);
			skipped++;
			continue;
		}
		ml_result_note(res, "%-37s %-41s %s%s", c->what,
			       door_names[c->door], how,
			       got == 0 && c->f->kind != NONE ?
				       "  <- leaks" : "");
		ml_result_extra(res, key, key, got);
		leaks += got == 0 && c->f->kind != NONE;
		shut += got != 0;
		if (got != c->want && !why)
			why = got == 0 ? "a door the filter should shut stayed open" :
			      c->want == 0 ? "a door a deny-list leaves open was shut" :
					     "a door was shut, but not the way the notes say";
	}
	if (sh_fd >= 0)
		close(sh_fd);
	if (dev_fd >= 0)
		close(dev_fd);
	dev_fd = -1;
	if (low_args)
		munmap(low_args, 4096);
	sh_fd = -1;
	low_args = NULL;
	ml_result_extra(res, "doors_open", "attempts that went through a filter",
			(double)leaks);
	ml_result_extra(res, "doors_shut", "attempts a filter stopped",
			(double)shut);
	ml_result_extra(res, "doors_skipped", "doors missing here, skipped",
			(double)skipped);
	ml_result_note(res, "outcomes: door_KEY extras are 0 went through, -errno refused, 128+signal killed");
	ml_result_note(res, "int 0x80 enters the 32-bit table (getppid is 64 there, not 110); libseccomp checks");
	ml_result_note(res, "seccomp_data.arch first and kills a call from an architecture the filter does not name,");
	ml_result_note(res, "and an x86-64 filter kills x32 numbers (0x40000000 set) even where the kernel has no x32.");
	ml_result_note(res, "socketcall hides socket's arguments behind a pointer: for a rule on socket's family,");
	ml_result_note(res, "libseccomp's x86 filter tests only socketcall's first argument (SYS_SOCKET), so the deny");
	ml_result_note(res, "refuses every family through socketcall, and the allow lets every family through.");
	ml_result_note(res, "The kernel reads an int argument's low 32 bits; libseccomp compares all 64: bit 32 set passes a");
	ml_result_note(res, "rule on socket's family or ioctl's request (modelab sandbox compares the low bits: docs/sandbox.md).");
	ml_result_note(res, "io_uring's operations run in the kernel without passing the syscall table: a filter that");
	ml_result_note(res, "allows io_uring_setup and io_uring_enter allows every operation; only leaving them out stops it.");
	return why;
}
