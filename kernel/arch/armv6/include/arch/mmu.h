/* SPDX-License-Identifier: MIT */
/* The kernel's own mappings in the boot page directory (layout in arch/memory.h). */
#ifndef PECAN_ARCH_MMU_H
#define PECAN_ARCH_MMU_H

#include <arch/memory.h>
#include <arch/processor.h>
#include <types.h>

#define MMU_MAX_DEVICE_MAPPINGS 16

struct device_mapping {
    const char *name;
    paddr_t phys;
    vaddr_t virt;
    size_t size;
};

extern uint32_t boot_page_directory[4096];

/* Maps size bytes of MMIO at phys into the device window; returns the virtual address. */
uintptr_t mmu_map_device(const char *name, paddr_t phys, size_t size);

/* Drops kernel-window sections above the RAM that exists. */
void mmu_limit_kernel_window(size_t ram_size);

/* Removes the boot identity map of RAM from the page directory (this CPU's TLB is flushed;
 * the caller flushes the others). */
void mmu_remove_identity_map(void);

/* Maps one 4 KiB page in the kernel's top MiB (shared by every address space). */
void mmu_map_kernel_page(vaddr_t va, uint32_t descriptor);

/* Loads a user address space on this CPU: the physical address of its page directory
 * and its ASID. Inline: the IPC fast path switches on every cross-task message.
 * ARM ARM v6 B3/B4 and the ARM11 MPCore TRM: finish outstanding accesses and flush the
 * branch target cache (it is not ASID-tagged), then switch ASID and table. The kernel runs
 * only on global mappings, which every page directory has alike, and touches no user
 * address until the return to user mode, so nothing between the writes depends on them;
 * that return (RFE) is an exception return, which makes both changes visible to the user
 * code it enters, so no prefetch flush is needed (as in Linux's cpu_v6_switch_mm). */
static inline void mmu_load_address_space(paddr_t page_directory, unsigned asid)
{
    barrier_data_sync();
    CP15_WRITE(0, c7, c5, 6, 0);            /* flush branch target cache */
    CP15_WRITE(0, c13, c0, 1, asid);        /* CONTEXTIDR: PROCID 0, ASID */
    CP15_WRITE(0, c2, c0, 0, page_directory | TTBR_WALK_ATTRS);
}

unsigned mmu_device_mapping_count(void);
const struct device_mapping *mmu_device_mapping(unsigned index);

#endif
