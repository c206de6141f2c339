/* SPDX-License-Identifier: MIT */
/*
 * The big kernel lock (include/core/kernel_lock.h) with its owner recorded for checks.
 *
 * A test-and-set lock on ldrex/strex (spinlock.h). Waiters sleep in WFE and the release
 * wakes them with SEV (under QEMU's -icount a spinning vCPU starves the others; WFE
 * yields). While it waits, a CPU runs the calls the lock holder posts to it
 * (smp_call_cpus: TLB shootdown, stopping a thread that runs here): the holder waits for
 * those with the lock held, and interrupts are masked here, so the waiter must serve them
 * or the two would wait for each other.
 *
 * Not a ticket lock: one was tried and measured. When QEMU runs four vCPUs on fewer host
 * cores, a ticket lock hands the lock to a waiter whose vCPU may not be running, and every
 * CPU queues behind it; the SMP stress test made 20 times fewer operations with it.
 * Test-and-set gives the lock to whichever waiter is running. docs/smp.md.
 */
#include <core/kernel_lock.h>
#include <cpu.h>
#include <panic.h>
#include <smp.h>
#include <spinlock.h>

#define NO_OWNER 0xffffffffu

static struct spinlock big_lock = SPINLOCK_INIT;
static volatile uint32_t owner = NO_OWNER;

/* Out of line: the uncontended acquire stays a leaf function (the trap path). */
static void __attribute__((noinline)) wait_for_lock(void)
{
    do {
        while (READ_ONCE(big_lock.locked)) {
            smp_service_calls();
            cpu_wait_for_event();
        }
    } while (!spin_try_lock(&big_lock));
}

void kernel_lock_acquire(void)
{
    assert(owner != this_cpu_index());
    if (!spin_try_lock(&big_lock))
        wait_for_lock();
    owner = this_cpu_index();
}

void kernel_lock_release(void)
{
    assert(owner == this_cpu_index());
    owner = NO_OWNER;
    spin_unlock(&big_lock);
}

bool kernel_lock_held_here(void)
{
    return owner == this_cpu_index();
}
