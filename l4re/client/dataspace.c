/* SPDX-License-Identifier: MIT */
/* DATASPACE protocol client (pecan/dataspace.h). MAP opens the UTCB receive window only
 * for the one call, so no other reply can map pages into this task. */
#include <pecan/dataspace.h>
#include "client_call.h"

int pecan_dataspace_map(pecan_cap_t ds, pecan_word_t offset, unsigned rights,
                        pecan_word_t window, unsigned window_order, pecan_word_t *mapped)
{
    if (window_order < 12 || window_order > 31 || (window & ((1u << window_order) - 1)))
        return -PECAN_EALIGN;
    struct pecan_message m;
    m.word[0] = PECAN_DATASPACE_MAP;
    m.word[1] = offset;
    m.word[2] = rights;
    struct pecan_utcb *utcb = pecan_utcb();
    utcb->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] = window | window_order;
    int err = client_call(ds, PECAN_PROTO_DATASPACE, &m, 3, 0);
    utcb->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] = 0;
    if (err)
        return err;
    unsigned words = pecan_tag_words(m.tag);
    if (pecan_tag_items(m.tag) < 1 || words + 1 >= PECAN_UTCB_MESSAGE_WORDS)
        return -PECAN_EINVAL;   /* the server sent no page */
    pecan_word_t kind = m.word[words];
    if ((kind & PECAN_ITEM_KIND_MASK) != PECAN_ITEM_MAP)
        return -PECAN_EINVAL;
    if (kind >> PECAN_ITEM_RESULT_SHIFT)
        return -(int)(kind >> PECAN_ITEM_RESULT_SHIFT);
    if (mapped)
        *mapped = m.word[words + 1];
    return 0;
}

int pecan_dataspace_info(pecan_cap_t ds, struct pecan_dataspace_info *info)
{
    struct pecan_message m;
    m.word[0] = PECAN_DATASPACE_INFO;
    int err = client_call(ds, PECAN_PROTO_DATASPACE, &m, 1, 0);
    if (err)
        return err;
    if (pecan_tag_words(m.tag) < 3)
        return -PECAN_EMSGTOOSHORT;
    info->size = m.word[0];
    info->flags = m.word[1];
    info->phys = m.word[2];
    return 0;
}

/* CLEAR, ALLOCATE and COPY_IN do a bounded amount of work per call and answer in w0 how
 * many bytes from the start of the range they did (protocol/dataspace.h, "Bounded
 * work"); the rest is asked for again, so callers see one call. A reply without the word
 * (a server that does it all at once) means all of it. */
static int progress(const struct pecan_message *m, pecan_word_t size, pecan_word_t *done)
{
    *done = pecan_tag_words(m->tag) >= 1 ? m->word[0] : size;
    if (*done > size || (*done == 0 && size != 0))
        return -PECAN_EINVAL;   /* no progress: the server misbehaves */
    return 0;
}

static int range_call(pecan_cap_t ds, pecan_word_t op, pecan_word_t offset, pecan_word_t size)
{
    for (;;) {
        struct pecan_message m;
        m.word[0] = op;
        m.word[1] = offset;
        m.word[2] = size;
        pecan_word_t done;
        int err = client_call(ds, PECAN_PROTO_DATASPACE, &m, 3, 0);
        if (err || (err = progress(&m, size, &done)) != 0 || done == size)
            return err;
        offset += done;
        size -= done;
    }
}

int pecan_dataspace_clear(pecan_cap_t ds, pecan_word_t offset, pecan_word_t size)
{
    return range_call(ds, PECAN_DATASPACE_CLEAR, offset, size);
}

int pecan_dataspace_allocate(pecan_cap_t ds, pecan_word_t offset, pecan_word_t size)
{
    return range_call(ds, PECAN_DATASPACE_ALLOCATE, offset, size);
}

int pecan_dataspace_copy_in(pecan_cap_t ds, pecan_word_t dest_offset, pecan_cap_t src,
                            pecan_word_t src_offset, pecan_word_t size)
{
    for (;;) {
        struct pecan_message m;
        m.word[0] = PECAN_DATASPACE_COPY_IN;
        m.word[1] = dest_offset;
        m.word[2] = src_offset;
        m.word[3] = size;
        client_cap_item(&m.word[4], src, PECAN_RIGHTS_ALL);
        pecan_word_t done;
        int err = client_call(ds, PECAN_PROTO_DATASPACE, &m, 4, 1);
        if (err || (err = progress(&m, size, &done)) != 0 || done == size)
            return err;
        dest_offset += done;
        src_offset += done;
        size -= done;
    }
}
