/* SPDX-License-Identifier: MIT */
/*
 * Fatal kernel errors. panic() prints its message, stops every other CPU and powers off
 * with EXIT_STATUS_PANIC. The exception path prints the register frame first
 * (arch/armv6/trap.c) and then calls panic_begin()/panic_end().
 */
#ifndef PECAN_CORE_PANIC_H
#define PECAN_CORE_PANIC_H

#include <compiler.h>

void panic(const char *fmt, ...) __noreturn __printf_like(1, 2);

/* Starts a panic: takes the console, stops the other CPUs, prints the header line. */
void panic_begin(const char *what);
/* Finishes it: prints the final line and powers off. */
void panic_end(void) __noreturn;

#define assert(cond)                                                                     \
    do {                                                                                 \
        if (unlikely(!(cond)))                                                           \
            panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__);           \
    } while (0)

#endif
