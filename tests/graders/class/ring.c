// SPDX-License-Identifier: GPL-2.0
/*
 * ring.c - my ring (lab 6, part 1), written from the handout: a side that
 * cannot go on raises its flag, looks once more, and sleeps on its
 * eventfd; the other side wakes it only when it finds the flag raised.
 */
#include "ring.h"

/*
 * Sleep while *index still equals stuck.  Flag store and index load are
 * both seq_cst: in the single order of seq_cst operations either our load
 * sees the other side's new index, or its later load of our flag sees 1.
 */
static void wait_while(_Atomic uint32_t *index, uint32_t stuck,
		       atomic_int *flag, int efd)
{
	atomic_store(flag, 1);
	if (atomic_load(index) == stuck) {
		ring_sleep(efd);
		return;
	}
	/* it moved meanwhile: lower the flag; if the other side lowered it
	 * first, its write to the eventfd is coming: read it now */
	if (!atomic_exchange(flag, 0))
		ring_sleep(efd);
}

void ring_push(struct ring *r, uint64_t msg)
{
	/* head is ours alone: a relaxed load reads our own last store */
	uint32_t h = atomic_load_explicit(&r->head, memory_order_relaxed);

	while (h - atomic_load(&r->tail) == RING_SLOTS)
		wait_while(&r->tail, h - RING_SLOTS, &r->producer_waiting,
			   r->wake_producer);
	r->slot[h % RING_SLOTS] = msg;
	/* seq_cst: publishes the slot (release) and stays before the flag load */
	atomic_store(&r->head, h + 1);
	if (!atomic_load(&r->consumer_waiting))
		return;
	if (r->batch && h + 1 - atomic_load(&r->tail) != RING_SLOTS)
		return;		/* batch: only a full ring wakes the consumer */
	if (atomic_exchange(&r->consumer_waiting, 0))
		ring_wake(r->wake_consumer);
}

uint64_t ring_pop(struct ring *r)
{
	uint32_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint64_t msg;

	while (atomic_load(&r->head) == t)
		wait_while(&r->head, t, &r->consumer_waiting, r->wake_consumer);
	msg = r->slot[t % RING_SLOTS];
	/* seq_cst: the slot is read before it is handed back */
	atomic_store(&r->tail, t + 1);
	if (!atomic_load(&r->producer_waiting))
		return msg;
	if (r->batch && atomic_load(&r->head) != t + 1)
		return msg;	/* batch: only a drained ring wakes the producer */
	if (atomic_exchange(&r->producer_waiting, 0))
		ring_wake(r->wake_producer);
	return msg;
}

void ring_flush(struct ring *r)
{
	if (atomic_exchange(&r->consumer_waiting, 0))
		ring_wake(r->wake_consumer);
}
