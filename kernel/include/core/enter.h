/* SPDX-License-Identifier: MIT */
/*
 * The last step of every trap from user mode: making a thread the one this CPU runs.
 * Inline because most system calls end here. (The IPC fast path, arch/armv6/syscall.S,
 * does the same steps in assembly.)
 */
#ifndef PECAN_CORE_ENTER_H
#define PECAN_CORE_ENTER_H

#include <arch/processor.h>
#include <core/cpu.h>
#include <core/kernel_lock.h>
#include <object/thread.h>
#include <object/vspace.h>

/* Makes next the thread this CPU runs in user mode: its address space (which it must
 * have), its UTCB pointer, cpu->executing, and the kernel lock released. Returns its
 * context for arch_return_to_user. Interrupts stay masked until the return, so no
 * cross-CPU call can take next away in between (docs/smp.md). */
static inline struct user_context *enter_thread(struct cpu *cpu, struct thread *next)
{
    vspace_activate_on(cpu, thread_vspace(next));
    cpu_write_tpidruro(next->utcb_vaddr);
    cpu->executing = next;
    kernel_lock_release();
    return &next->context;
}

#endif
