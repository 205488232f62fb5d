/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clock.h - inline clock reads, internal to libmodelab.
 *
 * The fences matter: rdtsc is not ordered with the instructions around it,
 * so without them the CPU may read the counter before the timed work has
 * finished, or start the work before the counter is read.
 */
#ifndef MODELAB_CLOCK_H
#define MODELAB_CLOCK_H

#include "modelab.h"

#if defined(__x86_64__)
/* lfence before: earlier work is done; lfence after: later work waits. */
static inline uint64_t ml_tsc_begin(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc\n\tlfence"
			 : "=a"(lo), "=d"(hi)
			 :
			 : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* rdtscp waits for earlier instructions; lfence keeps later ones out. */
static inline uint64_t ml_tsc_end(void)
{
	uint32_t lo, hi, aux;

	__asm__ volatile("rdtscp\n\tlfence"
			 : "=a"(lo), "=d"(hi), "=c"(aux)
			 :
			 : "memory");
	return ((uint64_t)hi << 32) | lo;
}
#else
static inline uint64_t ml_tsc_begin(void)
{
	return ml_monotonic_ns();
}

static inline uint64_t ml_tsc_end(void)
{
	return ml_monotonic_ns();
}
#endif

static inline uint64_t ml_clock_begin(const struct ml_clock *c)
{
	return c->kind == ML_CLOCK_TSC ? ml_tsc_begin() : ml_monotonic_ns();
}

static inline uint64_t ml_clock_end(const struct ml_clock *c)
{
	return c->kind == ML_CLOCK_TSC ? ml_tsc_end() : ml_monotonic_ns();
}

#endif /* MODELAB_CLOCK_H */
