/* SPDX-License-Identifier: MIT */
/*
 * Quotas (memory.h): how many bytes of moe's memory a client may hold. A sub-quota is
 * charged to its parent with its whole limit when it is made, so charging a quota never
 * walks up the tree and a client can never take more than its parent set aside for it.
 * Portable (tests/unit/test_moe_quota.c).
 */
#include "memory.h"

#include <pecan/errors.h>

int quota_init(struct quota *q, struct quota *parent, uint32_t limit)
{
    if (parent) {
        if (parent->limit - parent->used < limit)
            return -PECAN_ENOMEM;
        parent->used += limit;
    }
    q->limit = limit;
    q->used = 0;
    q->objects = 0;
    q->parent = parent;
    for (unsigned i = 0; i <= QUOTA_RECORD_CLASSES; i++)
        q->record_pages[i] = 0;
    return 0;
}

int quota_fini(struct quota *q)
{
    if (q->used != 0)
        return -PECAN_EBUSY;
    if (q->parent)
        q->parent->used -= q->limit;
    q->parent = 0;
    q->limit = 0;
    return 0;
}

int quota_charge(struct quota *q, uint32_t bytes)
{
    if (q->limit - q->used < bytes)
        return -PECAN_ENOMEM;
    q->used += bytes;
    q->objects++;
    return 0;
}

void quota_release(struct quota *q, uint32_t bytes)
{
    /* Releasing more than was charged is a bug in moe; clamp so the numbers stay sane. */
    q->used = bytes <= q->used ? q->used - bytes : 0;
    if (q->objects)
        q->objects--;
}

int quota_charge_slot(struct quota *q)
{
    return quota_charge(q, MEMORY_SLOT_PRICE);
}

void quota_release_slot(struct quota *q)
{
    quota_release(q, MEMORY_SLOT_PRICE);
}
