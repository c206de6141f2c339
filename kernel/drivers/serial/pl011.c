/* SPDX-License-Identifier: MIT */
/* ARM PrimeCell PL011 UART (DDI 0183): polled transmit for the kernel console; receive
 * by interrupt for its input (object/log.c drains the FIFO from the interrupt). */
#include <mmio.h>
#include <uart.h>

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_IBRD 0x24
#define UART_FBRD 0x28
#define UART_LCRH 0x2C
#define UART_CR 0x30
#define UART_IMSC 0x38
#define UART_ICR 0x44

#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define INT_RX (1u << 4)
#define INT_RT (1u << 6)   /* receive timeout: bytes below the FIFO level wait */
#define LCRH_FIFO_8N1 0x70u
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)

static uintptr_t uart_base;

void uart_init(uintptr_t base, uint32_t clock_hz, uint32_t baud)
{
    uart_base = base;
    mmio_write32(base + UART_CR, 0);
    /* Divisor = clock / (16 * baud) as 16.6 fixed point, rounded. */
    uint32_t divisor_x64 = (4 * clock_hz + baud / 2) / baud;
    mmio_write32(base + UART_IBRD, divisor_x64 >> 6);
    mmio_write32(base + UART_FBRD, divisor_x64 & 0x3f);
    mmio_write32(base + UART_LCRH, LCRH_FIFO_8N1);
    mmio_write32(base + UART_IMSC, 0);
    mmio_write32(base + UART_CR, CR_UARTEN | CR_TXE | CR_RXE);
}

void uart_putc(char c)
{
    if (!uart_base)
        return;
    while (mmio_read32(uart_base + UART_FR) & FR_TXFF)
        ;
    mmio_write32(uart_base + UART_DR, (uint8_t)c);
}

void uart_enable_receive_interrupt(void)
{
    if (!uart_base)
        return;
    mmio_write32(uart_base + UART_ICR, INT_RX | INT_RT);
    mmio_write32(uart_base + UART_IMSC, INT_RX | INT_RT);
}

bool uart_getc(char *c)
{
    if (!uart_base)
        return false;
    if (mmio_read32(uart_base + UART_FR) & FR_RXFE) {
        /* Empty: the receive timeout stays raised until cleared by hand. Clear first and
         * look again, so a byte that came in between raises the interrupt anew rather
         * than waiting behind a cleared one. */
        mmio_write32(uart_base + UART_ICR, INT_RX | INT_RT);
        if (mmio_read32(uart_base + UART_FR) & FR_RXFE)
            return false;
    }
    *c = (char)(mmio_read32(uart_base + UART_DR) & 0xff);
    return true;
}
