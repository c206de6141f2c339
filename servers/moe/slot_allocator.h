/* SPDX-License-Identifier: MIT */
/*
 * Free slots of one single-level CNode (moe's root CNode): a bitmap, one bit per slot,
 * set while the slot is in use. Runs of consecutive slots are handed out for retypes of
 * several objects at once. Portable (host-tested in tests/unit/test_moe_slots.c).
 *
 * Invariant: a bit is clear exactly when the slot is empty and nobody has reserved it.
 */
#ifndef MOE_SLOT_ALLOCATOR_H
#define MOE_SLOT_ALLOCATOR_H

#include <stdint.h>

#define SLOT_ALLOCATOR_MAX_SLOTS 16384u

struct slot_allocator {
    uint32_t used[SLOT_ALLOCATOR_MAX_SLOTS / 32];
    uint32_t first;      /* slots below are never handed out (well-known and boot caps) */
    uint32_t limit;      /* one past the last slot */
    uint32_t hint;       /* search for single slots starts here */
    uint32_t free_count;
};

/* Slots first .. limit - 1 are free; limit <= SLOT_ALLOCATOR_MAX_SLOTS. */
void slot_allocator_init(struct slot_allocator *a, uint32_t first, uint32_t limit);
/* The first slot of count free consecutive slots (now in use), or 0 if there is none. */
uint32_t slot_allocator_alloc(struct slot_allocator *a, uint32_t count);
/* Gives back count slots from first (each must be in use). */
void slot_allocator_free(struct slot_allocator *a, uint32_t first, uint32_t count);
int slot_allocator_is_used(const struct slot_allocator *a, uint32_t slot);

#endif
