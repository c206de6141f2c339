/* SPDX-License-Identifier: MIT */
/*
 * Faults of user threads. Until faults become messages to the thread's pager or
 * exception handler (IPC issue), a faulting thread is reported on the console and
 * suspended; the rest of the system goes on.
 */
#ifndef PECAN_CORE_FAULT_H
#define PECAN_CORE_FAULT_H

#include <object/tcb.h>

enum fault_kind {
    FAULT_PAGE_READ,
    FAULT_PAGE_WRITE,
    FAULT_PREFETCH,
    FAULT_UNDEFINED_INSTRUCTION,
    FAULT_ALIGNMENT,
};

struct fault {
    enum fault_kind kind;
    word_t address;       /* faulting data or instruction address */
    word_t status;        /* architecture fault status */
};

void fault_handle(struct tcb *thread, const struct fault *fault);

/* Counters for tests. */
extern unsigned long user_faults;

#endif
