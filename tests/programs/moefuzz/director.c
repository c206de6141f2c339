/* SPDX-License-Identifier: MIT */
/*
 * moefuzz's director (fuzz.h; docs/testing.md, "moefuzz"): the program moe starts. It
 * owns the run: an arena factory that everything of the run is made through (the board
 * namespace the parties share, the children library's gates, each worker's factory), the
 * workers (the same program, started with `worker <index> <seed> <messages> <seconds>`), the
 * reaper thread, and the tally page the workers leave their counts in.
 *
 * Command line: moefuzz [seed=N] [messages=N] [seconds=N] [workers=N]: each worker stops
 * after `messages` messages or `seconds` seconds, whichever comes first.
 *
 * At the end, with every worker gone, each worker factory and then the arena DESTROYed
 * through the director's own factory: that factory's quota, use and objects, moe's free
 * RAM and what moe's own quota holds must be what they were before the first worker
 * started; then moe must still make a dataspace and resolve a fault in it. It prints
 * `moefuzz: result parties=P messages=N ... problems=N seed=N` (for ./pecan soak) and
 * `moefuzz: N messages from W workers and R reaper actions, accounting exact`, or lines
 * with FAILED, and exits 0 or 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/children.h>
#include <pecan/namespace.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/thread.h>
#include "fuzz.h"

#define DEFAULT_SEED 0x5eed1234u
#define DEFAULT_MESSAGES 30000u
#define DEFAULT_SECONDS 30u
#define DEFAULT_WORKERS 4u
#define WORKER_QUOTA (8u << 20)
#define ARENA_EXTRA (1u << 20)        /* the board, the children library's notification and
                                         gates */
#define PROGRAM "rom/moefuzz.elf"
#define ARG_SIZE 16u
#define HEAP_WARM_BYTES (64u * 1024u)
#define STACK_WARM_BYTES (32u * 1024u)
#define ACCOUNTING_TRIES 300u         /* no-clients frees and moe's reaping come after */
#define ACCOUNTING_WAIT_US 10000u
#define CHECK_DATASPACE (64u * 1024u)

struct options {
    uint32_t seed, messages, seconds, workers;
};

struct run {
    struct options options;
    struct children children;
    struct pecan_mutex children_lock;
    struct reaper *reaper;
    pecan_cap_t arena, board, tally;
    pecan_cap_t worker_factory[FUZZ_MAX_WORKERS];
    struct child *child[FUZZ_MAX_WORKERS];
    int status[FUZZ_MAX_WORKERS];
    unsigned started;
    volatile struct tally *tallies;
    unsigned problems;
};

static struct run run;

static void problem(const char *what, long value)
{
    printf("moefuzz: %s (%ld) (FAILED)\n", what, value);
    run.problems++;
}

static pecan_cap_t new_slot(void)
{
    pecan_cap_t slot = 0;
    if (pecan_cap_alloc(&slot) != 0)
        problem("out of capability slots", 0);
    return slot;
}

/* ---- options ----------------------------------------------------------------------------- */

static void parse_options(int argc, char **argv, struct options *o)
{
    *o = (struct options){ DEFAULT_SEED, DEFAULT_MESSAGES, DEFAULT_SECONDS, DEFAULT_WORKERS };
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq)
            continue;
        uint32_t value = (uint32_t)strtoul(eq + 1, 0, 0);
        if (strncmp(argv[i], "seed=", 5) == 0)
            o->seed = value;
        else if (strncmp(argv[i], "messages=", 9) == 0)
            o->messages = value;
        else if (strncmp(argv[i], "seconds=", 8) == 0)
            o->seconds = value;
        else if (strncmp(argv[i], "workers=", 8) == 0)
            o->workers = value;
    }
    if (o->workers < 1)
        o->workers = 1;
    if (o->workers > FUZZ_MAX_WORKERS)
        o->workers = FUZZ_MAX_WORKERS;
}

/* ---- before the baseline ----------------------------------------------------------------- */

