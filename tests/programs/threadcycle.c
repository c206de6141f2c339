/* SPDX-License-Identifier: MIT */
/*
 * threadcycle: threads exit and are destroyed one by one, their memory returned (TASK
 * DESTROY_THREAD, l4re/thread). Run as moe's init program (tests/programs/CMakeLists.txt).
 *
 * - cycles: 1,000 create/exit/join cycles, half ending with pecan_thread_exit and half
 *   returning from the entry function, each result checked. Afterwards the factory's
 *   `used` (FACTORY INFO), moe's free memory and the task's thread count and bytes (TASK
 *   INFO) are exactly what they were before.
 * - crowd: 100 rounds of 8 threads at once that wait for each other on a condition
 *   variable, then contend for a mutex (so each blocks on its park notification, which
 *   the runtime keeps for the next threads), the same figures exact afterwards.
 * - hostile: DESTROY_THREAD refuses a thread of another task (EINVAL, through either
 *   task), a capability that is no thread object (EINVAL), a stale copy of a destroyed thread
 *   object (an error), and the main thread through a read-only copy of the task (EPERM); the
 *   threads named stay alive.
 *
 * Prints "threadcycle: <case>: ok" per case and exits with the number of failed checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <pecan/factory.h>
#include <pecan/namespace.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/task.h>
#include <pecan/testkit.h>
#include <pecan/thread.h>

#define CYCLES 1000
#define ROUNDS 100
#define CROWD 8
#define ADDS 200
#define SETTLE_TRIES 200   /* of 10 ms: moe frees a released stack on its no-clients
                              notification, which may come after our next call */

static int failures;

struct figures {
    pecan_word_t used, moe_free, threads, task_bytes;
};

static void check(const char *name, int ok, const char *what, long value)
{
    if (!ok) {
        printf("threadcycle: %s: FAILED: %s (%ld)\n", name, what, value);
        failures++;
    }
}

static struct figures figures(void)
{
    struct figures f = { 0 };
    struct pecan_factory_info info = { 0 };
    pecan_factory_info(PECAN_ENV_FACTORY, &info);
    f.used = info.used;
    f.moe_free = info.free_ram;
    pecan_task_info(PECAN_ENV_TASK, &f.threads, &f.task_bytes);
    return f;
}

static int same(const struct figures *a, const struct figures *b)
{
    return a->used == b->used && a->moe_free == b->moe_free && a->threads == b->threads &&
           a->task_bytes == b->task_bytes;
}

/* The figures once they are back at base (or the last ones after SETTLE_TRIES). */
static struct figures settled(const struct figures *base)
{
    struct figures now = figures();
    for (unsigned i = 0; i < SETTLE_TRIES && !same(&now, base); i++) {
        pecan_sleep_us(10000);
        now = figures();
    }
    return now;
}

static void check_back(const char *name, const struct figures *base)
{
    struct figures now = settled(base);
    printf("threadcycle: %s: factory used %lu (before %lu), moe free %lu (before %lu), "
           "%lu threads holding %lu bytes (before %lu, %lu)\n", name,
           (unsigned long)now.used, (unsigned long)base->used, (unsigned long)now.moe_free,
           (unsigned long)base->moe_free, (unsigned long)now.threads,
           (unsigned long)now.task_bytes, (unsigned long)base->threads,
           (unsigned long)base->task_bytes);
    check(name, now.used == base->used, "factory used not back", (long)(now.used - base->used));
    check(name, now.moe_free == base->moe_free, "moe's free memory not back",
          (long)(now.moe_free - base->moe_free));
    check(name, now.threads == base->threads && now.task_bytes == base->task_bytes,
          "the task's threads not back", (long)now.threads);
}

/* ---- cycles ----------------------------------------------------------------------------- */

static void *returns(void *arg)
{
    return arg;
}

static void *exits(void *arg)
{
    pecan_thread_exit(arg);
}

