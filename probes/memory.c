// SPDX-License-Identifier: GPL-2.0
/*
 * probes/memory.c - what a process gets when it asks for memory, and the
 * free memory nobody can use: internal and external fragmentation.
 *
 * THE TRANSITION
 *   Memory reaches a process in two layers.  The kernel hands out whole
 *   pages: mmap() and brk() are system calls, and the smallest thing they
 *   can map is a page (4 KiB here).  malloc() lives in user mode, in libc:
 *   it carves the pages it got from the kernel into blocks, and enters the
 *   kernel only when it runs out (brk to grow the heap, mmap for a large
 *   block).  Each layer rounds up, and each can end up with free memory in
 *   pieces too small for the next request.  Below both, the kernel's own
 *   page allocator (the buddy allocator) keeps free physical memory in
 *   blocks of 2^order pages, and has the same problem.
 *
 * THE DEMONSTRATIONS (numbers as extras, notes say what was seen)
 *   internal-fragmentation-mmap    mmap() of 1 byte maps a whole page: the
 *                       VMA in /proc/self/smaps is a page long, and the
 *                       first write makes its Rss grow by exactly one page
 *                       (the kernel walks the page table for smaps: no
 *                       estimate).  The 4095 bytes not asked for are
 *                       writable too.  4097 bytes take two pages.
 *   internal-fragmentation-malloc  malloc_usable_size() against the request
 *                       for every size from 1 to 4096 bytes and a few large
 *                       ones, summarised as percent of what was handed out
 *                       that was not asked for; and the heap each block
 *                       really takes (mallinfo2's uordblks per block), the
 *                       chunk header included.  glibc: 16-byte steps with
 *                       an 8-byte header, 32 bytes at least; blocks above
 *                       the mmap threshold are whole pages again.
 *   external-fragmentation-heap    in a fresh process (this program exec'd
 *                       again, so that nothing modelab freed earlier
 *                       lies around in its heap): 256 blocks of 4000
 *                       bytes, every other one freed.  Half a megabyte is
 *                       free, in 128 holes of 4 KiB that cannot merge
 *                       because their neighbours are in use; a 64 KiB
 *                       request cannot use any of them, and the heap grows
 *                       (mallinfo2's arena, the [heap] mapping).  A
 *                       3000-byte request, by contrast, fits in a hole.
 *   buddyinfo           /proc/buddyinfo read and explained: free blocks of
 *                       each order per zone, their total against MemFree,
 *                       and how much free memory sits in blocks too small
 *                       for a 2 MiB huge page (the unusable free space
 *                       index, which the kernel computes the same way in
 *                       /sys/kernel/debug/extfrag/unusable_index).
 *
 * WHAT TO EXPECT, AND WHY
 *   One byte through mmap costs 4096: the page is the unit of the MMU.
 *   malloc wastes little on average (a few percent over 1..4096 bytes) but
 *   a lot on tiny blocks: malloc(1) takes 32 bytes.  External
 *   fragmentation needs no leak: a pattern of frees is enough, and the
 *   allocator cannot move live blocks to close the holes (C hands out raw
 *   addresses); only the kernel can compact physical memory, because it
 *   can change the page tables that point to it.  Under AddressSanitizer
 *   malloc is ASan's own and the two malloc demonstrations are skipped.
 */
#define _GNU_SOURCE
#include "modelab.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define ML_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ML_ASAN 1
#endif
#endif

#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
#define ML_GLIBC_MALLINFO2 1
#endif

