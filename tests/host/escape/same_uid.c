// SPDX-License-Identifier: GPL-2.0
/*
 * same_uid.c - reaching a process outside the sandbox that runs as the
 * same user.  PID (the suite starts it) holds SECRET in its environment:
 * read /proc/PID/environ, attach with ptrace, read its memory
 * (process_vm_readv), signal it (kill 0 checks the right to).  No filter
 * of ours names these calls; what stops them is a PID namespace
 * (--isolate), Landlock's scoping, or another uid.
 */
#include "attempt.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	char path[64], env[8192], buf[16];
	struct iovec local = { buf, sizeof(buf) }, remote = { (void *)1, 1 };
	int fd, e_env, e_ptrace, e_vm, e_kill;
	ssize_t n;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: same_uid PID SECRET\n");
		return 2;
	}
	pid = (pid_t)atoi(argv[1]);
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	fd = open(path, O_RDONLY);
	e_env = errno;
	if (fd >= 0) {
		n = read(fd, env, sizeof(env) - 1);
		e_env = errno;
		if (n > 0) {
			env[n] = '\0';
			for (char *p = env; p < env + n; p += strlen(p) + 1)
				if (strstr(p, argv[2]))
					ESCAPED("read its environment: %s", p);
			e_env = ENOENT;
		}
	}
	if (!ptrace(PTRACE_ATTACH, pid, 0, 0)) {
		waitpid(pid, NULL, __WALL);
		ptrace(PTRACE_DETACH, pid, 0, 0);
		ESCAPED("ptrace attached to %d", (int)pid);
	}
	e_ptrace = errno;
	/* EFAULT at address 1: the access check was passed */
	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) >= 0 || errno == EFAULT)
		ESCAPED("process_vm_readv of %d passed the access check", (int)pid);
	e_vm = errno;
	if (!kill(pid, 0))
		ESCAPED("may signal %d (kill 0 succeeded)", (int)pid);
	e_kill = errno;
	HELD("environ: %s, ptrace: %s, process_vm_readv: %s, kill: %s",
	     ename(e_env), ename(e_ptrace), ename(e_vm), ename(e_kill));
}
