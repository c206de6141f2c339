/* SPDX-License-Identifier: MIT */
/*
 * A moefuzz worker (fuzz.h): one fuzzing party, a task of its own that the director
 * started with a factory of its own. It owns:
 *
 *   - its fuzz objects, made through a fuzz factory (fz) of its factory and put on the
 *     board for the others: fz itself, a sub-factory of fz, a scratch task and its region
 *     map, an anonymous and a contiguous dataspace, a namespace, a log. When the reaper
 *     (or anybody) destroys fz they all go; the worker notices at its next sanity call and
 *     makes them again.
 *   - slots for other parties' objects, taken from the board now and then.
 *   - its own environment (factory, task, region map, log, parent, and iomem for worker
 *     0), fuzzed too, through a filter that keeps it alive (messages.c, make_safe).
 *
 * What must hold: every call returns (a timeout is counted and shown, not fatal); replies
 * are known errors, or success only for the target's own protocol; a call to another
 * party's object may find it gone (the IPC says so) but one to its own environment may
 * not; moe answers a sanity call every SANITY_EVERY messages; and at the end, fz
 * destroyed and everything released, its factory's quota, use and objects are what they
 * were before the first message. Its counts go into its line of the tally page.
 */
#include <stdio.h>
#include <string.h>
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/kip.h>
#include <pecan/namespace.h>
#include <pecan/protocol/namespace.h>
#include <pecan/protocols.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/task.h>
#include "fuzz.h"

#define SANITY_EVERY 500u
#define FOREIGN_EVERY 10u           /* another party's object taken from the board */
#define RECYCLE_EVERY 10000u        /* fz destroyed by the worker itself and made again */
#define CALL_TIMEOUT_US 500000u
/* The parent object is the director's, not moe's, and the director serves it only between
 * loading a worker and destroying a finished one's factory (up to 1.7 s on a loaded
 * host): it gets longer. */
#define PARENT_TIMEOUT_US 5000000u
#define FZ_QUOTA (2u << 20)
#define FZ_SUB_QUOTA (128u << 10)
#define ANON_SIZE 0x10000u
#define CONTIG_SIZE 0x4000u
#define WINDOW_ORDER 20             /* receive window: 1 MiB, reserved in the region map */
#define PLAY_BASE 0x60000000u       /* own region map: attach and detach only in here */
#define PLAY_SIZE 0x00100000u
#define RECEIVE_SLOTS 4u
#define FOREIGN_SLOTS 8u
#define BOARD_LIST_MAX 40u          /* board entries looked at: 4 workers' 8 objects, and
                                       what the fuzz registered there */
#define NAME_SIZE 32u
#define NEVER_USED_SLOTS 1024u      /* the top of the CNode: the slot allocator never gets there */
#define STACK_WARM_BYTES (48u * 1024u)
#define ACCOUNTING_TRIES 200u       /* no-clients frees arrive after the calls: wait */
#define ACCOUNTING_WAIT_US 10000u
#define TIMEOUTS_SHOWN 3u

enum slot_id {
    /* the worker's own environment */
    T_ENV_FACTORY, T_OWN_TASK, T_OWN_RM, T_ENV_LOG, T_PARENT, T_IOMEM,
    /* its fuzz objects (on the board) */
    T_FZ, T_FZ_SUB, T_SCRATCH_TASK, T_SCRATCH_RM, T_ANON, T_CONTIG, T_NS, T_LOG,
    /* everybody's */
    T_ROM_NS, T_ROM_DS, T_BOARD,
    T_FOREIGN, T_COUNT = T_FOREIGN + FOREIGN_SLOTS
};

struct worker {
    struct worker_options options;
    struct rng message_rng;                 /* this message's: (seed, index, number) */
    struct rng state_rng;                   /* choices that depend on what slots hold */
    struct fuzz_context context;
    struct target targets[T_COUNT];
    struct pecan_factory_task scratch;      /* cnode and vspace: items only */
    pecan_cap_t receive[RECEIVE_SLOTS];
    pecan_cap_t foreign[FOREIGN_SLOTS];     /* targets T_FOREIGN.. while they hold one */
    pecan_word_t window_base;
    char prefix[NAME_SIZE];                 /* "w<index>." */
    struct tally tally;
    volatile struct tally *tally_page;
    uint64_t deadline_ns;
};

