/* SPDX-License-Identifier: MIT */
/*
 * Counting semaphores (pecan/sync.h): a count and a queue of waiting threads under one
 * spin lock. Invariant: waiters queue only while the count is 0, and up hands its unit to
 * the first waiter instead of counting it, so a unit is taken exactly once and a waiter
 * that was popped owns one. A timed waiter that gives up has taken itself off the queue
 * first (timed_wait.c), so up never hands a unit to a thread that has left.
 */
#include <pecan/sync.h>
#include "spin.h"
#include "waiters.h"

void pecan_sem_init(struct pecan_sem *sem, unsigned count)
{
    *sem = (struct pecan_sem)PECAN_SEM_INIT(count);
}

/* Under the lock: takes a unit if there is one. */
static int take_unit(struct pecan_sem *sem)
{
    if (!sem->count)
        return 0;
    sem->count--;
    return 1;
}

int pecan_sem_trydown(struct pecan_sem *sem)
{
    spin_lock(&sem->queue_lock);
    int taken = take_unit(sem);
    spin_unlock(&sem->queue_lock);
    return taken ? 0 : -PECAN_EBUSY;
}

/* Takes a unit, or queues self (woken cleared) while the lock is held: 1 if taken. */
static int take_or_queue(struct pecan_sem *sem, struct pecan_thread *self)
{
    spin_lock(&sem->queue_lock);
    int taken = take_unit(sem);
    if (!taken) {
        self->woken = 0;
        waiters_push(&sem->head, &sem->tail, self);
    }
    spin_unlock(&sem->queue_lock);
    return taken;
}

void pecan_sem_down(struct pecan_sem *sem)
{
    if (!pecan_sem_trydown(sem))
        return;
    struct pecan_thread *self = pecan_thread_self();
    pecan_thread_park_prepare(self);   /* without a notification, park polls */
    if (!take_or_queue(sem, self))
        pecan_thread_park(self);
}

int pecan_sem_down_timed(struct pecan_sem *sem, uint32_t timeout_ms)
{
    if (!pecan_sem_trydown(sem))
        return 0;
    if (!timeout_ms)
        return -PECAN_ETIMEDOUT;
    struct pecan_thread *self = pecan_thread_self();
    pecan_thread_park_prepare(self);
    if (take_or_queue(sem, self))
        return 0;
    return waiters_wait_timed(self, &sem->queue_lock, &sem->head, &sem->tail, timeout_ms);
}

void pecan_sem_up(struct pecan_sem *sem)
{
    spin_lock(&sem->queue_lock);
    struct pecan_thread *waiter = waiters_pop(&sem->head, &sem->tail);
    if (!waiter)
        sem->count++;
    spin_unlock(&sem->queue_lock);
    if (waiter)
        pecan_thread_wake(waiter);
}