/* A whole /proc file, however long (smaps is): malloc'd, NUL-ended. */
static char *slurp(const char *path)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap), *more;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (!buf || fd < 0) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len - 1 == 0) {
			more = realloc(buf, cap * 2);
			if (!more)
				break;
			buf = more;
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* ---- internal fragmentation: mmap ---------------------------------------- */

/*
 * Size and Rss (KiB) of the VMA that starts at addr, from /proc/self/smaps:
 * the kernel counts Rss by walking the page table, so it is exact.
 */
static int vma_at(const void *addr, long *size_kib, long *rss_kib)
{
	char *buf = slurp("/proc/self/smaps"), *p, *next;
	unsigned long start;
	int found = -1;

	for (p = buf; p && *p; p = next) {
		next = strchr(p, '\n');
		next = next ? next + 1 : NULL;
		if (sscanf(p, "%lx-", &start) != 1 || start != (uintptr_t)addr)
			continue;
		*size_kib = *rss_kib = -1;
		for (p = next; p && *p; p = next) {
			next = strchr(p, '\n');
			next = next ? next + 1 : NULL;
			if (!strncmp(p, "Size:", 5))
				sscanf(p + 5, "%ld", size_kib);
			else if (!strncmp(p, "Rss:", 4))
				sscanf(p + 4, "%ld", rss_kib);
			else if (strchr(p, '-') &&
				 strchr(p, '-') < strchr(p, ' '))
				break;	/* the next VMA */
		}
		found = *size_kib >= 0 && *rss_kib >= 0 ? 0 : -1;
		break;
	}
	free(buf);
	return found;
}

ML_NO_ASAN static void poke_byte(char *p)
{
	*(volatile char *)p = 1;
}

/*
 * Maps len bytes between two PROT_NONE guard pages, so that the VMA cannot
 * merge with a neighbour and its size is ours alone.  Returns the start.
 */
static char *map_guarded(size_t len, size_t page, char **whole,
			 size_t *whole_len)
{
	size_t pages = (len + page - 1) / page;
	char *p;

	*whole_len = (pages + 2) * page;
	*whole = mmap(NULL, *whole_len, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*whole == MAP_FAILED)
		return NULL;
	p = mmap(*whole + page, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED) {
		munmap(*whole, *whole_len);
		return NULL;
	}
	return p;
}

static const char *demo_mmap(struct ml_result *res)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	const size_t asks[] = { 1, 100, page, page + 1 };
	long size0, rss0, size1, rss1, size2, rss2;
	char *whole, *p;
	size_t whole_len;
	const char *why = NULL;

	ml_result_extra(res, "page_size", "page size (bytes)", (double)page);
	p = map_guarded(1, page, &whole, &whole_len);
	if (!p)
		return "mmap failed";
	if (vma_at(p, &size0, &rss0)) {
		munmap(whole, whole_len);
		return "the mapping is not in /proc/self/smaps";
	}
	poke_byte(p);
	vma_at(p, &size1, &rss1);
	poke_byte(p + page - 1);	/* a byte nobody asked for */
	vma_at(p, &size2, &rss2);
	munmap(whole, whole_len);
	ml_result_note(res,
		       "mmap of 1 byte: /proc/self/smaps shows a VMA of %ld KiB with Rss %ld KiB; after writing the byte, Rss %ld KiB: one byte costs a %zu-byte page",
		       size0, rss0, rss1, page);
	ml_result_note(res,
		       "byte %zu of that 1-byte mapping, never asked for, is writable; Rss stays %ld KiB: it is the same page",
		       page - 1, rss2);
	ml_result_extra(res, "request_bytes", "bytes asked of mmap", 1);
	ml_result_extra(res, "vma_bytes", "bytes mapped (the VMA in smaps)",
			(double)size0 * 1024);
	ml_result_extra(res, "rss_before_bytes", "its Rss before the write",
			(double)rss0 * 1024);
	ml_result_extra(res, "rss_after_bytes", "its Rss after the write",
			(double)rss1 * 1024);
	ml_result_extra(res, "rss_delta_bytes", "Rss delta of a 1-byte write",
			(double)(rss1 - rss0) * 1024);
	ml_result_extra(res, "waste_pct", "percent of the page not asked for",
			100.0 * (double)(page - 1) / (double)page);
	ml_result_extra(res, "last_byte_rss_bytes",
			"Rss after writing its last byte too", (double)rss2 * 1024);
	if ((size_t)size0 * 1024 != page || rss0 != 0 ||
	    (size_t)(rss1 - rss0) * 1024 != page || rss2 != rss1)
		why = "one byte of mmap did not cost exactly one page";

	for (size_t i = 0; i < ML_ARRAY_SIZE(asks); i++) {
		long size, rss;
		char key[32], label[80];

		p = map_guarded(asks[i], page, &whole, &whole_len);
		if (!p || vma_at(p, &size, &rss)) {
			if (p)
				munmap(whole, whole_len);
			return "mmap failed";
		}
		munmap(whole, whole_len);
		ml_result_note(res,
			       "a request of %zu bytes maps %ld (%.1f%% not asked for)",
			       asks[i], size * 1024,
			       100.0 * (double)((size_t)size * 1024 - asks[i]) /
				       (double)(size * 1024));
		snprintf(key, sizeof(key), "vma_bytes_for_%zu", asks[i]);
		snprintf(label, sizeof(label), "mmap of %zu bytes maps (bytes)",
			 asks[i]);
		ml_result_extra(res, key, label, (double)size * 1024);
		if ((size_t)size * 1024 != (asks[i] + page - 1) / page * page)
			why = why ? why : "mmap did not round up to whole pages";
	}
	return why;
}

