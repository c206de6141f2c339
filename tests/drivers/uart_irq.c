/* SPDX-License-Identifier: MIT */
/*
 * uart-irq: a driver for a PL011 UART's transmit interrupt, as an ordinary program. The
 * boot script gives it "iomem" (a view covering the UART's registers) and "icu" (a view
 * covering its line); it maps the registers, binds the line to a notification of its own,
 * and then, count times: writes a character (QEMU's PL011 raises TXIS for it), waits for
 * the interrupt, checks the UART says so, clears it and acknowledges it with the kernel.
 * On the RealView EB, UART2 (0x1000B000) is board line 14, which reaches the MPCore GIC
 * only through board GIC1 (cascade ID 42): IRQ 78 in the kernel's numbering.
 *
 * Usage: uart-irq <registers> <irq> <count>. Prints "uart-irq: N transmit interrupts
 * through IRQ I, each acknowledged" and exits 0, or says what failed (FAILED) and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <pecan/icu.h>
#include <pecan/iomem.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include "driver.h"

/* PL011 registers (word offsets) and bits. */
enum { DR = 0x00 / 4, CR = 0x30 / 4, IMSC = 0x38 / 4, MIS = 0x40 / 4, ICR = 0x44 / 4,
       PERIPH_ID0 = 0xFE0 / 4 };
#define CR_ENABLE 0x301u          /* UARTEN, TXE, RXE */
#define INT_TX 0x20u
#define INT_ALL 0x7FFu
#define IRQ_BIT 0x1u
#define DELIVERED_US 2000000u     /* QEMU raises TXIS at once; a loaded host is slow */
#define NOT_DELIVERED_US 100000u

static int failed(const char *what, long value)
{
    printf("uart-irq: %s (%ld) (FAILED)\n", what, value);
    return 1;
}

static void print_views(void)
{
    pecan_word_t first, last, line, count;
    if (pecan_iomem_info(pecan_env_cap("iomem"), &first, &last) == 0 &&
        pecan_icu_info(pecan_env_cap("icu"), &line, &count) == 0)
        printf("uart-irq: given registers %08lx-%08lx and %lu line(s) from IRQ %lu\n",
               (unsigned long)first, (unsigned long)last, (unsigned long)count,
               (unsigned long)line);
}

static void transmit(volatile uint32_t *uart)
{
    uart[DR] = 'x';
}

/* Before the acknowledge the line stays masked: a second TXIS waits for it. */
static int check_masked_until_ack(volatile uint32_t *uart, struct driver_irq *irq)
{
    pecan_word_t bits;
    uart[ICR] = INT_TX;
    transmit(uart);
    if (driver_irq_wait(NOT_DELIVERED_US, &bits))
        return failed("an interrupt came before the acknowledge", (long)bits);
    int err = pecan_irq_ack(irq->handler);
    if (err)
        return failed("ACK", err);
    if (!driver_irq_wait(DELIVERED_US, &bits))
        return failed("the acknowledge did not let the raised line through", 0);
    return 0;
}

static int run(volatile uint32_t *uart, struct driver_irq *irq, unsigned count)
{
    uart[IMSC] = 0;
    uart[ICR] = INT_ALL;
    uart[CR] = CR_ENABLE;
    uart[IMSC] = INT_TX;
    for (unsigned i = 0; i < count; i++) {
        pecan_word_t bits;
        transmit(uart);
        if (!driver_irq_wait(DELIVERED_US, &bits))
            return failed("no interrupt after a character; interrupts so far", (long)i);
        if (bits != IRQ_BIT || !(uart[MIS] & INT_TX))
            return failed("interrupt without TXIS, bits", (long)bits);
        if (i == 0 && check_masked_until_ack(uart, irq))
            return 1;
        uart[ICR] = INT_TX;
        int err = pecan_irq_ack(irq->handler);
        if (err)
            return failed("ACK", err);
    }
    uart[IMSC] = 0;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        printf("usage: uart-irq <registers> <irq> <count> (FAILED)\n");
        return 1;
    }
    pecan_word_t phys = strtoul(argv[1], 0, 0), line = strtoul(argv[2], 0, 0);
    unsigned count = (unsigned)strtoul(argv[3], 0, 0);
    print_views();
    volatile uint32_t *uart;
    int err = driver_map("iomem", phys, 0x1000, &uart);
    if (err)
        return failed("mapping the registers", err);
    printf("uart-irq: PL011 peripheral id %02lx %02lx\n", (unsigned long)(uart[PERIPH_ID0] & 0xff),
           (unsigned long)(uart[PERIPH_ID0 + 1] & 0xff));
    struct driver_irq irq;
    if ((err = driver_irq_attach("icu", line, IRQ_BIT, &irq)) != 0)
        return failed("taking the interrupt line", err);
    if (run(uart, &irq, count))
        return 1;
    printf("uart-irq: %u transmit interrupts through IRQ %lu, each acknowledged\n", count,
           (unsigned long)line);
    return 0;
}
