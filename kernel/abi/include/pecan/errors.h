/* SPDX-License-Identifier: MIT */
/*
 * Error codes. Kernel objects and servers return them negated in the reply label; the
 * numbers below 1000 follow L4Re's errno-like values, the others name kernel conditions
 * precisely. docs/abi.md lists which operation returns which.
 */
#ifndef PECAN_ABI_ERRORS_H
#define PECAN_ABI_ERRORS_H

enum pecan_error {
    PECAN_EOK = 0,
    PECAN_EPERM = 1,            /* the capability lacks a right the operation needs */
    PECAN_ENOENT = 2,           /* no such entry (names, IRQ not bound, ...) */
    PECAN_EAGAIN = 11,          /* not done within one request's work: call again (moe) */
    PECAN_ENOMEM = 12,          /* not enough memory left in the untyped (or quota) */
    PECAN_EACCES = 13,          /* access not allowed (write to a read-only region, ...) */
    PECAN_EBUSY = 16,           /* object in use (IRQ already bound, thread running, ...) */
    PECAN_EEXIST = 17,          /* destination slot is occupied */
    PECAN_EXDEV = 18,           /* the object belongs to another server */
    PECAN_ENOTDIR = 20,         /* a name component is not a namespace */
    PECAN_EINVAL = 22,          /* an argument is invalid */
    PECAN_ERANGE = 34,          /* an argument is out of range */
    PECAN_ENOSYS = 38,          /* the object does not know this opcode */
    PECAN_EBADPROTO = 39,       /* the object does not speak this protocol */
    PECAN_ETIMEDOUT = 110,      /* a timed wait of the runtime ended before its event */
    PECAN_EMSGTOOSHORT = 1001,  /* fewer message words than the operation needs */
    PECAN_EMSGTOOLONG = 1002,
    PECAN_EINVALCAP = 1010,     /* capability index names an empty slot or cannot be resolved */
    PECAN_ETYPE = 1011,         /* capability is of the wrong type for the operation */
    PECAN_ENOTLEAF = 1012,      /* untyped has children: revoke it first */
    PECAN_EDEPTH = 1013,        /* derivation tree too deep */
    PECAN_ENOPAGETABLE = 1014,  /* mapping needs a page table the address space lacks */
    PECAN_EMAPPED = 1015,       /* already mapped / installed / bound */
    PECAN_EALIGN = 1016,        /* address or size not aligned as required */
    PECAN_ENOASID = 1017,       /* all hardware address-space identifiers are in use */
    PECAN_EUNTYPEDCOPY = 1018,  /* untyped capabilities are never copied */
};

/* IPC status (r0 after the system call). */
enum pecan_ipc_status {
    PECAN_IPC_OK = 0,
    PECAN_IPC_TIMEOUT = 2,
    PECAN_IPC_NO_PARTNER = 4,   /* capability invalid or the partner is gone */
    PECAN_IPC_CANCELED = 6,
    PECAN_IPC_ABORTED = 14,     /* the partner died during the operation */
    PECAN_IPC_ITEM_FAILED = 16, /* a capability or mapping item could not be delivered;
                                   the UTCB error word holds the PECAN_E* reason */
    PECAN_IPC_NO_REPLY_CAP = 19,
    PECAN_IPC_BAD_SELECTOR = 20, /* the capability index could not be resolved */
};

#endif
