// SPDX-License-Identifier: GPL-2.0
/*
 * lines.c - the program lab 4's profile must let run: `lines < FILE`
 * reads its standard input, counts the lines (newline characters) and
 * prints the count on stdout; exit 0.  A read error goes to stderr, exit 1.
 * It opens nothing: the shell opened FILE before the sandbox started, so
 * the profile can refuse open, openat and openat2 outright.  Built static
 * (see the Makefile), so the calls it makes are the C library's start-up
 * and these, the same on every machine with this libc: list them with
 *
 *	strace -f ./lines < lines.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* say FD TEXT: the whole string, with write(2) (no stdio buffer) */
static void say(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

int main(int argc, char **argv)
{
	char buf[4096], out[128];
	unsigned long lines = 0;
	ssize_t n;

	(void)argv;
	if (argc != 1) {
		say(2, "usage: lines < FILE\n");
		return 2;
	}
	while ((n = read(0, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	if (n < 0) {
		snprintf(out, sizeof(out), "lines: cannot read: %s\n",
			 strerror(errno));
		say(2, out);
		return 1;
	}
	snprintf(out, sizeof(out), "%lu\n", lines);
	say(1, out);
	return 0;
}
