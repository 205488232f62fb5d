// SPDX-License-Identifier: GPL-2.0
/*
 * raise.c - raise interrupts on demand and time them.
 *
 * Commands (written to /proc/modelab, root only, 1 <= N <= 100000):
 *
 *   raise irq_work N   N times: queue an IRQ_WORK_INIT_HARD irq_work on this
 *                      CPU and wait for it.  On x86 each one is a self-IPI
 *                      (IWI line of /proc/interrupts, row irq_work).
 *   raise ipi N        N times: smp_call_function_single() to the next
 *                      online CPU after this one, waiting for it (CAL line,
 *                      row irq_callfunc).  -ENODEV with one online CPU.
 *   raise ipi-self N   the same aimed at this CPU: the kernel just calls the
 *                      function with interrupts off, no interrupt at all.
 *
 * All N events of a command run one after the other on one CPU (migration
 * is disabled, preemption is not).  Each one is timed from ktime_get_ns()
 * just before the queue or call to ktime_get_ns() in the handler.  Malformed
 * commands get -EINVAL.  A raise stops early with -EINTR on a fatal signal
 * or when the module is being unloaded (rmmod waits for it), and with
 * -ETIME after ML_RAISE_MAX_SEC seconds, so it never holds ml_lock long.
 *
 * /proc/modelab-latency (0444) shows the samples of the last raise that ran:
 *
 *   <kind> <count>     kind: irq_work, ipi or ipi-self ("none 0" before any)
 *   <ns>               count lines, one latency in ns each, in raise order
 *
 * count is N, or fewer if the raise stopped early.  The samples live until
 * the next raise or unload.  Raises and reads take ml_lock, so a reader sees
 * one raise's samples whole; unload waits for both through proc_remove().
 */
#include <linux/cpumask.h>
#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/proc_fs.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "command.h"
#include "compat.h"
#include "modelab.h"

#define ML_RAISE_MAX		100000
#define ML_RAISE_MAX_SEC	20
#define ML_LATENCY_NAME		"modelab-latency"

/* One event in flight: stamped before it is raised and in its handler. */
struct ml_shot {
	struct irq_work work;
	u64 t0;
	u64 t1;
};

struct ml_raise_kind {
	const char *name;
	int (*fire)(struct ml_shot *s);
	unsigned int min_cpus;
};

/* The last raise's samples, under ml_lock.  kind is NULL before any. */
static struct {
	const struct ml_raise_kind *kind;
	u64 *ns;
	u32 count;
} ml_last;

static struct proc_dir_entry *ml_latency_proc;

/* Hard-IRQ context for irq_work and ipi; IRQs off for ipi-self. */
static void ml_stamp_irq_work(struct irq_work *work)
{
	struct ml_shot *s = container_of(work, struct ml_shot, work);

	WRITE_ONCE(s->t1, ktime_get_ns());
}

static void ml_stamp_call(void *info)
{
	struct ml_shot *s = info;

	WRITE_ONCE(s->t1, ktime_get_ns());
}

/*
 * irq_work_sync() must be called preemptible: it is might_sleep(), and it
 * sleeps on an rcuwait where the arch has no self-IPI (x86 has one, so here
 * it spins).  The caller only disabled migration, which is enough to keep
 * the work on this CPU.
 */
static int ml_fire_irq_work(struct ml_shot *s)
{
	bool queued;

	/* No preemption between the stamp and the self-IPI it waits for. */
	preempt_disable();
	s->t0 = ktime_get_ns();
	queued = irq_work_queue(&s->work);
	preempt_enable();
	if (!queued)
		return -EBUSY;	/* still pending: cannot happen after a sync */
	irq_work_sync(&s->work);
	return 0;
}

/* The next online CPU after @cpu, wrapping around; @cpu if it is alone. */
static unsigned int ml_next_cpu(unsigned int cpu)
{
	unsigned int next = cpumask_next(cpu, cpu_online_mask);

	return next < nr_cpu_ids ? next : cpumask_first(cpu_online_mask);
}

/* get_cpu() also holds off CPU hotplug, so the target stays online. */
static int ml_fire_ipi(struct ml_shot *s)
{
	unsigned int cpu = get_cpu();
	unsigned int target = ml_next_cpu(cpu);
	int ret = -ENODEV;

	if (target != cpu) {
		s->t0 = ktime_get_ns();
		ret = smp_call_function_single(target, ml_stamp_call, s, 1);
	}
	put_cpu();
	return ret;
}

