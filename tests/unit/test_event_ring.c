/* SPDX-License-Identifier: MIT */
/* Unit tests for the event ring (l4re/client/event_ring.c, pecan/event_ring.h): order,
 * wrap-around of the counts, overflow (the newest dropped and counted, nothing unread
 * overwritten), a consumer that scribbles on the shared header (the producer stays inside
 * its slots and only that ring's events are dropped), a producer that does (the consumer
 * resyncs), the checks at attach, and a producer and a consumer thread racing. The ring
 * is a heap block of exactly its size: AddressSanitizer fails any access outside it. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <string.h>

#include <pecan/errors.h>
#include <pecan/event_ring.h>

#define PAGE 4096u

static uint32_t seed = 0x9E3779B9u;

static uint32_t random32(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

static struct pecan_event numbered(uint32_t n)
{
    struct pecan_event e = { .time_ms = n + 1, .type = PECAN_EVENT_MOTION, .modifiers = 0,
                             .code = 0, .x = (int32_t)n, .y = -(int32_t)n };
    return e;
}

static bool put(struct pecan_event_producer *producer, uint32_t n)
{
    struct pecan_event e = numbered(n);
    return pecan_event_producer_put(producer, &e);
}

static void *new_ring(size_t size)
{
    void *memory = malloc(size);
    assert_non_null(memory);
    memset(memory, 0xA5, size);   /* init must not depend on zeroed memory */
    return memory;
}

static void capacity_fits_the_memory(void **state)
{
    (void)state;
    assert_int_equal(pecan_event_ring_capacity(PAGE), 128);
    assert_int_equal(pecan_event_ring_capacity(PECAN_EVENT_RING_EVENTS + 16), 1);
    assert_int_equal(pecan_event_ring_capacity(PECAN_EVENT_RING_EVENTS + 15), 0);
    assert_int_equal(pecan_event_ring_capacity(0), 0);
    assert_int_equal(pecan_event_ring_capacity(PECAN_EVENT_RING_EVENTS + 3 * 16), 2);
    assert_int_equal(pecan_event_ring_capacity(2 * PAGE), 256);
    struct pecan_event_producer p;
    void *memory = new_ring(PAGE);
    assert_int_equal(pecan_event_producer_init(&p, memory, 40), -PECAN_EINVAL);
    assert_int_equal(pecan_event_producer_init(&p, (char *)memory + 1, PAGE - 1), -PECAN_EINVAL);
    free(memory);
}

static void events_arrive_in_order(void **state)
{
    (void)state;
    void *memory = new_ring(PAGE);
    struct pecan_event_producer p;
    struct pecan_event_consumer c;
    assert_int_equal(pecan_event_producer_init(&p, memory, PAGE), 0);
    assert_int_equal(pecan_event_consumer_init(&c, memory, PAGE), 0);
    struct pecan_event e;
    assert_false(pecan_event_consumer_get(&c, &e));
    for (uint32_t round = 0; round < 1000; round++) {
        uint32_t batch = random32() % 100;
        for (uint32_t i = 0; i < batch; i++)
            assert_true(put(&p, p.produced));
        for (uint32_t i = 0; i < batch; i++) {
            uint32_t expect = c.consumed;
            assert_true(pecan_event_consumer_get(&c, &e));
            struct pecan_event want = numbered(expect);
            assert_memory_equal(&e, &want, sizeof(e));
        }
        assert_false(pecan_event_consumer_get(&c, &e));
    }
    assert_int_equal(p.dropped, 0);
    free(memory);
}

/* The counts wrap at 2^32: the slot is the count's low bits, the difference still right. */
static void counts_wrap(void **state)
{
    (void)state;
    void *memory = new_ring(PAGE);
    struct pecan_event_producer p;
    struct pecan_event_consumer c;
    assert_int_equal(pecan_event_producer_init(&p, memory, PAGE), 0);
    p.produced = 0xFFFFFFF0u;
    struct pecan_event_ring *ring = memory;
    ring->produced = p.produced;
    ring->consumed = p.produced;
    assert_int_equal(pecan_event_consumer_init(&c, memory, PAGE), 0);
    assert_int_equal(c.consumed, 0xFFFFFFF0u);
    for (uint32_t i = 0; i < 40; i++)
        assert_true(put(&p, i));
    for (uint32_t i = 0; i < 40; i++) {
        struct pecan_event e;
        assert_true(pecan_event_consumer_get(&c, &e));
        assert_int_equal(e.x, (int32_t)i);
    }
    assert_int_equal(c.consumed, 40 - 0x10);
    free(memory);
}

