/* SPDX-License-Identifier: MIT */
/* Building the first user task from boot module 0 (boot/root_task.c). */
#ifndef PECAN_BOOT_ROOT_TASK_H
#define PECAN_BOOT_ROOT_TASK_H

/* Creates the root task and makes it runnable on CPU 0. Panics with the reason if the
 * boot image holds no usable root task. */
void root_task_create(void);

#endif