static struct worker me;

static void problem(const char *what, long value)
{
    printf("moefuzz: worker %u: %s (%ld) (FAILED)\n", me.options.index, what, value);
    me.tally.problems++;
}

static uint64_t now_ns(void)
{
    return pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS);
}

static pecan_cap_t new_slot(void)
{
    pecan_cap_t slot = 0;
    if (pecan_cap_alloc(&slot) != 0)
        problem("out of capability slots", 0);
    return slot;
}

static void empty_slot(pecan_cap_t slot)
{
    if (slot)
        pecan_cnode_delete(PECAN_ENV_CNODE, slot, FUZZ_DEPTH);
}

static void set_target(enum slot_id id, const char *name, enum kind kind, enum reach reach,
                       pecan_cap_t cap, bool own_env)
{
    struct target *t = &me.targets[id];
    t->name = name;
    t->kind = kind;
    t->reach = reach;
    t->cap = cap;
    t->own_env = own_env;
}

/* ---- picking capabilities for items (fuzz_context.pick) ---------------------------------- */

static pecan_cap_t private_extra(void)
{
    static const pecan_cap_t extra[] = {
        PECAN_ENV_THREAD, PECAN_ENV_CNODE, PECAN_ENV_VSPACE, PECAN_ENV_SCHEDULER,
    };
    return extra[rng_below(&me.state_rng, sizeof(extra) / sizeof(extra[0]))];
}

static pecan_cap_t pick(void *owner, enum kind k, bool allow_private)
{
    (void)owner;
    unsigned candidates[T_COUNT], n = 0;
    for (unsigned i = 0; i < T_COUNT; i++) {
        const struct target *t = &me.targets[i];
        if (t->cap && (k == K_COUNT || t->kind == k) && (allow_private || t->reach == R_SHARED))
            candidates[n++] = i;
    }
    if (k == K_COUNT && rng_percent(&me.state_rng, 20)) {
        if (allow_private)
            return private_extra();
        return rng_percent(&me.state_rng, 50) ? me.scratch.cnode : me.scratch.vspace;
    }
    if (n == 0)
        return me.receive[0];   /* empty */
    return me.targets[candidates[rng_below(&me.state_rng, n)]].cap;
}

/* ---- the fuzz objects -------------------------------------------------------------------- */

static void board_name(char *out, const char *what)
{
    snprintf(out, NAME_SIZE, "%s%s", me.prefix, what);
}

/* Puts a fuzz object on the board for the other parties (the name ends in its kind). */
static void publish(enum slot_id id, const char *what)
{
    char name[NAME_SIZE];
    board_name(name, what);
    int err = pecan_ns_register(me.targets[T_BOARD].cap, name, me.targets[id].cap,
                                PECAN_NAMESPACE_RW | PECAN_NAMESPACE_OVERWRITE);
    (void)err;   /* the board may be revoked from us right now (the reaper): fine */
}

static int make_scratch_task(pecan_cap_t fz)
{
    empty_slot(me.scratch.task);
    empty_slot(me.scratch.cnode);
    empty_slot(me.scratch.region_map);
    empty_slot(me.scratch.vspace);
    return pecan_factory_create_task(fz, &me.scratch);
}

/* Makes every fuzz object in its slot (emptied first: the last ones may still be there
 * or gone with fz). moe charges every record to a quota, so ENOMEM comes from our own
 * factory's (what the fuzz made through it, or the last fz, still on the way out): the
 * caller tries again later. */
