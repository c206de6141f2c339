/* SPDX-License-Identifier: MIT */
/*
 * devmem: device memory through moe's IOMEM object, as a driver gets it. Maps the board's
 * SP804 timer (0x10011000) through a device dataspace, reads its PrimeCell identification
 * and writes and reads back its load register, and checks that IOMEM refuses what is not
 * device memory it may hand out (RAM, the system registers the kernel keeps, a misaligned
 * range).
 */
#include <stdio.h>
#include <pecan/iomem.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>

#define SP804 0x10011000u
#define SYSTEM_REGISTERS 0x10000000u          /* the kernel's (SYS_FLAGS, reset) */
#define SP804_LOAD 0x000u
#define SP804_PERIPH_ID0 0xFE0u               /* 0x04, then 0x18: an SP804 */
#define SP804_CELL_ID0 0xFF0u                 /* 0x0D: a PrimeCell */
#define LOAD_PATTERN 0x00123456u

static int refused(pecan_cap_t iomem, pecan_word_t phys, pecan_word_t size, const char *what)
{
    pecan_cap_t slot;
    if (pecan_cap_alloc(&slot))
        return 0;
    int err = pecan_iomem_dataspace(iomem, PECAN_ENV_FACTORY, phys, size, slot);
    if (err == 0) {
        printf("devmem: %s was given out (FAILED)\n", what);
        pecan_cap_release(slot);
        return 0;
    }
    printf("devmem: %s refused (error %d)\n", what, err);
    pecan_cap_free(slot);
    return 1;
}

int main(void)
{
    pecan_cap_t iomem = pecan_env_cap("iomem"), ds;
    if (!iomem || pecan_cap_alloc(&ds)) {
        printf("devmem: no iomem capability (FAILED)\n");
        return 1;
    }
    int err = pecan_iomem_dataspace(iomem, PECAN_ENV_FACTORY, SP804, 0x1000, ds);
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &at, 0x1000,
                              PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE, ds, 0);
    if (err) {
        printf("devmem: mapping the SP804: error %d (FAILED)\n", err);
        return 1;
    }
    volatile uint32_t *timer = (volatile uint32_t *)(uintptr_t)at;
    uint32_t periph = timer[SP804_PERIPH_ID0 / 4] | timer[SP804_PERIPH_ID0 / 4 + 1] << 8;
    uint32_t cell = timer[SP804_CELL_ID0 / 4];
    timer[SP804_LOAD / 4] = LOAD_PATTERN;
    uint32_t load = timer[SP804_LOAD / 4];
    printf("devmem: SP804 peripheral id %04lx, cell id %02lx, load register %08lx\n",
           (unsigned long)periph, (unsigned long)cell, (unsigned long)load);
    int ok = periph == 0x1804 && cell == 0x0D && load == LOAD_PATTERN;
    ok &= refused(iomem, 0x00100000u, 0x1000, "RAM");
    ok &= refused(iomem, SYSTEM_REGISTERS, 0x1000, "the kernel's system registers");
    ok &= refused(iomem, SP804 + 0x10, 0x1000, "a misaligned range");
    pecan_rm_detach(PECAN_ENV_RM, at, 0, 0);
    pecan_cap_release(ds);
    printf("devmem: %s\n", ok ? "all checks passed" : "FAILED");
    return ok ? 0 : 1;
}
