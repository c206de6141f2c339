/* SPDX-License-Identifier: MIT */
/*
 * The kernel info page: read-only in every address space at PECAN_KIP_ADDRESS. It holds
 * the kernel clock, which the kernel updates on every tick of CPU 0; read it with
 * pecan_kip_clock_ns(), which retries while an update is in progress.
 */
#ifndef PECAN_ABI_KIP_H
#define PECAN_ABI_KIP_H

#include <stdint.h>

#define PECAN_KIP_ADDRESS 0xFFFF1000u
#define PECAN_KIP_MAGIC 0x50494B50u   /* "PKIP" */

struct pecan_kip {
    uint32_t magic;
    uint32_t version;
    uint32_t cpu_count;
    uint32_t tick_hz;
    volatile uint32_t sequence;       /* odd while the clock is being written */
    volatile uint32_t clock_ns_low;
    volatile uint32_t clock_ns_high;
};

static inline uint64_t pecan_kip_clock_ns(const volatile struct pecan_kip *kip)
{
    for (;;) {
        uint32_t before = kip->sequence;
        uint64_t ns = ((uint64_t)kip->clock_ns_high << 32) | kip->clock_ns_low;
        __asm__ volatile("" : : : "memory");
        if (!(before & 1) && kip->sequence == before)
            return ns;
    }
}

#endif
