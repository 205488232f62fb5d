// SPDX-License-Identifier: GPL-2.0
/*
 * probes/interrupt.c - the third way into kernel mode: interrupts.
 *
 * THE TRANSITION
 *   Nobody in the program asks for an interrupt and no instruction of it
 *   causes one: a device, a timer or another CPU raises a line, and the
 *   CPU stops whatever runs at the next instruction boundary (interrupts
 *   enabled), saves the state and enters the kernel through the IDT.  The
 *   kernel's handler acknowledges the source, does the urgent part in hard
 *   interrupt context, leaves the rest to softirqs, and returns: either to
 *   the interrupted code, which never noticed except for the time it lost,
 *   or to the scheduler, when the interrupt woke something more important.
 *
 * HOW IT IS TIMED, FIGURE BY FIGURE
 *   timer-wakeup      cyclictest's method: sleep with clock_nanosleep() to
 *                     an absolute deadline every 1 ms and measure how late
 *                     the wakeup is.  The timer interrupt fires, the
 *                     hrtimer wakes us, the scheduler runs us: each step
 *                     adds latency.  With mlockall() and SCHED_FIFO 80 when
 *                     permitted (the report says whether they were).
 *   os-noise          oslat's method: a busy loop pinned to one CPU reads
 *                     the clock and records every gap above 1 µs: time
 *                     that interrupts (and whatever they woke) stole.  The
 *                     report attributes it with the deltas of
 *                     /proc/interrupts and /proc/softirqs for that CPU.
 *   munmap-alone      munmap of one touched page, nothing else running in
 *                     the process: no other CPU can cache the mapping.
 *   munmap-shootdown  the same while a thread of ours spins on another CPU:
 *                     its TLB may hold the page, so the kernel sends it an
 *                     IPI (the TLB line) and waits for the flush.  The
 *                     two share rounds (the thread runs only in this
 *                     figure's slices), so their ratio is taken per round.
 *   device-read       a 4 KiB O_DIRECT read from $MODELAB_BLOCKDEV: the
 *                     request goes to the device, the device interrupts
 *                     when done (the device's line in /proc/interrupts).
 *   irq-work, ipi, ipi-self
 *                     modelab.ko raises a real interrupt on demand and
 *                     stamps both ends: an irq_work self-interrupt (IWI),
 *                     an IPI to another CPU (CAL), and the same call aimed
 *                     at this CPU, which raises no interrupt at all.
 *
 * WHAT TO EXPECT, AND WHY
 *   Wakeup latency has a floor (the timer's own path, tens of µs under a
 *   hypervisor) and a tail: another interrupt or a softirq running when
 *   the timer fires, a CPU waking from a deep idle state, a hypervisor
 *   that did not schedule our vCPU.  The tail, not the median, is what
 *   real-time work cares about: read p99 and max.  os-noise shows the
 *   same from the other side: the fraction of a CPU's time interrupts
 *   take even from a program that never yields.  A TLB shootdown makes
 *   munmap several times dearer: one CPU must wait for another.
 */
#define _GNU_SOURCE
#include "modelab.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096ul
#define TIMER_INTERVAL_NS 1000000l	/* cyclictest's default -i 1000 */
#define TIMER_PRIORITY 80		/* as cyclictest -p 80 */
#define NOISE_THRESHOLD_NS 1000.0
#define RAISE_DEFAULT 1000

/* ---- timer-wakeup ------------------------------------------------------ */

static bool locked, realtime;
static int dma_latency_fd = -1;

static int setup_timer(struct ml_ctx *ctx)
{
	(void)ctx;
	struct sched_param sp = { .sched_priority = TIMER_PRIORITY };
	int32_t zero = 0;

	/* all three are privileges: use them when granted, say so either
	 * way.  Holding /dev/cpu_dma_latency at 0 keeps CPUs out of deep
	 * idle states for as long as it is open, as cyclictest does. */
	locked = mlockall(MCL_CURRENT | MCL_FUTURE) == 0;
	realtime = sched_setscheduler(0, SCHED_FIFO, &sp) == 0;
	dma_latency_fd = open("/dev/cpu_dma_latency", O_WRONLY | O_CLOEXEC);
	if (dma_latency_fd >= 0 &&
	    write(dma_latency_fd, &zero, sizeof(zero)) != sizeof(zero)) {
		close(dma_latency_fd);
		dma_latency_fd = -1;
	}
	return 0;
}

