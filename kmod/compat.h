/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the kernel API differences modelab meets from 5.10 on.
 *
 * Every difference between the kernels we build for lives here, each with
 * the version that changed it, so the rest of kmod/ reads as plain code for
 * the newest kernel.  Checked by `make test-kernels` (docs/kernels.md).
 */
#ifndef MODELAB_COMPAT_H
#define MODELAB_COMPAT_H

#include <linux/irq_work.h>
#include <linux/preempt.h>
#include <linux/version.h>

/* 5.16 moved kvmalloc_array() and kvfree() from <linux/mm.h> to slab.h. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 16, 0)
#include <linux/mm.h>
#endif

/* 5.11 added IRQ_WORK_INIT_HARD(); before, the flag is set by hand. */
#ifndef IRQ_WORK_INIT_HARD
#define IRQ_WORK_INIT_HARD(_func) ((struct irq_work){			\
	.flags = ATOMIC_INIT(IRQ_WORK_HARD_IRQ), .func = (_func) })
#endif

/*
 * 6.16 moved x86's page_fault_user from <asm/trace/exceptions.h> to the
 * generic <trace/events/exceptions.h>.  A version, not __has_include():
 * sparse (0.6.4) cannot parse the latter.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
#define ML_EXCEPTIONS_H		<trace/events/exceptions.h>
#else
#define ML_EXCEPTIONS_H		<asm/trace/exceptions.h>
#endif

/* 5.18 added prev_state as the last argument of sched_switch. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 18, 0)
#define ML_SCHED_SWITCH_STATE	, unsigned int prev_state
#else
#define ML_SCHED_SWITCH_STATE
#endif

/*
 * Before 5.11, migrate_disable() was preempt_disable() outside PREEMPT_RT:
 * a pinned loop must let go of its CPU to reschedule there, so a raise may
 * move to another CPU between two events.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
#define ml_cond_resched_pinned()					\
	do { migrate_enable(); cond_resched(); migrate_disable(); } while (0)
#else
#define ml_cond_resched_pinned()	cond_resched()
#endif

#endif /* MODELAB_COMPAT_H */
