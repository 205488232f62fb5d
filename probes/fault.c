// SPDX-License-Identifier: GPL-2.0
/*
 * probes/fault.c - the second way into kernel mode: faults and exceptions.
 *
 * THE TRANSITION
 *   Nobody asks for these: the CPU itself stops the program mid-instruction
 *   and enters the kernel through the exception vector.  A page fault (#PF)
 *   arrives with the faulting address in CR2 and an error code that says
 *   why (page not present, or present but protected; read, write or
 *   instruction fetch).  The kernel's handle_mm_fault() then either makes
 *   the access possible and returns to re-run the instruction (a "minor"
 *   fault when no I/O was needed, "major" when the page had to be read from
 *   disk), or gives up and turns the exception into a signal.  Divide
 *   error (#DE), invalid opcode (#UD) and breakpoint (#BP) always become
 *   signals: SIGFPE, SIGILL, SIGTRAP.  arm64 and riscv64 take the same
 *   path with their own instructions (user/isa/arch.h): udf and unimp for
 *   SIGILL, brk and ebreak for SIGTRAP; their divide instructions never
 *   trap (a quotient by zero is 0 on arm64, -1 on riscv64), so sigfpe is
 *   skipped there and says what the division gave.
 *
 * HOW IT IS TIMED
 *   Each batch gets fresh memory, prepared untimed before the clock starts
 *   (the figure's prepare hook), then the timed loop touches one page (or
 *   one huge page) per op.  Exceptions are timed as round trips: fault,
 *   kernel, signal frame, handler, sigreturn, back to the next instruction.
 *   The handlers step over the faulting instruction by moving the saved
 *   instruction pointer to a label just after it, so no extra syscall hides
 *   in the figure (sigsegv-restore is the classic variant that mprotect()s
 *   instead, and pays for two syscalls more).
 *
 *   minor-anon-4k       first write to fresh anonymous memory, THP off:
 *                       allocate and zero a 4 KiB page, map it.
 *   minor-anon-thp      the same with a 2 MiB transparent huge page: one
 *                       fault zeroes 512 times as much (see ns/KiB).
 *   zero-page-read      first read of fresh memory: the kernel maps its
 *                       shared zero page, read-only; nothing is allocated.
 *   zero-page-cow       the write after that read: a protection fault that
 *                       copies (well, allocates and zeroes) a private page.
 *   cow-after-fork      the parent writes pages it shares with a child:
 *                       copy-on-write copies 4 KiB each time.
 *   file-minor-seq      reading a cached file's pages through mmap, every
 *                       page: fault-around maps 16 pages per fault, so the
 *                       witnesses count about 1/16 fault per op.
 *   file-minor-stride   the same, one page in 16: every op is one fault.
 *   file-major          the file's pages dropped from the page cache first
 *                       (fsync, POSIX_FADV_DONTNEED, checked with mincore),
 *                       readahead off (MADV_RANDOM): every op reads the disk.
 *   sigsegv, sigsegv-restore, sigbus, sigfpe, sigill, sigtrap
 *                       exception round trips through a handler.
 *   kill-self           a signal sent with kill(2): delivery without an
 *                       exception, to separate the two costs.
 *
 * THE PEERS' NAMES, AND WHERE A DEFINITION DIFFERS
 *   One op here is one fault.  lmbench's lat_pagefault reports per page of
 *   a file mapping, with fault-around and readahead at work: compare it
 *   with file-minor-seq (per page) or file-minor-stride (per fault), not
 *   with minor-anon-4k.  lmbench's `lat_sig prot` times a write to a
 *   read-only page and a handler that returns without an mprotect(): that
 *   is sigsegv (which steps over the instruction), not sigsegv-restore,
 *   the classic handler that mprotect()s the page and retries.
 *
 * WHAT TO EXPECT, AND WHY
 *   A minor fault costs several null syscalls: the same entry, plus finding
 *   the VMA, allocating and zeroing a page and filling a page-table entry.
 *   Zeroing dominates the huge page, yet per KiB it is far cheaper than
 *   4 KiB pages: one fault instead of 512.  A signal round trip costs more
 *   than a minor fault: the kernel builds a signal frame on the user stack
 *   (all registers, the FPU state) and sigreturn() restores it.  A major
 *   fault costs what the disk costs.  The witnesses table shows what the
 *   kernel counted: getrusage and the perf -min/-maj counters count only
 *   faults the kernel resolved, so a fault that becomes SIGSEGV or SIGBUS
 *   shows in modelab.ko's count (the tracepoint fires at entry) and in no
 *   other.  On tmpfs there are no major faults at all: page cache is the
 *   file's only home, so file-major is skipped there, with the reason.
 */
