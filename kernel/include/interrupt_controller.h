/* SPDX-License-Identifier: MIT */
/*
 * Interrupt controller driver interface: implemented by the board's driver
 * (drivers/irq/mpcore_gic.c on the RealView MPCore). IDs below 16 are inter-processor
 * interrupts (software generated).
 */
#ifndef PECAN_INTERRUPT_CONTROLLER_H
#define PECAN_INTERRUPT_CONTROLLER_H

#include <types.h>

#define INTC_NO_INTERRUPT 0xFFFFFFFFu   /* acknowledge found nothing (spurious) */

void intc_init_distributor(uintptr_t distributor_base, unsigned irq_count);
void intc_init_cpu_interface(uintptr_t cpu_interface_base);
void intc_enable(unsigned irq);
void intc_disable(unsigned irq);
void intc_set_pending(unsigned irq);
/* Returns the interrupt ID, or INTC_NO_INTERRUPT; *token is passed back to intc_end. */
unsigned intc_acknowledge(word_t *token);
void intc_end(word_t token);
void intc_send_ipi(uint32_t cpu_mask, unsigned ipi);
/* Is an interrupt waiting for this CPU (for preemption points in long operations)? */
bool intc_interrupt_pending(void);

#endif
