/* SPDX-License-Identifier: MIT */
/*
 * The EVENT protocol (after L4Re's Event, 0x4006): input events as a stream, delivered
 * through memory shared between one producer (the server: input-drv, or mag for each
 * of its sessions) and one consumer (the client), plus a notification the server signals
 * when events arrive. The client reads events without IPC (pecan/event_ring.h has both
 * sides' code; docs/graphics.md, "Input").
 *
 * A session (FACTORY CREATE at the server's session factory, w1 PECAN_PROTO_EVENT, no
 * arguments: -PECAN_EINVAL for any; -PECAN_ENOMEM when the server has as many sessions as
 * it allows, or no memory for another ring) has its own ring. The server sends every
 * session every event: it routes nothing (mag, its usual client, decides where a key
 * goes).
 *
 * Requests on a session (label PECAN_PROTO_EVENT, w0 the opcode):
 *   GET_BUFFER  -> w0 the ring's size in bytes, w1 its capacity in events, item: the
 *               ring's dataspace (WRITE, GRANT). Map it read-write: the client writes
 *               its consumer count there. Every call hands out the same ring.
 *   BIND        w1 bits (not 0), item: a notification (the client's own, with the kernel
 *               right WRITE) -> the server signals it with bits whenever it has put
 *               events into the ring; it replaces the one bound before. Without an item
 *               the notification bound so far is dropped (no more signals).
 *   INFO        -> w0 devices present (PECAN_EVENT_DEVICE_*), w1 the modifiers now,
 *               w2 the buttons held now (bit 0 left, 1 right, 2 middle), w3 events this
 *               session's ring has dropped so far
 * GET_BUFFER and BIND need the object right WRITE (-PECAN_EPERM); INFO needs none.
 * Errors, in order: -PECAN_EMSGTOOSHORT (no opcode), -PECAN_ENOSYS (opcode), -PECAN_EPERM,
 * then the operation's: -PECAN_EMSGTOOSHORT (BIND without bits), -PECAN_EINVAL (words
 * beyond the operation's; BIND: bits 0 with a notification), -PECAN_EINVALCAP (BIND: an
 * item that is no capability), -PECAN_ETYPE (not a notification), -PECAN_EPERM (a
 * notification without WRITE). -PECAN_EBADPROTO for another label.
 *
 * The ring (struct pecan_event_ring, at offset 0 of the dataspace):
 *   - a header of two 32-byte halves, so each side writes its own cache line: the
 *     producer's (magic, capacity, produced, dropped) and the consumer's (consumed);
 *   - capacity events of 16 bytes from offset PECAN_EVENT_RING_EVENTS; capacity is a
 *     power of two and the events fit in the dataspace.
 * produced and consumed count events from 0 and wrap at 2^32; event n is in slot
 * n & (capacity - 1). The ring holds produced - consumed events (0 to capacity).
 *
 * Memory ordering (single producer, single consumer):
 *   - producer: read consumed (acquire); write the event into slot produced; store
 *     produced + 1 (release), so the event is visible before the count that covers it;
 *   - consumer: read produced (acquire); copy event consumed out of its slot; store
 *     consumed + 1 (release), so the copy is done before the producer may reuse the slot.
 * Overflow: when the ring is full the producer drops the newest event and counts it in
 * dropped; it never overwrites an event the consumer has not read. It stores produced
 * again with every drop, so a consumer that lost its count can start again from it.
 *
 * Neither side trusts the other. Each keeps its own counts and capacity in private memory
 * and only ever writes its own fields of the shared header, never reading them back:
 *   - the producer reads only consumed, and takes it only if 0 <= produced - consumed <=
 *     capacity; any other value (a client that scribbled on the page) counts as a full
 *     ring, so that client's events are dropped and nobody else's are touched;
 *   - the consumer checks capacity and magic once when it attaches, and takes produced
 *     only if 0 <= produced - consumed <= capacity; otherwise it skips to produced.
 *
 * Notification: the server signals the bound notification with BIND's bits after each
 * batch (one interrupt's worth) that put at least one event into the ring. Notification
 * bits stay set until taken, so a client that empties the ring and then waits misses
 * nothing.
 */
