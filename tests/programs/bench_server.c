/* SPDX-License-Identifier: MIT */
/*
 * bench_server: `server_call_rt` (docs/bench.md), a call through a client stub and the
 * server framework's dispatch and back: echo_upper of no text on an ECHO session, the
 * server echo-server (pkg/echo) in its own task, both at priority 100 on one CPU (CPU 1,
 * where programs run), as in ipc_rt_cross_as. The figure less ipc_rt_cross_as (the raw round trip, 239) is what the
 * stub and the framework cost. `server_call_raw_rt` (informative) is the same round trip
 * between two programs without either: a call of two words with pecan_invoke and a loop
 * of reply-and-wait answering one word (this program started again as "raw-server").
 *
 * The clock is the KIP's (10 ms ticks, 10 million instructions under -icount): calls in
 * batches of BATCH from the start of a tick until TICKS ticks have passed; the time is
 * the difference of the first and the last clock reading, which errs by at most one
 * batch (about 0.1 instruction a call). Not TICKS ticks: CPU 0 publishes a tick's time
 * when it handles the tick, which can be late by a counter step (42 ns) or by several
 * ticks (it waits for the kernel lock, which the measured CPU holds most of the time), so
 * the loop often runs longer than TICKS ticks; taken as TICKS ticks, the figures came out
 * 5% low or more in some builds and right in others. A warm-up comes first (the
 * session's first calls fault in the server's pages).
 */
#include <pecan/children.h>
#include <pecan/runtime.h>
#include <stdio.h>
#include "../../pkg/echo/echo.h"
#include "kip_clock.h"

#define TICKS 20u
#define TICK_NS 10000000u
#define BATCH 100u
#define WARM_UP 1000u

static struct children children;

/* The raw server: binds the gate and answers every message with its word 0. */
static int raw_server(void)
{
    pecan_cap_t gate = pecan_env_cap("echo");
    if (!gate || pecan_gate_bind(gate, PECAN_ENV_THREAD))
        return 1;
    struct pecan_message msg = { .tag = 0 };
    pecan_invoke(0, PECAN_OP_WAIT, &msg);
    for (;;) {
        msg.tag = pecan_tag(0, 1, 0);
        pecan_invoke(0, PECAN_OP_REPLY_WAIT, &msg);
    }
}

/* path (with argv) serving channel as its capability "echo". */
static int start_server(pecan_cap_t channel, const char *path, const char *const *argv,
                        unsigned argc)
{
    struct child_cap caps[] = { { "echo", channel, PECAN_RIGHTS_ALL } };
    struct child_spec spec = {
        .path = path, .argc = argc, .argv = argv, .factory = PECAN_ENV_FACTORY,
        .scheduler = PECAN_ENV_SCHEDULER, .log = PECAN_ENV_LOG, .cap_count = 1, .caps = caps,
    };
    struct child *child;
    const char *why = 0;
    int err = children_start(&children, &spec, &child, &why);
    if (err)
        printf("bench_server: %s: %s (%d)\n", path, why ? why : "?", err);
    return err;
}

/* Calls of call(gate) for at least TICKS ticks, after a warm-up: instructions per call. */
static unsigned long long per_call(void (*call)(pecan_cap_t), pecan_cap_t gate)
{
    for (unsigned i = 0; i < WARM_UP; i++)
        call(gate);
    uint64_t start = kip_next_tick(), end = start + (uint64_t)TICKS * TICK_NS, now;
    unsigned calls = 0;
    while ((now = kip_now()) < end) {
        for (unsigned i = 0; i < BATCH; i++)
            call(gate);
        calls += BATCH;
    }
    return (now - start + calls / 2) / calls;
}

static void stub_call(pecan_cap_t session)
{
    char answer[1];
    echo_upper(session, "", 0, answer);
}

static void raw_call(pecan_cap_t gate)
{
    struct pecan_message msg = { .tag = pecan_tag(PECAN_PROTO_ECHO, 2, 0), .word = { ECHO_UPPER, 0 } };
    pecan_invoke(gate, PECAN_OP_CALL, &msg);
}

int main(int argc, char **argv)
{
    if (argc > 1 && argv[1][0] == 'r')
        return raw_server();
    pecan_cap_t channel, raw;
    struct pecan_session session;
    static const char *const echo_argv[] = { "echo-server" };
    static const char *const raw_argv[] = { "bench_server", "raw-server" };
    int err = pecan_cap_alloc(&channel);
    if (!err)
        err = pecan_cap_alloc(&raw);
    if (!err)
        err = children_init(&children, PECAN_ENV_FACTORY);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, channel);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, raw);
    if (!err)
        err = start_server(channel, "rom/echo-server.elf", echo_argv, 1);
    if (!err)
        err = start_server(raw, "rom/bench_server.elf", raw_argv, 2);
    if (!err)
        err = echo_open(channel, PECAN_ENV_FACTORY, &session);
    if (err) {
        printf("bench_server: setting up: error %d\n", err);
        return 1;
    }
    unsigned long long framework = per_call(stub_call, session.cap);
    unsigned long long bare = per_call(raw_call, raw);
    printf("# server_call_rt: echo_upper (no text) on an ECHO session through the stub and "
           "the framework, server in its own task on the same CPU; %u ticks per figure\n",
           TICKS);
    printf("bench server_call_rt %llu instructions\n", framework);
    printf("# server_call_raw_rt: the same round trip, pecan_invoke against a "
           "reply-and-wait loop\n");
    printf("bench server_call_raw_rt %llu instructions\n", bare);
    return 0;
}
