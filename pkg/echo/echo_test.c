/* SPDX-License-Identifier: MIT */
/*
 * echo-test: the echo server's test (docs/servers.md), run as moe's init program. It
 * starts echo-server (two threads, a periodic report) on a channel, with a factory of its
 * own, and checks the framework's sessions. Every case prints "echo-test: <case>: ok" or
 * a line with FAILED; the exit status is the number of failed checks.
 *
 *  cycles        1,000 sessions opened, called and closed: moe's free memory, the client's
 *                quota, the server's quota, its open sessions, registered objects (its
 *                gates) and free capability slots all back at the baseline exactly
 *  client_pays   an open session's gate is charged to the client's factory, not the
 *                server's
 *  threads       sessions go to both server threads in turn and each answers
 *  subsystem     a session whose client factory is destroyed (its gate revoked) is freed
 *  server_pays   a client whose channel copy cannot carry items (no GRANT: an L4Re
 *                script's "rw") still opens a session; the server's quota pays, and
 *                gets it back at the close
 *  bad_opens     another protocol ENOSYS; a capability that is not a gate ETYPE; a gate
 *                without READ EPERM; a gate a thread serves already EBUSY: nothing left
 *                behind
 *  server_end    the server killed and its factory destroyed: moe's free memory as
 *                before it started
 */
#include <pecan/children.h>
#include <pecan/factory.h>
#include <pecan/runtime.h>
#include <pecan/session.h>
#include <pecan/testkit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "echo.h"

#define CYCLES 1000u
#define SERVER_QUOTA (4u << 20)
#define CLIENT_QUOTA (1u << 20)
#define SETTLE_TRIES 200u
#define REPORT_WAIT_US 400000u   /* eight of the server's report periods */

static int failures;
static struct children children;
static pecan_cap_t channel, server_factory, client_factory;

static void check(const char *name, int ok, const char *what, long value)
{
    if (ok)
        printf("echo-test: %s: ok\n", name);
    else
        printf("echo-test: %s: FAILED: %s (%ld)\n", name, what, value);
    failures += !ok;
}

/* Everything the cycles must bring back (pecan/testkit.h): moe's free memory, the client's
 * and the server's quota, the server's sessions, objects and free slots. */
enum { CLIENT, SERVER };   /* the factories watched */
static struct testkit_watch watch;
static struct testkit_accounts idle_state;   /* no session open: what every case ends with */

static struct testkit_accounts measure(void)
{
    return testkit_measure(&watch);
}

static int same(const struct testkit_accounts *a, const struct testkit_accounts *b)
{
    return testkit_same(&watch, a, b);
}

/* A close is seen by the session's server thread, which may be another than the one that
 * answers INFO: wait until the figures settle on the baseline (or give up). */
static struct testkit_accounts settle(const struct testkit_accounts *want)
{
    struct testkit_accounts now;
    testkit_settle(&watch, want, SETTLE_TRIES, &now);
    return now;
}

static int one_session(pecan_cap_t through, pecan_cap_t factory)
{
    struct pecan_session session;
    char answer[4];
    int err = echo_open(through, factory, &session);
    if (!err)
        err = echo_upper(session.cap, "abc", 3, answer);
    if (!err && memcmp(answer, "ABC", 3) != 0)
        err = -PECAN_EINVAL;
    pecan_session_close(&session);
    return err;
}

static void report(const char *name, const struct testkit_accounts *a,
                   const struct testkit_accounts *b)
{
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "echo-test: %s", name);
    testkit_print_accounts(prefix, &watch, a, b, false);
}

static void cycles(void)
{
    one_session(channel, client_factory);   /* warm-up: the server's heap, our slots */
    struct testkit_accounts before = measure();
    int err = 0;
    unsigned done = 0;
    for (; done < CYCLES && !err; done++)
        err = one_session(channel, client_factory);
    check("cycles", err == 0, "open, call, close", err);
    struct testkit_accounts after = settle(&before);
    report("cycles", &before, &after);
    check("cycles", same(&before, &after), "not back at the baseline", (long)done);
    idle_state = before;
}

