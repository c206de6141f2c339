/* SPDX-License-Identifier: MIT */
/*
 * The boot page directory, shared by all CPUs while only the kernel runs. head.S fills in
 * the identity map, the kernel window and the vector page; this file adds device mappings
 * and later removes the identity map. Page-table writes are cleaned from the data cache
 * because the ARM11 table walker does not snoop it.
 */
#include <arch/memory.h>
#include <arch/mmu.h>
#include <arch/processor.h>
#include <core/panic.h>

uint32_t boot_page_directory[4096] __aligned(16384) __section(".boot_pd");
uint32_t vector_page_table[256] __aligned(1024) __section(".boot_pd");

static struct device_mapping device_mappings[MMU_MAX_DEVICE_MAPPINGS];
static unsigned device_mapping_count;
static vaddr_t device_window_next = DEVICE_WINDOW_BASE;

static void set_section(vaddr_t va, uint32_t descriptor)
{
    uint32_t *entry = &boot_page_directory[va >> SECTION_SHIFT];
    *entry = descriptor;
    dcache_clean_line((vaddr_t)(uintptr_t)entry);
    tlb_invalidate_va_local(va);
}

uintptr_t mmu_map_device(const char *name, paddr_t phys, size_t size)
{
    paddr_t first = ALIGN_DOWN(phys, SECTION_SIZE);
    paddr_t last = ALIGN_DOWN(phys + size - 1, SECTION_SIZE);
    size_t sections = ((last - first) >> SECTION_SHIFT) + 1;

    if (device_mapping_count == MMU_MAX_DEVICE_MAPPINGS ||
        device_window_next + sections * SECTION_SIZE > DEVICE_WINDOW_END)
        panic("device window full mapping %s", name);
    /* Reuse a section already mapped for an earlier device in the same MiB. */
    for (unsigned i = 0; i < device_mapping_count; i++) {
        const struct device_mapping *m = &device_mappings[i];
        if (ALIGN_DOWN(m->phys, SECTION_SIZE) == first && sections == 1) {
            vaddr_t va = ALIGN_DOWN(m->virt, SECTION_SIZE) + (phys - first);
            device_mappings[device_mapping_count++] = (struct device_mapping){ name, phys, va, size };
            return va;
        }
    }
    vaddr_t base = device_window_next;
    for (size_t i = 0; i < sections; i++)
        set_section(base + i * SECTION_SIZE, (first + i * SECTION_SIZE) | SECTION_KERNEL_DEVICE);
    device_window_next += sections * SECTION_SIZE;
    vaddr_t va = base + (phys - first);
    device_mappings[device_mapping_count++] = (struct device_mapping){ name, phys, va, size };
    return va;
}

void mmu_limit_kernel_window(size_t ram_size)
{
    for (vaddr_t va = KERNEL_VIRT_OFFSET + ALIGN_UP(ram_size, SECTION_SIZE);
         va < KERNEL_VIRT_OFFSET + KERNEL_WINDOW_SIZE; va += SECTION_SIZE)
        set_section(va, 0);
}

void mmu_remove_identity_map(void)
{
    for (vaddr_t va = 0; va < USER_SPACE_END; va += SECTION_SIZE) {
        uint32_t *entry = &boot_page_directory[va >> SECTION_SHIFT];
        if (*entry) {
            *entry = 0;
            dcache_clean_line((vaddr_t)(uintptr_t)entry);
        }
    }
    tlb_invalidate_all_local();
}

unsigned mmu_device_mapping_count(void)
{
    return device_mapping_count;
}

const struct device_mapping *mmu_device_mapping(unsigned index)
{
    return index < device_mapping_count ? &device_mappings[index] : NULL;
}

void mmu_map_kernel_page(vaddr_t va, uint32_t descriptor)
{
    /* Only the top MiB has a coarse table (the vector page's). */
    if ((va >> SECTION_SHIFT) != (VECTOR_PAGE_BASE >> SECTION_SHIFT))
        panic("no kernel page table for %08lx", (unsigned long)va);
    uint32_t *entry = &vector_page_table[(va >> PAGE_SHIFT) & 0xff];
    *entry = descriptor;
    dcache_clean_line((vaddr_t)(uintptr_t)entry);
    tlb_invalidate_va_local(va);
}
