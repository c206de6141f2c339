/* SPDX-License-Identifier: MIT */
/*
 * moe's CNode slot bitmap (slot_allocator.h). Searches go word by word and skip the full
 * words through the summary: a single slot from the moving hint (next fit), a run from
 * the first slot (first fit, so runs stay low and the high slots stay in long runs).
 */
#include "slot_allocator.h"

#define ALL_USED 0xFFFFFFFFu

static int bit_get(const struct slot_allocator *a, uint32_t slot)
{
    return (a->used[slot / 32] >> (slot % 32)) & 1u;
}

/* Keeps word w's summary bit in step with the word. */
static void update_full(struct slot_allocator *a, uint32_t w)
{
    if (a->used[w] == ALL_USED)
        a->full[w / 32] |= 1u << (w % 32);
    else
        a->full[w / 32] &= ~(1u << (w % 32));
}

static void mark(struct slot_allocator *a, uint32_t slot, int in_use)
{
    if (in_use)
        a->used[slot / 32] |= 1u << (slot % 32);
    else
        a->used[slot / 32] &= ~(1u << (slot % 32));
    update_full(a, slot / 32);
}

/* Word w of the bitmap at start: the bits of slots outside [first, limit) set. */
static uint32_t initial_word(uint32_t w, uint32_t first, uint32_t limit)
{
    uint32_t word = 0;
    if (w * 32 < first)
        word |= first - w * 32 >= 32 ? ALL_USED : (1u << (first - w * 32)) - 1;
    if (w * 32 + 32 > limit)
        word |= limit <= w * 32 ? ALL_USED : ALL_USED << (limit - w * 32);
    return word;
}

/* Words of the bitmap that searches look at: whole summary words up to limit. */
static uint32_t words_in_use(uint32_t limit)
{
    return (limit + 32 * 32 - 1) / (32 * 32) * 32;
}

void slot_allocator_init(struct slot_allocator *a, uint32_t first, uint32_t limit)
{
    if (limit > SLOT_ALLOCATOR_MAX_SLOTS)
        limit = SLOT_ALLOCATOR_MAX_SLOTS;
    if (first > limit)
        first = limit;
    /* Word by word, and only up to limit: this runs at moe's start-up for a CNode of up
     * to 2^18 slots. Words above are never looked at. */
    uint32_t words = words_in_use(limit);
    for (uint32_t w = 0; w < words; w++) {
        a->used[w] = initial_word(w, first, limit);
        update_full(a, w);
    }
    a->first = first;
    a->limit = limit;
    a->hint = first;
    a->free_count = limit - first;
}

/* The first word at or after w with a free slot, or SLOT_ALLOCATOR_WORDS if none. */
static uint32_t next_open_word(const struct slot_allocator *a, uint32_t w)
{
    uint32_t groups = words_in_use(a->limit) / 32;
    for (uint32_t g = w / 32; g < groups; g++) {
        uint32_t open = ~a->full[g];
        if (g == w / 32)
            open &= ALL_USED << (w % 32);
        if (open)
            return g * 32 + (uint32_t)__builtin_ctz(open);
    }
    return SLOT_ALLOCATOR_WORDS;
}

static uint32_t alloc_one(struct slot_allocator *a)
{
    uint32_t w = next_open_word(a, a->hint / 32);
    if (w == SLOT_ALLOCATOR_WORDS)
        w = next_open_word(a, 0);   /* wrap around: free_count says there is one */
    if (w == SLOT_ALLOCATOR_WORDS)
        return 0;
    uint32_t slot = w * 32 + (uint32_t)__builtin_ctz(~a->used[w]);
    mark(a, slot, 1);
    a->hint = slot;
    a->free_count--;
    return slot;
}

/* The lowest bit of count (1..32) consecutive clear bits of word, or -1. */
static int run_in_word(uint32_t word, uint32_t count)
{
    uint32_t free = ~word, starts = free;
    for (uint32_t i = 1; i < count && starts; i++)
        starts &= free >> i;
    return starts ? __builtin_ctz(starts) : -1;
}

/* The first slot of the first run of count free slots, or 0. run counts the free slots
 * that end where word w starts; full words (skipped through the summary) break it. */
static uint32_t find_run(const struct slot_allocator *a, uint32_t count)
{
    uint32_t run = 0;
    for (uint32_t w = next_open_word(a, a->first / 32), last = w; w < SLOT_ALLOCATOR_WORDS;
         last = w, w = next_open_word(a, w + 1)) {
        if (w != last + 1)
            run = 0;
        uint32_t used = a->used[w];
        uint32_t low_free = used ? (uint32_t)__builtin_ctz(used) : 32;
        if (run + low_free >= count)
            return w * 32 - run;
        int inside = count <= 32 ? run_in_word(used, count) : -1;
        if (inside >= 0)
            return w * 32 + (uint32_t)inside;
        run = used ? (uint32_t)__builtin_clz(used) : run + 32;
    }
    return 0;
}

static uint32_t alloc_run(struct slot_allocator *a, uint32_t count)
{
    uint32_t first = find_run(a, count);
    if (!first)
        return 0;
    for (uint32_t s = first; s < first + count; s++)
        mark(a, s, 1);
    a->free_count -= count;
    return first;
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
        mark(a, s, 0);
        a->free_count++;
    }
}

int slot_allocator_is_used(const struct slot_allocator *a, uint32_t slot)
{
    return slot >= a->limit || bit_get(a, slot);
}
