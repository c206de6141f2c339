/* SPDX-License-Identifier: MIT */
/*
 * moefuzz's reaper (fuzz.h): a thread of the director that takes things away from the
 * workers while they fuzz. Each round it picks an object from the board (a worker's fuzz
 * object) and destroys or empties it: DESTROYs a fuzz factory through the director's own
 * factory (an ancestor: director -> arena -> worker -> fuzz factory), terminates a
 * scratch task, detaches in a scratch region map, clears or reallocates a dataspace,
 * unlinks namespace entries, makes objects through another party's factory and drops
 * them; then deletes its own copy. Now and then it pulls the board out of a worker's
 * capability space (the director holds the workers' CNodes through the children library) and
 * puts it back a few rounds later, so the worker's calls through it fail in between.
 *
 * It owns its slots and its counts. It never ends by itself: reaper_stop makes it idle
 * (its thread is not joined, so its stack, charged to the director, stays where the
 * director's baseline saw it).
 */
#include <stdio.h>
#include <string.h>
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/children.h>
#include <pecan/namespace.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/task.h>
#include <pecan/thread.h>
#include "fuzz.h"

#define ROUND_PAUSE_US 1000u         /* one round per tick: the workers get their turn */
#define ACTIONS_PER_ROUND 3u
#define DESTROY_PERCENT 15u          /* of the factories it picks */
#define BOARD_PULL_PERCENT 2u        /* of the rounds */
#define BOARD_AWAY_ROUNDS 5u
#define BOARD_LIST_MAX 40u           /* 4 workers' 8 objects and what the fuzz put there */
#define NAME_SIZE 32u
#define DETACHES 4u
#define IDLE_US 100000u
#define STACK_WARM_BYTES (32u * 1024u)
#define REGION_SPAN 0x60000000u      /* detaches fall anywhere in a task's low space */
#define REAPER_PARTY 0u              /* workers are 1 and up */
#define REAPER_PRIORITY 120u         /* workers run at 100, moe at 200 */
#define REAPER_CPUS 1u               /* CPU 0 */

struct reaper {
    struct rng rng;                   /* this round's: (seed, reaper, round) */
    uint32_t seed, round;
    pecan_cap_t board;
    struct children *children;
    struct pecan_mutex *lock;
    pecan_cap_t slot, made;
    struct pecan_thread *thread;
    unsigned board_away;              /* rounds left until the pulled board goes back */
    int ready, go, stop, stopped;
    uint32_t actions, destroys;
};

static struct reaper the_reaper;

/* ---- the board's objects ----------------------------------------------------------------- */

/* A random board entry into r->slot; its kind, or K_COUNT if there was none. */
static enum kind take(struct reaper *r)
{
    char name[NAME_SIZE];
    unsigned flags;
    pecan_cnode_delete(PECAN_ENV_CNODE, r->slot, FUZZ_DEPTH);
    if (pecan_ns_list(r->board, rng_below(&r->rng, BOARD_LIST_MAX), name, sizeof(name),
                      &flags) != 0)
        return K_COUNT;
    if (pecan_ns_query_path(r->board, name, r->slot) != 0)
        return K_COUNT;
    return kind_identify(r->slot, kind_of_board_name(name));
}

static void drop_made(struct reaper *r)
{
    pecan_cnode_delete(PECAN_ENV_CNODE, r->made, FUZZ_DEPTH);
}

/* DESTROY through our own factory (every worker factory descends from it), or objects
 * made through it and dropped at once. */
static void reap_factory(struct reaper *r)
{
    if (rng_percent(&r->rng, DESTROY_PERCENT)) {
        if (pecan_factory_destroy(PECAN_ENV_FACTORY, r->slot) == 0)
            r->destroys++;
        return;
    }
    switch (rng_below(&r->rng, 3)) {
    case 0: pecan_factory_create_namespace(r->slot, r->made); break;
    case 1: pecan_factory_create_dataspace(r->slot, grid_size(&r->rng, 4 * FUZZ_PAGE), 0, 0,
                                           r->made, 0); break;
    default: pecan_factory_create_gate(r->slot, r->made); break;   /* stays with it */
    }
    drop_made(r);
}

static void reap_dataspace(struct reaper *r)
{
    struct pecan_dataspace_info info;
    if (pecan_dataspace_info(r->slot, &info) != 0)
        return;
    pecan_word_t offset = grid_offset(&r->rng, info.size);
    pecan_word_t size = grid_size(&r->rng, info.size);
    if (rng_percent(&r->rng, 50))
        pecan_dataspace_clear(r->slot, offset, size);
    else
        pecan_dataspace_allocate(r->slot, offset, size);
}

static void reap_region_map(struct reaper *r)
{
    for (unsigned i = 0; i < DETACHES; i++)
        pecan_rm_detach(r->slot, rng_below(&r->rng, REGION_SPAN) & ~(FUZZ_PAGE - 1), 0, 0);
}

