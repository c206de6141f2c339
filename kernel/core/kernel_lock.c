/* SPDX-License-Identifier: MIT */
/*
 * The big kernel lock (include/core/kernel_lock.h), whose word records its owner for
 * checks (kernel_lock_held_here). The uncontended acquire and the release are inline in the
 * header; this is the waiting.
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
#include <core/cpu.h>
#include <core/kernel_lock.h>
#include <core/panic.h>
#include <core/smp.h>
#include <spinlock.h>

struct kernel_lock kernel_lock = { SPINLOCK_INIT };

void kernel_lock_wait(void)
{
    /* Taking the lock again on the CPU that holds it would wait forever: a kernel bug.
     * Checked here, off the uncontended path, where it costs nothing. */
    assert(!kernel_lock_held_here());
    do {
        while (READ_ONCE(kernel_lock.lock.locked)) {
            smp_service_calls();
            cpu_wait_for_event();
        }
    } while (!kernel_lock_try_acquire(this_cpu_index()));
}
