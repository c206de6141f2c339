/* SPDX-License-Identifier: MIT */
/*
 * The PARENT protocol: a program reports to whoever started it. SIGNAL with PECAN_SIGNAL_EXIT
 * ends the program: the parent records the status and tears the task down (it does not
 * reply). Other signals are accepted and ignored.
 *
 * A child that crashes cannot signal: moe ends its task (protocol/task.h), and with the
 * task's capability space goes the child's copy of the parent object. A parent watches
 * its object's gate for no clients (the kernel's SET_NO_CLIENTS): when the copy goes
 * without an exit, the child is dead; TASK FAULT on the task capability the parent holds
 * says what ended it (kind NONE: it was not a fault; the child deleted its copy or its
 * task was terminated by someone else). The parent then reports the status
 * PECAN_PARENT_STATUS_CRASHED. moe's own parent objects (programs moe starts) are told by
 * moe directly. moe never sends to a parent: a parent busy elsewhere would block moe.
 *
 * Rights: SIGNAL needs the object right WRITE (-PECAN_EPERM): only the copy the child was
 * given reports for it, not a read-only copy passed around.
 */
#ifndef PECAN_PROTOCOL_PARENT_H
#define PECAN_PROTOCOL_PARENT_H

#include <pecan/protocol_numbers.h>   /* PECAN_PROTO_PARENT */

enum pecan_parent_op {
    PECAN_PARENT_SIGNAL = 0,     /* w1 signal, w2 value */
};

#define PECAN_SIGNAL_EXIT 0u      /* value: the exit status */

/* The status a parent reports for a child that died without an exit (crashed). */
#define PECAN_PARENT_STATUS_CRASHED (-1001)

#endif
