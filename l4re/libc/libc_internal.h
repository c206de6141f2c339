/* SPDX-License-Identifier: MIT */
/* Shared between the files of the newlib glue (l4re/libc). */
#ifndef PECAN_LIBC_INTERNAL_H
#define PECAN_LIBC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sets the calling thread's errno (and nothing else: init.c says why). */
void libc_set_errno(int value);
/* libc_set_errno from a -PECAN_E* code; returns -1. */
int libc_fail(int pecan_error);
/* Nanoseconds since boot when the program started (l4re/libc/init.c). */
extern uint64_t libc_start_ns;
/* Is fd an open file (3 and up: files.c)? */
bool libc_file_valid(int fd);
/* Descriptors 0-2, the console (console.c): read with the line discipline, write with
 * output processing. As _read and _write: a count, or -1 and errno. */
int libc_console_read(void *buffer, size_t count);
int libc_console_write(const void *buffer, size_t count);
/* Does the program catch sig: a handler of its own, not SIG_DFL or SIG_IGN (signals.c)? */
bool libc_signal_caught(int sig);

#endif
