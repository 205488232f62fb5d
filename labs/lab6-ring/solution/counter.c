// SPDX-License-Identifier: GPL-2.0
/*
 * counter.c - lab 6, part 2: the counter counter_main.c's threads add to,
 * all at once, each from a CPU of its own.  `volatile` makes each ++ a
 * real load and a real store, but another CPU's store can land between
 * them, and that update is lost: every increment must be indivisible.
 */
#include <stdatomic.h>
#include "counter.h"

/* BEGIN SOLUTION: the counter and its increment, such that no increment can ever be lost */
/*
 * An atomic add: one indivisible read-modify-write (lock xadd on x86).
 * Relaxed is enough: nothing else is published through the counter, only
 * the sum matters, and pthread_join() orders the final read after every
 * add.
 */
static atomic_long counter;

void counter_add(void)
{
	atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
}

long counter_get(void)
{
	return atomic_load_explicit(&counter, memory_order_relaxed);
}
/* END SOLUTION */
