/* SPDX-License-Identifier: MIT */
/*
 * moe's CNode slot bitmap (slot_allocator.h). Single slots are found by scanning words
 * from a moving hint; runs by a first-fit scan over the bits.
 */
#include "slot_allocator.h"

static int bit_get(const struct slot_allocator *a, uint32_t slot)
{
    return (a->used[slot / 32] >> (slot % 32)) & 1u;
}

static void bit_set(struct slot_allocator *a, uint32_t slot, int value)
{
    if (value)
        a->used[slot / 32] |= 1u << (slot % 32);
    else
        a->used[slot / 32] &= ~(1u << (slot % 32));
}

void slot_allocator_init(struct slot_allocator *a, uint32_t first, uint32_t limit)
{
    if (limit > SLOT_ALLOCATOR_MAX_SLOTS)
        limit = SLOT_ALLOCATOR_MAX_SLOTS;
    if (first > limit)
        first = limit;
    for (uint32_t i = 0; i < SLOT_ALLOCATOR_MAX_SLOTS / 32; i++)
        a->used[i] = 0xFFFFFFFFu;
    for (uint32_t s = first; s < limit; s++)
        bit_set(a, s, 0);
    a->first = first;
    a->limit = limit;
    a->hint = first;
    a->free_count = limit - first;
}

static uint32_t alloc_one(struct slot_allocator *a)
{
    uint32_t words = (a->limit + 31) / 32;
    uint32_t start = a->hint / 32;
    for (uint32_t n = 0; n < words; n++) {
        uint32_t w = (start + n) % words;
        if (a->used[w] == 0xFFFFFFFFu)
            continue;
        uint32_t bit = (uint32_t)__builtin_ctz(~a->used[w]);
        uint32_t slot = w * 32 + bit;
        if (slot < a->first || slot >= a->limit)
            continue;   /* cannot happen: bits outside [first, limit) stay set */
        bit_set(a, slot, 1);
        a->hint = slot;
        a->free_count--;
        return slot;
    }
    return 0;
}

static uint32_t alloc_run(struct slot_allocator *a, uint32_t count)
{
    uint32_t run = 0;
    for (uint32_t s = a->first; s < a->limit; s++) {
        if (s % 32 == 0 && a->used[s / 32] == 0xFFFFFFFFu) {
            run = 0;
            s += 31;
            continue;
        }
        run = bit_get(a, s) ? 0 : run + 1;
        if (run == count) {
            uint32_t first = s + 1 - count;
            for (uint32_t i = first; i <= s; i++)
                bit_set(a, i, 1);
            a->free_count -= count;
            return first;
        }
    }
    return 0;
}

uint32_t slot_allocator_alloc(struct slot_allocator *a, uint32_t count)
{
    if (count == 0 || count > a->free_count)
        return 0;
    return count == 1 ? alloc_one(a) : alloc_run(a, count);
}

void slot_allocator_free(struct slot_allocator *a, uint32_t first, uint32_t count)
{
    for (uint32_t s = first; s < first + count; s++) {
        if (s < a->first || s >= a->limit || !bit_get(a, s))
            continue;   /* not ours to free: ignore rather than corrupt the count */
        bit_set(a, s, 0);
        a->free_count++;
    }
}

int slot_allocator_is_used(const struct slot_allocator *a, uint32_t slot)
{
    return slot >= SLOT_ALLOCATOR_MAX_SLOTS || bit_get(a, slot);
}
