/* SPDX-License-Identifier: MIT */
/*
 * Thread creation, exit and join (pecan/thread.h).
 *
 * Create: a TCB from TASK CREATE_THREAD with a free UTCB slot (or a finished thread's TCB
 * and slot kept for reuse), a stack dataspace from the factory attached through the
 * region map, the scheduler's RUN_THREAD (same priority as the main thread, CPUs taken in
 * turn), THREAD_SET_MCP (the main thread's MCP), then THREAD_START (pc thread_start, sp stack top, r0 the record). Exit: the thread sets `finished` and wakes its joiner if there is one, then
 * suspends itself. Join: waits for `finished`, suspends the thread again (it may not have
 * stopped yet on its CPU), then frees the stack and keeps the TCB for reuse.
 */
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/task.h>
#include <pecan/thread.h>
#include <stdlib.h>
#include "../rt/runtime_internal.h"
#include "spin.h"

#define SPARE_MAX 16

/* Finished threads whose TCB, UTCB slot and notification wait for reuse. */
struct spare_thread {
    pecan_cap_t tcb, park;
    unsigned utcb_slot;
};

static struct pecan_thread main_thread;
static struct spare_thread spares[SPARE_MAX];
static unsigned spare_count;
static int spare_lock;
static unsigned next_cpu;

void runtime_thread_init_main(void)
{
    main_thread.tcb = PECAN_ENV_THREAD;
    main_thread.utcb_slot = 0;
    pecan_utcb()->user[PECAN_UTCB_USER_THREAD] = (pecan_word_t)&main_thread;
}

struct pecan_thread *pecan_thread_self(void)
{
    return (struct pecan_thread *)pecan_utcb()->user[PECAN_UTCB_USER_THREAD];
}

pecan_cap_t pecan_thread_tcb(struct pecan_thread *thread)
{
    return thread->tcb;
}

void pecan_thread_mark_pager_changed(struct pecan_thread *thread)
{
    thread->pager_changed = 1;
}

static int take_spare(struct pecan_thread *t)
{
    int found = 0;
    spin_lock(&spare_lock);
    if (spare_count) {
        struct spare_thread s = spares[--spare_count];
        t->tcb = s.tcb;
        t->park = s.park;
        t->utcb_slot = s.utcb_slot;
        found = 1;
    }
    spin_unlock(&spare_lock);
    return found;
}

static int keep_spare(struct pecan_thread *t)
{
    int kept = 0;
    spin_lock(&spare_lock);
    if (spare_count < SPARE_MAX) {
        spares[spare_count++] = (struct spare_thread){ t->tcb, t->park, t->utcb_slot };
        kept = 1;
    }
    spin_unlock(&spare_lock);
    return kept;
}

static int new_tcb(struct pecan_thread *t)
{
    if (take_spare(t))
        return 0;
    int err = pecan_utcb_slot_alloc(&t->utcb_slot);
    if (err)
        return err;
    err = pecan_cap_alloc(&t->tcb);
    if (!err) {
        err = pecan_task_create_thread(PECAN_ENV_TASK, pecan_utcb_slot_address(t->utcb_slot),
                                       t->tcb);
        if (err)
            pecan_cap_free(t->tcb);
    }
    if (err)
        pecan_utcb_slot_free(t->utcb_slot);
    return err;
}

static void release_stack(struct pecan_thread *t)
{
    if (t->stack_base)
        pecan_rm_detach(PECAN_ENV_RM, t->stack_base, 0, 0);
    if (t->stack_ds)
        pecan_cap_release(t->stack_ds);
}

static int new_stack(struct pecan_thread *t)
{
    int err = pecan_cap_alloc(&t->stack_ds);
    if (err)
        return err;
    err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, PECAN_THREAD_STACK_SIZE, 0, 0,
                                         t->stack_ds, 0);
    if (err) {
        pecan_cap_free(t->stack_ds);
        t->stack_ds = 0;
        return err;
    }
    pecan_word_t base = PECAN_ENV_FREE_BASE;
    err = pecan_rm_attach(PECAN_ENV_RM, &base, PECAN_THREAD_STACK_SIZE,
                          PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_RM_SEARCH_ADDRESS,
                          t->stack_ds, 0);
    if (err) {
        release_stack(t);
        return err;
    }
    t->stack_base = base;
    t->stack_size = PECAN_THREAD_STACK_SIZE;
    return 0;
}

static void thread_start(struct pecan_thread *t) __attribute__((noreturn));
static void thread_start(struct pecan_thread *t)
{
    pecan_utcb()->user[PECAN_UTCB_USER_THREAD] = (pecan_word_t)t;
    pecan_thread_exit(t->entry(t->arg));
}