/* The children library maps each program file into our space while it loads it: the page tables
 * for that range are made once and kept, so they are made now. */
static int warm_up_loading(void)
{
    pecan_cap_t image = new_slot();
    struct pecan_dataspace_info info;
    int err = pecan_ns_query_path(pecan_env_cap(FUZZ_CAP_ROM_NAME), "moefuzz.elf", image);
    if (!err)
        err = pecan_dataspace_info(image, &info);
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &at, info.size,
                              PECAN_MAP_READ | PECAN_RM_SEARCH_ADDRESS, image, 0);
    if (!err)
        err = pecan_rm_detach(PECAN_ENV_RM, at, 0, 0);
    pecan_cap_release(image);
    return err;
}

static void warm_up_memory(void)
{
    char *heap = malloc(HEAP_WARM_BYTES);
    if (heap)
        memset(heap, 1, HEAP_WARM_BYTES);
    free(heap);
    volatile char stack[STACK_WARM_BYTES];
    for (unsigned i = 0; i < sizeof(stack); i += FUZZ_PAGE / 8)
        stack[i] = 1;
    pecan_thread_park_prepare(pecan_thread_self());
}

/* The tally page: ours (before the baseline), attached here and in every worker. */
static int make_tally(void)
{
    run.tally = new_slot();
    int err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, FUZZ_PAGE, 0, 0, run.tally, 0);
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &at, FUZZ_PAGE,
                              PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_RM_SEARCH_ADDRESS,
                              run.tally, 0);
    if (!err) {
        run.tallies = (volatile struct tally *)(uintptr_t)at;
        memset((void *)run.tallies, 0, FUZZ_PAGE);
    }
    return err;
}

static int prepare(void)
{
    /* It serves the workers' parent objects: off moe's CPU (fuzz.h), at its priority. */
    unsigned priority = 0;
    pecan_sched_thread_info(PECAN_ENV_SCHEDULER, PECAN_ENV_THREAD, 0, &priority, 0);
    fuzz_move_to_last_cpu(PECAN_ENV_THREAD, priority);
    warm_up_memory();   /* device memory needs nothing: moe maps it all at start-up */
    pecan_mutex_init(&run.children_lock);
    int err = make_tally();
    if (!err)
        err = warm_up_loading();
    if (!err && !(run.reaper = reaper_start(run.options.seed, &run.children,
                                            &run.children_lock)))
        err = -PECAN_ENOMEM;
    return err;
}

/* ---- the run ----------------------------------------------------------------------------- */

static int make_arena(void)
{
    run.arena = new_slot();
    run.board = new_slot();
    int err = pecan_factory_create_named_factory(
        PECAN_ENV_FACTORY, run.options.workers * WORKER_QUOTA + ARENA_EXTRA, "arena", run.arena);
    if (!err)
        err = children_init(&run.children, run.arena);
    if (!err)
        err = pecan_factory_create_namespace(run.arena, run.board);
    return err;
}

