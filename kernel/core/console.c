/* SPDX-License-Identifier: MIT */
/*
 * The kernel console. One lock around each whole kprintf keeps lines from different CPUs
 * apart; interrupts are masked while it is held, so a CPU never waits for itself. Its
 * input side is core/console_input.c.
 */
#include <arch/processor.h>
#include <core/console.h>
#include <lib/format.h>
#include <spinlock.h>
#include <uart.h>

static struct spinlock console_lock = SPINLOCK_INIT;
static volatile bool console_taken_over;

/* The byte sent last (under console_lock): a NL gets a CR before it unless it has one
 * already, so lines start at the left margin whether their writer sends NL (the kernel,
 * moe) or CR NL (a runtime with ONLCR, l4re/libc/console.c). */
static char last_sent;

static void console_sink(void *context, char c)
{
    (void)context;
    if (c == '\n' && last_sent != '\r')
        uart_putc('\r');
    uart_putc(c);
    last_sent = c;
}

void kvprintf(const char *fmt, va_list args)
{
    if (console_taken_over) {
        format_va(console_sink, NULL, fmt, args);
        return;
    }
    word_t saved = irq_save_disable();
    spin_lock(&console_lock);
    format_va(console_sink, NULL, fmt, args);
    spin_unlock(&console_lock);
    irq_restore(saved);
}

void kprintf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    kvprintf(fmt, args);
    va_end(args);
}

/* Waits a bounded time for the lock: the holder may be a CPU that is being stopped. */
void console_take_over(void)
{
    for (unsigned i = 0; i < 1000000 && !spin_try_lock(&console_lock); i++)
        ;
    console_taken_over = true;
}
