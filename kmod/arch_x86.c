// SPDX-License-Identifier: GPL-2.0
/*
 * arch_x86.c - x86's own tracepoints: the fault, the timer and the IPIs.
 *
 * x86 traces a user page fault with its hardware error code
 * (page_fault_user), and every interrupt vector the local APIC delivers
 * has a tracepoint of its own: the timer (local_timer_entry), irq_work's
 * self-IPI (irq_work_entry), the reschedule and function-call IPIs.
 */
#include <linux/kernel.h>
#include <asm/trap_pf.h>

#include "compat.h"

/* Only for the prototype checks in ml_arch_typecheck(). */
#include ML_EXCEPTIONS_H
#include <asm/trace/irq_vectors.h>

#include "arch.h"

/* page_fault_user: exception entry, interrupts off. */
static void ml_probe_fault(void *data, unsigned long address,
			   struct pt_regs *regs, unsigned long error_code)
{
	ml_count(ML_FAULTS, current);

	/* Exactly one access kind per fault: fetch beats write beats read. */
	if (error_code & X86_PF_INSTR)
		ml_count(ML_FAULTS_EXEC, current);
	else if (error_code & X86_PF_WRITE)
		ml_count(ML_FAULTS_WRITE, current);
	else
		ml_count(ML_FAULTS_READ, current);

	if (error_code & X86_PF_PROT)
		ml_count(ML_FAULTS_PROTECTION, current);
	else
		ml_count(ML_FAULTS_NOTPRESENT, current);
}

/* The vectors: hard-interrupt context (probes.c's ml_probe_irq()). */
static void ml_probe_timer(void *data, int vector)
{
	ml_count(ML_IRQ_TIMER, current);
}

static void ml_probe_irq_work(void *data, int vector)
{
	ml_count(ML_IRQ_WORK, current);
}

static void ml_probe_resched(void *data, int vector)
{
	ml_count(ML_IRQ_RESCHED, current);
}

static void ml_probe_callfunc(void *data, int vector)
{
	ml_count(ML_IRQ_CALLFUNC, current);
}

struct ml_probe ml_arch_probes[] = {
	ML_PROBE(page_fault_user, ml_probe_fault),
	ML_PROBE(local_timer_entry, ml_probe_timer),
	ML_PROBE(irq_work_entry, ml_probe_irq_work),
	ML_PROBE(reschedule_entry, ml_probe_resched),
	ML_PROBE(call_function_entry, ml_probe_callfunc),
	{ .name = "call_function_single_entry", .func = ml_probe_callfunc,
	  .optional = true },
};
const unsigned int ml_arch_nr_probes = ARRAY_SIZE(ml_arch_probes);

const unsigned long ml_arch_unavailable;	/* x86 fills every row */
const char *const ml_arch_timer_irq;		/* local_timer_entry instead */

void ml_arch_typecheck(void)
{
	check_trace_callback_type_page_fault_user(ml_probe_fault);
	check_trace_callback_type_local_timer_entry(ml_probe_timer);
	check_trace_callback_type_irq_work_entry(ml_probe_irq_work);
	check_trace_callback_type_reschedule_entry(ml_probe_resched);
	check_trace_callback_type_call_function_entry(ml_probe_callfunc);
	check_trace_callback_type_call_function_single_entry(ml_probe_callfunc);
}
