/* SPDX-License-Identifier: MIT */
/*
 * input-fuzz: input-drv's fuzz target (docs/graphics.md, "Input"), run as moe's init
 * program while the host sends keys and mouse movements through QEMU's monitor
 * (tests/input/test_input.py). It starts input-drv (its devices from moe's root IOMEM and
 * ICU, a factory of its own so its memory can be read back) and opens three sessions:
 *   - a well-behaved client: its ring attached, its notification bound; it reads events;
 *   - a scribbler: its ring attached; random words go anywhere in it (the header's counts
 *     and capacity included) and now and then the whole page is cleared;
 *   - a target for malformed messages.
 * Then it sends random messages to the target, the scribbler and the channel (random
 * labels, opcodes, lengths, words and capabilities: the channel, the sessions, its CNode
 * and factory, notifications, gates with and without READ, a dataspace), each answered
 * within two seconds, until MESSAGES of them were EVENT requests to the sessions. Every
 * 64 messages the well-behaved client reads its ring and the scribbler scribbles. Then
 * the scribbler keeps its consumed count right (so the driver writes on into its ring)
 * while it writes garbage over the rest of the header, until its ring took three times
 * its capacity. Throughout, the well-behaved client must
 * see only the events the host sends (the key A, small movements), and afterwards new
 * ones (the driver still runs and still publishes); the driver's sessions, registered
 * objects and free slots must be back where they were, and once every session is closed
 * its factory's use must be exactly what it was before the first: nothing leaks.
 * Prints "input-fuzz: ... driver intact, its memory exact" or FAILED. The pool, the call
 * and the accounting are the service kit's (pecan/testkit.h); what is input-drv's is the
 * labels, the rings and what the host sends.
 */
#include <input/key_codes.h>
#include <pecan/children.h>
#include <pecan/dataspace.h>
#include <pecan/event.h>
#include <pecan/factory.h>
#include <pecan/icu.h>
#include <pecan/iomem.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/testkit.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MESSAGES 100000u
#define EVERY 64u
#define WARM_UP_SESSIONS 8u
#define EVENTS_WANTED 4u
#define EVENTS_WAIT_MS 120000u     /* the host sends events every few tens of ms */
#define SETTLE_TRIES 500u
#define DRIVER_QUOTA (1024u * 1024u)
#define CLIENT_QUOTA (1024u * 1024u)
#define HOSTILE_ROUNDS 3u          /* times the scribbled ring's capacity */

static struct testkit_rig rig;   /* the channel, the clients' factory, the landing slot */
static pecan_cap_t driver_factory;
static struct testkit_pool pool;   /* capabilities a hostile client might send */
static struct pecan_session good_session, scribble_session, target_session;
static struct pecan_event_client good, scribble;
static pecan_cap_t good_notification;
static uint32_t good_events, bad_events;

static int failed(const char *what, long value)
{
    printf("input-fuzz: %s (%ld) (FAILED)\n", what, value);
    return 1;
}

/* ---- set-up ---- */

static int start_driver(void)
{
    pecan_cap_t iomem, icu;
    int err;
    if ((err = pecan_cap_alloc(&iomem)) || (err = pecan_cap_alloc(&icu)) ||
        (err = pecan_iomem_view(pecan_env_cap("iomem"), PECAN_ENV_FACTORY, 0x10006000, 0x2000,
                                iomem)) ||
        (err = pecan_icu_view(pecan_env_cap("icu"), PECAN_ENV_FACTORY, 39, 2, icu)))
        return err;
    static const char *const argv[] = { "input-drv" };
    struct child_cap caps[] = { { "input", rig.channel, PECAN_RIGHTS_ALL },
                                   { "iomem", iomem, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT },
                                   { "icu", icu, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT } };
    struct child_spec spec = {
        .path = "rom/input-drv.elf", .argc = 1, .argv = argv, .factory = driver_factory,
        .cap_count = 3, .caps = caps,
    };
    struct child *child;
    return testkit_start("input-fuzz", &rig.children, &spec, &child);
}

static int make_pool(void)
{
    int err = testkit_pool_init(&pool, rig.clients);
    pecan_cap_t copies[] = { rig.channel, target_session.cap, scribble.buffer, rig.clients };
    for (unsigned i = 0; i < sizeof(copies) / sizeof(copies[0]) && !err; i++)
        err = testkit_pool_add(&pool, copies[i]);
    return err;
}

