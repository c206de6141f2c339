/* SPDX-License-Identifier: MIT */
/*
 * RealView EB ARM11MPCore board glue: which devices exist, where they are mapped, how the
 * secondaries are released, how much RAM there is, and how the system powers off.
 */
#include <arch/memory.h>
#include <arch/mmu.h>
#include <core/smp.h>
#include <interrupt_controller.h>
#include <mmio.h>
#include <plat.h>
#include <tick_timer.h>
#include <uart.h>
#include "interrupts.h"

#define SCU_CONFIG 0x04

static uintptr_t sysregs;
static uintptr_t mpcore_private;
static uintptr_t board_gic1;

void plat_init_early(void)
{
    uintptr_t uart = mmu_map_device("uart0 (pl011)", PLAT_UART0_BASE, 0x1000);
    uart_init(uart, PLAT_UART_CLOCK_HZ, 115200);
    sysregs = mmu_map_device("system registers", PLAT_SYSREGS_BASE, 0x1000);
    mpcore_private = mmu_map_device("mpcore private (scu, gic, timers)",
                                    PLAT_MPCORE_PRIVATE_BASE, 0x2000);
    board_gic1 = mmu_map_device("board gic1 (cascade to mpcore id 42)", PLAT_BOARD_GIC1_BASE,
                                0x2000);
}

void plat_init_interrupts(void)
{
    eb_interrupts_init(mpcore_private, board_gic1);
}

void plat_init_cpu_local(unsigned cpu)
{
    (void)cpu;
    eb_interrupts_init_cpu();
    intc_enable(PLAT_IRQ_TICK_TIMER);
    tick_timer_start(mpcore_private + PLAT_TWD_OFFSET, PLAT_TWD_HZ, CONFIG_TICK_HZ);
}

unsigned plat_cpu_count(void)
{
    unsigned n = (mmio_read32(mpcore_private + PLAT_SCU_OFFSET + SCU_CONFIG) & 3) + 1;
    return n < CONFIG_MAX_CPUS ? n : CONFIG_MAX_CPUS;
}

void plat_start_secondaries(void)
{
    extern char secondary_entry[];
    mmio_write32(sysregs + PLAT_SYSREG_FLAGSCLR, 0xffffffffu);
    mmio_write32(sysregs + PLAT_SYSREG_FLAGSSET, virt_to_phys(secondary_entry));
    barrier_data_sync();
    smp_send_ipi(0xfu & ~(1u << 0), IPI_WAKE);
}

/*
 * QEMU maps as much RAM as -m says (at most 256 MiB) and reads unmapped addresses as 0
 * without an abort, so a word that keeps a written pattern is RAM. The probe looks at the
 * last word of each MiB from the top down and restores what was there.
 */
size_t plat_ram_size(void)
{
    for (size_t mb = PLAT_RAM_MAX_MB; mb > 1; mb--) {
        volatile uint32_t *word = phys_to_virt(PLAT_RAM_BASE + mb * SECTION_SIZE - 4);
        uint32_t saved = *word;
        *word = 0x5A5AA5A5u ^ (uint32_t)mb;
        barrier_data_sync();
        bool present = *word == (0x5A5AA5A5u ^ (uint32_t)mb);
        *word = saved;
        if (present)
            return mb * SECTION_SIZE;
    }
    return SECTION_SIZE;
}

static const struct plat_device_region user_devices[] = {
    { "aaci (pl041)", 0x10004000, 12 },
    { "mmci (pl181)", 0x10005000, 12 },
    { "kmi0 keyboard (pl050)", 0x10006000, 12 },
    { "kmi1 mouse (pl050)", 0x10007000, 12 },
    { "uart1 (pl011)", 0x1000A000, 12 },
    { "uart2 (pl011)", 0x1000B000, 12 },
    { "uart3 (pl011)", 0x1000C000, 12 },
    { "timer0/1 (sp804)", 0x10011000, 12 },
    { "timer2/3 (sp804)", 0x10012000, 12 },
    { "gpio0 (pl061)", 0x10013000, 12 },
    { "gpio1 (pl061)", 0x10014000, 12 },
    { "gpio2 (pl061)", 0x10015000, 12 },
    { "rtc (pl031)", 0x10017000, 12 },
    { "clcd (pl111)", 0x10020000, 12 },
    { "dma (pl081)", 0x10030000, 12 },
    { "ethernet (smc91c111)", 0x4E000000, 12 },
};

const struct plat_device_region *plat_user_devices(unsigned *count)
{
    *count = ARRAY_SIZE(user_devices);
    return user_devices;
}

uint32_t plat_clock_counter(void)
{
    return mmio_read32(sysregs + PLAT_SYSREG_24MHZ);
}

/*
 * The EB has no guest-controlled reset or power-off (SYS_RESETCTL is RAZ/WI), so under
 * QEMU the semihosting SYS_EXIT_EXTENDED call ends the machine with a status. On real
 * hardware without a debugger this would trap, so it is followed by a halt loop.
 */
void plat_poweroff(int status)
{
    static volatile uint32_t exit_block[2];
    exit_block[0] = 0x20026;    /* ADP_Stopped_ApplicationExit */
    exit_block[1] = (uint32_t)status;
    register uint32_t r0 __asm__("r0") = 0x20;   /* SYS_EXIT_EXTENDED */
    register uint32_t r1 __asm__("r1") = (uint32_t)(uintptr_t)exit_block;
    __asm__ volatile("svc 0x123456" : : "r"(r0), "r"(r1) : "memory");
    for (;;) {
        irq_disable();
        cpu_wait_for_interrupt();
    }
}