#define _GNU_SOURCE
#include "isa/arch.h"
#include "modelab.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <ucontext.h>
#include <unistd.h>

#define PAGE 4096ul
#define HUGE (2ul << 20)
#define FILE_PAGES 16384ul		/* a 64 MiB scratch file */
#define FAULT_AROUND_PAGES 16ul		/* the kernel's default 64 KiB */

static volatile char sink;

/* ---- anonymous memory: one mapping per batch ------------------------------ */

static char *region, *mapping;	/* region: aligned start inside mapping */
static size_t mapping_len;

static void unmap_region(void)
{
	if (mapping)
		munmap(mapping, mapping_len);
	mapping = region = NULL;
}

/* Maps len bytes aligned to align, with the given THP advice. */
static char *map_anon(size_t len, size_t align, int advice)
{
	unmap_region();
	mapping_len = len + align;
	mapping = mmap(NULL, mapping_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mapping == MAP_FAILED) {
		mapping = NULL;
		abort();	/* out of address space: nothing sensible left */
	}
	region = (char *)(((uintptr_t)mapping + align - 1) & ~(align - 1));
	madvise(region, len, advice);
	return region;
}

static int prepare_4k(struct ml_ctx *ctx)
{
	map_anon(ctx->n * PAGE, PAGE, MADV_NOHUGEPAGE);
	return 0;
}

ML_NO_ASAN static int write_pages(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++)
		((volatile char *)region)[i * PAGE] = 1;
	return 0;
}

ML_NO_ASAN static int read_pages(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++)
		sink = ((volatile char *)region)[i * PAGE];
	return 0;
}

static long process_rss_pages(void)
{
	long size = 0, resident = -1;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f && fscanf(f, "%ld %ld", &size, &resident) != 2)
		resident = -1;
	if (f)
		fclose(f);
	return resident;
}

/*
 * Not every kernel maps the shared zero page on a read fault: some builds
 * (and mm_forbids_zeropage() architectures) allocate a private page at once,
 * so a read costs an allocation and the later write finds nothing to copy.
 * Try 64 pages: the zero page is not counted in RSS, a private page is.
 */
static int setup_zero_page(struct ml_ctx *ctx)
{
	enum { TRY = 64 };
	struct ml_ctx probe = { .n = TRY };
	long before, after;

	prepare_4k(&probe);
	before = process_rss_pages();
	read_pages(&probe);
	after = process_rss_pages();
	unmap_region();
	if (before < 0 || after < 0)
		return ml_skip(ctx, "no /proc/self/statm to tell the zero page from a private one");
	if (after - before > TRY / 2)
		return ml_skip(ctx, "this kernel gives a read fault a private page, not the shared zero page");
	return 0;
}

static int prepare_zero_mapped(struct ml_ctx *ctx)
{
	prepare_4k(ctx);
	read_pages(ctx);		/* untimed: map the zero page everywhere */
	return 0;
}

/* ---- transparent huge pages ----------------------------------------------- */

static long anon_huge_kib_before;

static long anon_huge_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/smaps_rollup", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

static int setup_thp(struct ml_ctx *ctx)
{
	char mode[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");

	if (!f)
		return ml_skip(ctx, "no transparent huge pages in this kernel");
	if (!fgets(mode, sizeof(mode), f))
		mode[0] = '\0';
	fclose(f);
	if (strstr(mode, "[never]"))
		return ml_skip(ctx, "transparent huge pages are off ([never])");
	if (anon_huge_kib() < 0)
		return ml_skip(ctx, "no AnonHugePages in /proc/self/smaps_rollup to check with");
	return 0;
}

static int prepare_thp(struct ml_ctx *ctx)
{
	unmap_region();
	anon_huge_kib_before = anon_huge_kib();
	map_anon(ctx->n * HUGE, HUGE, MADV_HUGEPAGE);
	return 0;
}

ML_NO_ASAN static int write_huge_pages(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++)
		((volatile char *)region)[i * HUGE] = 1;
	return 0;
}

static int verify_thp(struct ml_ctx *ctx)
{
	long got = (anon_huge_kib() - anon_huge_kib_before) / 2048;

	if (got >= (long)ctx->n)
		return 0;
	return ml_error(ctx, "%ld of %llu faults got a huge page", got,
			(unsigned long long)ctx->n);
}

