// SPDX-License-Identifier: GPL-2.0
/*
 * path_swap.c - the notify supervisor's log, lied to.  Run under `--deny
 * openat --action notify --notify-allow openat` with two readable files
 * A and B and LOG, the file modelab's stderr goes to.  One thread opens
 * A 200 times while another rewrites the path between A and B: the
 * supervisor reads the path from our memory when the call stops, the
 * kernel again once it is let through, and what it logs can be the
 * other one.  Decisions go by syscall number only (no way out there),
 * but a log line that names a file as fact must name the one opened.
 * ESCAPED when a line names a file we did not open without saying it
 * could not know.
 */
#include "attempt.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>

#define CALLS 200

static char path[4096];
static const char *a, *b;
static atomic_int done;

static void *swapper(void *arg)
{
	(void)arg;
	while (!atomic_load(&done)) {
		strcpy(path, b);
		strcpy(path, a);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static char opened[CALLS][4096];
	char fdpath[64], line[8192];
	int n = 0, lies = 0, caveats = 0, lines = 0;
	pthread_t th;
	FILE *log;

	if (argc != 4 || strlen(argv[1]) != strlen(argv[2])) {
		fprintf(stderr, "usage: path_swap A B LOG (A and B of one length)\n");
		return 2;
	}
	a = argv[1];
	b = argv[2];
	strcpy(path, a);
	pthread_create(&th, NULL, swapper, NULL);
	for (int i = 0; i < CALLS; i++) {
		int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
		ssize_t k;

		opened[i][0] = '\0';
		if (fd < 0)
			continue;
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
		k = readlink(fdpath, opened[i], sizeof(opened[i]) - 1);
		opened[i][k > 0 ? k : 0] = '\0';
		close(fd);
	}
	atomic_store(&done, 1);
	pthread_join(th, NULL);
	/* the supervisor's lines for our openat calls, in order */
	log = fopen(argv[3], "re");
	if (!log)
		SKIP("cannot read the log %s: %s", argv[3], ename(errno));
	while (fgets(line, sizeof(line), log) && n < CALLS) {
		const char *named;

		if (!strstr(line, "openat(AT_FDCWD, \""))
			continue;
		if (strstr(line, "/proc/self/fd/"))
			continue;
		lines++;
		named = strstr(line, a) ? a : strstr(line, b) ? b : NULL;
		if (strstr(line, "as read"))
			caveats++;
		else if (named && opened[n][0] && strcmp(named, opened[n]))
			lies++;
		n++;
	}
	fclose(log);
	if (!lines)
		SKIP("no openat line of ours in the log");
	if (lies)
		ESCAPED("%d of %d log lines named a file that was not the one opened",
			lies, lines);
	HELD("%d log lines, none names a wrong file as fact (%d say they name the path as read)",
	     lines, caveats);
}
