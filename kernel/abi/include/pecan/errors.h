/* SPDX-License-Identifier: MIT */
/*
 * Error codes and IPC statuses, the one list of each. Kernel objects and servers return
 * error codes negated in the reply label; the numbers below 1000 follow L4Re's errno-like
 * values, the others name kernel conditions precisely. docs/abi.md lists which operation
 * returns which.
 *
 * The lists are X-macros so that one line is the only place a number is typed: it makes
 * the C name (PECAN_<NAME> for an error, PECAN_IPC_<NAME> for a status) and, through
 * tools/gen-l4-abi at build time, ned's L4.Err.<NAME> and L4.Ipc_status.<NAME>. Adding a
 * code is adding a line here and its row to docs/abi.md ("Errors"); the ned.abi test
 * fails if a code is defined anywhere else or the row is missing.
 */
#ifndef PECAN_ABI_ERRORS_H
#define PECAN_ABI_ERRORS_H

/* ERROR(NAME, code): PECAN_<NAME> in C, L4.Err.<NAME> in ned. */
#define PECAN_ERROR_LIST(ERROR)                                                                \
    ERROR(EOK, 0)                                                                              \
    ERROR(EPERM, 1)           /* the capability lacks a right the operation needs */           \
    ERROR(ENOENT, 2)          /* no such entry (names, IRQ not bound, ...) */                  \
    ERROR(EAGAIN, 11)         /* not done within one request's work: call again (moe) */       \
    ERROR(ENOMEM, 12)         /* not enough memory left in the untyped (or quota) */           \
    ERROR(EACCES, 13)         /* access not allowed (write to a read-only region, ...) */      \
    ERROR(EBUSY, 16)          /* object in use (IRQ already bound, thread running, ...) */     \
    ERROR(EEXIST, 17)         /* destination slot is occupied */                               \
    ERROR(EXDEV, 18)          /* the object belongs to another server */                       \
    ERROR(ENOTDIR, 20)        /* a name component is not a namespace */                        \
    ERROR(EINVAL, 22)         /* an argument is invalid */                                     \
    ERROR(ERANGE, 34)         /* an argument is out of range */                                \
    ERROR(ENOSYS, 38)         /* the object does not know this opcode */                       \
    ERROR(EBADPROTO, 39)      /* the object does not speak this protocol */                    \
    ERROR(ETIMEDOUT, 110)     /* a timed wait of the runtime ended before its event */         \
    ERROR(EMSGTOOSHORT, 1001) /* fewer message words than the operation needs */               \
    ERROR(EMSGTOOLONG, 1002)                                                                   \
    ERROR(EINVALCAP, 1010)    /* capability index names an empty slot or cannot be             \
                                 resolved */                                                   \
    ERROR(ETYPE, 1011)        /* capability is of the wrong type for the operation */          \
    ERROR(ENOTLEAF, 1012)     /* untyped has children: revoke it first */                      \
    ERROR(EDEPTH, 1013)       /* derivation tree too deep */                                   \
    ERROR(ENOPAGETABLE, 1014) /* mapping needs a page table the address space lacks */         \
    ERROR(EMAPPED, 1015)      /* already mapped / installed / bound */                         \
    ERROR(EALIGN, 1016)       /* address or size not aligned as required */                    \
    ERROR(ENOASID, 1017)      /* all hardware address-space identifiers are in use */          \
    ERROR(EUNTYPEDCOPY, 1018) /* untyped capabilities are never copied */

/* IPC status (r0 after the system call). STATUS(NAME, value): PECAN_IPC_<NAME> in C,
 * L4.Ipc_status.<NAME> in ned. */
#define PECAN_IPC_STATUS_LIST(STATUS)                                                          \
    STATUS(OK, 0)                                                                              \
    STATUS(TIMEOUT, 2)                                                                         \
    STATUS(NO_PARTNER, 4)     /* capability invalid or the partner is gone */                  \
    STATUS(CANCELED, 6)                                                                        \
    STATUS(ABORTED, 14)       /* the partner died during the operation */                      \
    STATUS(ITEM_FAILED, 16)   /* a capability or mapping item could not be delivered;          \
                                 the UTCB error word holds the PECAN_E* reason */              \
    STATUS(NO_REPLY_CAP, 19)                                                                   \
    STATUS(BAD_SELECTOR, 20)  /* the capability index could not be resolved */

enum pecan_error {
#define PECAN_ERROR_ENUMERATOR(name, code) PECAN_##name = (code),
    PECAN_ERROR_LIST(PECAN_ERROR_ENUMERATOR)
#undef PECAN_ERROR_ENUMERATOR
};

enum pecan_ipc_status {
#define PECAN_IPC_STATUS_ENUMERATOR(name, value) PECAN_IPC_##name = (value),
    PECAN_IPC_STATUS_LIST(PECAN_IPC_STATUS_ENUMERATOR)
#undef PECAN_IPC_STATUS_ENUMERATOR
};

/*
 * An IPC status folded into an error code. A call through the runtime returns one number
 * (pecan_error() in pecan/invoke.h): 0, -PECAN_E* from the object, or, when the IPC itself
 * failed, PECAN_IPC_ERROR(status) = -(PECAN_IPC_ERROR_BASE + status). Every PECAN_E* code
 * is below the base (tools/gen-l4-abi checks), so the two never meet. A macro, not a
 * function, so tables and case labels can use it.
 */
#define PECAN_IPC_ERROR_BASE 2000
#define PECAN_IPC_ERROR(status) (-(PECAN_IPC_ERROR_BASE + (int)(status)))

#endif
