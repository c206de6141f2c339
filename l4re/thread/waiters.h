/* SPDX-License-Identifier: MIT */
/* A FIFO of waiting threads linked through next_waiter (internal to l4re/thread; the
 * owner's spin lock guards it). */
#ifndef PECAN_THREAD_WAITERS_H
#define PECAN_THREAD_WAITERS_H

#include <pecan/thread.h>

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

#endif
