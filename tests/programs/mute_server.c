/* SPDX-License-Identifier: MIT */
/*
 * mute-server: serves the gate "svr" and never answers. It takes the first message (a
 * session open, say) and then calls the gate "nowhere", which nobody serves, so it blocks
 * for ever still holding the caller's reply capability (waiting to receive would drop it,
 * and the caller would learn at once): a server stuck on another, as a hung or hostile
 * server looks to its clients. conf/errors.lua opens a session at it and expects ned's
 * open to time out with a message, not to hang the script.
 */
#include <pecan/env.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <stdio.h>

int main(void)
{
    pecan_cap_t gate = pecan_env_cap("svr"), nowhere = pecan_env_cap("nowhere");
    if (!gate || !nowhere || pecan_gate_bind(gate, PECAN_ENV_THREAD) != 0) {
        printf("mute-server: needs the gates \"svr\" (to serve) and \"nowhere\" FAILED\n");
        return 1;
    }
    struct pecan_message message;
    pecan_ipc_receive(gate, &message, PECAN_TIMEOUT_NEVER);
    printf("mute-server: a request came; it gets no answer\n");
    for (;;) {
        message.tag = pecan_tag(PECAN_PROTO_ECHO, 0, 0);
        pecan_ipc_call(nowhere, &message, PECAN_TIMEOUT_NEVER);
    }
}
