/* SPDX-License-Identifier: MIT */
/* The periodic tick on every CPU: counts ticks and keeps the clock extended. */
#include <core/clock.h>
#include <core/kernel_lock.h>
#include <core/timeout.h>
#include <core/kernel_info_page.h>
#include <core/sched.h>
#include <core/cpu.h>
#include <core/irq.h>
#include <plat.h>
#include <core/tick.h>
#include <tick_timer.h>

/* CPU 0 keeps time: the clock, the kernel info page, and IPC timeouts. */
static void cpu0_tick(void)
{
    clock_on_tick();
    uint64_t now = clock_now_ns();
    kernel_info_page_update_clock(now);
    bool locked_here = kernel_lock_held_here();
    if (!locked_here)
        kernel_lock_acquire();
    timeout_tick(now);
    if (!locked_here)
        kernel_lock_release();
}

static void tick_interrupt(unsigned irq)
{
    (void)irq;
    tick_timer_acknowledge();
    struct cpu *cpu = this_cpu();
    cpu->ticks++;
    if (cpu->index == 0)
        cpu0_tick();
    sched_tick();
}

void tick_init(void)
{
    irq_register(PLAT_IRQ_TICK_TIMER, tick_interrupt);
}
