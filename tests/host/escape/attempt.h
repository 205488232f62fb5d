/* SPDX-License-Identifier: GPL-2.0 */
/*
 * attempt.h - what every escape attempt shares: one verdict line and the
 * exit.  An attempt runs as the COMMAND of `modelab sandbox` and prints
 * exactly one of
 *
 *   HELD: what stopped it          the sandbox kept its promise
 *   ESCAPED: what it got           it did not
 *   SKIP: why it cannot run here   a kernel feature missing, say
 *
 * then exits 0 (tests/host/escape.sh reads the line, never the status).
 * Built static: a sandbox may refuse the calls a dynamic loader makes.
 */
#ifndef ESCAPE_ATTEMPT_H
#define ESCAPE_ATTEMPT_H

#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void __attribute__((noreturn, format(printf, 2, 3)))
verdict(const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(0);
}

#define HELD(...) verdict("HELD", __VA_ARGS__)
#define ESCAPED(...) verdict("ESCAPED", __VA_ARGS__)
#define SKIP(...) verdict("SKIP", __VA_ARGS__)

/* "EPERM" for errno e: short, exact, greppable */
static inline const char *ename(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "?";
}

/* The first line of a file (a secret), or NULL; at most len - 1 bytes. */
static inline char *first_line(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/*
 * A filter of the attempt's own: openat gets action, the rest is allowed.
 * Installed with flags (SECCOMP_FILTER_FLAG_NEW_LISTENER: returns the
 * listener); -1 with errno when refused.
 */
static inline int own_openat_filter(unsigned int action, unsigned int flags)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

#endif
