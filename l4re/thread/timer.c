/* SPDX-License-Identifier: MIT */
/*
 * The timer of timed waits (timer.h): one thread of the runtime, made the first time a
 * thread of the program waits with a timeout, wakes each timed waiter when its deadline
 * passes. Its clock is the public pecan_sync_clock_ms. The kernel has no notification wait with a timeout; an open wait has one and
 * ends when the thread's bound notification is signalled, but any thread that serves IPC
 * would take its clients' messages in it. So only this thread, which no gate is bound to,
 * sleeps that way (on its own notification `kick`), and the waiters block on their park
 * notifications as in every other wait.
 *
 * Invariants: an entry is on `armed` from timer_arm until it fires or timer_disarm takes
 * it; the timer thread touches an entry, and signals its thread, only under timer_lock
 * while the entry is on `armed` (so only while its waiter is still in its wait, and the
 * entry, in the waiter's frame, still exists). `sleeping_until` is the deadline the timer
 * thread sleeps towards (DEADLINE_NONE: none); arming an earlier one kicks it awake.
 * Nothing signals `kick` before it is bound to the timer thread (timer_arm needs
 * TIMER_RUNNING, which is set after the binding).
 */
#include <pecan/factory.h>
#include <pecan/kip.h>
#include <pecan/runtime.h>
#include <pecan/sync.h>
#include <pecan/sys.h>
#include "spin.h"
#include "timer.h"

enum { TIMER_NONE, TIMER_STARTING, TIMER_RUNNING };

static int timer_state;
static int timer_lock;
static struct deadline_list armed;
static uint64_t sleeping_until = DEADLINE_NONE;
static pecan_cap_t kick;

static const volatile struct pecan_kip *kip(void)
{
    return (const volatile struct pecan_kip *)PECAN_KIP_ADDRESS;
}

uint64_t timer_now_ns(void)
{
    return pecan_kip_clock_ns(kip());
}

uint64_t pecan_sync_clock_ms(void)
{
    return timer_now_ns() / 1000000u;
}

/* The KIP clock may be a tick behind the time: one tick more makes every wait last at
 * least what was asked. */
uint64_t timer_deadline(uint32_t timeout_ms)
{
    uint32_t hz = kip()->tick_hz;
    uint64_t tick_ns = hz ? 1000000000u / hz : 10000000u;
    return deadline_after(timer_now_ns(), timeout_ms, tick_ns);
}

/* Under timer_lock: the entry's waiter is still in its wait. */
static void fire(struct deadline *d)
{
    struct pecan_thread *waiter = d->owner;
    __atomic_store_n(&d->fired, 1, __ATOMIC_RELEASE);
    pecan_notification_signal(waiter->park, PECAN_THREAD_WAKE_BIT);
}

/* Fires what is due; returns how long to sleep (µs, DEADLINE_NONE: until kicked). */
static uint64_t fire_due(void)
{
    spin_lock(&timer_lock);
    uint64_t now = timer_now_ns();
    struct deadline *d;
    while ((d = deadline_take_due(&armed, now)) != 0)
        fire(d);
    sleeping_until = armed.head ? armed.head->at_ns : DEADLINE_NONE;
    uint64_t wait_us = deadline_wait_us(&armed, now);
    spin_unlock(&timer_lock);
    return wait_us;
}

/* An open wait: nothing but `kick` can end it early (no gate is bound to this thread). */
static void sleep_or_kick(uint64_t wait_us)
{
    pecan_word_t timeout = PECAN_TIMEOUT_NEVER;
    if (wait_us != DEADLINE_NONE)
        timeout = pecan_timeout_us(wait_us > PECAN_TIMEOUT_MAX_US ? PECAN_TIMEOUT_MAX_US
                                                                  : (uint32_t)wait_us);
    struct pecan_message msg;
    pecan_ipc_wait(&msg, timeout);
}

static void *timer_main(void *unused)
{
    (void)unused;
    for (;;)
        sleep_or_kick(fire_due());
    return 0;
}

/* Above the program's threads (as far as its MCP lets it), so a deadline is not late
 * behind a busy thread of the program on the timer's CPU. Best effort. */
static void raise_priority(struct pecan_thread *t)
{
    int mcp = pecan_sched_thread_mcp(PECAN_ENV_SCHEDULER, PECAN_ENV_THREAD);
    if (mcp > 0)
        pecan_thread_set_priority(pecan_thread_cap(t), (unsigned)mcp);
}

static int make_kick(void)
{
    int err = pecan_cap_alloc(&kick);
    if (err)
        return err;
    err = pecan_factory_create_notification(PECAN_ENV_FACTORY, kick);
    if (err) {
        pecan_cap_free(kick);
        kick = 0;
    }
    return err;
}

/* The timer thread, with kick bound to it. The thread may already sleep in its open
 * wait when the binding comes: nothing has signalled kick yet, so the first signal
 * reaches it (the kernel hands bits straight to a bound thread in an open wait). */
static int start_timer(void)
{
    if (!kick && make_kick())
        return -PECAN_ENOMEM;
    struct pecan_thread *t;
    int err = pecan_thread_create(&t, timer_main, 0);
    if (err)
        return err;
    err = pecan_thread_bind_notification(pecan_thread_cap(t), kick);
    if (err)
        return err;   /* the thread stays, asleep for good; waits poll instead */
    raise_priority(t);
    return 0;
}

/* 1 once the timer runs. The first caller starts it; callers meanwhile wait for the
 * outcome. A failed start leaves TIMER_NONE, so a later wait tries again. */
static int timer_running(void)
{
    for (;;) {
        int state = __atomic_load_n(&timer_state, __ATOMIC_ACQUIRE);
        if (state == TIMER_RUNNING)
            return 1;
        if (state == TIMER_NONE) {
            if (!__atomic_compare_exchange_n(&timer_state, &state, TIMER_STARTING, 0,
                                             __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
                continue;
            int ok = start_timer() == 0;
            __atomic_store_n(&timer_state, ok ? TIMER_RUNNING : TIMER_NONE, __ATOMIC_RELEASE);
            return ok;
        }
        pecan_sleep_us(1);   /* another thread is starting it */
    }
}

int timer_arm(struct deadline *d, struct pecan_thread *self, uint32_t timeout_ms)
{
    if (!self->park || !timer_running())
        return -PECAN_ENOMEM;
    d->at_ns = timer_deadline(timeout_ms);
    d->owner = self;
    d->fired = 0;
    spin_lock(&timer_lock);
    int earliest = deadline_insert(&armed, d);
    int wake_timer = earliest && d->at_ns < sleeping_until;
    if (wake_timer)
        sleeping_until = d->at_ns;   /* one kick per earlier deadline is enough */
    spin_unlock(&timer_lock);
    if (wake_timer)
        pecan_notification_signal(kick, 1);
    return 0;
}

void timer_disarm(struct deadline *d)
{
    spin_lock(&timer_lock);
    deadline_remove(&armed, d);
    spin_unlock(&timer_lock);
}
