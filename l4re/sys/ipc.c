/* SPDX-License-Identifier: MIT */
/*
 * IPC through gates (pecan/sys.h): the generic pecan_ipc, which moves the untyped words and
 * the typed items (2 words each, after the words) in r3-r8 and the UTCB, and its
 * named forms (call, send, receive, open wait, reply, reply-and-wait, sleep); gate control
 * (bind, info, no-clients notification) and binding a notification to a thread.
 */
#include <pecan/sys.h>

static unsigned message_length(pecan_tag_t tag)
{
    unsigned n = pecan_tag_words(tag) + 2 * pecan_tag_items(tag);
    return n > PECAN_UTCB_MESSAGE_WORDS ? PECAN_UTCB_MESSAGE_WORDS : n;
}

struct pecan_reply pecan_ipc(pecan_cap_t cap, pecan_word_t operation, pecan_word_t timeout,
                             struct pecan_message *msg)
{
    unsigned n = message_length(msg->tag);
    if (n > PECAN_MSG_REGISTERS) {
        struct pecan_utcb *utcb = pecan_utcb();
        for (unsigned i = PECAN_MSG_REGISTERS; i < n; i++)
            utcb->message[i] = msg->word[i];
    }
    register pecan_word_t r0 __asm__("r0") = cap;
    register pecan_word_t r1 __asm__("r1") = msg->tag;
    register pecan_word_t r2 __asm__("r2") = (operation & 0xffu) | timeout << PECAN_TIMEOUT_SHIFT;
    register pecan_word_t r3 __asm__("r3") = msg->word[0];
    register pecan_word_t r4 __asm__("r4") = msg->word[1];
    register pecan_word_t r5 __asm__("r5") = msg->word[2];
    register pecan_word_t r6 __asm__("r6") = msg->word[3];
    register pecan_word_t r7 __asm__("r7") = msg->word[4];
    register pecan_word_t r8 __asm__("r8") = msg->word[5];
    __asm__ volatile("svc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6),
                       "+r"(r7), "+r"(r8)
                     :
                     : "memory");
    msg->tag = r1;
    msg->word[0] = r3;
    msg->word[1] = r4;
    msg->word[2] = r5;
    msg->word[3] = r6;
    msg->word[4] = r7;
    msg->word[5] = r8;
    n = message_length(r1);
    if (n > PECAN_MSG_REGISTERS) {
        const struct pecan_utcb *utcb = pecan_utcb();
        for (unsigned i = PECAN_MSG_REGISTERS; i < n; i++)
            msg->word[i] = utcb->message[i];
    }
    return (struct pecan_reply){ r0, r1, r2 };
}

struct pecan_reply pecan_ipc_call(pecan_cap_t gate, struct pecan_message *msg,
                                  pecan_word_t timeout)
{
    return pecan_ipc(gate, PECAN_OP_CALL, timeout, msg);
}

struct pecan_reply pecan_ipc_send(pecan_cap_t gate, struct pecan_message *msg,
                                  pecan_word_t timeout)
{
    return pecan_ipc(gate, PECAN_OP_SEND, timeout, msg);
}

struct pecan_reply pecan_ipc_receive(pecan_cap_t gate, struct pecan_message *msg,
                                     pecan_word_t timeout)
{
    msg->tag = 0;
    return pecan_ipc(gate, PECAN_OP_RECV, timeout, msg);
}

struct pecan_reply pecan_ipc_wait(struct pecan_message *msg, pecan_word_t timeout)
{
    msg->tag = 0;
    return pecan_ipc(0, PECAN_OP_WAIT, timeout, msg);
}

struct pecan_reply pecan_ipc_reply(struct pecan_message *msg)
{
    return pecan_ipc(0, PECAN_OP_REPLY | PECAN_OP_SEND, PECAN_TIMEOUT_NEVER, msg);
}

struct pecan_reply pecan_ipc_reply_wait(struct pecan_message *msg, pecan_word_t timeout)
{
    return pecan_ipc(0, PECAN_OP_REPLY_WAIT, timeout, msg);
}

int pecan_sleep_us(uint32_t microseconds)
{
    struct pecan_message msg = { .tag = 0 };
    struct pecan_reply r = pecan_ipc(0, PECAN_OP_RECV, pecan_timeout_us(microseconds), &msg);
    return r.ipc_status == PECAN_IPC_TIMEOUT ? 0 : pecan_error(r);
}

/* Gate control */

int pecan_gate_bind(pecan_cap_t gate, pecan_cap_t thread)
{
    pecan_word_t w[] = { PECAN_GATE_BIND, thread };
    return pecan_call(gate, PECAN_PROTO_KOBJECT, 2, w, 0, 0);
}

int pecan_gate_info(pecan_cap_t gate, int *bound, pecan_word_t *badge)
{
    pecan_word_t w[] = { PECAN_GATE_INFO }, out[2] = { 0, 0 };
    int err = pecan_call(gate, PECAN_PROTO_KOBJECT, 1, w, out, 2);
    if (bound)
        *bound = (int)out[0];
    if (badge)
        *badge = out[1];
    return err;
}

int pecan_gate_set_no_clients(pecan_cap_t gate, pecan_cap_t notification, pecan_word_t bits)
{
    pecan_word_t w[] = { PECAN_GATE_SET_NO_CLIENTS, notification, bits };
    return pecan_call(gate, PECAN_PROTO_KOBJECT, 3, w, 0, 0);
}

int pecan_thread_bind_notification(pecan_cap_t tcb, pecan_cap_t notification)
{
    pecan_word_t w[] = { PECAN_THREAD_BIND_NOTIFICATION, notification };
    return pecan_call(tcb, PECAN_PROTO_THREAD, 2, w, 0, 0);
}
