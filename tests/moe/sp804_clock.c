/* SPDX-License-Identifier: MIT */
/* The SP804 microsecond clock of moe's latency tests (sp804_clock.h). */
#include "sp804_clock.h"

#include <pecan/env.h>
#include <pecan/errors.h>
#include <pecan/iomem.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>

#define SP804 0x10011000u
#define TIMER_PAGE 0x1000u
#define TIMER1_LOAD (0x00 / 4)
#define TIMER1_CONTROL (0x08 / 4)
#define TIMER2_LOAD (0x20 / 4)
#define TIMER2_VALUE (0x24 / 4)
#define TIMER2_CONTROL (0x28 / 4)
#define TIMER_ENABLE 0x80u
#define TIMER_PERIODIC 0x40u
#define TIMER_32BIT 0x02u

static volatile uint32_t *timer;
static pecan_cap_t timer_ds;

int sp804_clock_start(void)
{
    pecan_cap_t iomem = pecan_env_cap("iomem");
    if (!iomem || pecan_cap_alloc(&timer_ds))
        return -PECAN_ENOENT;
    int err = pecan_iomem_dataspace(iomem, PECAN_ENV_FACTORY, SP804, TIMER_PAGE, timer_ds);
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &at, TIMER_PAGE,
                              PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE,
                              timer_ds, 0);
    if (err)
        return err;
    timer = (volatile uint32_t *)(uintptr_t)at;
    timer[TIMER2_CONTROL] = 0;
    timer[TIMER2_LOAD] = 0xFFFFFFFFu;
    timer[TIMER2_CONTROL] = TIMER_ENABLE | TIMER_32BIT;   /* free running, no interrupt */
    return 0;
}

uint32_t sp804_clock_us(void)
{
    return ~timer[TIMER2_VALUE];   /* a down-counter */
}

void sp804_clock_events(uint32_t period_us)
{
    timer[TIMER1_CONTROL] = 0;
    timer[TIMER1_LOAD] = period_us;
    if (period_us)
        timer[TIMER1_CONTROL] = TIMER_ENABLE | TIMER_PERIODIC | TIMER_32BIT;
}

/* Detached and released before the exit: moe's free memory is compared with its figure
 * from before the program. */
void sp804_clock_stop(void)
{
    timer[TIMER1_CONTROL] = 0;
    timer[TIMER2_CONTROL] = 0;
    pecan_rm_detach(PECAN_ENV_RM, (pecan_word_t)(uintptr_t)timer, 0, 0);
    pecan_cap_release(timer_ds);
}
