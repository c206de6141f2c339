/* SPDX-License-Identifier: MIT */
/*
 * LOG protocol client (l4re/sys/log.c). The protocol is the kernel log's (PECAN_PROTO_LOG,
 * PECAN_LOG_WRITE), so the same call writes to moe's log objects and to the kernel log.
 */
#ifndef PECAN_LOG_H
#define PECAN_LOG_H

#include <pecan/syscall.h>

int pecan_log_write(pecan_cap_t log, const char *text, unsigned length);
/* A NUL-terminated string. */
int pecan_log_puts(pecan_cap_t log, const char *text);

#endif
