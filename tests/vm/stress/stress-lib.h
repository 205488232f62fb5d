/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stress-lib.h - what the lab VM's stress programs share: a clock, a
 * deadline, a command to /proc/modelab, a watched count read back, and
 * the exit-status check.  Header-only: each program is one static file
 * built by tests/vm/run.sh for the guest, which has no libc of its own.
 */
#ifndef STRESS_LIB_H
#define STRESS_LIB_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROC_FILE "/proc/modelab"

static inline long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* deadline(S): S seconds from now; past(D): is it over? */
static inline long long deadline(long seconds)
{
	return now_ns() + seconds * 1000000000LL;
}

static inline int past(long long d)
{
	return now_ns() >= d;
}

static inline void getppid_n(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
}

/* proc_cmd(TEXT): write TEXT in one write(2); 0 or the errno */
static inline int proc_cmd(const char *text)
{
	int fd = open(PROC_FILE, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, text, strlen(text)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* watched(ROW): ROW's value in the watched table, or -1 */
static inline long long watched(const char *row)
{
	char line[256], name[64];
	long long v, found = -1;
	int in_watched = 0;
	FILE *f = fopen(PROC_FILE, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "watched", 7)) {
			in_watched = 1;
			continue;
		}
		if (in_watched && sscanf(line, "%63s %lld", name, &v) == 2 &&
		    !strcmp(name, row))
			found = v;
	}
	fclose(f);
	return found;
}

/* reaped_ok(PID): wait for PID; 1 if it exited 0 */
static inline int reaped_ok(pid_t pid)
{
	int st;

	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0;
}

/*
 * STRESS_WATCH=tree or =one in the environment: watch ourselves (watch-tree
 * or watch) before anything else, so every event of ours is in the count.
 */
static inline void watch_self(void)
{
	const char *how = getenv("STRESS_WATCH");
	char cmd[48];
	int r;

	if (!how)
		return;
	snprintf(cmd, sizeof(cmd), "%s %d", strcmp(how, "tree") ? "watch" :
		 "watch-tree", getpid());
	r = proc_cmd(cmd);
	if (r) {
		printf("FAILED %s: %s\n", cmd, strerror(r));
		exit(1);
	}
}

static inline long arg_long(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0) {
		fprintf(stderr, "bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

#endif /* STRESS_LIB_H */