static int make_objects(void)
{
    pecan_cap_t fz = me.targets[T_FZ].cap;
    for (unsigned i = T_FZ; i <= T_LOG; i++)
        empty_slot(me.targets[i].cap);
    char name[NAME_SIZE];
    snprintf(name, sizeof(name), "fuzz%u", me.options.index);
    int err = pecan_factory_create_named_factory(PECAN_ENV_FACTORY, FZ_QUOTA, name, fz);
    if (!err)
        err = pecan_factory_create_factory(fz, FZ_SUB_QUOTA, me.targets[T_FZ_SUB].cap);
    if (!err)
        err = make_scratch_task(fz);
    if (!err)
        err = pecan_factory_create_dataspace(fz, ANON_SIZE, 0, 0, me.targets[T_ANON].cap, 0);
    if (!err)
        err = pecan_factory_create_dataspace(fz, CONTIG_SIZE, PECAN_DATASPACE_CONTIGUOUS, 0,
                                             me.targets[T_CONTIG].cap, 0);
    if (!err)
        err = pecan_factory_create_namespace(fz, me.targets[T_NS].cap);
    if (!err)
        err = pecan_factory_create_log(fz, 1 + me.options.index % 7, name,
                                       me.targets[T_LOG].cap);
    if (err)
        return err;
    static const struct { enum slot_id id; const char *what; } published[] = {
        { T_FZ, "factory" }, { T_FZ_SUB, "sub.factory" }, { T_SCRATCH_TASK, "task" },
        { T_SCRATCH_RM, "rm" }, { T_ANON, "ds" }, { T_CONTIG, "contig.ds" }, { T_NS, "ns" },
        { T_LOG, "log" },
    };
    for (unsigned i = 0; i < sizeof(published) / sizeof(published[0]); i++)
        publish(published[i].id, published[i].what);
    return 0;
}

/* fz goes with everything made through it, whatever holds it (the board, namespaces). */
static void drop_objects(void)
{
    pecan_factory_destroy(PECAN_ENV_FACTORY, me.targets[T_FZ].cap);
    for (unsigned i = T_FZ; i <= T_LOG; i++)
        empty_slot(me.targets[i].cap);
    empty_slot(me.scratch.cnode);
    empty_slot(me.scratch.vspace);
}

static bool objects_alive(void)
{
    struct pecan_factory_info info;
    return pecan_factory_info(me.targets[T_FZ].cap, &info) == 0;
}

/* ---- other parties' objects -------------------------------------------------------------- */

/* A random board entry of another party into a foreign slot: a target from then on. */
static void take_foreign(void)
{
    char name[NAME_SIZE];
    unsigned flags;
    unsigned index = rng_below(&me.state_rng, BOARD_LIST_MAX);
    if (pecan_ns_list(me.targets[T_BOARD].cap, index, name, sizeof(name), &flags) != 0 ||
        strncmp(name, me.prefix, strlen(me.prefix)) == 0)
        return;
    unsigned slot = rng_below(&me.state_rng, FOREIGN_SLOTS);
    struct target *t = &me.targets[T_FOREIGN + slot];
    empty_slot(me.foreign[slot]);
    t->cap = 0;
    if (pecan_ns_query_path(me.targets[T_BOARD].cap, name, me.foreign[slot]) != 0)
        return;
    enum kind kind = kind_identify(me.foreign[slot], kind_of_board_name(name));
    if (kind == K_COUNT)
        return;
    t->kind = kind;
    t->cap = me.foreign[slot];
    t->size = 0;
    struct pecan_dataspace_info info;
    if (kind == K_DATASPACE && pecan_dataspace_info(t->cap, &info) == 0)
        t->size = info.size;
}

static void drop_foreign(void)
{
    for (unsigned i = 0; i < FOREIGN_SLOTS; i++) {
        empty_slot(me.foreign[i]);
        me.targets[T_FOREIGN + i].cap = 0;
    }
}

/* ---- one message ------------------------------------------------------------------------- */

static void set_receive_buffer(const struct fuzz_message *m)
{
    struct pecan_utcb *utcb = pecan_utcb();
    utcb->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = m->receive_caps;
    for (unsigned i = 0; i < m->receive_caps; i++)
        utcb->buffer[PECAN_UTCB_BUFFER_CAP_SLOTS + i] = me.receive[i];
    utcb->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] = m->receive_window ? me.window_base | WINDOW_ORDER
                                                                   : 0;
}

/* Whatever the reply left in our buffers goes (objects made for us are freed then). */
static void clear_receive_buffer(void)
{
    struct pecan_utcb *utcb = pecan_utcb();
    utcb->buffer[PECAN_UTCB_BUFFER_CAP_COUNT] = 0;
    utcb->buffer[PECAN_UTCB_BUFFER_MAP_WINDOW] = 0;
    for (unsigned i = 0; i < RECEIVE_SLOTS; i++)
        empty_slot(me.receive[i]);
}

/* A success is right only for the object's own protocol (fault messages through a client
 * copy must be refused: nobody holds the pager's right). */
