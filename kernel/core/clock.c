/* SPDX-License-Identifier: MIT */
/*
 * Time since power-on. The board counter is 32 bits wide (it wraps after minutes), so
 * the last reading is kept and every tick extends it; readers under the lock always see
 * a monotonic 64-bit count.
 */
#include <core/clock.h>
#include <plat.h>
#include <spinlock.h>

static struct spinlock clock_lock = SPINLOCK_INIT;
static uint64_t clock_high;       /* counts above the 32-bit hardware counter */
static uint32_t clock_last;

static uint64_t clock_read_counter(void)
{
    word_t saved = irq_save_disable();
    spin_lock(&clock_lock);
    uint32_t now = plat_clock_counter();
    if (now < clock_last)
        clock_high += 1ull << 32;
    clock_last = now;
    uint64_t value = clock_high | now;
    spin_unlock(&clock_lock);
    irq_restore(saved);
    return value;
}

uint64_t clock_now_ns(void)
{
    uint64_t counts = clock_read_counter();
    /* Split so the multiplication cannot overflow for centuries of uptime. */
    uint64_t seconds = counts / PLAT_CLOCK_HZ;
    uint64_t rest = counts % PLAT_CLOCK_HZ;
    return seconds * 1000000000ull + rest * 1000000000ull / PLAT_CLOCK_HZ;
}

void clock_on_tick(void)
{
    (void)clock_read_counter();
}
