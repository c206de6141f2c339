/* SPDX-License-Identifier: MIT */
/*
 * IPC through gates (pecan/sys.h): the generic pecan_ipc, which moves the untyped words and
 * the typed items (2 words each, after the words) in r3-r8 and the UTCB, and its
 * named forms (call, send, receive, open wait, reply, reply-and-wait, sleep); gate control
 * (bind, info, no-clients notification) and binding a notification to a thread.
 */
#include "call.h"

struct pecan_reply pecan_ipc(pecan_cap_t cap, pecan_word_t operation, pecan_word_t timeout,
                             struct pecan_message *msg)
{
    return pecan_invoke(cap, (operation & 0xffu) | timeout << PECAN_TIMEOUT_SHIFT, msg);
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
    return sys_call(gate, PECAN_PROTO_GATE, 2, w, 0, 0);
}

int pecan_gate_info(pecan_cap_t gate, int *bound, pecan_word_t *badge)
{
    pecan_word_t w[] = { PECAN_GATE_INFO }, out[2] = { 0, 0 };
    int err = sys_call(gate, PECAN_PROTO_GATE, 1, w, out, 2);
    if (bound)
        *bound = (int)out[0];
    if (badge)
        *badge = out[1];
    return err;
}

int pecan_gate_has_clients(pecan_cap_t gate)
{
    pecan_word_t w[] = { PECAN_GATE_INFO }, out[3] = { 0, 0, 0 };
    int err = sys_call(gate, PECAN_PROTO_GATE, 1, w, out, 3);
    return err ? err : (int)out[2];
}

int pecan_gate_set_no_clients(pecan_cap_t gate, pecan_cap_t notification, pecan_word_t bits)
{
    pecan_word_t w[] = { PECAN_GATE_SET_NO_CLIENTS, notification, bits };
    return sys_call(gate, PECAN_PROTO_GATE, 3, w, 0, 0);
}

int pecan_thread_bind_notification(pecan_cap_t thread, pecan_cap_t notification)
{
    pecan_word_t w[] = { PECAN_THREAD_BIND_NOTIFICATION, notification };
    return sys_call(thread, PECAN_PROTO_THREAD, 2, w, 0, 0);
}
