/* SPDX-License-Identifier: MIT */
/*
 * echo-fuzz: the echo server's fuzz target (docs/servers.md), run as moe's init program.
 * It starts echo-server and sends MESSAGES random messages, each through the channel
 * (the session factory) or a session: random labels (the protocols the server speaks,
 * others, fault and notification labels), opcodes, lengths and words, and up to two
 * capability items drawn from what a client holds (the channel, a session, its CNode,
 * its factory, notifications, gates with and without READ) with random rights. Every
 * call must be answered within a second; sessions it opens by chance are dropped at once.
 * Afterwards the server still serves a real session, and its sessions, objects and free
 * slots are back where they were. Prints "echo-fuzz: N messages, E error replies,
 * S sessions opened by chance: server intact", or FAILED. The pool, the call and the
 * accounting are the service kit's (pecan/testkit.h); what is echo's is the labels, the
 * opcode left out and the check that the session still works.
 */
#include <pecan/children.h>
#include <pecan/factory.h>
#include <pecan/runtime.h>
#include <pecan/testkit.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "echo.h"

#define MESSAGES 20000u
#define SETTLE_TRIES 200u

static struct testkit_rig rig;   /* the channel, the clients' factory, the landing slot */
static struct testkit_pool pool;   /* capabilities a hostile client might send */
static struct pecan_session session;

static int label(void)
{
    static const int labels[] = { PECAN_PROTO_ECHO, PECAN_PROTO_FACTORY, PECAN_LABEL_PAGE_FAULT,
                                  PECAN_LABEL_EXCEPTION, PECAN_LABEL_NOTIFICATION, 0 };
    unsigned pick = testkit_random32() % 8;
    return pick < 6 ? labels[pick] : (int)(int16_t)testkit_random32();
}

/* One random message; 0 if it was answered (error or not), else the IPC failure. */
static int fuzz_one(unsigned *errors, unsigned *opened)
{
    struct pecan_message m;
    bool to_session = testkit_random32() & 1;
    unsigned words = testkit_random32() % 11, items = testkit_random32() % 3;
    for (unsigned i = 0; i < words; i++)
        m.word[i] = (testkit_random32() & 3) ? testkit_random32() % 6 : testkit_random32();
    /* The one opcode that ends the server on purpose (conf/restart.lua) is left out. */
    if (to_session && words && m.word[0] == ECHO_CRASH)
        m.word[0] = ECHO_UPPER;
    testkit_add_items(&m, words, items, &pool);
    m.tag = pecan_tag(label(), words, items);
    struct pecan_reply r;
    bool got_cap;   /* a session opened by chance: dropped, the server closes it */
    pecan_cap_t to = to_session ? session.cap : rig.channel;
    int err = testkit_call(to, &m, TESTKIT_ANSWER_US, rig.landing, &r, &got_cap);
    if (err)
        return err;
    *errors += pecan_tag_label(r.tag) < 0;
    *opened += got_cap;
    return 0;
}

static int make_pool(void)
{
    int err = testkit_pool_init(&pool, rig.clients);
    if (!err)
        err = testkit_pool_add(&pool, rig.channel);
    if (!err)
        err = testkit_pool_add(&pool, session.cap);
    return err;
}

static int start_server(void)
{
    static const char *const argv[] = { "echo-server", "--threads=2" };
    struct child_cap caps[] = { { "echo", rig.channel, PECAN_RIGHTS_ALL } };
    struct child_spec spec = {
        .path = "rom/echo-server.elf", .argc = 2, .argv = argv, .factory = PECAN_ENV_FACTORY,
        .cap_count = 1, .caps = caps,
    };
    struct child *child;
    return testkit_start("echo-fuzz", &rig.children, &spec, &child);
}

static int start(void)
{
    int err = testkit_rig_init(&rig, 1u << 20);
    if (!err)
        err = start_server();
    if (!err)
        err = echo_open(rig.channel, rig.clients, &session);
    return err ? err : make_pool();
}

int main(void)
{
    testkit_seed(0x2545F491u);
    int err = start();
    /* The sessions opened by chance close on the threads that serve them, maybe after
     * INFO answered. */
    struct testkit_watch watch = { .channel = rig.channel };
    struct testkit_accounts before = testkit_measure(&watch), after;
    if (!err)
        err = before.error;
    if (err) {
        printf("echo-fuzz: setting up: error %d (FAILED)\n", err);
        return 100;
    }
    unsigned errors = 0, opened = 0, sent = 0;
    for (; sent < MESSAGES && !err; sent++)
        err = fuzz_one(&errors, &opened);
    if (err) {
        printf("echo-fuzz: message %u not answered: error %d (FAILED)\n", sent, err);
        return 1;
    }
    char answer[5];
    err = echo_upper(session.cap, "fuzz", 4, answer);
    if (err || memcmp(answer, "FUZZ", 4) != 0) {
        printf("echo-fuzz: the session no longer works: error %d (FAILED)\n", err);
        return 1;
    }
    if (!testkit_settle(&watch, &before, SETTLE_TRIES, &after)) {
        testkit_print_accounts("echo-fuzz", &watch, &before, &after, true);
        return 1;
    }
    printf("echo-fuzz: %u messages, %u error replies, %u sessions opened by chance: server "
           "intact\n", sent, errors, opened);
    return 0;
}
