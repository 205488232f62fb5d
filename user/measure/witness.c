// SPDX-License-Identifier: GPL-2.0
/*
 * witness.c - what each op caused, counted by more than one witness.
 *
 * A timing says how long; it does not say what happened.  After timing a
 * figure, its op runs once more, untimed, witness_ops times, and three
 * independent counters say what it caused:
 *
 *   getrusage      minor and major faults the kernel accounted to us;
 *   perf events    the software counters page-faults-min and -maj;
 *   /proc/modelab  syscalls, user page faults and signals delivered, from
 *                  the module's tracepoints, when it watches us.
 *
 * They need not agree, and where they differ there is a lesson: a fault
 * that ends in SIGSEGV is seen by the tracepoint but accounted by neither
 * getrusage nor the -min/-maj perf counters, which only count faults that
 * were resolved.
 *
 * Timings are taken with the module's counting off, because an attached
 * syscall tracepoint sends every syscall on the machine through the slow
 * path; counting is on only for the witness pass.  Without the module,
 * the kernel's counts can come from a CSV that `modelab run --csv` wrote
 * inside the lab VM (--kernel-counts FILE).
 */
#define _GNU_SOURCE
#include "measure/measuring.h"
#include "measure/run.h"
#include "measure/machine.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_WITNESS_OPS 10000

int ml_observe_begin(struct ml_observer *ob)
{
	struct ml_kcounts k;
	char cmd[32];
	int err;

	memset(ob, 0, sizeof(*ob));
	err = ml_kernel_read(&k);
	if (err)
		return err;
	ob->was_counting = k.counting;
	ob->prev_watch = k.watched_exited ? 0 : k.watched_pid;
	snprintf(cmd, sizeof(cmd), "watch %d", (int)getpid());
	err = ml_kernel_write(cmd);
	if (!err)
		err = ml_kernel_write("count off");
	if (err)
		return err;
	ob->active = true;
	return 0;
}

void ml_observe_end(struct ml_observer *ob)
{
	char cmd[32];

	if (!ob->active)
		return;
	if (ob->prev_watch > 0)
		snprintf(cmd, sizeof(cmd), "watch %d", ob->prev_watch);
	else
		snprintf(cmd, sizeof(cmd), "watch off");
	if (ml_kernel_write(cmd))
		ml_kernel_write("watch off");
	ml_kernel_write(ob->was_counting ? "count on" : "count off");
	ob->active = false;
}

/* A software counter of this process, user and kernel; -1 if refused. */
static int perf_counter(uint64_t config)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = config,
		.disabled = 1,
	};

	return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1,
			    PERF_FLAG_FD_CLOEXEC);
}

static uint64_t perf_value(int fd)
{
	uint64_t v = 0;

	if (fd < 0 || read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

struct snapshot {
	struct rusage ru;
	uint64_t perf_min, perf_maj;
	struct ml_kcounts k;
};

static void per_op(struct ml_witness *w, const struct snapshot *a,
		   const struct snapshot *b, const struct ml_kcounts *reads,
		   uint64_t n)
{
	double ops = (double)n;

	w->minflt = (double)(b->ru.ru_minflt - a->ru.ru_minflt) / ops;
	w->majflt = (double)(b->ru.ru_majflt - a->ru.ru_majflt) / ops;
	w->nvcsw = (double)(b->ru.ru_nvcsw - a->ru.ru_nvcsw) / ops;
	w->nivcsw = (double)(b->ru.ru_nivcsw - a->ru.ru_nivcsw) / ops;
	w->perf_minflt = (double)(b->perf_min - a->perf_min) / ops;
	w->perf_majflt = (double)(b->perf_maj - a->perf_maj) / ops;
	if (!w->have_kernel)
		return;
	/* reads holds what one more read of /proc/modelab itself cost */
	w->k_syscalls = fmax(0, (double)(b->k.watched[ML_K_SYSCALLS] -
					 a->k.watched[ML_K_SYSCALLS]) -
					(double)reads->watched[ML_K_SYSCALLS]) /
			ops;
	w->k_faults = fmax(0, (double)(b->k.watched[ML_K_FAULTS] -
				       a->k.watched[ML_K_FAULTS]) -
				      (double)reads->watched[ML_K_FAULTS]) /
		      ops;
	w->k_signals = (double)(b->k.watched[ML_K_SIGNALS] -
				a->k.watched[ML_K_SIGNALS]) / ops;
}

/*
 * How much a line rose on the figure's CPUs: ours, ours and the peer's,
 * or (a device's interrupt, routed anywhere) all of them.  Other
 * processes' interrupts on other CPUs are not ours to count.
 */
static uint64_t rise(const struct ml_irq_table *before,
		     const struct ml_irq_table *after, const char *name,
		     const int *cpus, size_t ncpus)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < ncpus; i++)
		sum += ml_irq_delta(before, after, name, cpus[i]);
	return sum;
}

