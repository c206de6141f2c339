/* SPDX-License-Identifier: MIT */
/*
 * mag-fuzz: mag's test and fuzz target (docs/graphics.md, "mag"), run as moe's init
 * program. It starts fb-drv in RAM only and mag on a session of it, each with a factory
 * of its own, and opens two mag sessions as a boot script would (label, colour, window),
 * charged to the fuzzer's factory (pecan_session_open_charged).
 *   - who pays: the windows' buffers move the fuzzer's factory, never mag's; a client
 *     whose quota cannot hold a window gets ENOMEM, and a payer that is no factory is
 *     refused, with nothing moved; a client subsystem destroyed with a charged session
 *     open (its buffer mapped and shown) gives everything back exactly (its parent's
 *     quota, mag's factory and moe's own bill), and mag still serves;
 *   - checks: INFO describes the window; each refusal of the protocol (absurd views,
 *     offsets beyond the buffer, a buffer beyond the session's memory limit, fixed
 *     objects, stacking on itself); the two sessions' buffers are different memory (what
 *     one writes the other never sees); GET_BUFFER 0 again, no resize pending, hands out
 *     the same buffer; a buffer deleted or a session closed gives its memory back to
 *     mag's factory exactly;
 *   - fuzz: MESSAGES messages to the channel and a session: random labels, operations,
 *     lengths and words from the edges (0, 1, window sizes, 2^31, ~0, ...), and half the
 *     time close to real ones, with capability items from what a client holds; each call
 *     must be answered within a second, and every capability got back is dropped.
 * Afterwards the fuzzed session's dynamic views and buffers are deleted and it is closed:
 * mag still serves (a new session: INFO, a view set, a refresh), and mag's factory, the
 * fuzzer's and mag's sessions are back exactly. Prints "mag-fuzz: checks: ok" and
 * "mag-fuzz: N messages, E refused, S caps got: mag intact, accounting exact", or FAILED.
 * The rig, the pool, the call and the accounting are the service kit's (pecan/testkit.h);
 * what is mag's is the windows, who pays for them, the checks, the words and the labels.
 */
#include <pecan/children.h>
#include <pecan/dataspace.h>
#include <pecan/errors.h>
#include <pecan/event.h>
#include <pecan/factory.h>
#include <pecan/framebuffer.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/testkit.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MESSAGES 100000u
#define SETTLE_TRIES 1000u   /* 10 ms each: a loaded host slows the guest */
#define WIDTH 200u           /* the windows */
#define HEIGHT 100u
#define WINDOW_BYTES (WIDTH * HEIGHT * 2u)   /* 16 bpp: fb-drv's default mode */
#define LIMIT (3u * 40960u)                  /* each session's memory: window + 2 more */

/* rig.channel is mag's channel, rig.clients the fuzzer's factory: the windows' bill. */
static struct testkit_rig rig;
static pecan_cap_t fb_channel, driver_factory, mag_factory;
static struct pecan_session below, first, second;
static unsigned failures;

/* What a hostile client holds: testkit_pool_init's four (POOL_GATE ... POOL_CNODE), then
 * ours in this order; POOL_PAYER is a copy of the fuzzer's factory, so an open at the
 * channel by chance is charged to it. */
static struct testkit_pool pool;
enum { POOL_GATE, POOL_GATE_NO_READ, POOL_NOTIFICATION, POOL_CNODE, POOL_CHANNEL, POOL_FIRST,
       POOL_SECOND, POOL_FRESH_GATE, POOL_PAYER, POOL_SIZE };

static void check(bool ok, const char *what, long value)
{
    if (!ok) {
        failures++;
        printf("mag-fuzz: %s (%ld) FAILED\n", what, value);
    }
}

/* ---- set-up ------------------------------------------------------------------------------ */

static int start(const char *path, pecan_cap_t factory, const struct child_cap *caps,
                 unsigned count, unsigned argc, const char *const *argv)
{
    struct child_spec spec = {
        .path = path, .argc = argc, .argv = argv, .factory = factory,
        .cap_count = count, .caps = caps,
    };
    struct child *child;
    return testkit_start("mag-fuzz", &rig.children, &spec, &child);
}

