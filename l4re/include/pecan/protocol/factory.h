/* SPDX-License-Identifier: MIT */
/*
 * The FACTORY protocol (docs/runtime.md): create objects, charged to the factory's quota.
 * moe serves it; a nested allocator or an interposer can serve it too. Every request is a
 * call: w0 opcode, then the arguments; the created capabilities arrive as capability items
 * (the caller names receive slots in its UTCB buffer). Errors: -PECAN_ENOMEM when the quota
 * (or moe's memory) is exhausted, -PECAN_EINVAL/ERANGE for bad arguments, -PECAN_ENOSYS for
 * an unknown type, -PECAN_EMSGTOOSHORT for missing words.
 *
 * Rights: CREATE, REPORT, DESTROY and RELEASE need the object right WRITE (-PECAN_EPERM
 * without it); INFO only reads. Created objects come with WRITE (and GRANT); kernel objects
 * (gates, notifications) and a task's CNode and address space with all kernel rights.
 * Lifetime: a factory goes when its last client copy goes (moe keeps a program it started
 * from its factory until the program exits), with the factory it was made through, or on
 * DESTROY; objects that hold capabilities to each other (a namespace holding itself and
 * its factory) keep one another alive, so a parent that wants its quota back whatever
 * the child did keeps a copy of the child's factory and DESTROYs it.
 */
#ifndef PECAN_PROTOCOL_FACTORY_H
#define PECAN_PROTOCOL_FACTORY_H

#include <pecan/protocol_numbers.h>   /* PECAN_PROTO_FACTORY */

enum pecan_factory_op {
    PECAN_FACTORY_CREATE = 0,    /* w1 type (enum pecan_factory_type), w2.. arguments */
    PECAN_FACTORY_INFO = 1,      /* -> w0 quota bytes, w1 bytes used, w2 objects held;
                                    moe adds w3 its free RAM and w4 its own quota's use
                                    (for tests and docs/bench.md) */
    PECAN_FACTORY_REPORT = 2,    /* moe logs its memory report (every client's use) */
    PECAN_FACTORY_DESTROY = 3,   /* item: a factory made through this one (or through one
                                    of its descendants): it is destroyed with everything
                                    it made, its quota given back. -PECAN_EXDEV: not a
                                    factory of this server; -PECAN_EPERM: not a
                                    descendant (this factory itself included) */
    PECAN_FACTORY_RELEASE = 4,   /* item: a gate or notification made through CREATE of
                                    this factory (or of one of its descendants): it is
                                    destroyed (every capability to it goes, wherever it
                                    is) and its quota given back. -PECAN_EINVALCAP: no
                                    item; -PECAN_EXDEV: not a gate or notification this
                                    server made; -PECAN_EPERM: made through a factory that
                                    does not descend from this one */
};

enum pecan_factory_type {
    PECAN_FACTORY_GATE = 1,          /* -> item: IPC gate (all rights; bind it to a thread).
                                        It goes when its last capability does (moe
                                        watches it), on RELEASE, or with the factory */
    PECAN_FACTORY_NOTIFICATION = 2,  /* -> item: notification (all rights). It goes on
                                        RELEASE or with the factory (the kernel has no
                                        watch on notifications) */
    PECAN_FACTORY_DATASPACE = 3,     /* w2 size, w3 flags (PECAN_DATASPACE_*), w4 log2 align
                                        -> item: dataspace; w0 physical address if contiguous */
    PECAN_FACTORY_NAMESPACE = 4,     /* -> item: an empty namespace */
    PECAN_FACTORY_FACTORY = 5,       /* w2 quota bytes (taken from this factory's quota),
                                        optional w3 name length, w4.. name (the memory
                                        report's; default: this factory's) -> item: factory */
    PECAN_FACTORY_LOG = 6,           /* w2 colour (PECAN_LOG_COLOUR_*), PECAN_LOG_INPUT
                                        for a console with input, w3 tag length, w4.. tag
                                        bytes -> item: log. -PECAN_ERANGE: other bits */
    PECAN_FACTORY_TASK = 7,          /* -> items: task, its CNode (all rights), its region
                                        map, its address space */
    PECAN_FACTORY_UNTYPED = 8,       /* w2 size_bits (12..31), w3 destination slot; item:
                                        the caller's CNode (WRITE) -> untyped memory of
                                        2^size_bits bytes in that slot, charged to the
                                        quota; revoked with everything retyped from it
                                        when the factory goes (untyped cannot be sent in
                                        an item, so there is no RELEASE of it).
                                        -PECAN_ERANGE: size; -PECAN_EINVALCAP: no item;
                                        the retype's errors for the slot (EEXIST, ERANGE,
                                        ETYPE, EPERM) */
};

#define PECAN_FACTORY_NAME_MAX 15

/* Log colours (ANSI colour numbers 1-7, 0: the default). */
#define PECAN_LOG_COLOUR_DEFAULT 0u
#define PECAN_LOG_COLOUR_MASK 7u
/* FACTORY LOG w2 flag: the log takes console input (READ, BIND, SET_ATTR): what is typed
 * goes to it while it holds the input focus (docs/runtime.md, "Console input"). */
#define PECAN_LOG_INPUT 0x100u

#endif
