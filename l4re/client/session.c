/* SPDX-License-Identifier: MIT */
/* Sessions (pecan/session.h): FACTORY CREATE at a framework server's session factory with
 * a gate of the client's (and, for a charged session, the client's factory), FACTORY
 * RELEASE of that gate at the close. */
#include <pecan/factory.h>
#include <pecan/session.h>
#include <stdbool.h>
#include "client_call.h"

/* CREATE with the gate as item 0 (0: no item, the server pays) and the payer as item 1
 * (0: none). */
static int create(pecan_cap_t server, int protocol, pecan_cap_t gate, pecan_cap_t payer,
                  const pecan_word_t *args, unsigned count, pecan_word_t timeout,
                  pecan_cap_t dest)
{
    struct pecan_message m;
    m.word[0] = PECAN_FACTORY_CREATE;
    m.word[1] = (pecan_word_t)protocol;
    for (unsigned i = 0; i < count; i++)
        m.word[2 + i] = args[i];
    /* READ: the server binds the gate; GRANT: it mints the session's copies from it. */
    unsigned items = 0;
    if (gate)
        client_cap_item(&m.word[2 + count + 2 * items++], gate,
                        PECAN_RIGHT_READ | PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
    if (gate && payer)
        client_cap_item(&m.word[2 + count + 2 * items++], payer,
                        PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
    pecan_receive_caps(&dest, 1);
    int err = client_call_within(server, PECAN_PROTO_FACTORY, &m, 2 + count, items, timeout);
    if (!err && pecan_tag_items(m.tag) < 1)
        return -PECAN_EMSGTOOSHORT;
    return err;
}

/* Items need GRANT on the channel: an L4Re script's "rw" end has none. */
static int can_send_items(pecan_cap_t server)
{
    struct pecan_cap_identity id;
    return pecan_cnode_identify(PECAN_ENV_CNODE, server, 32, &id) != 0 ||
           (id.rights & PECAN_RIGHT_GRANT);
}

int pecan_session_open_within(pecan_cap_t server, int protocol, pecan_cap_t factory,
                              bool charged, const pecan_word_t *args, unsigned count,
                              uint32_t timeout_us, struct pecan_session *session)
{
    if (count > PECAN_SESSION_MAX_ARGS)
        return -PECAN_ERANGE;
    *session = (struct pecan_session){ 0, 0, factory };
    int err = pecan_cap_alloc(&session->cap);
    if (!err && can_send_items(server) && (err = pecan_cap_alloc(&session->gate)) == 0)
        err = pecan_factory_create_gate(factory, session->gate);
    if (!err)
        err = create(server, protocol, session->gate, charged ? factory : 0, args, count,
                     timeout_us ? pecan_timeout_us(timeout_us) : PECAN_TIMEOUT_NEVER,
                     session->cap);
    if (err)
        pecan_session_close(session);
    return err;
}

int pecan_session_open(pecan_cap_t server, int protocol, pecan_cap_t factory,
                       const pecan_word_t *args, unsigned count, struct pecan_session *session)
{
    return pecan_session_open_within(server, protocol, factory, false, args, count, 0, session);
}

int pecan_session_open_charged(pecan_cap_t server, int protocol, pecan_cap_t factory,
                               const pecan_word_t *args, unsigned count,
                               struct pecan_session *session)
{
    return pecan_session_open_within(server, protocol, factory, true, args, count, 0, session);
}

void pecan_session_close(struct pecan_session *session)
{
    if (session->cap)
        pecan_cap_release(session->cap);
    if (session->gate) {
        pecan_factory_release(session->factory, session->gate);
        pecan_cap_release(session->gate);   /* empty now, unless the release failed */
    }
    *session = (struct pecan_session){ 0, 0, 0 };
}

int pecan_session_info(pecan_cap_t server, struct pecan_session_info *info)
{
    struct pecan_message m;
    m.word[0] = PECAN_FACTORY_INFO;
    int err = client_call(server, PECAN_PROTO_FACTORY, &m, 1, 0);
    if (err)
        return err;
    if (pecan_tag_words(m.tag) < 5)
        return -PECAN_EMSGTOOSHORT;
    *info = (struct pecan_session_info){ m.word[2], m.word[3], m.word[4] };
    return 0;
}
