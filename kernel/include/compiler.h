/* SPDX-License-Identifier: MIT */
/* Compiler attributes used across the kernel. */
#ifndef PECAN_COMPILER_H
#define PECAN_COMPILER_H

#define __noreturn __attribute__((noreturn))
#define __section(s) __attribute__((section(s)))
#define __aligned(n) __attribute__((aligned(n)))
#define __used __attribute__((used))
#define __printf_like(f, a) __attribute__((format(printf, f, a)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Accesses the compiler must not merge, cache in registers or reorder with each other. */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif
