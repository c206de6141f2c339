/* SPDX-License-Identifier: MIT */
/*
 * A lock-free bitmap of numbered slots (portable; host-tested in tests/unit): bit set =
 * slot in use. Allocation claims a bit with compare-and-swap, so threads on several CPUs
 * can allocate and free at once. Used for capability slots and UTCB slots.
 */
#ifndef PECAN_RT_SLOT_BITMAP_H
#define PECAN_RT_SLOT_BITMAP_H

#include <stdint.h>

struct slot_bitmap {
    uint32_t *words;
    unsigned count;        /* slots 0..count-1 */
    unsigned hint;         /* word where the last allocation succeeded */
};

/* Slots below first_free are in use from the start; words holds (count + 31) / 32. */
void slot_bitmap_init(struct slot_bitmap *bitmap, uint32_t *words, unsigned count,
                      unsigned first_free);
/* A free slot, now in use, or -1 if there is none. */
int slot_bitmap_alloc(struct slot_bitmap *bitmap);
/* Returns slot; 0, or -1 if it was out of range or not in use. */
int slot_bitmap_free(struct slot_bitmap *bitmap, unsigned slot);
unsigned slot_bitmap_free_count(const struct slot_bitmap *bitmap);

#endif
