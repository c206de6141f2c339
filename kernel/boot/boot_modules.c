/* SPDX-License-Identifier: MIT */
/*
 * Finding and checking the boot image at start-up. A bad table is fatal: the kernel cannot
 * know what to run, so it panics naming the problem (and the module, where there is one).
 */
#include <arch/memory.h>
#include <boot/boot_modules.h>
#include <core/console.h>
#include <core/panic.h>

/* In .data so mkimage can patch it in the ELF file (docs/boot.md). */
volatile struct boot_image_location boot_image_location __section(".data") = { 0, 0 };

static const void *image;

void boot_modules_init(paddr_t ram_end)
{
    paddr_t address = boot_image_location.address;
    struct boot_image_problem problem;

    if (address == 0)
        panic("boot image: %s", boot_image_error_text(BOOT_IMAGE_NOT_PRESENT));
    if (address >= ram_end || !IS_ALIGNED(address, 4096))
        panic("boot image: module table address %08lx outside RAM (ends %08lx)",
              (unsigned long)address, (unsigned long)ram_end);
    image = phys_to_virt(address);
    size_t available = ram_end - address;
    if (boot_image_location.size < available)
        available = boot_image_location.size;
    if (boot_image_check(image, available, &problem) == BOOT_IMAGE_OK)
        return;
    if (problem.module >= 0)
        panic("boot image: %s: module %d (expected %08lx, found %08lx)",
              boot_image_error_text(problem.error), problem.module,
              (unsigned long)problem.expected, (unsigned long)problem.found);
    panic("boot image: %s (expected %08lx, found %08lx)", boot_image_error_text(problem.error),
          (unsigned long)problem.expected, (unsigned long)problem.found);
}

static const struct boot_image_header *header(void)
{
    return image;
}

unsigned boot_module_count(void)
{
    return header()->module_count;
}

const struct boot_image_module *boot_module(unsigned index)
{
    return boot_image_module(image, index);
}

const void *boot_module_data(unsigned index)
{
    return boot_image_module_data(image, index);
}

paddr_t boot_module_phys(unsigned index)
{
    return boot_image_location.address + boot_module(index)->offset;
}

const char *boot_cmdline(void)
{
    return boot_image_cmdline(image);
}

paddr_t boot_image_phys_start(void)
{
    return boot_image_location.address;
}

paddr_t boot_image_phys_end(void)
{
    return boot_image_location.address + header()->image_size;
}
