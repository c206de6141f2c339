/* SPDX-License-Identifier: MIT */
/*
 * The PARENT protocol: a program reports to whoever started it. SIGNAL with PECAN_SIGNAL_EXIT
 * ends the program: the parent records the status and tears the task down (it does not
 * reply). Other signals are accepted and ignored.
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

#endif
