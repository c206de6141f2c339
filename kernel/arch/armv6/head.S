/* SPDX-License-Identifier: MIT */
/*
 * Kernel entry. QEMU (and a boot loader) starts every CPU here at the physical address,
 * MMU and caches off, in SVC mode. CPU 0 builds the boot page directory, turns the MMU on
 * and jumps to the kernel's virtual address; the others wait in the board's parking loop
 * until plat_start_secondaries() releases them into secondary_entry.
 *
 * Until the MMU is on nothing here may use an absolute (virtual) address for data or code
 * without subtracting KERNEL_VIRT_OFFSET, and there is no stack: only r0-r6 and lr.
 */
#include <arch/memory.h>
#include <plat/memory_map.h>

#define SCTLR_ON_BITS 0x00C03805   /* M C Z I V U XP: MMU, caches, high vectors, v6 tables */

    .arm
    .section .text.head, "ax"
    .global _start
_start:
    cpsid aif
    bl plat_boot_cpu_index
    cmp r0, #0
    bne plat_park_secondary        /* never returns; released CPUs go to secondary_entry */
    bl plat_boot_cpu_setup
    bl boot_build_page_directory
    bl boot_mmu_enable
    ldr pc, =boot_cpu0_virtual

    .global secondary_entry
secondary_entry:
    cpsid aif
    bl plat_boot_cpu_setup
    bl boot_mmu_enable
    ldr pc, =boot_secondary_virtual

/*
 * Fills the boot page directory (physical addresses, MMU off): RAM mapped twice in 1 MiB
 * sections, once at its physical address (so the instruction after the MMU switch still
 * runs) and once in the kernel window; plus the coarse table holding the vector page.
 */
boot_build_page_directory:
    ldr r0, =__boot_pd_start
    ldr r1, =__boot_pd_end
    sub r0, r0, #KERNEL_VIRT_OFFSET
    sub r1, r1, #KERNEL_VIRT_OFFSET
    mov r2, #0
1:  str r2, [r0], #4
    cmp r0, r1
    blo 1b

    ldr r0, =boot_page_directory
    sub r0, r0, #KERNEL_VIRT_OFFSET
    ldr r3, =SECTION_KERNEL_RAM
    ldr r4, =PLAT_RAM_BASE
    mov r1, #0                      /* section number within RAM */
2:  add r5, r4, r1, lsl #SECTION_SHIFT
    orr r2, r5, r3                  /* descriptor for PA r5 */
    str r2, [r0, r5, lsr #(SECTION_SHIFT - 2)]          /* identity: VA = PA */
    add r6, r5, #KERNEL_VIRT_OFFSET
    str r2, [r0, r6, lsr #(SECTION_SHIFT - 2)]          /* kernel window */
    add r1, r1, #1
    cmp r1, #PLAT_RAM_MAX_MB
    blo 2b

    /* Vector page: L1 entry for the top MiB -> coarse table -> 0xFFFF0000 page. */
    ldr r1, =vector_page_table
    sub r1, r1, #KERNEL_VIRT_OFFSET
    orr r2, r1, #L1_COARSE_TABLE
    ldr r5, =(VECTOR_PAGE_BASE >> SECTION_SHIFT)
    str r2, [r0, r5, lsl #2]
    ldr r2, =__vectors_start
    sub r2, r2, #KERNEL_VIRT_OFFSET
    ldr r3, =PAGE_KERNEL_READONLY
    orr r2, r2, r3
    ldr r5, =((VECTOR_PAGE_BASE >> PAGE_SHIFT) & 0xff)
    str r2, [r1, r5, lsl #2]
    mov pc, lr

/* Turns on the MMU with the boot page directory; returns to the (identity-mapped) caller. */
boot_mmu_enable:
    ldr r0, =boot_page_directory
    sub r0, r0, #KERNEL_VIRT_OFFSET
    orr r0, r0, #TTBR_WALK_ATTRS
    mcr p15, 0, r0, c2, c0, 0       /* TTBR0 */
    mov r1, #0
    mcr p15, 0, r1, c2, c0, 2       /* TTBCR: TTBR0 translates everything */
    mov r1, #1
    mcr p15, 0, r1, c3, c0, 0       /* DACR: domain 0 is "client" (permissions checked) */
    mov r1, #0
    mcr p15, 0, r1, c7, c7, 0       /* invalidate both caches and the branch predictor */
    mcr p15, 0, r1, c8, c7, 0       /* invalidate the unified TLB */
    mcr p15, 0, r1, c7, c10, 4      /* data synchronization barrier */
    mrc p15, 0, r1, c1, c0, 0
    ldr r2, =SCTLR_ON_BITS
    orr r1, r1, r2
    bic r1, r1, #2                  /* no alignment faults: v6 unaligned access model */
    mcr p15, 0, r1, c1, c0, 0
    mov r1, #0
    mcr p15, 0, r1, c7, c5, 4       /* flush the prefetch buffer */
    mov pc, lr

    .ltorg

    .text
boot_cpu0_virtual:
    ldr sp, =cpu_boot_stacks + KERNEL_STACK_SIZE
    ldr r0, =__bss_start
    ldr r1, =__bss_end
    mov r2, #0
1:  cmp r0, r1
    strlo r2, [r0], #4
    blo 1b
    bl kernel_main
    b .

boot_secondary_virtual:
    bl plat_boot_cpu_index
    ldr r1, =cpu_boot_stacks
    add r2, r0, #1
    add sp, r1, r2, lsl #KERNEL_STACK_SHIFT
    bl secondary_main
    b .
