// SPDX-License-Identifier: GPL-2.0
/*
 * open_by_handle.c - a door beside open, openat and openat2:
 * name_to_handle_at(SECRET) gives a handle, open_by_handle_at opens it
 * (CAP_DAC_READ_SEARCH; crun's and Docker's default capabilities leave it
 * out).  Run under `--deny open,openat,openat2` with SECRET.
 */
#include "attempt.h"

#include <fcntl.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	struct {
		struct file_handle h;
		unsigned char bytes[MAX_HANDLE_SZ];
	} fh;
	char secret[256];
	int mount_id, fd;

	if (argc != 2 || argv[1][0] != '/') {
		fprintf(stderr, "usage: open_by_handle /PATH/TO/SECRET\n");
		return 2;
	}
	/* the mount descriptor: our working directory, on SECRET's file system */
	snprintf(secret, sizeof(secret), "%s", argv[1]);
	*strrchr(secret, '/') = '\0';
	if (chdir(secret))
		SKIP("chdir %s: %s", secret, ename(errno));
	fh.h.handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, argv[1], &fh.h, &mount_id, 0))
		HELD("name_to_handle_at: %s", ename(errno));
	fd = (int)syscall(SYS_open_by_handle_at, AT_FDCWD, &fh.h, O_RDONLY);
	if (fd < 0)
		HELD("open_by_handle_at: %s", ename(errno));
	if (!first_line(fd, secret, sizeof(secret)))
		strcpy(secret, "(unreadable)");
	ESCAPED("open_by_handle_at opened it: %s", secret);
}
