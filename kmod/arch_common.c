// SPDX-License-Identifier: GPL-2.0
/*
 * arch_common.c - arm64 and riscv: faults from perf, IPIs from ipi_entry.
 *
 * Faults.  Neither ISA has a page-fault tracepoint (x86's page_fault_user
 * is x86's own), and their fault handlers are off limits to kprobes
 * (arm64: __kprobes/NOKPROBE; riscv: noinstr).  A kprobe on the generic
 * handle_mm_fault() would miss the faults that end in SIGSEGV (no VMA, or
 * the access is not allowed) and count a fault twice when it is retried.
 * What every ISA's fault handler does call, once per fault and before it
 * looks for the VMA, is perf's software event PERF_COUNT_SW_PAGE_FAULTS,
 * with the faulting registers and address: the same point where x86 fires
 * page_fault_user.  So we create one such counter per online CPU in the
 * kernel (as the hard-lockup watchdog does with its cycle counter), with
 * exclude_kernel (user-mode faults only, as page_fault_user) and a sample
 * period of 1, so that perf calls our handler for every fault, in the
 * faulting task with preemption off.  Software events are never
 * throttled at a period of 1 (perf_swevent_overflow()).  The kernel's own
 * counters (perf stat -e page-faults) are untouched: each event counts on
 * its own.
 *
 * CPU hotplug.  A counter is bound to its CPU, and perf detaches it for
 * good when the CPU goes offline.  It cannot be made again in a CPU
 * hotplug callback: creating or freeing a software event flips a static
 * key, which takes the CPU hotplug lock that the CPU's bring-up holds
 * (tried: the VM hung in the hotplug test).  So the callback only queues
 * a work item, which replaces the CPU's counter once the bring-up is over;
 * the few faults of that CPU in between go uncounted.
 *
 * IPIs.  On arm64 an IPI is a per-CPU interrupt whose handler fires
 * ipi_entry with the kind's name (the one /proc/interrupts shows), so
 * irq_work, reschedule and function-call IPIs are told apart by name.
 * riscv's handler fires no ipi_entry (6.12: tried, the rows stayed at 0):
 * arch_riscv.c tells its IPIs apart in irq_handler_entry.  The timer is
 * another per-CPU interrupt (probes.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/perf_event.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <linux/workqueue.h>

/* Only for the prototype check in ml_arch_typecheck(). */
#include <trace/events/ipi.h>

#include "arch.h"

/* Each CPU's counter (under ml_fault_mutex) and the work that renews it. */
struct ml_fault_cpu {
	struct perf_event *event;
	struct work_struct work;
	unsigned int cpu;
};
static DEFINE_PER_CPU(struct ml_fault_cpu, ml_fault_cpus);
static DEFINE_MUTEX(ml_fault_mutex);
static bool ml_fault_on;	/* attached: CPUs coming online get one */
static int ml_fault_state;	/* our cpuhp state while attached, else 0 */

static struct perf_event_attr ml_fault_attr = {
	.type		= PERF_TYPE_SOFTWARE,
	.config		= PERF_COUNT_SW_PAGE_FAULTS,
	.size		= sizeof(struct perf_event_attr),
	.sample_period	= 1,
	.exclude_kernel	= 1,
	.exclude_hv	= 1,
	.pinned		= 1,
};

/* perf's overflow handler: once per user page fault, in the faulting task. */
static void ml_fault_overflow(struct perf_event *event,
			      struct perf_sample_data *data,
			      struct pt_regs *regs)
{
	ml_count(ML_FAULTS, current);
	ml_arch_fault_kind(regs, data->addr);
}

/*
 * Drop @cpu's counter (perf allows it on an offline CPU, as a close(2) of
 * its fd would) and, while attached and @cpu is online, make a new one.
 * Caller holds ml_fault_mutex and not the CPU hotplug lock.
 */