/* A session as conf/mag.lua opens one: label, colour, x, y, width, height, limit (a
 * label of at most 4 bytes: a session open carries at most 8 words). */
static int open_window_paid(const char *label, pecan_word_t x, pecan_cap_t payer,
                            struct pecan_session *session)
{
    pecan_word_t args[12] = { strlen(label) };
    memcpy(&args[1], label, strlen(label));
    unsigned n = 1 + (unsigned)(strlen(label) + 3) / 4;
    const pecan_word_t rest[] = { 0x40C080, x, 40, WIDTH, HEIGHT, LIMIT };
    memcpy(&args[n], rest, sizeof(rest));
    return pecan_session_open_charged(rig.channel, PECAN_PROTO_FRAMEBUFFER, payer, args, n + 6,
                                      session);
}

static int open_window(const char *label, pecan_word_t x, struct pecan_session *session)
{
    return open_window_paid(label, x, rig.clients, session);
}

static int set_up(void)
{
    fb_channel = testkit_slot();
    driver_factory = testkit_slot();
    mag_factory = testkit_slot();
    int err = testkit_rig_init(&rig, 1u << 20);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, fb_channel);
    if (!err)
        err = pecan_factory_create_factory(PECAN_ENV_FACTORY, 2u << 20, driver_factory);
    if (!err)
        err = pecan_factory_create_factory(PECAN_ENV_FACTORY, 2u << 20, mag_factory);
    static const char *const driver_argv[] = { "fb-drv", "--ram" };
    struct child_cap driver_caps[] = { { "fb", fb_channel, PECAN_RIGHTS_ALL } };
    if (!err)
        err = start("rom/fb-drv.elf", driver_factory, driver_caps, 1, 2, driver_argv);
    if (!err)
        err = pecan_framebuffer_open(fb_channel, mag_factory, &below);
    static const char *const mag_argv[] = { "mag" };
    struct child_cap mag_caps[] = { { "fb", below.cap, PECAN_RIGHTS_ALL },
                                       { "mag", rig.channel, PECAN_RIGHTS_ALL } };
    if (!err)
        err = start("rom/mag.elf", mag_factory, mag_caps, 2, 1, mag_argv);
    return err;
}

/* The sessions the checks and the fuzz use, opened after the empty mag was measured. */
static int open_windows(void)
{
    int err = open_window("one", 10, &first);
    return err ? err : open_window("two", 100, &second);
}

/* ---- checks ------------------------------------------------------------------------------ */

static void check_info(void)
{
    struct pecan_framebuffer_info info;
    int err = pecan_framebuffer_info(first.cap, &info);
    check(!err && info.width == WIDTH && info.height == HEIGHT && info.views == 1 &&
          info.buffers == 1 && (info.flags & PECAN_FRAMEBUFFER_DYNAMIC_VIEWS),
          "INFO describes the window", err);
}

static int set_view(pecan_cap_t s, uint32_t view, unsigned what, int32_t x, int32_t y,
                    uint32_t width, uint32_t height, uint32_t buffer, uint32_t offset,
                    uint32_t line)
{
    struct pecan_framebuffer_view v = { 0, x, y, width, height, buffer, offset, line };
    return pecan_framebuffer_set_view(s, view, what, &v);
}

