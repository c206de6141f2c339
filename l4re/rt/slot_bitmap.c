/* SPDX-License-Identifier: MIT */
/* Lock-free slot bitmap (slot_bitmap.h). The hint only speeds up the search; any word may
 * be claimed by anyone, the compare-and-swap decides. */
#include "slot_bitmap.h"

void slot_bitmap_init(struct slot_bitmap *bitmap, uint32_t *words, unsigned count,
                      unsigned first_free)
{
    unsigned n = (count + 31) / 32;
    bitmap->words = words;
    bitmap->count = count;
    bitmap->hint = 0;
    for (unsigned i = 0; i < n; i++) {
        uint32_t used = 0;
        for (unsigned b = 0; b < 32; b++) {
            unsigned slot = i * 32 + b;
            if (slot < first_free || slot >= count)
                used |= 1u << b;
        }
        words[i] = used;
    }
}

static int claim_in_word(uint32_t *word)
{
    uint32_t old = __atomic_load_n(word, __ATOMIC_RELAXED);
    while (old != 0xFFFFFFFFu) {
        unsigned bit = (unsigned)__builtin_ctz(~old);
        if (__atomic_compare_exchange_n(word, &old, old | 1u << bit, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED))
            return (int)bit;
    }
    return -1;
}

int slot_bitmap_alloc(struct slot_bitmap *bitmap)
{
    unsigned n = (bitmap->count + 31) / 32;
    unsigned start = __atomic_load_n(&bitmap->hint, __ATOMIC_RELAXED);
    for (unsigned k = 0; k < n; k++) {
        unsigned i = (start + k) % n;
        int bit = claim_in_word(&bitmap->words[i]);
        if (bit < 0)
            continue;
        __atomic_store_n(&bitmap->hint, i, __ATOMIC_RELAXED);
        return (int)(i * 32 + (unsigned)bit);
    }
    return -1;
}

int slot_bitmap_free(struct slot_bitmap *bitmap, unsigned slot)
{
    if (slot >= bitmap->count)
        return -1;
    uint32_t mask = 1u << (slot % 32);
    uint32_t old = __atomic_fetch_and(&bitmap->words[slot / 32], ~mask, __ATOMIC_ACQ_REL);
    return old & mask ? 0 : -1;
}

unsigned slot_bitmap_free_count(const struct slot_bitmap *bitmap)
{
    unsigned n = (bitmap->count + 31) / 32, free = 0;
    for (unsigned i = 0; i < n; i++)
        free += 32u - (unsigned)__builtin_popcount(__atomic_load_n(&bitmap->words[i],
                                                                   __ATOMIC_RELAXED));
    return free;
}
