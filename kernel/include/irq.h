/* SPDX-License-Identifier: MIT */
/*
 * Interrupt dispatch in the kernel. A handler is registered per interrupt ID; an interrupt
 * without one is a kernel bug and panics. IPIs go to smp_handle_ipi.
 */
#ifndef PECAN_IRQ_H
#define PECAN_IRQ_H

#include <types.h>

typedef void (*irq_handler_fn)(unsigned irq);

void irq_register(unsigned irq, irq_handler_fn handler);
/* Handles every pending interrupt; called from the IRQ exception. */
void irq_handle(void);

#endif
