// SPDX-License-Identifier: GPL-2.0
/*
 * probes/syscall/syscall.c - the first way into kernel mode: the system call.
 *
 * THE TRANSITION
 *   A program asks the kernel for a service with the `syscall` instruction.
 *   The CPU switches to ring 0 and jumps to the kernel's entry point
 *   (entry_SYSCALL_64); the kernel saves the user registers, switches to
 *   the kernel stack, applies whatever mitigations are in force (page-table
 *   switch for Meltdown, return-stack and branch-predictor barriers for
 *   Spectre), looks the number up in the syscall table, runs the handler,
 *   and returns with `sysret`.  Those fixed steps cost the same whatever
 *   the call does, and dominate a call that does nothing.
 *
 * HOW IT IS TIMED
 *   Each figure repeats one operation n times in a loop; the library times
 *   the batch with the TSC, subtracts the cost of timing an empty batch and
 *   divides by n (see user/measure/measure.c).  The figures, in order:
 *
 *   function-call         a call to an empty non-inlined function: never
 *                         leaves user mode; the baseline.
 *   getppid-syscall       the null system call through libc's syscall(2),
 *                         what lmbench and `perf bench syscall basic` time.
 *   getppid-raw           the same with a bare `syscall` instruction: no
 *                         libc wrapper, no errno handling.
 *   invalid-nr            a number the kernel has no handler for: entry
 *                         and exit with no work at all, -ENOSYS.
 *   clock_gettime-vdso    libc's clock_gettime: the vDSO, code the kernel
 *                         maps into every process, reads the clock in user
 *                         mode.  No transition when the clocksource allows.
 *   clock_gettime-syscall the same request forced through the kernel.
 *   getcpu-vdso, getcpu-syscall  likewise for getcpu.
 *   read-devzero          read 1 byte from /dev/zero and write 1 byte to
 *   write-devnull         /dev/null: lmbench's pair, a real file-descriptor
 *                         lookup on top of the null call.
 *
 * WHAT TO EXPECT, AND WHY
 *   function-call < the vDSO calls < every syscall: the hardware guarantees
 *   it, since a syscall does the vDSO's work plus a privilege switch twice.
 *   invalid-nr is the floor of any syscall; getppid adds a few ns of real
 *   work; read and write add the fd table and the file's operations.  On a
 *   machine with heavy mitigations the null syscall costs several times
 *   more than on one without: compare the environment block.  With the
 *   module loaded, the syscalls/op column shows the kernel's own count:
 *   1.00 for each syscall figure, 0.00 for the vDSO ones.
 */
#define _GNU_SOURCE
#include "isa/arch.h"
#include "isa/isa.h"
#include "modelab.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Far beyond any syscall table; not -1, which ptrace gives a meaning. */
#define INVALID_SYSCALL_NR 100000

static volatile long sink;	/* keeps results alive without memory traffic */
static int zero_fd = -1, null_fd = -1;

static __attribute__((noinline)) long empty_function(long x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

static int run_function_call(struct ml_ctx *ctx)
{
	long acc = 0;

	for (uint64_t i = 0; i < ctx->n; i++)
		acc += empty_function((long)i);
	sink = acc;
	return 0;
}

#if ML_ARCH_KNOWN
/* syscall, svc #0 or ecall, the number in rax, x8 or a7: user/isa/arch.h */
static int setup_raw(struct ml_ctx *ctx)
{
	if (ml_arch_syscall0(SYS_getppid) != getppid())
		return ml_skip(ctx, "a bare " ML_ARCH_SYSCALL_INSN " did not return getppid()");
	return 0;
}

static int run_getppid_raw(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++)
		ml_arch_syscall0(SYS_getppid);
	return 0;
}
#else
static int setup_raw(struct ml_ctx *ctx)
{
	return ml_skip(ctx, "the bare system call is written for x86-64, arm64 and riscv64");
}

static int run_getppid_raw(struct ml_ctx *ctx)
{
	(void)ctx;
	return 0;
}
#endif

static int setup_invalid(struct ml_ctx *ctx)
{
	errno = 0;
	if (syscall(INVALID_SYSCALL_NR) != -1 || errno != ENOSYS)
		return ml_skip(ctx, "the kernel did not answer ENOSYS");
	return 0;
}

static int run_invalid(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++)
		syscall(INVALID_SYSCALL_NR);
	return 0;
}

/*
 * The vDSO's calls differ by ISA (user/isa/vdso.c reads its table): arm64's
 * has no getcpu, so libc's getcpu is a system call there, and a figure
 * named -vdso would time the kernel.  Skipped, saying what the vDSO has.
 */
static int need_vdso(struct ml_ctx *ctx, const char *call)
{
	char have[256];

	if (ml_vdso_list(have, sizeof(have)) < 0)
		return ml_skip(ctx, "no vDSO is mapped in this process (qemu-user maps none)");
	if (!ml_vdso_lookup(call))
		return ml_skip(ctx, "no %s in this kernel's vDSO: libc's %s is a system call here (the vDSO has: %s)",
			       call, call, have);
	return 0;
}

