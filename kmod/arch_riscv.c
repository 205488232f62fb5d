// SPDX-License-Identifier: GPL-2.0
/*
 * arch_riscv.c - what a riscv fault was: the trap cause (scause, saved in
 * pt_regs at every trap) says load, store or instruction page fault, and
 * nothing more.  Whether the page was missing or present and refused is
 * not in it: the kernel finds out by walking the page table afterwards.
 * So faults_notpresent and faults_protection read "n/a" here.
 *
 * IPIs: riscv's IPI handler fires no ipi_entry (6.12).  Each kind of IPI
 * is a per-CPU IRQ of its own, named "IPI", allocated in a row from the
 * IPI domain whose hardware number is the kind: riscv's enum
 * ipi_message_type, the order of the IPIn lines of /proc/interrupts
 * (IPI0 rescheduling, IPI1 function call, IPI4 IRQ work).
 */
#include <linux/irq.h>
#include <linux/string.h>
#include <asm/csr.h>
#include <asm/ptrace.h>

#include "arch.h"

const unsigned long ml_arch_unavailable = BIT(ML_FAULTS_NOTPRESENT) |
					  BIT(ML_FAULTS_PROTECTION);
const char *const ml_arch_timer_irq = "riscv-timer";

void ml_arch_fault_kind(struct pt_regs *regs, unsigned long addr)
{
	switch (regs->cause) {
	case EXC_INST_PAGE_FAULT:
		ml_count(ML_FAULTS_EXEC, current);
		break;
	case EXC_STORE_PAGE_FAULT:
		ml_count(ML_FAULTS_WRITE, current);
		break;
	default:	/* EXC_LOAD_PAGE_FAULT */
		ml_count(ML_FAULTS_READ, current);
		break;
	}
}

#define ML_RISCV_IPI_RESCHEDULE	0
#define ML_RISCV_IPI_CALL_FUNC	1
#define ML_RISCV_IPI_IRQ_WORK	4

void ml_arch_percpu_irq(int irq, struct irqaction *action)
{
	struct irq_data *d;

	if (!action->name || strcmp(action->name, "IPI"))
		return;
	d = irq_get_irq_data(irq);
	if (!d)
		return;
	switch (d->hwirq) {
	case ML_RISCV_IPI_RESCHEDULE:
		ml_count(ML_IRQ_RESCHED, current);
		break;
	case ML_RISCV_IPI_CALL_FUNC:
		ml_count(ML_IRQ_CALLFUNC, current);
		break;
	case ML_RISCV_IPI_IRQ_WORK:
		ml_count(ML_IRQ_WORK, current);
		break;
	}
}
