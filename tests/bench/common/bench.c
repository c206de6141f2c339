/* SPDX-License-Identifier: MIT */
/* Shared helpers of the benchmark root tasks (bench.h). */
#include "bench.h"

#include <pecan/print.h>
#include <pecan/sys.h>

const char *bench_program = "bench";
uint64_t bench_clock_cost;

void bench_fail(const char *what, int err)
{
    pecan_printf("%s: %s failed: %d\n", bench_program, what, err);
    root_exit(1);
}

uint64_t bench_now(void)
{
    uint64_t t;
    TRY(pecan_debug_clock(PECAN_ROOT_LOG, &t));
    return t;
}

uint64_t bench_elapsed(uint64_t start, uint64_t end)
{
    uint64_t spent = end - start;
    return spent > bench_clock_cost ? spent - bench_clock_cost : 0;
}

void bench_figure(const char *name, uint64_t total, unsigned runs, const char *what)
{
    pecan_printf("# %s\n", what);
    pecan_printf("bench %s %lu instructions\n", name, (unsigned long)((total + runs / 2) / runs));
}

void bench_report_invariants(pecan_cap_t log)
{
    pecan_word_t problems = 0;
    TRY(pecan_debug_check(log, &problems));
    pecan_printf("# done; the kernel invariant checker reports %lu problems\n",
                 (unsigned long)problems);
}
