/* SPDX-License-Identifier: MIT */
/*
 * moe_attacker: the hostile child of conf/attack.lua (issue 13), which ned starts and
 * kills again and again, and the victim that shows moe still serves afterwards. It owns
 * nothing beyond its own run; ned's quota for it is what the test measures. Modes
 * (argv[1]):
 *
 *   attack <n> <of> [wait|exit|crash]
 *                   builds reference cycles that client copies alone never free (a
 *                   namespace registering itself and its factory; namespaces holding each
 *                   other in a ring; a sub-factory whose namespace holds it), then fills
 *                   its quota round-robin (moe charges every record to a quota) until
 *                   every kind of object is refused with ENOMEM (namespaces, entries,
 *                   logs, dataspaces with pages, gates, notifications, sub-factories); then (wait) registers "ready" in
 *                   the namespace `board` ned gave it and waits to be killed, (exit) exits
 *                   with ATTACK_EXIT_STATUS, or (crash) ends its own task without an exit.
 *                   Only ned's FACTORY DESTROY of its quota gets that memory back.
 *   victim          after the attacks: allocates on the heap and in a dataspace of its
 *                   own, touching every page (page faults), starts `child` through a
 *                   sub-factory, waits for it and DESTROYs that sub-factory, checking its
 *                   factory's use is back exactly. Exits 0 when all of it worked.
 *   child           touches some heap pages and exits 0.
 *
 * Every failure prints a line with FAILED (the test forbids them).
 */
#include <stdbool.h>
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
#include <pecan/task.h>

#define PAGE 4096u
#define KIB 1024u
#define MIB (1024u * 1024u)

/* Attack: the quota of each sub-factory it makes, enough for a namespace in it that holds
 * itself and the factory: the namespace's gate and record page, the entries' record page
 * and the capability slot each entry costs (MEMORY_SLOT_PRICE), 20 KiB. The sub-factory's
 * own record and gate are charged to its parent. */
#define SUB_QUOTA (32u * KIB)
/* Every BACKED_EVERY-th dataspace has its page backed (ALLOCATE), so pages of moe's pool
 * are in the attack too, not only records and gates. */
#define BACKED_EVERY 4u
#define ENTRY_NAME_SIZE 16
#define ATTACK_EXIT_STATUS 7     /* conf/attack.lua expects it */
/* Our own CNode is full: not moe's refusal, so not the ENOMEM the fill waits for. */
#define OWN_SLOTS_GONE (-PECAN_ERANGE)

/* Victim: what it allocates and touches, and the quota of its child. */
#define VICTIM_HEAP (2u * MIB)
#define VICTIM_DATASPACE (1u * MIB)
#define CHILD_QUOTA (1u * MIB)
#define CHILDREN_QUOTA (64u * KIB)     /* the children library's notification and parent
                                          gates */
#define CHILD_HEAP (256u * KIB)
#define CHILD_PROGRAM "rom/moe_attacker.elf"

static int failures;

static void failed(const char *what, int err)
{
    printf("moe_attacker: %s: error %d (FAILED)\n", what, err);
    failures++;
}

/* An empty slot of ours, or 0 (then callers answer OWN_SLOTS_GONE). */
static pecan_cap_t new_slot(void)
{
    pecan_cap_t slot = 0;
    if (pecan_cap_alloc(&slot) != 0)
        return 0;
    return slot;
}

/* ---- attack: cycles ---------------------------------------------------------------------- */

/* A namespace made through factory that holds itself and factory: neither has a client
 * copy outside the cycle once the task is gone. */
static int self_cycle(pecan_cap_t factory, pecan_cap_t *ns_out)
{
    pecan_cap_t ns = new_slot();
    if (!ns)
        return OWN_SLOTS_GONE;
    int err = pecan_factory_create_namespace(factory, ns);
    if (!err)
        err = pecan_ns_register(ns, "self", ns, PECAN_NAMESPACE_RW);
    if (!err)
        err = pecan_ns_register(ns, "factory", factory, PECAN_NAMESPACE_RW);
    if (ns_out)
        *ns_out = ns;
    return err;
}

