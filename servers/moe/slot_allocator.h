/* SPDX-License-Identifier: MIT */
/*
 * Free slots of one single-level CNode (moe's root CNode, up to
 * 2^PECAN_ROOT_CNODE_MAX_BITS slots): a bitmap, one bit per slot, set while the slot is in
 * use, and a summary with one bit per bitmap word, set while the word is full. Single
 * slots are found from a moving hint and runs of consecutive slots (for retypes of
 * several objects at once) first-fit; both skip full words through the summary, so a
 * search looks at one summary word per 1024 slots, not at every slot. Portable
 * (host-tested in tests/unit/test_moe_memory.c).
 *
 * Invariants: up to the summary word that covers limit, a bit of used is clear exactly
 * when the slot is empty and nobody has reserved it (slots outside [first, limit) stay
 * set) and a bit of full is set exactly when its word of used is all ones; the words
 * above are never read (init does not touch them); free_count is the number of clear
 * bits.
 */
#ifndef MOE_SLOT_ALLOCATOR_H
#define MOE_SLOT_ALLOCATOR_H

#include <stdint.h>
#include <pecan/bootinfo.h>

#define SLOT_ALLOCATOR_MAX_SLOTS (1u << PECAN_ROOT_CNODE_MAX_BITS)
#define SLOT_ALLOCATOR_WORDS (SLOT_ALLOCATOR_MAX_SLOTS / 32)

struct slot_allocator {
    uint32_t used[SLOT_ALLOCATOR_WORDS];        /* bit per slot: in use */
    uint32_t full[SLOT_ALLOCATOR_WORDS / 32];   /* bit per word of used: all in use */
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
