/* SPDX-License-Identifier: MIT */
/*
 * bench_server: `server_call_rt` (docs/bench.md), a call through a client stub and the
 * server framework's dispatch and back: echo_upper of no text on an ECHO session, the
 * server echo-server (pkg/echo) in its own task, both at priority 100 on CPU 0, as in
 * ipc_rt_cross_as. The figure less ipc_rt_cross_as (the raw round trip, 239) is what the
 * stub and the framework cost.
 *
 * The clock is the KIP's (10 ms ticks, 10 million instructions under -icount): calls in
 * batches of BATCH from the start of a tick until TICKS ticks have passed; the time is
 * taken as TICKS ticks, which errs by at most one batch (about 0.1 instruction a call).
 * A warm-up comes first (the session's first calls fault in the server's pages).
 */
#include <pecan/launcher.h>
#include <pecan/runtime.h>
#include <stdio.h>
#include "../../pkg/echo/echo.h"
#include "kip_clock.h"

#define TICKS 20u
#define TICK_NS 10000000u
#define BATCH 100u
#define WARM_UP 1000u

static struct launcher launcher;

static int start_server(pecan_cap_t channel)
{
    static const char *const argv[] = { "echo-server" };
    struct launcher_cap caps[] = { { "echo", channel, PECAN_RIGHTS_ALL } };
    struct launcher_spec spec = {
        .path = "rom/echo-server.elf", .argc = 1, .argv = argv, .factory = PECAN_ENV_FACTORY,
        .scheduler = PECAN_ENV_SCHEDULER, .log = PECAN_ENV_LOG, .cap_count = 1, .caps = caps,
    };
    struct launcher_child *child;
    const char *why = 0;
    int err = launcher_start(&launcher, &spec, &child, &why);
    if (err)
        printf("bench_server: echo-server: %s (%d)\n", why ? why : "?", err);
    return err;
}

int main(void)
{
    pecan_cap_t channel;
    struct pecan_session session;
    int err = pecan_cap_alloc(&channel);
    if (!err)
        err = launcher_init(&launcher, PECAN_ENV_FACTORY);
    if (!err)
        err = pecan_factory_create_gate(PECAN_ENV_FACTORY, channel);
    if (!err)
        err = start_server(channel);
    if (!err)
        err = echo_open(channel, PECAN_ENV_FACTORY, &session);
    char answer[1];
    for (unsigned i = 0; i < WARM_UP && !err; i++)
        err = echo_upper(session.cap, "", 0, answer);
    if (err) {
        printf("bench_server: setting up: error %d\n", err);
        return 1;
    }
    uint64_t end = kip_next_tick() + (uint64_t)TICKS * TICK_NS;
    unsigned calls = 0;
    while (kip_now() < end) {
        for (unsigned i = 0; i < BATCH; i++)
            echo_upper(session.cap, "", 0, answer);
        calls += BATCH;
    }
    printf("# server_call_rt: %u calls of echo_upper (no text) on an ECHO session in %u "
           "ticks, stub and framework dispatch, server in its own task on the same CPU\n",
           calls, TICKS);
    printf("bench server_call_rt %llu instructions\n",
           (unsigned long long)(((uint64_t)TICKS * TICK_NS + calls / 2) / calls));
    return 0;
}
