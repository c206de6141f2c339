/* SPDX-License-Identifier: MIT */
/*
 * ARM Generic Interrupt Controller (architecture v1 register layout) driver, one instance
 * per controller (drivers/irq/gic.c). The same code drives the ARM11MPCore's own
 * "11MPCore" GIC and the RealView board's GICs, which QEMU and the hardware give the same
 * distributor and CPU-interface registers. A board combines instances into its interrupt
 * controller (interrupt_controller.h), e.g. as a cascade.
 *
 * IDs: 0-15 software generated, 16-31 private to a CPU, 32 and up shared ("SPI").
 */
#ifndef PECAN_GIC_H
#define PECAN_GIC_H

#include <types.h>

#define GIC_SPURIOUS 1023u      /* the acknowledge register's "nothing pending" */
#define GIC_FIRST_SHARED 32u

struct gic {
    uintptr_t distributor;      /* kernel virtual addresses of the two register blocks */
    uintptr_t cpu_interface;
    unsigned id_count;          /* IDs 0 .. id_count - 1 exist */
};

/* Every shared ID disabled, not pending, default priority, to CPU 0; then enabled. Once. */
void gic_init_distributor(const struct gic *g);
/* This CPU's interface: priority mask and enable (per CPU on a multi-CPU GIC). */
void gic_init_cpu_interface(const struct gic *g);
/* This CPU's banked IDs 0-31: software-generated ones enabled (the kernel's IPIs). */
void gic_init_banked(const struct gic *g);

void gic_enable(const struct gic *g, unsigned id);
void gic_disable(const struct gic *g, unsigned id);
void gic_set_pending(const struct gic *g, unsigned id);

/* Acknowledges the highest pending interrupt: its ID, or GIC_SPURIOUS. *value is what
 * gic_end must be given back (ID and, for software-generated ones, the sender CPU). */
unsigned gic_acknowledge(const struct gic *g, word_t *value);
void gic_end(const struct gic *g, word_t value);

void gic_send_sgi(const struct gic *g, uint32_t cpu_mask, unsigned id);
/* Is an interrupt waiting for this CPU at this controller? */
bool gic_interrupt_pending(const struct gic *g);

#endif