static bool success_allowed(const struct target *t, int label)
{
    return label == kind_protocol(t->kind);
}

static void show_timeout(const struct target *t, const struct fuzz_message *m, uint64_t took)
{
    if (t->timeouts > TIMEOUTS_SHOWN)
        return;
    printf("moefuzz: worker %u: %s: no reply within %u ms (%u us): label %d, %u words, "
           "%u items: %x %x %x %x\n", me.options.index, t->name,
           (t->kind == K_PARENT ? PARENT_TIMEOUT_US : CALL_TIMEOUT_US) / 1000,
           (unsigned)(took / 1000), m->label, m->words, m->items, (unsigned)m->w[0],
           (unsigned)m->w[1], (unsigned)m->w[2], (unsigned)m->w[3]);
}

static void count_bad(const struct target *t, const char *what, long value, int label)
{
    me.tally.bad_replies++;
    if (me.tally.bad_replies <= TIMEOUTS_SHOWN)
        printf("moefuzz: worker %u: %s: %s %ld to label %d\n", me.options.index, t->name,
               what, value, label);
}

static void classify(struct target *t, const struct fuzz_message *m, struct pecan_reply r,
                     uint64_t took)
{
    int result = pecan_tag_label(r.tag);
    me.tally.messages++;
    t->sent++;
    switch (r.ipc_status) {
    case PECAN_IPC_TIMEOUT:
        me.tally.timeouts++;
        t->timeouts++;
        show_timeout(t, m, took);
        return;
    case PECAN_IPC_NO_PARTNER:
    case PECAN_IPC_ABORTED:
    case PECAN_IPC_CANCELED:
        /* Another party's object may die under us; our own environment may not. */
        if (t->reach == R_SHARED) {
            me.tally.gone++;
            t->gone++;
        } else {
            count_bad(t, "IPC status", (long)r.ipc_status, m->label);
        }
        return;
    case PECAN_IPC_BAD_SELECTOR:
        me.tally.errors++;   /* an emptied slot */
        t->errors++;
        return;
    case PECAN_IPC_ITEM_FAILED:
        if (result < 0) {
            me.tally.errors++;
            t->errors++;
            return;
        }
        me.tally.item_failures++;   /* a reply item our buffers did not take */
        result = 0;
        break;
    case PECAN_IPC_OK:
        break;
    default:
        count_bad(t, "IPC status", (long)r.ipc_status, m->label);
        return;
    }
    if (result < 0 && fuzz_known_error(result)) {
        me.tally.errors++;
        t->errors++;
    } else if (result == 0 && success_allowed(t, m->label)) {
        me.tally.successes++;
        t->successes++;
    } else {
        count_bad(t, "reply label", result, m->label);
    }
}

/* Two draws, always: the first names a target; if that one holds no object (a foreign
 * slot not filled, no iomem), the second picks among those that do. So the draws of a
 * message never depend on what the slots hold. */
static enum slot_id random_target(void)
{
    uint32_t first = rng_next(&me.message_rng), second = rng_next(&me.message_rng);
    unsigned id = first % T_COUNT;
    if (me.targets[id].cap)
        return (enum slot_id)id;
    unsigned present[T_COUNT], n = 0;
    for (unsigned i = 0; i < T_COUNT; i++)
        if (me.targets[i].cap)
            present[n++] = i;
    return (enum slot_id)present[second % n];   /* the environment's are always there */
}

static void one_message(uint32_t number)
{
    rng_seed(&me.message_rng, me.options.seed, me.options.index + 1, number);
    me.context.names_built = number;   /* name lengths: every one in turn, by number */
    struct target *t = &me.targets[random_target()];
    struct fuzz_message m;
    fuzz_build(&me.context, t, &m);
    struct pecan_message raw;
    raw.tag = pecan_tag(m.label, m.words, m.items);
    if (rng_below(&me.message_rng, 50) == 0)
        raw.tag |= rng_below(&me.message_rng, 16) << 12;   /* tag flags nobody defined */
    memcpy(raw.word, m.w, (m.words + 2 * m.items) * sizeof(pecan_word_t));
    set_receive_buffer(&m);
    uint64_t sent_at = now_ns();
    uint32_t timeout_us = t->kind == K_PARENT ? PARENT_TIMEOUT_US : CALL_TIMEOUT_US;
    struct pecan_reply r = pecan_ipc_call(t->cap, &raw, pecan_timeout_us(timeout_us));
    uint64_t took = now_ns() - sent_at;
    clear_receive_buffer();
    classify(t, &m, r, took);
}

