// SPDX-License-Identifier: GPL-2.0
/*
 * ring MODE N - lab 6, part 1's driver (given): the producer (this process)
 * sends N messages through a ring in a memfd shared with the consumer (a
 * forked child).  Message i is a number the consumer can predict (a hash
 * of i and of a seed drawn at random for each run, so that no other code
 * can), so it counts the ones out of place; both sides print a checksum of
 * the sequence in the order they saw it.  MODE:
 *   eager           wake a sleeper as soon as there is something for it
 *   batch           the producer fills the ring before waking the consumer,
 *                   the consumer drains it before waking the producer
 *   prefill         eager, and all N (at most RING_SLOTS) are pushed before
 *                   the consumer exists: neither side ever has to sleep
 *   stall-producer  the producer starts pushing at the end of stdin
 *   stall-consumer  the consumer starts popping at the end of stdin
 * Output: "received N, K out of place, checksum X" (the consumer), then
 * "sent N, checksum X"; status 0, or 1 when a message was out of place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ring.h"

enum mode { EAGER, BATCH, PREFILL, STALL_PRODUCER, STALL_CONSUMER, MODES };
static const char *const mode_names[] = {"eager", "batch", "prefill",
					 "stall-producer", "stall-consumer"};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

void ring_sleep(int efd)
{
	uint64_t count;

	while (read(efd, &count, sizeof(count)) != sizeof(count))
		if (errno != EINTR)
			die("ring: read(eventfd)");
}

void ring_wake(int efd)
{
	const uint64_t one = 1;

	if (write(efd, &one, sizeof(one)) != sizeof(one))
		die("ring: write(eventfd)");
}

static uint64_t seed;	/* this run's, drawn before the fork */

/* Message i: distinct (splitmix64 of seed + i is a bijection), never 0
 * (what an untouched slot holds). */
static uint64_t message(uint64_t i)
{
	uint64_t z = seed + i * 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return z ? z : 1;
}

/* FNV-1a over the sequence: the same messages in another order differ. */
static uint64_t checksum(uint64_t sum, uint64_t msg)
{
	return (sum ^ msg) * 0x100000001b3ull;
}

/* Blocks until stdin ends: the grader holds it open to stall one side. */
static void wait_for_stdin_end(void)
{
	char buf[64];
	ssize_t got;

	do
		got = read(0, buf, sizeof(buf));
	while (got > 0 || (got < 0 && errno == EINTR));
}

static uint64_t produce(struct ring *r, long n)
{
	uint64_t sum = 0xcbf29ce484222325ull;

	for (long i = 0; i < n; i++) {
		ring_push(r, message(i));
		sum = checksum(sum, message(i));
	}
	return sum;
}

static void consume(struct ring *r, long n)
{
	uint64_t sum = 0xcbf29ce484222325ull, msg;
	long misplaced = 0;

	for (long i = 0; i < n; i++) {
		msg = ring_pop(r);
		misplaced += msg != message(i);
		sum = checksum(sum, msg);
	}
	printf("received %ld, %ld out of place, checksum %016llx\n", n,
	       misplaced, (unsigned long long)sum);
	exit(misplaced ? 1 : 0);
}

int main(int argc, char **argv)
{
	int mode = -1, fd, status;
	uint64_t sum = 0;
	struct ring *r;
	char *end = NULL;
	long n = 0;
	pid_t pid, producer = getpid();

	for (int m = 0; argc == 3 && m < MODES; m++)
		if (!strcmp(argv[1], mode_names[m]))
			mode = m;
	if (mode < 0) {
		fprintf(stderr, "usage: ring eager|batch|prefill|stall-producer|stall-consumer N\n");
		return 2;
	}
	n = strtol(argv[2], &end, 10);
	if (*end || n < 1 || n > (mode == PREFILL ? RING_SLOTS : 1000000000)) {
		fprintf(stderr,
			"ring: N must be a number from 1 to %d, not '%s'\n",
			mode == PREFILL ? RING_SLOTS : 1000000000, argv[2]);
		return 2;
	}
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		die("ring: getrandom");
	fd = memfd_create("ring", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, sizeof(*r)))
		die("ring: memfd");
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (r == MAP_FAILED)
		die("ring: mmap");
	r->wake_consumer = eventfd(0, EFD_CLOEXEC);
	r->wake_producer = eventfd(0, EFD_CLOEXEC);
	if (r->wake_consumer < 0 || r->wake_producer < 0)
		die("ring: eventfd");
	r->batch = mode == BATCH;
	if (mode == PREFILL)
		sum = produce(r, n);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("ring: fork");
	if (pid == 0) {
		/* a producer killed (by a grader's timeout) takes us along */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != producer)
			die("ring: the producer is gone");
		if (mode == STALL_CONSUMER)
			wait_for_stdin_end();
		consume(r, n);
	}
	if (mode == STALL_PRODUCER)
		wait_for_stdin_end();
	if (mode != PREFILL)
		sum = produce(r, n);
	ring_flush(r);
	if (waitpid(pid, &status, 0) != pid)
		die("ring: waitpid");
	printf("sent %ld, checksum %016llx\n", n, (unsigned long long)sum);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