static int setup_clock_vdso(struct ml_ctx *ctx)
{
	return need_vdso(ctx, "clock_gettime");
}

static int setup_getcpu_vdso(struct ml_ctx *ctx)
{
	return need_vdso(ctx, "getcpu");
}

static int run_clock_vdso(struct ml_ctx *ctx)
{
	struct timespec ts;

	for (uint64_t i = 0; i < ctx->n; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	sink = ts.tv_nsec;
	return 0;
}

static int run_clock_syscall(struct ml_ctx *ctx)
{
	struct timespec ts;

	for (uint64_t i = 0; i < ctx->n; i++)
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	sink = ts.tv_nsec;
	return 0;
}

static int run_getcpu_vdso(struct ml_ctx *ctx)
{
	unsigned int cpu = 0, node = 0;

	for (uint64_t i = 0; i < ctx->n; i++)
		getcpu(&cpu, &node);
	sink = cpu;
	return 0;
}

static int run_getcpu_syscall(struct ml_ctx *ctx)
{
	unsigned int cpu = 0, node = 0;

	for (uint64_t i = 0; i < ctx->n; i++)
		syscall(SYS_getcpu, &cpu, &node, NULL);
	sink = cpu;
	return 0;
}

static int setup_devzero(struct ml_ctx *ctx)
{
	char c = 1;

	zero_fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (zero_fd < 0)
		return ml_skip(ctx, "cannot open /dev/zero");
	if (read(zero_fd, &c, 1) != 1 || c != 0)
		return ml_skip(ctx, "/dev/zero did not read as one zero byte");
	return 0;
}

static int teardown_devzero(struct ml_ctx *ctx)
{
	(void)ctx;
	close(zero_fd);
	zero_fd = -1;
	return 0;
}

static int run_read_devzero(struct ml_ctx *ctx)
{
	char c;

	for (uint64_t i = 0; i < ctx->n; i++)
		if (read(zero_fd, &c, 1) != 1)
			sink = -1;
	return 0;
}

static int setup_devnull(struct ml_ctx *ctx)
{
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null_fd < 0)
		return ml_skip(ctx, "cannot open /dev/null");
	return 0;
}

static int teardown_devnull(struct ml_ctx *ctx)
{
	(void)ctx;
	close(null_fd);
	null_fd = -1;
	return 0;
}

static int run_write_devnull(struct ml_ctx *ctx)
{
	const char c = 0;

	for (uint64_t i = 0; i < ctx->n; i++)
		if (write(null_fd, &c, 1) != 1)
			sink = -1;
	return 0;
}

/*
 * Every figure shares the rounds ("syscall" group), so each ratio below is
 * taken per round between slices a few milliseconds apart.
 */
static const struct ml_figure figures[] = {
	{ .name = "function-call",
	  .what = "call an empty function (no kernel entry)",
	  .run = run_function_call, .group = "syscall",
	  .pair_with = "getppid-syscall", .claim = ML_CLAIM_CHEAPER },
	{ .name = "getppid-syscall",
	  .what = "getppid through syscall(2): the null syscall",
	  .run = ml_null_syscall, .group = "syscall" },
	{ .name = "getppid-raw",
	  .what = "getppid through a bare syscall instruction",
	  .run = run_getppid_raw, .setup = setup_raw, .group = "syscall",
	  .pair_with = "getppid-syscall" },
	{ .name = "invalid-nr",
	  .what = "a syscall number with no handler (-ENOSYS)",
	  .run = run_invalid, .setup = setup_invalid, .group = "syscall",
	  .pair_with = "getppid-syscall" },
	{ .name = "clock_gettime-vdso",
	  .what = "clock_gettime(CLOCK_MONOTONIC) via the vDSO",
	  .run = run_clock_vdso, .setup = setup_clock_vdso, .group = "syscall",
	  .pair_with = "clock_gettime-syscall" },
	{ .name = "clock_gettime-syscall",
	  .what = "clock_gettime via syscall(2)",
	  .run = run_clock_syscall, .group = "syscall" },
	{ .name = "getcpu-vdso", .what = "getcpu via the vDSO",
	  .run = run_getcpu_vdso, .setup = setup_getcpu_vdso,
	  .group = "syscall",
	  .pair_with = "getcpu-syscall" },
	{ .name = "getcpu-syscall", .what = "getcpu via syscall(2)",
	  .run = run_getcpu_syscall, .group = "syscall" },
	{ .name = "read-devzero", .what = "read 1 byte from /dev/zero",
	  .run = run_read_devzero, .setup = setup_devzero,
	  .teardown = teardown_devzero, .group = "syscall" },
	{ .name = "write-devnull", .what = "write 1 byte to /dev/null",
	  .run = run_write_devnull, .setup = setup_devnull,
	  .teardown = teardown_devnull, .group = "syscall" },
};

const struct ml_probe ml_probe_syscall = {
	.name = "syscall",
	.summary = "system calls against a function call and the vDSO",
	.figures = figures,
	.nfigures = ML_ARRAY_SIZE(figures),
	.order = 10,
};

ML_PROBE_MAIN(ml_probe_syscall)
