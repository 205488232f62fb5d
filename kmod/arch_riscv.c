// SPDX-License-Identifier: GPL-2.0
/*
 * arch_riscv.c - what a riscv fault was: the trap cause (scause, saved in
 * pt_regs at every trap) says load, store or instruction page fault, and
 * nothing more.  Whether the page was missing or present and refused is
 * not in it: the kernel finds out by walking the page table afterwards.
 * So faults_notpresent and faults_protection read "n/a" here.
 */
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
