/* SPDX-License-Identifier: MIT */
/*
 * The hooks every board provides (kernel/plat/<board>/plat.c). Generic code reaches the
 * board only through these and the driver interfaces (interrupt_controller.h, tick_timer.h,
 * uart.h); it never tests a board name.
 */
#ifndef PECAN_PLAT_H
#define PECAN_PLAT_H

#include <compiler.h>
#include <types.h>
#include <plat/memory_map.h>

/* QEMU exit statuses when the guest powers off (docs/boot.md). */
#define EXIT_STATUS_SUCCESS 0
#define EXIT_STATUS_TESTS_FAILED 1
#define EXIT_STATUS_PANIC 3

/* Maps the board's devices and brings up the console. Runs first, on CPU 0. */
void plat_init_early(void);

/* Sets up the interrupt controller (once), then this CPU's interface and tick timer. */
void plat_init_interrupts(void);
void plat_init_cpu_local(unsigned cpu);

/* Number of CPUs the hardware has (not more than CONFIG_MAX_CPUS). */
unsigned plat_cpu_count(void);

/* Releases the CPUs parked by boot.S into secondary_entry. */
void plat_start_secondaries(void);

/* Bytes of RAM from PLAT_RAM_BASE, found by probing. */
size_t plat_ram_size(void);

/* A free-running counter at PLAT_CLOCK_HZ (32 bits; clock.c extends it). */
uint32_t plat_clock_counter(void);

/* MMIO the kernel leaves to user-level drivers: it becomes device untyped for the root
 * task. The kernel's own devices (console UART, interrupt controller, timers, system
 * registers) are not in this list. */
struct plat_device_region {
    const char *name;
    paddr_t base;
    unsigned size_bits;
};
const struct plat_device_region *plat_user_devices(unsigned *count);

/* Ends the system: under QEMU the status becomes QEMU's exit status. */
void plat_poweroff(int status) __noreturn;

#endif