static void check_refusals(void)
{
    const unsigned all = PECAN_FRAMEBUFFER_SET_POSITION | PECAN_FRAMEBUFFER_SET_BUFFER;
    uint32_t view = 99, buffer = 99;
    pecan_cap_t ds;
    int err = pecan_framebuffer_create_view(first.cap, &view);
    check(!err && view == 1, "CREATE_VIEW", err);
    check(set_view(first.cap, 0, all, 0, 0, 10, 10, 0, 0, 400) == -PECAN_EPERM,
          "the fixed view is fixed", 0);
    check(set_view(first.cap, 7, all, 0, 0, 10, 10, 0, 0, 400) == -PECAN_ENOENT, "no view 7", 0);
    check(set_view(first.cap, view, all, 0, 0, 0, 10, 0, 0, 400) == -PECAN_EINVAL, "width 0", 0);
    check(set_view(first.cap, view, all, 0, 0, 16385, 1, 0, 0, 40000) == -PECAN_EINVAL,
          "width 16385", 0);
    check(set_view(first.cap, view, all, INT32_MIN, 0, 1, 1, 0, 0, 2) == -PECAN_EINVAL,
          "x -2^31", 0);
    check(set_view(first.cap, view, all, 0, 0, 10, 10, 0, 0, 3) == -PECAN_EINVAL,
          "half a pixel per line", 0);
    check(set_view(first.cap, view, all, 0, 0, 10, 10, 0, 0, 18) == -PECAN_EINVAL,
          "a line short", 0);
    check(set_view(first.cap, view, all, 0, 0, WIDTH, HEIGHT, 0, 1000, WIDTH * 2) == -PECAN_ERANGE,
          "a view beyond its buffer", 0);
    check(set_view(first.cap, view, all, 0, 0, 1, 1, 0, 0xFFFFFFFEu, 2) == -PECAN_ERANGE,
          "an offset at 2^32", 0);
    check(set_view(first.cap, view, all, 0, 0, 1, 2, 0, 0, 0x80000000u) == -PECAN_ERANGE,
          "lines 2^31 apart", 0);
    check(set_view(first.cap, view, all, 0, 0, 1, 1, 5, 0, 2) == -PECAN_ENOENT, "no buffer 5", 0);
    struct pecan_framebuffer_view background = { .flags = PECAN_FRAMEBUFFER_VIEW_BACKGROUND };
    check(pecan_framebuffer_set_view(first.cap, view, PECAN_FRAMEBUFFER_SET_FLAGS, &background) ==
          -PECAN_EPERM, "a background view, without a label bar", 0);
    check(pecan_framebuffer_stack_view(first.cap, view, view, false) == -PECAN_EINVAL,
          "stacked on itself", 0);
    check(pecan_framebuffer_delete_buffer(first.cap, 0) == -PECAN_EPERM, "buffer 0 is fixed", 0);
    check(pecan_framebuffer_delete_view(first.cap, 0) == -PECAN_EPERM, "view 0 is fixed", 0);
    check(pecan_framebuffer_refresh(first.cap, 0, 0, WIDTH + 1, 1) == -PECAN_ERANGE,
          "refresh beyond the window", 0);
    ds = testkit_slot();
    check(pecan_framebuffer_create_buffer(first.cap, LIMIT, ds, &buffer) == -PECAN_ENOMEM,
          "a buffer beyond the session's limit", 0);
    check(pecan_framebuffer_create_buffer(first.cap, 0xFFFFFFFFu, ds, &buffer) == -PECAN_ENOMEM,
          "a buffer of 4 GiB", 0);
    err = pecan_framebuffer_create_buffer(first.cap, 2 * 40960u, ds, &buffer);
    check(!err && buffer == 1, "a buffer within the limit", err);
    err = set_view(first.cap, view, all, -50, 150, 100, 100, 1, 40, 400);
    check(!err, "a view on it, partly off the window", err);
    check(pecan_framebuffer_delete_buffer(first.cap, 1) == -PECAN_EBUSY, "a shown buffer", 0);
    check(!pecan_framebuffer_stack_view(first.cap, view, PECAN_FRAMEBUFFER_NO_VIEW, true),
          "to the bottom", 0);
    check(!pecan_framebuffer_refresh_view(first.cap, view, 99, 99, 1, 1), "REFRESH_VIEW", 0);
    struct pecan_framebuffer_view v;
    err = pecan_framebuffer_view_info(first.cap, view, &v);
    check(!err && v.x == -50 && v.y == 150 && v.buffer == 1 && v.offset == 40, "VIEW_INFO", err);
    check(!pecan_framebuffer_delete_view(first.cap, view), "DELETE_VIEW", 0);
    check(!pecan_framebuffer_delete_buffer(first.cap, 1), "DELETE_BUFFER", 0);
    pecan_cap_release(ds);
}

