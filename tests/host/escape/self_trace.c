// SPDX-License-Identifier: GPL-2.0
/*
 * self_trace.c - a profile's SCMP_ACT_TRACE (or LOG) on openat, passed by
 * tracing ourselves.  Run under such a profile with SECRET [log]: a child
 * stops itself (PTRACE_TRACEME), we set PTRACE_O_TRACESECCOMP and let it
 * openat SECRET.  With no tracer TRACE gives ENOSYS; with one, the call
 * runs once the tracer has seen it.  With "log" the child first installs
 * a filter of its own returning TRACE for openat: stronger than the
 * profile's LOG, so the call runs unlogged.  ESCAPED when the open went
 * through after a seccomp stop of ours.
 */
#include "attempt.h"

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	int pipefd[2], st, stops = 0, setopt_err = 0;
	bool log = argc == 3 && !strcmp(argv[2], "log");
	char line[300] = "";
	pid_t pid;
	ssize_t n;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: self_trace SECRET [log]\n");
		return 2;
	}
	if (pipe(pipefd))
		SKIP("pipe: %s", ename(errno));
	pid = fork();
	if (pid < 0)
		SKIP("fork: %s", ename(errno));
	if (pid == 0) {
		char secret[256];
		int fd;

		close(pipefd[0]);
		if (ptrace(PTRACE_TRACEME, 0, 0, 0))
			_exit(11);
		raise(SIGSTOP);
		if (log && own_openat_filter(SECCOMP_RET_TRACE, 0) < 0)
			_exit(10);
		fd = syscall(SYS_openat, AT_FDCWD, argv[1], O_RDONLY);
		if (fd >= 0 && first_line(fd, secret, sizeof(secret)))
			dprintf(pipefd[1], "read %s", secret);
		else
			dprintf(pipefd[1], "open %s", ename(errno));
		_exit(0);
	}
	close(pipefd[1]);
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		SKIP("the child did not stop for us (status %#x)", st);
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESECCOMP))
		setopt_err = errno;
	ptrace(PTRACE_CONT, pid, 0, 0);
	while (waitpid(pid, &st, 0) == pid && !WIFEXITED(st) &&
	       !WIFSIGNALED(st)) {
		if (WIFSTOPPED(st) && st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)))
			stops++;
		ptrace(PTRACE_CONT, pid, 0,
		       WIFSTOPPED(st) && WSTOPSIG(st) != SIGTRAP ? WSTOPSIG(st) : 0);
	}
	n = read(pipefd[0], line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	if (WIFEXITED(st) && WEXITSTATUS(st) == 10)
		HELD("the child could not install its own filter (%s)", line);
	if (stops && !strncmp(line, "read ", 5))
		ESCAPED("openat ran after %d seccomp stop(s) of our tracer: %s",
			stops, line + 5);
	if (setopt_err)
		HELD("PTRACE_O_TRACESECCOMP refused (%s); the child's openat: %s",
		     ename(setopt_err), line);
	HELD("%d seccomp stops; the child's openat: %s", stops, line);
}
