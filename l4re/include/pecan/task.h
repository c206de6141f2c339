/* SPDX-License-Identifier: MIT */
/* TASK protocol client (l4re/client/task.c; opcodes in protocol/task.h). */
#ifndef PECAN_TASK_H
#define PECAN_TASK_H

#include <pecan/protocol/task.h>
#include <pecan/syscall.h>

/* A thread in the task with its UTCB at utcb (a free page of the UTCB area), pager set to
 * the task's region map; its TCB capability lands in dest. */
int pecan_task_create_thread(pecan_cap_t task, pecan_word_t utcb, pecan_cap_t dest);
int pecan_task_terminate(pecan_cap_t task);
int pecan_task_info(pecan_cap_t task, pecan_word_t *threads, pecan_word_t *bytes);

#endif
