/* SPDX-License-Identifier: MIT */
/*
 * Sessions at a server of the framework (l4re/client/session.c; the server side is
 * pecan/server.h, "Programs and sessions"; docs/servers.md). The client pays: it makes
 * the session's gate through its own factory and hands it over; the server binds it and
 * answers with the session capability. pecan_session_close deletes that capability and
 * gives the gate back to the factory (FACTORY RELEASE), at once; the server frees its
 * state when it sees the session's last client capability go (so it does whatever way
 * the client ends, and a client subsystem's death gives everything back with its
 * factory).
 */
#ifndef PECAN_SESSION_H
#define PECAN_SESSION_H

#include <pecan/syscall.h>
#include <stdbool.h>
#include <stdint.h>

#define PECAN_SESSION_MAX_ARGS 8

struct pecan_session {
    pecan_cap_t cap;        /* the session: call it */
    pecan_cap_t gate;       /* its gate (our copy, to give it back), 0 if the server paid */
    pecan_cap_t factory;    /* the factory that made the gate */
};

/* Opens a session of protocol at server (its session factory, e.g. a channel), its gate
 * made through factory, with up to PECAN_SESSION_MAX_ARGS argument words. A channel copy
 * that cannot carry items (no GRANT) makes the server pay for the gate, as in L4Re.
 * 0, -PECAN_ERANGE (too many arguments), -PECAN_ENOMEM (slots), the factory's error
 * (-PECAN_ENOMEM: the quota), or the server's (-PECAN_ENOSYS: not that protocol). */
int pecan_session_open(pecan_cap_t server, int protocol, pecan_cap_t factory,
                       const pecan_word_t *args, unsigned count, struct pecan_session *session);
/* The same, and the server may charge what it makes for the session to factory: it gets
 * factory as item 1 of CREATE (a server that wants none ignores it) and makes its objects
 * through moe with factory as the payer (pecan_factory_create_charged_factory), so the
 * client's quota pays and the server's does not move (mag's buffers, docs/graphics.md).
 * Hand it only to a server trusted with that much of the quota. Without items (a channel
 * copy without GRANT) the server pays, as above. */
int pecan_session_open_charged(pecan_cap_t server, int protocol, pecan_cap_t factory,
                               const pecan_word_t *args, unsigned count,
                               struct pecan_session *session);
/* Either of the two (charged or not) with a time limit on the server's answer: a server
 * that takes the request and never answers gives PECAN_IPC_ERROR(PECAN_IPC_TIMEOUT)
 * after timeout_us (0: no limit; the kernel rounds up to its 10 ms tick), and the gate
 * made for the session goes back to factory, so a session the server made late loses its
 * last client and is reclaimed. For a caller that must go on without that server (ned). */
int pecan_session_open_within(pecan_cap_t server, int protocol, pecan_cap_t factory,
                              bool charged, const pecan_word_t *args, unsigned count,
                              uint32_t timeout_us, struct pecan_session *session);
/* Closes it: the capability goes, the gate back to the factory's quota; slots freed. */
void pecan_session_close(struct pecan_session *session);

/* The session factory's counts (FACTORY INFO of a framework server). */
struct pecan_session_info {
    pecan_word_t open;         /* sessions open */
    pecan_word_t objects;      /* objects registered on the sessions' server threads */
    pecan_word_t free_slots;   /* the server program's free capability slots */
};
int pecan_session_info(pecan_cap_t server, struct pecan_session_info *info);

#endif
