/* SPDX-License-Identifier: MIT */
/*
 * moe's memory (docs/runtime.md, "Memory and quotas in moe"): every untyped the kernel
 * gave moe, managed as a buddy allocator of untyped capabilities, and the quotas every
 * allocation is charged to. Frames handed out are mapped in moe's own address space at
 * memory_local(phys), so moe can zero, copy and send them with memory items.
 *
 * Invariants: a quota's used bytes are the sum of the sizes of the blocks charged to it
 * (its sub-quotas count with their whole limit); a free block's untyped capability has no
 * children; every allocated block is charged to exactly one quota.
 */
#ifndef MOE_MEMORY_H
#define MOE_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include <pecan/syscall.h>

struct quota {
    uint32_t limit;           /* bytes this quota may hold */
    uint32_t used;            /* bytes held (blocks + the limits of sub-quotas) */
    uint32_t objects;         /* blocks held */
    struct quota *parent;     /* charged with this quota's whole limit; NULL for moe's own */
};

/* A block of memory: an untyped capability of 2^size_bits bytes in moe's CNode, from which
 * exactly one object (or frame) was retyped into slot object. */
struct memory_block {
    pecan_cap_t untyped;
    pecan_cap_t object;       /* the object's capability (moe's original), 0 while free */
    uint32_t phys;
    uint8_t size_bits;
    uint8_t type;             /* PECAN_OBJ_* of the object */
    struct quota *charged_to;
};

/* Takes the untyped capabilities listed in the boot info. */
void memory_init(const struct pecan_bootinfo *info);

/* Quotas */
void quota_init(struct quota *q, struct quota *parent, uint32_t limit);
int quota_charge(struct quota *q, uint32_t bytes);      /* 0 or -PECAN_ENOMEM */
void quota_release(struct quota *q, uint32_t bytes);

/* Retypes one kernel object of the given type and size (size_bits as for untyped retype;
 * 0 where the type has a fixed size) from a fresh block charged to q. On success *block
 * describes it and block->object holds moe's capability. -PECAN_ENOMEM if the quota or
 * moe's memory is exhausted (nothing is changed then). */
int memory_alloc_object(struct quota *q, unsigned type, unsigned size_bits,
                        struct memory_block *block);

/* A frame of 2^size_bits bytes (12, 16 or 20), zeroed, mapped read-write in moe's space at
 * memory_local(block->phys). contiguous_bits > size_bits asks for a block that large
 * (returned as one untyped split into frames by the caller: see memory_alloc_contiguous). */
int memory_alloc_frame(struct quota *q, unsigned size_bits, struct memory_block *block);

/* Physically contiguous memory of 2^size_bits bytes as 4 KiB frames in consecutive slots
 * block->object .. + (1 << (size_bits - 12)) - 1, all mapped in moe's space. */
int memory_alloc_contiguous(struct quota *q, unsigned size_bits, struct memory_block *block);

/* Destroys the object (revoking every capability derived from moe's, wherever it is:
 * mappings of frames go too), returns the block to the allocator and the bytes to the
 * quota it was charged to. */
void memory_free(struct memory_block *block);

/* moe's address of a RAM frame it handed out. */
void *memory_local(uint32_t phys);

/* Totals for the memory report: bytes of RAM free in the allocator, and in all. */
uint32_t memory_free_bytes(void);
uint32_t memory_total_bytes(void);

/* A free slot in moe's CNode, and giving it back (the slot must be empty). */
pecan_cap_t moe_slot_alloc(void);
void moe_slot_free(pecan_cap_t slot);

#endif
