// SPDX-License-Identifier: GPL-2.0
/*
 * arch_arm64.c - what an arm64 fault was: read, write or fetch; page not
 * there (translation fault) or there and refused (permission, access flag).
 *
 * The answer is in the syndrome register ESR_EL1 (and the address in
 * FAR_EL1), which the CPU writes when it takes the abort; pt_regs does not
 * keep them.  perf's handler runs a few instructions into do_page_fault(),
 * where interrupts are on: an interrupt leaves ESR_EL1 alone (only
 * synchronous exceptions write it), but a kernel preempted there (with
 * preempt=full) may have run other tasks whose syscalls rewrote it.  So
 * the syndrome is used only when it is still an abort from user mode at
 * this very address; otherwise only the fault itself is counted, and the
 * two splits fall short of `faults` by that one.
 */
#include <asm/esr.h>
#include <asm/sysreg.h>

#include "arch.h"

const unsigned long ml_arch_unavailable;	/* arm64 fills every row */
const char *const ml_arch_timer_irq = "arch_timer";

/* A translation fault, of any level: no valid entry for the address. */
static bool ml_translation_fault(unsigned long esr)
{
#ifdef ESR_ELx_FSC_FAULT_nL	/* 6.9: level -1 (FEAT_LPA2) */
	if ((esr & ESR_ELx_FSC) == ESR_ELx_FSC_FAULT_L(-1))
		return true;
#endif
	return (esr & ESR_ELx_FSC_TYPE) == ESR_ELx_FSC_FAULT;
}

void ml_arch_fault_kind(struct pt_regs *regs, unsigned long addr)
{
	unsigned long esr = read_sysreg(esr_el1);
	unsigned long far = untagged_addr(read_sysreg(far_el1));
	unsigned long ec = ESR_ELx_EC(esr);

	if ((ec != ESR_ELx_EC_DABT_LOW && ec != ESR_ELx_EC_IABT_LOW) ||
	    far != addr)
		return;

	/*
	 * Fetch beats write beats read, as on x86.  A cache maintenance
	 * instruction sets WnR but only reads (the kernel's is_write_abort()).
	 */
	if (ec == ESR_ELx_EC_IABT_LOW)
		ml_count(ML_FAULTS_EXEC, current);
	else if ((esr & ESR_ELx_WNR) && !(esr & ESR_ELx_CM))
		ml_count(ML_FAULTS_WRITE, current);
	else
		ml_count(ML_FAULTS_READ, current);

	if (ml_translation_fault(esr))
		ml_count(ML_FAULTS_NOTPRESENT, current);
	else
		ml_count(ML_FAULTS_PROTECTION, current);
}
