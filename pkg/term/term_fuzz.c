/* SPDX-License-Identifier: MIT */
/*
 * term-fuzz: term's test and fuzz target (docs/graphics.md, "term"), run as moe's init
 * program. It starts fb-drv in RAM and term on a session of it (fb-drv's sessions speak no
 * EVENT, so term runs without keys), opens a console session and:
 *
 *   checks the protocol (pecan/protocol/console.h): WINDOW_SIZE (80 x 30 on 640 x 480),
 *   GET_ATTR's defaults, SET_ATTR keeping only the known bits, a device-attributes query
 *   written whose answer READ returns and whose arrival signals the bound notification,
 *   the refusals (READ beyond PECAN_LOG_READ_MAX, a WRITE longer than its words, BIND of
 *   a gate, of bits 0, of a notification without WRITE; an unknown opcode; CREATE with
 *   too many words), and a client that dies holding its session (term-demo with the
 *   session as its log, killed): term closes it and still serves;
 *
 *   then sends MESSAGES malformed messages to the channel and the session: random labels,
 *   operations (mostly real ones), lengths, words from the edges (byte counts around
 *   PECAN_LOG_READ_MAX, 2^31, ~0, ...) and so random bytes into libvterm, up to two
 *   capability items from the pool. Each answer from the session is judged: term must
 *   accept exactly what the rules allow (judge(); BIND with an item depends on what the
 *   item is and is not judged).
 *
 * Afterwards term still serves, and its sessions, objects and free slots, moe's free
 * memory, the fuzzer's quota and term's are back exactly. Prints "term-fuzz: checks: ok"
 * and "term-fuzz: N messages, E refused, J judged right, S sessions got by chance: term
 * intact, accounting exact", or FAILED.
 */
#include <pecan/children.h>
#include <pecan/factory.h>
#include <pecan/framebuffer.h>
#include <pecan/log.h>
#include <pecan/protocol/factory.h>
#include <pecan/runtime.h>
#include <pecan/testkit.h>
#include <stdio.h>
#include <string.h>
#include "term_client.h"

#define MESSAGES 100000u
#define SETTLE_TRIES 1000u
#define ROWS 30u
#define COLUMNS 80u

static struct testkit_rig rig;            /* term's channel, the fuzzer's factory */
static pecan_cap_t fb_channel, fb_factory, term_factory, notification;
static struct pecan_session fb_session, session;
static struct testkit_pool pool;
static int failures;

static void check(bool ok, const char *what, int err)
{
    if (!ok) {
        failures++;
        printf("term-fuzz: %s (error %d) (FAILED)\n", what, err);
    }
}

static int start(const char *path, const char *const *argv, unsigned argc, pecan_cap_t factory,
                 const struct child_cap *caps, unsigned count, pecan_cap_t log,
                 struct child **child)
{
    struct child_spec spec = {
        .path = path, .argc = argc, .argv = argv, .factory = factory, .log = log,
        .cap_count = count, .caps = caps,
    };
    return testkit_start("term-fuzz", &rig.children, &spec, child);
}

static int set_up(void)
{
    static const char *const fb_argv[] = { "fb-drv", "--ram" };
    static const char *const term_argv[] = { "term" };
    struct child *child;
    pecan_cap_t *slots[] = { &fb_channel, &fb_factory, &term_factory, &notification };
    int err = testkit_rig_init(&rig, 1u << 20);
    for (unsigned i = 0; i < sizeof(slots) / sizeof(slots[0]) && !err; i++)
        err = pecan_cap_alloc(slots[i]);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, fb_channel);
    if (!err)
        err = pecan_factory_create_factory(PECAN_ENV_FACTORY, 3u << 20, fb_factory);
    if (!err)
        err = pecan_factory_create_factory(PECAN_ENV_FACTORY, 3u << 20, term_factory);
    if (!err)
        err = pecan_factory_create_notification(rig.clients, notification);
    struct child_cap fb_caps[] = { { "fb", fb_channel, PECAN_RIGHTS_ALL } };
    if (!err)
        err = start("rom/fb-drv.elf", fb_argv, 2, fb_factory, fb_caps, 1, 0, &child);
    if (!err)
        err = pecan_framebuffer_open(fb_channel, PECAN_ENV_FACTORY, &fb_session);
    struct child_cap term_caps[] = { { "fb", fb_session.cap, PECAN_RIGHTS_ALL },
                                     { "term", rig.channel, PECAN_RIGHTS_ALL } };
    if (!err)
        err = start("rom/term.elf", term_argv, 1, term_factory, term_caps, 2, 0, &child);
    if (!err)
        err = pecan_session_open(rig.channel, PECAN_FACTORY_LOG, rig.clients, 0, 0, &session);
    return err;
}

