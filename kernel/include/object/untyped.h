/* SPDX-License-Identifier: MIT */
/* Untyped memory: the only source of kernel objects (object/untyped.c). */
#ifndef PECAN_OBJECT_UNTYPED_H
#define PECAN_OBJECT_UNTYPED_H

#include <object/cap.h>

#define UNTYPED_MIN_BITS 12
#define CNODE_MAX_RADIX 16
#define RETYPE_MAX_COUNT 2048   /* the objects of one retype are made in one step */
#define RETYPE_ZERO_CHUNK_BITS 12   /* the retype zeroes 4 KiB between preemption checks */

/* The size of one object of a retype type (PECAN_OBJ_*), or 0 if the combination of type
 * and size_bits is invalid. */
unsigned object_size_bits(unsigned type, unsigned size_bits);

/* Makes an untyped capability (boot). */
struct capability untyped_cap(paddr_t base, unsigned size_bits, bool device);

#endif
