/* SPDX-License-Identifier: MIT */
/*
 * EVENT protocol client (l4re/client/event.c; the protocol in protocol/event.h, the ring in
 * pecan/event_ring.h). A client opens a session at an event server (input-drv's channel),
 * attaches its ring, binds a notification of its own and then reads events from memory,
 * waiting on the notification when the ring is empty:
 *
 *     struct pecan_session session;
 *     struct pecan_event_client events;
 *     pecan_event_open(channel, PECAN_ENV_FACTORY, &session);
 *     pecan_event_attach(session.cap, &events);                 // the ring, mapped
 *     pecan_factory_create_notification(PECAN_ENV_FACTORY, n);
 *     pecan_event_bind(session.cap, n, 1);
 *     for (;;) {
 *         struct pecan_event e;
 *         while (pecan_event_consumer_get(&events.consumer, &e))
 *             ...;
 *         pecan_notification_wait(n, &bits);
 *     }
 */
#ifndef PECAN_EVENT_H
#define PECAN_EVENT_H

#include <pecan/event_ring.h>
#include <pecan/protocol/event.h>
#include <pecan/session.h>
#include <pecan/syscall.h>

/* A session at the event server behind channel, its gate paid by factory; close it with
 * pecan_session_close (after pecan_event_detach). */
int pecan_event_open(pecan_cap_t channel, pecan_cap_t factory, struct pecan_session *session);

/* GET_BUFFER: the ring's dataspace into dest (an empty slot), its size and capacity. */
int pecan_event_get_buffer(pecan_cap_t session, pecan_cap_t dest, pecan_word_t *size,
                           pecan_word_t *capacity);
/* BIND: the server signals notification (WRITE, GRANT to send it) with bits. */
int pecan_event_bind(pecan_cap_t session, pecan_cap_t notification, pecan_word_t bits);
/* BIND without a notification: no more signals. */
int pecan_event_unbind(pecan_cap_t session);

struct pecan_event_info {
    pecan_word_t devices;     /* PECAN_EVENT_DEVICE_* */
    pecan_word_t modifiers;   /* PECAN_EVENT_MODIFIER_* now */
    pecan_word_t buttons;     /* held now: bit 0 left, 1 right, 2 middle */
    pecan_word_t dropped;     /* events this session's ring dropped */
};
int pecan_event_info(pecan_cap_t session, struct pecan_event_info *info);

/* A session's ring, attached read-write in this program. */
struct pecan_event_client {
    pecan_cap_t buffer;                    /* the dataspace */
    pecan_word_t address;                  /* where it is attached */
    pecan_word_t size;
    struct pecan_event_consumer consumer;
};

/* GET_BUFFER and attaches it (through the program's region map): the consumer is ready.
 * A size or capacity the server answers that does not match the ring is -PECAN_EINVAL. */
int pecan_event_attach(pecan_cap_t session, struct pecan_event_client *client);
/* Detaches the ring and deletes the dataspace capability. */
void pecan_event_detach(struct pecan_event_client *client);

#endif
