/* SPDX-License-Identifier: MIT */
/*
 * The console side of term (console.c): the LOG protocol as pecan/protocol/console.h
 * states it, served to every session at term's channel. The terminal has one input
 * buffer and one set of attributes, as a tty has, shared by its sessions; each session
 * (console object) may bind a notification of its own.
 *
 * Portable over the server framework: the handler decodes and checks every word, then
 * calls the hooks for what the terminal does (output, its size). term.c calls it under its
 * lock; the fuzz target reaches it through term's channel.
 *
 * Invariants: the input buffer holds 0 .. TERM_INPUT_SIZE bytes, oldest at head; a
 * session's notification slot is 0 or a notification with WRITE, and its bits are 0
 * exactly when it is 0 (its resize bits are 0 when it is 0, and may be 0 with one: the
 * reader did not ask); the attributes hold only the known bits.
 */
#ifndef TERM_CONSOLE_H
#define TERM_CONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include <pecan/server.h>

#define TERM_INPUT_SIZE 1024u   /* at least PECAN_CONSOLE_INPUT_MIN */

struct term_console_session {
    struct server_session session;   /* first: the framework's */
    pecan_cap_t notification;        /* the reader's, 0 if none bound */
    pecan_word_t bits;               /* signalled when input arrives */
    pecan_word_t resize_bits;        /* signalled when the size changes (BIND's w2) */
    struct term_console_session *next_session;
};

struct term_console_hooks {
    void (*write)(const char *bytes, size_t length);
    void (*window_size)(uint32_t *rows, uint32_t *columns);
};

void term_console_init(const struct term_console_hooks *hooks);
/* One LOG request of session (the caller holds the terminal's lock). */
int term_console_request(struct server_request *r, struct term_console_session *session);
/* Typed bytes into the input buffer (the newest dropped when it is full), and every bound
 * reader signalled. */
void term_console_input(const char *bytes, size_t length);
/* The terminal's size changed (WINDOW_SIZE answers the new one): every reader that bound
 * resize bits is signalled with them. */
void term_console_resized(void);
/* A session opens (no arguments) or goes: its notification is given back. */
void term_console_attach(struct term_console_session *session);
void term_console_detach(struct term_console_session *session);

/* Counts for tests: bytes waiting, bytes dropped since start. */
uint32_t term_console_waiting(void);
uint32_t term_console_dropped(void);

#endif
