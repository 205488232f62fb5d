// SPDX-License-Identifier: GPL-2.0
/*
 * test_scratch.c - scratch.c's one rule: which directory, the private run
 * directory in it, names (and a System V queue) registered and removed,
 * remove_all idempotent, and a forked child that removes nothing of its
 * parent's.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc/proc.h"

static char base_a[64], base_b[64];

static int make_bases(void **state)
{
	(void)state;
	snprintf(base_a, sizeof(base_a), "/tmp/ml-test-a-XXXXXX");
	snprintf(base_b, sizeof(base_b), "/tmp/ml-test-b-XXXXXX");
	if (!mkdtemp(base_a) || !mkdtemp(base_b))
		return -1;
	return 0;
}

static int remove_bases(void **state)
{
	(void)state;
	ml_scratch_remove_all();
	rmdir(base_a);
	rmdir(base_b);
	return 0;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void the_rule_orders_the_variables(void **state)
{
	char want[128];
	const char *dir;

	(void)state;
	setenv("MODELAB_TMPDIR", base_a, 1);
	setenv("TMPDIR", base_b, 1);
	assert_string_equal(ml_scratch_base(), base_a);
	setenv("MODELAB_TMPDIR", "", 1);	/* empty: as if unset */
	assert_string_equal(ml_scratch_base(), base_b);
	unsetenv("MODELAB_TMPDIR");
	assert_string_equal(ml_scratch_base(), base_b);
	unsetenv("TMPDIR");
	assert_string_equal(ml_scratch_base(), "/tmp");

	setenv("MODELAB_TMPDIR", base_a, 1);
	dir = ml_scratch_dir();
	assert_non_null(dir);
	snprintf(want, sizeof(want), "%s/modelab-%d-", base_a, (int)getpid());
	assert_true(starts_with(dir, want));
	assert_string_equal(ml_scratch_dir(), dir);	/* made once */
	ml_scratch_remove_all();
	assert_false(exists(want));
}

static void run_dir_is_private(void **state)
{
	struct stat st;
	const char *dir;

	(void)state;
	setenv("MODELAB_TMPDIR", base_a, 1);
	dir = ml_scratch_dir();
	assert_non_null(dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	ml_scratch_remove_all();
}

static void registered_names_are_removed(void **state)
{
	char file[PATH_MAX], kept[PATH_MAX], shm[64], dir[PATH_MAX];
	char want[64], id[16];
	struct msqid_ds ds;
	int fd, msqid;

	(void)state;
	setenv("MODELAB_TMPDIR", base_a, 1);
	assert_int_equal(ml_scratch_path(file, sizeof(file), "one"), 0);
	snprintf(dir, sizeof(dir), "%s", ml_scratch_dir());
	assert_true(starts_with(file, dir));
	fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);

	assert_int_equal(ml_scratch_ipc_name(shm, sizeof(shm), ML_SCRATCH_SHM,
					     "test"), 0);
	snprintf(want, sizeof(want), "/modelab-%d-test", (int)getpid());
	assert_string_equal(shm, want);
	fd = shm_open(shm, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);

	msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (msqid >= 0)
		assert_int_equal(ml_scratch_msg_queue(id, sizeof(id), msqid),
				 0);

	/* one the probe removes itself, then forgets */
	assert_int_equal(ml_scratch_path(kept, sizeof(kept), "two"), 0);
	ml_scratch_forget(kept);

	ml_scratch_remove_all();
	assert_false(exists(file));
	assert_false(exists(dir));
	fd = shm_open(shm, O_RDWR | O_CLOEXEC, 0600);
	assert_int_equal(fd, -1);
	if (msqid >= 0)	/* System V IPC may be missing */
		assert_int_equal(msgctl(msqid, IPC_STAT, &ds), -1);
	ml_scratch_remove_all();	/* idempotent */
	ml_scratch_remove_all();
	assert_false(exists(dir));
}

static void names_that_cannot_be(void **state)
{
	char small[8], name[64];

	(void)state;
	assert_int_equal(ml_scratch_ipc_name(small, sizeof(small),
					     ML_SCRATCH_MQ, "long-name"), -1);
	assert_int_equal(ml_scratch_ipc_name(name, sizeof(name),
					     ML_SCRATCH_MQ, "a/b"), -1);
	setenv("MODELAB_TMPDIR", "/nonexistent/modelab-test", 1);
	assert_null(ml_scratch_dir());
	assert_int_equal(ml_scratch_path(name, sizeof(name), "x"), -1);
	ml_scratch_remove_all();
}

static void forked_child_removes_nothing(void **state)
{
	char file[PATH_MAX];
	int fd, status;
	pid_t pid;

	(void)state;
	setenv("MODELAB_TMPDIR", base_a, 1);
	assert_int_equal(ml_scratch_path(file, sizeof(file), "kept"), 0);
	fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	pid = fork();
	if (pid == 0) {
		ml_scratch_remove_all();
		_exit(exists(file) ? 0 : 1);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	assert_true(exists(file));
	ml_scratch_remove_all();
	assert_false(exists(file));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_rule_orders_the_variables),
		cmocka_unit_test(run_dir_is_private),
		cmocka_unit_test(registered_names_are_removed),
		cmocka_unit_test(names_that_cannot_be),
		cmocka_unit_test(forked_child_removes_nothing),
	};

	return cmocka_run_group_tests(tests, make_bases, remove_bases);
}
