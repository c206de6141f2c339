/* SPDX-License-Identifier: MIT */
/* Console UART driver interface (drivers/serial/pl011.c). Polled output. */
#ifndef PECAN_UART_H
#define PECAN_UART_H

#include <types.h>

void uart_init(uintptr_t base, uint32_t clock_hz, uint32_t baud);
void uart_putc(char c);

#endif
