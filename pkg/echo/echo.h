/* SPDX-License-Identifier: MIT */
/*
 * The ECHO protocol (the template of docs/servers.md) and its client stub (echo_stub.c).
 * A client opens a session at the server's session factory (its channel "echo"), then
 * calls the session: a request's text comes back upper-cased. The session ends when the
 * client closes it (or deletes its capability, or dies).
 *
 * Opening (FACTORY CREATE, pecan/session.h): w1 PECAN_PROTO_ECHO, then optionally the
 * session's name: w2 its length (at most ECHO_MAX_NAME), w3.. its bytes (printable ASCII,
 * packed little-endian, as a ned script's string argument is: ch:create(L4.Proto.Echo,
 * "alpha")). The server logs a named session's opening and closing. -PECAN_ERANGE for a
 * longer name, -PECAN_EMSGTOOSHORT for missing bytes, -PECAN_EINVAL for other bytes or
 * words beyond the name.
 * Requests on a session (label PECAN_PROTO_ECHO, w0 the opcode):
 *   ECHO_UPPER  w1 length (at most ECHO_MAX_TEXT), w2.. the text
 *               -> w0 length, w1.. the text upper-cased; -PECAN_ERANGE, -PECAN_EMSGTOOSHORT
 *   ECHO_CRASH  the server aborts (conf/restart.lua); needs the object right WRITE
 * Errors: -PECAN_ENOSYS for another opcode, -PECAN_EBADPROTO for another label.
 */
#ifndef ECHO_H
#define ECHO_H

#include <pecan/protocol_numbers.h>   /* PECAN_PROTO_ECHO */
#include <pecan/session.h>

enum echo_op {
    ECHO_UPPER = 0,
    ECHO_CRASH = 1,
};

#define ECHO_MAX_TEXT 128
#define ECHO_MAX_NAME 16

/* Client stub. A session at the server behind channel, its gate paid by factory; close
 * it with pecan_session_close. */
int echo_open(pecan_cap_t channel, pecan_cap_t factory, struct pecan_session *session);
/* text (length bytes) upper-cased into answer (room for length bytes). */
int echo_upper(pecan_cap_t session, const char *text, unsigned length, char *answer);
/* Makes the server abort: returns the error the call ended with. */
int echo_crash(pecan_cap_t session);

#endif
