/* SPDX-License-Identifier: MIT */
/* The system call and the user-mode traps, handled for the current thread. */
#ifndef PECAN_CORE_SYSCALL_H
#define PECAN_CORE_SYSCALL_H

#include <object/tcb.h>

/* The invoke system call of thread caller (registers in caller->context). Returns the
 * thread that runs next when the IPC fast path has made it current already; NULL: the
 * scheduler chooses. */
struct tcb *syscall_invoke(struct tcb *caller);

#endif
