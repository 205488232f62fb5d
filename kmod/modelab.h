/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modelab.h - shared state of the modelab module.
 *
 * Counters are kept per CPU for the whole system and, separately, for one
 * watched process (all of its threads) or, with watch-tree, for one process
 * and all its descendants.
 */
#ifndef MODELAB_H
#define MODELAB_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

#define ML_VERSION	"0.1.0"
#define ML_PROC_NAME	"modelab"

/* Row order of /proc/modelab: user space relies on it. */
enum ml_counter {
	ML_SYSCALLS,
	ML_FAULTS,
	ML_FAULTS_READ,
	ML_FAULTS_WRITE,
	ML_FAULTS_EXEC,
	ML_FAULTS_NOTPRESENT,
	ML_FAULTS_PROTECTION,
	ML_IRQ_DEVICE,
	ML_IRQ_TIMER,
	ML_IRQ_WORK,
	ML_IRQ_RESCHED,
	ML_IRQ_CALLFUNC,
	ML_SIGNALS,
	ML_CTXSW,
	ML_SYSCALL_EXITS,	/* sys_exit: also calls seccomp turned back */
	/* BEGIN SOLUTION lab2-migrations: a counter of task migrations */
	ML_MIGRATIONS,		/* sched_migrate_task, on the destination CPU */
	/* END SOLUTION lab2-migrations */
	ML_NR_COUNTERS
};

struct ml_counts {
	u64 n[ML_NR_COUNTERS];
};

/*
 * How many parents up watch-tree looks for the watched process: its
 * descendants up to this many generations below it count.  A bound keeps
 * every count's cost small however deep a chain of processes a user forks
 * (ml_watch_descends(), docs/module.md).
 */
#define ML_WATCH_GENERATIONS	64

/* The watched process: @pid is its thread-group id, referenced. */
struct ml_watch {
	struct pid *pid;
	bool tree;		/* its descendants count too (watch-tree) */
	atomic64_t n[ML_NR_COUNTERS];
};

/* Serialises commands, probe (un)registration and reads of the state. */
extern struct mutex ml_lock;

/* counters.c */
extern const char * const ml_counter_names[ML_NR_COUNTERS];
DECLARE_PER_CPU(struct ml_counts, ml_pcpu);
u64 ml_counter_cpu(enum ml_counter c, unsigned int cpu);
u64 ml_counter_total(enum ml_counter c);
void ml_counters_reset(void);

/* watch.c */
extern struct ml_watch __rcu *ml_watched;
int ml_watch_set(pid_t nr, bool tree);
void ml_watch_clear(void);
void ml_watch_reset(void);
struct ml_watch *ml_watch_locked(void);
bool ml_watch_alive(struct ml_watch *w, char *comm, size_t len);
/* BEGIN SOLUTION lab3-command: declare the ancestry check of watch.c */
bool ml_watch_descends(struct ml_watch *w, struct task_struct *task);
/* END SOLUTION lab3-command */

/* tree.c: watch-tree's answers remembered per CPU, by epoch */
extern atomic_long_t ml_tree_epoch;
bool ml_watch_counts(struct ml_watch *w, struct task_struct *task);
/* A process exited (its children moved) or the watch changed. */
static inline void ml_tree_changed(void)
{
	atomic_long_inc_return(&ml_tree_epoch);	/* fully ordered */
}

/* probes.c */
int ml_probes_find(void);
int ml_probes_on(void);
void ml_probes_off(void);
bool ml_probes_active(void);

/* procfs.c */
int ml_procfs_init(void);
void ml_procfs_exit(void);

/* raise.c */
int ml_cmd_raise(const char *arg);
int ml_raise_init(void);
void ml_raise_exit(void);

/* Does @w count @task's events: its process's, or a descendant's? */
static inline bool ml_watch_covers(struct ml_watch *w, struct task_struct *task)
{
	if (w->pid == task_tgid(task))
		return true;
	/* BEGIN SOLUTION lab3-command: under watch-tree, also @task's ancestors */
	if (w->tree)
		return ml_watch_descends(w, task);
	/* END SOLUTION lab3-command */
	return false;
}

/*
 * The probe-context rule, once for every probe and every kernel (5.10 to
 * 7.2, PREEMPT_RT too).
 *
 * What a probe reads that a command may free (ml_watched and the record it
 * points to) is protected by one thing only: the probe reads it with
 * preemption disabled, which ml_count() ensures itself, and a writer
 * frees the old record only after synchronize_rcu(), which waits for
 * every preemption-disabled region (RCU flavours were merged in 4.20).
 * A probe never relies on the tracepoint to disable preemption, because
 * newer kernels do not (read in 7.2's <linux/tracepoint.h>):
 *
 * - Up to 6.12 a tracepoint calls its probes with preemption disabled
 *   (rcu_read_lock_sched_notrace(), later guard(preempt_notrace)).
 * - 7.2 calls them under SRCU (guard(srcu_fast_notrace) on
 *   tracepoint_srcu), and sys_enter/sys_exit, "faultable"
 *   (__DECLARE_TRACE_SYSCALL), under guard(rcu_tasks_trace) with
 *   preemption on: such a probe may be preempted or sleep on a page
 *   fault, and synchronize_rcu() does not wait for it.
 * - Our other tracepoints happen to be hit with preemption off on a
 *   non-RT kernel (interrupt entries; sched_switch and sched_migrate_task
 *   under a run-queue lock, a raw spinlock even on RT; page_fault_user
 *   with interrupts off; signal_deliver under the siglock, which sleeps
 *   on RT).  One more level of preempt_disable() costs a per-CPU
 *   increment.  ml_probe_migrate() alone reads ml_watched without
 *   ml_count(): set_task_cpu() runs under a raw spinlock always.
 *
 * So ml_count() disables preemption around what it reads, and nothing a
 * probe does may sleep, take a sleeping lock or allocate.  The module's
 * own code and text go after tracepoint_synchronize_unregister(), which
 * waits for probes of every flavour the kernel has (on 7.2:
 * synchronize_rcu_tasks_trace() and synchronize_srcu(&tracepoint_srcu)):
 * see modelab_exit().
 */

/*
 * Count one event of @task (the task the event happened to) in @row's
 * counter @c and, if @task is watched, in the watched record.  Called from
 * probes only; @task may be exiting or released (ml_watch_descends()).
 */
static inline void ml_count(enum ml_counter c, struct task_struct *task)
{
	struct ml_watch *w;

	preempt_disable_notrace();
	this_cpu_inc(ml_pcpu.n[c]);
	w = rcu_dereference_sched(ml_watched);
	if (w && ml_watch_counts(w, task))
		atomic64_inc(&w->n[c]);
	preempt_enable_notrace();
}

#endif /* MODELAB_H */
