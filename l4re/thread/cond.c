/* SPDX-License-Identifier: MIT */
/*
 * Condition variables (pecan/thread.h): a queue of parked threads. A waiter queues itself
 * before it lets the mutex go, so a signal sent after that unlock always finds it. A
 * timed waiter that gives up takes itself off the queue (timed_wait.c), so a signal is
 * never spent on a thread that has left: it wakes one still waiting, or nobody.
 */
#include <pecan/thread.h>
#include "spin.h"
#include "waiters.h"

void pecan_cond_init(struct pecan_cond *cond)
{
    *cond = (struct pecan_cond)PECAN_COND_INIT;
}

void pecan_cond_wait(struct pecan_cond *cond, struct pecan_mutex *mutex)
{
    struct pecan_thread *self = pecan_thread_self();
    if (pecan_thread_park_prepare(self)) {
        /* No notification for this thread: a spurious wake-up is allowed. */
        pecan_mutex_unlock(mutex);
        pecan_sleep_us(1);
        pecan_mutex_lock(mutex);
        return;
    }
    spin_lock(&cond->queue_lock);
    self->woken = 0;
    waiters_push(&cond->head, &cond->tail, self);
    spin_unlock(&cond->queue_lock);
    pecan_mutex_unlock(mutex);
    pecan_thread_park(self);
    pecan_mutex_lock(mutex);
}

int pecan_cond_wait_timed(struct pecan_cond *cond, struct pecan_mutex *mutex,
                          uint32_t timeout_ms)
{
    if (!timeout_ms)
        return -PECAN_ETIMEDOUT;
    struct pecan_thread *self = pecan_thread_self();
    pecan_thread_park_prepare(self);   /* without a notification: polls (timed_wait.c) */
    spin_lock(&cond->queue_lock);
    self->woken = 0;
    waiters_push(&cond->head, &cond->tail, self);
    spin_unlock(&cond->queue_lock);
    pecan_mutex_unlock(mutex);
    int result = waiters_wait_timed(self, &cond->queue_lock, &cond->head, &cond->tail,
                                    timeout_ms);
    pecan_mutex_lock(mutex);
    return result;
}

void pecan_cond_signal(struct pecan_cond *cond)
{
    spin_lock(&cond->queue_lock);
    struct pecan_thread *t = waiters_pop(&cond->head, &cond->tail);
    spin_unlock(&cond->queue_lock);
    if (t)
        pecan_thread_wake(t);
}

void pecan_cond_broadcast(struct pecan_cond *cond)
{
    spin_lock(&cond->queue_lock);
    struct pecan_thread *t = cond->head;
    cond->head = cond->tail = 0;
    spin_unlock(&cond->queue_lock);
    while (t) {
        struct pecan_thread *next = t->next_waiter;   /* before the wake lets it run on */
        pecan_thread_wake(t);
        t = next;
    }
}
