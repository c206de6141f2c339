/* SPDX-License-Identifier: MIT */
/*
 * A microsecond clock for moe's latency tests: the board's SP804 timer 2 (0x10011020),
 * free running at 1 MHz, mapped through the IOMEM capability moe gives its init program
 * (the KIP clock moves only once per 10 ms tick, too coarse for a 5 ms bound). Paid for
 * by the program's own factory.
 */
#ifndef TESTS_MOE_SP804_CLOCK_H
#define TESTS_MOE_SP804_CLOCK_H

#include <stdint.h>

/* Maps and starts the timer: 0 or a negative error (no "iomem" capability, ...). */
int sp804_clock_start(void);
/* Microseconds, modulo 2^32 (differences are right across a wrap). */
uint32_t sp804_clock_us(void);
/* Timer 1 periodic every period_us with no interrupt (0: off): a timer event that close
 * makes QEMU's -icount run the CPUs in turns as fine (tests/moe/flood.c says why). */
void sp804_clock_events(uint32_t period_us);
/* Stops the timers and gives its dataspace back (before the exit, so moe's free memory is
 * exactly what it was before the program). */
void sp804_clock_stop(void);

#endif
