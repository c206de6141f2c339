/* SPDX-License-Identifier: MIT */
/*
 * The system call's dispatch and the IPC fast path: a call to a thread that is waiting
 * for it, and a reply-and-wait to a caller that is waiting for the reply, when the message is in registers only (up to six
 * words, no items, no timeout), the partner is on this CPU and no queued thread has a
 * higher priority than the partner. Then the message moves register to register and the
 * partner runs next: the caller has blocked, and the partner becomes current directly,
 * without the run queue and without a scheduling choice. Anything unusual takes
 * the general path in core/ipc.c, which does the same with every case covered; the two
 * must leave identical state (the tests run both). Every check comes before the first
 * change, so declining leaves nothing to undo. Everything else goes to
 * syscall_invoke_general (core/invoke.c) with the capability already looked up.
 */
#include <core/cspace.h>
#include <core/ipc.h>
#include <core/sched.h>
#include <core/syscall.h>
#include <object/endpoint.h>
#include <object/notification.h>

/* A message the fast path can carry: at most six words, no items, no timeout, and not
 * gate control (KOBJECT is a kernel operation on the gate, not a message). */
static bool fast_message(pecan_tag_t tag, word_t operation_word)
{
    return pecan_tag_words(tag) <= PECAN_MSG_REGISTERS && pecan_tag_items(tag) == 0 &&
           (operation_word >> PECAN_TIMEOUT_SHIFT) == PECAN_TIMEOUT_NEVER &&
           pecan_tag_label(tag) != PECAN_PROTO_KOBJECT;
}

/* r3-r8: copied as one block (load/store multiple). */
struct message_registers {
    word_t word[PECAN_MSG_REGISTERS];
};

/* The words, tag and badge of a register-only message, from -> to. */
static void move_message(struct tcb *to, const struct tcb *from, pecan_tag_t tag, word_t badge)
{
    *(struct message_registers *)&to->context.r[3] =
        *(const struct message_registers *)&from->context.r[3];
    to->context.r[0] = PECAN_IPC_OK;
    to->context.r[1] = pecan_tag(pecan_tag_label(tag), pecan_tag_words(tag), 0);
    to->context.r[2] = badge;
}

static struct tcb *fast_call(struct tcb *caller, const struct cte *slot)
{
    pecan_tag_t tag = caller->context.r[1];
    if (!fast_message(tag, caller->context.r[2]) || !cap_has_rights(&slot->cap, PECAN_RIGHT_WRITE))
        return NULL;
    struct endpoint *gate = (struct endpoint *)slot->cap.object;
    struct tcb *receiver = gate->bound_thread;
    if (!receiver || receiver->state != THREAD_BLOCKED_RECEIVE || receiver->cpu != caller->cpu ||
        receiver->timeout_at || receiver->reply_to ||
        !((receiver->ipc_flags & IPC_FLAG_OPEN) || receiver->receive_gate == gate) ||
        !tcb_vspace(receiver) || !sched_switch_to(receiver))
        return NULL;
    move_message(receiver, caller, tag, slot->cap.badge);
    receiver->ipc_flags = 0;
    receiver->receive_gate = NULL;
    receiver->reply_to = caller;
    caller->reply_from = receiver;
    caller->state = THREAD_BLOCKED_REPLY;
    return receiver;
}

static struct tcb *fast_reply_wait(struct tcb *server)
{
    pecan_tag_t tag = server->context.r[1];
    struct tcb *caller = server->reply_to;
    struct notification *n = server->bound_notification;
    if (!fast_message(tag, server->context.r[2]) || !caller ||
        caller->state != THREAD_BLOCKED_REPLY || caller->reply_from != server ||
        (caller->ipc_flags & IPC_FLAG_FAULT) || caller->timeout_at ||
        caller->cpu != server->cpu || server->senders_head || (n && n->bits) ||
        !tcb_vspace(caller) || !sched_switch_to(caller))
        return NULL;
    move_message(caller, server, tag, 0);
    server->reply_to = NULL;
    caller->reply_from = NULL;
    caller->ipc_flags = 0;
    server->state = THREAD_BLOCKED_RECEIVE;
    server->ipc_flags = IPC_FLAG_OPEN;
    server->receive_gate = NULL;
    return caller;
}

struct tcb *syscall_invoke(struct tcb *caller)
{
    word_t operation_word = caller->context.r[2];
    struct tcb *partner;
    /* The reply goes to the implicit reply capability: no lookup for that fast path. */
    if ((operation_word & 0xff) == PECAN_OP_REPLY_WAIT &&
        (partner = fast_reply_wait(caller)) != NULL)
        return partner;
    struct cte *slot;
    if (cspace_lookup(tcb_cspace_root(caller), caller->context.r[0], &slot) != 0)
        slot = NULL;
    else if (operation_word == PECAN_OP_CALL && slot->cap.type == CAP_ENDPOINT &&
             (partner = fast_call(caller, slot)) != NULL)
        return partner;
    syscall_invoke_general(caller, slot);
    return NULL;
}
