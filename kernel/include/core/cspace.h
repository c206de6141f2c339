/* SPDX-License-Identifier: MIT */
/*
 * Capability lookup. A capability space is a tree of CNodes; each CNode capability has a
 * guard (value and length) that must match the next index bits, then the CNode's radix
 * bits pick a slot. An index is resolved from its most significant bit down. Ordinary
 * tasks use one CNode whose guard covers all high bits, so index n is slot n (fast path).
 * Portable: unit-tested on the host.
 */
#ifndef PECAN_CORE_CSPACE_H
#define PECAN_CORE_CSPACE_H

#include <object/cap.h>
#include <pecan/errors.h>

/* The general lookup: guards and radices level by level. */
int cspace_lookup_levels(const struct capability *root, word_t index, struct cte **slot);

/* The common case alone: root is a CNode capability whose guard covers all the bits above
 * its radix (one level), and index is inside it. False otherwise, changing nothing. The
 * lookup the IPC fast path makes (arch/armv6/syscall.S does it in assembly). */
static inline bool cspace_lookup_one_level(const struct capability *root, word_t index,
                                           struct cte **slot)
{
    unsigned radix = root->size_bits;
    if (root->type != CAP_CNODE || root->extra + radix != 32 || (index >> radix) != root->badge)
        return false;
    *slot = (struct cte *)root->object + (index & ((1u << radix) - 1));
    return true;
}

/* Resolves a whole 32-bit index from the CNode capability root; stops early at a slot
 * that is not a CNode (object-terminated). Returns 0 or -PECAN_EINVALCAP. Inline, for
 * the one-level case. */
static inline int cspace_lookup(const struct capability *root, word_t index, struct cte **slot)
{
    if (root && cspace_lookup_one_level(root, index, slot))
        return 0;
    return cspace_lookup_levels(root, index, slot);
}

/* Resolves exactly depth bits of index (the low depth bits) starting at the CNode
 * capability node: for naming slots in CNode operations. */
int cspace_lookup_exact(const struct capability *node, word_t index, unsigned depth,
                        struct cte **slot);

/* Builds a CNode capability (object: slots at kernel VA, radix bits, guard). */
struct capability cspace_cnode_cap(struct cte *slots, unsigned radix_bits, word_t guard,
                                   unsigned guard_bits, unsigned rights);

#endif
