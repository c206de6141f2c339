/* SPDX-License-Identifier: MIT */
/*
 * Sorted region array (region_tree.h). Ends are computed as start + size - 1 ("last") so
 * that a region reaching 0xFFFFFFFF needs no 33-bit arithmetic.
 */
#include "region_tree.h"

#include <pecan/errors.h>

static uint32_t last_of(const struct region *r)
{
    return r->start + (r->size - 1);
}

void region_tree_init(struct region_tree *t, struct region *storage, unsigned capacity)
{
    t->regions = storage;
    t->count = 0;
    t->capacity = capacity;
}

/* Index of the first region whose last byte is >= address (count if none). */
static unsigned lower_bound(const struct region_tree *t, uint32_t address)
{
    unsigned lo = 0, hi = t->count;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (last_of(&t->regions[mid]) < address)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int region_tree_find(const struct region_tree *t, uint32_t address)
{
    unsigned i = lower_bound(t, address);
    if (i < t->count && t->regions[i].start <= address)
        return (int)i;
    return -1;
}

int region_tree_insert(struct region_tree *t, const struct region *r)
{
    if (r->size == 0 || r->start + (r->size - 1) < r->start)
        return -PECAN_EINVAL;
    unsigned i = lower_bound(t, r->start);
    if (i < t->count && t->regions[i].start <= last_of(r))
        return -PECAN_EEXIST;
    if (t->count >= t->capacity)
        return -PECAN_ENOMEM;
    for (unsigned k = t->count; k > i; k--)
        t->regions[k] = t->regions[k - 1];
    t->regions[i] = *r;
    t->count++;
    return (int)i;
}

void region_tree_remove(struct region_tree *t, unsigned index)
{
    if (index >= t->count)
        return;
    for (unsigned k = index; k + 1 < t->count; k++)
        t->regions[k] = t->regions[k + 1];
    t->count--;
}

static int align_up(uint32_t value, unsigned align_bits, uint32_t *out)
{
    uint32_t mask = (align_bits >= 32) ? 0xFFFFFFFFu : (1u << align_bits) - 1;
    if (value > 0xFFFFFFFFu - mask)
        return -1;
    *out = (value + mask) & ~mask;
    return 0;
}

int region_tree_search(const struct region_tree *t, uint32_t size, unsigned align_bits,
                       uint32_t lower, uint32_t limit, uint32_t *address)
{
    if (size == 0 || align_bits > 31)
        return -PECAN_ENOMEM;
    uint32_t candidate;
    if (align_up(lower, align_bits, &candidate))
        return -PECAN_ENOMEM;
    for (unsigned i = lower_bound(t, candidate); ; i++) {
        /* Room before region i (or before limit when none is left)? */
        uint32_t end = i < t->count && t->regions[i].start < limit ? t->regions[i].start : limit;
        if (candidate <= end && end - candidate >= size) {
            *address = candidate;
            return 0;
        }
        if (i >= t->count || t->regions[i].start >= limit)
            return -PECAN_ENOMEM;
        uint32_t after = last_of(&t->regions[i]);
        if (after == 0xFFFFFFFFu || align_up(after + 1, align_bits, &candidate))
            return -PECAN_ENOMEM;
    }
}

unsigned region_tree_check(const struct region_tree *t)
{
    unsigned problems = 0;
    for (unsigned i = 0; i < t->count; i++) {
        const struct region *r = &t->regions[i];
        if (r->size == 0 || last_of(r) < r->start)
            problems++;
        if (i > 0 && last_of(&t->regions[i - 1]) >= r->start)
            problems++;
    }
    return problems;
}
