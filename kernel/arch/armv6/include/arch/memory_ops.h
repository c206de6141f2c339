/* SPDX-License-Identifier: MIT */
/* Block zeroing and copying (arch/armv6/memory_ops.S): 32-byte aligned, 32-byte multiples. */
#ifndef PECAN_ARCH_MEMORY_OPS_H
#define PECAN_ARCH_MEMORY_OPS_H

#include <types.h>

void arch_zero_blocks(void *dst, size_t bytes);
void arch_copy_blocks(void *dst, const void *src, size_t bytes);

#endif
