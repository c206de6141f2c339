/* SPDX-License-Identifier: MIT */
/*
 * The capability derivation tree (include/core/cdt.h). A static sentinel closes the
 * circular list; it has depth 0 and an empty capability, so it is nobody's child and
 * nobody's identical sibling, and the end of the list needs no special case.
 */
#include <core/cdt.h>

static struct cte sentinel = { .cdt_prev = &sentinel, .cdt_next = &sentinel };

void cdt_init(void)
{
    sentinel.cdt_prev = &sentinel;
    sentinel.cdt_next = &sentinel;
}

static void link_after(struct cte *position, struct cte *slot)
{
    slot->cdt_prev = position;
    slot->cdt_next = position->cdt_next;
    position->cdt_next->cdt_prev = slot;
    position->cdt_next = slot;
}

void cdt_insert_root(struct cte *slot)
{
    slot->cdt_depth = 0;
    link_after(sentinel.cdt_prev, slot);
}

bool cdt_insert_child(struct cte *parent, struct cte *child)
{
    if (parent->cdt_depth + 1 >= CDT_MAX_DEPTH)
        return false;
    child->cdt_depth = parent->cdt_depth + 1;
    link_after(parent, child);
    return true;
}

void cdt_insert_children(struct cte *parent, struct cte *first, unsigned count)
{
    /* One pass that links each slot to the one before: the retype of 4096 objects must
     * stay well inside an entry's bound (include/core/preempt.h). */
    uint32_t depth = parent->cdt_depth + 1;
    struct cte *after = parent->cdt_next, *prev = parent;
    for (struct cte *c = first; c < first + count; prev = c++) {
        c->cdt_depth = depth;
        c->cdt_prev = prev;
        prev->cdt_next = c;
    }
    prev->cdt_next = after;
    after->cdt_prev = prev;
}

void cdt_insert_sibling(struct cte *original, struct cte *copy)
{
    /* Before the original, so the original's descendants stay right behind it. */
    copy->cdt_depth = original->cdt_depth;
    link_after(original->cdt_prev, copy);
}

void cdt_replace(struct cte *from, struct cte *to)
{
    to->cdt_depth = from->cdt_depth;
    to->cdt_prev = from->cdt_prev;
    to->cdt_next = from->cdt_next;
    from->cdt_prev->cdt_next = to;
    from->cdt_next->cdt_prev = to;
    from->cdt_prev = from->cdt_next = NULL;
}

void cdt_remove(struct cte *slot)
{
    for (struct cte *d = slot->cdt_next; d != &sentinel && d->cdt_depth > slot->cdt_depth;
         d = d->cdt_next)
        d->cdt_depth--;
    slot->cdt_prev->cdt_next = slot->cdt_next;
    slot->cdt_next->cdt_prev = slot->cdt_prev;
    slot->cdt_prev = slot->cdt_next = NULL;
}

bool cdt_is_leaf(const struct cte *slot)
{
    return slot->cdt_next == &sentinel || slot->cdt_next->cdt_depth <= slot->cdt_depth;
}

bool cdt_is_last_reference(const struct cte *slot)
{
    return !cap_same_object(&slot->cdt_prev->cap, &slot->cap) &&
           !cap_same_object(&slot->cdt_next->cap, &slot->cap);
}

struct cte *cdt_first_descendant(const struct cte *slot)
{
    return cdt_is_leaf(slot) ? NULL : slot->cdt_next;
}

struct cte *cdt_parent(const struct cte *slot)
{
    for (struct cte *p = slot->cdt_prev; p != &sentinel; p = p->cdt_prev) {
        if (p->cdt_depth < slot->cdt_depth)
            return p;
    }
    return NULL;
}

bool cdt_descends_within(const struct cte *slot, const struct cte *ancestor, unsigned limit)
{
    if (slot->cdt_depth <= ancestor->cdt_depth)
        return false;
    /* Everything between an entry and its descendant is deeper than the entry; the
     * sentinel (depth 0) ends the walk at the list's start. */
    const struct cte *p = slot->cdt_prev;
    for (unsigned n = 0; n <= limit; n++, p = p->cdt_prev) {
        if (p == ancestor)
            return true;
        if (p->cdt_depth <= ancestor->cdt_depth)
            return false;
    }
    return false;
}

struct cte *cdt_first(void)
{
    return sentinel.cdt_next == &sentinel ? NULL : sentinel.cdt_next;
}

struct cte *cdt_next(const struct cte *slot)
{
    return slot->cdt_next == &sentinel ? NULL : slot->cdt_next;
}
