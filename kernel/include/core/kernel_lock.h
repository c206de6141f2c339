/* SPDX-License-Identifier: MIT */
/*
 * The big kernel lock: held while the kernel works on kernel objects on behalf of a user
 * thread (system calls, faults, the user-mode part of interrupts) and while a CPU picks
 * its next thread. It covers all kernel objects, the capability derivation tree, the run
 * queues and the ASID table. Per-CPU data, the console and the clock have locks of their
 * own. Interrupts are masked while it is held.
 */
#ifndef PECAN_CORE_KERNEL_LOCK_H
#define PECAN_CORE_KERNEL_LOCK_H

#include <types.h>

void kernel_lock_acquire(void);
void kernel_lock_release(void);
bool kernel_lock_held_here(void);

#endif
