/* SPDX-License-Identifier: MIT */
/*
 * The short spin lock that guards the waiter queues of mutexes and condition variables
 * (internal to l4re/thread). It is held for a few instructions only; a thread that spins
 * long (its holder was preempted on the same CPU) sleeps a tick to let the holder run.
 */
#ifndef PECAN_THREAD_SPIN_H
#define PECAN_THREAD_SPIN_H

#include <pecan/sys.h>

#define SPIN_BEFORE_SLEEP 1000

static inline void spin_lock(int *lock)
{
    unsigned spins = 0;
    while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(lock, __ATOMIC_RELAXED)) {
            if (++spins >= SPIN_BEFORE_SLEEP) {
                pecan_sleep_us(1);
                spins = 0;
            }
        }
    }
}

static inline void spin_unlock(int *lock)
{
    __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

#endif
