/* SPDX-License-Identifier: MIT */
/*
 * The console operations beyond WRITE for term's own programs (the demo, the fuzz target,
 * the benchmark, the resize test): READ, BIND and WINDOW_SIZE of the LOG protocol as
 * pecan/protocol/console.h states them. The runtime's console (l4re/libc/console.c) is the
 * general client; these stay small so the tests do not depend on it. Each returns 0 or a
 * negative error; a reply that breaks the protocol is -PECAN_EINVAL.
 */
#ifndef TERM_CLIENT_H
#define TERM_CLIENT_H

#include <pecan/invoke.h>
#include <pecan/protocols.h>
#include <pecan/sys.h>
#include <string.h>

/* Up to most (<= PECAN_LOG_READ_MAX) bytes into bytes; *got how many (0: none waiting). */
static inline int term_client_read(pecan_cap_t console, char *bytes, unsigned most,
                                   unsigned *got)
{
    struct pecan_message m = { .tag = pecan_tag(PECAN_PROTO_LOG, 2, 0) };
    m.word[0] = PECAN_LOG_READ;
    m.word[1] = most;
    struct pecan_reply r = pecan_invoke(console, PECAN_OP_CALL, &m);
    int err = pecan_error(r);
    if (err)
        return err;
    pecan_word_t n = m.word[0];
    if (pecan_tag_words(r.tag) < 2 || n > most || pecan_tag_words(r.tag) < 2 + (n + 3) / 4)
        return -PECAN_EINVAL;
    memcpy(bytes, &m.word[2], n);
    *got = (unsigned)n;
    return 0;
}

/* bits when input arrives; resize_bits (BIND's w2, 0: none) when the size changes. */
static inline int term_client_bind_resize(pecan_cap_t console, pecan_cap_t notification,
                                          pecan_word_t bits, pecan_word_t resize_bits)
{
    struct pecan_message m = { .tag = pecan_tag(PECAN_PROTO_LOG, 3, 1) };
    m.word[0] = PECAN_LOG_BIND;
    m.word[1] = bits;
    m.word[2] = resize_bits;
    m.word[3] = PECAN_ITEM_CAP | PECAN_RIGHT_WRITE << PECAN_ITEM_RIGHTS_SHIFT;
    m.word[4] = notification;
    return pecan_error(pecan_invoke(console, PECAN_OP_CALL, &m));
}

static inline int term_client_bind(pecan_cap_t console, pecan_cap_t notification,
                                   pecan_word_t bits)
{
    struct pecan_message m = { .tag = pecan_tag(PECAN_PROTO_LOG, 2, 1) };
    m.word[0] = PECAN_LOG_BIND;
    m.word[1] = bits;
    m.word[2] = PECAN_ITEM_CAP | PECAN_RIGHT_WRITE << PECAN_ITEM_RIGHTS_SHIFT;
    m.word[3] = notification;
    return pecan_error(pecan_invoke(console, PECAN_OP_CALL, &m));
}

static inline int term_client_window_size(pecan_cap_t console, unsigned *rows,
                                          unsigned *columns)
{
    struct pecan_message m = { .tag = pecan_tag(PECAN_PROTO_LOG, 1, 0) };
    m.word[0] = PECAN_LOG_WINDOW_SIZE;
    struct pecan_reply r = pecan_invoke(console, PECAN_OP_CALL, &m);
    int err = pecan_error(r);
    if (err)
        return err;
    if (pecan_tag_words(r.tag) < 2)
        return -PECAN_EINVAL;
    *rows = (unsigned)m.word[0];
    *columns = (unsigned)m.word[1];
    return 0;
}

#endif
