/* SPDX-License-Identifier: MIT */
/*
 * Both sides of an event ring (l4re/client/event_ring.c; the layout, the memory ordering
 * and the rules against a hostile peer are in pecan/protocol/event.h). Portable code with
 * no system calls: the producer is a server (input-drv), the consumer its client; the
 * host's unit tests run both.
 *
 * Invariants: each side keeps its count and the capacity in its own struct, writes only
 * its own field of the shared header and never reads it back; the producer writes only
 * the slot its own count names, inside the capacity it set up.
 */
#ifndef PECAN_EVENT_RING_H
#define PECAN_EVENT_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pecan/protocol/event.h>

struct pecan_event_producer {
    struct pecan_event_ring *ring;   /* the shared memory */
    uint32_t capacity;               /* a power of two */
    uint32_t produced;               /* events put so far */
    uint32_t dropped;                /* events dropped because the ring was full */
};

struct pecan_event_consumer {
    struct pecan_event_ring *ring;
    uint32_t capacity;
    uint32_t consumed;               /* events taken so far */
    uint32_t resyncs;                /* times the producer's count was impossible and
                                        the consumer skipped to it */
};

/* The largest power-of-two number of events that fits in size bytes of ring (0 if none). */
uint32_t pecan_event_ring_capacity(size_t size);

/* Sets up a ring in memory (size bytes, zeroed or not) and writes its header: empty,
 * capacity from pecan_event_ring_capacity. -PECAN_EINVAL if not even one event fits or
 * memory is not 4-byte aligned. */
int pecan_event_producer_init(struct pecan_event_producer *producer, void *memory, size_t size);

/* Puts one event in; false if the ring was full (or the consumer's count impossible) and
 * the event was dropped and counted. */
bool pecan_event_producer_put(struct pecan_event_producer *producer,
                              const struct pecan_event *event);

/* Attaches to a ring a producer set up in memory (size bytes): checks the magic and that
 * the capacity is a power of two whose events fit (-PECAN_EINVAL otherwise). It starts
 * where the header's consumed says, so the events put since the session opened are read;
 * if that count is impossible, at produced. */
int pecan_event_consumer_init(struct pecan_event_consumer *consumer, void *memory, size_t size);

/* Takes the next event; false if there is none. */
bool pecan_event_consumer_get(struct pecan_event_consumer *consumer, struct pecan_event *event);

/* The producer's dropped count as the header shows it (for a client's report). */
uint32_t pecan_event_consumer_dropped(const struct pecan_event_consumer *consumer);

#endif
