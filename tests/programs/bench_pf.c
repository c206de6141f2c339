/* SPDX-License-Identifier: MIT */
/*
 * bench_pf: `pf_rt_moe`, printed as `bench pf_rt_moe <n> instructions` (docs/bench.md):
 * one page fault of an anonymous dataspace resolved through the task's region map at moe
 * (fault message, region lookup, a page from moe's pool, the memory item back).
 *
 * The clock is the KIP's, which moves once per 10 ms tick (10 million instructions under
 * -icount shift=0). Each round makes a fresh dataspace of PAGES pages, attaches it, waits
 * for a tick to begin, writes one word per page (PAGES faults), and reads the clock: the
 * reading is the tick's start, so each round reads on average half a tick short, which
 * is added back. Setting up and taking down a round is not timed.
 *
 * Measured twice: where programs run by default, off moe's CPU when there are others
 * (pecan_sched_program_cpus), so each fault crosses CPUs (`pf_rt_moe`); then with the
 * thread moved onto moe's CPU, where the fault and the reply switch threads directly
 * (`pf_rt_moe_same_cpu`, the figure before programs were kept off moe's CPU). With one
 * CPU only the first is printed.
 */
#include <stdio.h>
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include "kip_clock.h"
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>

#define PAGES 2048u
#define ROUNDS 48u
#define PAGE 4096u
#define HALF_TICK_NS 5000000u

/* One round: ns spent in PAGES first writes, or 0 on an error. */
static uint64_t round_ns(void)
{
    pecan_cap_t ds;
    if (pecan_cap_alloc(&ds) ||
        pecan_factory_create_dataspace(PECAN_ENV_FACTORY, PAGES * PAGE, 0, 0, ds, 0))
        return 0;
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    if (pecan_rm_attach(PECAN_ENV_RM, &at, PAGES * PAGE,
                        PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE, ds, 0)) {
        pecan_cap_release(ds);
        return 0;
    }
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)at;
    uint64_t start = kip_next_tick();
    for (unsigned i = 0; i < PAGES; i++)
        p[i * (PAGE / 4)] = i;
    uint64_t spent = kip_now() - start + HALF_TICK_NS;
    pecan_rm_detach(PECAN_ENV_RM, at, 0, 0);
    pecan_cap_release(ds);
    return spent;
}

/* Prints `bench <name> <n> instructions`: the mean of ROUNDS rounds; 0 or -1. */
static int measure(const char *name)
{
    round_ns();   /* warm-up: page tables of the area, moe's pool */
    uint64_t total = 0;
    for (unsigned r = 0; r < ROUNDS; r++) {
        uint64_t ns = round_ns();
        if (!ns) {
            printf("bench_pf: a round failed\n");
            return -1;
        }
        total += ns;
    }
    /* Under -icount shift=0 one nanosecond is one instruction. */
    printf("bench %s %lu instructions\n", name,
           (unsigned long)(total / ((uint64_t)ROUNDS * PAGES)));
    return 0;
}

int main(void)
{
    if (measure("pf_rt_moe"))
        return 1;
    unsigned cpus = 1, priority = 100;
    pecan_sched_info(PECAN_ENV_SCHEDULER, &cpus, 0, 0);
    pecan_sched_thread_info(PECAN_ENV_SCHEDULER, PECAN_ENV_THREAD, 0, &priority, 0);
    if (cpus < 2)
        return 0;
    if (pecan_sched_run_thread(PECAN_ENV_SCHEDULER, PECAN_ENV_THREAD, priority,
                               1u << PECAN_ROOT_SERVER_CPU, 0)) {
        printf("bench_pf: cannot move to moe's CPU\n");
        return 1;
    }
    return measure("pf_rt_moe_same_cpu") ? 1 : 0;
}
