/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch.h - what each ISA gives the counters: the same rows, different
 * sources.
 *
 * probes.c attaches what every ISA has (sys_enter, sys_exit,
 * irq_handler_entry, signal_deliver, sched_switch, sched_migrate_task).
 * The rest comes from one file per ISA, picked by Kbuild:
 *
 *   arch_x86.c     x86's own tracepoints: page_fault_user (the error code
 *                  gives the access and the cause), local_timer_entry and
 *                  the IPI vectors' irq_work_entry, reschedule_entry,
 *                  call_function_entry
 *   arch_common.c  arm64 and riscv: user page faults from perf's software
 *                  page-fault event, one per-CPU counter created in the
 *                  kernel (neither ISA has a fault tracepoint, and their
 *                  fault handlers cannot be kprobed); arm64's IPIs from
 *                  the generic ipi_entry tracepoint; the timer is a
 *                  per-CPU IRQ seen by irq_handler_entry
 *   arch_arm64.c   the access and cause of a fault, from ESR_EL1
 *   arch_riscv.c   the access of a fault, from scause; the cause (page not
 *                  present, or present and protected) is not in it; the
 *                  IPIs, per-CPU IRQs numbered by kind
 *
 * A row an ISA cannot fill reads "n/a" in /proc/modelab.
 */
#ifndef MODELAB_ARCH_H
#define MODELAB_ARCH_H

#include <linux/interrupt.h>
#include <linux/tracepoint.h>

#include "modelab.h"

/*
 * One source of counts: a tracepoint found by name and attached with
 * @func, or (with @attach) a source of its own, such as perf counters.
 */
struct ml_probe {
	const char *name;	/* tracepoint name, without group */
	void *func;
	int (*attach)(void);	/* instead of a tracepoint: 0 or -errno */
	void (*detach)(void);	/* stops it; running handlers may finish */
	bool optional;		/* not every kernel has it */
	struct tracepoint *tp;	/* NULL when not found */
};

#define ML_PROBE(tp_name, probe)	{ .name = #tp_name, .func = probe }

/* The ISA's own sources, attached after probes.c's, in this order. */
extern struct ml_probe ml_arch_probes[];
extern const unsigned int ml_arch_nr_probes;

/* Let the compiler check the ISA's probes against their tracepoints. */
void ml_arch_typecheck(void);

/* Bit (1 << ML_x) set: this ISA cannot count row ML_x ("n/a"). */
extern const unsigned long ml_arch_unavailable;

/*
 * The name of the per-CPU timer interrupt's handler ("arch_timer"), whose
 * irq_handler_entry counts as irq_timer; NULL where the timer has its own
 * tracepoint (x86's local_timer_entry).
 */
extern const char *const ml_arch_timer_irq;

/*
 * irq_handler_entry of a per-CPU IRQ that is not the timer: an IPI on
 * riscv (arch_riscv.c); nothing on arm64 (ipi_entry counts those) or x86.
 */
#ifdef CONFIG_RISCV
void ml_arch_percpu_irq(int irq, struct irqaction *action);
#else
static inline void ml_arch_percpu_irq(int irq, struct irqaction *action) { }
#endif

#if defined(CONFIG_ARM64) || defined(CONFIG_RISCV)
/*
 * arch_arm64.c, arch_riscv.c: count the access and cause of the user
 * page fault at @addr whose registers are @regs (perf's handler, in the
 * faulting task with preemption off).
 */
void ml_arch_fault_kind(struct pt_regs *regs, unsigned long addr);
#endif

#endif /* MODELAB_ARCH_H */
