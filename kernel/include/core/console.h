/* SPDX-License-Identifier: MIT */
/*
 * The kernel console: formatted output to the UART. Each kprintf call is printed whole,
 * never interleaved with another CPU's output.
 */
#ifndef PECAN_CORE_CONSOLE_H
#define PECAN_CORE_CONSOLE_H

#include <compiler.h>
#include <stdarg.h>
#include <types.h>

void kprintf(const char *fmt, ...) __printf_like(1, 2);
void kvprintf(const char *fmt, va_list args);

/* For the panic path: takes the console even if another CPU holds it and does not let go. */
void console_take_over(void);

#endif
