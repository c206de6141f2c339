/* SPDX-License-Identifier: MIT */
/* PARENT protocol client (l4re/client/parent.c; opcodes in protocol/parent.h). */
#ifndef PECAN_PARENT_H
#define PECAN_PARENT_H

#include <pecan/protocol/parent.h>
#include <pecan/syscall.h>

/* A signal other than exit: the parent replies. */
int pecan_parent_signal(pecan_cap_t parent, unsigned signal, pecan_word_t value);
/* Exit: the parent records status and tears the task down, so this does not return; if
 * the parent cannot be reached the calling thread suspends itself. */
void pecan_parent_exit(pecan_cap_t parent, int status) __attribute__((noreturn));

#endif
