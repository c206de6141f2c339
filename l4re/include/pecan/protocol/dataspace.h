/* SPDX-License-Identifier: MIT */
/*
 * The DATASPACE protocol (docs/runtime.md): a memory object of a fixed size, mapped page
 * by page into address spaces by its server. moe serves anonymous (zero-filled, lazily
 * allocated), boot-ROM (read-only, shared), contiguous (DMA, framebuffers) and device
 * dataspaces.
 *
 * Rights: MAP with PECAN_MAP_WRITE, CLEAR, ALLOCATE and COPY_IN need the object right
 * WRITE (-PECAN_EPERM without it); MAP for reading and INFO only read, and so does the
 * source of COPY_IN. Device dataspaces are registers, not memory: CLEAR and COPY_IN (as
 * destination or source) are refused with -PECAN_EINVAL. When a dataspace is destroyed,
 * every mapping of its pages goes from every task (device dataspaces included).
 */
#ifndef PECAN_PROTOCOL_DATASPACE_H
#define PECAN_PROTOCOL_DATASPACE_H

#define PECAN_PROTO_DATASPACE 0x4000

enum pecan_dataspace_op {
    PECAN_DATASPACE_MAP = 0,       /* w1 offset, w2 rights (PECAN_MAP_*) -> a memory item
                                      with the page at offset; it lands in the caller's
                                      receive window (UTCB buffer) */
    PECAN_DATASPACE_CLEAR = 1,     /* w1 offset, w2 size: zero the range (releasing pages) */
    PECAN_DATASPACE_INFO = 2,      /* -> w0 size, w1 flags, w2 physical address or ~0 */
    PECAN_DATASPACE_COPY_IN = 3,   /* w1 dest offset, w2 source offset, w3 size; item: the
                                      source dataspace (the same server's) */
    PECAN_DATASPACE_ALLOCATE = 4,  /* w1 offset, w2 size: back the range with memory now */
};

/* Dataspace flags (FACTORY create and INFO). */
#define PECAN_DATASPACE_CONTIGUOUS 0x1u   /* physically contiguous, pinned */
#define PECAN_DATASPACE_READ_ONLY 0x2u    /* INFO: boot-ROM files and read-only copies */
#define PECAN_DATASPACE_DEVICE 0x4u       /* INFO: device memory (mapped uncached) */

#endif