/* Two namespaces holding each other. */
static int ring_cycle(void)
{
    pecan_cap_t a = new_slot(), b = new_slot();
    if (!a || !b)
        return OWN_SLOTS_GONE;
    int err = pecan_factory_create_namespace(PECAN_ENV_FACTORY, a);
    if (!err)
        err = pecan_factory_create_namespace(PECAN_ENV_FACTORY, b);
    if (!err)
        err = pecan_ns_register(a, "b", b, PECAN_NAMESPACE_RW);
    if (!err)
        err = pecan_ns_register(b, "a", a, PECAN_NAMESPACE_RW);
    return err;
}

/* A sub-factory whose own namespace holds it (and itself). */
static int nested_cycle(void)
{
    pecan_cap_t sub = new_slot();
    if (!sub)
        return OWN_SLOTS_GONE;
    int err = pecan_factory_create_factory(PECAN_ENV_FACTORY, SUB_QUOTA, sub);
    return err ? err : self_cycle(sub, 0);
}

/* A dataspace with backed pages, held only by the cycle namespace. */
static int held_dataspace(pecan_cap_t cycle)
{
    pecan_cap_t ds = new_slot();
    if (!ds)
        return OWN_SLOTS_GONE;
    int err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, 16 * PAGE, 0, 0, ds, 0);
    if (!err)
        err = pecan_dataspace_allocate(ds, 0, 16 * PAGE);
    if (!err)
        err = pecan_ns_register(cycle, "pages", ds, PECAN_NAMESPACE_RW);
    pecan_cap_release(ds);
    return err;
}

/* ---- attack: filling moe ----------------------------------------------------------------- */

struct fill {
    pecan_cap_t cycle;          /* the self-cycle namespace: entries go there */
    pecan_cap_t last_object;    /* what the next entry names */
};

struct kind {
    const char *name;
    int (*make)(struct fill *f, unsigned n);
    unsigned made;
    int refused;                /* 0 while it still succeeds, else the error */
};

static int make_namespace(struct fill *f, unsigned n)
{
    (void)n;
    pecan_cap_t ns = new_slot();
    if (!ns)
        return OWN_SLOTS_GONE;
    int err = pecan_factory_create_namespace(PECAN_ENV_FACTORY, ns);
    if (!err)
        f->last_object = ns;
    return err;
}

/* An entry in the cycle naming the last object made (often a namespace: more cycles). */
static int make_entry(struct fill *f, unsigned n)
{
    char name[ENTRY_NAME_SIZE];
    snprintf(name, sizeof(name), "e%u", n);
    int err = pecan_ns_register(f->cycle, name, f->last_object ? f->last_object : f->cycle,
                                PECAN_NAMESPACE_RW);
    return err;
}

static int make_log(struct fill *f, unsigned n)
{
    pecan_cap_t log = new_slot();
    if (!log)
        return OWN_SLOTS_GONE;
    int err = pecan_factory_create_log(PECAN_ENV_FACTORY, n % 8, "attack", log);
    if (!err)
        f->last_object = log;
    return err;
}

static int make_dataspace(struct fill *f, unsigned n)
{
    pecan_cap_t ds = new_slot();
    if (!ds)
        return OWN_SLOTS_GONE;
    int err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, PAGE, 0, 0, ds, 0);
    if (!err && n % BACKED_EVERY == 0)
        err = pecan_dataspace_allocate(ds, 0, PAGE);
    if (!err)
        f->last_object = ds;
    return err;
}

static int make_gate(struct fill *f, unsigned n)
{
    (void)f;
    (void)n;
    pecan_cap_t gate = new_slot();
    return gate ? pecan_factory_create_gate(PECAN_ENV_FACTORY, gate) : OWN_SLOTS_GONE;
}

static int make_notification(struct fill *f, unsigned n)
{
    (void)f;
    (void)n;
    pecan_cap_t notification = new_slot();
    return notification ? pecan_factory_create_notification(PECAN_ENV_FACTORY, notification)
                        : OWN_SLOTS_GONE;
}

/* A sub-factory with a self-cycle in it, paid from the sub-factory's own quota. */
static int make_factory(struct fill *f, unsigned n)
{
    (void)n;
    pecan_cap_t sub = new_slot();
    if (!sub)
        return OWN_SLOTS_GONE;
    int err = pecan_factory_create_factory(PECAN_ENV_FACTORY, SUB_QUOTA, sub);
    if (err)
        return err;
    f->last_object = sub;
    self_cycle(sub, 0);   /* its quota was reserved whole: room for the cycle */
    return 0;
}

