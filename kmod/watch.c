// SPDX-License-Identifier: GPL-2.0
/*
 * watch.c - the one watched process (and, with watch-tree, its descendants).
 *
 * We hold a reference on the struct pid of its thread group, never on a
 * task: the struct pid outlives the process, and its identity (not the pid
 * number) is what probes compare, so a recycled pid number is never adopted
 * and nothing dangles once the process is gone.
 *
 * Probes read ml_watched with preemption disabled (an RCU read-side section:
 * see ml_count() for the rule on every kernel); updates happen under
 * ml_lock and free the old record only after synchronize_rcu().
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
	/* Answers found for @old are not @w's (kmod/tree.c)... */
	ml_tree_changed();
	if (!old)
		return;
	/* Wait for probes that may still be counting into @old. */
	synchronize_rcu();
	/*
	 * ...nor those of a probe that read @old before the change and the
	 * epoch after it: it stored an answer for @old under the new epoch
	 * (st-memo.c).  Every such probe is over now; move on once more.
	 */
	ml_tree_changed();
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

/* BEGIN SOLUTION lab3-command: is @task below @w's process? (pid_alive, ML_WATCH_GENERATIONS) */
/*
 * Asked at count time: walk @task's ancestors (real_parent, the process
 * that forked it or adopted it), comparing struct pids as ml_count() does.
 * A flag set at fork would need a set of processes filled at fork (in
 * atomic context, where allocation may fail), emptied at exit, and seeded
 * with the descendants already running.  The walk sees the tree as the
 * kernel (and pstree) does: an orphan adopted by a subreaper inside the
 * tree stays in it; one adopted by init (or a subreaper outside) leaves.
 *
 * Two rules make it safe and cheap in every probe (see ml_count()):
 *
 * - Follow real_parent only from a task that is alive (pid_alive()), as
 *   task_ppid_nr_ns() does.  rcu_read_lock() keeps valid what we load
 *   from a live task; it cannot make valid a pointer that was already
 *   stale.  A released task (a thread that exited, a reaped zombie on its
 *   way through its last context switch, an interrupt at the very end of
 *   do_exit()) is off its parent's list of children, so it was never
 *   reparented: its real_parent may have been freed a grace period ago.
 *   Such a task is outside the tree (issue 21: the walk read freed
 *   memory, 0x6b6b..., and panicked the kernel within seconds).
 *
 * - At most ML_WATCH_GENERATIONS parents.  The walk runs in every probe,
 *   in sched_switch with the run-queue lock held and interrupts off, and
 *   any user can fork a chain thousands of processes deep: unbounded, a
 *   5,000-deep chain made every event of its tasks walk 5,000 parents.
 *   Bounded, an event costs at most 64 steps wherever the task is, so a
 *   deep chain costs what a 64-deep one does (docs/module.md measures
 *   it); a descendant more than 64 generations below the watched process
 *   is not counted.
 */
bool ml_watch_descends(struct ml_watch *w, struct task_struct *task)
{
	struct task_struct *t = task;
	bool found = false;
	int gen;

	rcu_read_lock();
	for (gen = 0; gen <= ML_WATCH_GENERATIONS && t->pid; gen++) {
		if (task_tgid(t) == w->pid) {
			found = true;
			break;
		}
		if (!pid_alive(t))
			break;
		t = rcu_dereference(t->real_parent);
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
