// SPDX-License-Identifier: GPL-2.0
/*
 * clock.c - the time base: the ISA's counter (user/isa/arch.h: the invariant
 * TSC, arm64's cntvct_el0, riscv64's time CSR), its rate read where the
 * machine publishes it or calibrated against CLOCK_MONOTONIC_RAW, or
 * clock_gettime itself where there is no such counter.
 *
 * Why the counter: it is read in user mode in a few dozen cycles without
 * entering the kernel, so timing a kernel entry does not itself enter the
 * kernel.  Why invariant: only then does it tick at a constant rate through
 * frequency changes and idle states, so ticks convert to nanoseconds.  The
 * x86 TSC says so in CPUID; arm64's generic timer and riscv64's time CSR
 * tick at a constant rate by definition of the architecture, and tick
 * slower (QEMU's arm64 virt: 62.5 MHz, 16 ns a tick; its riscv64 virt:
 * 10 MHz): a batch lasts at least 10 us all the same (measure.c), 100
 * ticks or more, so a tick is at most 1% of a sample.
 */
#define _GNU_SOURCE
#include "isa/arch.h"
#include "measure/measuring.h"
#include "measure/clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

bool ml_cpu_has_invariant_tsc(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (!__get_cpuid(0x80000000, &eax, &ebx, &ecx, &edx) ||
	    eax < 0x80000007)
		return false;
	__get_cpuid(0x80000007, &eax, &ebx, &ecx, &edx);
	return edx & (1u << 8);	/* CPUID.80000007H:EDX[8] InvariantTSC */
}
#else
/* arm64's generic timer and riscv64's time CSR: constant by definition */
bool ml_cpu_has_invariant_tsc(void)
{
	return ML_ARCH_KNOWN;
}
#endif

uint64_t ml_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

const char *ml_clock_name(enum ml_clock_kind kind)
{
	switch (kind) {
	case ML_CLOCK_TSC:
		return ML_ARCH_COUNTER;
	case ML_CLOCK_MONOTONIC:
		return "clock_gettime(CLOCK_MONOTONIC_RAW)";
	default:
		return "auto";
	}
}

/*
 * One (tsc, ns) pair, taken so that the two reads are as close together as
 * possible: the TSC is read on both sides of clock_gettime and the pair
 * with the narrowest window of a few tries wins.
 */
static void paired_read(uint64_t *tsc, uint64_t *ns)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 8; i++) {
		uint64_t t0 = ml_tsc_begin();
		uint64_t n = ml_monotonic_ns();
		uint64_t t1 = ml_tsc_end();

		if (t1 - t0 < best) {
			best = t1 - t0;
			*tsc = t0 + (t1 - t0) / 2;
			*ns = n;
		}
	}
}

static double calibrate_tsc(unsigned int calib_ms)
{
	uint64_t tsc0, ns0, tsc1, ns1;
	struct timespec nap = { .tv_sec = calib_ms / 1000,
				.tv_nsec = (long)(calib_ms % 1000) * 1000000 };

	paired_read(&tsc0, &ns0);
	nanosleep(&nap, NULL);
	paired_read(&tsc1, &ns1);
	return (double)(tsc1 - tsc0) / (double)(ns1 - ns0);
}

/*
 * riscv64 publishes the time CSR's rate in the device tree, as a 32-bit
 * (or 64-bit) big-endian cell; 0 when there is none (qemu-user, ACPI).
 */
static uint64_t timebase_frequency(void)
{
	unsigned char b[8];
	uint64_t hz = 0;
	size_t got;
	FILE *f = fopen("/proc/device-tree/cpus/timebase-frequency", "re");

	if (!f)
		return 0;
	got = fread(b, 1, sizeof(b), f);
	fclose(f);
	if (got != 4 && got != 8)
		return 0;
	for (size_t i = 0; i < got; i++)
		hz = hz << 8 | b[i];
	return hz;
}

/* The counter's rate where the machine publishes it, and who said so. */
static uint64_t published_rate(const char **from)
{
	uint64_t hz = ml_arch_counter_hz();

	*from = "from cntfrq_el0";
	if (!hz) {
		hz = strcmp(ML_ARCH_NAME, "riscv64") ? 0 : timebase_frequency();
		*from = "from the device tree's timebase-frequency";
	}
	if (!hz)
		*from = NULL;
	return hz;
}

int ml_clock_init(struct ml_clock *clock, enum ml_clock_kind want,
		  unsigned int calib_ms)
{
	bool have_tsc = ML_ARCH_KNOWN;
	uint64_t hz;

	clock->rate_from = NULL;
	clock->tsc_invariant = ml_cpu_has_invariant_tsc();
	if (want == ML_CLOCK_AUTO)
		want = clock->tsc_invariant ? ML_CLOCK_TSC : ML_CLOCK_MONOTONIC;
	if (want == ML_CLOCK_TSC && !have_tsc)
		return -1;
	clock->kind = want;
	clock->ticks_per_ns = 1.0;
	if (want != ML_CLOCK_TSC)
		return 0;
	hz = published_rate(&clock->rate_from);
	clock->ticks_per_ns = hz ? (double)hz / 1e9 :
				   calibrate_tsc(calib_ms ? calib_ms : 1);
	return 0;
}

uint64_t ml_clock_now(const struct ml_clock *clock)
{
	return ml_clock_begin(clock);
}