/* Full: the newest is dropped and counted; the unread ones stay as they were. */
static void overflow_drops_the_newest(void **state)
{
    (void)state;
    void *memory = new_ring(PAGE);
    struct pecan_event_producer p;
    struct pecan_event_consumer c;
    assert_int_equal(pecan_event_producer_init(&p, memory, PAGE), 0);
    assert_int_equal(pecan_event_consumer_init(&c, memory, PAGE), 0);
    for (uint32_t i = 0; i < 128; i++)
        assert_true(put(&p, i));
    for (uint32_t i = 0; i < 5; i++)
        assert_false(put(&p, 1000 + i));
    assert_int_equal(p.dropped, 5);
    assert_int_equal(pecan_event_consumer_dropped(&c), 5);
    struct pecan_event e;
    assert_true(pecan_event_consumer_get(&c, &e));
    assert_int_equal(e.x, 0);
    assert_true(put(&p, 128));
    for (uint32_t i = 1; i <= 128; i++) {
        assert_true(pecan_event_consumer_get(&c, &e));
        assert_int_equal(e.x, (int32_t)i);
    }
    assert_false(pecan_event_consumer_get(&c, &e));
    free(memory);
}

/* A consumer that writes anything anywhere in the page: the producer writes only inside
 * its slots (ASan), a bad consumed count drops that ring's events, and once the consumer
 * behaves again the producer goes on from its own count. */
static void scribbling_consumer(void **state)
{
    (void)state;
    void *memory = new_ring(PAGE);
    struct pecan_event_ring *ring = memory;
    uint32_t *words = memory;
    struct pecan_event_producer p;
    assert_int_equal(pecan_event_producer_init(&p, memory, PAGE), 0);
    unsigned accepted = 0, dropped = 0;
    for (uint32_t i = 0; i < 200000; i++) {
        switch (random32() % 4) {
        case 0:
            ring->consumed = random32();
            break;
        case 1:
            words[random32() % (PAGE / 4)] = random32();
            break;
        case 2:
            ring->consumed = p.produced - random32() % 200;   /* near the truth */
            break;
        default:
            ring->capacity = random32();
            ring->produced = random32();
            break;
        }
        uint32_t before = p.produced;
        uint32_t consumed = ring->consumed;
        bool accepted_now = put(&p, i);
        uint32_t held = before - consumed;
        assert_int_equal(accepted_now, held < 128);   /* only a possible, not full count accepts */
        assert_int_equal(p.produced, before + accepted_now);
        accepted += accepted_now;
        dropped += !accepted_now;
        assert_int_equal(p.capacity, 128);
    }
    assert_int_equal(p.dropped, dropped);
    assert_true(accepted > 1000 && dropped > 1000);
    /* Behaving again: a consumer that attaches afresh reads every new event. */
    ring->magic = PECAN_EVENT_RING_MAGIC;
    ring->capacity = 128;
    ring->produced = p.produced;
    ring->consumed = p.produced;
    struct pecan_event_consumer c;
    assert_int_equal(pecan_event_consumer_init(&c, memory, PAGE), 0);
    for (uint32_t i = 0; i < 300; i++) {
        struct pecan_event e;
        assert_true(put(&p, i));
        assert_true(pecan_event_consumer_get(&c, &e));
        assert_int_equal(e.x, (int32_t)i);
    }
    free(memory);
}

/* A producer that writes anything: the consumer reads only inside the ring and skips to a
 * count it cannot follow. */
static void scribbling_producer(void **state)
{
    (void)state;
    void *memory = new_ring(PAGE);
    struct pecan_event_ring *ring = memory;
    struct pecan_event_producer p;
    struct pecan_event_consumer c;
    assert_int_equal(pecan_event_producer_init(&p, memory, PAGE), 0);
    assert_int_equal(pecan_event_consumer_init(&c, memory, PAGE), 0);
    unsigned got = 0;
    for (uint32_t i = 0; i < 200000; i++) {
        if (random32() % 2)
            ring->produced = random32();
        else
            ring->produced = c.consumed + random32() % 300;
        ring->capacity = random32();
        uint32_t before = c.consumed, produced = ring->produced;
        struct pecan_event e;
        bool taken = pecan_event_consumer_get(&c, &e);
        got += taken;
        if (produced - before > 128)
            assert_int_equal(c.consumed, produced);
        else
            assert_int_equal(c.consumed, before + taken);
        assert_int_equal(c.capacity, 128);
    }
    assert_true(got > 1000 && c.resyncs > 1000);
    free(memory);
}

