/* SPDX-License-Identifier: MIT */
/*
 * ICU protocol client (l4re/client/icu.c; opcodes in protocol/icu.h): interrupt lines for
 * drivers. GET gives the kernel's IRQ handler capability for a line; bind it to a
 * notification (pecan_irq_bind), wait, and acknowledge (pecan_irq_ack) with the kernel.
 */
#ifndef PECAN_ICU_H
#define PECAN_ICU_H

#include <pecan/protocol/icu.h>
#include <pecan/syscall.h>

/* The IRQ handler capability of line into dest, an empty slot (the line's earlier
 * holders lose theirs). */
int pecan_icu_get(pecan_cap_t icu, pecan_word_t line, pecan_cap_t dest);
/* An ICU covering lines first .. first + count - 1 only, into dest; its record is paid for
 * by factory (a moe FACTORY the caller may write) and it goes with that factory. */
int pecan_icu_view(pecan_cap_t icu, pecan_cap_t factory, pecan_word_t first,
                   pecan_word_t count, pecan_cap_t dest);
/* The lines the object covers. */
int pecan_icu_info(pecan_cap_t icu, pecan_word_t *first, pecan_word_t *count);

#endif
