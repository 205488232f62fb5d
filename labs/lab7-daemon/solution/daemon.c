// SPDX-License-Identifier: GPL-2.0
/*
 * daemon LOGFILE - lab 7: a daemon done right.
 *
 * Started from a shell, it returns at once (status 0) and leaves behind a
 * daemon that is in a session of its own but not its leader (so it can
 * never acquire a controlling terminal), has / as its working directory,
 * umask 0, exactly three descriptors (0, 1, 2) all on /dev/null, appends
 * its lines to LOGFILE (an absolute path) and stops on SIGTERM.
 *
 * The log: "started PID" once it is a daemon, "stopping on SIGTERM" when
 * told to stop.  log_line() opens the file for each line and closes it, so
 * no descriptor stays open for it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static const char *log_path;

/* Appends one line to the log; the file is created with mode 0666 & ~umask. */
static void log_line(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n, fd;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) != n)
		n = -1;
	close(fd);
}

/* Closes every descriptor this process has. */
static __attribute__((unused)) void close_every_fd(void)
{
	/* BEGIN SOLUTION: close every descriptor this process has, whatever its number */
	struct rlimit rl = { 1024, 1024 };

#ifdef SYS_close_range
	if (!syscall(SYS_close_range, 0u, ~0u, 0u))
		return;
#endif
	getrlimit(RLIMIT_NOFILE, &rl);
	for (rlim_t fd = 0; fd < rl.rlim_cur && fd < 65536; fd++)
		close((int)fd);
	/* END SOLUTION */
}

/*
 * Returns in the daemon; every other process it makes exits.  On a failure
 * it exits with status 1 (before stdio is gone, with a message).
 */
static void daemonize(void)
{
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		perror("daemon: fork");
		exit(1);
	}
	if (pid > 0)
		_exit(0);	/* the shell's child returns: the shell goes on */

	/* BEGIN SOLUTION: make this process the daemon of the handout's properties 1 to 5: its own session, never a terminal, / as its directory, umask 0, only 0, 1 and 2 open, on /dev/null */
	if (setsid() < 0) {	/* a new session, no terminal; we lead it */
		perror("daemon: setsid");
		exit(1);
	}
	pid = fork();		/* the second fork: the child is no leader, */
	if (pid < 0) {		/* so it can never acquire a terminal */
		perror("daemon: fork");
		exit(1);
	}
	if (pid > 0)
		_exit(0);
	if (chdir("/"))		/* hold no directory (no file system) busy */
		exit(1);
	umask(0);		/* the modes it asks for are the modes it gets */
	close_every_fd();	/* the shell's descriptors too */
	if (open("/dev/null", O_RDWR) != 0 || dup2(0, 1) != 1 ||
	    dup2(0, 2) != 2)
		_exit(1);
	/* END SOLUTION */
}

int main(int argc, char **argv)
{
	sigset_t term;

	if (argc != 2 || argv[1][0] != '/') {
		fprintf(stderr, "usage: daemon LOGFILE (an absolute path)\n");
		return 2;
	}
	log_path = argv[1];
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	/* BEGIN SOLUTION: a SIGTERM that comes early must not kill the daemon: it waits for the loop below */
	sigprocmask(SIG_BLOCK, &term, NULL);
	/* END SOLUTION */

	daemonize();
	log_line("started %d", (int)getpid());

	/* BEGIN SOLUTION: stop on SIGTERM, saying so in the log (property 7) */
	for (;;) {
		int sig;

		if (!sigwait(&term, &sig) && sig == SIGTERM) {
			log_line("stopping on SIGTERM");
			return 0;
		}
	}
	/* END SOLUTION */
	for (;;)
		pause();	/* until a signal ends it */
}
