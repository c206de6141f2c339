/* SPDX-License-Identifier: MIT */
/*
 * Both sides of an event ring (pecan/event_ring.h; layout and ordering in
 * pecan/protocol/event.h). The shared header is read and written only through atomic
 * loads and stores: acquire when reading the peer's count, release when publishing one's
 * own, relaxed for the rest. Whatever the peer writes, each side reads one word of it and
 * takes it only inside the bounds its own private counts allow.
 */
#include <pecan/errors.h>
#include <pecan/event_ring.h>

uint32_t pecan_event_ring_capacity(size_t size)
{
    if (size < PECAN_EVENT_RING_EVENTS + sizeof(struct pecan_event))
        return 0;
    size_t fits = (size - PECAN_EVENT_RING_EVENTS) / sizeof(struct pecan_event);
    uint32_t capacity = 1;
    while ((size_t)capacity * 2 <= fits && capacity < 0x80000000u)
        capacity *= 2;
    return capacity;
}

/* How many events the ring holds if the peer's count is possible: produced - consumed,
 * from 0 to capacity; anything else is not a count a well-behaved peer can write. */
static bool held(uint32_t produced, uint32_t consumed, uint32_t capacity, uint32_t *count)
{
    *count = produced - consumed;
    return *count <= capacity;
}

int pecan_event_producer_init(struct pecan_event_producer *producer, void *memory, size_t size)
{
    uint32_t capacity = pecan_event_ring_capacity(size);
    if (!capacity || ((uintptr_t)memory & 3))
        return -PECAN_EINVAL;
    struct pecan_event_ring *ring = memory;
    producer->ring = ring;
    producer->capacity = capacity;
    producer->produced = 0;
    producer->dropped = 0;
    __atomic_store_n(&ring->capacity, capacity, __ATOMIC_RELAXED);
    __atomic_store_n(&ring->produced, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&ring->dropped, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&ring->consumed, 0, __ATOMIC_RELAXED);
    /* The magic last: a consumer that sees it sees the rest. */
    __atomic_store_n(&ring->magic, PECAN_EVENT_RING_MAGIC, __ATOMIC_RELEASE);
    return 0;
}

/* The count is written again with each drop: a consumer that lost it (it scribbled on
 * the header) finds it there and can start again from it. */
static void drop(struct pecan_event_producer *producer)
{
    producer->dropped++;
    __atomic_store_n(&producer->ring->dropped, producer->dropped, __ATOMIC_RELAXED);
    __atomic_store_n(&producer->ring->produced, producer->produced, __ATOMIC_RELEASE);
}

bool pecan_event_producer_put(struct pecan_event_producer *producer,
                              const struct pecan_event *event)
{
    struct pecan_event_ring *ring = producer->ring;
    uint32_t consumed = __atomic_load_n(&ring->consumed, __ATOMIC_ACQUIRE);
    uint32_t count;
    if (!held(producer->produced, consumed, producer->capacity, &count) ||
        count == producer->capacity) {
        drop(producer);
        return false;
    }
    /* The slot from the private count and capacity: inside the ring whatever the page
     * says. */
    ring->events[producer->produced & (producer->capacity - 1)] = *event;
    producer->produced++;
    __atomic_store_n(&ring->produced, producer->produced, __ATOMIC_RELEASE);
    return true;
}

int pecan_event_consumer_init(struct pecan_event_consumer *consumer, void *memory, size_t size)
{
    struct pecan_event_ring *ring = memory;
    if (size < PECAN_EVENT_RING_EVENTS || ((uintptr_t)memory & 3) ||
        __atomic_load_n(&ring->magic, __ATOMIC_ACQUIRE) != PECAN_EVENT_RING_MAGIC)
        return -PECAN_EINVAL;
    uint32_t capacity = __atomic_load_n(&ring->capacity, __ATOMIC_RELAXED);
    if (capacity == 0 || (capacity & (capacity - 1)) ||
        capacity > (size - PECAN_EVENT_RING_EVENTS) / sizeof(struct pecan_event))
        return -PECAN_EINVAL;
    uint32_t produced = __atomic_load_n(&ring->produced, __ATOMIC_ACQUIRE);
    uint32_t consumed = __atomic_load_n(&ring->consumed, __ATOMIC_RELAXED);
    uint32_t count;
    consumer->ring = ring;
    consumer->capacity = capacity;
    consumer->consumed = held(produced, consumed, capacity, &count) ? consumed : produced;
    consumer->resyncs = 0;
    return 0;
}

bool pecan_event_consumer_get(struct pecan_event_consumer *consumer, struct pecan_event *event)
{
    struct pecan_event_ring *ring = consumer->ring;
    uint32_t produced = __atomic_load_n(&ring->produced, __ATOMIC_ACQUIRE);
    uint32_t count;
    if (!held(produced, consumer->consumed, consumer->capacity, &count)) {
        /* Not a count a well-behaved producer writes: skip to it. */
        consumer->resyncs++;
        consumer->consumed = produced;
        __atomic_store_n(&ring->consumed, consumer->consumed, __ATOMIC_RELEASE);
        return false;
    }
    if (count == 0)
        return false;
    *event = ring->events[consumer->consumed & (consumer->capacity - 1)];
    consumer->consumed++;
    __atomic_store_n(&ring->consumed, consumer->consumed, __ATOMIC_RELEASE);
    return true;
}

uint32_t pecan_event_consumer_dropped(const struct pecan_event_consumer *consumer)
{
    return __atomic_load_n(&consumer->ring->dropped, __ATOMIC_RELAXED);
}
