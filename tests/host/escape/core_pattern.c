// SPDX-License-Identifier: GPL-2.0
/*
 * core_pattern.c - root in the sandbox as root on the host.  Whoever may
 * write /proc/sys/kernel/core_pattern (mode 0644: uid 0 of the host,
 * capabilities or not) can make it "|/path/helper": the kernel then runs
 * the helper on the next crash, outside any sandbox, as root with every
 * capability.  We write back what is there (changing nothing on the
 * host): that the write was accepted is the escape.
 */
#include "attempt.h"

#include <fcntl.h>

int main(void)
{
	const char *path = "/proc/sys/kernel/core_pattern";
	char now[256];
	ssize_t n;
	int fd;

	fd = open(path, O_RDWR);
	if (fd < 0)
		HELD("open %s for writing: %s", path, ename(errno));
	n = read(fd, now, sizeof(now));
	if (n <= 0)
		HELD("read %s: %s", path, n < 0 ? ename(errno) : "empty");
	n = pwrite(fd, now, (size_t)n, 0);
	if (n < 0)
		HELD("write %s: %s", path, ename(errno));
	ESCAPED("wrote %s (its own value back): a crash helper could run as host root",
		path);
}