/* One of each kind per round until every kind is refused: they share the quota (moe
 * charges every record to one; it has no table to fill), so each gets its part. Anything
 * but ENOMEM is a failure. */
static void fill_round_robin(struct fill *f, struct kind *kinds, unsigned count)
{
    for (unsigned left = count; left > 0;) {
        for (unsigned i = 0; i < count; i++) {
            struct kind *k = &kinds[i];
            if (k->refused)
                continue;
            int err = k->make(f, k->made);
            if (!err) {
                k->made++;
                continue;
            }
            k->refused = err;
            left--;
            if (err != -PECAN_ENOMEM)
                failed(k->name, err);
        }
    }
}

static void print_fill(unsigned cycle, const struct kind *kinds, unsigned count)
{
    char line[256];
    int used = snprintf(line, sizeof(line), "moe_attacker: cycle %u: refused after", cycle);
    for (unsigned i = 0; i < count && used < (int)sizeof(line); i++)
        used += snprintf(line + used, sizeof(line) - (size_t)used, " %u %s%s", kinds[i].made,
                         kinds[i].name, i + 1 < count ? "," : "");
    printf("%s\n", line);
}

/* "ready" fits in the board however full our quota is: an entry is charged to its
 * namespace's quota, and the board is ned's. */
static int tell_ready(struct fill *f)
{
    pecan_cap_t board = pecan_env_cap("board");
    if (!board)
        return -PECAN_ENOENT;
    return pecan_ns_register(board, "ready", f->cycle, PECAN_NAMESPACE_RW);
}

static void wait_to_be_killed(void) __attribute__((noreturn));
static void wait_to_be_killed(void)
{
    for (;;)
        pecan_sleep_us(PECAN_TIMEOUT_MAX_US);
}

/* How an attack ends: what ned must take its quota back after. */
enum ending { END_WAIT, END_EXIT, END_CRASH };

static enum ending ending_of(const char *word)
{
    if (word && strcmp(word, "exit") == 0)
        return END_EXIT;
    if (word && strcmp(word, "crash") == 0)
        return END_CRASH;
    return END_WAIT;
}

/* Its task ends without an exit: ned sees its parent object lose its last client. */
static void crash(void) __attribute__((noreturn));
static void crash(void)
{
    pecan_task_terminate(PECAN_ENV_TASK);
    for (;;)
        pecan_sleep_us(PECAN_TIMEOUT_MAX_US);
}

/* Cycle `cycle` of `cycles`: the first and the last print what they got. */
static int attack(unsigned cycle, unsigned cycles, enum ending ending)
{
    struct fill f = { 0, 0 };
    int err;
    if ((err = self_cycle(PECAN_ENV_FACTORY, &f.cycle)) != 0 || (err = ring_cycle()) != 0 ||
        (err = nested_cycle()) != 0 || (err = held_dataspace(f.cycle)) != 0) {
        failed("building the cycles", err);
        return 1;
    }
    struct kind kinds[] = {
        { "namespaces", make_namespace, 0, 0 }, { "entries", make_entry, 0, 0 },
        { "logs", make_log, 0, 0 },             { "dataspaces", make_dataspace, 0, 0 },
        { "gates", make_gate, 0, 0 },           { "notifications", make_notification, 0, 0 },
        { "factories", make_factory, 0, 0 },
    };
    unsigned count = sizeof(kinds) / sizeof(kinds[0]);
    fill_round_robin(&f, kinds, count);
    if (cycle == 1 || cycle == cycles)
        print_fill(cycle, kinds, count);
    if (ending == END_EXIT)
        return failures ? 1 : ATTACK_EXIT_STATUS;
    if (ending == END_CRASH)
        crash();
    if ((err = tell_ready(&f)) != 0)
        failed("registering ready in the board", err);
    wait_to_be_killed();
}

/* ---- victim ------------------------------------------------------------------------------ */

static void touch(volatile char *bytes, unsigned size)
{
    for (unsigned i = 0; i < size; i += PAGE)
        bytes[i] = (char)i;
}

