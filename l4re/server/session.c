/* SPDX-License-Identifier: MIT */
/*
 * Sessions of the server framework (pecan/server.h, "Programs and sessions"): the session
 * factory's FACTORY protocol (CREATE opens a session on a gate the client made and
 * paid for, INFO counts), and the end of a session when its last client copy goes.
 *
 * Invariants: an open session is registered with exactly one of the sessions' servers,
 * under the type sessions->type, and holds that server's copy of its gate (in
 * object.gate); open_count is the number of such sessions; a session's state is freed
 * (close) only after it is unregistered and its gate capability deleted.
 */
#include <pecan/factory.h>
#include <pecan/runtime.h>
#include <pecan/server.h>
#include <stdbool.h>

static struct server_sessions *sessions_of(struct server_object *object)
{
    return (struct server_sessions *)object;   /* object is its first member */
}

/* The server thread the next session goes to: the sessions' servers in turn. */
static struct server *next_server(struct server_sessions *f)
{
    if (!f->server_count)
        return f->object.server;
    unsigned i = __atomic_fetch_add(&f->next, 1, __ATOMIC_RELAXED) % f->server_count;
    return f->servers[i];
}

/* The server's copy of a session's gate goes. A gate the server paid for goes back to
 * its factory: moe would free it with its last capability, but the server's own
 * no-clients watch on the gate took the place of moe's (the kernel keeps one watch per
 * gate). A client's gate is the client's to give back (pecan_session_close). */
static void drop_gate(struct server *s, pecan_cap_t gate, bool server_paid)
{
    if (server_paid)
        pecan_factory_release(PECAN_ENV_FACTORY, gate);
    pecan_cnode_delete(s->config.cnode, gate, s->config.cnode_depth);
    s->config.slot_free(gate);
}

/* The client's gate (item 0): a gate with READ that no thread serves yet. A bound one
 * would be a gate of another server (taking it would steal that server's messages) or of
 * another session of ours (two sessions on one gate share its single no-clients watch). */
static int client_gate(struct server_request *r, pecan_cap_t *gate)
{
    struct server *s = r->server;
    struct pecan_cap_identity id;
    pecan_cap_t slot = server_peek_cap(r, 0);
    if (!slot || pecan_cnode_identify(s->config.cnode, slot, s->config.cnode_depth, &id))
        return -PECAN_EINVALCAP;
    if (id.type != PECAN_OBJ_GATE)
        return -PECAN_ETYPE;
    if (!(id.rights & PECAN_RIGHT_READ))
        return -PECAN_EPERM;   /* gate control through it would be IPC to its server */
    int bound = 1;
    if (pecan_gate_info(slot, &bound, 0) || bound)
        return -PECAN_EBUSY;
    return (*gate = server_take_cap(r, 0)) ? 0 : -PECAN_ENOMEM;
}

/* The session's gate: the client's (item 0), or, from a client that can send no item (a
 * channel copy without GRANT, as L4Re scripts hand out "rw"), one of the server's own
 * factory: then the server's quota pays, as in L4Re. */
static int session_gate(struct server_request *r, pecan_cap_t *gate, bool *server_paid)
{
    *server_paid = !r->items;
    if (r->items)
        return client_gate(r, gate);
    if (!(*gate = r->server->config.slot_alloc()))
        return -PECAN_ENOMEM;
    int err = pecan_factory_create_gate(PECAN_ENV_FACTORY, *gate);
    if (err)
        r->server->config.slot_free(*gate);
    return err;
}

/* CREATE: w1 protocol, item 0 the session's gate (the client's, READ for binding it). */
static int open_session(struct server_request *r, struct server_sessions *f)
{
    int err = server_need_words(r, 2);
    if (err)
        return err;
    if ((int)r->in[1] != f->protocol)
        return -PECAN_ENOSYS;
    pecan_cap_t gate;
    bool server_paid;
    err = session_gate(r, &gate, &server_paid);
    if (err)
        return err;
    struct server_session *session = 0;
    err = f->open(r, &session);
    if (!err) {
        session->sessions = f;
        session->server_paid = server_paid;
        /* Checks the gate (ETYPE: not a gate, EPERM: no READ) and binds it. */
        err = server_register(next_server(f), &session->object, &f->type, gate);
        if (!err && (err = server_reply_object(r, &session->object,
                                               PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT)) != 0)
            server_unregister(session->object.server, &session->object);
        if (err)
            f->close(session);
    }
    if (err) {
        drop_gate(r->server, gate, server_paid);
        return err;
    }
    __atomic_fetch_add(&f->open_count, 1, __ATOMIC_RELAXED);
    return 0;
}

static unsigned registered(struct server_sessions *f)
{
    if (!f->server_count)
        return f->object.server->count;
    unsigned count = f->object.server->count;
    for (unsigned i = 0; i < f->server_count; i++)
        if (f->servers[i] != f->object.server)
            count += f->servers[i]->count;
    return count;
}

static int sessions_request(struct server_request *r)
{
    struct server_sessions *f = sessions_of(r->object);
    int err = server_need_words(r, 1);
    if (err)
        return err;
    switch (r->in[0]) {
    case PECAN_FACTORY_CREATE:
        return open_session(r, f);
    case PECAN_FACTORY_INFO:
        server_reply_word(r, 0);
        server_reply_word(r, 0);
        server_reply_word(r, __atomic_load_n(&f->open_count, __ATOMIC_RELAXED));
        server_reply_word(r, registered(f));
        server_reply_word(r, pecan_cap_free_count());
        return 0;
    default:
        return -PECAN_ENOSYS;
    }
}

/* The session's last client copy is gone (or its gate: the client's factory died). */
static void session_no_clients(struct server_object *object)
{
    struct server_session *session = (struct server_session *)object;
    struct server_sessions *f = session->sessions;
    struct server *s = object->server;
    pecan_cap_t gate = object->gate;
    server_unregister(s, object);
    drop_gate(s, gate, session->server_paid);
    __atomic_fetch_sub(&f->open_count, 1, __ATOMIC_RELAXED);
    f->close(session);
}

static const struct server_protocol sessions_protocols[] = {
    { PECAN_PROTO_FACTORY, sessions_request },
};
static const struct server_type sessions_type = {
    .name = "sessions", .protocols = sessions_protocols, .protocol_count = 1,
};

int server_sessions_serve(struct server *s, struct server_sessions *sessions, pecan_cap_t gate)
{
    sessions->type.no_clients = session_no_clients;
    int err = server_register(s, &sessions->object, &sessions_type, gate);
    if (!err)
        server_set_unbadged(s, &sessions->object);
    return err;
}
