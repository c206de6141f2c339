/* SPDX-License-Identifier: MIT */
/*
 * The panic path: print what happened, stop every other CPU, power off with
 * EXIT_STATUS_PANIC. A panic while panicking (a fault in the panic path itself) goes
 * straight to power-off so it cannot loop.
 */
#include <arch/processor.h>
#include <core/console.h>
#include <core/cpu.h>
#include <core/panic.h>
#include <core/smp.h>
#include <lib/format.h>
#include <plat.h>

static volatile uint32_t panic_depth;

void panic_begin(const char *what)
{
    irq_disable();
    if (__atomic_fetch_add(&panic_depth, 1, __ATOMIC_SEQ_CST) > 0) {
        kprintf("\nPANIC again on CPU %u: %s\n", this_cpu_index(), what);
        plat_poweroff(EXIT_STATUS_PANIC);
    }
    smp_stop_others();
    console_take_over();
    kprintf("\nPANIC on CPU %u: %s\n", this_cpu_index(), what);
}

void panic_end(void)
{
    kprintf("PANIC: system halted\n");
    plat_poweroff(EXIT_STATUS_PANIC);
}

void panic(const char *fmt, ...)
{
    char message[256];
    va_list args;
    va_start(args, fmt);
    format_string_va(message, sizeof(message), fmt, args);
    va_end(args);
    panic_begin(message);
    kprintf("  called from %p\n", __builtin_return_address(0));
    panic_end();
}
