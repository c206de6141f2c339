/* SPDX-License-Identifier: MIT */
/*
 * DATASPACE protocol client (l4re/client/dataspace.c; opcodes in protocol/dataspace.h).
 * Every call returns 0 or a negative error: -PECAN_E* from the server,
 * PECAN_IPC_ERROR(status) for an IPC failure.
 */
#ifndef PECAN_DATASPACE_H
#define PECAN_DATASPACE_H

#include <pecan/protocol/dataspace.h>
#include <pecan/protocols.h>
#include <pecan/syscall.h>

struct pecan_dataspace_info {
    pecan_word_t size;       /* bytes */
    pecan_word_t flags;      /* PECAN_DATASPACE_* */
    pecan_word_t phys;       /* physical address if contiguous, else ~0 */
};

/* Maps the page at offset with rights (PECAN_MAP_*) into the receive window
 * [window, window + 2^window_order); *mapped gets the address it landed at (may be NULL). */
int pecan_dataspace_map(pecan_cap_t ds, pecan_word_t offset, unsigned rights,
                        pecan_word_t window, unsigned window_order, pecan_word_t *mapped);
int pecan_dataspace_info(pecan_cap_t ds, struct pecan_dataspace_info *info);
/* Zeroes [offset, offset + size), giving its pages back to the quota. */
int pecan_dataspace_clear(pecan_cap_t ds, pecan_word_t offset, pecan_word_t size);
/* Copies size bytes of src (a dataspace of the same server) at src_offset to dest_offset. */
int pecan_dataspace_copy_in(pecan_cap_t ds, pecan_word_t dest_offset, pecan_cap_t src,
                            pecan_word_t src_offset, pecan_word_t size);
/* Backs [offset, offset + size) with memory now. */
int pecan_dataspace_allocate(pecan_cap_t ds, pecan_word_t offset, pecan_word_t size);

#endif
