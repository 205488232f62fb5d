// SPDX-License-Identifier: GPL-2.0
/*
 * notify_kill.c - kill the supervisor, then take over its notifications.
 * Run under `--deny open,openat,openat2 --action notify` with SECRET and
 * the supervisor's pid (outside --isolate it is also our parent): SIGKILL
 * it (same uid, or CAP_KILL), then ask for a listener of our own and
 * answer our own openat of SECRET with CONTINUE.
 */
#include "takeover.h"

#include <signal.h>

int main(int argc, char **argv)
{
	pid_t sup;

	if (argc != 3) {
		fprintf(stderr, "usage: notify_kill SECRET SUPERVISOR-PID\n");
		return 2;
	}
	sup = (pid_t)atoi(argv[2]);
	if (kill(sup, SIGKILL))
		printf("kill %d: %s\n", (int)sup, ename(errno));
	else
		printf("kill %d: sent\n", (int)sup);
	usleep(100000);
	takeover(argv[1], 500);
}
