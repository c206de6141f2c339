/* SPDX-License-Identifier: MIT */
/*
 * Opening a session at a server of the framework (l4re/client/session.c; the server side
 * is pecan/server.h, "Programs and sessions"; docs/servers.md). The client pays: it makes
 * the session's gate through its own factory and hands it over; the server binds it and
 * answers with the session capability. Closing is deleting that capability
 * (pecan_cap_release): the server frees the session, and the gate goes back to the
 * client's quota with its last capability.
 */
#ifndef PECAN_SESSION_H
#define PECAN_SESSION_H

#include <pecan/syscall.h>

#define PECAN_SESSION_MAX_ARGS 8

/* Opens a session of protocol at server (its session factory, e.g. a channel), its gate
 * made through factory, with up to PECAN_SESSION_MAX_ARGS argument words; the session
 * capability lands in dest. 0, -PECAN_ERANGE (too many arguments), the factory's error
 * (-PECAN_ENOMEM: the quota), or the server's (-PECAN_ENOSYS: not that protocol). */
int pecan_session_open(pecan_cap_t server, int protocol, pecan_cap_t factory,
                       const pecan_word_t *args, unsigned count, pecan_cap_t dest);

/* The session factory's counts (FACTORY INFO of a framework server). */
struct pecan_session_info {
    pecan_word_t open;         /* sessions open */
    pecan_word_t objects;      /* objects registered on the sessions' server threads */
    pecan_word_t free_slots;   /* the server program's free capability slots */
};
int pecan_session_info(pecan_cap_t server, struct pecan_session_info *info);

#endif
