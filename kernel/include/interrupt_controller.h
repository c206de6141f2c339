/* SPDX-License-Identifier: MIT */
/*
 * The board's interrupt controller as generic code sees it: one flat space of IRQ numbers
 * 0 .. PLAT_IRQ_COUNT - 1, whatever chain of controllers is behind it. Implemented by the
 * board (kernel/plat/<board>/, e.g. the RealView EB's MPCore GIC with its board GIC1
 * cascaded into it, interrupts.c). Numbers below 16 are inter-processor interrupts
 * (software generated). Set-up is the board's own business (plat_init_interrupts,
 * plat_init_cpu_local).
 */
#ifndef PECAN_INTERRUPT_CONTROLLER_H
#define PECAN_INTERRUPT_CONTROLLER_H

#include <types.h>

#define INTC_NO_INTERRUPT 0xFFFFFFFFu   /* acknowledge found nothing (spurious) */

void intc_enable(unsigned irq);
void intc_disable(unsigned irq);
void intc_set_pending(unsigned irq);
/* Returns the IRQ number, or INTC_NO_INTERRUPT; *token is passed back to intc_end. */
unsigned intc_acknowledge(word_t *token);
void intc_end(word_t token);
void intc_send_ipi(uint32_t cpu_mask, unsigned ipi);
/* Is an interrupt waiting for this CPU (for preemption points in long operations)? */
bool intc_interrupt_pending(void);
/* May user space claim this IRQ number (IRQ control GET)? False for numbers that do not
 * exist and for the kernel's own lines (IPIs, per-CPU timers, a cascade's input, the console UART's). */
bool intc_user_line(unsigned irq);

#endif
