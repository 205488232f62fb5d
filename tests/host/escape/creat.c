// SPDX-License-Identifier: GPL-2.0
/*
 * creat.c - a door beside open, openat and openat2: creat(2) opens (and
 * truncates) a file too.  Run under `--deny open,openat,openat2` with
 * PATH, a file to create.  ESCAPED when creat gave a descriptor.
 */
#include "attempt.h"

#include <sys/syscall.h>

int main(int argc, char **argv)
{
	long fd;

	if (argc != 2) {
		fprintf(stderr, "usage: creat PATH\n");
		return 2;
	}
	fd = syscall(SYS_creat, argv[1], 0644);
	if (fd < 0)
		HELD("creat %s: %s", argv[1], ename(errno));
	unlink(argv[1]);
	ESCAPED("creat gave descriptor %ld for %s", fd, argv[1]);
}