/* What one session writes in its buffer, the other's never shows. */
static void check_isolation(void)
{
    struct pecan_framebuffer_mapping a, b;
    int err = pecan_framebuffer_map(first.cap, &a);
    if (!err && (err = pecan_framebuffer_map(second.cap, &b)) != 0)
        pecan_framebuffer_unmap(&a);
    check(!err, "mapping both windows", err);
    if (err)
        return;
    memset(a.surface.pixels, 0x5A, WINDOW_BYTES);
    bool apart = true;
    for (uint32_t i = 0; i < WINDOW_BYTES; i++)
        apart &= b.surface.pixels[i] != 0x5A;
    check(apart, "the windows' buffers are apart", 0);
    pecan_framebuffer_unmap(&a);
    pecan_framebuffer_unmap(&b);
}

/* GET_BUFFER 0 without a resize pending replaces nothing (pecan/protocol/framebuffer.h,
 * "Resizing"): the second copy is the same buffer, and the first stays mapped. */
static void check_get_buffer_again(void)
{
    struct pecan_framebuffer_mapping a, b;
    int err = pecan_framebuffer_map(first.cap, &a);
    if (!err && (err = pecan_framebuffer_map(first.cap, &b)) != 0)
        pecan_framebuffer_unmap(&a);
    check(!err, "GET_BUFFER 0 twice", err);
    if (err)
        return;
    check(a.size == b.size && b.info.width == WIDTH, "the same size both times", (long)b.size);
    memset(a.surface.pixels, 0xA5, WINDOW_BYTES);
    bool same = true;
    for (uint32_t i = 0; i < WINDOW_BYTES; i++)
        same &= b.surface.pixels[i] == 0xA5;
    check(same, "GET_BUFFER 0 again hands out the same buffer", 0);
    pecan_framebuffer_unmap(&a);
    pecan_framebuffer_unmap(&b);
}

/* ---- the fuzz ---------------------------------------------------------------------------- */

static pecan_word_t word(void)
{
    static const pecan_word_t edges[] = {
        0, 1, 2, 3, 7, 8, WIDTH, HEIGHT, WIDTH - 1, WIDTH + 1, WINDOW_BYTES, LIMIT, 4096,
        16384, 16385, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 0xFFFFFFFEu, 0xFFFFC000u,
        PECAN_FRAMEBUFFER_SET_POSITION | PECAN_FRAMEBUFFER_SET_BUFFER,
    };
    unsigned pick = testkit_random32() % 4;
    if (pick == 0)
        return testkit_random32();
    if (pick == 1)
        return testkit_random32() % 16;
    return edges[testkit_random32() % (sizeof(edges) / sizeof(edges[0]))];
}

static int label(void)
{
    static const int labels[] = { PECAN_PROTO_FRAMEBUFFER, PECAN_PROTO_FRAMEBUFFER,
                                  PECAN_PROTO_EVENT, PECAN_PROTO_DATASPACE, PECAN_PROTO_FACTORY,
                                  PECAN_LABEL_PAGE_FAULT, PECAN_LABEL_NOTIFICATION, 0 };
    unsigned pick = testkit_random32() % 10;
    return pick < 8 ? labels[pick] : (int)(int16_t)testkit_random32();
}

static int fuzz_one(unsigned *refused, unsigned *got)
{
    struct pecan_message m;
    bool to_session = testkit_random32() % 4 != 0;
    unsigned words = to_session && (testkit_random32() & 1) ? 1 + testkit_random32() % 11
                                                            : testkit_random32() % 13;
    unsigned items = testkit_random32() % 3;
    for (unsigned i = 0; i < words; i++)
        m.word[i] = word();
    int l = label();
    if (to_session && (testkit_random32() & 1)) {
        /* Close to real: a FRAMEBUFFER operation, or one of EVENT (a session speaks both). */
        bool event = testkit_random32() % 4 == 0;
        l = event ? PECAN_PROTO_EVENT : PECAN_PROTO_FRAMEBUFFER;
        if (words)
            m.word[0] = testkit_random32() % (event ? 4 : 12);
    }
    testkit_add_items(&m, words, items, &pool);
    m.tag = pecan_tag(l, words, items);
    struct pecan_reply r;
    bool got_cap;   /* a session or buffer got by chance: deleted at once */
    int err = testkit_call(to_session ? first.cap : rig.channel, &m, TESTKIT_ANSWER_US, rig.landing, &r,
                           &got_cap);
    if (err)
        return err;
    *refused += pecan_tag_label(r.tag) < 0;
    *got += got_cap;
    return 0;
}

