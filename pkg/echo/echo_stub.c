/* SPDX-License-Identifier: MIT */
/* The ECHO client stub (echo.h): one function per operation, the message laid out as the
 * protocol header says. */
#include <pecan/session.h>
#include <pecan/sys.h>
#include "echo.h"

int echo_open(pecan_cap_t channel, pecan_cap_t factory, struct pecan_session *session)
{
    return pecan_session_open(channel, PECAN_PROTO_ECHO, factory, 0, 0, session);
}

/* Bytes into and out of message words (the protocol packs text little-endian). */
static void pack(pecan_word_t *words, const char *text, unsigned length)
{
    for (unsigned i = 0; i < length; i++)
        ((char *)words)[i] = text[i];
}

int echo_upper(pecan_cap_t session, const char *text, unsigned length, char *answer)
{
    if (length > ECHO_MAX_TEXT)
        return -PECAN_ERANGE;
    struct pecan_message msg;
    unsigned words = (length + 3) / 4;
    msg.word[0] = ECHO_UPPER;
    msg.word[1] = length;
    pack(&msg.word[2], text, length);
    msg.tag = pecan_tag(PECAN_PROTO_ECHO, 2 + words, 0);
    int err = pecan_error(pecan_invoke(session, PECAN_OP_CALL, &msg));
    if (err)
        return err;
    if (pecan_tag_words(msg.tag) < 1 + words || msg.word[0] != length)
        return -PECAN_EINVAL;
    pack((pecan_word_t *)answer, (const char *)&msg.word[1], length);
    return 0;
}

int echo_crash(pecan_cap_t session)
{
    struct pecan_message msg = { .tag = pecan_tag(PECAN_PROTO_ECHO, 1, 0), .word = { ECHO_CRASH } };
    return pecan_error(pecan_ipc_call(session, &msg, PECAN_TIMEOUT_NEVER));
}
