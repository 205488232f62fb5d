// SPDX-License-Identifier: GPL-2.0
/*
 * guest-actions - make a known number of events for the modelab VM suite.
 *
 * Built static and run inside the lab VM.  With -S it stops itself before
 * doing anything, so the suite can "watch" it, SIGCONT it and then compare
 * the watched counters with what was asked for here.
 *
 *   -S       raise(SIGSTOP) first
 *   -p N     N getppid() calls through syscall(2), so libc cannot cache them
 *   -T N     the same N calls, made by a second thread (main thread joins)
 *   -f K     touch K fresh anonymous pages (MADV_NOHUGEPAGE: one fault each)
 *   -s S     send SIGUSR1 to ourselves S times; check the handler ran S times
 *   -F C     a process tree: fork C children, each forking one grandchild;
 *            each child and grandchild makes the -p number of getppid()
 *            calls too, while its parent waits for it (so it stays in the
 *            tree), and exits 0
 *   -t       start a thread, print "pid <pid> tid <tid>", wait to be killed
 *   -r DEV N N O_DIRECT 4 KiB reads of DEV (a block device) at N distinct
 *            aligned offsets (wrapping at its end), one at a time
 *   -w CMD   write CMD to /proc/modelab in one write(2)
 *   -n N     (before -w) make that write N times, on one open file
 *   -u CMD   as -w, but drop to uid 65534 before open(2)
 *   -P CMD   as -w, but open as root and drop to uid 65534 before write(2)
 *   -x PROG ARGS...  exec PROG with SIGINT and SIGQUIT back to their
 *            default action: a shell without job control starts its
 *            background jobs ignoring them, and an ignored signal stays
 *            ignored across exec (what nohup relies on)
 *
 * -w/-u/-P print "OK" or the errno name (e.g. "EINVAL") of the last write
 * and exit 0; the other actions print one "ok ..." line each and exit 1 on
 * a mismatch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROC_FILE "/proc/modelab"
#define NOBODY 65534
#define BLOCK 4096

static volatile sig_atomic_t caught;
static long repeat = 1;	/* -n */

static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

static const char *errname(int e)
{
	static char buf[16];

	switch (e) {
	case EINVAL: return "EINVAL";
	case ESRCH: return "ESRCH";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case EFAULT: return "EFAULT";
	case ENOMEM: return "ENOMEM";
	case ERANGE: return "ERANGE";
	case EIO: return "EIO";
	case ENODEV: return "ENODEV";
	case EINTR: return "EINTR";
	case EBUSY: return "EBUSY";
	case ETIME: return "ETIME";
	}
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static void drop_privileges(void)
{
	if (setgid(NOBODY) || setuid(NOBODY)) {
		perror("setuid");
		exit(2);
	}
}

/* mode: 'w' as root, 'u' drop before open, 'P' drop between open and write */
static int write_cmd(const char *cmd, int mode)
{
	ssize_t n = 0;
	int fd;

	if (mode == 'u')
		drop_privileges();
	fd = open(PROC_FILE, O_WRONLY);
	if (fd < 0) {
		printf("%s\n", errname(errno));
		return 0;
	}
	if (mode == 'P')
		drop_privileges();
	for (long i = 0; i < repeat; i++)
		n = write(fd, cmd, strlen(cmd));
	if (n < 0)
		printf("%s\n", errname(errno));
	else if ((size_t)n != strlen(cmd))
		printf("SHORT %zd\n", n);
	else
		printf("OK\n");
	close(fd);
	return 0;
}

static void *getppid_loop(void *arg)
{
	long i, n = (long)arg;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	return NULL;
}

/* fork a child that makes n getppid() calls, then calls then_fn; its pid */
static pid_t fork_getppid(long n, int (*then_fn)(long), long arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		getppid_loop((void *)n);
		_exit(then_fn ? then_fn(arg) : 0);
	}
	return pid;
}

/* wait for pid; 0 if it exited 0 */
static int reaped_ok(pid_t pid)
{
	int st;

	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       !WEXITSTATUS(st) ? 0 : 1;
}

static int grandchild_and_wait(long n)
{
	return reaped_ok(fork_getppid(n, NULL, 0));
}

static int do_tree(long children, long n)
{
	pid_t pid[64];
	long i;
	int bad = 0;

	if (children > 64) {
		fprintf(stderr, "guest-actions: -F: at most 64 children\n");
		return 1;
	}
	for (i = 0; i < children; i++)
		pid[i] = fork_getppid(n, grandchild_and_wait, n);
	for (i = 0; i < children; i++)
		bad |= reaped_ok(pid[i]);
	if (bad) {
		printf("FAILED tree: a child or grandchild failed\n");
		return 1;
	}
	printf("ok tree %ld children %ld grandchildren\n", children, children);
	return 0;
}