/* ---- the protocol's checks ---- */

static int call(pecan_cap_t to, struct pecan_message *m, int label, unsigned words,
                unsigned items)
{
    m->tag = pecan_tag(label, words, items);
    struct pecan_reply r;
    bool got_cap;
    int err = testkit_call(to, m, TESTKIT_ANSWER_US, rig.landing, &r, &got_cap);
    return err ? err : pecan_tag_label(r.tag);
}

static int log_call(pecan_word_t op, pecan_word_t w1, unsigned words, pecan_cap_t item,
                    unsigned item_rights)
{
    struct pecan_message m = { 0 };
    m.word[0] = op;
    m.word[1] = w1;
    if (item) {
        m.word[words] = PECAN_ITEM_CAP | item_rights << PECAN_ITEM_RIGHTS_SHIFT;
        m.word[words + 1] = item;
    }
    return call(session.cap, &m, PECAN_PROTO_LOG, words, item ? 1 : 0);
}

static void check_attributes(void)
{
    struct pecan_message m = { 0 };
    m.word[0] = PECAN_LOG_GET_ATTR;
    int err = call(session.cap, &m, PECAN_PROTO_LOG, 1, 0);
    check(!err && m.word[0] == PECAN_CONSOLE_DEFAULT_INPUT &&
          m.word[1] == PECAN_CONSOLE_DEFAULT_OUTPUT && m.word[2] == PECAN_CONSOLE_DEFAULT_LOCAL,
          "GET_ATTR: not the defaults", err);
    m.word[0] = PECAN_LOG_SET_ATTR;
    m.word[1] = m.word[2] = m.word[3] = 0xFFFFFFFFu;
    err = call(session.cap, &m, PECAN_PROTO_LOG, 4, 0);
    check(!err, "SET_ATTR refused", err);
    m.word[0] = PECAN_LOG_GET_ATTR;
    err = call(session.cap, &m, PECAN_PROTO_LOG, 1, 0);
    check(!err && m.word[0] == PECAN_CONSOLE_INPUT_FLAGS &&
          m.word[1] == PECAN_CONSOLE_OUTPUT_FLAGS && m.word[2] == PECAN_CONSOLE_LOCAL_FLAGS,
          "SET_ATTR kept unknown bits", err);
    m.word[0] = PECAN_LOG_SET_ATTR;
    m.word[1] = PECAN_CONSOLE_DEFAULT_INPUT;
    m.word[2] = PECAN_CONSOLE_DEFAULT_OUTPUT;
    m.word[3] = PECAN_CONSOLE_DEFAULT_LOCAL;
    err = call(session.cap, &m, PECAN_PROTO_LOG, 4, 0);
    check(!err, "SET_ATTR of the defaults refused", err);
}

/* A device-attributes query: libvterm answers into the input buffer, the bound
 * notification is signalled, READ returns the answer (CSI ? ... c). */
