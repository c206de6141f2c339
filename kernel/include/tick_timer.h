/* SPDX-License-Identifier: MIT */
/* Per-CPU periodic tick timer driver interface (drivers/timer/mpcore_twd.c on the MPCore). */
#ifndef PECAN_TICK_TIMER_H
#define PECAN_TICK_TIMER_H

#include <types.h>

/* Starts this CPU's timer at hz interrupts per second from an input clock of input_hz. */
void tick_timer_start(uintptr_t base, uint32_t input_hz, uint32_t hz);
/* Clears this CPU's timer interrupt. */
void tick_timer_acknowledge(void);

#endif
