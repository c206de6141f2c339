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
 * S sessions opened by chance: server intact", or FAILED.
 */
#include <pecan/children.h>
#include <pecan/factory.h>
#include <pecan/runtime.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "echo.h"

#define MESSAGES 20000u
#define POOL 6u
#define SETTLE_TRIES 200u

static struct children children;
static pecan_cap_t channel, sub, landing;
static pecan_cap_t pool[POOL];   /* capabilities a hostile client might send */
static struct pecan_session session;
static uint32_t seed = 0x2545F491u;

static uint32_t random32(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

static int label(void)
{
    static const int labels[] = { PECAN_PROTO_ECHO, PECAN_PROTO_FACTORY, PECAN_LABEL_PAGE_FAULT,
                                  PECAN_LABEL_EXCEPTION, PECAN_LABEL_NOTIFICATION, 0 };
    unsigned pick = random32() % 8;
    return pick < 6 ? labels[pick] : (int)(int16_t)random32();
}

/* One random message; 0 if it was answered (error or not), else the IPC failure. */
static int fuzz_one(unsigned *errors, unsigned *opened)
{
    struct pecan_message m;
    bool to_session = random32() & 1;
    unsigned words = random32() % 11, items = random32() % 3;
    for (unsigned i = 0; i < words; i++)
        m.word[i] = (random32() & 3) ? random32() % 6 : random32();
    /* The one opcode that ends the server on purpose (conf/restart.lua) is left out. */
    if (to_session && words && m.word[0] == ECHO_CRASH)
        m.word[0] = ECHO_UPPER;
    for (unsigned i = 0; i < items; i++) {
        m.word[words + 2 * i] = PECAN_ITEM_CAP | (random32() & 0xF) << PECAN_ITEM_RIGHTS_SHIFT;
        m.word[words + 2 * i + 1] = pool[random32() % POOL];
    }
    m.tag = pecan_tag(label(), words, items);
    pecan_receive_caps(&landing, 1);
    struct pecan_reply r = pecan_ipc_call(to_session ? session.cap : channel, &m,
                                          pecan_timeout_us(1000000));
    pecan_receive_caps(0, 0);
    if (r.ipc_status != PECAN_IPC_OK && r.ipc_status != PECAN_IPC_ITEM_FAILED)
        return -(2000 + (int)r.ipc_status);
    *errors += pecan_tag_label(r.tag) < 0;
    struct pecan_cap_identity id;
    if (pecan_cnode_identify(PECAN_ENV_CNODE, landing, 32, &id) == 0 && id.type) {
        (*opened)++;   /* a session opened by chance: dropped, the server closes it */
        pecan_cnode_delete(PECAN_ENV_CNODE, landing, 32);
    }
    return 0;
}

static int make_pool(void)
{
    for (unsigned i = 0; i < POOL; i++)
        if (pecan_cap_alloc(&pool[i]))
            return -PECAN_ENOMEM;
    int err = pecan_factory_create_gate(sub, pool[0]);
    if (!err)
        err = pecan_cnode_copy(PECAN_ENV_CNODE, pool[1], 32, PECAN_ENV_CNODE, pool[0], 32,
                               PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);   /* without READ */
    if (!err)
        err = pecan_factory_create_notification(sub, pool[2]);
    if (!err)
        err = pecan_cnode_copy(PECAN_ENV_CNODE, pool[3], 32, PECAN_ENV_CNODE, PECAN_ENV_CNODE,
                               32, PECAN_RIGHTS_ALL);
    if (!err)
        err = pecan_cnode_copy(PECAN_ENV_CNODE, pool[4], 32, PECAN_ENV_CNODE, channel, 32,
                               PECAN_RIGHTS_ALL);
    if (!err)
        err = pecan_cnode_copy(PECAN_ENV_CNODE, pool[5], 32, PECAN_ENV_CNODE, session.cap, 32,
                               PECAN_RIGHTS_ALL);
    return err;
}

static int start_server(void)
{
    static const char *const argv[] = { "echo-server", "--threads=2" };
    struct child_cap caps[] = { { "echo", channel, PECAN_RIGHTS_ALL } };
    struct child_spec spec = {
        .path = "rom/echo-server.elf", .argc = 2, .argv = argv, .factory = PECAN_ENV_FACTORY,
        .scheduler = PECAN_ENV_SCHEDULER, .log = PECAN_ENV_LOG, .cap_count = 1, .caps = caps,
    };
    struct child *child;
    const char *why;
    int err = children_start(&children, &spec, &child, &why);
    if (err)
        printf("echo-fuzz: echo-server not started: %s (%d)\n", why, err);
    return err;
}

static int start(void)
{
    int err = pecan_cap_alloc(&channel);
    if (!err)
        err = pecan_cap_alloc(&sub);
    if (!err)
        err = pecan_cap_alloc(&landing);
    if (!err)
        err = children_init(&children, PECAN_ENV_FACTORY);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, channel);
    if (!err)
        err = pecan_factory_create_factory(PECAN_ENV_FACTORY, 1u << 20, sub);
    if (!err)
        err = start_server();
    if (!err)
        err = echo_open(channel, sub, &session);
    return err ? err : make_pool();
}

/* The server's counts once the sessions opened by chance are closed (each on the
 * thread that serves it, maybe after INFO answered). */
static int settled(const struct pecan_session_info *want, struct pecan_session_info *now)
{
    for (unsigned i = 0; i < SETTLE_TRIES; i++) {
        if (pecan_session_info(channel, now) == 0 && now->open == want->open &&
            now->objects == want->objects && now->free_slots == want->free_slots)
            return 1;
        pecan_sleep_us(10000);
    }
    return 0;
}

int main(void)
{
    int err = start();
    struct pecan_session_info before, after;
    if (!err)
        err = pecan_session_info(channel, &before);
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
    if (!settled(&before, &after)) {
        printf("echo-fuzz: sessions %lu -> %lu, objects %lu -> %lu, free slots %lu -> %lu "
               "(FAILED)\n", (unsigned long)before.open, (unsigned long)after.open,
               (unsigned long)before.objects, (unsigned long)after.objects,
               (unsigned long)before.free_slots, (unsigned long)after.free_slots);
        return 1;
    }
    printf("echo-fuzz: %u messages, %u error replies, %u sessions opened by chance: server "
           "intact\n", sent, errors, opened);
    return 0;
}