static int victim_heap(void)
{
    char *heap = malloc(VICTIM_HEAP);
    if (!heap)
        return -PECAN_ENOMEM;
    touch(heap, VICTIM_HEAP);
    free(heap);
    return 0;
}

static int victim_dataspace(void)
{
    pecan_cap_t ds = new_slot();
    if (!ds)
        return -PECAN_ENOMEM;
    int err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, VICTIM_DATASPACE, 0, 0, ds, 0);
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &at, VICTIM_DATASPACE,
                              PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_RM_SEARCH_ADDRESS, ds, 0);
    if (!err) {
        touch((volatile char *)(uintptr_t)at, VICTIM_DATASPACE);
        err = pecan_rm_detach(PECAN_ENV_RM, at, 0, 0);
    }
    pecan_cap_release(ds);
    return err;
}

static int run_child(struct children *l, pecan_cap_t quota)
{
    static const char *const argv[] = { "moe_attacker", "child" };
    struct child_spec spec = {
        .path = CHILD_PROGRAM, .argc = 2, .argv = argv,
        .factory = quota, .scheduler = PECAN_ENV_SCHEDULER, .log = PECAN_ENV_LOG,
    };
    struct child *child, *exited;
    const char *why = 0;
    int err = children_start(l, &spec, &child, &why);
    if (err) {
        printf("moe_attacker: starting the child: %s\n", why ? why : "?");
        return err;
    }
    while (children_wait(l, 0, &exited) != 0 || exited != child)
        ;
    int status = child->status;
    children_release(l, child);
    return status == 0 ? 0 : -PECAN_EINVAL;
}

/* A program started through a sub-factory, which is then DESTROYed: the victim's factory
 * is back at its use from before, exactly. The children library gets a factory of its own,
 * since it keeps the child's parent gate for a next child. */
static int victim_start(void)
{
    static struct children l;
    struct pecan_factory_info before, after;
    pecan_cap_t children_quota = new_slot(), quota = new_slot();
    if (!children_quota || !quota)
        return -PECAN_ENOMEM;
    int err = pecan_factory_create_factory(PECAN_ENV_FACTORY, CHILDREN_QUOTA, children_quota);
    if (!err)
        err = children_init(&l, children_quota);
    if (!err)
        err = pecan_factory_info(PECAN_ENV_FACTORY, &before);
    if (!err)
        err = pecan_factory_create_factory(PECAN_ENV_FACTORY, CHILD_QUOTA, quota);
    if (err)
        return err;
    int child_err = run_child(&l, quota);
    if ((err = pecan_factory_destroy(PECAN_ENV_FACTORY, quota)) != 0 ||
        (err = pecan_factory_info(PECAN_ENV_FACTORY, &after)) != 0)
        return err;
    pecan_cap_release(quota);
    if (after.used != before.used) {
        printf("moe_attacker: victim's factory uses %u bytes, %u before the child\n",
               (unsigned)after.used, (unsigned)before.used);
        return -PECAN_EINVAL;
    }
    return child_err;
}

static int victim(void)
{
    int err;
    if ((err = victim_heap()) != 0)
        failed("victim: heap", err);
    else if ((err = victim_dataspace()) != 0)
        failed("victim: dataspace", err);
    else if ((err = victim_start()) != 0)
        failed("victim: starting a program", err);
    if (failures)
        return 1;
    printf("moe_attacker: victim allocated %u KiB, touched %u KiB of a dataspace and ran a "
           "program\n", VICTIM_HEAP / KIB, VICTIM_DATASPACE / KIB);
    return 0;
}

static int child(void)
{
    char *heap = malloc(CHILD_HEAP);
    if (!heap)
        return 1;
    touch(heap, CHILD_HEAP);
    free(heap);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "attack") == 0)
        return attack((unsigned)strtoul(argv[2], 0, 10), (unsigned)strtoul(argv[3], 0, 10),
                      ending_of(argc >= 5 ? argv[4] : 0));
    if (argc >= 2 && strcmp(argv[1], "victim") == 0)
        return victim();
    if (argc >= 2 && strcmp(argv[1], "child") == 0)
        return child();
    printf("moe_attacker: usage: moe_attacker attack <cycle> <cycles> [wait|exit|crash] | victim | child (FAILED)\n");
    return 2;
}
