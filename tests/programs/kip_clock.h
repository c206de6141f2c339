/* SPDX-License-Identifier: MIT */
/*
 * The clock of the benchmark programs: the KIP's, which moves once per 10 ms tick (10
 * million instructions under -icount shift=0). A program has no finer one (DEBUG_CLOCK
 * is the kernel log's, which only moe holds), so a figure is taken over many
 * repetitions that start right after a tick (next_tick).
 */
#ifndef KIP_CLOCK_H
#define KIP_CLOCK_H

#include <stdint.h>
#include <pecan/kip.h>

static inline uint64_t kip_now(void)
{
    return pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS);
}

/* Waits for the next tick and returns its time. */
static inline uint64_t kip_next_tick(void)
{
    uint64_t t = kip_now(), n;
    while ((n = kip_now()) == t)
        ;
    return n;
}

#endif
