/* SPDX-License-Identifier: MIT */
/*
 * LOG protocol client (l4re/sys/log.c). The protocol is the kernel log's (PECAN_PROTO_LOG,
 * PECAN_LOG_*), so the same calls work on moe's log objects, a terminal and the kernel
 * log: the console (pecan/protocol/console.h).
 */
#ifndef PECAN_LOG_H
#define PECAN_LOG_H

#include <pecan/syscall.h>

int pecan_log_write(pecan_cap_t log, const char *text, unsigned length);
/* A NUL-terminated string. */
int pecan_log_puts(pecan_cap_t log, const char *text);

/* Takes up to max (at most PECAN_LOG_READ_MAX) bytes typed at the console, never
 * waiting: *got of them (0: none waits), *waiting still there after them (may be NULL). */
int pecan_log_read(pecan_cap_t log, char *buffer, unsigned max, unsigned *got,
                   unsigned *waiting);
/* The console signals notification (sent as an item: it needs WRITE) with bits whenever
 * bytes arrive; notification 0 unbinds. */
int pecan_log_bind(pecan_cap_t log, pecan_cap_t notification, pecan_word_t bits);
/* The same, and resize_bits (BIND's w2) signalled as well whenever the console's size
 * changes (a terminal whose window was resized; consoles without a screen ignore it). */
int pecan_log_bind_resize(pecan_cap_t log, pecan_cap_t notification, pecan_word_t bits,
                          pecan_word_t resize_bits);
/* The termios flag words the console keeps (input, output, local: PECAN_CONSOLE_*). */
int pecan_log_get_attr(pecan_cap_t log, pecan_word_t flags[3]);
int pecan_log_set_attr(pecan_cap_t log, const pecan_word_t flags[3]);
/* Rows and columns of the console's screen, 0 and 0 when it has none. */
int pecan_log_window_size(pecan_cap_t log, unsigned *rows, unsigned *columns);

/* The runtime's console (stdin on PECAN_ENV_LOG, l4re/libc/console.c) is the calling
 * thread's again: its next wait BINDs anew. For a program that lent its console to
 * another reader (ned's prompt, while a program it ran read from it), whose own BIND
 * replaced the runtime's. */
void pecan_console_take_back(void);

#endif