static void attach_checks_the_ring(void **state)
{
    (void)state;
    void *memory = new_ring(PAGE);
    struct pecan_event_ring *ring = memory;
    struct pecan_event_producer p;
    struct pecan_event_consumer c;
    assert_int_equal(pecan_event_consumer_init(&c, memory, PAGE), -PECAN_EINVAL);   /* no magic */
    assert_int_equal(pecan_event_producer_init(&p, memory, PAGE), 0);
    assert_int_equal(pecan_event_consumer_init(&c, memory, PAGE), 0);
    assert_int_equal(pecan_event_consumer_init(&c, memory, PAGE / 2), -PECAN_EINVAL);
    assert_int_equal(pecan_event_consumer_init(&c, memory, 10), -PECAN_EINVAL);
    assert_int_equal(pecan_event_consumer_init(&c, (char *)memory + 2, PAGE - 2), -PECAN_EINVAL);
    ring->capacity = 96;
    assert_int_equal(pecan_event_consumer_init(&c, memory, PAGE), -PECAN_EINVAL);
    ring->capacity = 0;
    assert_int_equal(pecan_event_consumer_init(&c, memory, PAGE), -PECAN_EINVAL);
    ring->capacity = 256;
    assert_int_equal(pecan_event_consumer_init(&c, memory, PAGE), -PECAN_EINVAL);
    ring->capacity = 64;   /* smaller than the memory allows: fine */
    ring->consumed = ring->produced + 1000;
    assert_int_equal(pecan_event_consumer_init(&c, memory, PAGE), 0);
    assert_int_equal(c.consumed, ring->produced);   /* an impossible count: from produced */
    free(memory);
}

/* ---- a producer and a consumer thread ---- */

#define RACE_EVENTS 2000000u

struct race {
    void *memory;
    struct pecan_event_producer producer;
    int done;
};

static void *produce(void *argument)
{
    struct race *race = argument;
    for (uint32_t i = 0; i < RACE_EVENTS; i++)
        put(&race->producer, i);
    __atomic_store_n(&race->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* Every event the consumer sees is whole and later than the one before; what it misses
 * the producer counted as dropped. */
static void producer_and_consumer_race(void **state)
{
    (void)state;
    struct race race = { .memory = new_ring(PAGE), .done = 0 };
    assert_int_equal(pecan_event_producer_init(&race.producer, race.memory, PAGE), 0);
    struct pecan_event_consumer c;
    assert_int_equal(pecan_event_consumer_init(&c, race.memory, PAGE), 0);
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, produce, &race), 0);
    uint32_t received = 0;
    int32_t last = -1;
    for (;;) {
        /* done is read before the ring: once it is set, whatever is left is in the ring. */
        int done = __atomic_load_n(&race.done, __ATOMIC_ACQUIRE);
        struct pecan_event e;
        bool got = false;
        while (pecan_event_consumer_get(&c, &e)) {
            struct pecan_event want = numbered((uint32_t)e.x);
            assert_memory_equal(&e, &want, sizeof(e));
            assert_true(e.x > last);
            last = e.x;
            received++;
            got = true;
        }
        if (done && !got)
            break;
    }
    assert_int_equal(pthread_join(thread, NULL), 0);
    assert_int_equal(c.resyncs, 0);
    assert_int_equal(received + race.producer.dropped, RACE_EVENTS);
    free(race.memory);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(capacity_fits_the_memory),
        cmocka_unit_test(events_arrive_in_order),
        cmocka_unit_test(counts_wrap),
        cmocka_unit_test(overflow_drops_the_newest),
        cmocka_unit_test(scribbling_consumer),
        cmocka_unit_test(scribbling_producer),
        cmocka_unit_test(attach_checks_the_ring),
        cmocka_unit_test(producer_and_consumer_race),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
