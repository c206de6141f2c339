/* SPDX-License-Identifier: MIT */
/*
 * Interrupt dispatch: acknowledge at the controller, run the registered function (or
 * the IPI function for software-generated interrupts), signal the end. The function table is
 * written only during boot, before interrupts are enabled.
 */
#include <core/irq.h>
#include <core/panic.h>
#include <core/smp.h>
#include <interrupt_controller.h>
#include <plat.h>

#define IPI_COUNT 16

static irq_function irq_functions[PLAT_IRQ_COUNT];

void irq_register(unsigned irq, irq_function function)
{
    assert(irq < PLAT_IRQ_COUNT && irq >= IPI_COUNT);
    irq_functions[irq] = function;
}

void irq_handle(void)
{
    for (;;) {
        word_t token;
        unsigned irq = intc_acknowledge(&token);
        if (irq == INTC_NO_INTERRUPT)
            return;
        if (irq < IPI_COUNT) {
            intc_end(token);
            smp_handle_ipi(irq);
            continue;
        }
        if (irq >= PLAT_IRQ_COUNT || !irq_functions[irq])
            panic("unexpected interrupt %u (no function registered)", irq);
        irq_functions[irq](irq);
        intc_end(token);
    }
}