/* ---- malloc: what is skipped, and why ------------------------------------ */

static int setup_malloc(struct ml_ctx *ctx)
{
	(void)ctx;	/* not on every branch below */
#if defined(ML_ASAN)
	return ml_skip(ctx, "built with AddressSanitizer: its allocator replaces glibc's malloc");
#elif !defined(ML_GLIBC_MALLINFO2)
	return ml_skip(ctx, "needs glibc 2.33 or later (malloc_usable_size, mallinfo2)");
#else
	return 0;
#endif
}

#if defined(ML_GLIBC_MALLINFO2) && !defined(ML_ASAN)

/* ---- internal fragmentation: malloc -------------------------------------- */

struct band {
	const char *name;
	size_t lo, hi;
	double asked, given, worst_pct;
	size_t worst_at;
};

static volatile size_t sink;

/*
 * The heap one block of n really takes: uordblks over 1024 of them.  The
 * per-thread cache (tcache, at most 7 blocks a size) counts as in use
 * already: 16 blocks taken first empty it, so every block measured moves
 * from free to in use.
 */
static double footprint(size_t n)
{
	enum { K = 1024, DRAIN = 16 };
	static void *blocks[K + DRAIN];
	struct mallinfo2 a, b;

	for (int i = 0; i < DRAIN; i++)
		blocks[K + i] = malloc(n);
	a = mallinfo2();
	for (int i = 0; i < K; i++)
		blocks[i] = malloc(n);
	b = mallinfo2();
	for (int i = 0; i < K + DRAIN; i++)
		free(blocks[i]);
	return (double)(b.uordblks - a.uordblks) / K;
}

