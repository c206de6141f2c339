/* SPDX-License-Identifier: MIT */
/*
 * RealView Emulation Baseboard with an ARM11MPCore tile (QEMU realview-eb-mpcore).
 * Addresses and interrupt numbers from shared/docs/platforms.md section 1 (verified on
 * QEMU 7.2) and the RealView EB user guide.
 */
#ifndef PECAN_PLAT_MEMORY_MAP_H
#define PECAN_PLAT_MEMORY_MAP_H

#define PLAT_NAME "realview-eb-mpcore"
#define PLAT_RAM_BASE 0x00000000
#define PLAT_RAM_MAX 0x10000000          /* 256 MiB: QEMU maps no more at 0 */
#define PLAT_RAM_MAX_MB 256

#define PLAT_SYSREGS_BASE 0x10000000
#define PLAT_SYSREG_FLAGSSET 0x30        /* secondary-boot mailbox */
#define PLAT_SYSREG_FLAGSCLR 0x34
#define PLAT_SYSREG_24MHZ 0x5C           /* free-running 24 MHz counter */
#define PLAT_CLOCK_HZ 24000000u

#define PLAT_UART0_BASE 0x10009000
#define PLAT_UART_CLOCK_HZ 24000000u

#define PLAT_MPCORE_PRIVATE_BASE 0x10100000
#define PLAT_SCU_OFFSET 0x0000
#define PLAT_GIC_CPU_OFFSET 0x0100        /* "this CPU" alias of the CPU interface */
#define PLAT_TWD_OFFSET 0x0600            /* private timer of this CPU */
#define PLAT_GIC_DIST_OFFSET 0x1000

#define PLAT_TWD_HZ 100000000u            /* private timer at prescaler 0 */
#define PLAT_MPCORE_GIC_IDS 64            /* SGI 0-15, PPI 29/30, SPI 32-63 */

/* Board GIC1, cascaded into the MPCore GIC (platforms.md, "Handling a cascade"). */
#define PLAT_BOARD_GIC1_BASE 0x10040000   /* CPU interface +0, distributor +0x1000 */
#define PLAT_BOARD_GIC_DIST_OFFSET 0x1000
#define PLAT_BOARD_GIC_IDS 96             /* board line n is board-GIC ID 32 + n */
#define PLAT_IRQ_CASCADE 42               /* board GIC1's output at the MPCore GIC */

/* IRQ numbers (interrupts.c, docs/drivers.md): 0-63 are MPCore GIC IDs; 64 + n is board
 * line n through board GIC1, for the lines that do not reach the MPCore GIC directly. */
#define PLAT_IRQ_TICK_TIMER 29           /* private timer: PPI, banked per CPU */
#define PLAT_IRQ_UART0 36
#define PLAT_IRQ_CONSOLE PLAT_IRQ_UART0  /* the kernel's console input: never a user line */
#define PLAT_IRQ_BOARD_FIRST 64
#define PLAT_IRQ_COUNT 128

#endif
