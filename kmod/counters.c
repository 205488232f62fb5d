// SPDX-License-Identifier: GPL-2.0
/*
 * counters.c - system-wide event counters, one set per CPU.
 *
 * Probes bump their own CPU's copy without atomics; readers add the copies
 * up.  A reset racing with a probe on another CPU may lose that one event,
 * which is fine for statistics.
 */
#include <linux/cpumask.h>

#include "modelab.h"

const char * const ml_counter_names[ML_NR_COUNTERS] = {
	[ML_SYSCALLS]		= "syscalls",
	[ML_FAULTS]		= "faults",
	[ML_FAULTS_READ]	= "faults_read",
	[ML_FAULTS_WRITE]	= "faults_write",
	[ML_FAULTS_EXEC]	= "faults_exec",
	[ML_FAULTS_NOTPRESENT]	= "faults_notpresent",
	[ML_FAULTS_PROTECTION]	= "faults_protection",
	[ML_IRQ_DEVICE]		= "irq_device",
	[ML_IRQ_TIMER]		= "irq_timer",
	[ML_IRQ_WORK]		= "irq_work",
	[ML_IRQ_RESCHED]	= "irq_resched",
	[ML_IRQ_CALLFUNC]	= "irq_callfunc",
	[ML_SIGNALS]		= "signals",
	[ML_CTXSW]		= "ctxsw",
	[ML_SYSCALL_EXITS]	= "syscall_exits",
	/* BEGIN SOLUTION lab2-migrations: name the /proc/modelab row */
	[ML_MIGRATIONS]		= "migrations",
	/* END SOLUTION lab2-migrations */
};

DEFINE_PER_CPU(struct ml_counts, ml_pcpu);

u64 ml_counter_cpu(enum ml_counter c, unsigned int cpu)
{
	return READ_ONCE(per_cpu_ptr(&ml_pcpu, cpu)->n[c]);
}

/* Sum over possible CPUs so that events of an unplugged CPU are kept. */
u64 ml_counter_total(enum ml_counter c)
{
	unsigned int cpu;
	u64 sum = 0;

	for_each_possible_cpu(cpu)
		sum += ml_counter_cpu(c, cpu);
	return sum;
}

void ml_counters_reset(void)
{
	unsigned int cpu;
	int c;

	for_each_possible_cpu(cpu)
		for (c = 0; c < ML_NR_COUNTERS; c++)
			WRITE_ONCE(per_cpu_ptr(&ml_pcpu, cpu)->n[c], 0);
}
