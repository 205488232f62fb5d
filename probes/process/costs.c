// SPDX-License-Identifier: GPL-2.0
/*
 * probes/process/costs.c - the timed figures: fork-wait (1 MiB, 100 MiB,
 * 1 GiB held), vfork, posix-spawn, fork-exec and thread-create, with the
 * memory the parent holds and the exec'd modelab-exit0.  They check the
 * notes' claim that fork grows with the memory held while vfork,
 * posix_spawn and a thread stay flat.  Their fork(), vfork(),
 * posix_spawn() and waitpid() stay raw: they are what is timed, so no
 * registration (ml_child_fork) runs inside the timed loops; each child
 * exits at once and is waited for before the next, so an interruption
 * leaves none behind.
 */
#define _GNU_SOURCE
#include "process.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096ul
#define MIB (1ul << 20)
#define EXIT0_NAME "modelab-exit0"
#define LIBEXEC_ENV "MODELAB_LIBEXEC"

static char *held;
static size_t held_len;
static uint64_t failures;
volatile uint64_t proc_sink;

/* Bytes a memory cgroup still lets us take (v2 or v1), or -1: no limit. */
static long long cgroup_room(void)
{
	char buf[4096], path[600], *line, *save = NULL;
	long long max = -1, cur = 0;

	if (ml_read_file("/proc/self/cgroup", buf, sizeof(buf)) <= 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char val[64], *cg = strrchr(line, ':');

		if (!cg)
			continue;
		if (!strncmp(line, "0::", 3)) {
			snprintf(path, sizeof(path),
				 "/sys/fs/cgroup%s/memory.max", cg + 1);
			if (ml_read_file(path, val, sizeof(val)) > 0 &&
			    strncmp(val, "max", 3))
				max = atoll(val);
			snprintf(path, sizeof(path),
				 "/sys/fs/cgroup%s/memory.current", cg + 1);
		} else if (strstr(line, ":memory:")) {
			snprintf(path, sizeof(path),
				 "/sys/fs/cgroup/memory%s/memory.limit_in_bytes",
				 cg + 1);
			if (ml_read_file(path, val, sizeof(val)) > 0 &&
			    atoll(val) < (1ll << 60))
				max = atoll(val);
			snprintf(path, sizeof(path),
				 "/sys/fs/cgroup/memory%s/memory.usage_in_bytes",
				 cg + 1);
		} else {
			continue;
		}
		if (max >= 0) {
			if (ml_read_file(path, val, sizeof(val)) > 0)
				cur = atoll(val);
			return max > cur ? max - cur : 0;
		}
	}
	return -1;
}

/* Touches one byte per page: every page gets its own page-table entry. */
ML_NO_ASAN static void touch(char *p, size_t len)
{
	for (size_t off = 0; off < len; off += PAGE)
		((volatile char *)p)[off] = 1;
}

static void release_memory(void)
{
	if (held)
		munmap(held, held_len);
	held = NULL;
	held_len = 0;
}

static const char *hold_memory(size_t mib)
{
	static char why[128];
	long avail = ml_meminfo_kib("MemAvailable:");
	long long room = cgroup_room();
	size_t len = mib * MIB;

	release_memory();
	/* the memory, plus a quarter and 64 MiB for everything else */
	if (avail >= 0 &&
	    (unsigned long long)avail * 1024 < len + len / 4 + 64 * MIB) {
		snprintf(why, sizeof(why),
			 "MemAvailable is %ld MiB: too little to hold %zu MiB",
			 avail / 1024, mib);
		return why;
	}
	if (room >= 0 && (unsigned long long)room < len + len / 4 + 64 * MIB) {
		snprintf(why, sizeof(why),
			 "the memory cgroup leaves %lld MiB: too little to hold %zu MiB",
			 room >> 20, mib);
		return why;
	}
	held = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (held == MAP_FAILED) {
		held = NULL;
		snprintf(why, sizeof(why), "cannot map %zu MiB: %s", mib,
			 strerror(errno));
		return why;
	}
	held_len = len;
	/* 4 KiB pages: a huge page would be one entry for 512 pages */
	madvise(held, len, MADV_NOHUGEPAGE);
	touch(held, len);
	return NULL;
}

int setup_fork_1m(struct ml_ctx *ctx)
{
	return ml_skip_if(ctx, hold_memory(1));
}

