/* SPDX-License-Identifier: MIT */
/*
 * The example echo client: sends its arguments to the echo server through its
 * capability "echo" and checks the answers. Arguments: [--crash-server] words... With
 * --crash-server it first makes the server die, then retries until the restarted server
 * answers (conf/restart.lua). Without the capability it says so: the boot script did not
 * connect it.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include "echo.h"

static int call_upper(pecan_cap_t gate, const char *text, char *answer)
{
    struct pecan_message msg;
    unsigned length = (unsigned)strlen(text);
    if (length > ECHO_MAX_TEXT)
        return -PECAN_ERANGE;
    msg.word[0] = ECHO_UPPER;
    msg.word[1] = length;
    memcpy(&msg.word[2], text, length);
    msg.tag = pecan_tag(PECAN_PROTO_ECHO, 2 + (length + 3) / 4, 0);
    struct pecan_reply r = pecan_ipc_call(gate, &msg, pecan_timeout_us(5000000));
    int err = pecan_error(r);
    if (err)
        return err;
    if (msg.word[0] != length)
        return -PECAN_EINVAL;
    memcpy(answer, &msg.word[1], length);
    answer[length] = 0;
    return 0;
}

static bool answered_right(const char *text, const char *answer)
{
    for (; *text; text++, answer++)
        if (*answer != toupper((unsigned char)*text))
            return false;
    return *answer == 0;
}

static int crash_server(pecan_cap_t gate)
{
    struct pecan_message msg = { .tag = pecan_tag(PECAN_PROTO_ECHO, 1, 0), .word = { ECHO_CRASH } };
    struct pecan_reply r = pecan_ipc_call(gate, &msg, pecan_timeout_us(5000000));
    printf("echo-client: the server crashed (call ended with error %d)\n", pecan_error(r));
    /* Until the restarted server binds the gate, calls wait there or fail: retry. */
    char answer[ECHO_MAX_TEXT + 1];
    for (unsigned attempt = 1; attempt <= 50; attempt++) {
        if (call_upper(gate, "again", answer) == 0 && answered_right("again", answer)) {
            printf("echo-client: reconnected to the restarted server (attempt %u)\n", attempt);
            return 0;
        }
        pecan_sleep_us(100000);
    }
    printf("echo-client: the server never came back\n");
    return 1;
}

int main(int argc, char **argv)
{
    pecan_cap_t gate = pecan_env_cap("echo");
    if (!gate) {
        printf("echo-client: not connected to an echo server\n");
        return 3;
    }
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--crash-server") == 0) {
        if (crash_server(gate) != 0)
            return 1;
        first = 2;
    }
    unsigned right = 0;
    for (int i = first; i < argc; i++) {
        char answer[ECHO_MAX_TEXT + 1];
        int err = call_upper(gate, argv[i], answer);
        if (err) {
            printf("echo-client: \"%s\": error %d\n", argv[i], err);
            return 1;
        }
        printf("echo-client: \"%s\" -> \"%s\"\n", argv[i], answer);
        right += answered_right(argv[i], answer);
    }
    printf("echo-client: %u of %d answers right\n", right, argc - first);
    return right == (unsigned)(argc - first) ? 0 : 1;
}
