/* SPDX-License-Identifier: MIT */
/*
 * The server side of an EVENT session (l4re/server/event_stream.c; the protocol in
 * pecan/protocol/event.h, the ring's two sides in pecan/event_ring.h). Every event server
 * (input-drv, mag for each of its sessions) keeps one stream per session: a ring in a
 * page of its own and the notification the client bound.
 *
 * The ring's page comes from a factory of the stream's own, made through the server's
 * factory (PECAN_EVENT_STREAM_QUOTA); freeing the stream destroys that factory, which
 * takes the page from everyone who mapped it: a client that keeps its mapping or its
 * capability to the ring cannot keep the server's memory.
 *
 * Invariants: a made stream's ring is initialised and mapped in the server; its
 * notification slot is 0 or holds a notification with WRITE; the server changes a stream
 * only under whatever lock guards the producer (service->lock).
 */
#ifndef PECAN_EVENT_SERVER_H
#define PECAN_EVENT_SERVER_H

#include <stdbool.h>
#include <pecan/event_ring.h>
#include <pecan/server.h>

#define PECAN_EVENT_STREAM_SIZE 4096u            /* the ring: one page */
#define PECAN_EVENT_STREAM_QUOTA (16u * 1024u)   /* the page and its records at moe */

struct pecan_event_stream {
    pecan_cap_t factory;            /* pays for the ring; destroyed when the stream goes */
    pecan_cap_t buffer;             /* the ring's dataspace */
    pecan_word_t address;           /* where the ring is mapped in the server */
    struct pecan_event_producer producer;
    pecan_cap_t notification;       /* the client's, 0 if none bound */
    pecan_word_t bits;
};

/* What a server adds to the protocol: its lock around a stream's notification (NULL:
 * the caller holds it already), and INFO's first three words (devices, modifiers,
 * buttons); the library answers the fourth, the stream's dropped count. */
struct pecan_event_service {
    void (*lock)(void);
    void (*unlock)(void);
    void (*info)(pecan_word_t *devices, pecan_word_t *modifiers, pecan_word_t *buttons);
};

/* Makes the ring (a zeroed stream in); on failure everything made is freed again. */
int pecan_event_stream_make(struct pecan_event_stream *stream);
/* Unmaps and destroys the ring, drops the notification. */
void pecan_event_stream_free(struct pecan_event_stream *stream);
/* Puts one event in (false: dropped, counted); signal once a batch is in. */
bool pecan_event_stream_put(struct pecan_event_stream *stream, const struct pecan_event *event);
/* Signals the bound notification, if any (never blocks). */
void pecan_event_stream_signal(struct pecan_event_stream *stream);
/* One EVENT request on the stream, decoded and checked in the protocol's order. */
int pecan_event_stream_request(struct server_request *r, struct pecan_event_stream *stream,
                               const struct pecan_event_service *service);

#endif
