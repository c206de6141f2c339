/* SPDX-License-Identifier: MIT */
/*
 * CNodes: the CNODE protocol. Slots are named (index, depth) relative to a CNode
 * capability, like seL4: the destination relative to the invoked CNode, the source
 * relative to a CNode the caller names in its own capability space.
 *
 * copy makes a sibling with the same or fewer rights, mint a child with the same or
 * fewer rights and a badge, move relocates a capability keeping its place in the
 * derivation tree and what the kernel ties to the slot (a mapping, a gate's watch). Passing a capability on (copy, mint, move) needs its GRANT right.
 * Untyped capabilities are never copied or minted, page-table capabilities never copied
 * (a page table is installed in one place only); copies never carry a mapping.
 */
#include <core/cdt.h>
#include <core/cspace.h>
#include <core/delete.h>
#include <core/invocation.h>
#include <object/gate.h>

struct slot_pair {
    struct cte *dest;
    struct cte *src;
    unsigned rights;
    word_t badge;
};

static int lookup_dest(struct invocation *inv, word_t index_word, struct cte **slot)
{
    return cspace_lookup_exact(&inv->slot->cap, invocation_word(inv, index_word),
                               invocation_word(inv, index_word + 1), slot);
}

/* Words 3-5: the source CNode (a capability index in the caller's space), index, depth. */
static int lookup_source(struct invocation *inv, struct cte **slot)
{
    struct cte *root;
    int err = invocation_lookup_typed(inv, invocation_word(inv, 3), CAP_CNODE,
                                      PECAN_RIGHT_WRITE, &root);
    if (err)
        return err;
    return cspace_lookup_exact(&root->cap, invocation_word(inv, 4), invocation_word(inv, 5), slot);
}

int cap_check_transferable(const struct capability *src, bool is_copy)
{
    if (cap_is_null(src))
        return -PECAN_EINVALCAP;
    if (src->type == CAP_ZOMBIE)
        return -PECAN_EBUSY;
    if (!cap_has_rights(src, PECAN_RIGHT_GRANT))
        return -PECAN_EPERM;
    if (is_copy && src->type == CAP_UNTYPED)
        return -PECAN_EUNTYPEDCOPY;
    if (is_copy && src->type == CAP_PAGE_TABLE)
        return -PECAN_ETYPE;
    return 0;
}

