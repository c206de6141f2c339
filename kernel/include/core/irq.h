/* SPDX-License-Identifier: MIT */
/*
 * Interrupt dispatch in the kernel. A kernel function is registered per interrupt ID; an
 * interrupt without one is a kernel bug and panics. IPIs go to smp_handle_ipi.
 */
#ifndef PECAN_CORE_IRQ_H
#define PECAN_CORE_IRQ_H

#include <types.h>

typedef void (*irq_function)(unsigned irq);

void irq_register(unsigned irq, irq_function function);
/* Handles every pending interrupt; called from the IRQ exception. */
void irq_handle(void);

#endif
