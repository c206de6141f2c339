/* SPDX-License-Identifier: MIT */
/*
 * The kernel console's input (core/console_input.c): the bytes received on the console
 * UART, kept until the kernel log's reader takes them (object/log.c, READ), and the
 * notification that reader bound to be told when bytes come (BIND).
 */
#ifndef PECAN_CORE_CONSOLE_INPUT_H
#define PECAN_CORE_CONSOLE_INPUT_H

#include <types.h>

struct notification;

/* Bytes kept at most (pecan/protocol/console.h asks for PECAN_CONSOLE_INPUT_MIN). */
#define CONSOLE_INPUT_SIZE 512u

/* Registers the receive interrupt and lets the UART raise it. Once, on CPU 0. */
void console_input_init(void);
/* The rest need the kernel lock. Takes up to max bytes, oldest first: how many. */
unsigned console_input_take(char *out, unsigned max);
unsigned console_input_waiting(void);
/* From now on n (NULL: nobody) is signalled with bits whenever bytes arrive. */
void console_input_bind(struct notification *n, word_t bits);
/* A notification is going away: unbind it if it is the bound one. */
void console_input_notification_destroyed(struct notification *n);
/* Invariant checker: the count within the ring, the bound notification live. */
void console_input_check_invariants(void);

#endif