static void check_input(void)
{
    int err = term_client_bind(session.cap, notification, 4);
    check(!err, "BIND refused", err);
    err = pecan_log_write(session.cap, "\033[c", 3);
    check(!err, "WRITE refused", err);
    pecan_word_t bits = 0;
    err = pecan_notification_wait(notification, &bits);
    check(!err && bits == 4, "the bound notification was not signalled with its bits", err);
    char answer[PECAN_LOG_READ_MAX];
    unsigned got = 0;
    err = term_client_read(session.cap, answer, sizeof(answer), &got);
    check(!err && got >= 4 && answer[0] == '\033' && answer[1] == '[' && answer[got - 1] == 'c',
          "READ did not return the terminal's answer", err);
    err = term_client_read(session.cap, answer, sizeof(answer), &got);
    check(!err && got == 0, "READ of an empty buffer returned bytes", err);
    err = log_call(PECAN_LOG_BIND, 0, 2, 0, 0);
    check(!err, "unbind refused", err);
}

static void check_refusals(void)
{
    unsigned rows = 0, columns = 0;
    int err = term_client_window_size(session.cap, &rows, &columns);
    check(!err && rows == ROWS && columns == COLUMNS, "WINDOW_SIZE: not 30 rows, 80 columns",
          err);
    struct pecan_message m = { 0 };
    check(call(session.cap, &m, PECAN_PROTO_LOG, 0, 0) == -PECAN_EMSGTOOSHORT,
          "no opcode: not EMSGTOOSHORT", 0);
    check(log_call(PECAN_LOG_DEBUG_EXIT, 0, 2, 0, 0) == -PECAN_ENOSYS,
          "DEBUG_EXIT: not ENOSYS", 0);
    check(log_call(PECAN_LOG_READ, 0, 1, 0, 0) == -PECAN_EMSGTOOSHORT,
          "READ without w1: not EMSGTOOSHORT", 0);
    check(log_call(PECAN_LOG_READ, PECAN_LOG_READ_MAX + 1, 2, 0, 0) == -PECAN_ERANGE,
          "READ beyond the most: not ERANGE", 0);
    check(log_call(PECAN_LOG_WRITE, 5, 2, 0, 0) == -PECAN_EMSGTOOSHORT,
          "WRITE of 5 bytes in no words: not EMSGTOOSHORT", 0);
    check(log_call(PECAN_LOG_WRITE, 0xFFFFFFFFu, 3, 0, 0) == -PECAN_ERANGE,
          "WRITE of 2^32 - 1 bytes: not ERANGE", 0);
    check(log_call(PECAN_LOG_BIND, 1, 2, rig.channel, PECAN_RIGHT_WRITE) == -PECAN_ETYPE,
          "BIND of a gate: not ETYPE", 0);
    check(log_call(PECAN_LOG_BIND, 1, 2, notification, PECAN_RIGHT_READ) == -PECAN_EPERM,
          "BIND of a notification without WRITE: not EPERM", 0);
    check(log_call(PECAN_LOG_BIND, 0, 2, notification, PECAN_RIGHT_WRITE) == -PECAN_EINVAL,
          "BIND of bits 0: not EINVAL", 0);
    check(log_call(PECAN_LOG_BIND, 0, 2, 0, 0) == 0, "unbind refused", 0);
    check(call(session.cap, &m, PECAN_PROTO_FRAMEBUFFER, 1, 0) != 0,
          "a FRAMEBUFFER request accepted", 0);
    /* CREATE with more words than a log's colour and 32-byte tag */
    memset(&m, 0, sizeof(m));
    m.word[0] = PECAN_FACTORY_CREATE;
    m.word[1] = PECAN_FACTORY_LOG;
    check(call(rig.channel, &m, PECAN_PROTO_FACTORY, 13, 0) == -PECAN_EINVAL,
          "CREATE with 13 words: not EINVAL", 0);
}

