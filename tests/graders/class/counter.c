// SPDX-License-Identifier: GPL-2.0
/* counter.c - my counter (lab 6, part 2): a mutex makes each add whole. */
#include <pthread.h>
#include "counter.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

void counter_add(void)
{
	pthread_mutex_lock(&lock);
	counter++;
	pthread_mutex_unlock(&lock);
}

long counter_get(void)
{
	long c;

	pthread_mutex_lock(&lock);
	c = counter;
	pthread_mutex_unlock(&lock);
	return c;
}
