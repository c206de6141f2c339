/* SPDX-License-Identifier: MIT */
/*
 * The kernel info page. It sits in the kernel image, page-aligned, and is mapped user
 * read-only at PECAN_KIP_ADDRESS through the kernel's coarse table for the top MiB, which
 * every address space shares (its kernel entries are copied from the boot directory).
 * The clock is published with a sequence counter: odd while it is being written.
 */
#include <arch/memory.h>
#include <arch/mmu.h>
#include <arch/processor.h>
#include <compiler.h>
#include <core/clock.h>
#include <core/kernel_info_page.h>

/* Small page, user and kernel read-only (APX=1 AP=10), normal cacheable shared memory,
 * execute-never, global. ARM ARM B4.7. */
#define PAGE_USER_READONLY 0x66F

/* A page of its own: user space sees the whole page. */
static union {
    struct pecan_kip kip;
    uint8_t page[PAGE_SIZE];
} kip_area __aligned(PAGE_SIZE);
#define kip_page kip_area.kip

void kernel_info_page_init(unsigned cpu_count)
{
    kip_page.magic = PECAN_KIP_MAGIC;
    kip_page.version = 1;
    kip_page.cpu_count = cpu_count;
    kip_page.tick_hz = CONFIG_TICK_HZ;
    mmu_map_kernel_page(PECAN_KIP_ADDRESS, virt_to_phys(&kip_page) | PAGE_USER_READONLY);
}

void kernel_info_page_update_clock(uint64_t now_ns)
{
    kip_page.sequence++;
    barrier_data_memory();
    kip_page.clock_ns_low = (uint32_t)now_ns;
    kip_page.clock_ns_high = (uint32_t)(now_ns >> 32);
    barrier_data_memory();
    kip_page.sequence++;
}