/* A client that dies holding its session: term-demo, the session its log. */
static void check_dying_client(void)
{
    static const char *const argv[] = { "term-demo" };
    struct pecan_session held;
    struct pecan_session_info before, after;
    struct child *child = 0;
    pecan_cap_t factory;
    int err = pecan_session_info(rig.channel, &before);
    if (!err)
        err = pecan_cap_alloc(&factory);
    if (!err)
        err = pecan_factory_create_factory(rig.clients, 512u << 10, factory);
    if (!err)
        err = pecan_session_open(rig.channel, PECAN_FACTORY_LOG, factory, 0, 0, &held);
    if (!err)
        err = start("rom/term-demo.elf", argv, 1, factory, 0, 0, held.cap, &child);
    check(!err, "starting term-demo on a session", err);
    if (err)
        return;
    pecan_cap_release(held.cap);   /* the child holds the only copy */
    /* Let it write its page and wait for input; killed any time, it holds the session. */
    struct child *exited = 0;
    children_wait(&rig.children, 300000, &exited);
    err = children_kill(&rig.children, child);
    check(!err, "killing term-demo", err);
    while (!err && children_wait(&rig.children, 1000000, &exited) == 0 && exited != child)
        ;
    children_release(&rig.children, child);
    pecan_factory_destroy(rig.clients, factory);
    pecan_cap_free(factory);
    bool closed = false;
    for (unsigned i = 0; i < SETTLE_TRIES && !closed; i++) {
        closed = pecan_session_info(rig.channel, &after) == 0 && after.open == before.open;
        if (!closed)
            pecan_sleep_us(10000);
    }
    check(closed, "term kept the dead client's session", 0);
    unsigned rows, columns;
    err = term_client_window_size(session.cap, &rows, &columns);
    check(!err, "term no longer serves after a client died", err);
}

/* ---- the fuzz ---- */