/* The driver's sessions, objects and slots, and with memory its factory's use. It learns
 * of a closed session from its no-clients watch: soon, not at once. */
static struct testkit_watch driver_accounts(bool memory)
{
    struct testkit_watch w = { .channel = rig.channel, .factory_count = memory ? 1 : 0,
                               .factory = { driver_factory }, .factory_name = { "driver" } };
    return w;
}

static bool settled(const struct testkit_watch *watch, const struct testkit_accounts *want)
{
    struct testkit_accounts now;
    if (testkit_settle(watch, want, SETTLE_TRIES, &now))
        return true;
    testkit_print_accounts("input-fuzz", watch, want, &now, true);
    return false;
}

/* Every session the driver allows, opened at once and closed: the driver's heap and
 * moe's record pages for it have grown as far as sessions make them grow. */
static int warm_up(void)
{
    struct pecan_session sessions[WARM_UP_SESSIONS];
    for (unsigned i = 0; i < WARM_UP_SESSIONS; i++) {
        int err = pecan_event_open(rig.channel, rig.clients, &sessions[i]);
        if (err)
            return err;
    }
    for (unsigned i = 0; i < WARM_UP_SESSIONS; i++)
        pecan_session_close(&sessions[i]);
    struct pecan_session_info now;
    for (unsigned i = 0; i < SETTLE_TRIES; i++) {
        if (pecan_session_info(rig.channel, &now) == 0 && now.open == 0)
            return 0;
        pecan_sleep_us(10000);
    }
    return -PECAN_EBUSY;
}

/* The scribbler first: its ring is likely mapped just below the well-behaved one's in the
 * driver, so a driver that wrote past a ring would spoil events the test checks. */
static int open_sessions(void)
{
    int err;
    if ((err = pecan_event_open(rig.channel, rig.clients, &scribble_session)) ||
        (err = pecan_event_open(rig.channel, rig.clients, &good_session)) ||
        (err = pecan_event_open(rig.channel, rig.clients, &target_session)) ||
        (err = pecan_event_attach(good_session.cap, &good)) ||
        (err = pecan_event_attach(scribble_session.cap, &scribble)) ||
        (err = pecan_cap_alloc(&good_notification)) ||
        (err = pecan_factory_create_notification(rig.clients, good_notification)))
        return err;
    return pecan_event_bind(good_session.cap, good_notification, 1);
}

/* ---- the well-behaved client and the scribbler ---- */

/* What the host sends (test_input.py): the key A tapped and small mouse movements. QEMU
 * may send A's press again before its release when taps come fast: a repeat. */
static bool expected(const struct pecan_event *e)
{
    if (e->modifiers)
        return false;
    if (e->type == PECAN_EVENT_PRESS || e->type == PECAN_EVENT_RELEASE ||
        e->type == PECAN_EVENT_REPEAT)
        return e->code == INPUT_KEY_A && !e->x && !e->y;
    return e->type == PECAN_EVENT_MOTION && !e->code && (e->x || e->y) && e->x >= -255 &&
           e->x <= 255 && e->y >= -255 && e->y <= 255;
}

/* Reads what the ring has; false if an event is not one the host sent. */
static bool read_good(void)
{
    struct pecan_event e;
    while (pecan_event_consumer_get(&good.consumer, &e)) {
        good_events++;
        if (!expected(&e) && bad_events++ < 4)
            printf("input-fuzz: unexpected event: type %u code %u modifiers %u x %ld y %ld\n",
                   e.type, e.code, e.modifiers, (long)e.x, (long)e.y);
    }
    return bad_events == 0;
}

/* Waits (reading) until the well-behaved client got count more events. */
static bool good_gets(uint32_t count)
{
    uint32_t want = good_events + count;
    for (uint32_t waited = 0; waited < EVENTS_WAIT_MS; waited += 10) {
        read_good();
        if (good_events >= want)
            return true;
        pecan_word_t bits;
        pecan_notification_poll(good_notification, &bits);
        pecan_sleep_us(10000);
    }
    return false;
}

