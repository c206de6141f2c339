/* SPDX-License-Identifier: MIT */
/*
 * Basic types of the kernel. Portable: also compiled on the host for unit tests, so only
 * fixed-width types are used for anything whose size matters.
 */
#ifndef PECAN_TYPES_H
#define PECAN_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t word_t;   /* a machine word of the target (ARMv6: 32 bits) */
typedef uint32_t paddr_t;  /* physical address */
typedef uint32_t vaddr_t;  /* virtual address */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((a) - 1)) == 0)

#define KIB(x) ((x) * 1024u)
#define MIB(x) ((x) * 1024u * 1024u)

#endif
