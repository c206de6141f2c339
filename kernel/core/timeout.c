/* SPDX-License-Identifier: MIT */
/*
 * Timeouts of blocked IPC operations (include/core/timeout.h): a list of threads sorted
 * by deadline. Arming walks the list (short in practice); expiry pops from the front.
 */
#include <clock.h>
#include <core/ipc.h>
#include <core/timeout.h>

static struct tcb *timeouts;

void timeout_cancel(struct tcb *tcb)
{
    if (!tcb->timeout_at)
        return;
    if (tcb->timeout_prev)
        tcb->timeout_prev->timeout_next = tcb->timeout_next;
    else
        timeouts = tcb->timeout_next;
    if (tcb->timeout_next)
        tcb->timeout_next->timeout_prev = tcb->timeout_prev;
    tcb->timeout_next = tcb->timeout_prev = NULL;
    tcb->timeout_at = 0;
}

void timeout_arm(struct tcb *tcb, word_t timeout_field)
{
    timeout_cancel(tcb);
    uint64_t microseconds = timeout_field - 1;
    tcb->timeout_at = clock_now_ns() + microseconds * 1000 + 1;
    struct tcb *prev = NULL, *next = timeouts;
    while (next && next->timeout_at <= tcb->timeout_at) {
        prev = next;
        next = next->timeout_next;
    }
    tcb->timeout_prev = prev;
    tcb->timeout_next = next;
    if (prev)
        prev->timeout_next = tcb;
    else
        timeouts = tcb;
    if (next)
        next->timeout_prev = tcb;
}

void timeout_tick(uint64_t now_ns)
{
    while (timeouts && timeouts->timeout_at <= now_ns) {
        struct tcb *t = timeouts;
        timeout_cancel(t);
        ipc_timeout(t);
    }
}
