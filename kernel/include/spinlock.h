/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks on ldrex/strex. Waiters sleep in WFE and are woken by SEV on unlock: under
 * QEMU's -icount a spinning vCPU can starve the lock holder, and WFE yields instead.
 */
#ifndef PECAN_SPINLOCK_H
#define PECAN_SPINLOCK_H

#include <arch/cpu.h>
#include <compiler.h>
#include <types.h>

struct spinlock {
    volatile uint32_t locked;
};

#define SPINLOCK_INIT { 0 }

static inline bool spin_try_lock(struct spinlock *lock)
{
    uint32_t old, failed;
    __asm__ volatile("ldrex %0, [%2]\n\t"
                     "teq %0, #0\n\t"
                     "strexeq %1, %3, [%2]\n\t"
                     "movne %1, #1"
                     : "=&r"(old), "=&r"(failed)
                     : "r"(&lock->locked), "r"(1)
                     : "cc", "memory");
    if (failed)
        return false;
    barrier_data_memory();
    return true;
}

static inline void spin_lock(struct spinlock *lock)
{
    while (!spin_try_lock(lock)) {
        while (READ_ONCE(lock->locked))
            cpu_wait_for_event();
    }
}

static inline void spin_unlock(struct spinlock *lock)
{
    barrier_data_memory();
    lock->locked = 0;
    cpu_send_event();
}

#endif
