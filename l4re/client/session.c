/* SPDX-License-Identifier: MIT */
/* Opening sessions (pecan/session.h): FACTORY CREATE at a framework server's factory. */
#include <pecan/factory.h>
#include <pecan/session.h>
#include "client_call.h"

/* A gate (0: none, the server pays) for the session of the message in m. */
static int open_with_gate(pecan_cap_t server, int protocol, pecan_cap_t gate,
                          const pecan_word_t *args, unsigned count, pecan_cap_t dest)
{
    struct pecan_message m;
    m.word[0] = PECAN_FACTORY_CREATE;
    m.word[1] = (pecan_word_t)protocol;
    for (unsigned i = 0; i < count; i++)
        m.word[2 + i] = args[i];
    /* READ: the server binds the gate; GRANT: it mints the session's copies from it. */
    if (gate)
        client_cap_item(&m.word[2 + count], gate,
                        PECAN_RIGHT_READ | PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
    pecan_receive_caps(&dest, 1);
    int err = client_call(server, PECAN_PROTO_FACTORY, &m, 2 + count, gate ? 1 : 0);
    if (!err && pecan_tag_items(m.tag) < 1)
        return -PECAN_EMSGTOOSHORT;
    return err;
}

int pecan_session_open(pecan_cap_t server, int protocol, pecan_cap_t factory,
                       const pecan_word_t *args, unsigned count, pecan_cap_t dest)
{
    if (count > PECAN_SESSION_MAX_ARGS)
        return -PECAN_ERANGE;
    /* Items need GRANT on the channel: without it (an L4Re script's "rw" end) the server
     * makes the gate and pays for it. */
    struct pecan_cap_identity id;
    if (pecan_cnode_identify(PECAN_ENV_CNODE, server, 32, &id) == 0 &&
        !(id.rights & PECAN_RIGHT_GRANT))
        return open_with_gate(server, protocol, 0, args, count, dest);
    pecan_cap_t gate;
    int err = pecan_cap_alloc(&gate);
    if (err)
        return err;
    err = pecan_factory_create_gate(factory, gate);
    if (!err)
        err = open_with_gate(server, protocol, gate, args, count, dest);
    /* The server keeps its own copy (a child of ours, moved up when ours goes); without
     * one the gate goes back to the quota now. */
    pecan_cap_release(gate);
    return err;
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