static void client_pays(void)
{
    struct testkit_accounts before = settle(&idle_state);
    struct pecan_session session;
    int err = echo_open(channel, client_factory, &session);
    struct testkit_accounts open = measure();
    check("client_pays", err == 0, "open", err);
    check("client_pays", open.used[CLIENT] >= before.used[CLIENT] + 4096,
          "the gate not charged to the client", (long)(open.used[CLIENT] - before.used[CLIENT]));
    check("client_pays", open.used[SERVER] == before.used[SERVER],
          "the server's quota charged", (long)(open.used[SERVER] - before.used[SERVER]));
    check("client_pays", open.server.open == before.server.open + 1, "sessions open",
          (long)open.server.open);
    pecan_session_close(&session);
    struct testkit_accounts after = settle(&before);
    check("client_pays", same(&before, &after), "not back after the close", 0);
}

static void threads(void)
{
    struct pecan_session s[4] = { { 0, 0, 0 } };
    int err = 0;
    for (unsigned i = 0; i < 4 && !err; i++)
        err = echo_open(channel, client_factory, &s[i]);
    /* Calls on sessions of both threads, interleaved. */
    char answer[8];
    for (unsigned round = 0; round < 100 && !err; round++)
        err = echo_upper(s[round % 4].cap, "thread", 6, answer);
    check("threads", err == 0 && memcmp(answer, "THREAD", 6) == 0, "calls", err);
    for (unsigned i = 0; i < 4; i++)
        pecan_session_close(&s[i]);
    struct testkit_accounts after = settle(&idle_state);
    check("threads", same(&idle_state, &after), "not back after the closes", 0);
}

static void subsystem(void)
{
    struct testkit_accounts before = settle(&idle_state);
    pecan_cap_t sub = testkit_slot();
    struct pecan_session session;
    int err = pecan_factory_create_factory(client_factory, 64 * 1024, sub);
    if (!err)
        err = echo_open(channel, sub, &session);
    check("subsystem", err == 0, "open through a sub-factory", err);
    /* The subsystem dies: its factory goes, its gate with it; our copies are dead. */
    err = pecan_factory_destroy(client_factory, sub);
    check("subsystem", err == 0, "DESTROY", err);
    pecan_cap_release(session.cap);
    pecan_cap_release(session.gate);
    pecan_cap_release(sub);
    struct testkit_accounts after = settle(&before);
    report("subsystem", &before, &after);
    check("subsystem", same(&before, &after), "the session outlived its client", 0);
}

static void server_pays(void)
{
    pecan_cap_t rw = testkit_slot();
    int err = pecan_cnode_copy(PECAN_ENV_CNODE, rw, 32, PECAN_ENV_CNODE, channel, 32,
                               PECAN_RIGHT_WRITE);
    struct testkit_accounts before = settle(&idle_state);
    struct pecan_session session = { 0, 0, 0 };
    if (!err)
        err = echo_open(rw, client_factory, &session);
    struct testkit_accounts open = measure();
    check("server_pays", err == 0, "open without GRANT", err);
    check("server_pays", open.used[SERVER] >= before.used[SERVER] + 4096 &&
                             open.used[CLIENT] == before.used[CLIENT],
          "the server's quota did not pay", (long)(open.used[SERVER] - before.used[SERVER]));
    pecan_session_close(&session);
    struct testkit_accounts after = settle(&before);
    check("server_pays", same(&before, &after), "not back after the close", 0);
    pecan_cap_release(rw);
}

/* A CREATE at the channel with item (rights) and w1 protocol. */
static int raw_open(int protocol, pecan_cap_t item, unsigned rights, pecan_cap_t dest)
{
    struct pecan_message m = { .tag = pecan_tag(PECAN_PROTO_FACTORY, 2, 1) };
    m.word[0] = PECAN_FACTORY_CREATE;
    m.word[1] = (pecan_word_t)protocol;
    m.word[2] = PECAN_ITEM_CAP | rights << PECAN_ITEM_RIGHTS_SHIFT;
    m.word[3] = item;
    pecan_receive_caps(&dest, 1);
    int err = pecan_error(pecan_ipc_call(channel, &m, PECAN_TIMEOUT_NEVER));
    pecan_receive_caps(0, 0);
    return err;
}