/* ---- copy-on-write after fork --------------------------------------------- */

static pid_t child = -1;
static int child_pipe = -1;

static void end_child(void)
{
	if (child > 0) {
		close(child_pipe);	/* EOF: the child exits */
		ml_child_reap(child, 10, NULL);
	}
	child = -1;
}

static int prepare_cow(struct ml_ctx *ctx)
{
	int p[2];

	end_child();
	prepare_4k(ctx);
	write_pages(ctx);		/* untimed: our own private pages... */
	if (pipe2(p, O_CLOEXEC))
		abort();
	child = ml_child_fork(-1);	/* ...now shared with the child */
	if (child == 0) {
		char c;

		close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(p[0]);
	child_pipe = p[1];
	if (child < 0)
		abort();
	return 0;
}

static int teardown_anon(struct ml_ctx *ctx)
{
	(void)ctx;
	end_child();
	unmap_region();
	return 0;
}

/* ---- file-backed faults ---------------------------------------------------- */

static int file_fd = -1;
static char *file_map;
static size_t file_map_len;
static uint64_t evict_failures;

static void unmap_file(void)
{
	if (file_map)
		munmap(file_map, file_map_len);
	file_map = NULL;
}

/*
 * A scratch file in the run's directory (scratch.c), opened and unlinked
 * at once: nothing to clean up.  on_disk: file-major needs a disk, so
 * ml_scratch_dir_on_disk(), which falls back to /var/tmp when the rule's
 * directory is on tmpfs and MODELAB_TMPDIR is not set.
 */
static int scratch_file(const char *name, bool on_disk)
{
	char path[512];
	int fd;

	if ((on_disk ? ml_scratch_disk_path : ml_scratch_path)(path,
							       sizeof(path),
							       name))
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	unlink(path);
	ml_scratch_forget(path);
	return fd;
}

/* A 64 MiB file of non-zero bytes, unlinked at once: nothing to clean up. */
static int setup_file(struct ml_ctx *ctx)
{
	char block[64 * 1024];

	if (file_fd >= 0)
		return 0;
	file_fd = scratch_file("fault-file", true);
	if (file_fd < 0)
		return ml_skip(ctx, "cannot create a scratch file (set MODELAB_TMPDIR)");
	memset(block, 0x5a, sizeof(block));
	for (size_t done = 0; done < FILE_PAGES * PAGE; done += sizeof(block)) {
		if (write(file_fd, block, sizeof(block)) != sizeof(block)) {
			close(file_fd);
			file_fd = -1;
			return ml_skip(ctx, "cannot write a 64 MiB scratch file");
		}
	}
	fdatasync(file_fd);
	return 0;
}

static int teardown_file(struct ml_ctx *ctx)
{
	(void)ctx;
	unmap_file();
	if (file_fd >= 0)
		close(file_fd);
	file_fd = -1;
	return 0;
}

static void map_file(uint64_t pages, int advice)
{
	unmap_file();
	file_map_len = (pages ? pages : 1) * PAGE;	/* mmap refuses 0 */
	file_map = mmap(NULL, file_map_len, PROT_READ, MAP_SHARED, file_fd, 0);
	if (file_map == MAP_FAILED)
		abort();
	madvise(file_map, file_map_len, advice);
}

static int prepare_file_seq(struct ml_ctx *ctx)
{
	map_file(ctx->n, MADV_NORMAL);
	return 0;
}

static int prepare_file_stride(struct ml_ctx *ctx)
{
	map_file(ctx->n * FAULT_AROUND_PAGES, MADV_NORMAL);
	return 0;
}

ML_NO_ASAN static int read_file_pages(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++)
		sink = ((volatile char *)file_map)[i * PAGE];
	return 0;
}

ML_NO_ASAN static int read_file_stride(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++)
		sink = ((volatile char *)file_map)[i * FAULT_AROUND_PAGES * PAGE];
	return 0;
}

/* Pages of the mapping still in memory: mincore is the witness. */
static uint64_t resident_pages(uint64_t pages)
{
	unsigned char vec[4096];
	uint64_t resident = 0;

	for (uint64_t off = 0; off < pages; off += sizeof(vec)) {
		uint64_t chunk = pages - off < sizeof(vec) ? pages - off :
							      sizeof(vec);

		if (mincore(file_map + off * PAGE, chunk * PAGE, vec))
			return pages;
		for (uint64_t i = 0; i < chunk; i++)
			resident += vec[i] & 1;
	}
	return resident;
}