static int decode_pair(struct invocation *inv, unsigned words, bool is_copy, struct slot_pair *p)
{
    int err;
    if (inv->length < words)
        return -PECAN_EMSGTOOSHORT;
    if (!cap_has_rights(&inv->slot->cap, PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    if ((err = lookup_dest(inv, 1, &p->dest)) != 0 || (err = lookup_source(inv, &p->src)) != 0)
        return err;
    if (!cap_is_null(&p->dest->cap))
        return -PECAN_EEXIST;
    return cap_check_transferable(&p->src->cap, is_copy);
}

static int decode_copy(struct invocation *inv)
{
    struct slot_pair p;
    int err = decode_pair(inv, 7, true, &p);
    if (err)
        return err;
    cap_derive(&p.dest->cap, &p.src->cap, invocation_word(inv, 6));
    cdt_insert_sibling(p.src, p.dest);
    return 0;
}

/* What a badge means per type; returns false if this type takes no badge. */
static bool apply_badge(struct capability *cap, word_t badge)
{
    switch (cap->type) {
    case CAP_GATE:
    case CAP_NOTIFICATION:
        cap->badge = badge;
        return true;
    case CAP_CNODE:
        /* Guard: bits 0-4 its length, bits 5-31 its value. */
        cap->extra = badge & 0x1f;
        cap->badge = badge >> 5;
        return cap->extra + cap->size_bits <= 32;
    default:
        return badge == 0;
    }
}

static int decode_mint(struct invocation *inv)
{
    struct slot_pair p;
    int err = decode_pair(inv, 8, true, &p);
    if (err)
        return err;
    word_t badge = invocation_word(inv, 7);
    struct capability cap;
    cap_derive(&cap, &p.src->cap, invocation_word(inv, 6));
    /* A badged gate or notification keeps its badge: clients cannot relabel themselves. */
    if ((cap.type == CAP_GATE || cap.type == CAP_NOTIFICATION) && cap.badge && badge != cap.badge)
        return -PECAN_EPERM;
    /* Badging a gate names a client to its server, so only the server may: the holder of
     * READ (which can already rebind the gate). A client's unbadged copy (a channel) would
     * otherwise mint the badge of another client's session and speak as that client. */
    if (cap.type == CAP_GATE && !cap.badge && badge &&
        !cap_has_rights(&p.src->cap, PECAN_RIGHT_READ))
        return -PECAN_EPERM;
    if (!apply_badge(&cap, badge))
        return -PECAN_EINVAL;
    if (p.src->cdt_depth + 1 >= CDT_MAX_DEPTH)
        return -PECAN_EDEPTH;
    p.dest->cap = cap;
    cdt_insert_child(p.src, p.dest);
    return 0;
}

static int decode_move(struct invocation *inv)
{
    struct slot_pair p;
    int err = decode_pair(inv, 6, false, &p);
    if (err)
        return err;
    p.dest->cap = p.src->cap;   /* src != dest: the destination was checked empty */
    cdt_replace(p.src, p.dest);
    p.src->cap = (struct capability){ 0 };
    if (p.dest->cap.type == CAP_FRAME)
        frame_cap_moved(p.src, p.dest);
    else if (p.dest->cap.type == CAP_PAGE_TABLE)
        page_table_cap_moved(p.src, p.dest);
    else if (p.dest->cap.type == CAP_GATE)
        gate_cap_moved(p.src, p.dest);
    return 0;
}

static int decode_single(struct invocation *inv, struct cte **slot)
{
    if (inv->length < 3)
        return -PECAN_EMSGTOOSHORT;
    if (!cap_has_rights(&inv->slot->cap, PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    return lookup_dest(inv, 1, slot);
}

static int decode_delete(struct invocation *inv)
{
    struct cte *slot;
    int err = decode_single(inv, &slot);
    if (err)
        return err;
    return cte_delete(slot, true);
}

static int decode_revoke(struct invocation *inv)
{
    struct cte *slot;
    int err = decode_single(inv, &slot);
    if (err)
        return err;
    if (cap_is_null(&slot->cap))
        return -PECAN_EINVALCAP;
    if (!cap_has_rights(&slot->cap, PECAN_RIGHT_REVOKE))
        return -PECAN_EPERM;
    return cte_revoke(slot, true);
}

/* IDENTIFY reports the capability type; for the objects retype makes it is the retype
 * number user space knows (PECAN_OBJ_*), as docs/abi.md promises. */
#define SAME_NUMBER(cap, obj) ((int)(cap) == (int)(obj))
_Static_assert(SAME_NUMBER(CAP_UNTYPED, PECAN_OBJ_UNTYPED) &&
                   SAME_NUMBER(CAP_THREAD, PECAN_OBJ_THREAD) &&
                   SAME_NUMBER(CAP_GATE, PECAN_OBJ_GATE) &&
                   SAME_NUMBER(CAP_NOTIFICATION, PECAN_OBJ_NOTIFICATION) &&
                   SAME_NUMBER(CAP_CNODE, PECAN_OBJ_CNODE) &&
                   SAME_NUMBER(CAP_VSPACE, PECAN_OBJ_VSPACE) &&
                   SAME_NUMBER(CAP_PAGE_TABLE, PECAN_OBJ_PAGE_TABLE) &&
                   SAME_NUMBER(CAP_FRAME, PECAN_OBJ_FRAME),
               "IDENTIFY's type numbers are the retype numbers");

static int decode_identify(struct invocation *inv)
{
    struct cte *slot;
    if (inv->length < 3)
        return -PECAN_EMSGTOOSHORT;
    int err = lookup_dest(inv, 1, &slot);
    if (err)
        return err;
    const struct capability *cap = &slot->cap;
    invocation_reply(inv, 0, cap->type);
    invocation_reply(inv, 1, cap->rights);
    /* A zombie's badge is kernel bookkeeping (core/delete.c), not for user space. */
    invocation_reply(inv, 2, cap->type == CAP_ZOMBIE ? 0 : cap->badge);
    invocation_reply(inv, 3, cap_object_phys(cap));
    invocation_reply(inv, 4, cap_is_null(cap) ? 0 : slot->cdt_depth);
    invocation_reply(inv, 5, ((word_t)cap->size_bits << 8) | cap->flags);
    return 0;
}

int cnode_decode(struct invocation *inv)
{
    switch (invocation_word(inv, 0)) {
    case PECAN_CNODE_COPY: return decode_copy(inv);
    case PECAN_CNODE_MINT: return decode_mint(inv);
    case PECAN_CNODE_MOVE: return decode_move(inv);
    case PECAN_CNODE_DELETE: return decode_delete(inv);
    case PECAN_CNODE_REVOKE: return decode_revoke(inv);
    case PECAN_CNODE_IDENTIFY: return decode_identify(inv);
    default: return -PECAN_ENOSYS;
    }
}
