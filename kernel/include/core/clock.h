/* SPDX-License-Identifier: MIT */
/* Time since power-on, from the board's free-running counter. */
#ifndef PECAN_CORE_CLOCK_H
#define PECAN_CORE_CLOCK_H

#include <types.h>

uint64_t clock_now_ns(void);
/* The tick rate of the per-CPU timers. */
#define CLOCK_TICK_HZ CONFIG_TICK_HZ

/* Called on every tick so the 32-bit counter's wrap is never missed. */
void clock_on_tick(void);

#endif