static int start_worker(unsigned i)
{
    char name[ARG_SIZE], index[ARG_SIZE], seed[ARG_SIZE], messages[ARG_SIZE], seconds[ARG_SIZE];
    snprintf(name, sizeof(name), "worker%u", i);
    snprintf(index, sizeof(index), "%u", i);
    snprintf(seed, sizeof(seed), "%u", (unsigned)run.options.seed);
    snprintf(messages, sizeof(messages), "%u", (unsigned)run.options.messages);
    snprintf(seconds, sizeof(seconds), "%u", (unsigned)run.options.seconds);
    const char *argv[] = { "moefuzz", "worker", index, seed, messages, seconds };
    /* The board first: it lands at FUZZ_BOARD_SLOT, where the reaper pulls it. Worker 0
     * fuzzes device memory too. */
    const unsigned rights = PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT;
    struct child_cap caps[] = {
        { FUZZ_CAP_BOARD_NAME, run.board, rights },
        { FUZZ_CAP_TALLY_NAME, run.tally, rights },
        { FUZZ_CAP_ROM_NAME, pecan_env_cap(FUZZ_CAP_ROM_NAME), rights },
        { "iomem", pecan_env_cap("iomem"), rights },
    };
    unsigned cap_count = sizeof(caps) / sizeof(caps[0]);
    if (i != 0 || !caps[cap_count - 1].cap)
        cap_count--;   /* iomem: worker 0's only */
    run.worker_factory[i] = new_slot();
    int err = pecan_factory_create_named_factory(run.arena, WORKER_QUOTA, name,
                                                 run.worker_factory[i]);
    if (err)
        return err;
    struct child_spec spec = {
        .path = PROGRAM, .argc = sizeof(argv) / sizeof(argv[0]), .argv = argv,
        .factory = run.worker_factory[i], .scheduler = PECAN_ENV_SCHEDULER,
        .log = PECAN_ENV_LOG, .cap_count = cap_count, .caps = caps,
    };
    const char *why = 0;
    err = children_start(&run.children, &spec, &run.child[i], &why);
    if (err)
        printf("moefuzz: worker %u: %s\n", i, why ? why : "cannot start");
    return err;
}

static unsigned worker_of(const struct child *c)
{
    for (unsigned i = 0; i < run.options.workers; i++)
        if (run.child[i] == c)
            return i;
    return FUZZ_MAX_WORKERS;
}

/* Serves the workers' parent objects until each has ended; each one's factory is
 * DESTROYed as it goes (as ned does with a child's quota). */
static void wait_for_workers(void)
{
    for (unsigned left = run.started; left > 0;) {
        struct child *c;
        if (children_wait(&run.children, 0, &c) != 0)
            continue;
        unsigned i = worker_of(c);
        if (i == FUZZ_MAX_WORKERS)
            continue;
        run.status[i] = c->status;
        pecan_mutex_lock(&run.children_lock);
        children_release(&run.children, c);
        run.child[i] = 0;
        pecan_mutex_unlock(&run.children_lock);
        int err = pecan_factory_destroy(PECAN_ENV_FACTORY, run.worker_factory[i]);
        if (err)
            problem("DESTROY of a worker's factory", err);
        pecan_cap_release(run.worker_factory[i]);
        left--;
    }
}

/* ---- the end ----------------------------------------------------------------------------- */

static bool same(const struct pecan_factory_info *a, const struct pecan_factory_info *b)
{
    return a->quota == b->quota && a->used == b->used && a->objects == b->objects &&
           a->free_ram == b->free_ram && a->moe_own == b->moe_own;
}

static void print_info(const char *when, const struct pecan_factory_info *i)
{
    printf("moefuzz: %s: quota %u, used %u, objects %u, moe free RAM %u, moe's own %u\n", when,
           (unsigned)i->quota, (unsigned)i->used, (unsigned)i->objects, (unsigned)i->free_ram,
           (unsigned)i->moe_own);
}

static void check_accounting(const struct pecan_factory_info *before)
{
    struct pecan_factory_info after = { 0 };
    for (unsigned i = 0; i < ACCOUNTING_TRIES; i++) {
        int err = pecan_factory_info(PECAN_ENV_FACTORY, &after);
        if (err) {
            problem("moe did not answer FACTORY INFO", err);
            return;
        }
        if (same(before, &after))
            return;
        pecan_sleep_us(ACCOUNTING_WAIT_US);
    }
    print_info("after", &after);
    problem("accounting not back to the figures from before", 0);
}

/* moe still makes memory and resolves a fault in it. */
static void check_moe_serves(void)
{
    pecan_cap_t ds = new_slot();
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    int err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, CHECK_DATASPACE, 0, 0, ds, 0);
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &at, CHECK_DATASPACE,
                              PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_RM_SEARCH_ADDRESS, ds, 0);
    if (!err) {
        volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)at;
        *word = 0x5eed;
        err = *word == 0x5eed ? pecan_rm_detach(PECAN_ENV_RM, at, 0, 0) : -PECAN_EINVAL;
    }
    pecan_cap_release(ds);
    if (err)
        problem("moe did not make a dataspace and resolve a fault in it", err);
}

