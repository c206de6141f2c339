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
 *
 * Bounded work (issue 13): CLEAR, COPY_IN and ALLOCATE take a range whose size the client
 * chooses (up to 2 GiB), so each call does a bounded part of it, from the start of the
 * range on, and answers w0 = the bytes from the start that are done (0 < w0 <= size; w0 =
 * size when all is). The caller asks again for the rest (offsets + w0, size - w0); the
 * client stubs (pecan/dataspace.h) loop, so their callers see one call. Each call then
 * keeps the server busy for a bounded time, and since the kernel queues callers at the
 * server in order, every other client waits at most one bounded call per thread ahead of
 * it. moe's bound: at most 64 pages backed, freed, zeroed or copied and 1024 page
 * entries or missing page tables (4 MiB of pages each) looked at per call: pages never
 * backed and missing tables are skipped, not visited page by page (about 0.3 ms of moe's
 * time at most). Pages an ALLOCATE finds backed already are passed over without counting
 * (a walk the quota paid for). A reply without w0 (a server that does everything at once)
 * means all of it.
 */
#ifndef PECAN_PROTOCOL_DATASPACE_H
#define PECAN_PROTOCOL_DATASPACE_H

#include <pecan/protocol_numbers.h>   /* PECAN_PROTO_DATASPACE */

enum pecan_dataspace_op {
    PECAN_DATASPACE_MAP = 0,       /* w1 offset, w2 rights (PECAN_MAP_*) -> a memory item
                                      with the page at offset; it lands in the caller's
                                      receive window (UTCB buffer) */
    PECAN_DATASPACE_CLEAR = 1,     /* w1 offset, w2 size: zero the range (releasing pages)
                                      -> w0 bytes done (bounded work, above) */
    PECAN_DATASPACE_INFO = 2,      /* -> w0 size, w1 flags, w2 physical address or ~0 */
    PECAN_DATASPACE_COPY_IN = 3,   /* w1 dest offset, w2 source offset, w3 size; item: the
                                      source dataspace (the same server's) -> w0 bytes
                                      done (bounded work, above) */
    PECAN_DATASPACE_ALLOCATE = 4,  /* w1 offset, w2 size: back the range with memory now
                                      -> w0 bytes done (bounded work, above) */
};

/* Dataspace flags (FACTORY create and INFO). */
#define PECAN_DATASPACE_CONTIGUOUS 0x1u   /* physically contiguous, pinned */
#define PECAN_DATASPACE_READ_ONLY 0x2u    /* INFO: boot-ROM files and read-only copies */
#define PECAN_DATASPACE_DEVICE 0x4u       /* INFO: device memory (mapped uncached) */

#endif
