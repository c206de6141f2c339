/* SPDX-License-Identifier: MIT */
/*
 * ARM GIC driver (include/gic.h): the distributor and a CPU interface of one controller,
 * architecture v1 layout (ARM11 MPCore TRM chapter 3 for the "11MPCore" GIC: 4 priority
 * bits; the RealView board GICs: 8). The state is the caller's struct gic; nothing here
 * knows which board or how controllers are chained.
 *
 * Invariant: the distributor of an instance is set up once, before any of its IDs is
 * enabled; enable, disable and pending writes are single write-one-to-set/clear stores,
 * so CPUs may do them concurrently without a lock.
 */
#include <gic.h>
#include <mmio.h>

#define GICD_CONTROL 0x000
#define GICD_ENABLE_SET 0x100
#define GICD_ENABLE_CLEAR 0x180
#define GICD_PENDING_SET 0x200
#define GICD_PENDING_CLEAR 0x280
#define GICD_PRIORITY 0x400
#define GICD_TARGETS 0x800
#define GICD_SOFTWARE_INTERRUPT 0xF00

#define GICC_CONTROL 0x00
#define GICC_PRIORITY_MASK 0x04
#define GICC_BINARY_POINT 0x08
#define GICC_ACKNOWLEDGE 0x0C
#define GICC_END 0x10
#define GICC_HIGHEST_PENDING 0x18

#define ID_MASK 0x3ffu
/* Every line at one priority, below the mask 0xf0 (the top 4 bits are all the 11MPCore
 * GIC keeps): the kernel does not nest interrupts, so priorities would order nothing. */
#define DEFAULT_PRIORITY 0xA0
#define PRIORITY_MASK 0xf0

static uintptr_t bank_register(uintptr_t base, unsigned id)
{
    return base + (id / 32) * 4;
}

void gic_init_distributor(const struct gic *g)
{
    uintptr_t d = g->distributor;
    mmio_write32(d + GICD_CONTROL, 0);
    for (unsigned id = GIC_FIRST_SHARED; id < g->id_count; id += 32) {
        mmio_write32(bank_register(d + GICD_ENABLE_CLEAR, id), 0xffffffffu);
        mmio_write32(bank_register(d + GICD_PENDING_CLEAR, id), 0xffffffffu);
    }
    for (unsigned id = GIC_FIRST_SHARED; id < g->id_count; id += 4) {
        mmio_write32(d + GICD_PRIORITY + id, DEFAULT_PRIORITY * 0x01010101u);
        /* CPU 0 (read-only on a single-CPU GIC, where it is implied). */
        mmio_write32(d + GICD_TARGETS + id, 0x01010101u);
    }
    mmio_write32(d + GICD_CONTROL, 1);
}

void gic_init_cpu_interface(const struct gic *g)
{
    mmio_write32(g->cpu_interface + GICC_PRIORITY_MASK, PRIORITY_MASK);
    mmio_write32(g->cpu_interface + GICC_BINARY_POINT, 0);
    mmio_write32(g->cpu_interface + GICC_CONTROL, 1);
}

void gic_init_banked(const struct gic *g)
{
    mmio_write32(g->distributor + GICD_ENABLE_SET, 0x0000ffffu);
    for (unsigned id = 0; id < GIC_FIRST_SHARED; id += 4)
        mmio_write32(g->distributor + GICD_PRIORITY + id, DEFAULT_PRIORITY * 0x01010101u);
}

void gic_enable(const struct gic *g, unsigned id)
{
    mmio_write32(bank_register(g->distributor + GICD_ENABLE_SET, id), 1u << (id % 32));
}

void gic_disable(const struct gic *g, unsigned id)
{
    mmio_write32(bank_register(g->distributor + GICD_ENABLE_CLEAR, id), 1u << (id % 32));
}

void gic_set_pending(const struct gic *g, unsigned id)
{
    mmio_write32(bank_register(g->distributor + GICD_PENDING_SET, id), 1u << (id % 32));
}

unsigned gic_acknowledge(const struct gic *g, word_t *value)
{
    *value = mmio_read32(g->cpu_interface + GICC_ACKNOWLEDGE);
    return *value & ID_MASK;
}

void gic_end(const struct gic *g, word_t value)
{
    mmio_write32(g->cpu_interface + GICC_END, value);
}

void gic_send_sgi(const struct gic *g, uint32_t cpu_mask, unsigned id)
{
    mmio_write32(g->distributor + GICD_SOFTWARE_INTERRUPT, ((cpu_mask & 0xff) << 16) | (id & 0xf));
}

bool gic_interrupt_pending(const struct gic *g)
{
    return (mmio_read32(g->cpu_interface + GICC_HIGHEST_PENDING) & ID_MASK) != GIC_SPURIOUS;
}