/* Unlinks a random entry (the name is listed first, so it exists). */
static void reap_namespace(struct reaper *r)
{
    char name[NAME_SIZE];
    unsigned flags;
    if (pecan_ns_list(r->slot, rng_below(&r->rng, BOARD_LIST_MAX), name, sizeof(name),
                      &flags) == 0)
        pecan_ns_unlink(r->slot, name);
}

static void reap_one(struct reaper *r)
{
    switch (take(r)) {
    case K_FACTORY: reap_factory(r); break;
    case K_TASK: pecan_task_terminate(r->slot); break;
    case K_DATASPACE: reap_dataspace(r); break;
    case K_REGION_MAP: reap_region_map(r); break;
    case K_NAMESPACE: reap_namespace(r); break;
    default: return;   /* logs, or nothing on the board */
    }
    r->actions++;
    pecan_cnode_delete(PECAN_ENV_CNODE, r->slot, FUZZ_DEPTH);
}

/* ---- the workers' board capabilities ----------------------------------------------------- */

/* The board out of (away) or back into every live worker's space, at its slot. */
static void move_boards(struct reaper *r, bool away)
{
    pecan_mutex_lock(r->lock);
    for (unsigned i = 0; i < CHILDREN_MAX; i++) {
        struct child *c = r->children->child[i];
        if (!c || c->exited)
            continue;
        if (away)
            pecan_cnode_delete(c->task.cnode, FUZZ_BOARD_SLOT, FUZZ_DEPTH);
        else
            pecan_cnode_copy(c->task.cnode, FUZZ_BOARD_SLOT, FUZZ_DEPTH, PECAN_ENV_CNODE,
                             r->board, FUZZ_DEPTH, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT);
    }
    pecan_mutex_unlock(r->lock);
    r->actions++;
}

static void round_of_board(struct reaper *r)
{
    if (r->board_away) {
        if (--r->board_away == 0)
            move_boards(r, false);
    } else if (rng_percent(&r->rng, BOARD_PULL_PERCENT)) {
        move_boards(r, true);
        r->board_away = BOARD_AWAY_ROUNDS;
    }
}

/* ---- the thread -------------------------------------------------------------------------- */

/* On moe's CPU 0, where no worker runs, above the workers: its calls to moe need no other
 * CPU (a run of 244 s took 33,690 actions there, about four times what it took beside a
 * worker on the last CPU); it only waits while moe is busy, and nothing waits for it. */
static void take_place(void)
{
    pecan_sched_run_thread(PECAN_ENV_SCHEDULER, pecan_thread_cap(pecan_thread_self()),
                           REAPER_PRIORITY, REAPER_CPUS, 0);
}

/* Its stack pages and park notification exist before the director's baseline. */
static void warm_up(struct reaper *r)
{
    volatile char stack[STACK_WARM_BYTES];
    for (unsigned i = 0; i < sizeof(stack); i += FUZZ_PAGE / 8)
        stack[i] = 1;
    pecan_thread_park_prepare(pecan_thread_self());
    __atomic_store_n(&r->ready, 1, __ATOMIC_RELEASE);
}

static void *reaper_thread(void *arg)
{
    struct reaper *r = arg;
    take_place();
    warm_up(r);
    while (!__atomic_load_n(&r->go, __ATOMIC_ACQUIRE))
        pecan_sleep_us(ROUND_PAUSE_US);
    while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
        rng_seed(&r->rng, r->seed, REAPER_PARTY, ++r->round);
        for (unsigned i = 0; i < ACTIONS_PER_ROUND; i++)
            reap_one(r);
        round_of_board(r);
        pecan_sleep_us(ROUND_PAUSE_US);
    }
    if (r->board_away)
        move_boards(r, false);
    pecan_cnode_delete(PECAN_ENV_CNODE, r->slot, FUZZ_DEPTH);
    __atomic_store_n(&r->stopped, 1, __ATOMIC_RELEASE);
    for (;;)
        pecan_sleep_us(IDLE_US);
    return 0;   /* never: the thread stays (see the head of this file) */
}

struct reaper *reaper_start(uint32_t seed, struct children *children,
                            struct pecan_mutex *children_lock)
{
    struct reaper *r = &the_reaper;
    r->seed = seed;
    r->children = children;
    r->lock = children_lock;
    if (pecan_cap_alloc(&r->slot) != 0 || pecan_cap_alloc(&r->made) != 0)
        return 0;
    if (pecan_thread_create(&r->thread, reaper_thread, r) != 0)
        return 0;
    while (!__atomic_load_n(&r->ready, __ATOMIC_ACQUIRE))
        pecan_sleep_us(ROUND_PAUSE_US);
    return r;
}

void reaper_go(struct reaper *r, pecan_cap_t board)
{
    r->board = board;
    __atomic_store_n(&r->go, 1, __ATOMIC_RELEASE);
}

uint32_t reaper_stop(struct reaper *r, uint32_t *destroys)
{
    __atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&r->stopped, __ATOMIC_ACQUIRE))
        pecan_sleep_us(ROUND_PAUSE_US);
    *destroys = r->destroys;
    printf("moefuzz: reaper: %u rounds\n", (unsigned)r->round);
    return r->actions;
}
