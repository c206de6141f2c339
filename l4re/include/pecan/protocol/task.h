/* SPDX-License-Identifier: MIT */
/*
 * The TASK protocol: a task (address space, capability space, region map) created by a
 * FACTORY. Its capability makes threads in it and destroys them one by one; when no
 * capability to the task is left, or on TERMINATE, the factory's server destroys
 * everything the task holds and returns the memory to the quota it was charged to.
 *
 * A crash: a fault the task's region map cannot resolve (a read, write or execute where
 * nothing is attached or the region does not allow it, a page its quota cannot pay for)
 * or an exception (undefined instruction, alignment) in any of its threads ends the whole
 * task: the server frees everything it holds, as TERMINATE does, except the task object
 * itself, which keeps the fault for FAULT until the last capability to it goes or
 * TERMINATE. The parent learns it because the child's copy of its PARENT object went
 * with the task's capability space (protocol/parent.h).
 *
 * Rights: CREATE_THREAD, DESTROY_THREAD and TERMINATE need the object right WRITE
 * (-PECAN_EPERM); INFO and FAULT only read.
 */
#ifndef PECAN_PROTOCOL_TASK_H
#define PECAN_PROTOCOL_TASK_H

#include <pecan/errors.h>
#include <pecan/protocol_numbers.h>   /* PECAN_PROTO_TASK */

enum pecan_task_op {
    PECAN_TASK_CREATE_THREAD = 0,  /* w1 UTCB address (a free 4 KiB page of the UTCB area)
                                      -> item: the thread (all rights), configured with
                                      the task's spaces and its region map as pager;
                                      start it with the kernel's THREAD and SCHEDULER calls;
                                      -PECAN_EINVAL once the task has crashed */
    PECAN_TASK_TERMINATE = 1,      /* stop every thread and free the task's memory */
    PECAN_TASK_INFO = 2,           /* -> w0 threads, w1 bytes held */
    PECAN_TASK_DESTROY_THREAD = 3, /* item 0: a thread capability of a thread CREATE_THREAD made
                                      in this task (any rights) -> the thread is stopped
                                      wherever it runs, its thread object and UTCB frame freed, its
                                      UTCB page unmapped and free for CREATE_THREAD again,
                                      and their bytes back in the quota; every capability
                                      to the thread object is gone. Any thread may go, the calling
                                      one and the main thread included (the caller then
                                      gets no reply). -PECAN_EINVALCAP without the item,
                                      -PECAN_EINVAL if it is not a thread of this task
                                      (another task's, one already destroyed, no thread) */
    PECAN_TASK_FAULT = 4,          /* -> w0 kind (PECAN_TASK_FAULT_*; NONE while the task
                                      has not crashed), w1 the faulting address (page
                                      faults; 0 for exceptions), w2 pc, w3 why (a positive
                                      PECAN_E* code: ENOENT nothing attached, EACCES the
                                      region forbids the access, ENOMEM the quota cannot
                                      pay for the page, EINVAL an exception) */
};

/* What ended a crashed task (PECAN_TASK_FAULT w0). */
enum pecan_task_fault_kind {
    PECAN_TASK_FAULT_NONE = 0,
    PECAN_TASK_FAULT_READ = 1,         /* page faults */
    PECAN_TASK_FAULT_WRITE = 2,
    PECAN_TASK_FAULT_EXECUTE = 3,
    PECAN_TASK_FAULT_UNDEFINED = 4,    /* exceptions: undefined instruction */
    PECAN_TASK_FAULT_ALIGNMENT = 5,
    PECAN_TASK_FAULT_EXCEPTION = 6,    /* another exception code */
};

/* The words for a fault, the same in moe's log line and in a parent's report (so both can
 * be matched alike): its kind, and for page faults why moe could not resolve it. */
static inline const char *pecan_task_fault_kind_name(unsigned kind)
{
    static const char *const names[] = {
        [PECAN_TASK_FAULT_NONE] = "no fault",
        [PECAN_TASK_FAULT_READ] = "read fault",
        [PECAN_TASK_FAULT_WRITE] = "write fault",
        [PECAN_TASK_FAULT_EXECUTE] = "execute fault",
        [PECAN_TASK_FAULT_UNDEFINED] = "undefined instruction",
        [PECAN_TASK_FAULT_ALIGNMENT] = "alignment fault",
        [PECAN_TASK_FAULT_EXCEPTION] = "exception",
    };
    return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "fault";
}

static inline const char *pecan_task_fault_why_text(unsigned why)
{
    return why == PECAN_ENOENT ? "nothing attached there"
           : why == PECAN_EACCES ? "the region does not allow it"
           : why == PECAN_ENOMEM ? "the quota cannot pay for the page"
                                 : "cannot be resolved";
}

/* A page fault (READ, WRITE, EXECUTE) names an address; other faults only a pc. */
static inline int pecan_task_fault_has_address(unsigned kind)
{
    return kind >= PECAN_TASK_FAULT_READ && kind <= PECAN_TASK_FAULT_EXECUTE;
}

#endif