/* A ring capacity to lie with: any number, or a power of two of any size. */
static uint32_t hostile_capacity(void)
{
    return (testkit_random32() & 1) ? testkit_random32() : 1u << (testkit_random32() % 32);
}

/* Random words anywhere in the page, or a header whose consumed count is plausible (so
 * the driver keeps writing into this ring) while the rest of it is garbage, or the page
 * cleared. */
static void scribble_some(void)
{
    uint32_t *words = (uint32_t *)(uintptr_t)scribble.address;
    struct pecan_event_ring *ring = (struct pecan_event_ring *)words;
    switch (testkit_random32() % 8) {
    case 0:
    case 1:
    case 2:
        for (unsigned i = testkit_random32() % 8; i > 0; i--)
            words[testkit_random32() % (scribble.size / 4)] = testkit_random32();
        break;
    case 3:
    case 4:
        ring->consumed = ring->produced - testkit_random32() % 200;
        ring->capacity = testkit_random32();
        break;
    case 5:
    case 6:
        ring->consumed = ring->produced;
        ring->magic = testkit_random32();
        ring->capacity = hostile_capacity();
        ring->produced = testkit_random32();
        ring->dropped = testkit_random32();
        break;
    default:
        pecan_dataspace_clear(scribble.buffer, 0, scribble.size);
        break;
    }
}

/* A consumer that keeps its count right, so the driver goes on writing into its ring, and
 * writes garbage over the rest of the header: the driver must write only inside the ring
 * (the well-behaved client's events stay right). Until the ring took HOSTILE_ROUNDS times
 * its capacity; false if it did not within EVENTS_WAIT_MS or an event went wrong. */
static bool hostile_consumer(void)
{
    struct pecan_event_ring *ring = (struct pecan_event_ring *)(uintptr_t)scribble.address;
    uint32_t start = ring->produced, want = HOSTILE_ROUNDS * scribble.consumer.capacity;
    for (uint32_t waited = 0; waited < EVENTS_WAIT_MS; waited += 5) {
        ring->consumed = ring->produced;
        ring->magic = testkit_random32();
        ring->capacity = hostile_capacity();
        ring->dropped = testkit_random32();
        if (!read_good())
            return false;
        if (ring->produced - start >= want)
            return true;
        pecan_sleep_us(5000);
    }
    printf("input-fuzz: the scribbled ring took %lu events\n",
           (unsigned long)(ring->produced - start));
    return false;
}

/* ---- the fuzzing ---- */

/* What the fuzzing sent and got. */
struct counts {
    unsigned sent;
    unsigned event_requests;   /* to a session, with the EVENT protocol's label */
    unsigned errors;           /* error replies */
    unsigned opened;           /* sessions opened by chance */
};

/* Mostly the protocol the destination speaks, else fault and notification labels (which
 * the framework must refuse from a client), no protocol, or any number. */
static int label(bool to_session)
{
    static const int others[] = { PECAN_PROTO_FACTORY, PECAN_PROTO_EVENT,
                                  PECAN_LABEL_PAGE_FAULT, PECAN_LABEL_EXCEPTION,
                                  PECAN_LABEL_NOTIFICATION, 0 };
    unsigned pick = testkit_random32() % 8;
    if (pick < 6)
        return to_session ? PECAN_PROTO_EVENT : PECAN_PROTO_FACTORY;
    pick = testkit_random32() % 8;
    return pick < 6 ? others[pick] : (int)(int16_t)testkit_random32();
}

static pecan_cap_t destination(bool *to_session)
{
    unsigned pick = testkit_random32() % 5;
    *to_session = pick != 0;
    return pick == 0 ? rig.channel : pick <= 2 ? scribble_session.cap : target_session.cap;
}

