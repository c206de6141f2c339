/* SPDX-License-Identifier: MIT */
/*
 * The one system call: look up the invoked capability in the caller's capability space
 * and hand the message to the object's decoder, or to IPC for a gate. Message words 0-5
 * are the caller's r3-r8, the rest its UTCB. Kernel objects answer at once: the result
 * goes back in the reply tag's label (core/invocation.h).
 */
#include <core/cspace.h>
#include <core/invocation.h>
#include <core/ipc.h>
#include <core/preempt.h>
#include <object/gate.h>
#include <object/scheduler.h>
#include <object/thread.h>

typedef int (*decode_fn)(struct invocation *inv);

struct object_protocol {
    int protocol;
    decode_fn decode;
};

static const struct object_protocol protocols[CAP_TYPE_COUNT] = {
    [CAP_UNTYPED] = { PECAN_PROTO_UNTYPED, untyped_decode },
    [CAP_THREAD] = { PECAN_PROTO_THREAD, thread_decode },
    [CAP_NOTIFICATION] = { PECAN_PROTO_NOTIFICATION, notification_decode },
    [CAP_CNODE] = { PECAN_PROTO_CNODE, cnode_decode },
    [CAP_VSPACE] = { PECAN_PROTO_VSPACE, vspace_decode },
    [CAP_PAGE_TABLE] = { PECAN_PROTO_PAGE_TABLE, page_table_decode },
    [CAP_FRAME] = { PECAN_PROTO_FRAME, frame_decode },
    [CAP_IRQ_CONTROL] = { PECAN_PROTO_IRQ_CONTROL, irq_control_decode },
    [CAP_IRQ_HANDLER] = { PECAN_PROTO_IRQ, irq_handler_decode },
    [CAP_LOG] = { PECAN_PROTO_LOG, log_decode },
    [CAP_SCHEDULER] = { PECAN_PROTO_SCHEDULER, scheduler_decode },
};

void invocation_reply(struct invocation *inv, unsigned i, word_t value)
{
    if (i < PECAN_MSG_REGISTERS) {
        inv->caller->context.r[3 + i] = value;
    } else {
        struct pecan_utcb *utcb = thread_utcb(inv->caller);
        if (!utcb || i >= PECAN_UTCB_MESSAGE_WORDS)
            return;
        utcb->message[i] = value;
    }
    if (inv->reply_length < i + 1)
        inv->reply_length = i + 1;
}

static void finish(struct thread *caller, word_t ipc_status, int result, unsigned words)
{
    caller->context.r[0] = ipc_status;
    caller->context.r[1] = pecan_tag(result, words, 0);
}

static int check_message(const struct invocation *inv)
{
    if (inv->length == 0)
        return -PECAN_EMSGTOOSHORT;
    if (inv->length > PECAN_MSG_MAX_WORDS ||
        (inv->length > PECAN_MSG_REGISTERS && !thread_utcb(inv->caller)))
        return -PECAN_EMSGTOOLONG;
    return 0;
}

/* IPC that sends to no kernel object: replies, open waits, closed receives, sleeps. */
static bool is_receive_or_reply(word_t operation)
{
    return (operation & PECAN_OP_REPLY) || !(operation & PECAN_OP_SEND);
}

/* A kernel object's invocation: the protocol's decoder. Returns its result. */
static int invoke_object(struct invocation *inv, const struct object_protocol *p)
{
    if (pecan_tag_label(inv->tag) != p->protocol)
        return -PECAN_EBADPROTO;
    int result = check_message(inv);
    return result ? result : p->decode(inv);
}

void syscall_invoke_general(struct thread *caller, struct cte *slot)
{
    struct user_context *ctx = &caller->context;
    word_t operation = ctx->r[2] & 0xff;
    preempt_begin();
    if (is_receive_or_reply(operation)) {
        ipc_syscall(caller, slot, ctx->r[2]);
        return;
    }
    if (!slot || cap_is_null(&slot->cap)) {
        finish(caller, PECAN_IPC_BAD_SELECTOR, -PECAN_EINVALCAP, 0);
        return;
    }
    struct invocation inv = { .caller = caller, .slot = slot, .tag = ctx->r[1] };
    inv.length = pecan_tag_words(inv.tag);
    const struct object_protocol *p = &protocols[slot->cap.type];
    int result;
    if (slot->cap.type == CAP_GATE) {
        if (!gate_control(&inv, &result)) {
            ipc_syscall(caller, slot, ctx->r[2]);
            return;
        }
    } else if (!p->decode) {
        finish(caller, PECAN_IPC_NO_PARTNER, -PECAN_EBUSY, 0);   /* a zombie */
        return;
    } else {
        result = invoke_object(&inv, p);
    }
    /* Errors are negative, the two outcomes without a reply yet positive: one test for
     * the common case. */
    if (result > 0) {
        if (result == INVOCATION_RESTART) {
            /* Run the svc again once interrupts have been taken (2 bytes in Thumb state). */
            ctx->pc -= (ctx->cpsr & (1u << 5)) ? 2 : 4;
        }
        return;   /* INVOCATION_BLOCKED: the reply is written when the caller is woken */
    }
    finish(caller, PECAN_IPC_OK, result, result == 0 ? inv.reply_length : 0);
}