/* Priority and MCP of the main thread and the next CPU in turn among the online ones.
 * The priority is at most the MCP: RUN_THREAD refuses more, and the program's parent
 * may have started the main thread above its MCP. */
static void placement(unsigned *priority, unsigned *mcp, pecan_word_t *cpu_mask)
{
    unsigned prio = 100, cpus = 1;
    pecan_word_t online = 1;
    pecan_sched_thread_info(PECAN_ENV_SCHEDULER, PECAN_ENV_THREAD, 0, &prio, 0);
    int limit = pecan_sched_thread_mcp(PECAN_ENV_SCHEDULER, PECAN_ENV_THREAD);
    pecan_sched_info(PECAN_ENV_SCHEDULER, &cpus, &online, 0);
    *mcp = limit > 0 ? (unsigned)limit : 0;
    *priority = prio < *mcp ? prio : *mcp;
    *cpu_mask = online ? online : 1;
    unsigned n = __atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED);
    for (unsigned tries = 0; tries < 32 && cpus; tries++, n++) {
        pecan_word_t bit = 1u << (n % 32);
        if (online & bit) {
            *cpu_mask = bit;
            return;
        }
    }
}

static int start(struct pecan_thread *t)
{
    unsigned priority, mcp;
    pecan_word_t mask;
    placement(&priority, &mcp, &mask);
    int err = pecan_sched_run_thread(PECAN_ENV_SCHEDULER, t->tcb, priority, mask, 0);
    /* A new TCB has MCP 0: the main thread's limit, so the thread may create threads
     * too (the kernel lets no thread give more than its own). */
    if (!err)
        err = pecan_thread_set_mcp(t->tcb, mcp);
    if (err)
        return err;
    return pecan_thread_start(t->tcb, (pecan_word_t)thread_start, t->stack_base + t->stack_size,
                              (pecan_word_t)t);
}

/* A TCB that was never started or has stopped: kept for reuse, or its slots freed. */
static void retire_tcb(struct pecan_thread *t)
{
    if (!t->pager_changed && keep_spare(t))
        return;
    pecan_cap_release(t->tcb);
    if (t->park)
        pecan_cap_release(t->park);
    /* The UTCB page stays in moe's thread until the task ends: its slot is not reused. */
}

int pecan_thread_create(struct pecan_thread **thread, void *(*entry)(void *), void *arg)
{
    struct pecan_thread *t = calloc(1, sizeof(*t));
    if (!t)
        return -PECAN_ENOMEM;
    t->entry = entry;
    t->arg = arg;
    int err = runtime_reent_init(t);
    if (!err)
        err = new_tcb(t);
    if (err) {
        runtime_reent_release(t);
        free(t);
        return err;
    }
    err = new_stack(t);
    if (!err)
        err = start(t);
    if (err) {
        release_stack(t);
        retire_tcb(t);
        runtime_reent_release(t);
        free(t);
        return err;
    }
    *thread = t;
    return 0;
}

void pecan_thread_exit(void *result)
{
    struct pecan_thread *self = pecan_thread_self();
    if (self == &main_thread)
        exit(0);
    runtime_reent_release(self);
    self->result = result;
    __atomic_store_n(&self->finished, 1, __ATOMIC_SEQ_CST);
    struct pecan_thread *joiner = __atomic_load_n(&self->joiner, __ATOMIC_SEQ_CST);
    if (joiner)
        pecan_thread_wake(joiner);
    for (;;)
        pecan_thread_suspend(self->tcb);
}

int pecan_thread_join(struct pecan_thread *thread, void **result)
{
    struct pecan_thread *self = pecan_thread_self();
    if (thread == self || thread == &main_thread)
        return -PECAN_EINVAL;
    int can_park = !pecan_thread_park_prepare(self);
    self->woken = 0;
    struct pecan_thread *expected = 0;
    if (!__atomic_compare_exchange_n(&thread->joiner, &expected, self, 0, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST))
        return -PECAN_EBUSY;   /* someone else joins it */
    while (!__atomic_load_n(&thread->finished, __ATOMIC_SEQ_CST)) {
        if (can_park)
            pecan_thread_park(self);
        else
            pecan_sleep_us(1);
    }
    /* It may still be on its way to its own SUSPEND on another CPU: stop it for sure
     * before its stack goes. */
    pecan_thread_suspend(thread->tcb);
    if (result)
        *result = thread->result;
    release_stack(thread);
    retire_tcb(thread);
    free(thread);
    return 0;
}
