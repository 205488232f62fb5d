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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

#endif