static const char *demo_malloc(struct ml_result *res)
{
	struct band bands[] = {
		{ "1..64", 1, 64, 0, 0, 0, 0 },
		{ "65..1024", 65, 1024, 0, 0, 0, 0 },
		{ "1025..4096", 1025, 4096, 0, 0, 0, 0 },
	};
	const size_t shown[] = { 1, 24, 25, 40, 100, 1000, 4096 };
	const size_t huge = 64ul << 20;	/* above any mmap threshold */
	double asked = 0, given = 0, mean_pct = 0;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct mallinfo2 a, b;
	const char *why = NULL;
	char line[512];
	size_t len = 0;
	void *p;

	for (size_t n = 1; n <= 4096; n++) {
		size_t u;

		p = malloc(n);
		if (!p)
			return "malloc failed";
		u = malloc_usable_size(p);
		free(p);
		if (u < n)
			why = "malloc_usable_size below the request";
		asked += (double)n;
		given += (double)u;
		mean_pct += 100.0 * (double)(u - n) / (double)u;
		for (size_t i = 0; i < ML_ARRAY_SIZE(bands); i++) {
			struct band *bd = &bands[i];
			double pct = 100.0 * (double)(u - n) / (double)u;

			if (n < bd->lo || n > bd->hi)
				continue;
			bd->asked += (double)n;
			bd->given += (double)u;
			if (pct > bd->worst_pct) {
				bd->worst_pct = pct;
				bd->worst_at = n;
			}
		}
	}
	mean_pct /= 4096;
	len += (size_t)snprintf(line + len, sizeof(line) - len,
				"malloc_usable_size:");
	for (size_t i = 0; i < ML_ARRAY_SIZE(shown); i++) {
		p = malloc(shown[i]);
		if (!p)
			return "malloc failed";
		len += (size_t)snprintf(line + len, sizeof(line) - len,
					" %zu->%zu", shown[i],
					malloc_usable_size(p));
		free(p);
	}
	ml_result_note(res, "%s", line);
	for (size_t i = 0; i < ML_ARRAY_SIZE(bands); i++) {
		struct band *bd = &bands[i];
		char key[32], label[80];

		ml_result_note(res,
			       "requests of %s bytes: %.1f%% of the bytes handed out not asked for; worst %zu (%.0f%%)",
			       bd->name,
			       100.0 * (bd->given - bd->asked) / bd->given,
			       bd->worst_at, bd->worst_pct);
		snprintf(key, sizeof(key), "waste_pct_%zu_%zu", bd->lo, bd->hi);
		snprintf(label, sizeof(label),
			 "%s: percent of bytes given not asked for", bd->name);
		ml_result_extra(res, key, label,
				100.0 * (bd->given - bd->asked) / bd->given);
	}
	ml_result_note(res,
		       "every size 1..4096: %.1f%% of the bytes handed out not asked for; %.1f%% on average per request",
		       100.0 * (given - asked) / given, mean_pct);
	ml_result_extra(res, "waste_pct_1_4096",
			"1..4096: percent of bytes given not asked for",
			100.0 * (given - asked) / given);
	ml_result_extra(res, "mean_waste_pct_1_4096",
			"1..4096: mean percent per request", mean_pct);
	p = malloc(1);
	if (!p)
		return "malloc failed";
	ml_result_extra(res, "usable_for_1", "malloc_usable_size(malloc(1))",
			(double)malloc_usable_size(p));
	free(p);

	/* what the heap really gives up, header included */
	for (size_t i = 0; i < 3; i++) {
		const size_t n[] = { 1, 100, 1000 };
		double f = footprint(n[i]);
		char key[32], label[80];

		ml_result_note(res,
			       "malloc(%zu) takes %.0f bytes of heap (mallinfo2 uordblks over 1024 blocks): %.0f%% overhead",
			       n[i], f, 100.0 * (f - (double)n[i]) / f);
		snprintf(key, sizeof(key), "heap_bytes_for_%zu", n[i]);
		snprintf(label, sizeof(label),
			 "malloc(%zu): heap taken per block (uordblks)", n[i]);
		ml_result_extra(res, key, label, f);
	}

	/* above the mmap threshold: pages again */
	a = mallinfo2();
	p = malloc(huge);
	b = mallinfo2();
	if (!p)
		return "malloc of 64 MiB failed";
	sink = malloc_usable_size(p);
	free(p);
	ml_result_note(res,
		       "malloc(64 MiB) is mmap'd (mallinfo2 hblks %zu -> %zu): usable %zu, %zu bytes more: the page rounding of mmap again",
		       a.hblks, b.hblks, (size_t)sink, (size_t)sink - huge);
	ml_result_extra(res, "mmapped_extra_bytes",
			"malloc(64 MiB): usable bytes beyond the request",
			(double)(sink - huge));
	if (b.hblks != a.hblks + 1 || sink < huge || sink - huge >= page)
		why = why ? why : "a 64 MiB malloc was not page-rounded mmap";
	return why;
}

/* ---- external fragmentation: the heap, in a fresh process ---------------- */

