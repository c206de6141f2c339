/* SPDX-License-Identifier: MIT */
/* The system call and the user-mode traps, handled for the current thread. */
#ifndef PECAN_CORE_SYSCALL_H
#define PECAN_CORE_SYSCALL_H

#include <core/cspace.h>
#include <object/thread.h>

struct cpu;

/* The slot of the capability the caller invokes (index in r0), or NULL if the lookup
 * fails. */
static inline struct cte *syscall_lookup(const struct thread *caller)
{
    struct cte *slot;
    int err = cspace_lookup(thread_cspace_root(caller), caller->context.r[0], &slot);
    return err == 0 ? slot : NULL;
}

/* The system call starts in assembly (arch/armv6/syscall.S: the entry, the kernel lock
 * and the IPC fast path) and continues in one of these (arch/armv6/trap.c), on the
 * kernel stack with the caller's registers in its thread object. Each returns the context to
 * enter.
 *
 * The general path, with the kernel lock held and current's capability looked up (slot,
 * or NULL if the lookup failed): runs syscall_invoke_general and enters the next thread. */
struct user_context *arch_handle_syscall(struct cpu *cpu, struct thread *current, struct cte *slot);
/* The same before the lookup. */
struct user_context *arch_handle_syscall_lookup(struct cpu *cpu, struct thread *current);
/* The system call when the kernel lock was taken: waits for it, then the general path. */
struct user_context *arch_handle_syscall_contended(struct cpu *cpu);
/* The general path (core/invoke.c): every invocation the fast path does not take. slot
 * is the invoked capability's slot, or NULL if the lookup failed. */
void syscall_invoke_general(struct thread *caller, struct cte *slot);

#endif
