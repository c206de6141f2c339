/* SPDX-License-Identifier: MIT */
/*
 * Kernel self-tests: KTEST(name) defines a test that is linked into the test kernel and run
 * on CPU 0 after boot (tests/kernel/). Each prints one TAP line; the run ends with
 * "N passed, N failed" and powers off with the matching status.
 */
#ifndef PECAN_KTEST_H
#define PECAN_KTEST_H

#include <compiler.h>
#include <core/console.h>
#include <types.h>

struct ktest_case {
    const char *name;
    bool (*run)(void);
};

#define KTEST(name_)                                                                     \
    static bool ktest_##name_(void);                                                     \
    static const struct ktest_case ktest_case_##name_ __used                             \
        __section(".ktest_cases") = { #name_, ktest_##name_ };                           \
    static bool ktest_##name_(void)

/* Inside a test: prints the failed condition and makes the test fail. */
#define KTEST_EXPECT(cond)                                                               \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            kprintf("#   expectation failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);  \
            return false;                                                                \
        }                                                                                \
    } while (0)

#define KTEST_EXPECT_EQ(a, b)                                                            \
    do {                                                                                 \
        unsigned long long a_ = (a), b_ = (b);                                           \
        if (a_ != b_) {                                                                  \
            kprintf("#   expected %s == %s: 0x%llx != 0x%llx (%s:%d)\n", #a, #b, a_, b_, \
                    __FILE__, __LINE__);                                                 \
            return false;                                                                \
        }                                                                                \
    } while (0)

/* Runs the tests named by the command line (ktest=all or a name prefix) and powers off. */
void ktest_main(const char *cmdline) __noreturn;

#endif
