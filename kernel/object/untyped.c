/* SPDX-License-Identifier: MIT */
/*
 * Untyped memory and retype, with the thesis's rules: only a leaf untyped (no children
 * left) may be retyped; the new objects are placed from the start of the region, each
 * aligned to its size, inside the region, distinct and not overlapping; each gets one
 * full-rights "master" capability, a child of the untyped; untyped capabilities are never
 * copied. Device untyped (MMIO) only becomes frames or smaller device untyped, and is
 * never touched by the kernel.
 *
 * Bounded latency. Zeroing is the part of a retype that grows with the memory asked for
 * (32 MiB of frames is millions of instructions), so a retype that must zero more than
 * one chunk does it first, in chunks, as preemptible steps (core/preempt.h). The progress
 * is in the untyped capability itself: while an untyped is a leaf, capability.extra is
 * the number of bytes from the start of its region known to be zero. Nobody else can
 * write that memory meanwhile (only the untyped's children could reach it, and a leaf
 * has none), so a retype restarted after an interrupt continues from there. Page
 * directories are prepared the same way, whole (user part zero, kernel part copied from
 * the boot directory, object/vspace.c); the untyped's badge says which of the two the
 * prepared bytes are, and a retype that needs the other kind starts again from 0. Only
 * when the memory is ready are the objects and their capabilities made, in one
 * non-preemptible step bounded by the count (at most RETYPE_MAX_COUNT objects of
 * about 25 instructions each; a vspace then only takes its ASID). Nothing is visible before that
 * step, and the retype's result is the same however often it was interrupted. Making
 * objects ends the untyped's claim (extra = 0): once it has children its memory is
 * theirs.
 */
#include <arch/memory.h>
#include <arch/memory_ops.h>
#include <core/cdt.h>
#include <core/cspace.h>
#include <core/delete.h>
#include <core/invocation.h>
#include <core/preempt.h>
#include <lib/string.h>
#include <object/gate.h>
#include <object/notification.h>
#include <object/thread.h>
#include <object/untyped.h>
#include <object/vspace.h>

struct capability untyped_cap(paddr_t base, unsigned size_bits, bool device)
{
    return (struct capability){
        .type = CAP_UNTYPED,
        .rights = PECAN_RIGHTS_ALL,
        .flags = device ? CAP_FLAG_DEVICE : 0,
        .size_bits = (uint8_t)size_bits,
        .object = base,
    };
}

unsigned object_size_bits(unsigned type, unsigned size_bits)
{
    switch (type) {
    case PECAN_OBJ_UNTYPED: return size_bits >= UNTYPED_MIN_BITS && size_bits < 32 ? size_bits : 0;
    case PECAN_OBJ_THREAD: return THREAD_SIZE_BITS;
    case PECAN_OBJ_GATE: return GATE_SIZE_BITS;
    case PECAN_OBJ_NOTIFICATION: return NOTIFICATION_SIZE_BITS;
    case PECAN_OBJ_CNODE:
        return size_bits >= 1 && size_bits <= CNODE_MAX_RADIX ? size_bits + CTE_SIZE_BITS : 0;
    case PECAN_OBJ_VSPACE: return VSPACE_SIZE_BITS;
    case PECAN_OBJ_PAGE_TABLE: return PAGE_TABLE_SIZE_BITS;
    case PECAN_OBJ_FRAME: return size_bits == 12 || size_bits == 16 || size_bits == 20 ? size_bits : 0;
    default: return 0;
    }
}

static const uint8_t cap_type_of[PECAN_OBJ_TYPE_COUNT] = {
    [PECAN_OBJ_UNTYPED] = CAP_UNTYPED, [PECAN_OBJ_THREAD] = CAP_THREAD,
    [PECAN_OBJ_GATE] = CAP_GATE, [PECAN_OBJ_NOTIFICATION] = CAP_NOTIFICATION,
    [PECAN_OBJ_CNODE] = CAP_CNODE, [PECAN_OBJ_VSPACE] = CAP_VSPACE,
    [PECAN_OBJ_PAGE_TABLE] = CAP_PAGE_TABLE, [PECAN_OBJ_FRAME] = CAP_FRAME,
};