static int one_cycle(unsigned i)
{
    struct pecan_thread *t;
    void *result = 0;
    int err = pecan_thread_create(&t, i % 2 ? exits : returns, (void *)(uintptr_t)i);
    if (!err)
        err = pecan_thread_join(t, &result);
    if (!err && result != (void *)(uintptr_t)i)
        err = -PECAN_EINVAL;
    return err;
}

static void cycles(void)
{
    int err = one_cycle(0);   /* warm-up: the runtime's one-time costs (heap, slots) */
    struct figures base = figures();
    unsigned done = 0;
    for (; done < CYCLES && !err; done++)
        err = one_cycle(done + 1);
    check("cycles", !err, "create or join failed", err);
    printf("threadcycle: cycles: %u create/exit/join cycles\n", done);
    check_back("cycles", &base);
}

/* ---- crowd ------------------------------------------------------------------------------ */

static struct pecan_mutex lock = PECAN_MUTEX_INIT;
static struct pecan_cond all_here = PECAN_COND_INIT, start_gate = PECAN_COND_INIT;
static unsigned arrived, counter;
static int go;

/* Every thread of a round waits here until all have arrived, so each one blocks (and
 * needs its park notification) in every round, the warm-up included. */
static void wait_for_start(void)
{
    pecan_mutex_lock(&lock);
    arrived++;
    pecan_cond_signal(&all_here);
    while (!go)
        pecan_cond_wait(&start_gate, &lock);
    pecan_mutex_unlock(&lock);
}

static void *adder(void *arg)
{
    wait_for_start();
    for (unsigned i = 0; i < ADDS; i++) {
        pecan_mutex_lock(&lock);
        unsigned c = counter;
        if (i % 16 == 0)
            pecan_sleep_us(0);   /* give the others a chance to queue on the mutex */
        counter = c + 1;
        pecan_mutex_unlock(&lock);
    }
    return arg;
}

static void start_all(unsigned made)
{
    pecan_mutex_lock(&lock);
    while (arrived < made)
        pecan_cond_wait(&all_here, &lock);
    go = 1;
    pecan_cond_broadcast(&start_gate);
    pecan_mutex_unlock(&lock);
}

static int one_round(void)
{
    struct pecan_thread *t[CROWD];
    unsigned made = 0;
    int err = 0;
    counter = arrived = 0;
    go = 0;
    for (; made < CROWD && !err; made++)
        if ((err = pecan_thread_create(&t[made], adder, 0)) != 0)
            break;
    start_all(made);
    for (unsigned i = 0; i < made; i++) {
        int e = pecan_thread_join(t[i], 0);
        if (!err)
            err = e;
    }
    if (!err && counter != CROWD * ADDS)
        err = -PECAN_ERANGE;
    return err;
}

static void crowd(void)
{
    int err = one_round();   /* warm-up: the park notifications the runtime keeps */
    struct figures base = figures();
    unsigned done = 0;
    for (; done < ROUNDS && !err; done++)
        err = one_round();
    check("crowd", !err, "a round failed", err);
    printf("threadcycle: crowd: %u rounds of %u threads\n", done, CROWD);
    check_back("crowd", &base);
}

/* ---- hostile ---------------------------------------------------------------------------- */

/* A read-only copy of one of moe's objects: registered in a namespace, queried back. */
static pecan_cap_t read_only_copy(pecan_cap_t cap)
{
    pecan_cap_t ns = testkit_slot(), ro = testkit_slot();
    int err = pecan_factory_create_namespace(PECAN_ENV_FACTORY, ns);
    if (!err)
        err = pecan_ns_register(ns, "task", cap, 0);
    if (!err)
        err = pecan_ns_query_path(ns, "task", ro);
    pecan_cap_release(ns);
    return err ? 0 : ro;
}

static pecan_word_t threads_of(pecan_cap_t task)
{
    pecan_word_t threads = 0;
    pecan_task_info(task, &threads, 0);
    return threads;
}

static void *idle(void *arg)
{
    volatile int *stop = arg;
    while (!*stop)
        pecan_sleep_us(1000);
    return 0;
}

