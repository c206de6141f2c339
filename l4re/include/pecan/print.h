/* SPDX-License-Identifier: MIT */
/* printf to the kernel log for programs that run before the runtime's libc glue
 * (root tasks and kernel tests). */
#ifndef PECAN_PRINT_H
#define PECAN_PRINT_H

#include <pecan/syscall.h>
#include <stdarg.h>

/* The log capability pecan_printf writes to (default: the root task's slot). */
extern pecan_cap_t pecan_print_log;

int pecan_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int pecan_vprintf(const char *fmt, va_list args);
int pecan_snprintf(char *buffer, unsigned size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Ends a root task: powers the machine off with status (through the kernel log's debug
 * exit). */
void root_exit(int status) __attribute__((noreturn));

#endif
