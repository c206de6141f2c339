/* SPDX-License-Identifier: MIT */
/* The Scheduler object (SCHEDULER protocol, object/scheduler.c): a singleton like the
 * kernel log; the root task gets its capability. */
#ifndef PECAN_OBJECT_SCHEDULER_H
#define PECAN_OBJECT_SCHEDULER_H

#include <core/invocation.h>
#include <object/cap.h>

struct capability scheduler_cap(void);
int scheduler_decode(struct invocation *inv);

#endif
