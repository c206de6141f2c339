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
 */
#ifndef PECAN_CORE_KERNEL_LOCK_H
#define PECAN_CORE_KERNEL_LOCK_H

#include <types.h>

void kernel_lock_acquire(void);
void kernel_lock_release(void);
bool kernel_lock_held_here(void);

#endif
