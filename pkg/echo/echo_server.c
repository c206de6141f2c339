/* SPDX-License-Identifier: MIT */
/*
 * The echo server (the template of docs/servers.md): serves ECHO sessions (echo.h) on the
 * channel it got as its capability "echo", with the server framework (pecan/server.h).
 * Options: --threads=N serves the sessions on N threads (in turn); --report-ms=N logs
 * the open sessions and requests every N ms when they changed (the loop's periodic work).
 */
#include <ctype.h>
#include <pecan/runtime.h>
#include <pecan/server.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "echo.h"

#define MAX_THREADS 4
#define SESSIONS_PER_THREAD 1024

/* A session's state (r->object of its requests): its name and what it was asked, for the
 * line the server logs when the session closes. */
struct echo_session {
    struct server_session base;   /* first: the framework's part */
    unsigned requests;
    char name[ECHO_MAX_NAME + 1]; /* "" for a session opened without one */
};

static struct server servers[MAX_THREADS];
static struct server *serving[MAX_THREADS];
static unsigned threads = 1;

static int upper(struct server_request *r)
{
    unsigned length = r->in[1];
    if (length > ECHO_MAX_TEXT)
        return -PECAN_ERANGE;
    unsigned words = (length + 3) / 4;
    int err = server_need_words(r, 2 + words);
    if (err)
        return err;
    r->out[0] = length;
    r->reply_words = 1 + words;
    const char *text = (const char *)&r->in[2];
    char *out = (char *)&r->out[1];
    for (unsigned i = 0; i < length; i++)
        out[i] = (char)toupper((unsigned char)text[i]);
    return 0;
}

static int echo_request(struct server_request *r)
{
    struct echo_session *session = (struct echo_session *)r->object;
    int err = server_need_words(r, 1);
    if (err)
        return err;
    session->requests++;
    switch (r->in[0]) {
    case ECHO_UPPER:
        return upper(r);
    case ECHO_CRASH:
        if (!(r->rights & PECAN_RIGHT_WRITE))
            return -PECAN_EPERM;
        printf("echo-server: crashing on request\n");
        abort();   /* as a failed assertion would: exit status 1 to the parent */
    default:
        return -PECAN_ENOSYS;
    }
}

/* The optional name of an open (echo.h): length in w2, bytes from w3, checked whole
 * before anything is kept. name gets it, "" when the open has no arguments. */
static int session_name(const struct server_request *r, char *name)
{
    name[0] = 0;
    if (r->words == 2)
        return 0;
    unsigned length = r->in[2];
    if (length > ECHO_MAX_NAME)
        return -PECAN_ERANGE;
    unsigned words = 3 + (length + 3) / 4;
    int err = server_need_words(r, words);
    if (err)
        return err;
    if (r->words != words)
        return -PECAN_EINVAL;
    const char *bytes = (const char *)&r->in[3];
    for (unsigned i = 0; i < length; i++)
        if (bytes[i] < 0x20 || bytes[i] > 0x7e)
            return -PECAN_EINVAL;   /* it goes into the log */
    memcpy(name, bytes, length);
    name[length] = 0;
    return 0;
}

static int echo_open_session(struct server_request *r, struct server_session **out)
{
    char name[ECHO_MAX_NAME + 1];
    int err = session_name(r, name);
    if (err)
        return err;
    struct echo_session *session = calloc(1, sizeof(*session));
    if (!session)
        return -PECAN_ENOMEM;
    memcpy(session->name, name, sizeof(name));
    if (name[0])
        printf("echo-server: session \"%s\" opened\n", name);
    *out = &session->base;
    return 0;
}

static void echo_close_session(struct server_session *base)
{
    struct echo_session *session = (struct echo_session *)base;
    if (session->name[0])
        printf("echo-server: session \"%s\" closed after %u requests\n", session->name,
               session->requests);
    free(session);
}

static const struct server_protocol echo_protocols[] = { { PECAN_PROTO_ECHO, echo_request } };
static struct server_sessions echo_sessions = {
    .protocol = PECAN_PROTO_ECHO,
    .type = { .name = "echo", .protocols = echo_protocols, .protocol_count = 1 },
    .open = echo_open_session,
    .close = echo_close_session,
    .servers = serving,
};

static void report(struct server *s)
{
    static unsigned last_open = ~0u, last_requests;
    unsigned open = echo_sessions.open_count, requests = 0;
    for (unsigned i = 0; i < threads; i++)
        requests += servers[i].messages;   /* every thread counts its own */
    if (open != last_open || requests != last_requests)
        printf("echo-server: %u sessions open, %u requests\n", open, requests);
    last_open = open;
    last_requests = requests;
    (void)s;
}

static unsigned option(int argc, char **argv, const char *name, unsigned fallback)
{
    size_t length = strlen(name);
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], name, length) == 0 && argv[i][length] == '=')
            return (unsigned)strtoul(argv[i] + length + 1, 0, 10);
    return fallback;
}

int main(int argc, char **argv)
{
    pecan_cap_t channel = pecan_env_cap("echo");
    threads = option(argc, argv, "--threads", 1);
    unsigned report_ms = option(argc, argv, "--report-ms", 0);
    if (!channel || threads < 1 || threads > MAX_THREADS) {
        printf("echo-server: usage: a capability \"echo\", --threads=1..%d\n", MAX_THREADS);
        return 1;
    }
    int err = server_program_init(&servers[0], SESSIONS_PER_THREAD);
    for (unsigned i = 1; i < threads && !err; i++)
        err = server_program_thread(&servers[i], SESSIONS_PER_THREAD);
    for (unsigned i = 0; i < threads; i++)
        serving[i] = &servers[i];
    echo_sessions.server_count = threads;
    if (!err)
        err = server_sessions_serve(&servers[0], &echo_sessions, channel);
    if (err) {
        printf("echo-server: cannot serve (error %d)\n", err);
        return 1;
    }
    if (report_ms) {
        servers[0].config.periodic = report;
        servers[0].config.period_us = report_ms * 1000;
    }
    printf("echo-server: ready (%u threads)\n", threads);
    server_loop(&servers[0]);
}
