/* SPDX-License-Identifier: MIT */
/*
 * The kernel's virtual memory layout on ARMv6 (docs/boot.md has the picture):
 *
 *   0x00000000 - 0xBFFFFFFF  user space (during boot also an identity map of RAM)
 *   0xC0000000 - 0xDFFFFFFF  kernel window: RAM at PA + KERNEL_VIRT_OFFSET, kernel only
 *   0xE0000000 - 0xFFEFFFFF  device window: MMIO mapped by the kernel at boot, 1 MiB steps
 *   0xFFF00000 - 0xFFFFFFFF  one coarse page table; 0xFFFF0000 is the vector page
 *
 * Every kernel object lives in the kernel window, so all RAM the kernel may retype must lie
 * below PA KERNEL_WINDOW_SIZE.
 */
#ifndef PECAN_ARCH_MEMORY_H
#define PECAN_ARCH_MEMORY_H

#define KERNEL_VIRT_OFFSET 0xC0000000
#define KERNEL_WINDOW_SIZE 0x20000000
#define DEVICE_WINDOW_BASE 0xE0000000
#define DEVICE_WINDOW_END 0xFFF00000
#define VECTOR_PAGE_BASE 0xFFFF0000
#define USER_SPACE_END 0xC0000000

#define SECTION_SHIFT 20
#define SECTION_SIZE (1 << SECTION_SHIFT)
#define PAGE_SHIFT 12
#define PAGE_SIZE (1 << PAGE_SHIFT)

#define KERNEL_STACK_SHIFT 13
#define KERNEL_STACK_SIZE (1 << KERNEL_STACK_SHIFT)

/*
 * Short-descriptor attributes with SCTLR.XP = 1 (ARM ARM B4.7). Domain 0 everywhere.
 * RAM: TEX=001 C=1 B=1 (write-back, write-allocate), S=1 (coherent across the MPCore's
 * CPUs), AP=01 (kernel read/write, no user access).
 */
#define SECTION_KERNEL_RAM 0x1140E
/* Device: TEX=000 C=0 B=1 (shared device), XN=1, AP=01. */
#define SECTION_KERNEL_DEVICE 0x00416
/* L1 entry pointing to a coarse (L2) table. */
#define L1_COARSE_TABLE 0x1
/* Small page, normal cacheable memory, kernel read-only (APX=1 AP=01). */
#define PAGE_KERNEL_READONLY 0x65E

/* TTBR0 walk attributes: inner cacheable, shared, outer write-back write-allocate. */
#define TTBR_WALK_ATTRS 0x0B

#ifndef __ASSEMBLER__
#include <types.h>

static inline void *phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)(pa + KERNEL_VIRT_OFFSET);
}

static inline paddr_t virt_to_phys(const void *va)
{
    return (paddr_t)((uintptr_t)va - KERNEL_VIRT_OFFSET);
}
#endif

#endif