static pecan_word_t word(void)
{
    static const pecan_word_t edges[] = {
        0, 1, 2, 3, 4, 5, 7, 8, PECAN_LOG_READ_MAX - 1, PECAN_LOG_READ_MAX,
        PECAN_LOG_READ_MAX + 1, 0x100, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 0xFFFFFFFEu,
        PECAN_FACTORY_LOG, 0x1B5B3F31u, 0x0A0D1B63u,
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
    static const int labels[] = { PECAN_PROTO_LOG, PECAN_PROTO_LOG, PECAN_PROTO_LOG,
                                  PECAN_PROTO_FACTORY, PECAN_PROTO_FRAMEBUFFER,
                                  PECAN_LABEL_PAGE_FAULT, PECAN_LABEL_NOTIFICATION, 0 };
    unsigned pick = testkit_random32() % 10;
    return pick < 8 ? labels[pick] : (int)(int16_t)testkit_random32();
}

/* Whether term must accept a message to a session: 1 accept, 0 refuse, -1 not judged
 * (BIND with an item: it depends on what the item is). */
static int judge(int l, unsigned words, unsigned items, const pecan_word_t *w)
{
    if (l != PECAN_PROTO_LOG || words < 1)
        return 0;
    switch (w[0]) {
    case PECAN_LOG_WRITE:
        return words >= 2 && w[1] <= (pecan_word_t)(words - 2) * 4;
    case PECAN_LOG_READ:
        return words >= 2 && w[1] <= PECAN_LOG_READ_MAX;
    case PECAN_LOG_BIND:
        return words < 2 ? 0 : items ? -1 : 1;
    case PECAN_LOG_GET_ATTR: case PECAN_LOG_WINDOW_SIZE:
        return 1;
    case PECAN_LOG_SET_ATTR:
        return words >= 4;
    default:
        return 0;
    }
}

struct tally {
    unsigned errors, opened, judged;
};

static int fuzz_one(struct tally *t, unsigned n)
{
    struct pecan_message m;
    bool to_channel = testkit_random32() % 4 == 0;
    unsigned words = testkit_random32() % 16, items = testkit_random32() % 3;
    for (unsigned i = 0; i < words; i++)
        m.word[i] = word();
    if (words && (testkit_random32() % 4))
        m.word[0] = testkit_random32() % 7;   /* mostly real operations */
    if (to_channel && words > 1 && (testkit_random32() & 1)) {
        m.word[0] = PECAN_FACTORY_CREATE;
        m.word[1] = PECAN_FACTORY_LOG;
    }
    int l = label();
    int verdict = to_channel ? -1 : judge(l, words, items, m.word);
    pecan_word_t sent[3] = { m.word[0], m.word[1], m.word[2] };
    testkit_add_items(&m, words, items, &pool);
    m.tag = pecan_tag(l, words, items);
    struct pecan_reply r;
    bool got_cap;
    int err = testkit_call(to_channel ? rig.channel : session.cap, &m, TESTKIT_ANSWER_US, rig.landing,
                           &r, &got_cap);
    if (err)
        return err;
    t->opened += got_cap;
    int answer = pecan_tag_label(r.tag);
    t->errors += answer < 0;
    if (verdict >= 0 && (answer == 0) != (verdict == 1)) {
        printf("term-fuzz: message %u (label %d, %u words, %u items, w0 %lu w1 %lu w2 %lu): "
               "answered %d (FAILED)\n", n, l, words, items, (unsigned long)sent[0],
               (unsigned long)sent[1], (unsigned long)sent[2], answer);
        return -PECAN_EINVAL;
    }
    t->judged += verdict >= 0;
    return 0;
}

static struct testkit_watch accounts(void)
{
    struct testkit_watch w = { .channel = rig.channel, .moe_free = true, .factory_count = 2,
                               .factory = { rig.clients, term_factory },
                               .factory_name = { "fuzzer", "term" } };
    return w;
}

int main(void)
{
    testkit_seed(0x7E4A1u);
    int err = set_up();
    if (err) {
        printf("term-fuzz: setting up: error %d (FAILED)\n", err);
        return 100;
    }
    check_refusals();
    check_attributes();
    check_input();
    check_dying_client();
    if (failures)
        return 1;
    printf("term-fuzz: checks: ok\n");
    err = testkit_pool_init(&pool, rig.clients);
    pecan_cap_t copies[] = { rig.channel, session.cap, fb_session.cap };
    for (unsigned i = 0; i < sizeof(copies) / sizeof(copies[0]) && !err; i++)
        err = testkit_pool_add(&pool, copies[i]);
    if (!err)
        err = testkit_pool_add_gate(&pool, rig.clients);
    struct testkit_watch watch = accounts();
    struct testkit_accounts before = testkit_measure(&watch), after;
    if (err || before.error) {
        printf("term-fuzz: the pool or the accounts: error %d (FAILED)\n", err ? err : before.error);
        return 1;
    }
    struct tally t = { 0, 0, 0 };
    unsigned sent = 0;
    for (; sent < MESSAGES && !err; sent++)
        err = fuzz_one(&t, sent);
    if (err == -PECAN_EINVAL)
        return 1;
    if (err) {
        printf("term-fuzz: message %u not answered: error %d (FAILED)\n", sent - 1, err);
        return 1;
    }
    /* Whatever the fuzz bound or left in the input buffer: unbound and read out. */
    log_call(PECAN_LOG_BIND, 0, 2, 0, 0);
    char bytes[PECAN_LOG_READ_MAX];
    unsigned got = 1;
    while (got && !err)
        err = term_client_read(session.cap, bytes, sizeof(bytes), &got);
    unsigned rows = 0, columns = 0;
    if (!err)
        err = term_client_window_size(session.cap, &rows, &columns);
    if (!err)
        err = pecan_log_write(session.cap, "\033c still here\r\n", 15);
    if (err || rows != ROWS || columns != COLUMNS) {
        printf("term-fuzz: the session no longer works: error %d (FAILED)\n", err);
        return 1;
    }
    if (!testkit_settle(&watch, &before, SETTLE_TRIES, &after)) {
        testkit_print_accounts("term-fuzz", &watch, &before, &after, true);
        return 1;
    }
    printf("term-fuzz: %u messages, %u refused, %u judged right, %u sessions got by chance: "
           "term intact, accounting exact\n", sent, t.errors, t.judged, t.opened);
    return 0;
}