static int teardown_timer(struct ml_ctx *ctx)
{
	(void)ctx;
	struct sched_param sp = { .sched_priority = 0 };

	if (dma_latency_fd >= 0)
		close(dma_latency_fd);
	dma_latency_fd = -1;
	if (realtime)
		sched_setscheduler(0, SCHED_OTHER, &sp);
	if (locked)
		munlockall();
	return 0;
}

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000ll + ts->tv_nsec;
}

static size_t sample_timer(const struct ml_clock *c, double *out, size_t cap,
			   double seconds, struct ml_result *res)
{
	size_t n = (size_t)(seconds * 1e9 / TIMER_INTERVAL_NS);
	struct timespec next, now;

	(void)c;
	if (n < 10)
		n = 10;
	if (n > cap)
		n = cap;
	ml_result_extra(res, "samples_requested", "samples requested", (double)n);
	ml_result_extra(res, "interval_ns", "interval (ns)", TIMER_INTERVAL_NS);
	ml_result_extra(res, "mlockall", "mlockall granted (1 yes, 0 no)", locked);
	ml_result_extra(res, "sched_fifo_priority",
			"SCHED_FIFO priority granted (0: none)",
			realtime ? TIMER_PRIORITY : 0);
	ml_result_extra(res, "cpu_dma_latency_zero",
			"idle states held off (/dev/cpu_dma_latency 0)",
			dma_latency_fd >= 0);
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (size_t i = 0; i < n; i++) {
		next.tv_nsec += TIMER_INTERVAL_NS;
		if (next.tv_nsec >= 1000000000l) {
			next.tv_nsec -= 1000000000l;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
				       NULL) == EINTR)
			;
		clock_gettime(CLOCK_MONOTONIC, &now);
		out[i] = (double)(ts_ns(&now) - ts_ns(&next));
	}
	return n;
}

/* ---- os-noise ---------------------------------------------------------- */

/* One extra per /proc line that rose on our CPU, keyed "irq:LOC". */
static void attribute(struct ml_result *res, const char *prefix,
		      const struct ml_irq_table *a, const struct ml_irq_table *b,
		      int cpu)
{
	for (size_t i = 0; i < b->nlines; i++) {
		const struct ml_irq_line *l = &b->lines[i];
		uint64_t d = ml_irq_delta(a, b, l->name, cpu);
		char key[32], label[160];

		if (!d)
			continue;
		snprintf(key, sizeof(key), "%s:%s", prefix, l->name);
		snprintf(label, sizeof(label), "%s %s (%.40s)", prefix,
			 l->name, *l->desc ? l->desc : "softirq");
		ml_result_extra(res, key, label, (double)d);
	}
}

/* The module's interrupt rows for our CPU, when it is loaded. */
static void attribute_module(struct ml_result *res,
			     const struct ml_kcounts *a,
			     const struct ml_kcounts *b, int cpu)
{
	static const enum ml_krow rows[] = { ML_K_IRQ_DEVICE, ML_K_IRQ_TIMER,
					     ML_K_IRQ_WORK, ML_K_IRQ_RESCHED,
					     ML_K_IRQ_CALLFUNC, ML_K_CTXSW };

	for (size_t i = 0; i < ML_ARRAY_SIZE(rows); i++) {
		char key[32], label[80];

		snprintf(key, sizeof(key), "modelab:%s",
			 ml_kernel_row_name(rows[i]));
		snprintf(label, sizeof(label), "modelab.ko %s on this CPU",
			 ml_kernel_row_name(rows[i]));
		ml_result_extra(res, key, label,
				(double)(ml_kernel_cpu_count(b, rows[i], cpu) -
					 ml_kernel_cpu_count(a, rows[i], cpu)));
	}
}

