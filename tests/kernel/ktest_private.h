/* SPDX-License-Identifier: MIT */
/* Shared between the self-test files. */
#ifndef PECAN_KTEST_PRIVATE_H
#define PECAN_KTEST_PRIVATE_H

#include <compiler.h>

/* Fails on purpose in the way kind names (test_panic.c); never returns. */
void ktest_trigger_panic(const char *kind) __noreturn;

#endif
