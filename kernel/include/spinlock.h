/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks on ldrex/strex. Waiters sleep in WFE and are woken by SEV on unlock: under
 * QEMU's -icount a spinning vCPU can starve the lock holder, and WFE yields instead.
 */
#ifndef PECAN_SPINLOCK_H
#define PECAN_SPINLOCK_H

#include <arch/processor.h>
#include <compiler.h>
#include <types.h>

struct spinlock {
    volatile uint32_t locked;
};

#define SPINLOCK_INIT { 0 }

/* Takes the lock if it is free, storing value (not 0) in it. Flags out of the asm: one
 * compare for the caller's branch. */
static inline bool spin_try_lock_as(struct spinlock *lock, uint32_t value)
{
    uint32_t scratch;
    bool taken;
    __asm__ volatile("ldrex %0, [%2]\n\t"
                     "teq %0, #0\n\t"
                     "strexeq %0, %3, [%2]\n\t"   /* 0 if the store went through */
                     "teqeq %0, #0"
                     : "=&r"(scratch), "=@cceq"(taken)
                     : "r"(&lock->locked), "r"(value)
                     : "memory");
    if (!taken)
        return false;
    barrier_data_memory();
    return true;
}

static inline bool spin_try_lock(struct spinlock *lock)
{
    return spin_try_lock_as(lock, 1);
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
