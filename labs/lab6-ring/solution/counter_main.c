// SPDX-License-Identifier: GPL-2.0
/*
 * counter THREADS INCREMENTS - lab 6, part 2's driver (given): THREADS
 * threads, thread i pinned to the i-th CPU this process may use (so that
 * with two CPUs they really run at once), wait at a barrier until all are
 * there, then each calls counter_add() (counter.c) INCREMENTS times; once
 * every thread is joined it prints
 *
 *	counter C of THREADS*INCREMENTS on K CPUs
 *
 * C what counter_get() returns, K how many CPUs the threads were seen
 * running on (sched_getcpu() before and after their loop).  C must be
 * exact every time.  Exit 0, or 1 when a thread could not be started or
 * pinned, 2 on bad arguments.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include "counter.h"

#define MAX_THREADS 64

static long increments;
static pthread_barrier_t start;
static int ran_on[MAX_THREADS][2];	/* each thread's CPU, first and last */

static void *count(void *arg)
{
	int *cpu = arg;

	pthread_barrier_wait(&start);
	cpu[0] = sched_getcpu();
	for (long i = 0; i < increments; i++)
		counter_add();
	cpu[1] = sched_getcpu();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t thread[MAX_THREADS];
	int threads = 0, cpus = 0, seen = 0;
	int cpu[CPU_SETSIZE];
	cpu_set_t allowed, one, used;
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
	pthread_barrier_init(&start, NULL, (unsigned)threads);
	for (int i = 0; i < threads; i++) {
		pthread_attr_t attr;

		CPU_ZERO(&one);
		CPU_SET(cpu[i % cpus], &one);
		pthread_attr_init(&attr);
		if (pthread_attr_setaffinity_np(&attr, sizeof(one), &one) ||
		    pthread_create(&thread[i], &attr, count, ran_on[i])) {
			fprintf(stderr, "counter: cannot start thread %d on CPU %d\n",
				i, cpu[i % cpus]);
			return 1;
		}
		pthread_attr_destroy(&attr);
	}
	for (int i = 0; i < threads; i++)
		pthread_join(thread[i], NULL);
	CPU_ZERO(&used);
	for (int i = 0; i < threads; i++)
		for (int k = 0; k < 2; k++)
			if (ran_on[i][k] >= 0 && !CPU_ISSET(ran_on[i][k], &used)) {
				CPU_SET(ran_on[i][k], &used);
				seen++;
			}
	printf("counter %ld of %ld on %d CPUs\n", counter_get(),
	       threads * increments, seen);
	return 0;
}
