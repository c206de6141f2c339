/* SPDX-License-Identifier: MIT */
/*
 * Queues of blocked threads (notification waiters, senders at a thread or a gate), linked
 * through thread->wait_next/wait_prev; thread->blocked_on names the queue's owner. A thread is
 * in at most one queue.
 */
#ifndef PECAN_CORE_THREAD_QUEUE_H
#define PECAN_CORE_THREAD_QUEUE_H

#include <core/panic.h>
#include <object/thread.h>

static inline void thread_queue_append(struct thread **head, struct thread **tail, struct thread *t,
                                       void *owner)
{
    assert(!t->blocked_on && !t->wait_next && !t->wait_prev && *head != t);
    t->wait_next = NULL;
    t->wait_prev = *tail;
    if (*tail)
        (*tail)->wait_next = t;
    else
        *head = t;
    *tail = t;
    t->blocked_on = owner;
}

static inline void thread_queue_remove(struct thread **head, struct thread **tail, struct thread *t)
{
    if (t->wait_prev)
        t->wait_prev->wait_next = t->wait_next;
    else
        *head = t->wait_next;
    if (t->wait_next)
        t->wait_next->wait_prev = t->wait_prev;
    else
        *tail = t->wait_prev;
    t->wait_next = t->wait_prev = NULL;
    t->blocked_on = NULL;
}

#endif
