/* SPDX-License-Identifier: MIT */
/*
 * The big kernel lock: held while the kernel works on kernel objects on behalf of a user
 * thread (system calls, faults, the user-mode part of interrupts) and while a CPU picks
 * its next thread. It covers all kernel objects, the capability derivation tree, the
 * mapping database, IPC queues and timeouts, every CPU's run queue, the ASID table and
 * the idle-time bookkeeping. Per-CPU data is written by its own CPU; the console and the
 * clock have locks of their own (docs/smp.md has the full list). Interrupts are masked
 * while it is held. A CPU waiting for it serves the holder's cross-CPU calls
 * (smp_call_cpus), so the holder may wait for other CPUs.
 *
 * Acquire and release are inline: every system call takes the lock once, and the
 * uncontended case is one ldrex/strex pair and a barrier (core/kernel_lock.c has the
 * rest and the reasons).
 */
#ifndef PECAN_CORE_KERNEL_LOCK_H
#define PECAN_CORE_KERNEL_LOCK_H

#include <core/cpu.h>
#include <spinlock.h>
#include <types.h>

/* The lock word is 0 when free, else 1 + the index of the CPU that holds it: taking the
 * lock records its owner with the same store (for kernel_lock_held_here). */
struct kernel_lock {
    struct spinlock lock;
};

extern struct kernel_lock kernel_lock;

/* The contended case (out of line): waits, serving cross-CPU calls, and takes the lock. */
void kernel_lock_wait(void);

/* The uncontended case alone, for the system call's fast path: true if this CPU (index
 * cpu_index) took the lock without waiting. */
static inline bool kernel_lock_try_acquire(unsigned cpu_index)
{
    return spin_try_lock_as(&kernel_lock.lock, cpu_index + 1);
}

static inline void kernel_lock_acquire(void)
{
    if (!kernel_lock_try_acquire(this_cpu_index()))
        kernel_lock_wait();
}

static inline void kernel_lock_release(void)
{
    spin_unlock(&kernel_lock.lock);
}

static inline bool kernel_lock_held_here(void)
{
    return kernel_lock.lock.locked == this_cpu_index() + 1;
}

#endif