static int make_pool(void)
{
    int err = testkit_pool_init(&pool, rig.clients);
    pecan_cap_t copies[] = { rig.channel, first.cap, second.cap };
    for (unsigned i = 0; i < sizeof(copies) / sizeof(copies[0]) && !err; i++)
        err = testkit_pool_add(&pool, copies[i]);
    if (!err)
        err = testkit_pool_add_gate(&pool, rig.clients);   /* a fresh gate: CREATE may take it */
    if (!err)
        err = testkit_pool_add(&pool, rig.clients);        /* the payer */
    return !err && pool.count != POOL_SIZE ? -PECAN_EINVAL : err;
}

/* The pool's copies go, and what it made through the fuzzer's factory goes back to it (the
 * sessions' copies went with the fuzzed session, close_fuzzed). */
static void release_pool(void)
{
    static const unsigned copies[] = { POOL_GATE_NO_READ, POOL_CNODE, POOL_CHANNEL, POOL_PAYER };
    static const unsigned made[] = { POOL_GATE, POOL_NOTIFICATION, POOL_FRESH_GATE };
    for (unsigned i = 0; i < sizeof(copies) / sizeof(copies[0]); i++)
        pecan_cnode_delete(PECAN_ENV_CNODE, pool.cap[copies[i]], 32);
    for (unsigned i = 0; i < sizeof(made) / sizeof(made[0]); i++)
        pecan_factory_release(rig.clients, pool.cap[made[i]]);
}

/* ---- accounting -------------------------------------------------------------------------- */

/* What must come back: mag's sessions, objects and free slots, and the memory used through
 * mag's factory (used[0]: mag's own, never the windows') and the fuzzer's (used[1]: the
 * windows' buffers, the sessions' gates, the pool). */
static struct testkit_watch accounts(void)
{
    struct testkit_watch w = { .channel = rig.channel, .factory_count = 2,
                               .factory = { mag_factory, rig.clients },
                               .factory_name = { "mag", "fuzzer" } };
    return w;
}

static void settle(const char *when, const struct testkit_watch *watch,
                   const struct testkit_accounts *want)
{
    struct testkit_accounts now;
    if (testkit_settle(watch, want, SETTLE_TRIES, &now))
        return;
    printf("mag-fuzz: %s:\n", when);
    testkit_print_accounts("mag-fuzz", watch, want, &now, true);
    failures++;
}

/* mag's counts once it saw every session close (it learns of it soon, not at once). */
static struct testkit_accounts wait_closed(const struct testkit_watch *watch)
{
    struct testkit_accounts a = testkit_measure(watch);
    for (unsigned i = 0; i < SETTLE_TRIES && a.server.open != 0; i++) {
        pecan_sleep_us(10000);
        a = testkit_measure(watch);
    }
    pecan_sleep_us(10000);
    return testkit_measure(watch);
}

/* The fuzzed session gives back what the fuzz made, then closes. */
static void close_fuzzed(void)
{
    for (uint32_t v = 1; v < 8; v++)
        pecan_framebuffer_delete_view(first.cap, v);
    for (uint32_t b = 1; b < 8; b++)
        pecan_framebuffer_delete_buffer(first.cap, b);
    pecan_cnode_delete(PECAN_ENV_CNODE, pool.cap[POOL_FIRST], 32);   /* the sessions' copies */
    pecan_cnode_delete(PECAN_ENV_CNODE, pool.cap[POOL_SECOND], 32);
    pecan_session_close(&first);
}

