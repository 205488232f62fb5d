// SPDX-License-Identifier: GPL-2.0
/*
 * counter THREADS INCREMENTS - lab 6, part 2: THREADS threads each add 1
 * to one shared counter INCREMENTS times, thread i pinned to the i-th CPU
 * this process may use (so with two CPUs they really run at once); then
 * it prints "counter C of THREADS*INCREMENTS on K CPUs".  C must be exact
 * every time: `volatile` makes each ++ a real load and a real store, but
 * another CPU's store can land between them, and that update is lost.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_THREADS 64

/* BEGIN SOLUTION: declare the counter and INCREMENT(c) so that no increment can be lost: an atomic_int and atomic_fetch_add_explicit (relaxed is enough: only the sum matters), or a mutex */
static atomic_int counter;
#define INCREMENT(c) atomic_fetch_add_explicit(&(c), 1, memory_order_relaxed)
/* END SOLUTION */

#ifndef INCREMENT /* the starter's counter: a data race */
static volatile int counter;
#define INCREMENT(c) ((c)++)
#endif

static long increments;

static void *count(void *arg)
{
	(void)arg;
	for (long i = 0; i < increments; i++)
		INCREMENT(counter);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t thread[MAX_THREADS];
	int threads = 0, cpus = 0;
	int cpu[CPU_SETSIZE];
	cpu_set_t allowed, one;
	char *end = "";

	if (argc != 3) {
		fprintf(stderr, "usage: counter THREADS INCREMENTS\n");
		return 2;
	}
	threads = (int)strtol(argv[1], &end, 10);
	if (*end || threads < 1 || threads > MAX_THREADS) {
		fprintf(stderr, "counter: THREADS must be 1 to %d, not '%s'\n",
			MAX_THREADS, argv[1]);
		return 2;
	}
	increments = strtol(argv[2], &end, 10);
	if (*end || increments < 1 || increments > 1000000000 / threads) {
		fprintf(stderr,
			"counter: INCREMENTS must be 1 to 10^9 / THREADS, not '%s'\n",
			argv[2]);
		return 2;
	}
	if (sched_getaffinity(0, sizeof(allowed), &allowed)) {
		perror("counter: sched_getaffinity");
		return 1;
	}
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &allowed))
			cpu[cpus++] = c;
	for (int i = 0; i < threads; i++) {
		pthread_attr_t attr;

		CPU_ZERO(&one);
		CPU_SET(cpu[i % cpus], &one);
		pthread_attr_init(&attr);
		pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
		if (pthread_create(&thread[i], &attr, count, NULL)) {
			fprintf(stderr, "counter: pthread_create failed\n");
			return 1;
		}
		pthread_attr_destroy(&attr);
	}
	for (int i = 0; i < threads; i++)
		pthread_join(thread[i], NULL);
	printf("counter %ld of %ld on %d CPUs\n", (long)counter,
	       threads * increments, threads < cpus ? threads : cpus);
	return 0;
}
