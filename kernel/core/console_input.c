/* SPDX-License-Identifier: MIT */
/*
 * The kernel console's input (core/console_input.h). The UART's receive interrupt drains
 * the UART into a ring and signals the bound notification; the kernel log's READ takes
 * bytes out (object/log.c). Ring and binding are kernel state like any object's: the
 * interrupt takes the kernel lock to touch them, as a user interrupt does
 * (object/irq_handler.c), and every other user runs under it already.
 *
 * Invariants: count <= CONSOLE_INPUT_SIZE; the bytes are ring[first .. first + count)
 * modulo the size, oldest first; a full ring drops the newest byte, never a kept one;
 * bound is NULL or a live notification, and bits is not 0 while bound.
 */
#include <core/console_input.h>
#include <core/invariants.h>
#include <core/irq.h>
#include <core/kernel_lock.h>
#include <interrupt_controller.h>
#include <object/notification.h>
#include <plat.h>
#include <uart.h>

static struct {
    char ring[CONSOLE_INPUT_SIZE];
    unsigned first;
    unsigned count;
    struct notification *bound;
    word_t bits;
} input;

static bool keep(char c)
{
    if (input.count == CONSOLE_INPUT_SIZE)
        return false;
    input.ring[(input.first + input.count) % CONSOLE_INPUT_SIZE] = c;
    input.count++;
    return true;
}

/* Drains the UART whatever the ring's room: the interrupt ends only with the FIFO empty. */
static void receive_interrupt(unsigned irq)
{
    (void)irq;
    bool locked_here = kernel_lock_held_here();
    if (!locked_here)
        kernel_lock_acquire();
    bool arrived = false;
    char c;
    while (uart_getc(&c)) {
        keep(c);
        arrived = true;
    }
    if (arrived && input.bound)
        notification_signal(input.bound, input.bits);
    if (!locked_here)
        kernel_lock_release();
}

void console_input_init(void)
{
    irq_register(PLAT_IRQ_CONSOLE, receive_interrupt);
    uart_enable_receive_interrupt();
    intc_enable(PLAT_IRQ_CONSOLE);
}

unsigned console_input_take(char *out, unsigned max)
{
    unsigned n = max < input.count ? max : input.count;
    for (unsigned i = 0; i < n; i++)
        out[i] = input.ring[(input.first + i) % CONSOLE_INPUT_SIZE];
    input.first = (input.first + n) % CONSOLE_INPUT_SIZE;
    input.count -= n;
    return n;
}

unsigned console_input_waiting(void)
{
    return input.count;
}

void console_input_bind(struct notification *n, word_t bits)
{
    input.bound = n;
    input.bits = n ? bits : 0;
}

void console_input_notification_destroyed(struct notification *n)
{
    if (input.bound == n)
        console_input_bind(NULL, 0);
}

void console_input_check_invariants(void)
{
    if (input.count > CONSOLE_INPUT_SIZE || input.first >= CONSOLE_INPUT_SIZE)
        invariants_report("console input: %u bytes from %u in a ring of %u", input.count,
                          input.first, CONSOLE_INPUT_SIZE);
    if (input.bound && !invariants_object_live((word_t)(uintptr_t)input.bound,
                                               CAP_NOTIFICATION))
        invariants_report("console input bound to a destroyed notification");
    if (input.bound && !input.bits)
        invariants_report("console input bound with no bits");
}
