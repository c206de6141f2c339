/* SPDX-License-Identifier: MIT */
/* TASK protocol client (l4re/client/task.c; opcodes in protocol/task.h). */
#ifndef PECAN_TASK_H
#define PECAN_TASK_H

#include <stddef.h>
#include <pecan/protocol/task.h>
#include <pecan/syscall.h>

/* What ended a crashed task (TASK FAULT). */
struct pecan_task_fault {
    unsigned kind;             /* PECAN_TASK_FAULT_*; NONE: the task has not crashed */
    pecan_word_t address;      /* page faults: the faulting address (to 8 bytes) */
    pecan_word_t pc;
    unsigned why;              /* a positive PECAN_E* code */
};

/* A thread in the task with its UTCB at utcb (a free page of the UTCB area), pager set to
 * the task's region map; its thread capability lands in dest. */
int pecan_task_create_thread(pecan_cap_t task, pecan_word_t utcb, pecan_cap_t dest);
/* Destroys the task's thread whose thread capability is thread (needs WRITE on the task); every
 * capability to the thread object is gone afterwards, thread's slot is empty but still
 * allocated. */
int pecan_task_destroy_thread(pecan_cap_t task, pecan_cap_t thread);
int pecan_task_terminate(pecan_cap_t task);
int pecan_task_info(pecan_cap_t task, pecan_word_t *threads, pecan_word_t *bytes);
int pecan_task_fault(pecan_cap_t task, struct pecan_task_fault *fault);
/* The fault in words, e.g. "write fault at 00000000, pc 00010234 (nothing attached there)". */
void pecan_task_fault_text(const struct pecan_task_fault *fault, char *text, size_t size);

#endif