struct retype_request {
    unsigned type;           /* PECAN_OBJ_* */
    unsigned size_bits;      /* as given (radix for CNodes) */
    unsigned object_bits;    /* bytes of one object, log2 */
    unsigned count;
    struct cte *dest;        /* first destination slot */
    bool prepared;           /* memory zeroed beforehand (prepare_memory) */
};

#define RETYPE_ZERO_CHUNK ((word_t)1 << RETYPE_ZERO_CHUNK_BITS)
/* Estimated instructions: zeroing one chunk (32 bytes per 8-register store pair and
 * loop), and making one object with its capability once the memory is ready. */
#define ZERO_CHUNK_COST 600u
#define CREATE_OBJECT_COST 25u

/* Zeroes an object's memory (objects are at least 32 bytes, aligned to their size). */
static void zero_object(paddr_t phys, unsigned object_bits)
{
    arch_zero_blocks(phys_to_virt(phys), (size_t)1 << object_bits);
}

/* A thread object is 1 KiB, but struct thread uses about a third of it: only that part is
 * zeroed (in 32-byte blocks). The rest is never read while it is a thread object, and every
 * later use of the memory zeroes or writes what it uses itself (frames, CNodes, gates and
 * notifications are zeroed here, a vspace is written whole, a page table is cleared when
 * installed, an untyped's children are made by this code again). */
#define THREAD_ZEROED_BYTES ((sizeof(struct thread) + 31) & ~(size_t)31)
_Static_assert(THREAD_ZEROED_BYTES <= (1u << THREAD_SIZE_BITS), "thread object fits");

/* Does the memory of each new object need work here (after prepare_memory)? */
static bool objects_need_init(const struct retype_request *rq, bool device)
{
    switch (rq->type) {
    case PECAN_OBJ_UNTYPED:      /* not zeroed: their own children will be */
    case PECAN_OBJ_PAGE_TABLE:   /* cleared when installed (a table taken back from an
                                    address space must be cleared again anyway) */
        return false;
    case PECAN_OBJ_THREAD:
    case PECAN_OBJ_VSPACE:
        return true;
    default:                     /* zero is their initial state */
        return !rq->prepared && !device;
    }
}

/* Makes the memory of one new object what its type starts as. */
static int init_object(const struct retype_request *rq, paddr_t phys)
{
    void *object = phys_to_virt(phys);
    switch (rq->type) {
    case PECAN_OBJ_THREAD:
        if (!rq->prepared)
            arch_zero_blocks(object, THREAD_ZEROED_BYTES);
        thread_init(object);
        return 0;
    case PECAN_OBJ_VSPACE:
        return rq->prepared ? vspace_init_prepared(object) : vspace_init(object);
    case PECAN_OBJ_NOTIFICATION:
        zero_object(phys, rq->object_bits);
        notification_init(object);
        return 0;
    default:
        zero_object(phys, rq->object_bits);
        return 0;
    }
}

/* The capability to the first new object; the others differ only in their address. */
static struct capability first_cap(const struct retype_request *rq, paddr_t phys, bool device)
{
    bool physical = rq->type == PECAN_OBJ_UNTYPED || rq->type == PECAN_OBJ_FRAME;
    return (struct capability){
        .type = cap_type_of[rq->type],
        .rights = PECAN_RIGHTS_ALL,
        .flags = physical && device ? CAP_FLAG_DEVICE : 0,
        .size_bits = (uint8_t)(rq->type == PECAN_OBJ_CNODE ? rq->size_bits : rq->object_bits),
        .object = physical ? phys : (uintptr_t)phys_to_virt(phys),
    };
}

