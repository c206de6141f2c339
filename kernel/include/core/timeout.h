/* SPDX-License-Identifier: MIT */
/*
 * Timeouts of blocked threads: one list sorted by deadline, under the big kernel lock,
 * checked on every tick of CPU 0 (so timeouts have the tick's granularity, 10 ms).
 */
#ifndef PECAN_CORE_TIMEOUT_H
#define PECAN_CORE_TIMEOUT_H

#include <object/thread.h>

/* Arms a timeout for a thread that is about to block, from the r2 timeout field (not
 * NEVER and not ZERO). */
void timeout_arm(struct thread *thread, word_t timeout_field);
void timeout_cancel(struct thread *thread);
/* Expires what is due; called on ticks with the kernel lock held. */
void timeout_tick(uint64_t now_ns);

#endif