void ml_witness_irqs(struct ml_witness *w, const struct ml_irq_table *before,
		     const struct ml_irq_table *after, double ops,
		     enum ml_irq_cpus which)
{
	int cpus[2] = { -1, -1 }, self = sched_getcpu();
	size_t ncpus = 1;
	uint64_t device = 0;

	if (ops <= 0)
		return;
	if (which != ML_IRQ_ALL && self >= 0) {
		cpus[0] = self;
		if (which == ML_IRQ_SELF_AND_OTHER &&
		    (cpus[1] = ml_other_cpu(self)) >= 0)
			ncpus = 2;
	}
	w->irq_cpus = cpus[0] < 0 ? "all CPUs" : ncpus == 2 ?
		      "our CPU and the peer's" : "our CPU";
	for (size_t i = 0; i < after->nlines; i++)
		if (ml_irq_is_device(&after->lines[i]))
			device += rise(before, after, after->lines[i].name,
				       cpus, ncpus);
	w->have_irqs = true;
	w->irq_device = (double)device / ops;
	w->irq_tlb = (double)rise(before, after, "TLB", cpus, ncpus) / ops;
	w->irq_cal = (double)rise(before, after, "CAL", cpus, ncpus) / ops;
	w->irq_iwi = (double)rise(before, after, "IWI", cpus, ncpus) / ops;
	w->irq_res = (double)rise(before, after, "RES", cpus, ncpus) / ops;
}

int ml_witness_figure(struct ml_observer *ob, const struct ml_figure *fig,
		      struct ml_result *res)
{
	uint64_t n = fig->witness_ops ? fig->witness_ops : DEFAULT_WITNESS_OPS;
	struct ml_kcounts c, reads = { 0 };
	struct snapshot a, b;
	int fd_min, fd_maj;
	struct ml_witness *w = &res->w;
	struct ml_ctx ctx;

	struct ml_irq_table ia, ib;
	bool irqs;

	/* samples witness themselves; demonstrations check themselves */
	if (res->skipped || res->failed || fig->sample || fig->demonstrate ||
	    fig->in_child)
		return 0;
	ml_hooks_for(res);
	ml_ctx_init(&ctx, fig, res);
	ctx.n = n;
	if (ml_hook_call(fig->setup, &ctx, ML_PASS_WITNESS)) {
		/* it was set up for the timing: now it cannot be */
		ml_hook_failed(&ctx, "set up again for the witness pass: ");
		ml_hooks_for(NULL);
		return 0;
	}
	memset(w, 0, sizeof(*w));
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	fd_min = perf_counter(PERF_COUNT_SW_PAGE_FAULTS_MIN);
	fd_maj = perf_counter(PERF_COUNT_SW_PAGE_FAULTS_MAJ);
	w->have_perf = fd_min >= 0 && fd_maj >= 0;
	w->have_kernel = ob && ob->active && !ml_kernel_write("count on");
	ml_hook_call(fig->enter, &ctx, ML_PASS_WITNESS);
	ctx.n = n;
	ml_hook_call(fig->prepare, &ctx, ML_PASS_WITNESS);
	ctx.pass = ML_PASS_WITNESS;