/* The workers' counts: each must have left its line. */
static struct tally sum_tallies(void)
{
    struct tally sum = { 0 };
    for (unsigned i = 0; i < run.options.workers; i++) {
        volatile struct tally *t = &run.tallies[i];
        if (__atomic_load_n(&t->done, __ATOMIC_ACQUIRE) != TALLY_DONE || run.status[i] != 0) {
            printf("moefuzz: worker %u ended with status %d\n", i, run.status[i]);
            problem("a worker failed or left no counts", run.status[i]);
        }
        sum.messages += t->messages;
        sum.errors += t->errors;
        sum.successes += t->successes;
        sum.timeouts += t->timeouts;
        sum.gone += t->gone;
        sum.item_failures += t->item_failures;
        sum.bad_replies += t->bad_replies;
        sum.remade += t->remade;
        sum.problems += t->problems;
    }
    return sum;
}

static void report(const struct tally *sum, uint32_t actions, uint32_t destroys)
{
    printf("moefuzz: result parties=%u messages=%u errors=%u successes=%u gone=%u "
           "timeouts=%u bad=%u reaper=%u destroys=%u remade=%u problems=%u seed=%u\n",
           (unsigned)run.options.workers + 1, (unsigned)sum->messages, (unsigned)sum->errors,
           (unsigned)sum->successes, (unsigned)sum->gone, (unsigned)sum->timeouts,
           (unsigned)sum->bad_replies, (unsigned)actions, (unsigned)destroys,
           (unsigned)sum->remade, (unsigned)(sum->problems + run.problems),
           (unsigned)run.options.seed);
    if (run.problems == 0 && sum->problems == 0)
        printf("moefuzz: %u messages from %u workers and %u reaper actions, accounting exact\n",
               (unsigned)sum->messages, (unsigned)run.options.workers, (unsigned)actions);
}

static int direct(void)
{
    printf("moefuzz: seed %u, %u workers, up to %u messages or %u s each\n",
           (unsigned)run.options.seed, (unsigned)run.options.workers,
           (unsigned)run.options.messages, (unsigned)run.options.seconds);
    int err = prepare();
    if (err) {
        problem("preparing", err);
        return 1;
    }
    struct pecan_factory_info before;
    if ((err = pecan_factory_info(PECAN_ENV_FACTORY, &before)) != 0) {
        problem("FACTORY INFO before", err);
        return 1;
    }
    print_info("before", &before);
    if ((err = make_arena()) != 0) {
        problem("making the arena", err);
        return 1;
    }
    for (unsigned i = 0; i < run.options.workers && !err; i++)
        if ((err = start_worker(i)) == 0)
            run.started++;
    if (err)
        problem("starting the workers", err);
    reaper_go(run.reaper, run.board);
    wait_for_workers();
    uint32_t destroys, actions = reaper_stop(run.reaper, &destroys);
    if ((err = pecan_factory_destroy(PECAN_ENV_FACTORY, run.arena)) != 0)
        problem("DESTROY of the arena", err);
    pecan_cap_release(run.arena);
    pecan_cap_release(run.board);
    struct tally sum = sum_tallies();
    check_accounting(&before);
    check_moe_serves();
    report(&sum, actions, destroys);
    return run.problems || sum.problems ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 6 && strcmp(argv[1], "worker") == 0) {
        struct worker_options o = {
            .index = (unsigned)strtoul(argv[2], 0, 0), .seed = (uint32_t)strtoul(argv[3], 0, 0),
            .messages = (uint32_t)strtoul(argv[4], 0, 0),
            .seconds = (uint32_t)strtoul(argv[5], 0, 0),
        };
        return worker_main(&o);
    }
    parse_options(argc, argv, &run.options);
    return direct();
}
