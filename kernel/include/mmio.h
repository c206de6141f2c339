/* SPDX-License-Identifier: MIT */
/* Device register access for drivers: 32-bit volatile loads and stores. */
#ifndef PECAN_MMIO_H
#define PECAN_MMIO_H

#include <types.h>

static inline uint32_t mmio_read32(uintptr_t addr)
{
    return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t value)
{
    *(volatile uint32_t *)addr = value;
}

#endif