static int prepare_file_major(struct ml_ctx *ctx)
{
	unmap_file();
	fdatasync(file_fd);
	posix_fadvise(file_fd, 0, 0, POSIX_FADV_DONTNEED);
	map_file(ctx->n, MADV_RANDOM);	/* no readahead: one page per fault */
	if (resident_pages(ctx->n))
		evict_failures++;
	return 0;
}

static int setup_file_major(struct ml_ctx *ctx)
{
	struct statfs fs;
	int rc = setup_file(ctx);

	if (rc)
		return rc;
	if (fstatfs(file_fd, &fs) == 0 &&
	    (fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC)) {
		teardown_file(ctx);
		return ml_skip(ctx, "the scratch file is on tmpfs, where no fault is major (set MODELAB_TMPDIR to a disk)");
	}
	evict_failures = 0;
	ctx->n = 64;
	prepare_file_major(ctx);
	if (evict_failures) {
		teardown_file(ctx);
		return ml_skip(ctx, "the kernel kept the file's pages after POSIX_FADV_DONTNEED");
	}
	return 0;
}

static int verify_file_major(struct ml_ctx *ctx)
{
	if (evict_failures)
		return ml_error(ctx, "pages stayed resident after eviction");
	return 0;
}

/* ---- exceptions and signals ------------------------------------------------ */

#if ML_ARCH_KNOWN
static uintptr_t resume_ip;	/* where a handler sends the program on */
static volatile uint64_t handled;
static volatile int expected_sig, expected_code;
static char *guard_page;	/* PROT_NONE, or a mapping past EOF */
static size_t guard_len;

/*
 * Each op records where to resume, then executes one faulting instruction:
 * the ISA's own, from user/isa/arch.h (movb/strb/sb, ud2/udf/unimp, int3/brk/
 * ebreak).
 */
#define FAULTING(insn, ...) ML_ARCH_FAULTING(resume_ip, insn, __VA_ARGS__)

static void handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	/* count only the exception we caused, as we caused it */
	if (sig == expected_sig &&
	    (expected_code == 0 || si->si_code == expected_code))
		handled++;
	if (resume_ip)
		ML_ARCH_PC(uc) = resume_ip;
}

static void restore_handler(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (sig == SIGSEGV && si->si_addr == guard_page &&
	    !mprotect(guard_page, PAGE, PROT_READ | PROT_WRITE))
		handled++;
}

static const char *catch(int sig, void (*fn)(int, siginfo_t *, void *),
			 int code)
{
	struct sigaction sa = { .sa_sigaction = fn, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	expected_sig = sig;
	expected_code = code;
	resume_ip = 0;
	return sigaction(sig, &sa, NULL) ? "sigaction failed" : NULL;
}

static void uncatch(int sig)
{
	signal(sig, SIG_DFL);
}

static int prepare_count(struct ml_ctx *ctx)
{
	(void)ctx;
	handled = 0;
	return 0;
}

static int verify_count(struct ml_ctx *ctx)
{
	if (handled == ctx->n)
		return 0;
	return ml_error(ctx, "the handler ran %llu times for %llu ops",
			(unsigned long long)handled,
			(unsigned long long)ctx->n);
}

static int setup_segv(struct ml_ctx *ctx)
{
	guard_len = PAGE;
	guard_page = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	if (guard_page == MAP_FAILED)
		return ml_skip(ctx, "cannot map a guard page");
	return ml_skip_if(ctx, catch(SIGSEGV, handler, SEGV_ACCERR));
}

static int setup_segv_restore(struct ml_ctx *ctx)
{
	int rc = setup_segv(ctx);

	return rc ? rc : ml_skip_if(ctx, catch(SIGSEGV, restore_handler, 0));
}

static int teardown_guard(struct ml_ctx *ctx)
{
	(void)ctx;
	uncatch(expected_sig);
	munmap(guard_page, guard_len);
	return 0;
}

static int run_segv(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++)
		FAULTING(ML_ARCH_INSN_STORE, [p] "r"(guard_page));
	return 0;
}

static int run_segv_restore(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++) {
		*(volatile char *)guard_page = 1;	/* faults, then works */
		mprotect(guard_page, PAGE, PROT_NONE);
	}
	return 0;
}

