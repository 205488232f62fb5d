// SPDX-License-Identifier: GPL-2.0
/*
 * labs/lab4-allowlist/doors.c - the grader's door test (lab 4): run under
 * the student's profile, it tries one door a deny-list is known to leave
 * open (probes/seccomp/doors.c shows them all) and says what happened:
 *
 *	doors DOOR SECRET
 *
 * prints "ready" (the C library started: the profile lets a static program
 * run), then tries DOOR and prints "refused ERRNO" when the call came back
 * refused, or "went through" (and, for an open, the file's contents) when
 * it did not; exit 0 or 3.  Killed by the filter, it prints nothing more:
 * the grader reads 128 + the signal from `modelab sandbox`.  An exec door
 * that goes through becomes `sh -c 'exit 42'`: status 42 when the shell
 * ran.  Built static and non-PIE, so SECRET copied into .bss lies below
 * 4 GiB, where int 0x80 and x32 can pass a pointer.  The doors: open,
 * openat, openat2 (SECRET), execve, execveat (/bin/sh), clone3,
 * io_uring_setup, socket (AF_INET), int80 (i386 open of SECRET, nr 5), x32
 * (openat of SECRET, 0x40000000|257).  Run without a filter, it tells the
 * grader whether this kernel has the door at all.
 *
 * Beyond those the handout names, doors a profile written only against
 * them leaves open, each a call `lines` never makes: fork, clone (the old
 * call, not clone3), socketpair (AF_UNIX), ptrace (PTRACE_TRACEME),
 * process_vm_readv (of its own memory), memfd_create, keyctl (its keyring's
 * id), kill (signal 0 to its parent), personality (a query), unshare (a
 * user namespace), name_to_handle_at (of SECRET), perf_event_open (a
 * software counter of itself), userfaultfd and bpf (a tiny array map).
 * Which of them the grader tries is the teacher's (labs/LAB/teacher/).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/bpf.h>
#include <linux/openat2.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define X32_BIT 0x40000000	/* __X32_SYSCALL_BIT */
#define I386_OPEN 5

static char secret[4096];	/* .bss of a non-PIE static program: < 4 GiB */

static void say(const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(1, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

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
	ret = (int)ret;
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

/* the outcome of a call that returns: refused, or went through */
static int outcome(long ret, int fd_to_read)
{
	char buf[4096], line[160];
	ssize_t n;

	if (ret < 0) {
		snprintf(line, sizeof(line), "refused %s\n",
			 strerrorname_np(errno) ? strerrorname_np(errno) : "?");
		say(line);
		return 0;
	}
	say("went through\n");
	if (fd_to_read) {
		while ((n = read((int)ret, buf, sizeof(buf) - 1)) > 0) {
			buf[n] = '\0';
			say(buf);
		}
	}
	return 3;
}

/* A door that made a process: the new one leaves at once. */
static int child_door(long r)
{
	if (r == 0)
		_exit(0);
	return outcome(r, 0);
}

/* the doors the handout does not name */
static int more_doors(const char *d)
{
	char buf[64], out[64];
	struct iovec local = { out, sizeof(out) }, remote = { buf, sizeof(buf) };
	struct perf_event_attr pe;
	union bpf_attr ba;
	struct {
		unsigned int bytes;
		int type;
		unsigned char h[128];
	} fh = { .bytes = 128 };
	int sv[2], mnt;

	if (!strcmp(d, "fork"))
		return child_door(syscall(SYS_fork));
	if (!strcmp(d, "clone"))
		return child_door(syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0));
	if (!strcmp(d, "socketpair"))
		return outcome(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv), 0);
	if (!strcmp(d, "ptrace"))
		return outcome(syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0), 0);
	if (!strcmp(d, "process_vm_readv"))
		return outcome(syscall(SYS_process_vm_readv, getpid(), &local, 1,
				       &remote, 1, 0), 0);
	if (!strcmp(d, "memfd_create"))
		return outcome(syscall(SYS_memfd_create, "door", 0), 0);
	if (!strcmp(d, "keyctl"))	/* KEYCTL_GET_KEYRING_ID, the process keyring */
		return outcome(syscall(SYS_keyctl, 0, -2, 1), 0);
	if (!strcmp(d, "kill"))
		return outcome(syscall(SYS_kill, getppid(), 0), 0);
	if (!strcmp(d, "personality"))
		return outcome(syscall(SYS_personality, 0xffffffffUL), 0);
	if (!strcmp(d, "unshare"))
		return outcome(syscall(SYS_unshare, CLONE_NEWUSER), 0);
	if (!strcmp(d, "name_to_handle_at"))
		return outcome(syscall(SYS_name_to_handle_at, AT_FDCWD, secret,
				       &fh, &mnt, 0), 0);
	if (!strcmp(d, "perf_event_open")) {
		memset(&pe, 0, sizeof(pe));
		pe.type = PERF_TYPE_SOFTWARE;
		pe.size = sizeof(pe);
		pe.config = PERF_COUNT_SW_TASK_CLOCK;
		pe.exclude_kernel = 1;
		pe.exclude_hv = 1;
		return outcome(syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0), 0);
	}
	if (!strcmp(d, "userfaultfd"))
		return outcome(syscall(SYS_userfaultfd, 1 /* UFFD_USER_MODE_ONLY */), 0);
	if (!strcmp(d, "bpf")) {
		memset(&ba, 0, sizeof(ba));
		ba.map_type = BPF_MAP_TYPE_ARRAY;
		ba.key_size = 4;
		ba.value_size = 4;
		ba.max_entries = 1;
		return outcome(syscall(SYS_bpf, BPF_MAP_CREATE, &ba, sizeof(ba)), 0);
	}
	say("unknown door\n");
	return 2;
}