static int decode_retype_args(struct invocation *inv, struct retype_request *rq)
{
    const struct capability *untyped = &inv->slot->cap;
    if (inv->length < 6)
        return -PECAN_EMSGTOOSHORT;
    rq->type = invocation_word(inv, 1);
    rq->size_bits = invocation_word(inv, 2);
    rq->count = invocation_word(inv, 3);
    if (rq->type == 0 || rq->type >= PECAN_OBJ_TYPE_COUNT)
        return -PECAN_EINVAL;
    if (rq->size_bits > 31 || (rq->object_bits = object_size_bits(rq->type, rq->size_bits)) == 0)
        return -PECAN_ERANGE;
    if (rq->count == 0 || rq->count > RETYPE_MAX_COUNT)
        return -PECAN_ERANGE;
    if (!cap_has_rights(untyped, PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    if ((untyped->flags & CAP_FLAG_DEVICE) && rq->type != PECAN_OBJ_FRAME &&
        rq->type != PECAN_OBJ_UNTYPED)
        return -PECAN_ETYPE;   /* kernel objects never live in device memory */
    if (!cdt_is_leaf(inv->slot))
        return -PECAN_ENOTLEAF;
    if (inv->slot->cdt_depth + 1 >= CDT_MAX_DEPTH)
        return -PECAN_EDEPTH;
    if (rq->object_bits > untyped->size_bits ||
        rq->count > ((size_t)1 << (untyped->size_bits - rq->object_bits)))
        return -PECAN_ENOMEM;
    return 0;
}

static int decode_retype_destination(struct invocation *inv, struct retype_request *rq)
{
    struct cte *cnode_slot;
    int err = invocation_lookup_typed(inv, invocation_word(inv, 4), CAP_CNODE,
                                      PECAN_RIGHT_WRITE, &cnode_slot);
    if (err)
        return err;
    word_t offset = invocation_word(inv, 5);
    word_t slots = (word_t)1 << cnode_slot->cap.size_bits;
    if (offset >= slots || rq->count > slots - offset)
        return -PECAN_ERANGE;
    rq->dest = (struct cte *)(uintptr_t)cnode_slot->cap.object + offset;
    for (unsigned i = 0; i < rq->count; i++) {
        if (!cap_is_null(&rq->dest[i].cap))
            return -PECAN_EEXIST;
    }
    return 0;
}

/* Bytes from the start of the region to zero before the objects are made, or 0 if they
 * are zeroed as they are made (one chunk or less) or not at all (untyped, device memory,
 * vspaces and page tables, which are written when they are used). */
static word_t bytes_to_prepare(const struct retype_request *rq, bool device)
{
    word_t bytes = (word_t)rq->count << rq->object_bits;
    if (device || bytes <= RETYPE_ZERO_CHUNK)
        return 0;
    switch (rq->type) {
    case PECAN_OBJ_FRAME:
    case PECAN_OBJ_CNODE:
    case PECAN_OBJ_GATE:
    case PECAN_OBJ_NOTIFICATION:
    case PECAN_OBJ_THREAD:
    case PECAN_OBJ_VSPACE:
        return bytes;
    default:
        return 0;
    }
}

/* What the prepared bytes of an untyped are (its capability's badge). */
#define PREPARED_ZERO 0u
#define PREPARED_VSPACES 1u

/* Prepares the region up to bytes, a chunk per preemptible step, recording the progress
 * in the untyped capability. 0 when done, or INVOCATION_RESTART. */
static int prepare_memory(struct capability *untyped, word_t bytes, unsigned type)
{
    word_t kind = type == PECAN_OBJ_VSPACE ? PREPARED_VSPACES : PREPARED_ZERO;
    if (untyped->badge != kind) {
        untyped->badge = kind;
        untyped->extra = 0;
    }
    while (untyped->extra < bytes) {
        void *chunk_va = phys_to_virt(untyped->object + untyped->extra);
        word_t chunk = bytes - untyped->extra;   /* a multiple of 32 */
        if (chunk > RETYPE_ZERO_CHUNK)
            chunk = RETYPE_ZERO_CHUNK;
        if (kind == PREPARED_VSPACES)
            vspace_prepare(chunk_va, untyped->extra & ((1u << VSPACE_SIZE_BITS) - 1));
        else
            arch_zero_blocks(chunk_va, chunk);
        untyped->extra += chunk;
        if (preempt_step(ZERO_CHUNK_COST))
            return INVOCATION_RESTART;
    }
    return 0;
}

/* Makes the objects and their capabilities: not preemptible, bounded by the count (a
 * few stores per object when the memory was prepared). */
static int create_objects(struct cte *untyped_slot, const struct retype_request *rq)
{
    const struct capability *untyped = &untyped_slot->cap;
    bool device = untyped->flags & CAP_FLAG_DEVICE;
    /* Every object first, before any capability, so a failure (no ASID left) can be
     * undone without trace. */
    if (objects_need_init(rq, device)) {
        for (unsigned i = 0; i < rq->count; i++) {
            int err = init_object(rq, untyped->object + ((paddr_t)i << rq->object_bits));
            if (err) {
                for (unsigned j = 0; j < i; j++)
                    vspace_init_undo(phys_to_virt(untyped->object + ((paddr_t)j << rq->object_bits)));
                return err;
            }
        }
    }
    const struct capability cap = first_cap(rq, untyped->object, device);
    uintptr_t object = cap.object, step = (uintptr_t)1 << rq->object_bits;
    for (struct cte *d = rq->dest; d < rq->dest + rq->count; d++, object += step) {
        d->cap = cap;
        d->cap.object = object;
    }
    /* In address order after the parent. */
    cdt_insert_children(untyped_slot, rq->dest, rq->count);
    return 0;
}

static int retype(struct cte *untyped_slot, struct retype_request *rq)
{
    struct capability *untyped = &untyped_slot->cap;
    word_t bytes = bytes_to_prepare(rq, untyped->flags & CAP_FLAG_DEVICE);
    int err = bytes ? prepare_memory(untyped, bytes, rq->type) : 0;
    if (err)
        return err;
    /* The last step waits for an entry of its own if this one has zeroed already. */
    if (!preempt_room_for(rq->count * CREATE_OBJECT_COST))
        return INVOCATION_RESTART;
    rq->prepared = bytes != 0;
    untyped->extra = 0;   /* the memory is the objects' now (or was written, on failure) */
    untyped->badge = PREPARED_ZERO;
    err = create_objects(untyped_slot, rq);
    if (rq->prepared && rq->type == PECAN_OBJ_VSPACE && err == 0)
        vspace_clean_prepared();
    return err;
}

static int decode_retype(struct invocation *inv)
{
    struct retype_request rq;
    int err = decode_retype_args(inv, &rq);
    if (err)
        return err;
    if ((err = decode_retype_destination(inv, &rq)) != 0)
        return err;
    return retype(inv->slot, &rq);
}

static int decode_info(struct invocation *inv)
{
    const struct capability *cap = &inv->slot->cap;
    invocation_reply(inv, 0, cap->object);
    invocation_reply(inv, 1, cap->size_bits);
    invocation_reply(inv, 2, (cap->flags & CAP_FLAG_DEVICE) ? 1 : 0);
    invocation_reply(inv, 3, cdt_is_leaf(inv->slot) ? 1 : 0);
    return 0;
}

int untyped_decode(struct invocation *inv)
{
    switch (invocation_word(inv, 0)) {
    case PECAN_UNTYPED_RETYPE: return decode_retype(inv);
    case PECAN_UNTYPED_INFO: return decode_info(inv);
    default: return -PECAN_ENOSYS;
    }
}
