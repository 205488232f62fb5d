// SPDX-License-Identifier: GPL-2.0
/*
 * kill_group.c - the supervisor in the command's process group.
 * kill(0, SIGTERM) signals every process of our group: when modelab
 * shares it, modelab dies (and with it a notify supervisor).  We ignore
 * SIGTERM ourselves, then see whether our parent changed.  Outside
 * --isolate our parent is the supervisor; under it, the namespace's init.
 */
#include "attempt.h"

#include <signal.h>

int main(void)
{
	pid_t before = getppid();

	signal(SIGTERM, SIG_IGN);
	if (kill(0, SIGTERM))
		HELD("kill(0, SIGTERM): %s", ename(errno));
	usleep(300000);
	if (getppid() != before)
		ESCAPED("kill(0, SIGTERM) ended our parent %d (now %d)", (int)before,
			(int)getppid());
	HELD("kill(0, SIGTERM) sent; our parent %d lives on", (int)before);
}
