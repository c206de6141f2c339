/* SPDX-License-Identifier: MIT */
/* The system call and the user-mode traps, handled for the current thread. */
#ifndef PECAN_CORE_SYSCALL_H
#define PECAN_CORE_SYSCALL_H

#include <object/tcb.h>

/* The invoke system call of thread caller (registers in caller->context). Returns the
 * thread that runs next when the IPC fast path has made it this CPU's current thread
 * already; NULL: the scheduler chooses. In core/fastpath.c: the fast paths come first. */
struct tcb *syscall_invoke(struct tcb *caller);
/* The general path (core/invoke.c): every invocation the fast path does not take. slot
 * is the invoked capability's slot, or NULL if the lookup failed. */
void syscall_invoke_general(struct tcb *caller, struct cte *slot);

#endif
