/* SPDX-License-Identifier: MIT */
/*
 * Notifications: a word of signal bits and a queue of waiting threads (object size 32
 * bytes). Signals are ORed into the word; a waiter takes and clears all set bits. The
 * interrupt path signals them too (object/irq_handler.c).
 */
#ifndef PECAN_OBJECT_NOTIFICATION_H
#define PECAN_OBJECT_NOTIFICATION_H

#include <object/thread.h>

#define NOTIFICATION_SIZE_BITS 5

struct gate;

struct notification {
    word_t bits;
    struct thread *wait_head;
    struct thread *wait_tail;
    struct thread *bound_thread;       /* its open waits also wake on this notification */
    struct gate *watching_gates;       /* gates whose no-clients signal comes here */
    word_t reserved[3];
};

void notification_init(struct notification *n);
void notification_signal(struct notification *n, word_t bits);
/* Takes a blocked thread out of the notification's queue (suspend, destroy). */
void notification_cancel_wait(struct thread *thread);
/* Binds n to thread (either may be NULL to unbind what they have). */
void notification_bind_thread(struct notification *n, struct thread *thread);

#endif