static int do_threaded_getppid(long n)
{
	pthread_t t;

	if (pthread_create(&t, NULL, getppid_loop, (void *)n) ||
	    pthread_join(t, NULL)) {
		fprintf(stderr, "pthread failed\n");
		return 1;
	}
	printf("ok thread-getppid %ld\n", n);
	return 0;
}

static int do_faults(long k)
{
	long pg = sysconf(_SC_PAGESIZE), i;
	char *p;

	p = mmap(NULL, k * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	/* One page fault per page: no THP, no fault-around for anon memory. */
	madvise(p, k * pg, MADV_NOHUGEPAGE);
	for (i = 0; i < k; i++)
		p[i * pg] = 1;
	munmap(p, k * pg);
	printf("ok faults %ld\n", k);
	return 0;
}

static int do_signals(long s)
{
	struct sigaction sa;
	long i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL)) {
		perror("sigaction");
		return 1;
	}
	/* A signal sent to ourselves is delivered before kill() returns. */
	for (i = 0; i < s; i++)
		kill(getpid(), SIGUSR1);
	if (caught != s) {
		printf("FAILED signals: handler ran %ld times, not %ld\n",
		       (long)caught, s);
		return 1;
	}
	printf("ok signals %ld\n", s);
	return 0;
}

static void *sleeper(void *arg)
{
	(void)arg;
	printf("pid %d tid %ld\n", getpid(), (long)syscall(SYS_gettid));
	fflush(stdout);
	for (;;)
		pause();
	return NULL;
}

static int do_thread_and_wait(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, sleeper, NULL)) {
		fprintf(stderr, "pthread_create failed\n");
		return 1;
	}
	for (;;)
		pause();
}

/*
 * One request per read: O_DIRECT skips the page cache and its read-ahead,
 * and a single synchronous reader keeps one request in flight.
 */
static int do_direct_reads(const char *dev, long n)
{
	long i, blocks, nonzero = 0;
	off_t size;
	unsigned char *buf;
	int fd, j;

	fd = open(dev, O_RDONLY | O_DIRECT);
	size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
	if (size < 0) {
		perror(dev);
		return 1;
	}
	blocks = size / BLOCK;
	if (!blocks || posix_memalign((void **)&buf, BLOCK, BLOCK)) {
		fprintf(stderr, "%s: too small or no memory\n", dev);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (pread(fd, buf, BLOCK, (off_t)(i % blocks) * BLOCK) != BLOCK) {
			printf("FAILED read %ld of %s\n", i, dev);
			return 1;
		}
		for (j = 0; j < BLOCK && !buf[j]; j++)
			;
		nonzero += j < BLOCK;
	}
	free(buf);
	close(fd);
	printf("ok direct-reads %ld nonzero %ld\n", n, nonzero);
	return 0;
}

static long number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0) {
		fprintf(stderr, "guest-actions: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long getppids = 0, tgetppids = 0, faults = 0, signals = 0, tree = 0;
	int opt, stop = 0, thread = 0, ret = 0;
	const char *dev = NULL;
	long i, reads = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* "+": no reordering, so that -r's second operand stays in place. */
	while ((opt = getopt(argc, argv, "+Sp:T:f:s:F:tr:w:u:P:n:x")) != -1) {
		switch (opt) {
		case 'S': stop = 1; break;
		case 'p': getppids = number(optarg); break;
		case 'T': tgetppids = number(optarg); break;
		case 'f': faults = number(optarg); break;
		case 's': signals = number(optarg); break;
		case 'F': tree = number(optarg); break;
		case 'n': repeat = number(optarg); break;
		case 't': thread = 1; break;
		case 'r':
			dev = optarg;
			if (optind >= argc) {
				fprintf(stderr, "guest-actions: -r DEV N\n");
				return 2;
			}
			reads = number(argv[optind++]);
			break;
		case 'w':
		case 'u':
		case 'P':
			return write_cmd(optarg, opt);
		case 'x':
			if (optind >= argc) {
				fprintf(stderr, "guest-actions: -x PROG [ARG...]\n");
				return 2;
			}
			signal(SIGINT, SIG_DFL);
			signal(SIGQUIT, SIG_DFL);
			execvp(argv[optind], argv + optind);
			perror("guest-actions: -x");
			return 127;
		default:
			fprintf(stderr, "usage: see tests/vm/guest-actions.c\n");
			return 2;
		}
	}

	if (stop)
		raise(SIGSTOP);
	for (i = 0; i < getppids; i++)
		syscall(SYS_getppid);
	if (getppids)
		printf("ok getppid %ld\n", getppids);
	if (tree)
		ret |= do_tree(tree, getppids);
	if (tgetppids)
		ret |= do_threaded_getppid(tgetppids);
	if (faults)
		ret |= do_faults(faults);
	if (signals)
		ret |= do_signals(signals);
	if (dev)
		ret |= do_direct_reads(dev, reads);
	if (thread)
		ret |= do_thread_and_wait();
	return ret;
}