static int ml_fault_refresh(unsigned int cpu)
{
	struct ml_fault_cpu *fc = per_cpu_ptr(&ml_fault_cpus, cpu);
	struct perf_event *event = fc->event;

	fc->event = NULL;
	if (event)
		perf_event_release_kernel(event);
	if (!ml_fault_on || !cpu_online(cpu))
		return 0;
	event = perf_event_create_kernel_counter(&ml_fault_attr, cpu, NULL,
						 ml_fault_overflow, NULL);
	if (IS_ERR(event))
		return PTR_ERR(event);
	fc->event = event;
	return 0;
}

static void ml_fault_work_fn(struct work_struct *work)
{
	unsigned int cpu = container_of(work, struct ml_fault_cpu, work)->cpu;
	int ret;

	mutex_lock(&ml_fault_mutex);
	ret = ml_fault_refresh(cpu);
	mutex_unlock(&ml_fault_mutex);
	if (ret)
		pr_warn("no fault counter on CPU %u (%d): its faults go uncounted\n",
			cpu, ret);
}

/* cpuhp startup, on @cpu as it comes online: see "CPU hotplug" above. */
static int ml_fault_cpu_up(unsigned int cpu)
{
	schedule_work(&per_cpu_ptr(&ml_fault_cpus, cpu)->work);
	return 0;
}

static void ml_faults_detach(void)
{
	unsigned int cpu;

	mutex_lock(&ml_fault_mutex);
	ml_fault_on = false;
	mutex_unlock(&ml_fault_mutex);
	if (ml_fault_state > 0)
		cpuhp_remove_state_nocalls(ml_fault_state);
	ml_fault_state = 0;
	/* No more work is queued now; wait for any in flight. */
	for_each_possible_cpu(cpu)
		cancel_work_sync(&per_cpu_ptr(&ml_fault_cpus, cpu)->work);
	mutex_lock(&ml_fault_mutex);
	for_each_possible_cpu(cpu)
		ml_fault_refresh(cpu);	/* off: releases only */
	mutex_unlock(&ml_fault_mutex);
}

/*
 * The hotplug state first, then a counter for each CPU online now: a CPU
 * that comes up in between gets its counter twice, none is missed.
 * Caller holds ml_lock (or is init/exit), not the CPU hotplug lock.
 */
static int ml_faults_attach(void)
{
	unsigned int cpu;
	int ret = 0;

	for_each_possible_cpu(cpu) {
		per_cpu_ptr(&ml_fault_cpus, cpu)->cpu = cpu;
		INIT_WORK(&per_cpu_ptr(&ml_fault_cpus, cpu)->work,
			  ml_fault_work_fn);
	}
	ml_fault_on = true;
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN,
					"modelab/faults:online",
					ml_fault_cpu_up, NULL);
	if (ret < 0) {
		ml_fault_on = false;
		return ret;
	}
	ml_fault_state = ret;
	mutex_lock(&ml_fault_mutex);
	for_each_online_cpu(cpu) {
		ret = ml_fault_refresh(cpu);
		if (ret)
			break;
	}
	mutex_unlock(&ml_fault_mutex);
	if (ret)
		ml_faults_detach();
	return ret;
}

#ifdef CONFIG_ARM64
/* Names from arm64's ipi_types[], as in /proc/interrupts. */
static void ml_probe_ipi(void *data, const char *reason)
{
	if (!strcmp(reason, "IRQ work interrupts"))
		ml_count(ML_IRQ_WORK, current);
	else if (!strcmp(reason, "Rescheduling interrupts"))
		ml_count(ML_IRQ_RESCHED, current);
	else if (!strcmp(reason, "Function call interrupts"))
		ml_count(ML_IRQ_CALLFUNC, current);
}
#endif

struct ml_probe ml_arch_probes[] = {
	{ .name = "perf page-faults", .attach = ml_faults_attach,
	  .detach = ml_faults_detach },
#ifdef CONFIG_ARM64	/* riscv's IPIs: arch_riscv.c */
	ML_PROBE(ipi_entry, ml_probe_ipi),
#endif
};
const unsigned int ml_arch_nr_probes = ARRAY_SIZE(ml_arch_probes);

void ml_arch_typecheck(void)
{
#ifdef CONFIG_ARM64
	check_trace_callback_type_ipi_entry(ml_probe_ipi);
#endif
}

