/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proc.h - the process machinery probes and the library share: scratch
 * files and named IPC objects (scratch.c), children and threads
 * (child.c), helpers in a fresh exec of this program (selfexec.c), and
 * what an interrupted run puts right (cleanup.c).
 */
#ifndef MODELAB_PROC_H
#define MODELAB_PROC_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- scratch.c: scratch files and named IPC objects --------------------- */

/* What a registered name is, so that the right unlink removes it. */
enum ml_scratch_kind {
	ML_SCRATCH_FILE,	/* a path: unlink */
	ML_SCRATCH_SHM,		/* shm_open name */
	ML_SCRATCH_MQ,		/* mq_open name */
	ML_SCRATCH_SEM,		/* sem_open name */
	ML_SCRATCH_MSG,		/* System V message queue: msgctl IPC_RMID */
	ML_SCRATCH_DIR,		/* a directory: its files, then rmdir */
};

/* $MODELAB_TMPDIR if set and non-empty, else $TMPDIR, else /tmp. */
const char *ml_scratch_base(void);
/*
 * The run's private directory, base/modelab-PID-XXXXXX (0700), made on
 * first use; NULL with errno set when it cannot be.
 */
const char *ml_scratch_dir(void);
/*
 * For a file that must be on a disk (major faults): the run directory,
 * unless MODELAB_TMPDIR is unset and that directory is on tmpfs; then one
 * in /var/tmp when it is writable.  MODELAB_TMPDIR always wins.
 */
const char *ml_scratch_dir_on_disk(void);
/*
 * buf = RUNDIR/name (or, _disk_, in ml_scratch_dir_on_disk()), registered
 * for removal.  0, or -1 with errno set.
 */
int ml_scratch_path(char *buf, size_t len, const char *name);
int ml_scratch_disk_path(char *buf, size_t len, const char *name);
/* buf = RUNDIR/name, a directory made and removed with all it holds. */
int ml_scratch_subdir(char *buf, size_t len, const char *name);
/* buf = /modelab-PID-WHAT for shm_open, mq_open or sem_open, registered. */
int ml_scratch_ipc_name(char *buf, size_t len, enum ml_scratch_kind kind,
			const char *what);
/*
 * A System V message queue (msgget), registered by its id: buf receives
 * the id in decimal, the name that ml_scratch_forget() takes.
 */
int ml_scratch_msg_queue(char *buf, size_t len, int msqid);
/* The probe removed it itself: no longer registered. */
void ml_scratch_forget(const char *name);
/*
 * Removes every registered object and the run directories; idempotent and
 * async-signal-safe.  Only in the process that registered them.
 */
void ml_scratch_remove_all(void);

/* ---- child.c: children and threads ---------------------------------------- */

/*
 * fork(), registered; in the child the caught signals are back to their
 * defaults and, when cpu >= 0, it is pinned there.
 */
pid_t ml_child_fork(int cpu);
/*
 * A new process running the self-exec helper of that name (selfexec.c)
 * with argv, registered.  Its pid, or -1 with errno set.
 */
pid_t ml_child_spawn_helper(const char *helper, char *const argv[], int cpu);
/*
 * Waits for pid at most timeout_s (< 0: no limit), then SIGKILLs and reaps
 * it; unregisters it.  0 when it ended by itself, 1 when it was killed,
 * -1 with errno set.
 */
int ml_child_reap(pid_t pid, double timeout_s, int *status);
/*
 * Has pid ended?  Never waits: 1 when it had and is now reaped and
 * unregistered (*status as waitpid gives it), 0 while it still runs,
 * -1 with errno set (not our child: unregistered too).
 */
int ml_child_poll(pid_t pid, int *status);
/*
 * pid, a grandchild that will come to us when its parent dies (we are a
 * subreaper: prctl(PR_SET_CHILD_SUBREAPER)), registered like a child:
 * ml_children_kill_all kills it and, once it is ours, reaps it.  Register
 * it only while nobody but us will reap it; ml_child_reap forgets it
 * (-1, ECHILD, when it was not ours to reap).
 */
void ml_children_adopt(pid_t pid);
/* The caller reaped pid itself (a raw waitpid): no longer registered. */
void ml_child_forget(pid_t pid);
/*
 * SIGKILL every registered child and adopted grandchild, then reap them,
 * children first; async-signal-safe.
 */
void ml_children_kill_all(void);
/* pthread_create, pinned to cpu when cpu >= 0; 0 or an error number. */
int ml_thread_start(pthread_t *t, void *(*fn)(void *), void *arg, int cpu);

/* child.c: on Ctrl-C pid gets SIGTERM, and time to clean up, first. */
void ml_child_polite(pid_t pid);

/* ---- selfexec.c: helpers in a fresh exec of this program ------------------ */

#define ML_HELPER_ENV "MODELAB_HELPER"

struct ml_helper {
	const char *name;
	int (*fn)(int argc, char **argv);	/* returns the exit status */
};

/*
 * ML_HELPER("name", fn) at file scope: ml_child_spawn_helper("name", ...)
 * runs fn(argc, argv) in the new process, before main, and exits.
 */
#define ML_HELPER(hname, hfn)                                               \
	static const struct ml_helper ml_helper_##hfn                       \
	__attribute__((used, section("ml_helpers"),                         \
		       aligned(sizeof(void *)))) = { hname, hfn }

/* selfexec.c: the helper of that name in this program, or NULL. */
const struct ml_helper *ml_helper_find(const char *name);

/* cleanup.c: installed by ml_main (kernel: restore /proc/modelab too). */
void ml_cleanup_install(bool kernel);
/* In a child of ml_child_fork: the caught signals back to their default. */
void ml_cleanup_in_child(void);
/* The cleanup signals held off (blocked) and let through again, in pairs. */
void ml_cleanup_hold(void);
void ml_cleanup_release(void);

#endif /* MODELAB_PROC_H */
