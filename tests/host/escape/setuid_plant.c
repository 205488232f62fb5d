// SPDX-License-Identifier: GPL-2.0
/*
 * setuid_plant.c - a set-user-ID file for someone outside to run.  In DIR
 * (writable, outside the sandbox's reach otherwise) we create a file, make
 * it ours (fchown to uid 0 of where we are) and set S_ISUID.  Owned by
 * uid 0 of the host it is a root shell for whoever runs it outside (no
 * no_new_privs there).  Our uid 0 may be another on the host (a user
 * namespace): /proc/self/uid_map says which.  The file is removed again.
 */
#include "attempt.h"

#include <fcntl.h>
#include <sys/stat.h>

/* The host uid of uid in our user namespace, or -1 if not mapped. */
static long host_uid(unsigned long uid)
{
	FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long in, out, count;
	long found = -1;

	if (!f)
		return (long)uid;	/* no /proc: take it as it is */
	while (fscanf(f, "%lu %lu %lu", &in, &out, &count) == 3)
		if (uid >= in && uid - in < count)
			found = (long)(out + uid - in);
	fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	char path[4096];
	struct stat st;
	int fd;
	long owner;

	if (argc != 2) {
		fprintf(stderr, "usage: setuid_plant DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/plant-%d", argv[1], (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0755);
	if (fd < 0)
		HELD("create %s: %s", path, ename(errno));
	if (fchown(fd, 0, 0))
		printf("fchown 0: %s\n", ename(errno));
	if (fchmod(fd, 04755))
		printf("fchmod 04755: %s\n", ename(errno));
	if (fstat(fd, &st)) {
		unlink(path);
		HELD("fstat: %s", ename(errno));
	}
	close(fd);
	unlink(path);
	owner = host_uid(st.st_uid);
	if ((st.st_mode & S_ISUID) && owner == 0)
		ESCAPED("planted a set-user-ID file owned by host uid 0 (mode %04o)",
			(unsigned)(st.st_mode & 07777));
	HELD("the file is mode %04o, owned by host uid %ld: no root for whoever runs it",
	     (unsigned)(st.st_mode & 07777), owner);
}
