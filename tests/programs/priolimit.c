/* SPDX-License-Identifier: MIT */
/*
 * Priority limits seen from a program (conf/priority.lua): started with
 * "priolimit <priority> <mcp>", it checks that it runs with what its parent gave, then
 * tries to go above its MCP with everything every program holds (its own thread object with all
 * rights, the Scheduler capability), from the main thread and from a thread of its own.
 * Each attempt prints its result; the exit status is 0 when every one above the limit
 * was refused with EPERM and the ones within it worked.
 */
#include <pecan/env.h>
#include <pecan/errors.h>
#include <pecan/sys.h>
#include <pecan/thread.h>
#include <stdio.h>
#include <stdlib.h>

#define SCHED PECAN_ENV_SCHEDULER

static int failures;

static const char *result_name(int err)
{
    return err == 0 ? "OK" : err == -PECAN_EPERM ? "EPERM" : err == -PECAN_ERANGE ? "ERANGE"
                                                                                : "other error";
}

static void expect(const char *what, int got, int want)
{
    printf("priolimit: %s: %s%s\n", what, result_name(got), got == want ? "" : " (FAILED)");
    if (got != want)
        failures++;
}

/* From a thread the runtime made: it inherits the main thread's MCP, no more. */
static void *second_thread(void *arg)
{
    unsigned mcp = *(const unsigned *)arg;
    pecan_cap_t self = pecan_thread_cap(pecan_thread_self());
    char what[64];
    if (pecan_sched_thread_mcp(SCHED, self) != (int)mcp) {
        printf("priolimit: second thread: MCP %d, not %u (FAILED)\n",
               pecan_sched_thread_mcp(SCHED, self), mcp);
        failures++;
    }
    snprintf(what, sizeof(what), "second thread raises itself to %u", mcp + 1);
    expect(what, pecan_thread_set_priority(self, mcp + 1), -PECAN_EPERM);
    expect("second thread raises the main thread to 255",
           pecan_thread_set_priority(PECAN_ENV_THREAD, 255), -PECAN_EPERM);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        printf("priolimit: usage: priolimit <priority> <mcp>\n");
        return 2;
    }
    unsigned want_priority = (unsigned)atoi(argv[1]), want_mcp = (unsigned)atoi(argv[2]);
    unsigned priority = 0;
    int mcp = pecan_sched_thread_mcp(SCHED, PECAN_ENV_THREAD);
    pecan_sched_thread_info(SCHED, PECAN_ENV_THREAD, 0, &priority, 0);
    printf("priolimit: priority %u, mcp %d%s\n", priority, mcp,
           priority == want_priority && mcp == (int)want_mcp ? "" : " (FAILED)");
    if (priority != want_priority || mcp != (int)want_mcp)
        failures++;

    char what[64];
    expect("set own priority 255", pecan_thread_set_priority(PECAN_ENV_THREAD, 255),
           -PECAN_EPERM);
    snprintf(what, sizeof(what), "set own priority %u", want_mcp + 1);
    expect(what, pecan_thread_set_priority(PECAN_ENV_THREAD, want_mcp + 1), -PECAN_EPERM);
    expect("run own thread at 255", pecan_sched_run_thread(SCHED, PECAN_ENV_THREAD, 255, ~0u, 0),
           -PECAN_EPERM);
    expect("set own mcp 255", pecan_thread_set_mcp(PECAN_ENV_THREAD, 255), -PECAN_EPERM);
    snprintf(what, sizeof(what), "set own priority %u (the limit)", want_mcp);
    expect(what, pecan_thread_set_priority(PECAN_ENV_THREAD, want_mcp), 0);

    struct pecan_thread *t;
    unsigned limit = want_mcp;
    int err = pecan_thread_create(&t, second_thread, &limit);
    expect("create a thread", err, 0);
    if (!err)
        pecan_thread_join(t, 0);

    expect("set own priority back", pecan_thread_set_priority(PECAN_ENV_THREAD, want_priority),
           0);
    printf("priolimit: %s\n", failures ? "FAILED" : "every attempt above the limit refused");
    return failures ? 1 : 0;
}
