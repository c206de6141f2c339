/* SPDX-License-Identifier: MIT */
/*
 * The IPC fast path: a call to a thread that is waiting for it, and a reply-and-wait to a
 * caller that is waiting for the reply, when the message is in registers only (up to six
 * words, no items, no timeout), the partner is on this CPU and no queued thread has a
 * higher priority than the partner. Then the message moves register to register and the
 * partner runs next: the caller has blocked, and the partner becomes current directly,
 * without the run queue and without a scheduling choice. Anything unusual takes
 * the general path in core/ipc.c, which does the same with every case covered; the two
 * must leave identical state (the tests run both). Every check comes before the first
 * change, so declining leaves nothing to undo.
 */
#include <core/cspace.h>
#include <core/fastpath.h>
#include <core/ipc.h>
#include <core/sched.h>
#include <object/endpoint.h>
#include <object/notification.h>

static bool registers_only(pecan_tag_t tag, word_t operation_word)
{
    return pecan_tag_words(tag) <= PECAN_MSG_REGISTERS && pecan_tag_items(tag) == 0 &&
           (operation_word >> PECAN_TIMEOUT_SHIFT) == PECAN_TIMEOUT_NEVER;
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
    ipc_messages++;
}

static bool call(struct tcb *caller, struct tcb **next)
{
    struct cte *slot;
    if (cspace_lookup(tcb_cspace_root(caller), caller->context.r[0], &slot) != 0 ||
        slot->cap.type != CAP_ENDPOINT || !cap_has_rights(&slot->cap, PECAN_RIGHT_WRITE))
        return false;
    struct endpoint *gate = (struct endpoint *)slot->cap.object;
    struct tcb *receiver = gate->bound_thread;
    if (!receiver || receiver->state != THREAD_BLOCKED_RECEIVE || receiver->cpu != caller->cpu ||
        receiver->timeout_at || receiver->reply_to ||
        !((receiver->ipc_flags & IPC_FLAG_OPEN) || receiver->receive_gate == gate) ||
        !tcb_vspace(receiver) || !sched_switch_to(receiver))
        return false;
    move_message(receiver, caller, caller->context.r[1], slot->cap.badge);
    receiver->ipc_flags = 0;
    receiver->receive_gate = NULL;
    receiver->reply_to = caller;
    caller->reply_from = receiver;
    caller->state = THREAD_BLOCKED_REPLY;
    *next = receiver;
    return true;
}

static bool reply_and_wait(struct tcb *server, struct tcb **next)
{
    struct tcb *caller = server->reply_to;
    struct notification *n = server->bound_notification;
    if (!caller || caller->state != THREAD_BLOCKED_REPLY || caller->reply_from != server ||
        (caller->ipc_flags & IPC_FLAG_FAULT) || caller->timeout_at ||
        caller->cpu != server->cpu || server->senders_head || (n && n->bits) ||
        !tcb_vspace(caller) || !sched_switch_to(caller))
        return false;
    move_message(caller, server, server->context.r[1], 0);
    server->reply_to = NULL;
    caller->reply_from = NULL;
    caller->ipc_flags = 0;
    server->state = THREAD_BLOCKED_RECEIVE;
    server->ipc_flags = IPC_FLAG_OPEN;
    server->receive_gate = NULL;
    *next = caller;
    return true;
}

struct tcb *fastpath_ipc(struct tcb *caller)
{
    word_t operation_word = caller->context.r[2];
    pecan_tag_t tag = caller->context.r[1];
    struct tcb *next = NULL;
    /* Gate control (KOBJECT) is a kernel operation, not a message. */
    if (!registers_only(tag, operation_word) || pecan_tag_label(tag) == PECAN_PROTO_KOBJECT)
        return NULL;
    switch (operation_word & 0xff) {
    case PECAN_OP_CALL: return call(caller, &next) ? next : NULL;
    case PECAN_OP_REPLY_WAIT: return reply_and_wait(caller, &next) ? next : NULL;
    default: return NULL;
    }
}
