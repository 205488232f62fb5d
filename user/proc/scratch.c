// SPDX-License-Identifier: GPL-2.0
/*
 * scratch.c - one rule for scratch files and named IPC objects, and one
 * place that removes them, even from a signal handler.
 *
 * The directory is $MODELAB_TMPDIR when set and non-empty, else $TMPDIR,
 * else /tmp.  On first use a private run directory modelab-PID-XXXXXX
 * (0700) is made inside it; every file a probe asks for lives there.
 * Named objects (shm_open, mq_open, sem_open) are /modelab-PID-WHAT; a
 * System V message queue is registered by its id.
 * Each one is registered so that ml_scratch_remove_all() can take it away
 * when the run ends or is interrupted.  Only the process that made the
 * registrations removes anything: a forked child leaves them alone.
 */
#define _GNU_SOURCE
#include "util/util.h"
#include "proc/proc.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif
#ifndef RAMFS_MAGIC
#define RAMFS_MAGIC 0x858458f6
#endif

#define SCRATCH_MAX 64
#define SCRATCH_NAME 512
#define ON_DISK_FALLBACK "/var/tmp"

/* Fixed-size tables: remove_all runs from a signal handler, no malloc. */
static struct entry {
	volatile sig_atomic_t used;
	enum ml_scratch_kind kind;
	char name[SCRATCH_NAME];
} table[SCRATCH_MAX];

/* [0]: the rule's run directory; [1]: the on-disk fallback's, if made */
static char run_dir[2][SCRATCH_NAME];
static volatile pid_t creator;

const char *ml_scratch_base(void)
{
	const char *d = getenv("MODELAB_TMPDIR");

	if (d && *d)
		return d;
	d = getenv("TMPDIR");
	if (d && *d)
		return d;
	return "/tmp";
}

static void own(void)
{
	pid_t me = getpid();

	if (creator != me) {
		/* a forked child starts afresh: the parent's are not its own */
		for (size_t i = 0; i < SCRATCH_MAX; i++)
			table[i].used = 0;
		run_dir[0][0] = run_dir[1][0] = '\0';
		creator = me;
	}
}

