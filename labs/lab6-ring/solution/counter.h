/* SPDX-License-Identifier: GPL-2.0 */
/*
 * counter.h - lab 6, part 2: one counter that many threads add to at once
 * (counter.c, yours), and the driver that runs them (counter_main.c,
 * given).
 */
#ifndef COUNTER_H
#define COUNTER_H

void counter_add(void);		/* adds 1; called by every thread at once */
long counter_get(void);		/* the total, once every thread has ended */

#endif
