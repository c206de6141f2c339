/* SPDX-License-Identifier: MIT */
/*
 * Timeouts of blocked IPC operations (include/core/timeout.h): a list of threads sorted
 * by deadline. Arming walks the list (short in practice); expiry pops from the front.
 */
#include <core/clock.h>
#include <core/ipc.h>
#include <core/timeout.h>

static struct thread *timeouts;

void timeout_cancel(struct thread *thread)
{
    if (!thread->timeout_at)
        return;
    if (thread->timeout_prev)
        thread->timeout_prev->timeout_next = thread->timeout_next;
    else
        timeouts = thread->timeout_next;
    if (thread->timeout_next)
        thread->timeout_next->timeout_prev = thread->timeout_prev;
    thread->timeout_next = thread->timeout_prev = NULL;
    thread->timeout_at = 0;
}

void timeout_arm(struct thread *thread, word_t timeout_field)
{
    timeout_cancel(thread);
    uint64_t microseconds = timeout_field - 1;
    thread->timeout_at = clock_now_ns() + microseconds * 1000 + 1;
    struct thread *prev = NULL, *next = timeouts;
    while (next && next->timeout_at <= thread->timeout_at) {
        prev = next;
        next = next->timeout_next;
    }
    thread->timeout_prev = prev;
    thread->timeout_next = next;
    if (prev)
        prev->timeout_next = thread;
    else
        timeouts = thread;
    if (next)
        next->timeout_prev = thread;
}

void timeout_tick(uint64_t now_ns)
{
    while (timeouts && timeouts->timeout_at <= now_ns) {
        struct thread *t = timeouts;
        timeout_cancel(t);
        ipc_timeout(t);
    }
}
