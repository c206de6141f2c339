/* SPDX-License-Identifier: MIT */
/*
 * Capability lookup through guarded CNodes (include/core/cspace.h). A CNode capability
 * keeps its radix in size_bits, its guard value in badge and the guard length in extra.
 * Every level consumes at least one bit (CNodes have at least two slots), so a lookup
 * ends after at most 32 levels even if CNodes form a cycle.
 */
#include <core/cspace.h>
#include <pecan/errors.h>

static word_t low_bits(word_t value, unsigned bits)
{
    return bits >= 32 ? value : value & ((1u << bits) - 1);
}

/* Bits [from - count, from) of index, for from <= 32. */
static word_t index_bits(word_t index, unsigned from, unsigned count)
{
    if (count == 0)
        return 0;
    return low_bits(from - count >= 32 ? 0 : index >> (from - count), count);
}

struct capability cspace_cnode_cap(struct cte *slots, unsigned radix_bits, word_t guard,
                                   unsigned guard_bits, unsigned rights)
{
    return (struct capability){
        .type = CAP_CNODE,
        .rights = (uint8_t)rights,
        .size_bits = (uint8_t)radix_bits,
        .object = (uintptr_t)slots,
        .badge = guard,
        .extra = guard_bits,
    };
}

/* One level: checks the guard and picks the slot; *bits counts what is left of index. */
static int resolve_level(const struct capability *node, word_t index, unsigned *bits,
                         struct cte **slot)
{
    unsigned radix = node->size_bits;
    unsigned guard_bits = node->extra;
    if (radix + guard_bits > *bits || radix == 0)
        return -PECAN_EINVALCAP;
    if (index_bits(index, *bits, guard_bits) != node->badge)
        return -PECAN_EINVALCAP;
    *bits -= guard_bits;
    *slot = (struct cte *)(uintptr_t)node->object + index_bits(index, *bits, radix);
    *bits -= radix;
    return 0;
}

int cspace_lookup_levels(const struct capability *node, word_t index, struct cte **slot)
{
    if (!node || node->type != CAP_CNODE)
        return -PECAN_EINVALCAP;
    unsigned bits = 32;
    for (;;) {
        unsigned radix = node->size_bits, level = radix + node->extra;
        if (level > bits || radix == 0)
            return -PECAN_EINVALCAP;
        bits -= level;
        /* Guard and slot number together; level is at least 1, so bits is at most 31. */
        word_t chunk = level == 32 ? index : (index >> bits) & ((1u << level) - 1);
        if ((chunk >> radix) != node->badge)
            return -PECAN_EINVALCAP;
        struct cte *s = (struct cte *)node->object + (chunk & ((1u << radix) - 1));
        if (bits == 0 || s->cap.type != CAP_CNODE) {
            *slot = s;
            return 0;
        }
        node = &s->cap;
    }
}

int cspace_lookup_exact(const struct capability *node, word_t index, unsigned depth,
                        struct cte **slot)
{
    if (!node || node->type != CAP_CNODE || depth == 0 || depth > 32)
        return -PECAN_EINVALCAP;
    /* Fast path: a one-level name in a CNode whose zero guard fills the depth. */
    if (node->extra + node->size_bits == depth && node->badge == 0 &&
        (index_bits(index, depth, depth) >> node->size_bits) == 0) {
        *slot = (struct cte *)node->object + low_bits(index, node->size_bits);
        return 0;
    }
    unsigned bits = depth;
    for (;;) {
        int err = resolve_level(node, index, &bits, slot);
        if (err)
            return err;
        if (bits == 0)
            return 0;
        if ((*slot)->cap.type != CAP_CNODE)
            return -PECAN_EINVALCAP;   /* bits left over but no CNode to resolve them */
        node = &(*slot)->cap;
    }
}
