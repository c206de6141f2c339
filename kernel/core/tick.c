/* SPDX-License-Identifier: MIT */
/* The periodic tick on every CPU: counts ticks and keeps the clock extended. */
#include <clock.h>
#include <core/sched.h>
#include <cpu.h>
#include <irq.h>
#include <plat.h>
#include <tick.h>
#include <tick_timer.h>

static void tick_interrupt(unsigned irq)
{
    (void)irq;
    tick_timer_acknowledge();
    struct cpu *cpu = this_cpu();
    cpu->ticks++;
    if (cpu->index == 0)
        clock_on_tick();
    sched_tick();
}

void tick_init(void)
{
    irq_register(PLAT_IRQ_TICK_TIMER, tick_interrupt);
}
