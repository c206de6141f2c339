/* SPDX-License-Identifier: MIT */
/*
 * The NAMESPACE protocol (docs/runtime.md): names to capabilities. Names are paths of
 * components separated by '/'; a server resolves as many components as it holds and tells
 * how many bytes of the name are left for the namespace it returns. moe's root namespace
 * holds "rom" (the boot modules as read-only dataspaces). Names travel as a byte count and
 * the bytes packed into the following words (at most PECAN_NAME_MAX bytes).
 *
 * Rights: QUERY and LIST read; REGISTER and UNLINK need the object right WRITE. A query
 * never hands out more than was registered, and WRITE only if the entry is RW and the
 * namespace (every one on the way) was asked through a copy with WRITE; moe's own objects
 * come as fresh copies with that object right. Other capabilities come with the kernel
 * rights registered, masked: never READ on a gate (it would let the querier bind it and
 * receive its server's messages), never REVOKE, WRITE on a gate always (sending is its
 * use: the badge its server minted says what the sender may change), READ on other
 * kernel objects, WRITE on them as above.
 * Lifetime: an entry whose object died (the capability is gone) is dropped at the next
 * access: QUERY answers -PECAN_ENOENT, LIST skips it, REGISTER may take the name.
 */
#ifndef PECAN_PROTOCOL_NAMESPACE_H
#define PECAN_PROTOCOL_NAMESPACE_H

#include <pecan/protocol_numbers.h>   /* PECAN_PROTO_NAMESPACE */

#define PECAN_NAME_MAX 128

enum pecan_namespace_op {
    PECAN_NAMESPACE_QUERY = 0,     /* w1 length, w2.. name -> item: the capability; w0 bytes
                                      of the name not resolved (0: all), w1 entry flags.
                                      -PECAN_ENOENT if there is no such name */
    PECAN_NAMESPACE_REGISTER = 1,  /* w1 flags, w2 length, w3.. name; item: the capability.
                                      Needs WRITE. -PECAN_EEXIST unless OVERWRITE */
    PECAN_NAMESPACE_UNLINK = 2,    /* w1 length, w2.. name. Needs WRITE */
    PECAN_NAMESPACE_LIST = 3,      /* w1 index -> w0 flags, w1 length, w2.. name of the
                                      index-th entry; -PECAN_ENOENT past the end */
};

/* Entry flags */
#define PECAN_NAMESPACE_RW 0x1u          /* the capability is handed out with WRITE (if the
                                            asker's view has it, and it was registered) */
#define PECAN_NAMESPACE_OVERWRITE 0x2u   /* REGISTER: replace an existing entry */
#define PECAN_NAMESPACE_DIRECTORY 0x4u   /* the entry is a namespace */

#endif