static void check_still_serves(void)
{
    struct pecan_session again;
    int err = open_window("new", 300, &again);
    struct pecan_framebuffer_info info;
    uint32_t view = 0;
    if (!err)
        err = pecan_framebuffer_info(again.cap, &info);
    if (!err)
        err = pecan_framebuffer_create_view(again.cap, &view);
    if (!err)
        err = set_view(again.cap, view, PECAN_FRAMEBUFFER_SET_POSITION |
                       PECAN_FRAMEBUFFER_SET_BUFFER, 5, 5, 20, 20, 0, 0, WIDTH * 2);
    if (!err)
        err = pecan_framebuffer_refresh(again.cap, 0, 0, WIDTH, HEIGHT);
    check(!err, "mag serves a new session after the fuzz", err);
    /* The session speaks EVENT too: its ring attaches and checks, INFO and an unbind
     * answer, and a BIND item that is no capability is refused. */
    struct pecan_event_client events;
    struct pecan_event_info event_info;
    if (!err && !(err = pecan_event_attach(again.cap, &events))) {
        if (!(err = pecan_event_info(again.cap, &event_info)))
            err = pecan_event_unbind(again.cap);
        int refused = pecan_event_bind(again.cap, 0, 1);
        if (!err && refused != -PECAN_EINVALCAP)
            err = refused ? refused : -PECAN_EINVAL;
        pecan_event_detach(&events);
    }
    check(!err, "the new session's EVENT side", err);
    if (again.cap)
        pecan_session_close(&again);
}

/* ---- who pays ------------------------------------------------------------------------- */

static pecan_word_t used(pecan_cap_t factory)
{
    struct pecan_factory_info info = { 0 };
    pecan_factory_info(factory, &info);
    return info.used;
}

static pecan_word_t moe_own(void)
{
    struct pecan_factory_info info = { 0 };
    pecan_factory_info(PECAN_ENV_FACTORY, &info);
    return info.moe_own;
}

/* CREATE by hand, as pecan_session_open_charged sends it but with payer as item 1 (the
 * stub would make the session's gate through the payer itself). 0 or the answer. */
static int open_with_payer(pecan_cap_t payer)
{
    pecan_cap_t gate = testkit_slot(), session = testkit_slot();
    int err = pecan_factory_create_gate(rig.clients, gate);
    struct pecan_message m;
    const pecan_word_t words[] = { PECAN_FACTORY_CREATE, PECAN_PROTO_FRAMEBUFFER, 3,
                                   'p' | 'a' << 8 | 'y' << 16 };
    memcpy(m.word, words, sizeof(words));
    m.word[4] = PECAN_ITEM_CAP | PECAN_RIGHTS_ALL << PECAN_ITEM_RIGHTS_SHIFT;
    m.word[5] = gate;
    m.word[6] = PECAN_ITEM_CAP | PECAN_RIGHTS_ALL << PECAN_ITEM_RIGHTS_SHIFT;
    m.word[7] = payer;
    m.tag = pecan_tag(PECAN_PROTO_FACTORY, 4, 2);
    if (!err) {
        pecan_receive_caps(&session, 1);
        struct pecan_reply r = pecan_ipc_call(rig.channel, &m, pecan_timeout_us(10000000));
        pecan_receive_caps(0, 0);
        err = r.ipc_status != PECAN_IPC_OK ? PECAN_IPC_ERROR(r.ipc_status) : pecan_tag_label(r.tag);
    }
    pecan_cap_release(session);
    pecan_factory_release(rig.clients, gate);
    pecan_cap_release(gate);
    return err;
}

/* A client whose quota cannot hold the window's limit, and a payer that is no factory:
 * refused, and nobody's memory moved. */
static void check_refused_payers(void)
{
    pecan_cap_t poor = testkit_slot(), gate = testkit_slot();
    int err = pecan_factory_create_factory(rig.clients, 64u << 10, poor);
    if (!err)
        err = pecan_factory_create_gate(rig.clients, gate);
    check(!err, "a poor client's factory", err);
    if (err)
        return;
    pecan_word_t mag_before = used(mag_factory), poor_before = used(poor);
    struct pecan_session s;
    err = open_window_paid("poor", 10, poor, &s);
    check(err == -PECAN_ENOMEM, "a window beyond the client's quota: ENOMEM", err);
    check(used(mag_factory) == mag_before && used(poor) == poor_before,
          "nobody paid for the refused window", (long)(used(poor) - poor_before));
    err = open_with_payer(gate);
    check(err == -PECAN_EXDEV, "a payer that is no factory: EXDEV", err);
    check(used(mag_factory) == mag_before, "nobody paid for that one either", 0);
    pecan_factory_release(rig.clients, gate);
    pecan_cap_release(gate);
    pecan_factory_destroy(rig.clients, poor);
    pecan_cap_release(poor);
}