/* ---- checks ------------------------------------------------------------------------------ */

static int env_info(struct pecan_factory_info *info)
{
    return pecan_factory_info(PECAN_ENV_FACTORY, info);
}

/* moe answers, and the fuzz objects are there (or made again if somebody took them). */
static void sanity(void)
{
    struct pecan_factory_info info;
    int err = env_info(&info);
    if (err)
        problem("moe did not answer FACTORY INFO", err);
    struct pecan_dataspace_info ds;
    if ((err = pecan_dataspace_info(me.targets[T_ROM_DS].cap, &ds)) != 0 || ds.size == 0)
        problem("moe did not answer DATASPACE INFO of a rom file", err);
    if (!objects_alive()) {
        drop_objects();
        if (make_objects() == 0)
            me.tally.remade++;
    }
}

static bool same_use(const struct pecan_factory_info *a, const struct pecan_factory_info *b)
{
    return a->quota == b->quota && a->used == b->used && a->objects == b->objects;
}

/* After fz is destroyed and our slots are empty, our factory is as before the fuzz. */
static void check_accounting(const struct pecan_factory_info *before)
{
    struct pecan_factory_info after;
    for (unsigned i = 0; i < ACCOUNTING_TRIES; i++) {
        if (env_info(&after) == 0 && same_use(before, &after))
            return;
        pecan_sleep_us(ACCOUNTING_WAIT_US);
    }
    printf("moefuzz: worker %u: factory uses %u bytes in %u objects, %u in %u before\n",
           me.options.index, (unsigned)after.used, (unsigned)after.objects,
           (unsigned)before->used, (unsigned)before->objects);
    problem("accounting not back to the figures from before", 0);
}

/* ---- setup and end ----------------------------------------------------------------------- */

/* Detaches whatever the fuzz left in the play area of its own region map. */
static void clean_play_area(void)
{
    pecan_word_t a = PLAY_BASE;
    while (a < PLAY_BASE + PLAY_SIZE) {
        struct pecan_rm_region region;
        if (pecan_rm_find(PECAN_ENV_RM, a, &region) != 0) {
            pecan_rm_free_area(PECAN_ENV_RM, a);   /* FIND does not see reserved areas */
            a += FUZZ_PAGE;
            continue;
        }
        if (pecan_rm_detach(PECAN_ENV_RM, a, 0, 0) != 0)
            pecan_rm_free_area(PECAN_ENV_RM, a);
        pecan_word_t end = region.start + region.size;
        a = end > a ? (end + FUZZ_PAGE - 1) & ~(FUZZ_PAGE - 1) : a + FUZZ_PAGE;
    }
}

/* Work threads on CPUs other than moe's CPU 0 when there are others (programs start
 * there anyway: pecan_sched_program_cpus), spread by index: the parties then really call
 * moe at the same time. */
static void move_off_cpu0(void)
{
    unsigned cpus = 1;
    pecan_sched_info(PECAN_ENV_SCHEDULER, &cpus, 0, 0);
    if (cpus < 2)
        return;
    unsigned cpu = 1 + me.options.index % (cpus - 1), priority = 0;
    pecan_sched_thread_info(PECAN_ENV_SCHEDULER, PECAN_ENV_THREAD, 0, &priority, 0);
    pecan_sched_run_thread(PECAN_ENV_SCHEDULER, PECAN_ENV_THREAD, priority, 1u << cpu, 0);
}

/* Everything whose first use is charged to our quota happens before the baseline: page
 * tables of the receive window and the play area, stack pages, data and bss, stdio. */
