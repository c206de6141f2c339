/* SPDX-License-Identifier: MIT */
/*
 * What every benchmark root task shares: failing loudly, reading the kernel clock
 * (DEBUG_CLOCK: under -icount one nanosecond is one instruction), taking the clock's own
 * cost out of a measurement, and printing a figure as `bench <name> <value> instructions`.
 */
#ifndef PECAN_BENCH_H
#define PECAN_BENCH_H

#include <pecan/syscall.h>
#include <stdint.h>

/* The program's name, for error messages; each benchmark sets it first. */
extern const char *bench_program;
/* The cost of one bench_now(); each benchmark measures it at start-up. */
extern uint64_t bench_clock_cost;

void bench_fail(const char *what, int err) __attribute__((noreturn));

#define TRY(call)                                                                        \
    do {                                                                                 \
        int err_ = (call);                                                               \
        if (err_)                                                                        \
            bench_fail(#call, err_);                                                     \
    } while (0)

/* The kernel clock in ns (instructions under -icount). */
uint64_t bench_now(void);
/* Instructions between two bench_now() calls, without the cost of one of them. */
uint64_t bench_elapsed(uint64_t start, uint64_t end);
/* Prints a `#` line saying what was measured and the figure: total / runs, rounded. */
void bench_figure(const char *name, uint64_t total, unsigned runs, const char *what);
/* The last line of a benchmark: how many problems the kernel's invariant checker finds
 * (DEBUG_CHECK through the kernel log; the findings themselves are in the kernel log).
 * Informational: it does not change the figures. */
void bench_report_invariants(pecan_cap_t log);

#endif
