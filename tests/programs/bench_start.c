/* SPDX-License-Identifier: MIT */
/*
 * bench_start: `program_start`, printed as `bench program_start <n> instructions`
 * (docs/bench.md): the instructions of one start of a program through the children library,
 * from the factory request for its task (the first request of children_start) to its main,
 * plus its exit and release, since a program cannot read a finer clock than the KIP's.
 *
 * The clock: a program has no kernel log capability for DEBUG_CLOCK, so it reads the KIP clock,
 * which moves once per tick (10 ms = 10 million instructions under -icount), as
 * bench_malloc does: the loop starts right after a tick and runs RUNS cycles of "start the
 * program, it returns from main at once, the parent sees its exit and releases it", so
 * the tick's rounding is under 1/RUNS of a tick per start. One warm-up start comes first
 * (first use of the rom file's pages and of the children library's tables). (SCHEDULER
 * IDLE_TIME of an idle CPU, the board clock at 24 MHz, was tried and read a loop of 4 million
 * instructions as 134,000 ns under -icount with four CPUs: see docs/bench.md.)
 */
#include <stdio.h>
#include <string.h>
#include "kip_clock.h"
#include <pecan/children.h>
#include <pecan/runtime.h>

#define RUNS 500

static struct children children;

static int cycle(const struct child_spec *spec)
{
    struct child *c, *exited;
    const char *why;
    int err = children_start(&children, spec, &c, &why);
    if (err) {
        printf("bench_start: children_start: %s (%d)\n", why, err);
        return err;
    }
    if (children_wait(&children, 10000000, &exited) != 0 || exited != c || c->status != 0) {
        printf("bench_start: the child did not exit with 0\n");
        return -PECAN_EINVAL;
    }
    children_release(&children, c);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return 0;
    int err = children_init(&children, PECAN_ENV_FACTORY);
    if (err) {
        printf("bench_start: children_init: %d\n", err);
        return 1;
    }
    static const char *const child_argv[] = { "bench_start", "child" };
    struct child_spec spec = {
        .path = "rom/bench_start.elf", .argc = 2, .argv = child_argv,
        .factory = PECAN_ENV_FACTORY, .scheduler = PECAN_ENV_SCHEDULER, .log = PECAN_ENV_LOG,
    };
    if (cycle(&spec))
        return 1;
    uint64_t start = kip_next_tick();
    for (unsigned run = 0; run < RUNS; run++)
        if (cycle(&spec))
            return 1;
    uint64_t end = kip_now();
    printf("# program_start: %u cycles of children_start to main, exit and release, after a "
           "warm-up; KIP clock (10 ms ticks)\n", RUNS);
    printf("bench program_start %llu instructions\n",
           (unsigned long long)((end - start + RUNS / 2) / RUNS));
    return 0;
}
