// SPDX-License-Identifier: GPL-2.0
/*
 * counter.c - lab 6, part 2: the counter counter_main.c's threads add to,
 * all at once, each from a CPU of its own.  `volatile` makes each ++ a
 * real load and a real store, but another CPU's store can land between
 * them, and that update is lost: every increment must be indivisible.
 */
#include "counter.h"

/* the racy counter, as the starter gives it */
static volatile long counter;

void counter_add(void)
{
	counter++;
}

long counter_get(void)
{
	return counter;
}
