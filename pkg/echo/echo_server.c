/* SPDX-License-Identifier: MIT */
/*
 * The example echo server: serves the ECHO protocol (echo.h) on the IPC gate it got as
 * its capability "echo" (the server end of a channel: it binds the gate to its thread).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include "echo.h"

static int upper(struct pecan_message *msg)
{
    unsigned length = msg->word[1];
    unsigned words = pecan_tag_words(msg->tag);
    if (length > ECHO_MAX_TEXT || words < 2 + (length + 3) / 4)
        return -PECAN_EINVAL;
    char text[ECHO_MAX_TEXT];
    memcpy(text, &msg->word[2], length);
    for (unsigned i = 0; i < length; i++)
        text[i] = (char)toupper((unsigned char)text[i]);
    msg->word[0] = length;
    memcpy(&msg->word[1], text, length);
    return (int)(1 + (length + 3) / 4);
}

int main(void)
{
    pecan_cap_t gate = pecan_env_cap("echo");
    if (!gate) {
        printf("echo-server: no capability \"echo\"\n");
        return 1;
    }
    int err = pecan_gate_bind(gate, PECAN_ENV_THREAD);
    if (err) {
        printf("echo-server: cannot bind the gate (error %d)\n", err);
        return 1;
    }
    printf("echo-server: ready\n");
    struct pecan_message msg;
    struct pecan_reply r = pecan_ipc_receive(gate, &msg, PECAN_TIMEOUT_NEVER);
    unsigned served = 0;
    for (;;) {
        int words = -PECAN_EBADPROTO;
        if (r.ipc_status == 0 && pecan_tag_label(msg.tag) == PECAN_PROTO_ECHO &&
            pecan_tag_words(msg.tag) >= 1) {
            if (msg.word[0] == ECHO_CRASH) {
                printf("echo-server: crashing on request after %u requests\n", served);
                abort();   /* as a failed assertion would: exit status 1 to the parent */
            }
            words = msg.word[0] == ECHO_UPPER ? upper(&msg) : -PECAN_ENOSYS;
            served++;
        }
        msg.tag = words < 0 ? pecan_tag(words, 0, 0) : pecan_tag(0, (unsigned)words, 0);
        r = pecan_ipc_reply_wait(&msg, PECAN_TIMEOUT_NEVER);
    }
}