#define HEAP_BLOCKS 256
#define HEAP_BLOCK 4000
#define HEAP_BIG (64 * 1024)
#define HEAP_SMALL 3000

struct heap_report {
	int ran;
	size_t free_before, holes, hole_bytes;
	size_t arena_before, arena_after, arena_small;
	size_t heap_before, heap_after;	/* [heap] in /proc/self/maps */
	size_t free_after;
	int big_in_hole, small_in_hole, big_above_blocks;
	long brk_grew;
};

/* The [heap] mapping's length; no malloc here, it would move the heap. */
static size_t heap_vma(void)
{
	static char maps[1 << 16];
	unsigned long lo, hi;
	size_t len = 0;

	if (ml_read_file("/proc/self/maps", maps, sizeof(maps)) <= 0)
		return 0;
	for (char *p = maps; p && *p;
	     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		char *eol = strchr(p, '\n');

		if (eol && eol - p > 6 && !strncmp(eol - 6, "[heap]", 6) &&
		    sscanf(p, "%lx-%lx", &lo, &hi) == 2)
			len = hi - lo;
	}
	return len;
}

static bool in_hole(char *const *blocks, const char *p)
{
	for (int i = 0; i < HEAP_BLOCKS; i += 2)
		if (p >= blocks[i] && p < blocks[i] + HEAP_BLOCK)
			return true;
	return false;
}

/* In the fresh process, before main (selfexec.c); reports to fd argv[2]. */
static int heap_experiment(int argc, char **argv)
{
	int fd = argc > 2 ? atoi(argv[2]) : -1;
	static char *blocks[HEAP_BLOCKS];
	struct heap_report r = { .ran = 1 };
	struct mallinfo2 mi;
	char *big, *small, *top = NULL, *brk0;

	/* a heap that grows exactly as needed, and a big block kept on it */
	mallopt(M_TOP_PAD, 0);
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	for (int i = 0; i < HEAP_BLOCKS; i++) {
		blocks[i] = malloc(HEAP_BLOCK);
		if (!blocks[i])
			_exit(1);
		if (blocks[i] > top)
			top = blocks[i];
	}
	for (int i = 0; i < HEAP_BLOCKS; i += 2)	/* every other one */
		free(blocks[i]);
	mi = mallinfo2();
	r.free_before = mi.fordblks;
	r.arena_before = mi.arena;
	r.holes = HEAP_BLOCKS / 2;
	/* a hole is as large as its kept neighbour */
	r.hole_bytes = malloc_usable_size(blocks[1]);
	r.heap_before = heap_vma();
	brk0 = sbrk(0);

	big = malloc(HEAP_BIG);
	mi = mallinfo2();
	r.arena_after = mi.arena;
	r.free_after = mi.fordblks;
	r.heap_after = heap_vma();
	r.brk_grew = (char *)sbrk(0) - brk0;
	r.big_in_hole = big && in_hole(blocks, big);
	r.big_above_blocks = big > top;

	small = malloc(HEAP_SMALL);
	mi = mallinfo2();
	r.arena_small = mi.arena;
	r.small_in_hole = small && in_hole(blocks, small);
	if (write(fd, &r, sizeof(r)) != sizeof(r))
		return 2;
	return 0;
}

ML_HELPER("memory-heap", heap_experiment);

