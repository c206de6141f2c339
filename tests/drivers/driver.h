/* SPDX-License-Identifier: MIT */
/*
 * What the test drivers share (driver.c): a driver is an ordinary program that was given
 * an IOMEM object covering its registers and an ICU covering its line (docs/drivers.md).
 * It maps the registers, takes its line's IRQ handler capability, binds it to a
 * notification of its own (bound to its main thread, so it can wait with a timeout), and
 * acknowledges each interrupt with the kernel.
 */
#ifndef TESTS_DRIVERS_DRIVER_H
#define TESTS_DRIVERS_DRIVER_H

#include <stdbool.h>
#include <stdint.h>
#include <pecan/syscall.h>

struct driver_irq {
    pecan_cap_t handler;        /* the kernel's IRQ handler capability (from the ICU) */
    pecan_cap_t notification;   /* the driver's own, made through its factory */
};

/* Maps [phys, phys + size) through the IOMEM capability named iomem_name, uncached,
 * read-write; *regs gets its address. 0 or a negative error. */
int driver_map(const char *iomem_name, pecan_word_t phys, pecan_word_t size,
               volatile uint32_t **regs);
/* Takes line from the ICU capability named icu_name and binds it to a new notification
 * (bound to the calling thread) with bits. 0 or a negative error. */
int driver_irq_attach(const char *icu_name, pecan_word_t line, pecan_word_t bits,
                      struct driver_irq *irq);
/* Waits up to timeout_us for the interrupt: true and its bits, or false. */
bool driver_irq_wait(uint32_t timeout_us, pecan_word_t *bits);

#endif
