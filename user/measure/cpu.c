// SPDX-License-Identifier: GPL-2.0
/*
 * cpu.c - pinning.  A thread that migrates mid-measurement pays for cold
 * caches and, on some machines, a TSC from another socket: pin first.
 *
 * A figure with a peer needs "the other CPU": one this process was allowed
 * to use before it pinned itself (taskset, cgroups and containers narrow
 * that set), never simply CPU 0 or CPU 1.
 */
#define _GNU_SOURCE
#include "measure/machine.h"

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>

static cpu_set_t allowed;
static bool allowed_known;

static void remember_allowed(void)
{
	if (allowed_known)
		return;
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		CPU_ZERO(&allowed);
	allowed_known = true;
}

int ml_pin_cpu(int cpu)
{
	cpu_set_t set;

	remember_allowed();
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

int ml_allowed_cpus(char *buf, size_t len)
{
	size_t used = 0;

	remember_allowed();
	buf[0] = '\0';
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		int last = cpu;
		int n;

		if (!CPU_ISSET(cpu, &allowed))
			continue;
		while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, &allowed))
			last++;
		n = last > cpu ? snprintf(buf + used, len - used, "%s%d-%d",
					  used ? "," : "", cpu, last) :
				 snprintf(buf + used, len - used, "%s%d",
					  used ? "," : "", cpu);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
		cpu = last;
	}
	return used ? 0 : -1;
}

int ml_other_cpu(int self)
{
	remember_allowed();
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (cpu != self && CPU_ISSET(cpu, &allowed))
			return cpu;
	return -1;
}

int ml_unpin(void)
{
	remember_allowed();
	return sched_setaffinity(0, sizeof(allowed), &allowed);
}