static const char *demo_heap(struct ml_result *res)
{
	char fd_arg[16];
	char *const argv[] = { "modelab-memory", "--heap-experiment", fd_arg,
			       NULL };
	struct heap_report r = { 0 };
	int p[2], status = -1;
	ssize_t n = -1;
	pid_t pid;

	if (access("/proc/self/exe", X_OK))
		return "no /proc/self/exe to run the fresh process (is /proc mounted?)";
	if (pipe(p))
		return "pipe failed";
	snprintf(fd_arg, sizeof(fd_arg), "%d", p[1]);
	fcntl(p[0], F_SETFD, FD_CLOEXEC);	/* only p[1] goes along */
	pid = ml_child_spawn_helper("memory-heap", argv, -1);
	close(p[1]);
	if (pid > 0) {
		n = read(p[0], &r, sizeof(r));
		ml_child_reap(pid, 30, &status);
	}
	close(p[0]);
	if (n != sizeof(r) || !r.ran || status)
		return "the fresh process did not report";
	ml_result_note(res,
		       "in a fresh process: %d blocks of %d bytes, every other one freed: %zu holes of %zu bytes, %zu KiB free in the heap (mallinfo2 fordblks), heap %zu KiB",
		       HEAP_BLOCKS, HEAP_BLOCK, r.holes, r.hole_bytes,
		       r.free_before / 1024, r.arena_before / 1024);
	ml_result_note(res,
		       "malloc(%d KiB): no hole fits, so the heap grows: arena %zu -> %zu KiB, [heap] %zu -> %zu KiB, brk +%ld; the block lies %s, the holes stay free (%zu KiB)",
		       HEAP_BIG / 1024, r.arena_before / 1024,
		       r.arena_after / 1024, r.heap_before / 1024,
		       r.heap_after / 1024, r.brk_grew,
		       r.big_in_hole ? "in a hole" : "beyond every block",
		       r.free_after / 1024);
	ml_result_note(res,
		       "malloc(%d) instead: it fits %s, arena %zu KiB (%s)",
		       HEAP_SMALL, r.small_in_hole ? "in a hole" : "elsewhere",
		       r.arena_small / 1024,
		       r.arena_small == r.arena_after ? "no growth" : "grew");
	ml_result_extra(res, "holes", "holes left by the frees",
			(double)r.holes);
	ml_result_extra(res, "hole_bytes", "bytes in each hole (usable)",
			(double)r.hole_bytes);
	ml_result_extra(res, "free_before_bytes",
			"free in the heap before (fordblks)", (double)r.free_before);
	ml_result_extra(res, "request_bytes", "the large request",
			HEAP_BIG);
	ml_result_extra(res, "arena_before_bytes", "heap (arena) before",
			(double)r.arena_before);
	ml_result_extra(res, "arena_after_bytes", "heap (arena) after",
			(double)r.arena_after);
	ml_result_extra(res, "heap_growth_bytes", "growth of the heap",
			(double)r.arena_after - (double)r.arena_before);
	ml_result_extra(res, "heap_vma_growth_bytes",
			"growth of [heap] in maps",
			(double)r.heap_after - (double)r.heap_before);
	ml_result_extra(res, "free_after_bytes",
			"free in the heap after (fordblks)", (double)r.free_after);
	ml_result_extra(res, "big_in_hole", "the large block in a hole (0)",
			r.big_in_hole);
	ml_result_extra(res, "small_in_hole", "a small block in a hole (1)",
			r.small_in_hole);
	if (r.free_before < HEAP_BIG || r.hole_bytes >= HEAP_BIG)
		return "the setup did not leave enough free memory in small holes";
	if (r.big_in_hole || r.arena_after < r.arena_before + HEAP_BIG ||
	    r.heap_after <= r.heap_before)
		return "the large request did not grow the heap";
	if (r.free_after < r.holes * r.hole_bytes)
		return "the holes did not stay free";
	if (!r.small_in_hole || r.arena_small != r.arena_after)
		return "a request that fits a hole did not reuse it";
	return NULL;
}
#else
static const char *demo_malloc(struct ml_result *res)
{
	(void)res;
	return "not built";
}
#define demo_heap demo_malloc
#endif

/* ---- the buddy allocator ------------------------------------------------- */

#define MAX_ORDERS 16
#define MAX_ZONES 16

struct zone {
	int node;
	char name[16];
	int orders;
	unsigned long free[MAX_ORDERS];	/* free blocks of each order */
};

