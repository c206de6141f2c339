/* SPDX-License-Identifier: MIT */
/* A FIFO of waiting threads linked through next_waiter (internal to l4re/thread; the
 * owner's spin lock guards it). A waker pops a thread under that lock and wakes it after
 * (pecan_thread_wake); a timed waiter that gives up takes itself off under the lock, so a
 * thread is either still queued or was popped by exactly one waker. */
#ifndef PECAN_THREAD_WAITERS_H
#define PECAN_THREAD_WAITERS_H

#include <pecan/thread.h>
#include <stdint.h>

static inline void waiters_push(struct pecan_thread **head, struct pecan_thread **tail,
                                struct pecan_thread *t)
{
    t->next_waiter = 0;
    if (*tail)
        (*tail)->next_waiter = t;
    else
        *head = t;
    *tail = t;
}

static inline struct pecan_thread *waiters_pop(struct pecan_thread **head,
                                               struct pecan_thread **tail)
{
    struct pecan_thread *t = *head;
    if (!t)
        return 0;
    *head = t->next_waiter;
    if (!*head)
        *tail = 0;
    return t;
}

/* Takes t off the queue if it is still there (a timed waiter giving up); 1 if it was. */
static inline int waiters_remove(struct pecan_thread **head, struct pecan_thread **tail,
                                 struct pecan_thread *t)
{
    struct pecan_thread *previous = 0;
    struct pecan_thread **link = head;
    while (*link && *link != t) {
        previous = *link;
        link = &(*link)->next_waiter;
    }
    if (!*link)
        return 0;
    *link = t->next_waiter;
    if (*tail == t)
        *tail = previous;
    return 1;
}

/* Waits, with a timeout, for a waker to pop self from the queue (head, tail) under
 * queue_lock and wake it. self must be queued already, with woken cleared under the
 * lock. 0 once woken by a waker; -PECAN_ETIMEDOUT after timeout_ms (then self has taken
 * itself off the queue, and no waker will touch it for this wait). timed_wait.c. */
int waiters_wait_timed(struct pecan_thread *self, int *queue_lock, struct pecan_thread **head,
                       struct pecan_thread **tail, uint32_t timeout_ms);

#endif
