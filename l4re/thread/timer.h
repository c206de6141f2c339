/* SPDX-License-Identifier: MIT */
/* The timer of timed waits (internal to l4re/thread; timer.c). */
#ifndef PECAN_THREAD_TIMER_H
#define PECAN_THREAD_TIMER_H

#include <pecan/thread.h>
#include "deadlines.h"

/* The clock deadlines are on: the kernel's, from the KIP, in ns since boot. It moves once
 * per tick. */
uint64_t timer_now_ns(void);
/* From now on, once timeout_ms have passed, the timer sets d->fired and signals self's
 * park notification. 0, or an error if there is no timer (its thread could not be made)
 * or self has no park notification: the caller then polls the clock itself. The wait
 * lasts at least timeout_ms: the deadline counts from the last tick, plus one tick. */
int timer_arm(struct deadline *d, struct pecan_thread *self, uint32_t timeout_ms);
/* Takes d off the timer. Once this returns, the timer touches neither d nor its thread
 * on d's behalf; d->fired tells whether it fired. */
void timer_disarm(struct deadline *d);
/* The deadline of a wait of timeout_ms starting now (for the polling fallback). */
uint64_t timer_deadline(uint32_t timeout_ms);

#endif
