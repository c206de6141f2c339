/* SPDX-License-Identifier: MIT */
/*
 * The boot image as the running kernel sees it: mkimage writes the physical location of the
 * module table into boot_image_location; boot_modules_init() checks the table (panicking
 * with the problem named if it is bad) and keeps it for the rest of boot.
 */
#ifndef PECAN_BOOT_BOOT_MODULES_H
#define PECAN_BOOT_BOOT_MODULES_H

#include <lib/boot_image.h>
#include <types.h>

/* Filled in by tools/mkimage in the packed kernel ELF (docs/boot.md). */
struct boot_image_location {
    paddr_t address;   /* physical address of the module table, 0 if not packed */
    uint32_t size;     /* bytes mkimage placed there */
};
extern volatile struct boot_image_location boot_image_location;

void boot_modules_init(paddr_t ram_end);
unsigned boot_module_count(void);
const struct boot_image_module *boot_module(unsigned index);
paddr_t boot_module_phys(unsigned index);
const void *boot_module_data(unsigned index);
const char *boot_cmdline(void);
/* Physical range the whole image occupies. */
paddr_t boot_image_phys_start(void);
paddr_t boot_image_phys_end(void);

#endif
