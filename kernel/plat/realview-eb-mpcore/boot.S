/* SPDX-License-Identifier: MIT */
/*
 * Early, stack-less board code for head.S (MMU off, physical addresses).
 * On this board every CPU starts at the kernel entry (platforms.md section 4): CPUs 1-3
 * wait here in WFI with their GIC CPU interface on, until CPU 0 writes the entry address
 * into the SYS_FLAGS mailbox and sends them an SGI (plat_start_secondaries).
 */
#include <plat/memory_map.h>

    .arm
    .section .text.head, "ax"

/* r0 = this CPU's index (MPIDR bits [3:0]). Uses r0 only. */
    .global plat_boot_cpu_index
plat_boot_cpu_index:
    mrc p15, 0, r0, c0, c0, 5
    and r0, r0, #0xf
    mov pc, lr

/* Per-CPU set-up before the MMU is on: join the coherency domain (ACTLR.SMP, ARM11
 * MPCore TRM 3.4.2), or the caches of the four CPUs are not kept coherent. Uses r0. */
    .global plat_boot_cpu_setup
plat_boot_cpu_setup:
    mrc p15, 0, r0, c1, c0, 1
    orr r0, r0, #(1 << 5)
    mcr p15, 0, r0, c1, c0, 1
    mov pc, lr

    .global plat_park_secondary
plat_park_secondary:
    ldr r0, =(PLAT_MPCORE_PRIVATE_BASE + PLAT_GIC_CPU_OFFSET)
    mov r1, #1
    str r1, [r0, #0x00]             /* CPU interface on, so an SGI ends WFI */
    mov r1, #0xf0
    str r1, [r0, #0x04]             /* priority mask: let everything through */
    ldr r2, =(PLAT_SYSREGS_BASE + PLAT_SYSREG_FLAGSSET)
1:  mcr p15, 0, r1, c7, c10, 4      /* data synchronization barrier, then wait */
    wfi
    ldr r3, [r2]
    cmp r3, #0
    beq 1b
    /* Acknowledge the wake-up SGI so it does not fire again once interrupts are on. */
    ldr r1, [r0, #0x0c]
    str r1, [r0, #0x10]
    bx r3
    .ltorg
