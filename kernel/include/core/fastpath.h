/* SPDX-License-Identifier: MIT */
/* The IPC fast path (core/fastpath.c). */
#ifndef PECAN_CORE_FASTPATH_H
#define PECAN_CORE_FASTPATH_H

#include <object/tcb.h>

/* Handles the caller's system call if it is a register-only call or reply-and-wait whose
 * partner is waiting on this CPU and may run at once. Returns that partner, now this
 * CPU's current thread (the caller blocked); NULL, with nothing changed, otherwise. */
struct tcb *fastpath_ipc(struct tcb *caller);

#endif
