/* SPDX-License-Identifier: MIT */
/*
 * Deliberate kernel failures for the panic-path tests (panic=<kind> on the command line):
 * each must end in the panic report and power-off with EXIT_STATUS_PANIC, never a hang.
 */
#include <arch/processor.h>
#include <core/console.h>
#include <core/panic.h>
#include <interrupt_controller.h>
#include <lib/string.h>
#include "ktest_private.h"

/* An interrupt ID that exists on the controller but that no driver registers. */
#define UNHANDLED_IRQ 50

static void trigger_undefined(void)
{
    __asm__ volatile(".word 0xe7f000f0");   /* permanently undefined (UDF) */
}

/* Through a volatile so the compiler cannot see (and object to) the constant address. */
static volatile uintptr_t unmapped_data = 0x00000100;
static volatile uintptr_t unmapped_code = 0x00001000;

static void trigger_data_abort(void)
{
    (void)*(volatile word_t *)unmapped_data;
}

static void trigger_prefetch_abort(void)
{
    ((void (*)(void))unmapped_code)();
}

static void trigger_unexpected_irq(void)
{
    intc_enable(UNHANDLED_IRQ);
    intc_set_pending(UNHANDLED_IRQ);
    irq_enable();
    for (;;)
        cpu_wait_for_interrupt();
}

void ktest_trigger_panic(const char *kind)
{
    kprintf("ktest: triggering %s\n", kind);
    if (strcmp(kind, "undefined") == 0)
        trigger_undefined();
    else if (strcmp(kind, "data-abort") == 0)
        trigger_data_abort();
    else if (strcmp(kind, "prefetch-abort") == 0)
        trigger_prefetch_abort();
    else if (strcmp(kind, "irq") == 0)
        trigger_unexpected_irq();
    else if (strcmp(kind, "assert") == 0)
        assert(kind[0] == '\0');
    panic("ktest: panic kind '%s' did not panic the way it should", kind);
}
