// SPDX-License-Identifier: GPL-2.0
/*
 * notify_grandchild.c - a process that outlives the command takes over
 * the notifications.  Run under `--deny open,openat,openat2 --action
 * notify` with SECRET: the command forks a grandchild and exits at once;
 * the grandchild keeps asking for a listener of its own
 * (SECCOMP_FILTER_FLAG_NEW_LISTENER: EBUSY while the supervisor holds
 * one) for two seconds, then answers its own openat of SECRET with
 * CONTINUE.  A supervisor that stops serving when its direct child exits
 * leaves the filter without a listener, and the grandchild's wins.
 */
#include "takeover.h"

#include <sys/wait.h>

int main(int argc, char **argv)
{
	pid_t pid;

	if (argc != 2) {
		fprintf(stderr, "usage: notify_grandchild SECRET\n");
		return 2;
	}
	pid = fork();
	if (pid < 0)
		SKIP("fork: %s", ename(errno));
	if (pid > 0) {
		/* the command: wait for the middle one, then end; the
		 * grandchild's verdict, if it lives to print one, comes after */
		waitpid(pid, NULL, 0);
		printf("HELD: the grandchild did not outlive the command\n");
		return 0;
	}
	if (fork() != 0)
		_exit(0);	/* the middle one: orphan the grandchild */
	usleep(100000);		/* the command is gone by now */
	takeover(argv[1], 2000);
}
