/* SPDX-License-Identifier: MIT */
/*
 * The REGION_MAP protocol (docs/runtime.md): which dataspace backs which range of a task's
 * address space. The region map's gate is also the pager of the task's threads: a page
 * fault (PECAN_LABEL_PAGE_FAULT) arriving through it is resolved by mapping the page of the
 * dataspace attached there, or refused (negative reply label: the thread stops, the
 * server logs why).
 *
 * Rights: FIND only reads; ATTACH, DETACH, RESERVE and FREE_AREA need the object right
 * WRITE (ATTACH with PECAN_MAP_WRITE also WRITE on the dataspace). Fault and exception
 * messages are accepted only from the kernel: through the pager copy moe installed in the
 * task's threads (server.h, SERVER_RIGHT_FAULTS); sent through any client copy, writable
 * or not, they get -PECAN_EPERM (the reply's memory item would land in the sender's
 * space).
 */
#ifndef PECAN_PROTOCOL_REGION_MAP_H
#define PECAN_PROTOCOL_REGION_MAP_H

#include <pecan/protocol_numbers.h>   /* PECAN_PROTO_REGION_MAP */

enum pecan_region_map_op {
    PECAN_RM_ATTACH = 0,       /* w1 address, w2 size, w3 flags, w4 offset in the dataspace;
                                  item: dataspace -> w0 address. -PECAN_EXDEV: the dataspace
                                  is not the region map server's own (attach it RESERVED and
                                  map it yourself) */
    PECAN_RM_DETACH = 1,       /* w1 an address inside the region -> w0 start, w1 size;
                                  its pages are unmapped from the task */
    PECAN_RM_FIND = 2,         /* w1 address -> w0 start, w1 size, w2 offset, w3 flags */
    PECAN_RM_RESERVE = 3,      /* w1 address, w2 size, w3 flags (SEARCH) -> w0 address:
                                  an area nothing else is attached in; faults in it fail */
    PECAN_RM_FREE_AREA = 4,    /* w1 address inside a reserved area */
};

/* Attach and reserve flags: rights in the low bits (PECAN_MAP_READ/WRITE/EXECUTE). */
#define PECAN_RM_RIGHTS_MASK 0x7u
#define PECAN_RM_SEARCH_ADDRESS 0x100u   /* choose a free address (w1 is a lower bound) */
#define PECAN_RM_EAGER_MAP 0x200u        /* back every page at attach time. A range needing
                                            more new pages than one request may back (moe:
                                            64) is not attached: -PECAN_EAGAIN, the pages
                                            backed so far stay; pecan_rm_attach then
                                            ALLOCATEs the range in steps and attaches it */

#endif