static size_t sample_noise(const struct ml_clock *c, double *out, size_t cap,
			   double seconds, struct ml_result *res)
{
	static struct ml_kcounts ka, kb;	/* large: not on the stack */
	bool module = !ml_kernel_read(&ka), switched_on = false;
	struct ml_irq_table ia, ib, sa, sb;
	bool irqs = !ml_irq_read("/proc/interrupts", &ia);
	bool soft = !ml_irq_read("/proc/softirqs", &sa);
	uint64_t threshold = (uint64_t)(NOISE_THRESHOLD_NS * c->ticks_per_ns);
	uint64_t start, end, prev, now, stolen = 0;
	int cpu = sched_getcpu();
	size_t n = 0;

	/* the busy loop makes no syscall: counting costs it nothing */
	if (module && !ka.counting) {
		switched_on = !ml_kernel_write("count on");
		module = switched_on && !ml_kernel_read(&ka);
	}
	start = prev = ml_clock_now(c);
	end = start + (uint64_t)(seconds * 1e9 * c->ticks_per_ns);
	do {
		now = ml_clock_now(c);
		if (now - prev > threshold) {
			stolen += now - prev;
			if (n < cap)
				out[n++] = (double)(now - prev) / c->ticks_per_ns;
		}
		prev = now;
	} while (now < end);
	ml_result_extra(res, "threshold_ns", "gaps recorded above (ns)",
			NOISE_THRESHOLD_NS);
	ml_result_extra(res, "runtime_ns", "busy loop ran (ns)",
			(double)(uint64_t)((double)(now - start) /
					   c->ticks_per_ns));
	ml_result_extra(res, "stolen_ns", "sum of the gaps (ns)",
			(double)(uint64_t)((double)stolen / c->ticks_per_ns));
	ml_result_extra(res, "stolen_fraction", "fraction of the time stolen",
			(double)stolen / (double)(now - start));
	ml_result_extra(res, "cpu", "on CPU", cpu);
	if (irqs && !ml_irq_read("/proc/interrupts", &ib)) {
		attribute(res, "irq", &ia, &ib, cpu);
		ml_irq_free(&ib);
	}
	if (soft && !ml_irq_read("/proc/softirqs", &sb)) {
		attribute(res, "softirq", &sa, &sb, cpu);
		ml_irq_free(&sb);
	}
	if (irqs)
		ml_irq_free(&ia);
	if (soft)
		ml_irq_free(&sa);
	if (module && !ml_kernel_read(&kb))
		attribute_module(res, &ka, &kb, cpu);
	if (switched_on)
		ml_kernel_write("count off");
	return n;
}

/* ---- TLB shootdowns ----------------------------------------------------- */

#define MAX_PAGES 4096
static char *pages[MAX_PAGES];
static pthread_t spinner;
static atomic_bool spinning, spinner_there;
static int spinner_cpu = -1;

/* Keeps this process's address space live on another CPU (pinned there). */
static void *spin(void *arg)
{
	(void)arg;
	atomic_store(&spinner_there, true);
	while (atomic_load_explicit(&spinning, memory_order_relaxed))
		;
	return NULL;
}

static int setup_shootdown(struct ml_ctx *ctx)
{
	spinner_cpu = ml_other_cpu(sched_getcpu());
	if (spinner_cpu < 0)
		return ml_skip(ctx, "no other CPU allowed: nothing to shoot down");
	return 0;
}

/*
 * The spinner runs only during this figure's slices, so munmap-alone,
 * measured in the same rounds, really is alone: no thread of ours is
 * left on the other CPU to need a flush.
 */
static int start_spinner(struct ml_ctx *ctx)
{
	atomic_store(&spinning, true);
	atomic_store(&spinner_there, false);
	if (ml_thread_start(&spinner, spin, NULL, spinner_cpu)) {
		atomic_store(&spinning, false);
		return ml_error(ctx, "cannot start the spinning thread");
	}
	while (!atomic_load(&spinner_there))
		sched_yield();
	return 0;
}