	/* nested so that only the op, and the module's own reads (measured
	 * apart and taken off), lie between the module's two snapshots */
	irqs = !ml_irq_read("/proc/interrupts", &ia);
	getrusage(RUSAGE_SELF, &a.ru);
	if (w->have_perf) {
		ioctl(fd_min, PERF_EVENT_IOC_ENABLE, 0);
		ioctl(fd_maj, PERF_EVENT_IOC_ENABLE, 0);
	}
	if (w->have_kernel && ml_kernel_read(&a.k))
		w->have_kernel = false;
	if (fig->run(&ctx) < 0)
		ml_hook_failed(&ctx, "");
	/* a second read right after: what reading /proc/modelab costs */
	if (w->have_kernel && (ml_kernel_read(&b.k) || ml_kernel_read(&c)))
		w->have_kernel = false;
	if (w->have_perf) {
		ioctl(fd_min, PERF_EVENT_IOC_DISABLE, 0);
		ioctl(fd_maj, PERF_EVENT_IOC_DISABLE, 0);
	}
	getrusage(RUSAGE_SELF, &b.ru);
	if (irqs && !ml_irq_read("/proc/interrupts", &ib)) {
		ml_witness_irqs(w, &ia, &ib, (double)n, fig->irq_cpus);
		ml_irq_free(&ib);
	}
	if (irqs)
		ml_irq_free(&ia);
	if (w->have_kernel) {
		ml_kernel_write("count off");
		for (int i = 0; i < ML_K_NROWS; i++)
			reads.watched[i] = c.watched[i] - b.k.watched[i];
		w->where = "here"; /* the machine modelab runs on: in the lab VM, the VM */
	}
	b.perf_min = perf_value(fd_min);
	b.perf_maj = perf_value(fd_maj);
	ml_hook_call(fig->leave, &ctx, ML_PASS_WITNESS);
	w->have_rusage = true;
	w->ops = n;
	per_op(w, &a, &b, &reads, n);

	ctx.n = n;
	w->verified = ml_hook_call(fig->verify, &ctx, ML_PASS_VERIFY) == 0;
	if (!w->verified) {
		snprintf(w->verify_error, sizeof(w->verify_error), "%s",
			 ctx.why);
		ml_hook_failed(&ctx, "its check failed: ");
	}
	if (fd_min >= 0)
		close(fd_min);
	if (fd_maj >= 0)
		close(fd_maj);
	ml_hook_call(fig->teardown, &ctx, ML_PASS_WITNESS);
	ml_hooks_for(NULL);
	return 0;
}

/* Finds a column by its header name; -1 when absent. */
static int csv_column(const char *header, const char *name)
{
	char copy[1024];
	int col = 0;

	snprintf(copy, sizeof(copy), "%s", header);
	for (char *tok = strtok(copy, ",\n"); tok; tok = strtok(NULL, ",\n"))
		if (!strcmp(tok, name))
			return col;
		else
			col++;
	return -1;
}

static bool csv_number(const char *field, double *v)
{
	char *end;

	*v = strtod(field, &end);
	return end != field && isfinite(*v);
}

int ml_observe_import(const char *path, struct ml_result *res, size_t nres,
		      char *err, size_t errlen)
{
	int col_probe, col_fig, col_sys, col_flt, col_sig, matched = 0;
	char line[1024], header[1024];
	FILE *f = fopen(path, "re");

	if (!f) {
		snprintf(err, errlen, "--kernel-counts: cannot open '%s': %s",
			 path, strerror(errno));
		return -1;
	}
	if (!fgets(header, sizeof(header), f)) {
		snprintf(err, errlen, "--kernel-counts: '%s' is empty", path);
		goto bad;
	}
	col_probe = csv_column(header, "probe");
	col_fig = csv_column(header, "figure");
	col_sys = csv_column(header, "kernel_syscalls_per_op");
	col_flt = csv_column(header, "kernel_faults_per_op");
	col_sig = csv_column(header, "kernel_signals_per_op");
	if (col_probe < 0 || col_fig < 0 || col_sys < 0) {
		snprintf(err, errlen,
			 "--kernel-counts: '%s' is not a modelab CSV report (no probe, figure and kernel_syscalls_per_op columns)",
			 path);
		goto bad;
	}
	while (fgets(line, sizeof(line), f)) {
		char *field[64] = { 0 };
		char *p = line;
		int n = 0;

		/* our own CSV: probe and figure names hold no commas */
		field[n++] = p;
		while ((p = strpbrk(p, ",\n")) && n < 64) {
			*p++ = '\0';
			field[n++] = p;
		}
		if (n <= col_sys)
			continue;
		for (size_t i = 0; i < nres; i++) {
			struct ml_witness *w = &res[i].w;
			double v;

			if (res[i].skipped ||
			    strcmp(res[i].probe->name, field[col_probe]) ||
			    strcmp(res[i].fig->name, field[col_fig]) ||
			    !csv_number(field[col_sys], &v))
				continue;
			w->have_kernel = true;
			w->k_syscalls = v;
			w->where = "lab VM";
			if (col_flt >= 0 && col_flt < n &&
			    !csv_number(field[col_flt], &w->k_faults))
				w->k_faults = NAN;
			if (col_sig >= 0 && col_sig < n &&
			    !csv_number(field[col_sig], &w->k_signals))
				w->k_signals = NAN;
			matched++;
		}
	}
	fclose(f);
	return matched;
bad:
	fclose(f);
	return -1;
}
