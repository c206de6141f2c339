/* SPDX-License-Identifier: MIT */
/*
 * printf-style formatting into a caller-supplied sink. Portable (host unit tests).
 * Supports %d %i %u %x %X %o %c %s %p %% with flags '-', '0', width, precision for %s,
 * and the length modifiers l, ll, z.
 */
#ifndef PECAN_LIB_FORMAT_H
#define PECAN_LIB_FORMAT_H

#include <stdarg.h>
#include <compiler.h>
#include <types.h>

/* Receives formatted output one character at a time. */
typedef void (*format_sink_t)(void *context, char c);

/* Formats into sink; returns the number of characters produced. */
size_t format_va(format_sink_t sink, void *context, const char *fmt, va_list args);

/* snprintf equivalent: always NUL-terminates when size > 0; returns the full length. */
size_t format_string(char *buffer, size_t size, const char *fmt, ...) __printf_like(3, 4);
size_t format_string_va(char *buffer, size_t size, const char *fmt, va_list args);

#endif
