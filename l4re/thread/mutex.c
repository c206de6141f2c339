/* SPDX-License-Identifier: MIT */
/*
 * Mutexes (pecan/thread.h). state: 0 free, 1 held, 2 held and someone may wait. Taking a
 * free mutex is one compare-and-swap. A contender marks it 2 under the queue lock; if it
 * was free meanwhile it has it, else it queues and parks. Unlock of a 2 wakes the first
 * waiter, which tries again (and marks it 2 again, so the ones behind it are not
 * forgotten). If no notification can be made for a thread, it spins with sleeps.
 */
#include <pecan/thread.h>
#include "spin.h"
#include "waiters.h"

void pecan_mutex_init(struct pecan_mutex *mutex)
{
    *mutex = (struct pecan_mutex)PECAN_MUTEX_INIT;
}

int pecan_mutex_trylock(struct pecan_mutex *mutex)
{
    int expected = 0;
    return __atomic_compare_exchange_n(&mutex->state, &expected, 1, 0, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED) ? 0 : -PECAN_EBUSY;
}

void pecan_mutex_lock(struct pecan_mutex *mutex)
{
    if (!pecan_mutex_trylock(mutex))
        return;
    struct pecan_thread *self = pecan_thread_self();
    int can_park = !pecan_thread_park_prepare(self);
    for (;;) {
        spin_lock(&mutex->queue_lock);
        if (__atomic_exchange_n(&mutex->state, 2, __ATOMIC_ACQUIRE) == 0) {
            spin_unlock(&mutex->queue_lock);
            return;
        }
        if (!can_park) {
            spin_unlock(&mutex->queue_lock);
            pecan_sleep_us(1);
            continue;
        }
        self->woken = 0;
        waiters_push(&mutex->head, &mutex->tail, self);
        spin_unlock(&mutex->queue_lock);
        pecan_thread_park(self);
    }
}

void pecan_mutex_unlock(struct pecan_mutex *mutex)
{
    if (__atomic_exchange_n(&mutex->state, 0, __ATOMIC_RELEASE) != 2)
        return;
    spin_lock(&mutex->queue_lock);
    struct pecan_thread *next = waiters_pop(&mutex->head, &mutex->tail);
    spin_unlock(&mutex->queue_lock);
    if (next)
        pecan_thread_wake(next);
}

void pecan_recursive_mutex_lock(struct pecan_recursive_mutex *mutex)
{
    struct pecan_thread *self = pecan_thread_self();
    if (__atomic_load_n(&mutex->owner, __ATOMIC_RELAXED) == self) {
        mutex->depth++;
        return;
    }
    pecan_mutex_lock(&mutex->mutex);
    __atomic_store_n(&mutex->owner, self, __ATOMIC_RELAXED);
    mutex->depth = 1;
}

void pecan_recursive_mutex_unlock(struct pecan_recursive_mutex *mutex)
{
    if (--mutex->depth)
        return;
    __atomic_store_n(&mutex->owner, 0, __ATOMIC_RELAXED);
    pecan_mutex_unlock(&mutex->mutex);
}
