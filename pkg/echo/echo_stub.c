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
    unsigned words = (length + 3) / 4;
    /* The message is built where the call sends it from, and the answer read where the
     * call leaves it. */
    struct pecan_utcb *utcb = pecan_utcb();
    utcb->message[0] = ECHO_UPPER;
    utcb->message[1] = length;
    pack(&utcb->message[2], text, length);
    pecan_tag_t tag = pecan_tag(PECAN_PROTO_ECHO, 2 + words, 0);
    struct pecan_reply reply = pecan_invoke_utcb(session, PECAN_OP_CALL, tag, utcb);
    /* The one good answer: 1 + words words, label 0. */
    if (reply.ipc_status || reply.tag != pecan_tag(0, 1 + words, 0)) {
        int err = pecan_error(reply);
        return err ? err : -PECAN_EINVAL;
    }
    if (utcb->message[0] != length)
        return -PECAN_EINVAL;
    pack((pecan_word_t *)answer, (const char *)&utcb->message[1], length);
    return 0;
}

int echo_crash(pecan_cap_t session)
{
    struct pecan_message msg = { .tag = pecan_tag(PECAN_PROTO_ECHO, 1, 0), .word = { ECHO_CRASH } };
    return pecan_error(pecan_ipc_call(session, &msg, PECAN_TIMEOUT_NEVER));
}
