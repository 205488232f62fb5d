// SPDX-License-Identifier: GPL-2.0
/*
 * probes.c - attach counting probes to the kernel's tracepoints.
 *
 * register_trace_<name>() needs the __tracepoint_<name> symbols, which are
 * not exported, so the tracepoints are looked up by name with
 * for_each_kernel_tracepoint() and attached with tracepoint_probe_register().
 * The tracepoints here exist on every ISA; each ISA adds its own sources
 * for faults, the timer and IPIs (arch.h).
 *
 * Interrupt and fault events are charged to the task that was running when
 * they happened (current), as the kernel's own accounting does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "compat.h"

/* Only for the prototype checks in ml_probes_typecheck(). */
#include <trace/events/irq.h>
#include <trace/events/sched.h>
#include <trace/events/signal.h>
#include <trace/events/syscalls.h>

#include "arch.h"

/*
 * Each probe's context is noted above it; ml_count() makes every one of
 * them safe (the rule: modelab.h, above ml_count()).
 *
 * sys_enter: process context; preemptible on kernels whose syscall
 * tracepoints are faultable (7.2: rcu_tasks_trace), preemption off before.
 */
static void ml_probe_syscall(void *data, struct pt_regs *regs, long id)
{
	ml_count(ML_SYSCALLS, current);
}

/*
 * A call that a seccomp filter refuses never reaches sys_enter (seccomp
 * runs first, and skips the rest of the entry work) but still leaves
 * through sys_exit: counting both shows it.  Context: as sys_enter; also
 * the last syscall of an exiting task, which may already be released.
 */
static void ml_probe_sysexit(void *data, struct pt_regs *regs, long ret)
{
	ml_count(ML_SYSCALL_EXITS, current);
}

/*
 * Hard-interrupt context; current may be a task at the very end of
 * do_exit(), already released (issue 21's trace).  A per-CPU interrupt
 * (one IRQ number, a handler on every CPU) is the timer or an IPI on
 * arm64 and riscv, never a device; x86 has none, its timer and IPIs are
 * vectors of their own (arch_x86.c).  The ISA's code counts the IPIs
 * (arch.h).  Per-CPU is the action's IRQF_PERCPU, which every
 * request_percpu_irq() sets: 7.x put dev_id and percpu_dev_id in one
 * union, and testing the pointer there took every device for per-CPU
 * (irq_device stayed 0 on 7.2, tests/vm/guest/50-interrupts.sh).
 */
static void ml_probe_irq(void *data, int irq, struct irqaction *action)
{
	if (!(action->flags & IRQF_PERCPU))
		ml_count(ML_IRQ_DEVICE, current);
	else if (ml_arch_timer_irq && action->name &&
		 !strcmp(action->name, ml_arch_timer_irq))
		ml_count(ML_IRQ_TIMER, current);
	else
		ml_arch_percpu_irq(irq, action);
}

/*
 * signal_deliver: get_signal(), under the siglock: preemption off, except
 * on PREEMPT_RT, where the siglock sleeps, and 7.2 calls the probe under
 * SRCU, preemptible.
 */
static void ml_probe_signal(void *data, int sig, struct kernel_siginfo *info,
			    struct k_sigaction *ka)
{
	ml_count(ML_SIGNALS, current);
}

/*
 * sched_switch: __schedule(), run-queue lock held, interrupts off.  @prev
 * may be released already: its last switch after do_task_dead().
 */
static void ml_probe_switch(void *data, bool preempt,
			    struct task_struct *prev, struct task_struct *next
			    ML_SCHED_SWITCH_STATE)
{
	ml_count(ML_CTXSW, prev);
	/* An exiting task's last switch: its children have new parents. */
	if (READ_ONCE(prev->exit_state))
		ml_tree_changed();
}

/* BEGIN SOLUTION lab2-migrations: count each migration of a task */
/*
 * set_task_cpu() fires this on whichever CPU moves @p (its old CPU's
 * stopper, a waker, the load balancer): the count goes to the row of
 * @dest_cpu, with an atomic add since another CPU may add to that row at
 * the same moment.  Only this probe writes the row, so the atomics never
 * meet a this_cpu_inc().  Context: set_task_cpu() holds a run-queue or
 * pi lock, raw spinlocks, so preemption is off on every kernel (RT too):
 * ml_watched may be read here directly (the rule: modelab.h).
 */
static void ml_probe_migrate(void *data, struct task_struct *p, int dest_cpu)
{
	struct ml_counts *row = per_cpu_ptr(&ml_pcpu, dest_cpu);
	struct ml_watch *w;

	atomic64_inc((atomic64_t *)&row->n[ML_MIGRATIONS]);
	w = rcu_dereference_sched(ml_watched);
	if (w && ml_watch_counts(w, p))	/* as ml_count(): watch-tree too */
		atomic64_inc(&w->n[ML_MIGRATIONS]);
}
/* END SOLUTION lab2-migrations */