int setup_fork_100m(struct ml_ctx *ctx)
{
	return ml_skip_if(ctx, hold_memory(100));
}

int setup_fork_1g(struct ml_ctx *ctx)
{
	return ml_skip_if(ctx, hold_memory(1024));
}

int teardown_costs(struct ml_ctx *ctx)
{
	(void)ctx;
	release_memory();
	return 0;
}

int proc_prepare_count(struct ml_ctx *ctx)
{
	(void)ctx;
	failures = 0;
	return 0;
}

int proc_verify_count(struct ml_ctx *ctx)
{
	if (!failures)
		return 0;
	return ml_error(ctx, "%llu of %llu ops failed or exited non-zero",
			(unsigned long long)failures,
			(unsigned long long)ctx->n);
}

static void wait_ok(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
		failures++;
}

int run_fork_wait(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		wait_ok(pid);
	}
	return 0;
}

/* Nothing of ours may live across vfork() in the parent's frame. */
static __attribute__((noinline)) pid_t vfork_exit(void)
{
	pid_t pid = vfork();

	if (pid == 0)
		_exit(0);
	return pid;
}

int run_vfork(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++)
		wait_ok(vfork_exit());
	return 0;
}

static char exit0[PATH_MAX];	/* the program exec'd: see setup_exec() */
static char *const exec_argv[] = { EXIT0_NAME, NULL };
static char *const exec_envp[] = { NULL };

int run_posix_spawn(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++) {
		pid_t pid;

		if (posix_spawn(&pid, exit0, NULL, NULL, exec_argv, exec_envp))
			pid = -1;
		wait_ok(pid);
	}
	return 0;
}

int run_fork_exec(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execve(exit0, exec_argv, exec_envp);
			_exit(127);
		}
		wait_ok(pid);
	}
	return 0;
}

/*
 * The program exec'd: modelab-exit0 in $MODELAB_LIBEXEC; else beside the
 * running program (bin/ in the source tree, /bin in the lab VM); else in
 * ../libexec/modelab from it, where `make install` and the Debian package
 * put it (/usr/bin/modelab, /usr/libexec/modelab/modelab-exit0), whatever
 * the prefix.  Found from /proc/self/exe, never from the working
 * directory or PATH.  It must be there and end at once: try it.
 */
int setup_exec(struct ml_ctx *ctx)
{
	static const char *const beside[] = { "", "/../libexec/modelab" };
	const char *dir = getenv(LIBEXEC_ENV);
	char self[PATH_MAX];
	ssize_t len;
	size_t i;

	if (dir && *dir) {
		if (snprintf(exit0, sizeof(exit0), "%s/%s", dir, EXIT0_NAME) >=
		    (int)sizeof(exit0))
			return ml_skip(ctx, "the path of " EXIT0_NAME
				       " would be longer than PATH_MAX");
		if (access(exit0, X_OK))
			return ml_skip(ctx, "cannot exec %s: %s", exit0,
				       strerror(errno));
	} else {
		len = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (len <= 0)
			return ml_skip(ctx, "cannot read /proc/self/exe to find "
				       EXIT0_NAME " (is /proc mounted?): set "
				       LIBEXEC_ENV);
		self[len] = '\0';
		*strrchr(self, '/') = '\0';	/* an absolute path */
		for (i = 0; i < ML_ARRAY_SIZE(beside); i++) {
			if (snprintf(exit0, sizeof(exit0), "%s%s/%s", self,
				     beside[i], EXIT0_NAME) >=
			    (int)sizeof(exit0))
				return ml_skip(ctx, "the path of " EXIT0_NAME
					       " would be longer than PATH_MAX");
			if (!access(exit0, X_OK))
				break;
		}
		if (i == ML_ARRAY_SIZE(beside))
			return ml_skip(ctx, "no " EXIT0_NAME " in %s or %s%s: "
				       "set " LIBEXEC_ENV, self, self,
				       beside[1]);
	}
	failures = 0;
	ctx->n = 1;
	run_fork_exec(ctx);
	if (failures)
		return ml_skip(ctx, "%s did not exit 0 at once", exit0);
	return 0;
}

static void *empty_thread(void *arg)
{
	return arg;
}

int run_thread_create(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, empty_thread, NULL) ||
		    pthread_join(t, NULL))
			failures++;
	}
	proc_sink += ctx->n;
	return 0;
}
