// SPDX-License-Identifier: GPL-2.0
/*
 * tree.c - watch-tree's answers, remembered.
 *
 * Under watch-tree every event asks "does this task descend from the
 * watched process?", and the answer is a walk up its parents
 * (ml_watch_descends(), at most ML_WATCH_GENERATIONS of them): in a
 * process 64 generations down, every system call and every context switch
 * would pay 64 steps, with the run-queue lock held.  But the answer for a
 * given task changes only when a process exits (exit_notify() gives its
 * children to a new parent) or when the watch itself changes.  So each
 * CPU remembers its last answers for a few tasks, each tagged with the
 * epoch it was found in; every such change moves the epoch on, and an
 * answer of an older epoch is found again.  A deep task pays the walk
 * once, then a lookup, until the next exit anywhere.
 *
 * The epoch moves (ml_tree_changed()):
 *   - at the last context switch of an exiting task (sched_switch with
 *     @prev->exit_state set): its children were reparented before it
 *     set exit_state, so a walk that sees the new epoch sees the new
 *     parents too (the increment is fully ordered; the walk's read of the
 *     epoch is an acquire);
 *   - when a watch is set, changed or cleared, and once more when no
 *     probe can still be using the old record (after synchronize_rcu()):
 *     a probe that read the old record just before the change and the
 *     epoch just after it stored the old record's answer under the new
 *     epoch, and nothing else would have made it stale until the next
 *     exit (ml_watch_replace(); the stress suite's memo phase);
 *   - when the probes are attached again (exits went unseen while they
 *     were not).
 *
 * A slot is written only in task context (a system call, a fault, a
 * context switch: never nested on one CPU, preemption off); an interrupt's
 * probe only reads.  The writer clears the slot's task first and sets it
 * last, so an interrupt that lands in between finds no answer and walks.
 */
#include <linux/hash.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/preempt.h>

#include "modelab.h"

/* Off: every event walks, as before tree.c (what the memo saves). */
static bool tree_memo = true;
module_param(tree_memo, bool, 0444);
MODULE_PARM_DESC(tree_memo,
		 "Measuring only: watch-tree remembers its answers (default: on)");

#define ML_TREE_SLOTS_BITS	6	/* 64 answers a CPU */

struct ml_tree_answer {
	const struct task_struct *task;	/* NULL: empty, or being written */
	u64 start_time;			/* with @task: not a reused address */
	long epoch;
	bool in_tree;
};

static DEFINE_PER_CPU(struct ml_tree_answer[1 << ML_TREE_SLOTS_BITS],
		      ml_tree_answers);

atomic_long_t ml_tree_epoch = ATOMIC_LONG_INIT(0);

/*
 * Does @w count @task's events?  As ml_watch_covers(), remembered.  Called
 * with preemption disabled (ml_count() and the migration probe).
 */
bool ml_watch_counts(struct ml_watch *w, struct task_struct *task)
{
	struct ml_tree_answer *a;
	bool in_tree;
	long epoch;

	if (w->pid == task_tgid(task))
		return true;
	if (!w->tree)
		return false;
	if (!tree_memo)
		return ml_watch_covers(w, task);
	a = this_cpu_ptr(&ml_tree_answers[hash_ptr(task, ML_TREE_SLOTS_BITS)]);
	epoch = atomic_long_read_acquire(&ml_tree_epoch);
	if (READ_ONCE(a->task) == task) {
		barrier();	/* the answer is read after its task */
		if (a->start_time == task->start_time && a->epoch == epoch)
			return a->in_tree;
	}
	in_tree = ml_watch_covers(w, task);
	if (in_task()) {
		WRITE_ONCE(a->task, NULL);
		barrier();	/* an interrupt sees no task, or the whole */
		a->start_time = task->start_time;
		a->epoch = epoch;
		a->in_tree = in_tree;
		barrier();
		WRITE_ONCE(a->task, task);
	}
	return in_tree;
}