/* A two-page mapping of a one-page file: the second page is past EOF. */
static int setup_bus(struct ml_ctx *ctx)
{
	int fd = scratch_file("fault-bus", false);

	if (fd < 0)
		return ml_skip(ctx, "cannot create a scratch file (set MODELAB_TMPDIR)");
	if (ftruncate(fd, PAGE)) {
		close(fd);
		return ml_skip(ctx, "cannot size the scratch file");
	}
	guard_len = 2 * PAGE;
	guard_page = mmap(NULL, guard_len, PROT_READ | PROT_WRITE, MAP_SHARED,
			  fd, 0);
	close(fd);
	if (guard_page == MAP_FAILED)
		return ml_skip(ctx, "cannot map the scratch file");
	return ml_skip_if(ctx, catch(SIGBUS, handler, BUS_ADRERR));
}

static int run_bus(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++)
		FAULTING(ML_ARCH_INSN_STORE, [p] "r"(guard_page + PAGE));
	return 0;
}

#ifdef ML_ARCH_INSN_DIVIDE
static int setup_fpe(struct ml_ctx *ctx)
{
	return ml_skip_if(ctx, catch(SIGFPE, handler, FPE_INTDIV));
}
#else
/* Nothing to time where the divide instruction does not trap: say what it
 * did instead, from the instruction itself. */
static int setup_fpe(struct ml_ctx *ctx)
{
	static volatile long zero;

	return ml_skip(ctx, "an integer division by zero does not trap on %s: 7 / 0 gave %ld",
		       ML_ARCH_NAME, ml_arch_divide(7, zero));
}
#endif

static int teardown_fpe(struct ml_ctx *ctx)
{
	(void)ctx;
	uncatch(SIGFPE);
	return 0;
}

static int run_fpe(struct ml_ctx *ctx)
{
#ifdef ML_ARCH_INSN_DIVIDE
	unsigned int zero = 0;

	for (uint64_t i = 0; i < ctx->n; i++)
		FAULTING(ML_ARCH_INSN_DIVIDE, [z] "r"(zero));
#else
	(void)ctx;
#endif
	return 0;
}

static int setup_ill(struct ml_ctx *ctx)
{
	return ml_skip_if(ctx, catch(SIGILL, handler, ML_ARCH_SIGILL_CODE));
}

static int teardown_ill(struct ml_ctx *ctx)
{
	(void)ctx;
	uncatch(SIGILL);
	return 0;
}

static int run_ill(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++)
		FAULTING(ML_ARCH_INSN_ILLEGAL, "i"(0));
	return 0;
}

/*
 * int3 is a trap: the saved instruction pointer is already past it; brk and
 * ebreak leave it on the instruction.  The handler moves it on either way.
 */
static int setup_trap(struct ml_ctx *ctx)
{
	return ml_skip_if(ctx, catch(SIGTRAP, handler, 0));
}

static int teardown_trap(struct ml_ctx *ctx)
{
	(void)ctx;
	uncatch(SIGTRAP);
	return 0;
}

static int run_trap(struct ml_ctx *ctx)
{
	for (uint64_t i = 0; i < ctx->n; i++)
		FAULTING(ML_ARCH_INSN_BREAKPOINT, "i"(0));
	return 0;
}

static int setup_kill(struct ml_ctx *ctx)
{
	return ml_skip_if(ctx, catch(SIGUSR1, handler, SI_USER));
}

static int teardown_kill(struct ml_ctx *ctx)
{
	(void)ctx;
	uncatch(SIGUSR1);
	return 0;
}

static int run_kill(struct ml_ctx *ctx)
{
	pid_t self = getpid();

	resume_ip = 0;	/* nothing to step over: delivery is at syscall exit */
	for (uint64_t i = 0; i < ctx->n; i++)
		kill(self, SIGUSR1);
	return 0;
}
#else
static int isa_unknown(struct ml_ctx *ctx)
{
	return ml_skip(ctx, "the exception figures are written for x86-64, arm64 and riscv64");
}
#define setup_segv isa_unknown
#define setup_segv_restore isa_unknown
#define setup_bus isa_unknown
#define setup_fpe isa_unknown
#define setup_ill isa_unknown
#define setup_trap isa_unknown
#define setup_kill isa_unknown
static int nothing(struct ml_ctx *ctx)
{
	(void)ctx;
	return 0;
}
#define run_segv nothing
#define run_segv_restore nothing
#define run_bus nothing
#define run_fpe nothing
#define run_ill nothing
#define run_trap nothing
#define run_kill nothing
#define prepare_count nothing
#define verify_count NULL
#define teardown_guard NULL
#define teardown_fpe NULL
#define teardown_ill NULL
#define teardown_trap NULL
#define teardown_kill NULL
#endif

