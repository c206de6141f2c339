/* SPDX-License-Identifier: MIT */
/*
 * Typed message items (pecan/syscall.h). A capability item becomes a child of the
 * sender's capability in the receiver's slot, with rights ANDed with the item's mask;
 * the receiver learns its badge. A memory item maps pages of the sender's space into the
 * receiver's window and records each mapping in the mapping database (core/mapping_db.c).
 */
#include <core/cdt.h>
#include <core/cspace.h>
#include <core/ipc_items.h>
#include <core/mapping_db.h>
#include <object/vspace.h>

static word_t item_result(word_t kind, int err)
{
    return kind | ((word_t)(-err) << PECAN_ITEM_RESULT_SHIFT);
}

static int receive_slot(struct thread *receiver, unsigned index, struct cte **slot)
{
    const struct pecan_utcb *ru = thread_utcb(receiver);
    if (!ru)
        return -PECAN_EINVAL;
    word_t count = ru->buffer[PECAN_UTCB_BUFFER_CAP_COUNT];
    if (index >= count || index >= PECAN_UTCB_MAX_CAP_BUFFERS)
        return -PECAN_ERANGE;   /* the receiver named no slot for it */
    int err = cspace_lookup(thread_cspace_root(receiver),
                            ru->buffer[PECAN_UTCB_BUFFER_CAP_SLOTS + index], slot);
    if (err)
        return err;
    return cap_is_null(&(*slot)->cap) ? 0 : -PECAN_EEXIST;
}

static int transfer_cap(struct thread *sender, struct thread *receiver, unsigned index, word_t *w0,
                        word_t *w1)
{
    struct cte *src, *dest;
    unsigned rights_mask = (*w0 >> PECAN_ITEM_RIGHTS_SHIFT) & PECAN_RIGHTS_ALL;
    int err = cspace_lookup(thread_cspace_root(sender), *w1, &src);
    if (err)
        return err;
    if ((err = cap_check_transferable(&src->cap, true)) != 0)
        return err;
    if ((err = receive_slot(receiver, index, &dest)) != 0)
        return err;
    if (src->cdt_depth + 1 >= CDT_MAX_DEPTH)
        return -PECAN_EDEPTH;
    cap_derive(&dest->cap, &src->cap, rights_mask);
    cdt_insert_child(src, dest);
    *w0 = PECAN_ITEM_CAP;
    *w1 = dest->cap.badge;
    return 0;
}

/* The receiver's window from its UTCB buffer: base | log2(size) (0: no window). */
static int transfer_map(struct thread *sender, struct thread *receiver, word_t *w0, word_t *w1)
{
    const struct pecan_utcb *ru = thread_utcb(receiver);
    word_t window = ru ? ru->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] : 0;
    if (!window)
        return -PECAN_ERANGE;
    vaddr_t at;
    int err = mapping_db_map_item(sender, receiver, *w0, *w1, window & ~0xfffu, window & 0x3f, &at);
    if (err)
        return err;
    *w0 = PECAN_ITEM_MAP;
    *w1 = at;
    return 0;
}

int ipc_transfer_item(struct thread *sender, struct thread *receiver, unsigned *cap_index,
                      word_t *w0, word_t *w1)
{
    word_t kind = *w0 & PECAN_ITEM_KIND_MASK;
    int err;
    if (kind == PECAN_ITEM_CAP)
        err = transfer_cap(sender, receiver, (*cap_index)++, w0, w1);
    else if (kind == PECAN_ITEM_MAP)
        err = transfer_map(sender, receiver, w0, w1);
    else
        err = -PECAN_EINVAL;
    if (err) {
        *w0 = item_result(kind, err);
        *w1 = 0;
    }
    return err;
}