static int parse_buddyinfo(const char *text, struct zone *z, int max)
{
	int n = 0;

	for (const char *p = text; p && *p && n < max;
	     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		int used = 0, o = 0;
		unsigned long v;

		if (sscanf(p, "Node %d, zone %15s%n", &z[n].node, z[n].name,
			   &used) != 2)
			continue;
		p += used;
		while (o < MAX_ORDERS && *p != '\n' && *p &&
		       sscanf(p, "%lu%n", &v, &used) == 1) {
			z[n].free[o++] = v;
			p += used;
		}
		z[n].orders = o;
		if (o)
			n++;
		if (!*p)
			break;
	}
	return n;
}

/* Sums of the zones' "pages free", "present" and "managed" (pages). */
static int zoneinfo(double *nfree, double *present, double *managed)
{
	char *text = slurp("/proc/zoneinfo"), *p;
	unsigned long v;

	*nfree = *present = *managed = 0;
	if (!text)
		return -1;
	for (p = text; p && *p;
	     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (sscanf(p, " pages free %lu", &v) == 1)
			*nfree += (double)v;
		else if (sscanf(p, " present %lu", &v) == 1)
			*present += (double)v;
		else if (sscanf(p, " managed %lu", &v) == 1)
			*managed += (double)v;
	}
	free(text);
	return 0;
}

