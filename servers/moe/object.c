/* SPDX-License-Identifier: MIT */
/*
 * What every moe object has in common (moe.h): a gate of its own registered with
 * moe_server, and a place on the list of the factory that made it.
 *
 * Invariant: an owned node is on its owner's circular list exactly while owner is set.
 */
#include "moe.h"

void moe_own(struct factory *owner, struct moe_owned *owned,
             void (*destroy)(struct moe_owned *owned))
{
    owned->destroy = destroy;
    owned->destroy_first = false;
    owned->owner = owner;
    owned->next = owned->prev = owned;
    if (!owner)
        return;
    struct moe_owned *head = factory_objects(owner);
    owned->next = head->next;
    owned->prev = head;
    head->next->prev = owned;
    head->next = owned;
}

void moe_disown(struct moe_owned *owned)
{
    if (!owned->owner)
        return;
    owned->prev->next = owned->next;
    owned->next->prev = owned->prev;
    owned->next = owned->prev = owned;
    owned->owner = 0;
}

int moe_object_start(struct server_object *object, struct memory_block *gate,
                     const struct server_type *type, struct quota *q)
{
    int err = memory_alloc_object(q, PECAN_OBJ_GATE, 0, gate);
    if (err)
        return err;
    err = server_register(&moe_server, object, type, gate->object);
    if (err)
        memory_free(gate);
    return err;
}

void moe_object_end(struct server_object *object, struct memory_block *gate)
{
    server_unregister(&moe_server, object);
    memory_free(gate);
}

void moe_copy_name(char *dest, unsigned n, const char *src, unsigned length)
{
    unsigned i = 0;
    for (; i + 1 < n && i < length && src[i]; i++)
        dest[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
    dest[i] = 0;
}
