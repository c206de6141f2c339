/* SPDX-License-Identifier: MIT */
/*
 * A queued thread's wait with a timeout (waiters.h), shared by condition variables,
 * semaphores and through them mailboxes.
 *
 * The thread blocks on its park notification, which either its waker or the timer
 * (timer.c) signals. The timer never sets `woken`: that flag stays the waker's, so
 * whoever popped the thread is the only one to set it, as in every untimed wait. Once
 * awake the thread decides under the queue's lock: still queued means nobody popped it,
 * so it takes itself off and reports the timeout; not queued means a waker popped it (and
 * has given it what it waited for: a signal, a semaphore unit), so it waits for that
 * waker's `woken` (which may not have come yet) and reports success. Either way the wait
 * ends with no waker and no timer still holding on to the thread: no lost wake-up, no
 * wake-up landing in a later wait.
 *
 * Without a park notification or a timer (none could be made) the thread polls its
 * `woken` and the clock once per tick instead.
 *
 * pecan_thread_park_timed is the same timer with no queue: one wait on the park
 * notification, ended by whoever signals it (the console's input, l4re/libc/console.c)
 * or by the timer; its caller looks at its own condition afterwards.
 */
#include <pecan/sys.h>
#include "spin.h"
#include "timer.h"
#include "waiters.h"

#define POLL_US 1000u   /* the kernel rounds it up to a tick */

static void park_until_woken_or_fired(struct pecan_thread *self, const struct deadline *d)
{
    pecan_word_t others = 0;
    while (!__atomic_load_n(&self->woken, __ATOMIC_ACQUIRE) &&
           !__atomic_load_n(&d->fired, __ATOMIC_ACQUIRE)) {
        pecan_word_t bits = 0;
        if (pecan_notification_wait(self->park, &bits))
            pecan_sleep_us(POLL_US);
        others |= bits;
    }
    pecan_thread_park_keep(self, others);   /* a console's bits, for its reader */
}

static void poll_until_woken_or(struct pecan_thread *self, uint64_t deadline_ns)
{
    while (!__atomic_load_n(&self->woken, __ATOMIC_ACQUIRE) && timer_now_ns() < deadline_ns)
        pecan_sleep_us(POLL_US);
}

static void sleep_until_woken_or_timeout(struct pecan_thread *self, uint32_t timeout_ms)
{
    struct deadline d;
    if (timer_arm(&d, self, timeout_ms) == 0) {
        park_until_woken_or_fired(self, &d);
        timer_disarm(&d);
    } else {
        poll_until_woken_or(self, timer_deadline(timeout_ms));
    }
}

/* Waits for the woken a waker that popped self is about to set (or has set). */
static void wait_for_waker(struct pecan_thread *self)
{
    if (self->park) {
        pecan_thread_park(self);
        return;
    }
    while (!__atomic_load_n(&self->woken, __ATOMIC_ACQUIRE))
        pecan_sleep_us(POLL_US);
}

int waiters_wait_timed(struct pecan_thread *self, int *queue_lock, struct pecan_thread **head,
                       struct pecan_thread **tail, uint32_t timeout_ms)
{
    sleep_until_woken_or_timeout(self, timeout_ms);
    spin_lock(queue_lock);
    int still_queued = waiters_remove(head, tail, self);
    spin_unlock(queue_lock);
    if (still_queued)
        return -PECAN_ETIMEDOUT;
    wait_for_waker(self);
    return 0;
}

int pecan_thread_park_timed(struct pecan_thread *self, uint32_t timeout_ms, pecan_word_t *taken)
{
    struct deadline d;
    if (taken)
        *taken = 0;
    if (!self->park || timer_arm(&d, self, timeout_ms) != 0) {
        pecan_sleep_us(POLL_US);   /* no notification or timer: one tick, then look again */
        return 0;
    }
    pecan_word_t bits = 0;
    if (pecan_notification_wait(self->park, &bits))
        pecan_sleep_us(POLL_US);
    if (taken)
        *taken = bits;
    timer_disarm(&d);
    return __atomic_load_n(&d.fired, __ATOMIC_ACQUIRE) ? -PECAN_ETIMEDOUT : 0;
}
