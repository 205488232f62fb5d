/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ring.h - lab 6: a single-producer single-consumer ring that lives in
 * memory shared by two processes.  The producer alone writes head, the
 * consumer alone writes tail; a side that finds nothing to do (the ring
 * empty, or full) raises its flag and sleeps in read() on its eventfd, and
 * the other side writes that eventfd only when it finds the flag raised.
 */
#ifndef RING_H
#define RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* A power of two, so that the free-running 32-bit indices wrap cleanly. */
#define RING_SLOTS 1024

struct ring {
	/* each index on a cache line of its own: no false sharing */
	_Alignas(64) _Atomic uint32_t head;	  /* next slot to fill */
	_Alignas(64) _Atomic uint32_t tail;	  /* next slot to empty */
	_Alignas(64) atomic_int consumer_waiting; /* raised before it sleeps */
	atomic_int producer_waiting;
	int wake_consumer; /* eventfds, made before fork() */
	int wake_producer;
	bool batch; /* wake the other side only on a full or drained ring */
	_Alignas(64) uint64_t slot[RING_SLOTS];
};

/* given in ring_main.c: one blocking read of an eventfd, one write of 1 */
void ring_sleep(int efd);
void ring_wake(int efd);

void ring_push(struct ring *r, uint64_t msg); /* the producer's */
uint64_t ring_pop(struct ring *r);	      /* the consumer's */
void ring_flush(struct ring *r); /* the producer's, after the last push */

#endif