static int stop_spinner(struct ml_ctx *ctx)
{
	(void)ctx;
	if (!atomic_load(&spinning))
		return 0;	/* it never started */
	atomic_store(&spinning, false);
	pthread_join(spinner, NULL);
	return 0;
}

static int teardown_pages(struct ml_ctx *ctx)
{
	(void)ctx;
	for (size_t i = 0; i < MAX_PAGES; i++) {
		if (pages[i])
			munmap(pages[i], PAGE);
		pages[i] = NULL;
	}
	return 0;
}

static int prepare_pages(struct ml_ctx *ctx)
{
	teardown_pages(ctx);
	for (uint64_t i = 0; i < ctx->n && i < MAX_PAGES; i++) {
		pages[i] = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (pages[i] == MAP_FAILED) {
			pages[i] = NULL;
			continue;
		}
		*(volatile char *)pages[i] = 1;	/* a TLB entry to flush */
	}
	return 0;
}

static int run_munmap(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n && i < MAX_PAGES; i++) {
		if (pages[i])
			munmap(pages[i], PAGE);
		pages[i] = NULL;
	}
	return 0;
}

/* ---- device-read --------------------------------------------------------- */

static int dev_fd = -1;
static void *dev_buf;
static uint64_t dev_blocks, dev_errors, dev_seed = 88172645463325252ull;

static int setup_device(struct ml_ctx *ctx)
{
	const char *dev = getenv("MODELAB_BLOCKDEV");
	uint64_t bytes = 0;

	if (!dev || !*dev)
		return ml_skip(ctx, "set MODELAB_BLOCKDEV to a block device to read (O_DIRECT, read-only)");
	dev_fd = open(dev, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (dev_fd < 0)
		return ml_skip(ctx, "cannot open %s: %s", dev, strerror(errno));
	if (ioctl(dev_fd, BLKGETSIZE64, &bytes) || bytes < PAGE) {
		close(dev_fd);
		dev_fd = -1;
		return ml_skip(ctx, "%s is not a readable block device", dev);
	}
	/* the first GiB is plenty, and keeps a huge disk's seeks honest */
	dev_blocks = (bytes < (1ull << 30) ? bytes : (1ull << 30)) / PAGE;
	dev_errors = 0;
	if (posix_memalign(&dev_buf, PAGE, PAGE)) {
		close(dev_fd);
		dev_fd = -1;
		return ml_skip(ctx, "out of memory");
	}
	return 0;
}

static int teardown_device(struct ml_ctx *ctx)
{
	(void)ctx;
	if (dev_fd >= 0)
		close(dev_fd);
	dev_fd = -1;
	free(dev_buf);
	dev_buf = NULL;
	return 0;
}

static int run_device(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++) {
		/* xorshift: a different block each time, so no cache helps */
		dev_seed ^= dev_seed << 13;
		dev_seed ^= dev_seed >> 7;
		dev_seed ^= dev_seed << 17;
		if (pread(dev_fd, dev_buf, PAGE,
			  (off_t)((dev_seed % dev_blocks) * PAGE)) != PAGE)
			dev_errors++;
	}
	return 0;
}

static int prepare_device(struct ml_ctx *ctx)
{
	(void)ctx;
	dev_errors = 0;
	return 0;
}

static int verify_device(struct ml_ctx *ctx)
{
	if (dev_errors)
		return ml_error(ctx, "some O_DIRECT reads failed");
	return 0;
}

/* ---- interrupts raised by modelab.ko -------------------------------------- */

static int setup_module(struct ml_ctx *ctx)
{
	if (access(ML_PROC_MODELAB, W_OK))
		return ml_skip(ctx, "needs modelab.ko loaded and root (make vm, or sudo insmod modelab.ko)");
	if (access(ML_PROC_LATENCY, R_OK))
		return ml_skip(ctx, "this modelab.ko has no " ML_PROC_LATENCY);
	return 0;
}