static void bad_opens(void)
{
    struct testkit_accounts before = settle(&idle_state);
    pecan_cap_t gate = testkit_slot(), note = testkit_slot(), dest = testkit_slot();
    int err = pecan_factory_create_gate(client_factory, gate);
    if (!err)
        err = pecan_factory_create_notification(client_factory, note);
    check("bad_opens", err == 0, "setting up", err);
    err = raw_open(PECAN_PROTO_ECHO + 1, gate, PECAN_RIGHTS_ALL, dest);
    check("bad_opens", err == -PECAN_ENOSYS, "another protocol", err);
    err = raw_open(PECAN_PROTO_ECHO, note, PECAN_RIGHTS_ALL, dest);
    check("bad_opens", err == -PECAN_ETYPE, "a notification as the gate", err);
    err = raw_open(PECAN_PROTO_ECHO, gate, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT, dest);
    check("bad_opens", err == -PECAN_EPERM, "a gate without READ", err);
    err = pecan_gate_bind(gate, PECAN_ENV_THREAD);
    if (!err)
        err = raw_open(PECAN_PROTO_ECHO, gate, PECAN_RIGHTS_ALL, dest);
    check("bad_opens", err == -PECAN_EBUSY, "a gate some thread serves", err);
    pecan_factory_release(client_factory, gate);
    pecan_factory_release(client_factory, note);
    pecan_cap_free(gate);
    pecan_cap_free(note);
    pecan_cap_free(dest);
    struct testkit_accounts after = settle(&before);
    check("bad_opens", same(&before, &after), "something left behind", 0);
}

static int start_server(struct child **child)
{
    static const char *const argv[] = { "echo-server", "--threads=2", "--report-ms=50" };
    struct child_cap caps[] = { { "echo", channel, PECAN_RIGHTS_ALL } };
    struct child_spec spec = {
        .path = "rom/echo-server.elf", .argc = 3, .argv = argv,
        .factory = server_factory, .cap_count = 1, .caps = caps,
    };
    return testkit_start("echo-test", &children, &spec, child);
}

/* One start and release of hello: the children library keeps a parent gate for the next child,
 * which the baseline of moe's memory must include. */
static int warm_up_children(void)
{
    static const char *const argv[] = { "hello" };
    struct child_spec spec = {
        .path = "rom/hello.elf", .argc = 1, .argv = argv, .factory = PECAN_ENV_FACTORY,
    };
    struct child *child, *exited;
    int err = testkit_start("echo-test", &children, &spec, &child);
    if (!err && children_wait(&children, 10000000, &exited) != 0)
        err = -PECAN_EINVAL;
    if (!err)
        children_release(&children, child);
    return err;
}

int main(void)
{
    struct pecan_factory_info start;
    channel = testkit_slot();
    server_factory = testkit_slot();
    client_factory = testkit_slot();
    watch = (struct testkit_watch){ .channel = channel, .moe_free = true, .factory_count = 2,
                                    .factory = { [CLIENT] = client_factory,
                                                 [SERVER] = server_factory },
                                    .factory_name = { [CLIENT] = "client",
                                                      [SERVER] = "server" } };
    struct child *server;
    int err = children_init(&children, PECAN_ENV_FACTORY);
    if (!err)
        err = warm_up_children();
    pecan_factory_info(PECAN_ENV_FACTORY, &start);
    if (!err)
        err = pecan_factory_create_named_factory(PECAN_ENV_FACTORY, SERVER_QUOTA, "echo-server",
                                                 server_factory);
    if (!err)
        err = pecan_factory_create_named_factory(PECAN_ENV_FACTORY, CLIENT_QUOTA, "client",
                                                 client_factory);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, channel);
    if (!err)
        err = start_server(&server);
    if (err) {
        printf("echo-test: setting up: error %d (FAILED)\n", err);
        return 100;
    }
    cycles();
    client_pays();
    threads();
    subsystem();
    server_pays();
    bad_opens();
    /* The server reports its open sessions every 50 ms when they change; the scenario looks
     * for its "0 sessions open" line, so give it a few periods to print before it ends. */
    pecan_sleep_us(REPORT_WAIT_US);
    children_release(&children, server);
    pecan_factory_destroy(PECAN_ENV_FACTORY, server_factory);
    pecan_factory_destroy(PECAN_ENV_FACTORY, client_factory);
    pecan_cap_release(server_factory);
    pecan_cap_release(client_factory);
    pecan_cap_release(channel);
    struct pecan_factory_info end;
    pecan_factory_info(PECAN_ENV_FACTORY, &end);
    printf("echo-test: moe free %lu at the start, %lu at the end\n",
           (unsigned long)start.free_ram, (unsigned long)end.free_ram);
    check("server_end", end.free_ram == start.free_ram, "moe's free memory",
          (long)(end.free_ram - start.free_ram));
    printf("echo-test: %d checks failed\n", failures);
    return failures;
}