/* A thread of another task: a task made through the factory, with one thread never run. */
static void other_task(void)
{
    struct pecan_factory_task other = { testkit_slot(), testkit_slot(), testkit_slot(),
                                        testkit_slot() };
    pecan_cap_t other_thread = testkit_slot();
    int err = pecan_factory_create_task(PECAN_ENV_FACTORY, &other);
    if (!err)
        err = pecan_task_create_thread(other.task, PECAN_ENV_UTCB_AREA, other_thread);
    if (err) {
        check("hostile", 0, "setting up another task", err);
        return;
    }
    err = pecan_task_destroy_thread(PECAN_ENV_TASK, other_thread);
    check("hostile", err == -PECAN_EINVAL, "another task's thread destroyed through ours", err);
    check("hostile", threads_of(other.task) == 1, "the other task lost its thread",
          (long)threads_of(other.task));
    err = pecan_task_destroy_thread(other.task, PECAN_ENV_THREAD);
    check("hostile", err == -PECAN_EINVAL, "our main thread destroyed through another task", err);
    err = pecan_task_destroy_thread(PECAN_ENV_TASK, PECAN_ENV_FACTORY);
    check("hostile", err == -PECAN_EINVAL, "a capability that is no thread object accepted", err);
    pecan_task_terminate(other.task);
    pecan_cap_release(other_thread);
    pecan_cap_release(other.task);
    pecan_cap_release(other.cnode);
    pecan_cap_release(other.region_map);
    pecan_cap_release(other.vspace);
}

/* A copy of a joined thread object went with the thread: it names nothing any more. */
static void stale_copy(void)
{
    static volatile int stop = 1;
    struct pecan_thread *t;
    pecan_cap_t copy = testkit_slot();
    int err = pecan_thread_create(&t, idle, (void *)&stop);
    if (!err)
        err = pecan_cnode_copy(PECAN_ENV_CNODE, copy, 32, PECAN_ENV_CNODE, pecan_thread_cap(t),
                               32, PECAN_RIGHTS_ALL);
    if (!err)
        err = pecan_thread_join(t, 0);
    if (err) {
        check("hostile", 0, "setting up a stale copy", err);
        return;
    }
    pecan_word_t before = threads_of(PECAN_ENV_TASK);
    err = pecan_task_destroy_thread(PECAN_ENV_TASK, copy);
    check("hostile", err != 0, "a destroyed thread's stale thread object copy accepted", err);
    check("hostile", threads_of(PECAN_ENV_TASK) == before, "a thread went", (long)before);
    pecan_cap_release(copy);
}

/* The main thread (and a running thread) through a read-only copy of the task: EPERM. */
static void read_only_task(void)
{
    static volatile int stop;
    pecan_cap_t ro = read_only_copy(PECAN_ENV_TASK);
    struct pecan_thread *t;
    if (!ro || pecan_thread_create(&t, idle, (void *)&stop) != 0) {
        check("hostile", 0, "setting up a read-only task copy", 0);
        return;
    }
    pecan_word_t before = threads_of(PECAN_ENV_TASK);
    int err = pecan_task_destroy_thread(ro, PECAN_ENV_THREAD);
    check("hostile", err == -PECAN_EPERM, "main thread destroyed through a read-only copy", err);
    err = pecan_task_destroy_thread(ro, pecan_thread_cap(t));
    check("hostile", err == -PECAN_EPERM, "a thread destroyed through a read-only copy", err);
    check("hostile", threads_of(PECAN_ENV_TASK) == before, "a thread went", (long)before);
    stop = 1;
    err = pecan_thread_join(t, 0);
    check("hostile", err == 0, "the thread named could not be joined", err);
    pecan_cap_release(ro);
}

static void hostile(void)
{
    other_task();
    stale_copy();
    read_only_task();
}

/* Runs a case and says "ok" if none of its checks failed. */
static void run(const char *name, void (*test)(void))
{
    int before = failures;
    test();
    if (failures == before)
        printf("threadcycle: %s: ok\n", name);
}

int main(void)
{
    run("cycles", cycles);
    run("crowd", crowd);
    run("hostile", hostile);
    printf("threadcycle: %d checks failed\n", failures);
    return failures;
}
