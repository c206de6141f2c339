/* SPDX-License-Identifier: MIT */
/* Set-up of the RealView EB's interrupt controller chain (interrupts.c), for plat.c. */
#ifndef PLAT_EB_INTERRUPTS_H
#define PLAT_EB_INTERRUPTS_H

#include <types.h>

/* Both distributors and board GIC1's CPU interface (kernel virtual addresses of the
 * MPCore private region and of board GIC1). Once, on CPU 0. */
void eb_interrupts_init(uintptr_t mpcore_private, uintptr_t board_gic1);
/* The calling CPU's MPCore GIC interface and banked IDs. */
void eb_interrupts_init_cpu(void);

#endif
