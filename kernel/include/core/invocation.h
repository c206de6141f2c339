/* SPDX-License-Identifier: MIT */
/*
 * One invocation of a kernel object, as its decode function sees it: the invoked slot,
 * the caller, and the message. Decoders read arguments with invocation_word(), check
 * them all (length, capabilities, rights, ranges) and only then change state; they return
 * 0 or a negative PECAN_E* code, which becomes the reply label. Reply words are set with
 * invocation_reply().
 *
 * A decoder that blocks the caller (notification wait) returns INVOCATION_BLOCKED: the
 * reply is written later, when the caller is woken. One that ran out of time returns
 * INVOCATION_RESTART: the caller re-executes the same system call after interrupts have
 * been handled (core/invocation.c), which continues the work where it stopped.
 */
#ifndef PECAN_CORE_INVOCATION_H
#define PECAN_CORE_INVOCATION_H

#include <core/cspace.h>
#include <object/cap.h>
#include <object/thread.h>
#include <pecan/errors.h>
#include <pecan/syscall.h>

#define INVOCATION_BLOCKED 1
#define INVOCATION_RESTART 2

struct invocation {
    struct thread *caller;
    struct cte *slot;          /* the invoked capability */
    pecan_tag_t tag;
    unsigned length;           /* untyped message words the caller sent */
    unsigned reply_length;     /* words the decoder put in the reply */
};

/* Message word i (0 = opcode); the caller must have checked i < length. */
static inline word_t invocation_word(const struct invocation *inv, unsigned i)
{
    if (i < PECAN_MSG_REGISTERS)
        return inv->caller->context.r[3 + i];
    const struct pecan_utcb *utcb = thread_utcb(inv->caller);
    return utcb && i < PECAN_UTCB_MESSAGE_WORDS ? utcb->message[i] : 0;
}
/* Typed item i of the message (pecan/syscall.h: two words each, after the untyped words):
 * true and its words if the caller sent it whole within the message. Kernel objects take
 * the item's words as they are: a capability item names a slot of the caller's space. */
static inline bool invocation_item(const struct invocation *inv, unsigned i, word_t *kind,
                                   word_t *value)
{
    unsigned at = inv->length + 2 * i;
    if (i >= pecan_tag_items(inv->tag) || at + 2 > PECAN_MSG_MAX_WORDS)
        return false;
    *kind = invocation_word(inv, at);
    *value = invocation_word(inv, at + 1);
    return true;
}
/* Rewrites argument word i (< PECAN_MSG_REGISTERS: a register) of a call about to be
 * restarted, so that the restarted call continues where this one stopped (VSPACE UNMAP
 * keeps its progress there: the caller's own registers). */
static inline void invocation_rewrite(const struct invocation *inv, unsigned i, word_t value)
{
    inv->caller->context.r[3 + i] = value;
}
/* Sets reply word i (and makes the reply at least i + 1 words long). */
void invocation_reply(struct invocation *inv, unsigned i, word_t value);

/* Looks up a capability index in the caller's capability space (for arguments). Inline,
 * as the lookup's one-level fast path is: a call and its argument moves cost as much. */
static inline int invocation_lookup(const struct invocation *inv, pecan_cap_t index,
                                    struct cte **slot)
{
    return cspace_lookup(thread_cspace_root(inv->caller), index, slot);
}
/* Same, and checks its type and rights. */
static inline int invocation_lookup_typed(const struct invocation *inv, pecan_cap_t index,
                                          unsigned type, unsigned rights, struct cte **slot)
{
    int err = invocation_lookup(inv, index, slot);
    if (err)
        return err;
    if (cap_is_null(&(*slot)->cap))
        return -PECAN_EINVALCAP;
    if ((*slot)->cap.type != type)
        return -PECAN_ETYPE;
    if (!cap_has_rights(&(*slot)->cap, rights))
        return -PECAN_EPERM;
    return 0;
}

/* The decoder of each kernel object type (object/<type>.c). */
int untyped_decode(struct invocation *inv);
int cnode_decode(struct invocation *inv);
int thread_decode(struct invocation *inv);
int notification_decode(struct invocation *inv);
int vspace_decode(struct invocation *inv);
int page_table_decode(struct invocation *inv);
int frame_decode(struct invocation *inv);
int irq_control_decode(struct invocation *inv);
int irq_handler_decode(struct invocation *inv);
int log_decode(struct invocation *inv);

/* The slot of the capability the caller invokes (index in r0), or NULL if the lookup
 * fails. */
static inline struct cte *syscall_lookup(const struct thread *caller)
{
    struct cte *slot;
    int err = cspace_lookup(thread_cspace_root(caller), caller->context.r[0], &slot);
    return err == 0 ? slot : NULL;
}

/* The general path of the system call (core/invocation.c): every invocation the IPC fast
 * path does not take. slot is the invoked capability's slot, or NULL if the lookup
 * failed. The entry and the fast path are arch/armv6/syscall.S, then arch/armv6/trap.c
 * (arch/trap.h). */
void syscall_invoke_general(struct thread *caller, struct cte *slot);

#endif
