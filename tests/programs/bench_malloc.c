/* SPDX-License-Identifier: MIT */
/*
 * bench_malloc: instructions per malloc+free pair of a small block (newlib's malloc with
 * the runtime's lock), printed as `bench malloc_free_small <n> instructions`. A program
 * has no kernel log capability for DEBUG_CLOCK, so it reads the KIP clock, which moves once per
 * tick (10 ms = 10 million instructions under -icount): the loop starts right after a
 * tick and runs 4 million pairs, which keeps the tick's rounding under 3 instructions a
 * pair. The heap is warmed up first so no pair asks moe for memory.
 */
#include "kip_clock.h"
#include <stdio.h>
#include <stdlib.h>

#define PAIRS 4000000u
#define BLOCK 32

int main(void)
{
    void *warm = malloc(BLOCK);
    free(warm);
    void *volatile sink;
    uint64_t start = kip_next_tick();
    for (unsigned i = 0; i < PAIRS; i++) {
        void *p = malloc(BLOCK);
        sink = p;
        free(p);
    }
    uint64_t end = kip_now();
    (void)sink;
    printf("# malloc_free_small: malloc(%d) + free, %u pairs, KIP clock (10 ms ticks)\n",
           BLOCK, PAIRS);
    printf("bench malloc_free_small %llu instructions\n",
           (unsigned long long)((end - start + PAIRS / 2) / PAIRS));
    return 0;
}
