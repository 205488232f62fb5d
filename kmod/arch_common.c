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
 * throttled at a period of 1 (perf_swevent_overflow()).  A counter is
 * bound to its CPU and dies when the CPU goes offline: a CPU hotplug
 * state (cpuhp) creates it when a CPU comes up and releases it before
 * the CPU goes down.  The kernel's own counters (perf stat -e
 * page-faults) are untouched: each perf event counts on its own.
 *
 * IPIs.  On both ISAs an IPI is a per-CPU interrupt whose handler fires
 * ipi_entry with the kind's name (the one /proc/interrupts shows; riscv
 * since 6.9), so irq_work, reschedule and function-call IPIs are told
 * apart by name.  The timer is another per-CPU interrupt (probes.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/perf_event.h>
#include <linux/percpu.h>
#include <linux/string.h>

/* Only for the prototype check in ml_arch_typecheck(). */
#include <trace/events/ipi.h>

#include "arch.h"

static DEFINE_PER_CPU(struct perf_event *, ml_fault_event);
static int ml_fault_state;	/* our cpuhp state while attached, else 0 */
static bool ml_fault_starting;	/* in cpuhp_setup_state(): fail on error */

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

/* cpuhp startup, on @cpu as it comes online (or at attach). */
static int ml_fault_cpu_up(unsigned int cpu)
{
	struct perf_event *event;

	event = perf_event_create_kernel_counter(&ml_fault_attr, cpu, NULL,
						 ml_fault_overflow, NULL);
	if (IS_ERR(event)) {
		/* At attach, fail "count on"; later, never fail a CPU's bring-up. */
		if (READ_ONCE(ml_fault_starting))
			return PTR_ERR(event);
		pr_warn("no fault counter on CPU %u (%ld): its faults go uncounted\n",
			cpu, PTR_ERR(event));
		return 0;
	}
	per_cpu(ml_fault_event, cpu) = event;
	return 0;
}

/* cpuhp teardown, before @cpu goes offline (or at detach). */
static int ml_fault_cpu_down(unsigned int cpu)
{
	struct perf_event *event = per_cpu(ml_fault_event, cpu);

	per_cpu(ml_fault_event, cpu) = NULL;
	if (event)
		perf_event_release_kernel(event);
	return 0;
}

/* Caller holds ml_lock (or is init/exit), not the CPU hotplug lock. */
static int ml_faults_attach(void)
{
	int state;

	WRITE_ONCE(ml_fault_starting, true);
	state = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "modelab/faults:online",
				  ml_fault_cpu_up, ml_fault_cpu_down);
	WRITE_ONCE(ml_fault_starting, false);
	if (state < 0)
		return state;
	ml_fault_state = state;
	return 0;
}

/*
 * Releases every counter.  A handler already running on another CPU may
 * still finish: perf frees an event after an RCU grace period, and the
 * module waits for one (tracepoint_synchronize_unregister()) before it
 * can go away.
 */
static void ml_faults_detach(void)
{
	if (!ml_fault_state)
		return;
	cpuhp_remove_state(ml_fault_state);
	ml_fault_state = 0;
}

/* Names from the ISA's ipi_types[]/ipi_names[], as in /proc/interrupts. */
static void ml_probe_ipi(void *data, const char *reason)
{
	if (!strcmp(reason, "IRQ work interrupts"))
		ml_count(ML_IRQ_WORK, current);
	else if (!strcmp(reason, "Rescheduling interrupts"))
		ml_count(ML_IRQ_RESCHED, current);
	else if (!strcmp(reason, "Function call interrupts"))
		ml_count(ML_IRQ_CALLFUNC, current);
}

struct ml_probe ml_arch_probes[] = {
	{ .name = "perf page-faults", .attach = ml_faults_attach,
	  .detach = ml_faults_detach },
	ML_PROBE(ipi_entry, ml_probe_ipi),
};
const unsigned int ml_arch_nr_probes = ARRAY_SIZE(ml_arch_probes);

void ml_arch_typecheck(void)
{
	check_trace_callback_type_ipi_entry(ml_probe_ipi);
}
