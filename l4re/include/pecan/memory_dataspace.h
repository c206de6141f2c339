/* SPDX-License-Identifier: MIT */
/*
 * A block of a server's own memory served as a DATASPACE (pecan/protocol/dataspace.h),
 * for an object that is a dataspace besides what else it speaks: fb-drv's session is the
 * frame's pixels, a test's window server its pixel array. The server keeps the memory
 * mapped, page-aligned and whole pages long, for as long as it serves the object.
 *
 * What a client gets: MAP of one page at a time (READ always, WRITE only through a copy
 * with the object right WRITE; EXECUTE never: -PECAN_EPERM, unknown bits -PECAN_EINVAL,
 * an offset at or beyond the end -PECAN_ERANGE); INFO answers the size, READ_ONLY for a
 * copy without WRITE, and no physical address; CLEAR zeroes at most
 * SERVER_MEMORY_CLEAR_STEP bytes a call (bounded work) and answers how many; ALLOCATE
 * succeeds at once (the memory is all there); CLEAR and ALLOCATE need WRITE and a range
 * inside the block (-PECAN_ERANGE); COPY_IN and anything else -PECAN_ENOSYS.
 */
#ifndef PECAN_MEMORY_DATASPACE_H
#define PECAN_MEMORY_DATASPACE_H

#include <stdint.h>
#include <pecan/server.h>

#define SERVER_MEMORY_CLEAR_STEP (64u * 4096u)

struct server_memory_dataspace {
    uint8_t *memory;   /* page-aligned, in this server's space */
    uint32_t size;     /* bytes, whole pages */
};

/* Answers a DATASPACE request on the block (the protocol's label is the caller's to
 * check): 0 or the error to answer. */
int server_memory_dataspace_request(struct server_request *r,
                                    const struct server_memory_dataspace *block);

#endif