int main(int argc, char **argv)
{
	char *const sh_argv[] = { "sh", "-c", "exit 42", NULL };
	char *const envp[] = { NULL };
	struct open_how how = { .flags = O_RDONLY };
	struct clone_args ca = { .exit_signal = SIGCHLD };
	struct io_uring_params up;
	const char *d;
	long r;

	if (argc != 3 || strlen(argv[2]) >= sizeof(secret)) {
		say("usage: doors DOOR SECRET\n");
		return 2;
	}
	d = argv[1];
	strcpy(secret, argv[2]);
	say("ready\n");
	if (!strcmp(d, "open"))
		return outcome(syscall(SYS_open, secret, O_RDONLY), 1);
	if (!strcmp(d, "openat"))
		return outcome(syscall(SYS_openat, AT_FDCWD, secret, O_RDONLY), 1);
	if (!strcmp(d, "openat2"))
		return outcome(syscall(SYS_openat2, AT_FDCWD, secret, &how,
				       sizeof(how)), 1);
	if (!strcmp(d, "execve"))
		return outcome(syscall(SYS_execve, "/bin/sh", sh_argv, envp), 0);
	if (!strcmp(d, "execveat"))
		return outcome(syscall(SYS_execveat, AT_FDCWD, "/bin/sh",
				       sh_argv, envp, 0), 0);
	if (!strcmp(d, "clone3")) {
		r = syscall(SYS_clone3, &ca, sizeof(ca));
		if (r == 0)
			_exit(0);	/* the new process */
		return outcome(r, 0);
	}
	if (!strcmp(d, "io_uring_setup")) {
		memset(&up, 0, sizeof(up));
		return outcome(syscall(SYS_io_uring_setup, 1, &up), 0);
	}
	if (!strcmp(d, "socket"))
		return outcome(syscall(SYS_socket, AF_INET, SOCK_STREAM, 0), 0);
	if (!strcmp(d, "int80")) {
#if defined(__x86_64__)
		return outcome(int80(I386_OPEN, (long)(unsigned long)secret,
				     O_RDONLY, 0), 1);
#else
		say("refused ENOSYS (int 0x80 is x86-64's door)\n");
		return 0;
#endif
	}
	if (!strcmp(d, "x32")) {
#if defined(__x86_64__)
		return outcome(syscall(X32_BIT | SYS_openat, AT_FDCWD, secret,
				       O_RDONLY), 1);
#else
		say("refused ENOSYS (x32 is x86-64's door)\n");
		return 0;
#endif
	}
	return more_doors(d);
}
