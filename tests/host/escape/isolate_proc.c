// SPDX-License-Identifier: GPL-2.0
/*
 * isolate_proc.c - --isolate promises a /proc of the command's own PID
 * namespace.  Where the kernel refuses to mount one (a /proc with
 * something mounted over part of it, as in many containers), a sandbox
 * that carries on shows the host's: every process, and their /proc files.
 * ESCAPED when our /proc is not our namespace's.  (A sandbox that refuses
 * to start never runs us: the suite counts that as held.)
 */
#include "attempt.h"

#include <fcntl.h>
#include <limits.h>

int main(void)
{
	char self[64];
	ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);

	if (n < 0)
		HELD("no /proc/self: %s", ename(errno));
	self[n] = '\0';
	if (atoi(self) != getpid())
		ESCAPED("/proc is another PID namespace's: /proc/self is %s, we are %d",
			self, (int)getpid());
	if (access("/proc/1/comm", F_OK) == 0 && getpid() > 100)
		ESCAPED("/proc shows pid 1 while we are %d: not a namespace of our own",
			(int)getpid());
	HELD("/proc is our own namespace's (we are %d)", (int)getpid());
}
