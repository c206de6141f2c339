/* SPDX-License-Identifier: MIT */
/* Console UART driver interface (drivers/serial/pl011.c). Polled output; input by
 * interrupt: the receive interrupt fires while bytes wait, and uart_getc takes them. */
#ifndef PECAN_UART_H
#define PECAN_UART_H

#include <types.h>

void uart_init(uintptr_t base, uint32_t clock_hz, uint32_t baud);
void uart_putc(char c);
/* Lets bytes received raise the UART's interrupt (receive and receive timeout). */
void uart_enable_receive_interrupt(void);
/* Takes one received byte: true and *c, or false when none waits. Once it returned false
 * the receive interrupt is cleared until the next byte comes. */
bool uart_getc(char *c);

#endif