static int ml_fire_ipi_self(struct ml_shot *s)
{
	unsigned int cpu = get_cpu();
	int ret;

	s->t0 = ktime_get_ns();
	ret = smp_call_function_single(cpu, ml_stamp_call, s, 1);
	put_cpu();
	return ret;
}

static const struct ml_raise_kind ml_raise_kinds[] = {
	{ "irq_work", ml_fire_irq_work, 1 },
	{ "ipi", ml_fire_ipi, 2 },
	{ "ipi-self", ml_fire_ipi_self, 1 },
};

/* "<kind> <N>", already trimmed; anything else is -EINVAL. */
static int ml_raise_parse(const char *arg, const struct ml_raise_kind **kind,
			  unsigned int *n)
{
	size_t len;
	int i;

	if (ml_command_word_number(arg, &len, n, 1, ML_RAISE_MAX))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(ml_raise_kinds); i++) {
		if (strlen(ml_raise_kinds[i].name) == len &&
		    !strncmp(arg, ml_raise_kinds[i].name, len)) {
			*kind = &ml_raise_kinds[i];
			return 0;
		}
	}
	return -EINVAL;
}

/* Raise @n events of @k into @ns; *@done says how many were recorded. */
static int ml_raise_run(const struct ml_raise_kind *k, u64 *ns,
			unsigned int n, unsigned int *done)
{
	struct ml_shot s = { .work = IRQ_WORK_INIT_HARD(ml_stamp_irq_work) };
	u64 t1, end = ktime_get_ns() + ML_RAISE_MAX_SEC * NSEC_PER_SEC;
	unsigned int i;
	int ret = 0;

	migrate_disable();
	for (i = 0; i < n; i++) {
		/*
		 * delete_module() marks us going before it calls our exit,
		 * which waits in proc_remove() for this very write.
		 */
		if (fatal_signal_pending(current) ||
		    !module_is_live(THIS_MODULE)) {
			ret = -EINTR;
			break;
		}
		if (ktime_get_ns() > end) {
			ret = -ETIME;
			break;
		}
		ret = k->fire(&s);
		if (ret)
			break;
		t1 = READ_ONCE(s.t1);
		/* Two CPUs' clocks may disagree by a hair: do not wrap. */
		ns[i] = t1 > s.t0 ? t1 - s.t0 : 0;
		ml_cond_resched_pinned();
	}
	migrate_enable();
	*done = i;
	return ret;
}

/* Caller holds ml_lock. */
static void ml_latency_replace(const struct ml_raise_kind *k, u64 *ns,
			       u32 count)
{
	kvfree(ml_last.ns);
	ml_last.kind = k;
	ml_last.ns = ns;
	WRITE_ONCE(ml_last.count, count);
}

/* "raise <kind> <N>"; runs under ml_lock. */
int ml_cmd_raise(const char *arg)
{
	const struct ml_raise_kind *k;
	unsigned int n, done;
	u64 *ns;
	int ret;

	ret = ml_raise_parse(arg, &k, &n);
	if (ret)
		return ret;
	if (num_online_cpus() < k->min_cpus)
		return -ENODEV;
	ns = kvmalloc_array(n, sizeof(*ns), GFP_KERNEL);
	if (!ns)
		return -ENOMEM;
	ret = ml_raise_run(k, ns, n, &done);
	ml_latency_replace(k, ns, done);
	return ret;
}

static int ml_latency_show(struct seq_file *m, void *v)
{
	u32 i;
	int ret;

	ret = mutex_lock_killable(&ml_lock);
	if (ret)
		return ret;
	seq_printf(m, "%s %u\n", ml_last.kind ? ml_last.kind->name : "none",
		   ml_last.count);
	for (i = 0; i < ml_last.count; i++) {
		seq_put_decimal_ull(m, "", ml_last.ns[i]);
		seq_putc(m, '\n');
	}
	mutex_unlock(&ml_lock);
	return 0;
}

/* Size the buffer for the usual latencies, so seq_read need not retry. */
static int ml_latency_open(struct inode *inode, struct file *file)
{
	size_t size = 32 + (size_t)READ_ONCE(ml_last.count) * 8;

	return single_open_size(file, ml_latency_show, NULL, size);
}

static const struct proc_ops ml_latency_ops = {
	.proc_open	= ml_latency_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
};

int ml_raise_init(void)
{
	ml_latency_proc = proc_create(ML_LATENCY_NAME, 0444, NULL,
				      &ml_latency_ops);
	return ml_latency_proc ? 0 : -ENOMEM;
}

/* After ml_procfs_exit(): no raise can run any more. */
void ml_raise_exit(void)
{
	proc_remove(ml_latency_proc);
	kvfree(ml_last.ns);
}
