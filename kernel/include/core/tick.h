/* SPDX-License-Identifier: MIT */
/* The periodic tick (core/tick.c): CONFIG_TICK_HZ interrupts per second on every CPU. */
#ifndef PECAN_CORE_TICK_H
#define PECAN_CORE_TICK_H

/* Registers the tick handler; each CPU's timer is started by plat_init_cpu_local. */
void tick_init(void);

#endif
