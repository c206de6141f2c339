/* SPDX-License-Identifier: MIT */
/*
 * The echo client: sends its arguments through an echo session, checking the answers.
 * The session is its capability "echo_session" when the boot script opened one for it
 * (ch:create(L4.Proto.Echo) in ned; the script's loader closes it when the program
 * ends), or else one it opens itself at the echo server behind its capability "echo".
 * Arguments: [--crash-server] [--status=N] words... With --crash-server (needs "echo") it
 * first makes the server die, then opens sessions until the restarted server answers
 * (conf/restart.lua). With --status=N it exits with N instead of 0 when every answer was
 * right (a scenario's restart). Without either capability it says so: the boot script
 * did not connect it.
 */
#include <ctype.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "echo.h"

static bool answered_right(const char *text, const char *answer, unsigned length)
{
    for (unsigned i = 0; i < length; i++)
        if (answer[i] != toupper((unsigned char)text[i]))
            return false;
    return true;
}

/* One word through a new session; true if it came back right. */
static bool session_works(pecan_cap_t channel, struct pecan_session *session)
{
    char answer[8];
    return echo_open(channel, PECAN_ENV_FACTORY, session) == 0 &&
           echo_upper(session->cap, "again", 5, answer) == 0 &&
           answered_right("again", answer, 5);
}

static int crash_server(pecan_cap_t channel, struct pecan_session *session)
{
    printf("echo-client: the server crashed (call ended with error %d)\n",
           echo_crash(session->cap));
    /* The session died with the server: a new one at the channel, which the restarted
     * server binds again (until then the open waits there). */
    for (unsigned attempt = 1; attempt <= 50; attempt++) {
        pecan_session_close(session);
        if (session_works(channel, session)) {
            printf("echo-client: reconnected to the restarted server (attempt %u)\n", attempt);
            return 0;
        }
        pecan_sleep_us(100000);
    }
    printf("echo-client: the server never came back\n");
    return 1;
}

/* Exit status of a run whose answers were all right: --status=N, default 0. */
static int status_when_right(int argc, char **argv, int *first)
{
    if (*first < argc && strncmp(argv[*first], "--status=", 9) == 0)
        return atoi(argv[(*first)++] + 9);
    return 0;
}

int main(int argc, char **argv)
{
    pecan_cap_t channel = pecan_env_cap("echo");
    pecan_cap_t given = pecan_env_cap("echo_session");
    struct pecan_session session = { given, 0, 0 };
    if (!channel && !given) {
        printf("echo-client: not connected to an echo server\n");
        return 3;
    }
    int err = given ? 0 : echo_open(channel, PECAN_ENV_FACTORY, &session);
    if (err) {
        printf("echo-client: no session (error %d)\n", err);
        return 1;
    }
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--crash-server") == 0) {
        if (given) {
            printf("echo-client: --crash-server needs the channel \"echo\"\n");
            return 1;
        }
        if (crash_server(channel, &session) != 0)
            return 1;
        first = 2;
    }
    int status = status_when_right(argc, argv, &first);
    unsigned right = 0;
    for (int i = first; i < argc; i++) {
        char answer[ECHO_MAX_TEXT + 1] = { 0 };
        unsigned length = (unsigned)strlen(argv[i]);
        if ((err = echo_upper(session.cap, argv[i], length, answer)) != 0) {
            printf("echo-client: \"%s\": error %d\n", argv[i], err);
            return 1;
        }
        printf("echo-client: \"%s\" -> \"%s\"\n", argv[i], answer);
        right += answered_right(argv[i], answer, length);
    }
    printf("echo-client: %u of %d answers right%s\n", right, argc - first,
           given ? " (a session from the boot script)" : "");
    if (!given)
        pecan_session_close(&session);
    return right == (unsigned)(argc - first) ? status : 1;
}
