// SPDX-License-Identifier: GPL-2.0
/*
 * tiocsti.c - typing into the terminal the command shares with the shell
 * that started modelab (bubblewrap's CVE-2017-5226).  ioctl(0, TIOCSTI,
 * &c) pushes c into the terminal's input queue: the shell reads the line
 * after modelab exits and runs it outside the sandbox.  The kernel lets a
 * process do it to its controlling terminal only (else CAP_SYS_ADMIN),
 * and only while dev.tty.legacy_tiocsti is 1.  Tried on stdin, on
 * /dev/tty, and with bits above 32 set in the request (the kernel reads
 * an unsigned int; flatpak's CVE-2019-10063).  Run on a terminal (the
 * suite makes a pty); LINE is what to type.
 */
#include "attempt.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>

/* Pushes s into fd's input queue; how many characters went in. */
static size_t type_in(int fd, const char *s, unsigned long request, int *err)
{
	size_t n = 0;

	for (; s[n]; n++) {
		if (syscall(SYS_ioctl, fd, request, &s[n])) {
			*err = errno;
			break;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	const unsigned long high = (1UL << 32) | TIOCSTI;
	char line[128];
	int err = 0, err2 = 0, err3 = 0, tty;
	size_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: tiocsti LINE\n");
		return 2;
	}
	if (!isatty(0))
		SKIP("stdin is not a terminal");
	snprintf(line, sizeof(line), "%s\n", argv[1]);
	n = type_in(0, line, TIOCSTI, &err);
	if (n == strlen(line))
		ESCAPED("typed '%s' into the shared terminal (stdin)", argv[1]);
	n = type_in(0, line, high, &err2);
	if (n == strlen(line))
		ESCAPED("typed '%s' into the shared terminal, request with high bits", argv[1]);
	tty = open("/dev/tty", O_RDWR);
	if (tty >= 0) {
		n = type_in(tty, line, TIOCSTI, &err3);
		if (n == strlen(line))
			ESCAPED("typed '%s' into /dev/tty", argv[1]);
	} else {
		err3 = errno;
	}
	if (err == EIO)
		SKIP("TIOCSTI is off for everyone here (dev.tty.legacy_tiocsti = 0): EIO");
	HELD("TIOCSTI on stdin: %s, with high bits: %s; /dev/tty: %s", ename(err),
	     ename(err2), ename(err3));
}
