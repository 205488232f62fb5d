// SPDX-License-Identifier: GPL-2.0
/*
 * watch.c - the one watched process (and, with watch-tree, its descendants).
 *
 * We hold a reference on the struct pid of its thread group, never on a
 * task: the struct pid outlives the process, and its identity (not the pid
 * number) is what probes compare, so a recycled pid number is never adopted
 * and nothing dangles once the process is gone.
 *
 * Probes read ml_watched with preemption disabled (an RCU read-side section);
 * updates happen under ml_lock and free the old record only after
 * synchronize_rcu().
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "modelab.h"

struct ml_watch __rcu *ml_watched;

struct ml_watch *ml_watch_locked(void)
{
	return rcu_dereference_protected(ml_watched,
					 lockdep_is_held(&ml_lock));
}

static void ml_watch_replace(struct ml_watch *w)
{
	struct ml_watch *old;

	old = rcu_replace_pointer(ml_watched, w, lockdep_is_held(&ml_lock));
	if (!old)
		return;
	/* Wait for probes that may still be counting into @old. */
	synchronize_rcu();
	put_pid(old->pid);
	kfree(old);
}

/* Is any thread of the group still running?  The leader may be a zombie. */
static bool ml_task_alive(struct task_struct *task)
{
	return atomic_read(&task->signal->live) > 0;
}

int ml_watch_set(pid_t nr, bool tree)
{
	struct task_struct *task;
	struct ml_watch *w;
	struct pid *pid;
	bool alive;

	pid = find_get_pid(nr);
	if (!pid)
		return -ESRCH;
	/* Only a thread-group leader's pid has a PIDTYPE_TGID task. */
	task = get_pid_task(pid, PIDTYPE_TGID);
	if (!task)
		goto no_process;
	alive = ml_task_alive(task);
	put_task_struct(task);
	if (!alive)
		goto no_process;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w) {
		put_pid(pid);
		return -ENOMEM;
	}
	w->pid = pid;
	w->tree = tree;
	ml_watch_replace(w);
	return 0;

no_process:
	put_pid(pid);
	return -ESRCH;
}

void ml_watch_clear(void)
{
	ml_watch_replace(NULL);
}

void ml_watch_reset(void)
{
	struct ml_watch *w = ml_watch_locked();
	int c;

	if (!w)
		return;
	for (c = 0; c < ML_NR_COUNTERS; c++)
		atomic64_set(&w->n[c], 0);
}

/* BEGIN SOLUTION lab3-command: is @task a descendant of @w's process? */
/*
 * Asked at count time: walk @task's ancestors (real_parent, the process
 * that forked it or adopted it) up to the idle task (pid 0), comparing
 * struct pids as ml_count() does.  Cheap: a few pointer loads per level,
 * only while a tree is watched.  A flag inherited at fork would need a set
 * of processes filled at fork (in atomic context), emptied at exit, and
 * seeded with the descendants already running.  The walk sees the tree
 * as the kernel (and pstree) does: an orphan, adopted by init or a
 * subreaper, leaves it.
 *
 * Probes run with preemption disabled; the rcu_read_lock() says what we
 * rely on: a task_struct is freed only after an RCU grace period, so each
 * real_parent we load stays valid while we look at it, even if it exits.
 */
bool ml_watch_descends(struct ml_watch *w, struct task_struct *task)
{
	struct task_struct *t;
	bool found = false;

	rcu_read_lock();
	for (t = task; t->pid; t = rcu_dereference(t->real_parent)) {
		if (task_tgid(t) == w->pid) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}
/* END SOLUTION lab3-command */

/* Report whether @w's process still runs and, if so, copy its name. */
bool ml_watch_alive(struct ml_watch *w, char *comm, size_t len)
{
	struct task_struct *task;
	bool alive;

	task = get_pid_task(w->pid, PIDTYPE_TGID);
	if (!task)
		return false;
	alive = ml_task_alive(task);
	/*
	 * Unlocked, as the kernel does since 6.13 (which removed
	 * __get_task_comm()): a rename may tear the name, never overrun it.
	 */
	if (alive)
		strscpy_pad(comm, task->comm, len);
	put_task_struct(task);
	return alive;
}