static size_t raise_and_collect(const char *kind, double *out, size_t cap,
				double seconds, struct ml_result *res)
{
	size_t want = seconds < 0.2 ? 200 : RAISE_DEFAULT;
	char cmd[64];
	int got;

	if (want > cap)
		want = cap;
	snprintf(cmd, sizeof(cmd), "raise %s %zu", kind, want);
	if (ml_kernel_write(cmd))
		return 0;
	got = ml_kernel_latencies(kind, out, cap);
	ml_result_extra(res, "raised", "interrupts asked of modelab.ko",
			(double)want);
	return got < 0 ? 0 : (size_t)got;
}

static size_t sample_irq_work(const struct ml_clock *c, double *out,
			      size_t cap, double seconds,
			      struct ml_result *res)
{
	(void)c;
	return raise_and_collect("irq_work", out, cap, seconds, res);
}

static size_t sample_ipi(const struct ml_clock *c, double *out, size_t cap,
			 double seconds, struct ml_result *res)
{
	(void)c;
	return raise_and_collect("ipi", out, cap, seconds, res);
}

static size_t sample_ipi_self(const struct ml_clock *c, double *out,
			      size_t cap, double seconds,
			      struct ml_result *res)
{
	(void)c;
	return raise_and_collect("ipi-self", out, cap, seconds, res);
}

static const struct ml_figure figures[] = {
	{ .name = "timer-wakeup",
	  .what = "lateness of a clock_nanosleep wakeup every 1 ms (cyclictest)",
	  .sample = sample_timer, .setup = setup_timer,
	  .teardown = teardown_timer, .histogram = true },
	{ .name = "os-noise",
	  .what = "gaps above 1 us in a pinned busy loop (oslat)",
	  .sample = sample_noise, .histogram = true },
	{ .name = "munmap-alone",
	  .what = "munmap one touched page, no other thread running",
	  .run = run_munmap, .prepare = prepare_pages,
	  .teardown = teardown_pages, .max_batch = MAX_PAGES,
	  .witness_ops = 1000, .group = "munmap",
	  .irq_cpus = ML_IRQ_SELF_AND_OTHER },
	{ .name = "munmap-shootdown",
	  .what = "the same while a thread of ours spins on another CPU",
	  .run = run_munmap, .setup = setup_shootdown,
	  .enter = start_spinner, .leave = stop_spinner,
	  .prepare = prepare_pages, .teardown = teardown_pages,
	  .max_batch = MAX_PAGES, .witness_ops = 1000, .group = "munmap",
	  .irq_cpus = ML_IRQ_SELF_AND_OTHER, .pair_with = "munmap-alone",
	  .claim = ML_CLAIM_DEARER },
	{ .name = "device-read",
	  .what = "a 4 KiB O_DIRECT read from $MODELAB_BLOCKDEV",
	  .run = run_device, .setup = setup_device,
	  .prepare = prepare_device, .verify = verify_device,
	  .teardown = teardown_device, .max_batch = 256, .witness_ops = 200,
	  .irq_cpus = ML_IRQ_ALL },
	{ .name = "irq-work",
	  .what = "modelab.ko: irq_work self-interrupt, raise to handler",
	  .sample = sample_irq_work, .setup = setup_module,
	  .histogram = true },
	{ .name = "ipi",
	  .what = "modelab.ko: IPI to another CPU, call to handler",
	  .sample = sample_ipi, .setup = setup_module,
	  .histogram = true, .irq_cpus = ML_IRQ_SELF_AND_OTHER },
	{ .name = "ipi-self",
	  .what = "modelab.ko: the same call aimed at this CPU: no interrupt",
	  .sample = sample_ipi_self, .setup = setup_module,
	  .histogram = true },
};

const struct ml_probe ml_probe_interrupt = {
	.name = "interrupt",
	.summary = "timer wakeups, stolen time, TLB shootdowns, devices, IPIs",
	.figures = figures,
	.nfigures = ML_ARRAY_SIZE(figures),
	.order = 30,
};

ML_PROBE_MAIN(ml_probe_interrupt)