static struct ml_probe ml_probes[] = {
	ML_PROBE(sys_enter, ml_probe_syscall),
	ML_PROBE(sys_exit, ml_probe_sysexit),
	ML_PROBE(irq_handler_entry, ml_probe_irq),
	ML_PROBE(signal_deliver, ml_probe_signal),
	ML_PROBE(sched_switch, ml_probe_switch),
	/* BEGIN SOLUTION lab2-migrations: attach the probe to its tracepoint */
	ML_PROBE(sched_migrate_task, ml_probe_migrate),
	/* END SOLUTION lab2-migrations */
};

/* Those above, then the ISA's (arch.h): the Nth of them all. */
#define ML_NR_PROBES	(ARRAY_SIZE(ml_probes) + ml_arch_nr_probes)

static struct ml_probe *ml_probe_nth(unsigned int i)
{
	return i < ARRAY_SIZE(ml_probes) ? &ml_probes[i] :
		&ml_arch_probes[i - ARRAY_SIZE(ml_probes)];
}

static bool ml_active;

/* The error path of a failed attach is otherwise never run. */
static unsigned int fail_attach;
module_param(fail_attach, uint, 0);
MODULE_PARM_DESC(fail_attach,
		 "Testing only: attaching the Nth probe fails (default 0: none)");

/*
 * Let the compiler compare each probe with its tracepoint's prototype: the
 * check_trace_callback_type_*() helpers are empty inlines taking exactly the
 * tracepoint's callback type, and reference no unexported symbol.
 */
static inline void ml_probes_typecheck(void)
{
	check_trace_callback_type_sys_enter(ml_probe_syscall);
	check_trace_callback_type_sys_exit(ml_probe_sysexit);
	check_trace_callback_type_irq_handler_entry(ml_probe_irq);
	check_trace_callback_type_signal_deliver(ml_probe_signal);
	check_trace_callback_type_sched_switch(ml_probe_switch);
	/* BEGIN SOLUTION lab2-migrations: check the probe's prototype */
	check_trace_callback_type_sched_migrate_task(ml_probe_migrate);
	/* END SOLUTION lab2-migrations */
	ml_arch_typecheck();
}

static void ml_probe_match(struct tracepoint *tp, void *priv)
{
	struct ml_probe *p;
	unsigned int i;

	for (i = 0; i < ML_NR_PROBES; i++) {
		p = ml_probe_nth(i);
		if (!p->attach && !strcmp(tp->name, p->name))
			p->tp = tp;
	}
}

/* Look the tracepoints up once; returns -ENODEV if a required one is gone. */
int ml_probes_find(void)
{
	struct ml_probe *p;
	unsigned int i;
	int ret = 0;

	ml_probes_typecheck();
	for_each_kernel_tracepoint(ml_probe_match, NULL);
	for (i = 0; i < ML_NR_PROBES; i++) {
		p = ml_probe_nth(i);
		if (p->tp || p->attach || p->optional)
			continue;
		pr_err("tracepoint %s not found\n", p->name);
		ret = -ENODEV;
	}
	return ret;
}

/* Detach the first @n probes. */
static void ml_probes_unregister(unsigned int n)
{
	struct ml_probe *p;
	unsigned int i;

	for (i = 0; i < n; i++) {
		p = ml_probe_nth(i);
		if (p->attach)
			p->detach();
		else if (p->tp)
			WARN_ON_ONCE(tracepoint_probe_unregister(p->tp, p->func,
								 NULL));
	}
}

/* Attach every probe; idempotent.  Caller holds ml_lock or is init. */
int ml_probes_on(void)
{
	struct ml_probe *p;
	unsigned int i;
	int ret;

	if (ml_active)
		return 0;
	for (i = 0; i < ML_NR_PROBES; i++) {
		p = ml_probe_nth(i);
		if (!p->tp && !p->attach)
			continue;
		if (fail_attach == i + 1)
			ret = -ENOMEM;
		else if (p->attach)
			ret = p->attach();
		else
			ret = tracepoint_probe_register(p->tp, p->func, NULL);
		if (ret) {
			ml_probes_unregister(i);
			/* The caller may unload us next: let probes finish. */
			tracepoint_synchronize_unregister();
			return ret;
		}
	}
	ml_active = true;
	ml_tree_changed();	/* exits went unseen while we were detached */
	return 0;
}

/*
 * Detach every probe; idempotent.  Probes may still be running on other
 * CPUs when this returns: see tracepoint_synchronize_unregister().
 */
void ml_probes_off(void)
{
	if (!ml_active)
		return;
	ml_probes_unregister(ML_NR_PROBES);
	ml_active = false;
}

bool ml_probes_active(void)
{
	return ml_active;
}
