// SPDX-License-Identifier: GPL-2.0
/*
 * st-writers - many writers of /proc/modelab at once.
 *
 *   st-writers WRITERS SECONDS
 *
 * WRITERS processes, until SECONDS are up, each write one command after
 * another: mostly 'watch-tree PID' and 'watch PID' with PID picked among
 * the pid numbers in use around now (processes that exist, exit, or are
 * threads), and 'watch off', 'reset', a read of the table, and now and
 * then 'count off' then 'count on'.  Every command is well formed: the
 * only errors allowed are ESRCH (no such process, or not a process),
 * ENOENT and EIO (the module was unloaded before the open, or between the
 * open and the write: procfs answers EIO for a removed entry).  Prints
 * "writers COMMANDS OK ESRCH GONE" and exits 1 on any other outcome.
 */
#include "stress-lib.h"

#include <sys/mman.h>

struct tally {
	long n, ok, esrch, enoent, other;
	int other_errno;
	char other_cmd[48];
};

static long last_pid(void)
{
	FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "r");
	long v = 300;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = 300;
		fclose(f);
	}
	return v;
}

static void writer(struct tally *t, long seconds, unsigned int seed)
{
	long long end = deadline(seconds);
	char cmd[48], buf[4096];
	int r, fd;

	while (!past(end)) {
		unsigned int x = rand_r(&seed) % 100;
		long pid = 1 + rand_r(&seed) % (last_pid() + 16);

		if (x < 50)
			snprintf(cmd, sizeof(cmd), "watch-tree %ld", pid);
		else if (x < 75)
			snprintf(cmd, sizeof(cmd), "watch %ld", pid);
		else if (x < 85)
			snprintf(cmd, sizeof(cmd), "watch off");
		else if (x < 90)
			snprintf(cmd, sizeof(cmd), "reset");
		else if (x < 99) {
			fd = open(PROC_FILE, O_RDONLY);
			if (fd >= 0) {
				while (read(fd, buf, sizeof(buf)) > 0)
					;
				close(fd);
			}
			continue;
		} else {
			snprintf(cmd, sizeof(cmd), "count %s",
				 rand_r(&seed) & 1 ? "off" : "on");
		}
		r = proc_cmd(cmd);
		t->n++;
		if (!r)
			t->ok++;
		else if (r == ESRCH)
			t->esrch++;
		else if (r == ENOENT || r == EIO)	/* unloaded before open, or */
			t->enoent++;			/* between open and write */
		else {
			t->other++;
			t->other_errno = r;
			snprintf(t->other_cmd, sizeof(t->other_cmd), "%s", cmd);
		}
	}
	/* Leave counting on for whoever checks the counts next. */
	proc_cmd("count on");
}

int main(int argc, char **argv)
{
	struct tally *t, sum = { 0 };
	long writers, seconds;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: st-writers WRITERS SECONDS\n");
		return 2;
	}
	writers = arg_long(argv[1], "WRITERS");
	seconds = arg_long(argv[2], "SECONDS");
	t = mmap(NULL, writers * sizeof(*t), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return 1;
	memset(t, 0, writers * sizeof(*t));
	for (long i = 0; i < writers; i++) {
		pid = fork();
		if (pid == 0) {
			writer(&t[i], seconds, (unsigned int)(i * 7919 + getpid()));
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	for (long i = 0; i < writers; i++) {
		sum.n += t[i].n;
		sum.ok += t[i].ok;
		sum.esrch += t[i].esrch;
		sum.enoent += t[i].enoent;
		sum.other += t[i].other;
		if (t[i].other)
			printf("FAILED writers: '%s' got %s\n", t[i].other_cmd,
			       strerror(t[i].other_errno));
	}
	printf("writers %ld %ld %ld %ld\n", sum.n, sum.ok, sum.esrch, sum.enoent);
	return sum.other ? 1 : 0;
}
