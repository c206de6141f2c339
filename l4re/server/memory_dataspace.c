/* SPDX-License-Identifier: MIT */
/*
 * A block of the server's own memory served as a DATASPACE (pecan/memory_dataspace.h).
 * Every word is checked before anything is done; the block itself is the caller's and
 * never changes here except by CLEAR.
 */
#include <pecan/memory_dataspace.h>
#include <pecan/protocol/dataspace.h>
#include <string.h>

#define PAGE_SIZE 4096u

static bool range_ok(const struct server_memory_dataspace *block, pecan_word_t offset,
                     pecan_word_t size)
{
    return offset <= block->size && size <= block->size - offset;
}

static int op_map(struct server_request *r, const struct server_memory_dataspace *block)
{
    int err = server_need_words(r, 3);
    if (err)
        return err;
    pecan_word_t offset = r->in[1], rights = r->in[2];
    if (rights & ~(pecan_word_t)(PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_MAP_EXECUTE))
        return -PECAN_EINVAL;
    if ((rights & PECAN_MAP_EXECUTE) ||
        ((rights & PECAN_MAP_WRITE) && !(r->rights & PECAN_RIGHT_WRITE)))
        return -PECAN_EPERM;   /* memory served this way is never code */
    if (offset >= block->size)
        return -PECAN_ERANGE;
    pecan_word_t page = (pecan_word_t)(uintptr_t)block->memory + (offset & ~(PAGE_SIZE - 1));
    return server_reply_map(r, page, 12, (unsigned)rights | PECAN_MAP_READ);
}

static int op_clear(struct server_request *r, const struct server_memory_dataspace *block)
{
    int err = server_need_writable(r, 3);
    if (err)
        return err;
    pecan_word_t offset = r->in[1], size = r->in[2];
    if (!range_ok(block, offset, size))
        return -PECAN_ERANGE;
    pecan_word_t done = size < SERVER_MEMORY_CLEAR_STEP ? size : SERVER_MEMORY_CLEAR_STEP;
    memset(block->memory + offset, 0, done);
    server_reply_word(r, done);
    return 0;
}

static int op_info(struct server_request *r, const struct server_memory_dataspace *block)
{
    server_reply_word(r, block->size);
    server_reply_word(r, (r->rights & PECAN_RIGHT_WRITE) ? 0 : PECAN_DATASPACE_READ_ONLY);
    server_reply_word(r, 0xFFFFFFFFu);   /* where it lies is the server's business */
    return 0;
}

/* The memory is there already, all of it. */
static int op_allocate(struct server_request *r, const struct server_memory_dataspace *block)
{
    int err = server_need_writable(r, 3);
    if (err)
        return err;
    if (!range_ok(block, r->in[1], r->in[2]))
        return -PECAN_ERANGE;
    server_reply_word(r, r->in[2]);
    return 0;
}

int server_memory_dataspace_request(struct server_request *r,
                                    const struct server_memory_dataspace *block)
{
    int err = server_need_words(r, 1);
    if (err)
        return err;
    switch (r->in[0]) {
    case PECAN_DATASPACE_MAP: return op_map(r, block);
    case PECAN_DATASPACE_CLEAR: return op_clear(r, block);
    case PECAN_DATASPACE_INFO: return op_info(r, block);
    case PECAN_DATASPACE_ALLOCATE: return op_allocate(r, block);
    default: return -PECAN_ENOSYS;   /* COPY_IN among them */
    }
}
