// SPDX-License-Identifier: GPL-2.0
/*
 * probes/ipc/ops.c - what a timed figure runs (round trips, transfer
 * batches) and what its witness pass counts and checks: system calls by
 * tracepoint or by the code, /proc counters, context switches.  The
 * lesson is in probes/ipc/ipc.c.
 */
#define _GNU_SOURCE
#include "ipc.h"

static long tracepoint_id = -2;		/* -2: not looked up yet */
char trace_why[96];

/* raw_syscalls:sys_enter's id, when tracefs is mounted; else -1. */
static long syscall_tracepoint(void)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/events/raw_syscalls/sys_enter/id",
		"/sys/kernel/debug/tracing/events/raw_syscalls/sys_enter/id",
	};

	if (tracepoint_id != -2)
		return tracepoint_id;
	tracepoint_id = -1;
	snprintf(trace_why, sizeof(trace_why), "tracefs is not mounted");
	for (size_t i = 0; i < ML_ARRAY_SIZE(paths); i++) {
		FILE *f = fopen(paths[i], "re");

		if (!f)
			continue;
		if (fscanf(f, "%ld", &tracepoint_id) != 1)
			tracepoint_id = -1;
		fclose(f);
		break;
	}
	return tracepoint_id;
}

/* Counts one thread's system calls; -1 when perf may not. */
static int trace_open(pid_t tid)
{
	struct perf_event_attr a;
	int fd;

	if (syscall_tracepoint() < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof(a);
	a.config = (uint64_t)tracepoint_id;
	fd = (int)syscall(SYS_perf_event_open, &a, tid, -1, -1,
			  PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		snprintf(trace_why, sizeof(trace_why),
			 "perf may not attach raw_syscalls:sys_enter: %s",
			 strerror(errno));
	return fd;
}

/* ---- what the witness pass counted, on both sides --------------------- */

/*
 * The sum of the numbers after key1 and key2 in a /proc file read again
 * from its start: one pread(), the file kept open.
 */
static double proc_counters(int fd, const char *key1, const char *key2)
{
	const char *keys[2] = { key1, key2 };
	char text[4096];
	double sum = 0;
	ssize_t n;

	if (fd < 0)
		return NAN;
	n = pread(fd, text, sizeof(text) - 1, 0);
	if (n <= 0)
		return NAN;
	text[n] = '\0';
	for (int i = 0; i < 2 && keys[i]; i++) {
		const char *p = strstr(text, keys[i]);

		if (!p)
			return NAN;
		sum += strtod(p + strlen(keys[i]), NULL);
	}
	return sum;
}

static double perf_count(int fd)
{
	uint64_t v;

	if (fd < 0 || read(fd, &v, sizeof(v)) != sizeof(v))
		return NAN;
	return (double)v;
}

/*
 * Our side, taken inside run() so that the library's own calls around it
 * do not count: three system calls, whose cost (s->cal) is taken off.
 */
void our_side(struct session *s, struct side *p)
{
	struct rusage ru;

	p->traced = perf_count(s->trace_fd[0]);
	getrusage(RUSAGE_THREAD, &ru);
	p->vcsw = (double)ru.ru_nvcsw;
	p->icsw = (double)ru.ru_nivcsw;
	p->rw = proc_counters(s->io_fd[0], "syscr:", "syscw:");
	p->sys = (double)s->c.nsys;
}

/* The peer's side: it does not see our calls at all. */
void peer_side(struct session *s, struct side *p)
{
	p->traced = perf_count(s->trace_fd[1]);
	p->rw = proc_counters(s->io_fd[1], "syscr:", "syscw:");
	p->vcsw = proc_counters(s->status_fd, "\nvoluntary_ctxt_switches:",
				NULL);
	p->icsw = proc_counters(s->status_fd, "nonvoluntary_ctxt_switches:",
				NULL);
	p->sys = (double)atomic_load(&s->ctl->nsys);
}

/* Opens what the counting needs, and measures what counting costs. */
void counting_open(struct session *s)
{
	int tid = atomic_load(&s->ctl->peer_tid);
	int pid = s->pid > 0 ? (int)s->pid : (int)getpid();
	struct side a, b;
	char path[64];

	s->trace_fd[0] = trace_open(0);
	s->trace_fd[1] = trace_open(tid);
	s->io_fd[0] = open("/proc/thread-self/io", O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/io", pid, tid);
	s->io_fd[1] = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	s->status_fd = open(path, O_RDONLY | O_CLOEXEC);
	our_side(s, &a);
	our_side(s, &b);
	s->cal.traced = b.traced - a.traced;
	s->cal.rw = b.rw - a.rw;
	s->cal.vcsw = s->cal.icsw = s->cal.sys = 0;
}

/* (b - a) less what counting itself cost (cal), per op. */
double per_op(double a, double b, double cal, uint64_t n)
{
	double v = (b - a - cal) / (double)n;

	return v > 0 ? v : 0;
}

/* ---- the ops ---------------------------------------------------------- */

void round_trips(struct session *s, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		unsigned char b = 0x2a, r;
		int e;

		if (s->checking) {
			ipc_fill(&b, 1, s->seq);
			s->tx_sum = ipc_checksum(s->tx_sum, &b, 1);
		}
		e = chan_send(&s->c, &b, 1);
		if (!e)
			e = chan_recv(&s->c, &r, 1);
		if (e) {
			ipc_explain(s, e);
			return;
		}
		if (s->checking) {
			s->bad += r != (b ^ REPLY_XOR);
			s->rx_sum = ipc_checksum(s->rx_sum, &r, 1);
		}
		s->seq++;
	}
}

/*
 * One transfer batch: its number of messages, the messages, then the
 * peer's ack once it has received them all, so that the batch ends when
 * every byte is delivered.  n = 0 is that handshake alone: the library
 * times it as the empty batch and takes it off.
 */
void ipc_stream(struct session *s, uint64_t n)
{
	unsigned char got;
	int e = chan_send(&s->c, &n, sizeof(n));

	for (uint64_t i = 0; i < n && !e; i++) {
		if (s->checking) {
			size_t len = checked_len(s->size, s->seq);

			ipc_fill(s->buf, len, s->seq);
			s->tx_sum = ipc_checksum(s->tx_sum, s->buf, len);
		}
		e = chan_send(&s->c, s->buf, s->size);
		if (!e)
			s->seq++;
	}
	if (!e)
		e = chan_recv(&s->c, &got, 1);
	if (e)
		ipc_explain(s, e);
	else if (s->checking)
		s->bad += got != (unsigned char)s->seq;
}

/* Waits (2 s at most) until the peer has handled all we sent and waits. */
void ipc_drain(struct session *s)
{
	const struct timespec us50 = { 0, 50000 };
	uint64_t end = ml_monotonic_ns() + ANSWER_TIMEOUT_NS;

	while (atomic_load(&s->ctl->idle) < s->seq) {
		if (peer_exited(s, 0)) {
			ipc_explain(s, E_EOF);
			return;
		}
		if (ml_monotonic_ns() >= end) {
			ipc_fail(s,
				 "the peer%s took %llu of %llu messages in 2 s",
				 s->pid > 0 ? "" : " thread",
				 (unsigned long long)atomic_load(&s->ctl->idle),
				 (unsigned long long)s->seq);
			return;
		}
		nanosleep(&us50, NULL);
	}
}

/* What the witness pass showed: counts match, bytes intact. */
const char *session_check(struct session *s, uint64_t n)
{
	static char why[96];
	struct ctl *k = s->ctl;

	if (s->error[0])
		return s->error;
	if (s->seq != n || atomic_load(&k->rx) != n ||
	    (!s->size && atomic_load(&k->tx) != n)) {
		snprintf(why, sizeof(why),
			 "counts differ: %llu ops, %llu done, peer got %llu, sent %llu",
			 (unsigned long long)n, (unsigned long long)s->seq,
			 (unsigned long long)atomic_load(&k->rx),
			 (unsigned long long)atomic_load(&k->tx));
		return why;
	}
	if (s->bad || atomic_load(&k->bad))
		return "bytes changed on the way (pattern check)";
	if (atomic_load(&k->rx_sum) != s->tx_sum ||
	    (!s->size && atomic_load(&k->tx_sum) != s->rx_sum))
		return "checksums differ between the two sides";
	return NULL;
}
