/* SPDX-License-Identifier: MIT */
/* The ARM11MPCore per-CPU private timer (TRM 3.3): periodic tick, banked per CPU. */
#include <mmio.h>
#include <tick_timer.h>

#define TWD_LOAD 0x00
#define TWD_COUNTER 0x04
#define TWD_CONTROL 0x08
#define TWD_INTERRUPT_STATUS 0x0C

#define CONTROL_ENABLE (1u << 0)
#define CONTROL_AUTO_RELOAD (1u << 1)
#define CONTROL_IRQ_ENABLE (1u << 2)

static uintptr_t timer_base;   /* "this CPU" alias: the same address on every CPU */

void tick_timer_start(uintptr_t base, uint32_t input_hz, uint32_t hz)
{
    timer_base = base;
    mmio_write32(base + TWD_CONTROL, 0);
    mmio_write32(base + TWD_INTERRUPT_STATUS, 1);
    mmio_write32(base + TWD_LOAD, input_hz / hz - 1);
    mmio_write32(base + TWD_CONTROL, CONTROL_ENABLE | CONTROL_AUTO_RELOAD | CONTROL_IRQ_ENABLE);
}

void tick_timer_acknowledge(void)
{
    mmio_write32(timer_base + TWD_INTERRUPT_STATUS, 1);
}