/* A client subsystem (its factory, as ned makes one per program) opens a charged window,
 * maps and shows it, and is destroyed with it open: mag must survive (it owns what it
 * reads) and everything comes back, on the subsystem's parent, mag's factory and moe's
 * own bill. */
static void check_client_death(const struct testkit_watch *watch,
                               const struct testkit_accounts *before)
{
    pecan_cap_t client = testkit_slot();
    pecan_word_t own_before = moe_own();
    int err = pecan_factory_create_factory(rig.clients, 512u << 10, client);
    struct pecan_session s = { 0 };
    if (!err)
        err = open_window_paid("dies", 50, client, &s);
    struct pecan_framebuffer_mapping m;
    if (!err && !(err = pecan_framebuffer_map(s.cap, &m))) {
        memset(m.surface.pixels, 0x3C, WINDOW_BYTES);
        err = pecan_framebuffer_refresh(s.cap, 0, 0, WIDTH, HEIGHT);
        pecan_framebuffer_unmap(&m);
    }
    check(!err, "a dying client's window, mapped and shown", err);
    pecan_word_t client_used = used(client);
    check(client_used >= LIMIT && used(mag_factory) == before->used[0],
          "its window on the client's bill, not mag's", (long)client_used);
    /* What ned does when a program ends: its factory goes, the session's gate with it. */
    pecan_factory_destroy(rig.clients, client);
    pecan_cap_release(client);
    pecan_cap_release(s.cap);
    settle("after the client died", watch, before);
    for (unsigned i = 0; i < SETTLE_TRIES && moe_own() != own_before; i++)
        pecan_sleep_us(10000);
    check(moe_own() == own_before, "moe's own bill back after the client died",
          (long)(moe_own() - own_before));
}

int main(void)
{
    testkit_seed(0x2545F491u);
    int err = set_up();
    struct testkit_watch watch = accounts();
    struct testkit_accounts empty = { 0 };
    if (!err) {
        check_still_serves();   /* the warm-up: mag's heap and slots for a session */
        empty = wait_closed(&watch);
        err = empty.error ? empty.error : open_windows();
    }
    if (!err)
        err = make_pool();
    if (err) {
        printf("mag-fuzz: setting up: error %d FAILED\n", err);
        return 100;
    }
    struct testkit_accounts start = testkit_measure(&watch);
    /* The windows' limits and moe's bookkeeping, on the client's bill (used[1]) and not
     * mag's (used[0]). */
    check(start.used[1] >= empty.used[1] + 2 * LIMIT,
          "two windows' memory on the client's bill", (long)(start.used[1] - empty.used[1]));
    check(start.used[0] == empty.used[0], "none on mag's", (long)(start.used[0] - empty.used[0]));
    printf("mag-fuzz: two windows cost the client's factory %lu bytes, mag's %ld\n",
           (unsigned long)(start.used[1] - empty.used[1]), (long)(start.used[0] - empty.used[0]));
    check_refused_payers();
    check_client_death(&watch, &start);
    check_info();
    check_refusals();
    check_isolation();
    check_get_buffer_again();
    settle("after the checks", &watch, &start);
    printf("mag-fuzz: checks: %s\n", failures ? "FAILED" : "ok");
    unsigned refused = 0, got = 0, sent = 0;
    for (; sent < MESSAGES && !err; sent++)
        err = fuzz_one(&refused, &got);
    if (err) {
        printf("mag-fuzz: message %u not answered: error %d FAILED\n", sent - 1, err);
        return 1;
    }
    close_fuzzed();
    pecan_session_close(&second);
    check_still_serves();
    release_pool();
    settle("after the fuzz", &watch, &empty);
    if (failures)
        return 1;
    printf("mag-fuzz: %u messages, %u refused, %u caps got: mag intact, accounting exact\n",
           sent, refused, got);
    return 0;
}
