// SPDX-License-Identifier: GPL-2.0
/*
 * nested_userns.c - every capability back, in a user namespace of our
 * own (unshare -Urm): whatever --caps took away, the creator of a user
 * namespace holds them all there, and reaches the kernel code behind
 * them (mounts, netfilter, BPF...).  Tried with unshare, clone and clone3.
 */
#include "attempt.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

int main(void)
{
	struct clone_args ca = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
	int e_unshare, e_clone, e_clone3;
	long pid;

	if (!unshare(CLONE_NEWUSER | CLONE_NEWNS))
		ESCAPED("unshare(CLONE_NEWUSER | CLONE_NEWNS): every capability in a namespace of our own");
	e_unshare = errno;
	pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		waitpid((pid_t)pid, NULL, 0);
		ESCAPED("clone(CLONE_NEWUSER) made a child in a user namespace of its own");
	}
	e_clone = errno;
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		waitpid((pid_t)pid, NULL, 0);
		ESCAPED("clone3(CLONE_NEWUSER) made a child in a user namespace of its own");
	}
	e_clone3 = errno;
	if (e_unshare == EINVAL && e_clone == EINVAL)
		SKIP("this kernel has no user namespaces (EINVAL)");
	HELD("unshare: %s, clone: %s, clone3: %s", ename(e_unshare), ename(e_clone),
	     ename(e_clone3));
}
