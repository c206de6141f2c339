/* SPDX-License-Identifier: MIT */
/*
 * Thread creation, exit and join (pecan/thread.h).
 *
 * Create: a thread object from TASK CREATE_THREAD with a free UTCB slot, a stack dataspace from
 * the factory attached through the region map, the scheduler's RUN_THREAD (same priority as
 * the main thread, the program CPUs of pecan_sched_program_cpus taken in turn),
 * THREAD_SET_MCP (the main thread's MCP), then THREAD_START (pc thread_start, sp stack top, r0 the record). Exit (pecan_thread_exit or
 * a return from the entry function): the thread sets `finished` and wakes its joiner if
 * there is one, then suspends itself. Join: waits for `finished`, then TASK
 * DESTROY_THREAD stops the thread for sure and frees its thread object and UTCB page at moe
 * (the quota gets them back); the stack goes, the UTCB slot is free again and the record is
 * freed. There is no detach: a thread nobody joins keeps its thread object, UTCB and stack
 * until the task ends.
 *
 * Invariants: a live thread's record, thread object, UTCB slot and stack are its own; the park
 * notifications of joined threads wait in `parks` for the next threads (a notification
 * made through FACTORY is freed only with the factory, so making one per thread would
 * grow the factory's use with every thread), at most PARK_POOL_MAX of them.
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

#define PARK_POOL_MAX 16

static struct pecan_thread main_thread;
static pecan_cap_t parks[PARK_POOL_MAX];
static unsigned park_count;
static int park_lock;
static unsigned next_cpu;

void runtime_thread_init_main(void)
{
    main_thread.cap = PECAN_ENV_THREAD;
    main_thread.utcb_slot = 0;
    pecan_utcb()->user[PECAN_UTCB_USER_THREAD] = (pecan_word_t)&main_thread;
}

struct pecan_thread *pecan_thread_self(void)
{
    return (struct pecan_thread *)pecan_utcb()->user[PECAN_UTCB_USER_THREAD];
}

pecan_cap_t pecan_thread_cap(struct pecan_thread *thread)
{
    return thread->cap;
}

/* A park notification of a joined thread for t, if one is waiting: t need not make one
 * through the factory the first time it blocks. */
static void take_park(struct pecan_thread *t)
{
    spin_lock(&park_lock);
    if (park_count)
        t->park = parks[--park_count];
    spin_unlock(&park_lock);
}

/* Keeps t's park notification for the next thread, or releases it if the pool is full. */
static void keep_park(struct pecan_thread *t)
{
    if (!t->park)
        return;
    int kept = 0;
    spin_lock(&park_lock);
    if (park_count < PARK_POOL_MAX) {
        parks[park_count++] = t->park;
        kept = 1;
    }
    spin_unlock(&park_lock);
    if (!kept)
        pecan_cap_release(t->park);
    t->park = 0;
}

static int new_thread(struct pecan_thread *t)
{
    int err = pecan_utcb_slot_alloc(&t->utcb_slot);
    if (err)
        return err;
    err = pecan_cap_alloc(&t->cap);
    if (!err) {
        err = pecan_task_create_thread(PECAN_ENV_TASK, pecan_utcb_slot_address(t->utcb_slot),
                                       t->cap);
        if (err)
            pecan_cap_free(t->cap);
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

/* The next CPU in turn among those of mask (not empty), as a one-bit mask: a program's
 * threads spread over its CPUs in the order they are created. */
static pecan_word_t next_cpu_of(pecan_word_t mask)
{
    unsigned n = __atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED) %
                 (unsigned)__builtin_popcount(mask);
    while (n--)
        mask &= mask - 1;   /* drops the lowest CPU */
    return mask & -mask;
}

/* Priority and MCP of the main thread, and the next CPU in turn among the program CPUs
 * (pecan_sched_program_cpus: never the root server's while there is another, so a
 * flood of requests at moe does not stop the thread). The priority is at most the MCP:
 * RUN_THREAD refuses more, and the program's parent may have started the main thread
 * above its MCP. */
static void placement(unsigned *priority, unsigned *mcp, pecan_word_t *cpu_mask)
{
    unsigned prio = 100;
    pecan_word_t online = 0;
    pecan_sched_thread_info(PECAN_ENV_SCHEDULER, PECAN_ENV_THREAD, 0, &prio, 0);
    int limit = pecan_sched_thread_mcp(PECAN_ENV_SCHEDULER, PECAN_ENV_THREAD);
    pecan_sched_info(PECAN_ENV_SCHEDULER, 0, &online, 0);
    *mcp = limit > 0 ? (unsigned)limit : 0;
    *priority = prio < *mcp ? prio : *mcp;
    *cpu_mask = online ? next_cpu_of(pecan_sched_program_cpus(online)) : 1;
}

static int start(struct pecan_thread *t)
{
    unsigned priority, mcp;
    pecan_word_t mask;
    placement(&priority, &mcp, &mask);
    int err = pecan_sched_run_thread(PECAN_ENV_SCHEDULER, t->cap, priority, mask, 0);
    /* A new thread object has MCP 0: the main thread's limit, so the thread may create threads
     * too (the kernel lets no thread give more than its own). */
    if (!err)
        err = pecan_thread_set_mcp(t->cap, mcp);
    if (err)
        return err;
    return pecan_thread_start(t->cap, (pecan_word_t)thread_start, t->stack_base + t->stack_size,
                              (pecan_word_t)t);
}

/* Destroys t's thread at moe (stopping it wherever it runs): its thread object and UTCB page go
 * back to the quota and its UTCB slot is free again. If moe refuses, the thread stays
 * stopped where it is and its UTCB page stays taken until the task ends. */
static void destroy_thread(struct pecan_thread *t)
{
    int err = pecan_task_destroy_thread(PECAN_ENV_TASK, t->cap);
    if (err)
        pecan_thread_suspend(t->cap);
    pecan_cap_release(t->cap);
    if (!err)
        pecan_utcb_slot_free(t->utcb_slot);
    keep_park(t);
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
        err = new_thread(t);
    if (err) {
        runtime_reent_release(t);
        free(t);
        return err;
    }
    take_park(t);
    err = new_stack(t);
    if (!err)
        err = start(t);
    if (err) {
        destroy_thread(t);
        release_stack(t);
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
        pecan_thread_suspend(self->cap);
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
    if (result)
        *result = thread->result;
    /* It may still be on its way to its own SUSPEND on another CPU: destroying it stops it
     * for sure before its stack goes. */
    destroy_thread(thread);
    release_stack(thread);
    free(thread);
    return 0;
}
