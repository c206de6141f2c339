/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own mappings are as docs/boot.md describes: RAM through the kernel window
 * up to the end of RAM and no further, devices in the device window, the vector page at
 * 0xFFFF0000 (read-only), no identity map left after boot, and faults on unmapped
 * addresses reach the fault path with the right address and status.
 */
#include <arch/memory.h>
#include <arch/mmu.h>
#include <arch/processor.h>
#include <arch/trap.h>
#include <boot/init.h>
#include <core/cpu.h>
#include <ktest.h>
#include <lib/string.h>

#define FSR_TRANSLATION_SECTION 0x5
#define FSR_PERMISSION_PAGE 0xF
#define FSR_WRITE (1u << 11)

static word_t fault_kind(word_t fsr)
{
    return (fsr & 0xf) | ((fsr >> 6) & 0x10);
}

KTEST(mmu_control_bits)
{
    word_t sctlr = cpu_read_sctlr();
    KTEST_EXPECT(sctlr & SCTLR_MMU);
    KTEST_EXPECT(sctlr & SCTLR_DCACHE);
    KTEST_EXPECT(sctlr & SCTLR_ICACHE);
    KTEST_EXPECT(sctlr & SCTLR_HIGH_VECTORS);
    KTEST_EXPECT(sctlr & SCTLR_EXTENDED_PT);
    return true;
}

KTEST(mmu_kernel_window_reads_all_ram)
{
    static volatile word_t marker = 0x600DF00D;
    word_t value;
    /* Each MiB of RAM through the window, first and last word. */
    for (paddr_t pa = 0; pa < boot_info.ram_size; pa += SECTION_SIZE) {
        KTEST_EXPECT(arch_probe_read_word(KERNEL_VIRT_OFFSET + pa, &value));
        KTEST_EXPECT(arch_probe_read_word(KERNEL_VIRT_OFFSET + pa + SECTION_SIZE - 4, &value));
    }
    /* The window really is RAM at PA + offset: the kernel image reads back through it. */
    KTEST_EXPECT(arch_probe_read_word((vaddr_t)(uintptr_t)phys_to_virt(virt_to_phys((void *)&marker)),
                                      &value));
    KTEST_EXPECT_EQ(value, 0x600DF00D);
    return true;
}

KTEST(mmu_kernel_window_ends_with_ram)
{
    if (boot_info.ram_size >= KERNEL_WINDOW_SIZE)
        return true;
    word_t value;
    vaddr_t beyond = KERNEL_VIRT_OFFSET + boot_info.ram_size;
    KTEST_EXPECT(!arch_probe_read_word(beyond, &value));
    KTEST_EXPECT_EQ(this_cpu()->probe_fault_address, beyond);
    KTEST_EXPECT_EQ(fault_kind(this_cpu()->probe_fault_status), FSR_TRANSLATION_SECTION);
    return true;
}

KTEST(mmu_device_window_maps_every_device)
{
    KTEST_EXPECT(mmu_device_mapping_count() > 0);
    for (unsigned i = 0; i < mmu_device_mapping_count(); i++) {
        const struct device_mapping *m = mmu_device_mapping(i);
        word_t value;
        KTEST_EXPECT(m->virt >= DEVICE_WINDOW_BASE && m->virt + m->size <= DEVICE_WINDOW_END);
        KTEST_EXPECT(arch_probe_read_word(m->virt, &value));
    }
    return true;
}

KTEST(mmu_device_window_reaches_the_uart)
{
    /* The PL011's PrimeCell identification registers, read through its mapping. */
    for (unsigned i = 0; i < mmu_device_mapping_count(); i++) {
        const struct device_mapping *m = mmu_device_mapping(i);
        if (strncmp(m->name, "uart0", 5) != 0)
            continue;
        word_t part, cell0, cell1;
        KTEST_EXPECT(arch_probe_read_word(m->virt + 0xFE0, &part));
        KTEST_EXPECT(arch_probe_read_word(m->virt + 0xFF0, &cell0));
        KTEST_EXPECT(arch_probe_read_word(m->virt + 0xFF4, &cell1));
        KTEST_EXPECT_EQ(part & 0xff, 0x11);
        KTEST_EXPECT_EQ(cell0 & 0xff, 0x0D);
        KTEST_EXPECT_EQ(cell1 & 0xff, 0xF0);
        return true;
    }
    kprintf("#   no uart0 mapping\n");
    return false;
}

KTEST(mmu_vector_page_is_mapped_read_only)
{
    extern const word_t vector_page[];
    for (unsigned i = 0; i < 16; i++) {
        word_t value;
        KTEST_EXPECT(arch_probe_read_word(VECTOR_PAGE_BASE + 4 * i, &value));
        KTEST_EXPECT_EQ(value, vector_page[i]);
    }
    KTEST_EXPECT(!arch_probe_write_word(VECTOR_PAGE_BASE, 0));
    KTEST_EXPECT_EQ(this_cpu()->probe_fault_address, VECTOR_PAGE_BASE);
    KTEST_EXPECT_EQ(fault_kind(this_cpu()->probe_fault_status), FSR_PERMISSION_PAGE);
    KTEST_EXPECT(this_cpu()->probe_fault_status & FSR_WRITE);
    return true;
}

KTEST(mmu_identity_map_removed_and_fault_reported)
{
    /* The kernel's own physical address was identity-mapped during boot only. */
    word_t value;
    vaddr_t kernel_phys = (vaddr_t)boot_info.kernel_phys_start;
    this_cpu()->probe_fault_address = 0;
    KTEST_EXPECT(!arch_probe_read_word(kernel_phys, &value));
    KTEST_EXPECT_EQ(this_cpu()->probe_fault_address, kernel_phys);
    KTEST_EXPECT_EQ(fault_kind(this_cpu()->probe_fault_status), FSR_TRANSLATION_SECTION);
    KTEST_EXPECT(!(this_cpu()->probe_fault_status & FSR_WRITE));
    /* And the whole user range is empty. */
    for (vaddr_t va = 0; va < USER_SPACE_END; va += SECTION_SIZE)
        KTEST_EXPECT_EQ(boot_page_directory[va >> SECTION_SHIFT], 0);
    return true;
}