/* One random message; 0 if it was answered (error or not), else the IPC failure. */
static int fuzz_one(struct counts *counts)
{
    struct pecan_message m;
    bool to_session;
    pecan_cap_t to = destination(&to_session);
    unsigned words = testkit_random32() % 8, items = testkit_random32() % 3;
    for (unsigned i = 0; i < words; i++)
        m.word[i] = (testkit_random32() & 3) ? testkit_random32() % 5 : testkit_random32();
    if (!to_session && words > 1 && (testkit_random32() & 1))
        m.word[1] = PECAN_PROTO_EVENT;   /* CREATE of an event session now and then */
    testkit_add_items(&m, words, items, &pool);
    int message_label = label(to_session);
    m.tag = pecan_tag(message_label, words, items);
    struct pecan_reply r;
    bool got_cap;   /* a session opened by chance (the driver closes it) or a ring's copy */
    int err = testkit_call(to, &m, TESTKIT_ANSWER_US, rig.landing, &r, &got_cap);
    if (err)
        return err;
    counts->sent++;
    counts->errors += pecan_tag_label(r.tag) < 0;
    counts->event_requests += to_session && message_label == PECAN_PROTO_EVENT;
    counts->opened += got_cap && !to_session;
    return 0;
}

/* Until MESSAGES requests of the EVENT protocol went to the sessions. */
static int fuzz(void)
{
    struct counts counts = { 0, 0, 0, 0 };
    int err = 0;
    while (counts.event_requests < MESSAGES && !err) {
        err = fuzz_one(&counts);
        if (counts.sent % EVERY == 0) {
            scribble_some();
            if (!read_good())
                return failed("a malformed event in the well-behaved ring", (long)bad_events);
        }
    }
    if (err)
        return failed("a message was not answered; IPC error", err);
    printf("input-fuzz: %u messages, %u of them EVENT requests to sessions, %u error "
           "replies, %u sessions opened by chance\n", counts.sent, counts.event_requests,
           counts.errors, counts.opened);
    return 0;
}

static int start(void)
{
    int err;
    if ((err = testkit_rig_init(&rig, CLIENT_QUOTA)) || (err = pecan_cap_alloc(&driver_factory)) ||
        (err = pecan_factory_create_factory(PECAN_ENV_FACTORY, DRIVER_QUOTA, driver_factory)))
        return err;
    return start_driver();
}

int main(void)
{
    testkit_seed(0x7F4A7C15u);
    int err = start();
    /* After start: the watches name the channel and the driver's factory. */
    struct testkit_watch with_memory = driver_accounts(true), sessions = driver_accounts(false);
    struct testkit_accounts none = { 0 }, three = { 0 };
    if (!err)
        err = warm_up();
    if (!err) {
        none = testkit_measure(&with_memory);
        err = none.error;
    }
    if (!err)
        err = open_sessions();
    if (!err)
        err = make_pool();
    if (!err) {
        three = testkit_measure(&sessions);
        err = three.error;
    }
    if (err)
        return failed("setting up: error", err);
    printf("input-fuzz: ready: send keys and mouse movements\n");
    if (!good_gets(EVENTS_WANTED))
        return failed("the well-behaved client got no events before the fuzz; events",
                      (long)good_events);
    uint32_t before_fuzz = good_events;
    if (fuzz())
        return 1;
    uint32_t during = good_events - before_fuzz;
    if (!hostile_consumer())
        return failed("a consumer that scribbled on its header spoiled the events; events",
                      (long)good_events);
    if (!good_gets(EVENTS_WANTED))
        return failed("the well-behaved client got no events after the fuzz; events",
                      (long)good_events);
    struct pecan_event_info scribbled;
    if ((err = pecan_event_info(scribble_session.cap, &scribbled)) != 0)
        return failed("INFO on the scribbled session", err);
    /* A notification the fuzz bound to a session holds a slot until it is unbound. */
    if ((err = pecan_event_unbind(scribble_session.cap)) != 0 ||
        (err = pecan_event_unbind(target_session.cap)) != 0)
        return failed("BIND without a notification", err);
    if (!settled(&sessions, &three))
        return failed("the driver kept sessions, objects or slots", 0);
    pecan_event_detach(&good);
    pecan_event_detach(&scribble);
    pecan_session_close(&good_session);
    pecan_session_close(&scribble_session);
    pecan_session_close(&target_session);
    if (!settled(&with_memory, &none))
        return failed("the driver's sessions or memory are not back", 0);
    if (bad_events)
        return failed("events the host did not send in the well-behaved ring", bad_events);
    printf("input-fuzz: the well-behaved client got %lu events (%lu during the fuzz), the "
           "scribbled ring dropped %lu: driver intact, its memory exact\n",
           (unsigned long)good_events, (unsigned long)during, (unsigned long)scribbled.dropped);
    return 0;
}