#ifndef PECAN_PROTOCOL_EVENT_H
#define PECAN_PROTOCOL_EVENT_H

#include <stdint.h>
#include <pecan/protocol_numbers.h>   /* PECAN_PROTO_EVENT */

enum pecan_event_op {
    PECAN_EVENT_GET_BUFFER = 0,
    PECAN_EVENT_BIND = 1,
    PECAN_EVENT_INFO = 2,
};

/* INFO w0: the devices that answered the driver's reset. */
#define PECAN_EVENT_DEVICE_KEYBOARD 0x1u
#define PECAN_EVENT_DEVICE_MOUSE 0x2u

enum pecan_event_type {
    PECAN_EVENT_NONE = 0,       /* never produced: a zeroed slot is no event */
    PECAN_EVENT_PRESS = 1,      /* a key or button went down: code */
    PECAN_EVENT_RELEASE = 2,    /* a key or button went up: code */
    PECAN_EVENT_REPEAT = 3,     /* a key held down repeats (the keyboard's typematic repeat) */
    PECAN_EVENT_MOTION = 4,     /* relative motion: x, y in screen directions (x > 0 right,
                                   y > 0 down) */
    PECAN_EVENT_POSITION = 5,   /* absolute position x, y on the screen (a pointer device
                                   that knows it, or mag for its sessions; PS/2 has none) */
    PECAN_EVENT_RESIZE = 6,     /* the session's screen changed size: x the new width, y
                                   the new height in pixels (mag, when the user resized
                                   the window; pecan/protocol/framebuffer.h, "Resizing") */
};

/* Modifier bits of an event (the keyboard's state after the event; the same bits as
 * pkg/input's INPUT_MODIFIER_*). */
#define PECAN_EVENT_MODIFIER_SHIFT 0x1u
#define PECAN_EVENT_MODIFIER_CTRL 0x2u
#define PECAN_EVENT_MODIFIER_ALT 0x4u
#define PECAN_EVENT_MODIFIER_CAPS_LOCK 0x8u

/* One event, 16 bytes. Key and button codes are Linux input numbers, as in L4Re
 * (pkg/input's <input/key_codes.h>: INPUT_KEY_A is 30, INPUT_BUTTON_LEFT 0x110). */
struct pecan_event {
    uint32_t time_ms;     /* the kernel clock when the device's bytes were read, in ms
                             (wraps after 49.7 days: compare differences) */
    uint8_t type;         /* enum pecan_event_type */
    uint8_t modifiers;    /* PECAN_EVENT_MODIFIER_* */
    uint16_t code;        /* PRESS, RELEASE, REPEAT: the key or button; else 0 */
    int32_t x;            /* MOTION: dx; POSITION: x; else 0 */
    int32_t y;            /* MOTION: dy; POSITION: y; else 0 */
};

#define PECAN_EVENT_RING_MAGIC 0x45564e54u   /* "EVNT" */
#define PECAN_EVENT_RING_EVENTS 64u          /* offset of the first event */

struct pecan_event_ring {
    /* Written by the producer only. */
    uint32_t magic;
    uint32_t capacity;
    uint32_t produced;
    uint32_t dropped;
    uint32_t producer_reserved[4];
    /* Written by the consumer only. */
    uint32_t consumed;
    uint32_t consumer_reserved[7];
    struct pecan_event events[];
};

_Static_assert(sizeof(struct pecan_event) == 16, "an event is 16 bytes");
_Static_assert(sizeof(struct pecan_event_ring) == PECAN_EVENT_RING_EVENTS,
               "the events start after the two halves of the header");

#endif