static const char *make_run_dir(char *slot, const char *base)
{
	char tmpl[SCRATCH_NAME];
	int n;

	own();
	if (slot[0])
		return slot;
	n = snprintf(tmpl, sizeof(tmpl), "%s/modelab-%d-XXXXXX", base,
		     (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmpl)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (!mkdtemp(tmpl))	/* mkdtemp makes it 0700 */
		return NULL;
	memcpy(slot, tmpl, (size_t)n + 1);
	atomic_signal_fence(memory_order_seq_cst);
	return slot;
}

const char *ml_scratch_dir(void)
{
	return make_run_dir(run_dir[0], ml_scratch_base());
}

static bool on_tmpfs(const char *dir)
{
	struct statfs fs;

	return statfs(dir, &fs) == 0 &&
	       (fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC);
}

const char *ml_scratch_dir_on_disk(void)
{
	const char *dir = ml_scratch_dir();
	const char *set = getenv("MODELAB_TMPDIR");

	if (!dir || (set && *set) || !on_tmpfs(dir) ||
	    access(ON_DISK_FALLBACK, W_OK))
		return dir;
	return make_run_dir(run_dir[1], ON_DISK_FALLBACK);
}

static struct entry *find(const char *name)
{
	for (size_t i = 0; i < SCRATCH_MAX; i++)
		if (table[i].used && !strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

static int enrol(enum ml_scratch_kind kind, const char *name)
{
	own();
	if (find(name))
		return 0;
	for (size_t i = 0; i < SCRATCH_MAX; i++) {
		if (table[i].used)
			continue;
		table[i].kind = kind;
		snprintf(table[i].name, sizeof(table[i].name), "%s", name);
		atomic_signal_fence(memory_order_seq_cst);
		table[i].used = 1;
		return 0;
	}
	errno = ENOSPC;
	return -1;
}

static int path_in(char *buf, size_t len, const char *dir, const char *name)
{
	int n;

	if (!dir)
		return -1;
	n = snprintf(buf, len, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= len || (size_t)n >= SCRATCH_NAME) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return enrol(ML_SCRATCH_FILE, buf);
}

int ml_scratch_path(char *buf, size_t len, const char *name)
{
	return path_in(buf, len, ml_scratch_dir(), name);
}

int ml_scratch_disk_path(char *buf, size_t len, const char *name)
{
	return path_in(buf, len, ml_scratch_dir_on_disk(), name);
}

int ml_scratch_subdir(char *buf, size_t len, const char *name)
{
	if (path_in(buf, len, ml_scratch_dir(), name))
		return -1;
	ml_scratch_forget(buf);
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -1;
	return enrol(ML_SCRATCH_DIR, buf);
}

int ml_scratch_ipc_name(char *buf, size_t len, enum ml_scratch_kind kind,
			const char *what)
{
	int n = snprintf(buf, len, "/modelab-%d-%s", (int)getpid(), what);

	if (n < 0 || (size_t)n >= len || (size_t)n >= SCRATCH_NAME - 16) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (strchr(buf + 1, '/')) {
		errno = EINVAL;
		return -1;
	}
	return enrol(kind, buf);
}

int ml_scratch_msg_queue(char *buf, size_t len, int msqid)
{
	int n = snprintf(buf, len, "%d", msqid);

	if (msqid < 0 || n < 0 || (size_t)n >= len) {
		errno = EINVAL;
		return -1;
	}
	return enrol(ML_SCRATCH_MSG, buf);
}

void ml_scratch_forget(const char *name)
{
	struct entry *e;

	own();
	e = find(name);
	if (e)
		e->used = 0;
}

/* a + b into out (size SCRATCH_NAME + 16), async-signal-safe */
static const char *join(char *out, const char *a, const char *b)
{
	size_t n = 0;

	for (; *a && n < SCRATCH_NAME + 15; a++)
		out[n++] = *a;
	for (; *b && n < SCRATCH_NAME + 15; b++)
		out[n++] = *b;
	out[n] = '\0';
	return out;
}

/*
 * A directory and the files in it (a program such as gnuplot made them,
 * so they are not registered one by one); async-signal-safe: getdents64,
 * no opendir.
 */
static void remove_dir(const char *dir)
{
	_Alignas(struct dirent64) char buf[4096]; /* read as dirent64s */
	long n;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	while (fd >= 0 &&
	       (n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			if (d->d_name[0] != '.')
				unlinkat(fd, d->d_name, 0);
			off += d->d_reclen;
		}
	}
	if (fd >= 0)
		close(fd);
	rmdir(dir);
}

/* msgctl(id, IPC_RMID), id in decimal; async-signal-safe */
static void remove_msg_queue(const char *id)
{
	long v = 0;

	for (; *id >= '0' && *id <= '9' && v < INT_MAX; id++)
		v = v * 10 + (*id - '0');
	if (!*id && v <= INT_MAX)
		msgctl((int)v, IPC_RMID, NULL);
}

void ml_scratch_remove_all(void)
{
	char path[SCRATCH_NAME + 16];
	int saved = errno;

	if (creator != getpid())
		return;
	for (size_t i = 0; i < SCRATCH_MAX; i++) {
		struct entry *e = &table[i];

		if (!e->used)
			continue;
		switch (e->kind) {
		case ML_SCRATCH_FILE:
			unlink(e->name);
			break;
		case ML_SCRATCH_SHM:	/* what shm_unlink does */
			unlink(join(path, "/dev/shm", e->name));
			break;
		case ML_SCRATCH_SEM:	/* what sem_unlink does */
			unlink(join(path, "/dev/shm/sem.", e->name + 1));
			break;
		case ML_SCRATCH_MQ:	/* what mq_unlink does */
			syscall(SYS_mq_unlink, e->name + 1);
			break;
		case ML_SCRATCH_MSG:	/* the id, in decimal */
			remove_msg_queue(e->name);
			break;
		case ML_SCRATCH_DIR:
			remove_dir(e->name);
			break;
		}
		e->used = 0;
	}
	for (size_t i = 0; i < ML_ARRAY_SIZE(run_dir); i++) {
		if (run_dir[i][0])
			rmdir(run_dir[i]);
		run_dir[i][0] = '\0';
	}
	errno = saved;
}
