/* SPDX-License-Identifier: MIT */
/*
 * Capabilities and capability slots (struct cte: capability table entry).
 *
 * A slot is 32 bytes: the capability (type, rights, object, badge, a type-specific word)
 * and its place in the capability derivation tree (core/cdt.c): the tree is stored as one
 * preorder list of all slots with a depth per slot. An empty slot has type CAP_NULL and is
 * in no list.
 *
 * Invariants (checked by core/invariants.c):
 *   - all capabilities to one typed object form one contiguous run of the list, except
 *     IRQ control: like an untyped its children are other objects (IRQ handlers), which
 *     sit between its copies when claimed through an earlier copy; it is a singleton that
 *     is never destroyed, so its last-reference test does not matter;
 *   - the children of an untyped capability lie inside its region, never overlap, and
 *     untyped capabilities are never copied;
 *   - the depth of an entry is at most one more than the depth of the entry before it.
 */
#ifndef PECAN_OBJECT_CAP_H
#define PECAN_OBJECT_CAP_H

#include <pecan/protocols.h>
#include <types.h>

enum cap_type {
    CAP_NULL = 0,
    CAP_UNTYPED,
    CAP_THREAD,
    CAP_GATE,
    CAP_NOTIFICATION,
    CAP_CNODE,
    CAP_VSPACE,
    CAP_PAGE_TABLE,
    CAP_FRAME,
    CAP_IRQ_CONTROL,
    CAP_IRQ_HANDLER,
    CAP_LOG,
    CAP_SCHEDULER,
    CAP_ZOMBIE,         /* a container whose slots are being emptied (core/delete.c) */
    CAP_TYPE_COUNT,
};

/* Per-type flags in struct capability.flags. */
#define CAP_FLAG_DEVICE 0x01u         /* untyped/frame: device memory (never zeroed, not RAM) */
#define CAP_FLAG_MAPPED 0x02u         /* frame/page table: the capability holds a mapping */

struct capability {
    uint8_t type;          /* enum cap_type */
    uint8_t rights;        /* PECAN_RIGHT_* */
    uint8_t flags;         /* CAP_FLAG_* */
    uint8_t size_bits;     /* untyped, frame: log2 bytes; cnode: log2 slots */
    uintptr_t object;      /* kernel virtual address of the object; untyped, frame: physical */
    word_t badge;          /* gate: badge; frame/page table: mapped vaddr; cnode: guard;
                              untyped: what its prepared bytes are (object/untyped.c) */
    word_t extra;          /* frame/page table: vspace it is mapped in; cnode: guard bits;
                              untyped (a leaf): bytes from its start prepared by a retype;
                              irq handler: irq number; zombie: next slot to empty
                              (zombie: flags = the type it was, badge = a chain root's top);
                              gate: the no-clients bits if its gate's watch was set
                              through it (object/gate.h), else 0 */
};

struct cte {
    struct capability cap;
    struct cte *cdt_prev;
    struct cte *cdt_next;
    uint32_t cdt_depth;
    struct cte *zombie_next; /* while the slot holds a zombie: the zombie whose emptying
                                made it (its parent in the chain, core/delete.c), or NULL */
};

/* 32 bytes on the target; the host unit tests have wider pointers. */
_Static_assert(sizeof(void *) != 4 || sizeof(struct cte) == 32, "a capability slot is 32 bytes");
#define CTE_SIZE_BITS 5

static inline bool cap_is_null(const struct capability *cap)
{
    return cap->type == CAP_NULL;
}

static inline bool cap_has_rights(const struct capability *cap, unsigned rights)
{
    return (cap->rights & rights) == rights;
}

/* Is the capability to a typed object (memory-backed or not) rather than untyped? */
static inline bool cap_is_typed(const struct capability *cap)
{
    return cap->type != CAP_NULL && cap->type != CAP_UNTYPED;
}

/* Do two capabilities name the same object? (Untyped: the same region.) */
static inline bool cap_same_object(const struct capability *a, const struct capability *b)
{
    if (a->type == CAP_ZOMBIE || b->type == CAP_ZOMBIE)
        return a->object == b->object;
    return a->type == b->type && a->object == b->object &&
           (a->type != CAP_UNTYPED || a->size_bits == b->size_bits) &&
           (a->type != CAP_IRQ_HANDLER || a->extra == b->extra);
}

/* Writes to dest the capability a copy, mint or transfer of src starts as: rights ANDed
 * with the mask, not watched (gates), and no mapping of its own (frames and page tables).
 * Inline, and in place rather than returning a struct (which GCC builds on the stack and
 * copies twice): a few field stores on the path of every copy, mint and thread
 * configuration. */
static inline void cap_derive(struct capability *dest, const struct capability *src,
                              unsigned rights_mask)
{
    *dest = *src;
    dest->rights &= (uint8_t)rights_mask;
    /* Only the capability the watch was set through is watched; its copies are the
     * clients whose going it waits for. */
    if (dest->type == CAP_GATE) {
        dest->extra = 0;
    } else if (dest->type == CAP_FRAME || dest->type == CAP_PAGE_TABLE) {
        dest->flags &= (uint8_t)~CAP_FLAG_MAPPED;
        dest->badge = 0;
        dest->extra = 0;
    }
}
/* May src be passed on (GRANT, not a zombie; copies: not untyped, not a page table)?
 * 0 or a negative PECAN_E* code. */
int cap_check_transferable(const struct capability *src, bool is_copy);

/* Physical range the object occupies, for memory-backed objects; size 0 otherwise. */
paddr_t cap_object_phys(const struct capability *cap);
size_t cap_object_size(const struct capability *cap);
const char *cap_type_name(unsigned type);

#endif
