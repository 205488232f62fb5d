// SPDX-License-Identifier: GPL-2.0
/*
 * lab5.c - lab 5's probe (labs/lab5-probe/README.md): three figures whose
 * op enters the kernel a known number of times, each declaring it in its
 * table entry (.declared), so that modelab.ko's count proves it.
 *
 *   one-syscall    getpid(): one syscall per op (glibc stopped caching the
 *                  pid in 2.25, so every call enters the kernel)
 *   two-syscalls   dup() of a descriptor, then close() of the copy
 *   one-fault      the first write to a fresh anonymous 4 KiB page: one
 *                  minor fault; the pages are mapped untimed, per batch
 *
 * Every run hook starts with (void)ctx so that the starter, whose bodies
 * are empty, still builds under -Werror.
 */
#define _GNU_SOURCE
#include "modelab.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096ul
/*
 * A batch of at most 65536 ops: an op that does nothing (its region still
 * empty) would otherwise grow its batch to 2^30, and one-fault would map
 * 2^30 pages.
 */
#define MAX_BATCH 65536

static uint64_t good_ops;	/* ops that did their work, for verify */
static pid_t my_pid;
static int null_fd = -1;	/* what two-syscalls copies */
static char *pages;		/* one-fault: ctx->n fresh pages */
static size_t pages_len;

static int setup_one_syscall(struct ml_ctx *ctx)
{
	(void)ctx;
	my_pid = getpid();
	return 0;
}

/* Before every batch, untimed: nothing done yet. */
static int prepare_count(struct ml_ctx *ctx)
{
	(void)ctx;
	good_ops = 0;
	return 0;
}

static int verify_count(struct ml_ctx *ctx)
{
	if (good_ops == ctx->n)
		return 0;
	return ml_error(ctx, "%llu of %llu ops did their work (good_ops)",
			(unsigned long long)good_ops,
			(unsigned long long)ctx->n);
}

static int run_one_syscall(struct ml_ctx *ctx)
{
	(void)ctx;
	/* BEGIN SOLUTION: n getpid(); count those giving my_pid */
	for (uint64_t i = 0; i < ctx->n; i++)
		good_ops += getpid() == my_pid;
	/* END SOLUTION */
	return 0;
}

static int setup_two_syscalls(struct ml_ctx *ctx)
{
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return null_fd < 0 ? ml_skip(ctx, "cannot open /dev/null") : 0;
}

static int teardown_two_syscalls(struct ml_ctx *ctx)
{
	(void)ctx;
	close(null_fd);
	null_fd = -1;
	return 0;
}

static int run_two_syscalls(struct ml_ctx *ctx)
{
	(void)ctx;
	/* BEGIN SOLUTION: n dup(null_fd), close(copy); count both ok */
	for (uint64_t i = 0; i < ctx->n; i++) {
		int copy = dup(null_fd);

		good_ops += copy >= 0 && close(copy) == 0;
	}
	/* END SOLUTION */
	return 0;
}

static void unmap_pages(void)
{
	if (pages)
		munmap(pages, pages_len);
	pages = NULL;
	pages_len = 0;
}

/* Before every batch, untimed: ctx->n pages never touched (an empty
 * batch, n == 0, times the loop alone). */
static int prepare_one_fault(struct ml_ctx *ctx)
{
	unmap_pages();
	if (!ctx->n)
		return 0;
	/* BEGIN SOLUTION: mmap n fresh pages: pages, pages_len; no THP */
	pages_len = ctx->n * PAGE;
	pages = mmap(NULL, pages_len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (pages == MAP_FAILED) {
		pages = NULL;
		return ml_error(ctx, "cannot map %zu bytes", pages_len);
	}
	/* a 2 MiB huge page would serve 512 ops with one fault */
	madvise(pages, pages_len, MADV_NOHUGEPAGE);
	/* END SOLUTION */
	return 0;
}

/* no AddressSanitizer: its shadow memory would fault too */
ML_NO_ASAN static int run_one_fault(struct ml_ctx *ctx)
{
	(void)ctx;
	/* BEGIN SOLUTION: write one byte to each of the ctx->n pages */
	for (uint64_t i = 0; i < ctx->n; i++)
		((volatile char *)pages)[i * PAGE] = 1;
	/* END SOLUTION */
	return 0;
}

/* From outside the op: the kernel says all ctx->n pages are now in memory. */
static int verify_one_fault(struct ml_ctx *ctx)
{
	unsigned char in_core[4096];
	uint64_t resident = 0;

	if (!pages || pages_len != ctx->n * PAGE)
		return ml_error(ctx, "prepare did not map %llu pages",
				(unsigned long long)ctx->n);
	for (uint64_t at = 0; at < ctx->n; at += sizeof(in_core)) {
		uint64_t n = ctx->n - at < sizeof(in_core) ? ctx->n - at :
							     sizeof(in_core);

		if (mincore(pages + at * PAGE, n * PAGE, in_core))
			return ml_error(ctx, "mincore failed");
		for (uint64_t i = 0; i < n; i++)
			resident += in_core[i] & 1;
	}
	if (resident == ctx->n)
		return 0;
	return ml_error(ctx, "%llu of %llu pages were touched",
			(unsigned long long)resident,
			(unsigned long long)ctx->n);
}

static int teardown_one_fault(struct ml_ctx *ctx)
{
	(void)ctx;
	unmap_pages();
	return 0;
}

static const struct ml_figure figures[] = {
	{ .name = "one-syscall", .what = "getpid(): one syscall",
	  .run = run_one_syscall, .setup = setup_one_syscall,
	  .prepare = prepare_count, .verify = verify_count,
	  .max_batch = MAX_BATCH,
	  /* BEGIN SOLUTION: .declared = ML_DECLARE(syscalls, faults) */
	  .declared = ML_DECLARE(1, 0),
	  /* END SOLUTION */
	},
	{ .name = "two-syscalls", .what = "dup() and close() the copy",
	  .run = run_two_syscalls, .setup = setup_two_syscalls,
	  .teardown = teardown_two_syscalls, .prepare = prepare_count,
	  .verify = verify_count, .max_batch = MAX_BATCH,
	  /* BEGIN SOLUTION: declare what one op makes */
	  .declared = ML_DECLARE(2, 0),
	  /* END SOLUTION */
	},
	{ .name = "one-fault", .what = "first write to a fresh 4 KiB page",
	  .run = run_one_fault, .prepare = prepare_one_fault,
	  .verify = verify_one_fault, .teardown = teardown_one_fault,
	  .witness_ops = 1000, .kib_per_op = 4, .max_batch = MAX_BATCH,
	  /* BEGIN SOLUTION: declare what one op makes */
	  .declared = ML_DECLARE(0, 1),
	  /* END SOLUTION */
	},
};

const struct ml_probe ml_probe_lab5 = {
	.name = "lab5",
	.summary = "lab 5: figures that declare their kernel entries",
	.figures = figures,
	.nfigures = ML_ARRAY_SIZE(figures),
	.order = 90,
};

ML_PROBE_MAIN(ml_probe_lab5)
