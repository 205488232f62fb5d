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
	ML_NR_COUNTERS
};

struct ml_counts {
	u64 n[ML_NR_COUNTERS];
};

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
 * Count one event of @task (the task the event happened to).  Only called
 * from tracepoint probes, which run with preemption disabled: that is an
 * RCU read-side section, so ml_watched stays valid until we return.
 */
static inline void ml_count(enum ml_counter c, struct task_struct *task)
{
	struct ml_watch *w;

	this_cpu_inc(ml_pcpu.n[c]);
	w = rcu_dereference_sched(ml_watched);
	if (w && ml_watch_covers(w, task))
		atomic64_inc(&w->n[c]);
}

#endif /* MODELAB_H */
