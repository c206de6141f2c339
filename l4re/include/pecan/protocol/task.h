/* SPDX-License-Identifier: MIT */
/*
 * The TASK protocol: a task (address space, capability space, region map) created by a
 * FACTORY. Its capability makes threads in it; when no capability to the task is left, or
 * on TERMINATE, the factory's server destroys everything the task holds and returns the
 * memory to the quota it was charged to.
 *
 * Rights: CREATE_THREAD and TERMINATE need the object right WRITE (-PECAN_EPERM); INFO
 * only reads.
 */
#ifndef PECAN_PROTOCOL_TASK_H
#define PECAN_PROTOCOL_TASK_H

#include <pecan/protocol_numbers.h>   /* PECAN_PROTO_TASK */

enum pecan_task_op {
    PECAN_TASK_CREATE_THREAD = 0,  /* w1 UTCB address (a free 4 KiB page of the UTCB area)
                                      -> item: the thread (TCB, all rights), configured with
                                      the task's spaces and its region map as pager;
                                      start it with the kernel's THREAD and SCHEDULER calls */
    PECAN_TASK_TERMINATE = 1,      /* stop every thread and free the task's memory */
    PECAN_TASK_INFO = 2,           /* -> w0 threads, w1 bytes held */
};

#endif
