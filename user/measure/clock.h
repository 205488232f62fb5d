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

#include "isa/arch.h"
#include "measure/measuring.h"

#if ML_ARCH_KNOWN
/* the ISA's own counter, fenced: user/isa/arch.h */
static inline uint64_t ml_tsc_begin(void)
{
	return ml_arch_counter_begin();
}

static inline uint64_t ml_tsc_end(void)
{
	return ml_arch_counter_end();
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
