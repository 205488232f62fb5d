// SPDX-License-Identifier: GPL-2.0
/*
 * ring.c - lab 6, part 1: the ring's three operations (ring.h says what
 * the ring is).  Nothing here may spin or poll: a side that cannot go on
 * sleeps on its eventfd, and the other side writes that eventfd only when
 * the sleeper's flag is raised, so a busy ring runs without the kernel.
 */
#include "ring.h"

/* BEGIN SOLUTION: a helper that sleeps while *watched == seen: raise the flag, look again, ring_sleep(efd) unless it moved; if the other side took the flag first (atomic_exchange says so), its wake is on its way: read it */
/*
 * Sleeps until *watched moves off seen (the other side's index).  The
 * flag is raised before the last look, both sequentially consistent: the
 * other side stores its index and then reads the flag, so either our look
 * sees the move or its read sees the flag, and it writes the eventfd.  If
 * it took the flag, its write is on its way even when we saw the move: we
 * read it, so the eventfd never keeps a stale wake for our next sleep.
 */
static void wait_for_move(_Atomic uint32_t *watched, uint32_t seen,
			  atomic_int *flag, int efd)
{
	atomic_store(flag, 1);
	if (atomic_load(watched) != seen && atomic_exchange(flag, 0))
		return;
	ring_sleep(efd);
}
/* END SOLUTION */

void ring_push(struct ring *r, uint64_t msg)
{
	/* BEGIN SOLUTION: wait while full; fill slot head % RING_SLOTS; publish head + 1 (seq_cst); if the consumer's flag is up (batch: and the ring is full), take it (atomic_exchange) and ring_wake() it */
	/* our own index: nobody else writes it, relaxed is enough */
	uint32_t h = atomic_load_explicit(&r->head, memory_order_relaxed);

	/*
	 * seq_cst loads here too: what this side saw is then a point in the
	 * one order of all head and tail stores, which the handout's bounds
	 * on wake-ups rest on.
	 */
	while (h - atomic_load(&r->tail) == RING_SLOTS)
		wait_for_move(&r->tail, h - RING_SLOTS, &r->producer_waiting,
			      r->wake_producer);
	r->slot[h % RING_SLOTS] = msg;
	/*
	 * seq_cst: a release for the slot, and kept before the flag's load
	 * (a release store and a later load may be reordered).
	 */
	atomic_store(&r->head, h + 1);
	/* the flag first: if raised, tail is the sleeper's, not an old one */
	if (atomic_load(&r->consumer_waiting) &&
	    (!r->batch || h + 1 - atomic_load(&r->tail) == RING_SLOTS) &&
	    atomic_exchange(&r->consumer_waiting, 0))
		ring_wake(r->wake_consumer);
	/* END SOLUTION */
	(void)r; /* the starter's stubs use neither */
	(void)msg;
}

uint64_t ring_pop(struct ring *r)
{
	uint64_t msg = 0;

	/* BEGIN SOLUTION: wait while empty; msg = slot tail % RING_SLOTS; publish tail + 1 (seq_cst); if the producer's flag is up (batch: and the ring is drained), take it and ring_wake() it */
	uint32_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);

	while (atomic_load(&r->head) == t)
		wait_for_move(&r->head, t, &r->consumer_waiting,
			      r->wake_consumer);
	msg = r->slot[t % RING_SLOTS];
	/* seq_cst: the slot is read before it is given back (release) */
	atomic_store(&r->tail, t + 1);
	if (atomic_load(&r->producer_waiting) &&
	    (!r->batch || atomic_load(&r->head) == t + 1) &&
	    atomic_exchange(&r->producer_waiting, 0))
		ring_wake(r->wake_producer);
	/* END SOLUTION */
	(void)r;
	return msg;
}

/* After the last push: a consumer asleep on a ring that is not full yet. */
void ring_flush(struct ring *r)
{
	/* BEGIN SOLUTION: if the consumer's flag is up, take it and ring_wake() it */
	if (atomic_exchange(&r->consumer_waiting, 0))
		ring_wake(r->wake_consumer);
	/* END SOLUTION */
	(void)r;
}