static const char *demo_buddyinfo(struct ml_result *res)
{
	struct zone z[MAX_ZONES];
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	double kib_per_page = (double)page / 1024;
	char text[4096], line[256];
	double total = 0, below_thp = 0, zone_free[MAX_ZONES];
	double zfree0, zfree1, present, managed, lo, hi;
	long memfree;
	int thp_order = 0, nz, orders, biggest = 0, largest = -1;
	size_t len;

	while (((size_t)1 << thp_order) * page < (2ul << 20))
		thp_order++;
	if (zoneinfo(&zfree0, &present, &managed))
		return "no /proc/zoneinfo";
	if (ml_read_file("/proc/buddyinfo", text, sizeof(text)) <= 0)
		return "no /proc/buddyinfo";
	zoneinfo(&zfree1, &present, &managed);
	memfree = ml_meminfo_kib("MemFree:");
	nz = parse_buddyinfo(text, z, MAX_ZONES);
	if (nz <= 0)
		return "/proc/buddyinfo is not in the expected format";
	orders = z[0].orders;
	ml_result_note(res,
		       "/proc/buddyinfo: free blocks of 2^order pages (order 0 = %zu KiB ... order %d = %zu KiB), per zone:",
		       page / 1024, orders - 1, (page << (orders - 1)) / 1024);
	for (int i = 0; i < nz; i++) {
		double zfree = 0;

		if (z[i].orders != orders)
			return "zones of /proc/buddyinfo differ in their orders";
		len = (size_t)snprintf(line, sizeof(line), "  node %d %-8s",
				       z[i].node, z[i].name);
		for (int o = 0; o < orders; o++) {
			double pages = (double)z[i].free[o] *
				       (double)(1ul << o);

			len += (size_t)snprintf(line + len, sizeof(line) - len,
						" %lu", z[i].free[o]);
			zfree += pages;
			if (o < thp_order)
				below_thp += pages;
			if (z[i].free[o] && o > largest)
				largest = o;
		}
		snprintf(line + len, sizeof(line) - len, "  = %.0f MiB",
			 zfree * kib_per_page / 1024);
		ml_result_note(res, "%s", line);
		total += zfree;
		zone_free[i] = zfree;
		if (zfree > zone_free[biggest])
			biggest = i;
	}
	ml_result_note(res,
		       "the lists hold %.0f MiB; the zones' own free counters (/proc/zoneinfo) %.0f MiB",
		       total * kib_per_page / 1024,
		       zfree1 * kib_per_page / 1024);
	ml_result_note(res,
		       "%.1f%% of it is in blocks below order %d (%zu KiB): no use for a 2 MiB huge page until the kernel compacts (moves pages to merge buddies)",
		       total > 0 ? 100.0 * below_thp / total : 0, thp_order,
		       (page << thp_order) / 1024);
	ml_result_note(res,
		       "an order-k request takes the smallest free block of order >= k, splitting it in halves (buddies); a freed block merges with its buddy when that is free too");
	if ((double)memfree > total * kib_per_page * 1.05) {
		ml_read_file("/proc/cmdline", text, sizeof(text));
		ml_result_note(res,
			       "MemFree says %.0f MiB: %.0f MiB more, memory the buddy allocator has not received yet (zones manage %.0f of %.0f MiB present%s)",
			       (double)memfree / 1024,
			       ((double)memfree - total * kib_per_page) / 1024,
			       managed * kib_per_page / 1024,
			       present * kib_per_page / 1024,
			       strstr(text, "deferred_init=lazy") ?
				       "; deferred_init=lazy: pages are initialised as zones need them" :
				       "");
	}
	if (ml_read_file("/sys/kernel/debug/extfrag/unusable_index", text,
		      sizeof(text)) > 0)
		ml_result_note(res, "the kernel's unusable_index: %.*s",
			       (int)strcspn(text, "\n"), text);
	ml_result_extra(res, "zones", "zones listed", nz);
	ml_result_extra(res, "orders", "orders per zone (MAX_PAGE_ORDER + 1)",
			orders);
	ml_result_extra(res, "free_kib", "free KiB in the buddy lists",
			total * kib_per_page);
	ml_result_extra(res, "zoneinfo_free_kib",
			"free KiB by /proc/zoneinfo (pages free)",
			zfree1 * kib_per_page);
	ml_result_extra(res, "memfree_kib", "MemFree (KiB)", (double)memfree);
	ml_result_extra(res, "managed_kib", "KiB the zones manage",
			managed * kib_per_page);
	ml_result_extra(res, "present_kib", "KiB present in the zones",
			present * kib_per_page);
	ml_result_extra(res, "largest_free_order",
			"largest order with a free block", largest);
	ml_result_extra(res, "thp_order", "the order of a 2 MiB block",
			thp_order);
	ml_result_extra(res, "unusable_2m_pct",
			"percent of free memory in blocks below 2 MiB",
			total > 0 ? 100.0 * below_thp / total : 0);
	for (int o = 0; o < orders && o < 16; o++) {
		char key[32], label[80];

		snprintf(key, sizeof(key), "%s_order_%d", z[biggest].name, o);
		snprintf(label, sizeof(label),
			 "zone %s: free blocks of order %d", z[biggest].name,
			 o);
		ml_result_extra(res, key, label, (double)z[biggest].free[o]);
	}
	/* what moved between the readings bounds the difference */
	lo = (zfree0 < zfree1 ? zfree0 : zfree1) * 0.98;
	hi = (zfree0 > zfree1 ? zfree0 : zfree1) * 1.02;
	if (total < lo || total > hi)
		return "the buddy lists do not add up to the zones' free pages";
	return NULL;
}

static const struct ml_figure figures[] = {
	{ .name = "internal-fragmentation-mmap",
	  .what = "mmap of 1 byte maps a page: the VMA and its Rss",
	  .demonstrate = demo_mmap },
	{ .name = "internal-fragmentation-malloc",
	  .what = "malloc_usable_size against the request, 1..4096 bytes and more",
	  .demonstrate = demo_malloc, .setup = setup_malloc },
	{ .name = "external-fragmentation-heap",
	  .what = "holes too small to use: a large malloc grows the heap",
	  .demonstrate = demo_heap, .setup = setup_malloc },
	{ .name = "buddyinfo",
	  .what = "/proc/buddyinfo: free blocks per order, read and explained",
	  .demonstrate = demo_buddyinfo },
};

const struct ml_probe ml_probe_memory = {
	.name = "memory",
	.summary = "internal and external fragmentation: pages, malloc, buddies",
	.figures = figures,
	.nfigures = ML_ARRAY_SIZE(figures),
	.order = 60,
};

ML_PROBE_MAIN(ml_probe_memory)
