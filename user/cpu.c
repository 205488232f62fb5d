// SPDX-License-Identifier: GPL-2.0
/*
 * cpu.c - pinning.  A thread that migrates mid-measurement pays for cold
 * caches and, on some machines, a TSC from another socket: pin first.
 */
#define _GNU_SOURCE
#include "modelab.h"

#include <errno.h>
#include <sched.h>

int ml_pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		cpu = sched_getcpu();
	if (cpu < 0)
		return -1;
	if (cpu >= CPU_SETSIZE) {
		errno = EINVAL;
		return -1;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -1;
	return cpu;
}