static int warm_up(void)
{
    pecan_word_t area = PECAN_ENV_FREE_BASE;
    int err = pecan_rm_reserve(PECAN_ENV_RM, &area, 2u << WINDOW_ORDER, PECAN_RM_SEARCH_ADDRESS);
    if (err)
        return err;
    me.window_base = (area + (1u << WINDOW_ORDER) - 1) & ~((1u << WINDOW_ORDER) - 1);
    pecan_word_t at = PLAY_BASE;
    if ((err = pecan_rm_reserve(PECAN_ENV_RM, &at, FUZZ_PAGE, 0)) != 0 ||
        (err = pecan_rm_free_area(PECAN_ENV_RM, PLAY_BASE)) != 0)
        return err;
    volatile char stack[STACK_WARM_BYTES];
    for (unsigned i = 0; i < sizeof(stack); i += FUZZ_PAGE / 8)
        stack[i] = 1;
    struct pecan_rm_region data;
    if ((err = pecan_rm_find(PECAN_ENV_RM, (pecan_word_t)(uintptr_t)&me, &data)) != 0)
        return err;
    for (pecan_word_t a = data.start; a < data.start + data.size; a += FUZZ_PAGE) {
        volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)a;
        *word = *word;
    }
    return 0;
}

static int map_tally(void)
{
    pecan_cap_t tally = pecan_env_cap(FUZZ_CAP_TALLY_NAME);
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    int err = tally ? pecan_rm_attach(PECAN_ENV_RM, &at, FUZZ_PAGE,
                                      PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_RM_SEARCH_ADDRESS,
                                      tally, 0)
                    : -PECAN_ENOENT;
    if (err)
        return err;
    me.tally_page = (volatile struct tally *)(uintptr_t)at + me.options.index;
    me.tally_page->done = 0;
    return 0;
}

static int set_up_targets(void)
{
    set_target(T_ENV_FACTORY, "factory(env)", K_FACTORY, R_PRIVATE, PECAN_ENV_FACTORY, true);
    set_target(T_OWN_TASK, "task(own)", K_TASK, R_PRIVATE, PECAN_ENV_TASK, true);
    set_target(T_OWN_RM, "region map(own)", K_REGION_MAP, R_PRIVATE, PECAN_ENV_RM, true);
    set_target(T_ENV_LOG, "log(env)", K_LOG, R_PRIVATE, PECAN_ENV_LOG, true);
    set_target(T_PARENT, "parent", K_PARENT, R_PRIVATE, PECAN_ENV_PARENT, true);
    set_target(T_IOMEM, "iomem", K_IOMEM, R_PRIVATE, pecan_env_cap("iomem"), true);
    set_target(T_FZ, "factory(fuzz)", K_FACTORY, R_SHARED, new_slot(), false);
    set_target(T_FZ_SUB, "factory(sub)", K_FACTORY, R_SHARED, new_slot(), false);
    me.scratch = (struct pecan_factory_task){ new_slot(), new_slot(), new_slot(), new_slot() };
    set_target(T_SCRATCH_TASK, "task(scratch)", K_TASK, R_SHARED, me.scratch.task, false);
    set_target(T_SCRATCH_RM, "region map(scratch)", K_REGION_MAP, R_SHARED,
               me.scratch.region_map, false);
    set_target(T_ANON, "dataspace(anon)", K_DATASPACE, R_SHARED, new_slot(), false);
    me.targets[T_ANON].size = ANON_SIZE;
    set_target(T_CONTIG, "dataspace(contig)", K_DATASPACE, R_SHARED, new_slot(), false);
    me.targets[T_CONTIG].size = CONTIG_SIZE;
    set_target(T_NS, "namespace(fuzz)", K_NAMESPACE, R_SHARED, new_slot(), false);
    set_target(T_LOG, "log(fuzz)", K_LOG, R_SHARED, new_slot(), false);
    set_target(T_ROM_NS, "namespace(rom)", K_NAMESPACE, R_SHARED, pecan_env_cap("rom"), false);
    set_target(T_ROM_DS, "dataspace(rom)", K_DATASPACE, R_SHARED, new_slot(), false);
    set_target(T_BOARD, "namespace(board)", K_NAMESPACE, R_SHARED,
               pecan_env_cap(FUZZ_CAP_BOARD_NAME), false);
    for (unsigned i = 0; i < FOREIGN_SLOTS; i++) {
        set_target((enum slot_id)(T_FOREIGN + i), "foreign", K_COUNT, R_SHARED, 0, false);
        me.foreign[i] = new_slot();
    }
    for (unsigned i = 0; i < RECEIVE_SLOTS; i++)
        me.receive[i] = new_slot();
    if (me.targets[T_BOARD].cap != FUZZ_BOARD_SLOT)
        problem("the board is not where the reaper pulls it from",
                (long)me.targets[T_BOARD].cap);
    struct pecan_dataspace_info info;
    int err = pecan_ns_query_path(me.targets[T_ROM_NS].cap, "moefuzz.elf",
                                  me.targets[T_ROM_DS].cap);
    if (!err && (err = pecan_dataspace_info(me.targets[T_ROM_DS].cap, &info)) == 0)
        me.targets[T_ROM_DS].size = info.size;
    return err;
}

