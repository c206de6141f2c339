/* SPDX-License-Identifier: MIT */
/*
 * The call every protocol client makes (internal to l4re/client): the message goes to
 * gate with the protocol as label; capability items in the reply land in the receive
 * slots named with pecan_receive_caps, which are cleared again afterwards. The result is
 * the reply label, the IPC failure as PECAN_IPC_ERROR(status) (PECAN_IPC_TIMEOUT when a
 * timed call's time ran out, sending or waiting for the reply), or, for an item the kernel
 * could not deliver, its reason (-PECAN_E*, from the UTCB error word).
 */
#ifndef PECAN_CLIENT_CALL_H
#define PECAN_CLIENT_CALL_H

#include <pecan/runtime.h>
#include <pecan/sys.h>

static inline int client_call_within(pecan_cap_t gate, int protocol, struct pecan_message *msg,
                                     unsigned words, unsigned items, pecan_word_t timeout)
{
    msg->tag = pecan_tag(protocol, words, items);
    struct pecan_reply reply = pecan_ipc_call(gate, msg, timeout);
    struct pecan_utcb *utcb = pecan_utcb();
    utcb->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = 0;
    if (reply.ipc_status == PECAN_IPC_ITEM_FAILED && pecan_tag_label(reply.tag) == 0)
        return utcb->error ? -(int)utcb->error : -PECAN_EINVAL;
    return pecan_error(reply);
}

/* The same without a time limit: for servers the caller has to trust anyway. */
static inline int client_call(pecan_cap_t gate, int protocol, struct pecan_message *msg,
                              unsigned words, unsigned items)
{
    return client_call_within(gate, protocol, msg, words, items, PECAN_TIMEOUT_NEVER);
}

/* Packs length bytes of text into words from w on (little-endian, zero-padded);
 * returns the number of words used. */
static inline unsigned client_pack_bytes(pecan_word_t *w, const char *text, unsigned length)
{
    unsigned words = (length + 3) / 4;
    for (unsigned i = 0; i < words; i++)
        w[i] = 0;
    for (unsigned i = 0; i < length; i++)
        w[i / 4] |= (pecan_word_t)(unsigned char)text[i] << (8 * (i % 4));
    return words;
}

/* A capability item at words[at], [at + 1]. */
static inline void client_cap_item(pecan_word_t *w, pecan_cap_t cap, unsigned rights)
{
    w[0] = PECAN_ITEM_CAP | rights << PECAN_ITEM_RIGHTS_SHIFT;
    w[1] = cap;
}

#endif