#define EXCEPTION(fig_name, desc, runner, set, down)                          \
	{ .name = fig_name, .what = desc, .run = runner, .setup = set,        \
	  .teardown = down, .prepare = prepare_count,                         \
	  .verify = verify_count, .witness_ops = 1000 }

static const struct ml_figure figures[] = {
	{ .name = "minor-anon-4k",
	  .what = "first write to a fresh anonymous 4 KiB page",
	  .run = write_pages, .prepare = prepare_4k,
	  .teardown = teardown_anon, .witness_ops = 1000, .kib_per_op = 4 },
	{ .name = "minor-anon-thp",
	  .what = "first write to a fresh 2 MiB transparent huge page",
	  .run = write_huge_pages, .setup = setup_thp, .prepare = prepare_thp,
	  .verify = verify_thp, .teardown = teardown_anon, .max_batch = 32,
	  .witness_ops = 16, .kib_per_op = 2048 },
	{ .name = "zero-page-read",
	  .what = "first read of a fresh page: the shared zero page",
	  .setup = setup_zero_page,
	  .run = read_pages, .prepare = prepare_4k,
	  .teardown = teardown_anon, .witness_ops = 1000, .kib_per_op = 4 },
	{ .name = "zero-page-cow",
	  .what = "write after that read: copy-on-write of the zero page",
	  .setup = setup_zero_page,
	  .run = write_pages, .prepare = prepare_zero_mapped,
	  .teardown = teardown_anon, .witness_ops = 1000, .kib_per_op = 4 },
	{ .name = "cow-after-fork",
	  .what = "write to a page shared with a forked child",
	  .run = write_pages, .prepare = prepare_cow,
	  .teardown = teardown_anon, .max_batch = 4096, .witness_ops = 1000,
	  .kib_per_op = 4 },
	{ .name = "file-minor-seq",
	  .what = "read a cached file page via mmap, every page (fault-around)",
	  .run = read_file_pages, .setup = setup_file,
	  .prepare = prepare_file_seq, .teardown = teardown_file,
	  .max_batch = FILE_PAGES, .witness_ops = 4096, .kib_per_op = 4 },
	{ .name = "file-minor-stride",
	  .what = "read a cached file page via mmap, one page in 16",
	  .run = read_file_stride, .setup = setup_file,
	  .prepare = prepare_file_stride, .teardown = teardown_file,
	  .max_batch = FILE_PAGES / FAULT_AROUND_PAGES, .witness_ops = 1000,
	  .kib_per_op = 4 },
	{ .name = "file-major",
	  .what = "read a file page dropped from the page cache: disk I/O",
	  .run = read_file_pages, .setup = setup_file_major,
	  .prepare = prepare_file_major, .verify = verify_file_major,
	  .teardown = teardown_file, .max_batch = 1024, .witness_ops = 256,
	  .kib_per_op = 4 },
	EXCEPTION("sigsegv", "write to a PROT_NONE page, SIGSEGV, step over",
		  run_segv, setup_segv, teardown_guard),
	EXCEPTION("sigsegv-restore",
		  "the same; the handler mprotect()s, the loop revokes again",
		  run_segv_restore, setup_segv_restore, teardown_guard),
	EXCEPTION("sigbus", "touch a file mapping past EOF, SIGBUS, step over",
		  run_bus, setup_bus, teardown_guard),
	EXCEPTION("sigfpe", "integer divide by zero, SIGFPE, step over",
		  run_fpe, setup_fpe, teardown_fpe),
	EXCEPTION("sigill", ML_ARCH_ILLEGAL_NAME ", SIGILL, step over", run_ill, setup_ill,
		  teardown_ill),
	EXCEPTION("sigtrap", ML_ARCH_BREAKPOINT_NAME ", SIGTRAP", run_trap, setup_trap,
		  teardown_trap),
	EXCEPTION("kill-self", "kill(getpid(), SIGUSR1): a signal, no exception",
		  run_kill, setup_kill, teardown_kill),
};

const struct ml_probe ml_probe_fault = {
	.name = "fault",
	.summary = "page faults and exceptions, each with its witnesses",
	.figures = figures,
	.nfigures = ML_ARRAY_SIZE(figures),
	.order = 20,
};

ML_PROBE_MAIN(ml_probe_fault)
