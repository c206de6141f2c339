/* SPDX-License-Identifier: MIT */
/*
 * Faults of user threads become messages to the thread's pager (page faults) or
 * exception handler (core/fault.c); without a handler the thread is reported on the
 * console and stopped, and the rest of the system goes on.
 */
#ifndef PECAN_CORE_FAULT_H
#define PECAN_CORE_FAULT_H

#include <core/sched.h>
#include <object/thread.h>

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

void fault_handle(struct thread *thread, const struct fault *fault);

/* For core/ipc.c: the fault message of a thread blocked in a fault call (returns the word
 * count); the handler's reply arrives; the handler went away or the call timed out. */
unsigned fault_message(const struct thread *thread, word_t *words, int *label);
void fault_reply(struct thread *thread, struct thread *handler);
void fault_unhandled(struct thread *thread, word_t status);

/* Counters for tests. */
extern unsigned long user_faults;

#endif