/* One line per target; the foreign slots together (they change hands all the time). */
static void print_targets(void)
{
    struct target *foreign = &me.targets[T_FOREIGN];
    foreign->name = "other parties'";
    for (unsigned i = 1; i < FOREIGN_SLOTS; i++) {
        const struct target *t = &me.targets[T_FOREIGN + i];
        foreign->sent += t->sent;
        foreign->errors += t->errors;
        foreign->successes += t->successes;
        foreign->gone += t->gone;
        foreign->timeouts += t->timeouts;
    }
    for (unsigned i = 0; i <= T_FOREIGN; i++) {
        const struct target *t = &me.targets[i];
        if (t->sent)
            printf("moefuzz: worker %u:   %-20s %6u sent, %6u errors, %5u successes, "
                   "%u gone, %u timeouts\n", me.options.index, t->name, (unsigned)t->sent,
                   (unsigned)t->errors, (unsigned)t->successes, (unsigned)t->gone,
                   (unsigned)t->timeouts);
    }
}

static void fuzz(void)
{
    for (uint32_t i = 1; i <= me.options.messages && now_ns() < me.deadline_ns; i++) {
        if (i % FOREIGN_EVERY == 0)
            take_foreign();
        one_message(i);
        if (i % SANITY_EVERY == 0)
            sanity();
        if (i % RECYCLE_EVERY == 0) {
            drop_objects();
            make_objects();
        }
    }
    drop_foreign();
}

static void leave_tally(void)
{
    if (!me.tally_page)
        return;
    struct tally t = me.tally;
    t.done = 0;
    *(struct tally *)me.tally_page = t;
    __atomic_store_n(&me.tally_page->done, TALLY_DONE, __ATOMIC_RELEASE);
}

int worker_main(const struct worker_options *options)
{
    me.options = *options;
    rng_seed(&me.state_rng, options->seed, options->index + 1, 0);   /* messages: 1 on */
    snprintf(me.prefix, sizeof(me.prefix), "w%u.", options->index);
    move_off_cpu0();
    printf("moefuzz: worker %u: seed 0x%08x, up to %u messages or %u s\n", options->index,
           (unsigned)options->seed, (unsigned)options->messages, (unsigned)options->seconds);
    int err = set_up_targets();
    if (!err)
        err = map_tally();
    if (!err)
        err = warm_up();
    if (err) {
        problem("setting up", err);
        leave_tally();
        return 1;
    }
    me.context = (struct fuzz_context){
        .rng = &me.message_rng, .pick = pick, .owner = &me, .empty_caps = me.receive,
        .empty_count = RECEIVE_SLOTS,
        .never_used_from = (1u << PECAN_ENV_CNODE_BITS) - NEVER_USED_SLOTS,
        .play_base = PLAY_BASE, .play_size = PLAY_SIZE,
    };
    struct pecan_factory_info before;
    if ((err = env_info(&before)) != 0 || (err = make_objects()) != 0) {
        problem("making the fuzz objects", err);
        leave_tally();
        return 1;
    }
    me.deadline_ns = now_ns() + (uint64_t)options->seconds * 1000000000u;
    fuzz();
    drop_objects();
    clean_play_area();
    print_targets();
    check_accounting(&before);
    printf("moefuzz: worker %u: %u messages, %u errors, %u successes, %u gone, %u timeouts, "
           "%u bad replies, fuzz objects made again %u times%s\n", options->index,
           (unsigned)me.tally.messages, (unsigned)me.tally.errors,
           (unsigned)me.tally.successes, (unsigned)me.tally.gone,
           (unsigned)me.tally.timeouts, (unsigned)me.tally.bad_replies,
           (unsigned)me.tally.remade, me.tally.problems ? "" : ", accounting exact");
    leave_tally();
    return me.tally.problems || me.tally.bad_replies ? 1 : 0;
}
