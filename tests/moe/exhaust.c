/* SPDX-License-Identifier: MIT */
/*
 * moeexhaust (issue 13, "whoever asks, pays"): an attacker exhausts its own quota with
 * each kind of thing moe keeps for a client, one kind per round, while a victim with its
 * own small quota keeps working. Before issue 13 each kind filled a table of moe's
 * (entries 512, factories 128, logs 128, namespaces 64, dataspaces 1,024, kernel objects
 * 1,024, moe's CNode 16,384 slots) and every other client got ENOMEM.
 *
 * A round: a fresh attacker factory with ATTACK_QUOTA; it makes objects of the round's
 * kind and hands each to moe to keep (registered in a namespace of its own, so moe holds
 * the capability and the attacker's capability space does not limit it) until moe says
 * ENOMEM. Meanwhile a victim thread times DATASPACE INFO calls. Then the victim, through
 * its own factory: a dataspace attached and touched page by page (page faults), one
 * object of every kind, and a program started and run to its exit. Last the attacker's
 * factory is destroyed through the program's own (FACTORY DESTROY) and moe's free memory
 * must be back exactly where it was before the round, less what this program's and the
 * victim's quotas hold now (page tables the victim's faults installed stay).
 *
 * The round's counts must pass the old tables' sizes, and the attacker's quota must be
 * what stopped it (less than EXHAUSTED_SLACK bytes left). The victim's calls must
 * complete within LIMIT_US of guest time (the test runs under -icount).
 *
 * Exits 0 and prints "moeexhaust: all checks passed", or says what failed (FAILED).
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
#include <pecan/testkit.h>
#include <pecan/thread.h>

#include "sp804_clock.h"

#define MIB 0x100000u
#define PAGE 0x1000u
#define ATTACK_QUOTA (48 * MIB)
#define VICTIM_QUOTA (8 * MIB)
#define VICTIM_PAGES 64u
#define EXHAUSTED_SLACK (16 * 1024u)
#define LIMIT_US 5000u
#define MAX_HOLDERS 256               /* namespaces that hold the attacker's objects */
#define SETTLE_TRIES 100              /* 10 ms apart: moe frees pages between requests */

enum kind { GATE, NOTIFICATION, LOG, NAMESPACE, DATASPACE, FACTORY, ENTRY, KINDS };

static const char *const kind_names[KINDS] = {
    "gates", "notifications", "logs", "namespaces", "dataspaces", "factories",
    "namespace entries",
};
/* The size of the table each kind filled before issue 13. */
static const unsigned old_table[KINDS] = { 1024, 1024, 128, 64, 1024, 128, 512 };

static int failures;
static struct children children;
static pecan_cap_t victim_factory;

static void check(const char *what, int ok, long value)
{
    if (!ok)
        failures++;
    printf("moeexhaust: %s: %ld%s\n", what, value, ok ? "" : " (FAILED)");
}

/* Moves the calling thread to cpu at the program's priority, if the board has it: moe
 * runs on CPU 0 above every program, so attacker and victim run beside it and each on a
 * CPU of its own (placement is moe_flood's subject, not this test's). */
static void move_to(pecan_cap_t thread, unsigned cpu)
{
    unsigned cpus = 1;
    pecan_word_t online = 1;
    pecan_sched_info(PECAN_ENV_SCHEDULER, &cpus, &online, 0);
    if (cpus > cpu && (online & (1u << cpu)))
        pecan_sched_run_thread(PECAN_ENV_SCHEDULER, thread, 100, 1u << cpu, 0);
}

/* ---- the attacker ------------------------------------------------------------------ */

struct attack {
    pecan_cap_t factory;
    pecan_cap_t holders[MAX_HOLDERS];
    unsigned holder_count;
    unsigned made;
    int stopped_by;                  /* the error that ended the round */
};

static int new_holder(struct attack *a)
{
    if (a->holder_count == MAX_HOLDERS)
        return -PECAN_ERANGE;
    pecan_cap_t ns = testkit_slot();
    int err = pecan_factory_create_namespace(a->factory, ns);
    if (err) {
        pecan_cap_free(ns);
        return err;
    }
    a->holders[a->holder_count++] = ns;
    return 0;
}

static int make(struct attack *a, enum kind kind, pecan_cap_t dest)
{
    switch (kind) {
    case GATE: return pecan_factory_create_gate(a->factory, dest);
    case NOTIFICATION: return pecan_factory_create_notification(a->factory, dest);
    case LOG: return pecan_factory_create_log(a->factory, 1, "attacker", dest);
    case NAMESPACE: return pecan_factory_create_namespace(a->factory, dest);
    case DATASPACE: return pecan_factory_create_dataspace(a->factory, PAGE, 0, 0, dest, 0);
    case FACTORY: return pecan_factory_create_factory(a->factory, 1, dest);
    default: return -PECAN_EINVAL;
    }
}

/* Hands cap to moe to keep: an entry in the newest holder, a new holder when it is full
 * (moe's per-namespace limit answers ENOMEM too, so a new holder is tried once). */
static int keep(struct attack *a, pecan_cap_t cap)
{
    char name[16];
    snprintf(name, sizeof name, "o%u", a->made);
    int err = pecan_ns_register(a->holders[a->holder_count - 1], name, cap, 0);
    if (err == -PECAN_ENOMEM && (err = new_holder(a)) == 0)
        err = pecan_ns_register(a->holders[a->holder_count - 1], name, cap, 0);
    return err;
}

static void attack(struct attack *a, enum kind kind)
{
    pecan_cap_t tmp = testkit_slot(), gate = 0;
    int err = new_holder(a);
    if (!err && kind == ENTRY) {
        gate = testkit_slot();
        err = pecan_factory_create_gate(a->factory, gate);
    }
    while (!err) {
        if (kind != ENTRY && (err = make(a, kind, tmp)) != 0)
            break;
        err = keep(a, kind == ENTRY ? gate : tmp);
        if (kind != ENTRY)
            pecan_cnode_delete(PECAN_ENV_CNODE, tmp, 32);
        if (!err)
            a->made++;
    }
    a->stopped_by = err;
    pecan_cnode_delete(PECAN_ENV_CNODE, tmp, 32);
    pecan_cap_free(tmp);
    if (gate)
        pecan_cap_release(gate);
}

/* ---- the victim -------------------------------------------------------------------- */

static volatile uint32_t attacking;
static volatile uint32_t victim_calls, victim_max_us;
static volatile int victim_error;

/* Times DATASPACE INFO calls on its own small dataspace while the attack runs. */
static void *victim_timer(void *arg)
{
    pecan_cap_t ds = (pecan_cap_t)(uintptr_t)arg;
    move_to(pecan_thread_cap(pecan_thread_self()), 2);
    while (attacking && !victim_error) {
        struct pecan_dataspace_info info;
        uint32_t t0 = sp804_clock_us();
        victim_error = pecan_dataspace_info(ds, &info);
        uint32_t took = sp804_clock_us() - t0;
        if (took > victim_max_us)
            victim_max_us = took;
        victim_calls++;
    }
    return 0;
}

/* A dataspace attached and touched page by page: every page is a fault moe resolves. */
static int victim_faults(void)
{
    pecan_cap_t ds = testkit_slot();
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    int err = pecan_factory_create_dataspace(victim_factory, VICTIM_PAGES * PAGE, 0, 0, ds, 0);
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &at, VICTIM_PAGES * PAGE,
                              PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE, ds, 0);
    if (err) {
        pecan_cap_release(ds);
        return err;
    }
    volatile uint32_t *words = (volatile uint32_t *)(uintptr_t)at;
    for (unsigned p = 0; p < VICTIM_PAGES; p++)
        words[p * PAGE / 4] = p;
    pecan_rm_detach(PECAN_ENV_RM, at, 0, 0);
    pecan_cap_release(ds);
    return 0;
}

/* One object of every kind through the victim's factory. */
static int victim_objects(void)
{
    struct attack v = { .factory = victim_factory };
    for (enum kind kind = GATE; kind < ENTRY; kind++) {
        pecan_cap_t s = testkit_slot();
        int err = make(&v, kind, s);
        pecan_cap_release(s);
        if (err)
            return err;
    }
    return 0;
}

static int victim_start_program(void)
{
    static const char *const child_argv[] = { "moeexhaust", "child" };
    struct child_spec spec = {
        .path = "rom/moeexhaust.elf", .argc = 2, .argv = child_argv,
        .factory = victim_factory, .scheduler = PECAN_ENV_SCHEDULER, .log = PECAN_ENV_LOG,
    };
    struct child *c, *exited;
    const char *why;
    int err = children_start(&children, &spec, &c, &why);
    if (err) {
        printf("moeexhaust: victim's program: %s\n", why);
        return err;
    }
    if (children_wait(&children, 10000000, &exited) != 0 || exited != c || c->status != 0)
        err = -PECAN_EINVAL;
    children_release(&children, c);
    return err;
}

/* ---- a round ----------------------------------------------------------------------- */

/* moe's free memory less what this program and its victim hold (page tables of its own
 * region map stay, for instance): what the attacker held shows in it, nothing else. */
static int32_t unclaimed_ram(void)
{
    struct pecan_factory_info own = { 0 }, victim = { 0 };
    pecan_factory_info(PECAN_ENV_FACTORY, &own);
    pecan_factory_info(victim_factory, &victim);
    return (int32_t)(own.free_ram + own.used + victim.used);
}

/* The same once it stops moving: moe frees a released dataspace's pages between requests
 * (the victim's program's, from the round before). */
static int32_t quiet_unclaimed_ram(void)
{
    int32_t last = unclaimed_ram(), now;
    for (unsigned i = 0; i < SETTLE_TRIES; i++) {
        pecan_sleep_us(10000);
        if ((now = unclaimed_ram()) == last)
            break;
        last = now;
    }
    return last;
}

/* The same once the pages moe frees between requests are back. */
static int32_t settled_unclaimed_ram(int32_t expected)
{
    int32_t now = unclaimed_ram();
    for (unsigned i = 0; i < SETTLE_TRIES && now != expected; i++) {
        pecan_sleep_us(10000);
        now = unclaimed_ram();
    }
    return now;
}

static void round_of(enum kind kind, pecan_cap_t victim_ds)
{
    char what[96];
    int32_t before = quiet_unclaimed_ram();
    struct attack a = { .factory = testkit_slot() };
    int err = pecan_factory_create_named_factory(PECAN_ENV_FACTORY, ATTACK_QUOTA, "attacker",
                                                 a.factory);
    if (err) {
        check("attacker's factory", 0, err);
        return;
    }
    victim_calls = victim_max_us = 0;
    attacking = 1;
    struct pecan_thread *timer;
    if ((err = pecan_thread_create(&timer, victim_timer, (void *)(uintptr_t)victim_ds)) != 0) {
        check("victim's timer thread", 0, err);
        return;
    }
    attack(&a, kind);
    attacking = 0;
    pecan_thread_join(timer, 0);

    struct pecan_factory_info info = { 0 };
    pecan_factory_info(a.factory, &info);
    snprintf(what, sizeof what, "%s made until moe said ENOMEM (old table: %u)",
             kind_names[kind], old_table[kind]);
    check(what, a.stopped_by == -PECAN_ENOMEM && a.made > old_table[kind], (long)a.made);
    snprintf(what, sizeof what, "%s: bytes of the attacker's quota left", kind_names[kind]);
    check(what, info.quota - info.used < EXHAUSTED_SLACK, (long)(info.quota - info.used));
    snprintf(what, sizeof what, "%s: victim's calls during the attack, max us (%lu calls)",
             kind_names[kind], (unsigned long)victim_calls);
    check(what, !victim_error && victim_max_us <= LIMIT_US, (long)victim_max_us);

    snprintf(what, sizeof what, "%s: victim's page faults", kind_names[kind]);
    err = victim_faults();
    check(what, err == 0, err);
    snprintf(what, sizeof what, "%s: victim's objects", kind_names[kind]);
    err = victim_objects();
    check(what, err == 0, err);
    snprintf(what, sizeof what, "%s: victim starts a program", kind_names[kind]);
    err = victim_start_program();
    check(what, err == 0, err);

    err = pecan_factory_destroy(PECAN_ENV_FACTORY, a.factory);
    snprintf(what, sizeof what, "%s: FACTORY DESTROY of the attacker", kind_names[kind]);
    check(what, err == 0, err);
    for (unsigned i = 0; i < a.holder_count; i++)
        pecan_cap_release(a.holders[i]);
    pecan_cap_release(a.factory);
    int32_t after = settled_unclaimed_ram(before);
    snprintf(what, sizeof what, "%s: moe's free memory (less what the victims hold) after "
             "the round minus before", kind_names[kind]);
    check(what, after == before, (long)after - (long)before);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        printf("moeexhaust: the victim's program runs\n");
        return 0;
    }
    move_to(PECAN_ENV_THREAD, 1);
    int err = sp804_clock_start();
    if (err) {
        printf("moeexhaust: no clock (SP804 through iomem): error %d (FAILED)\n", err);
        return 1;
    }
    pecan_cap_t victim_ds = testkit_slot();
    victim_factory = testkit_slot();
    if ((err = pecan_factory_create_named_factory(PECAN_ENV_FACTORY, VICTIM_QUOTA, "victim",
                                                  victim_factory)) != 0 ||
        (err = pecan_factory_create_dataspace(victim_factory, PAGE, 0, 0, victim_ds, 0)) != 0 ||
        (err = children_init(&children, victim_factory)) != 0) {
        printf("moeexhaust: setting up the victim: error %d (FAILED)\n", err);
        return 1;
    }
    /* Once first, so what stays for good is there before any round's figures: the timer
     * thread (the runtime keeps a thread object, UTCB and slots for the next one) and the
     * page tables of the victim's faults. */
    struct pecan_thread *timer;
    if ((err = pecan_thread_create(&timer, victim_timer, (void *)(uintptr_t)victim_ds)) == 0)
        pecan_thread_join(timer, 0);
    if (err || (err = victim_faults()) != 0 || (err = victim_objects()) != 0 ||
        (err = victim_start_program()) != 0) {
        printf("moeexhaust: the victim alone: error %d (FAILED)\n", err);
        return 1;
    }
    for (enum kind kind = GATE; kind < KINDS; kind++)
        round_of(kind, victim_ds);
    sp804_clock_stop();
    if (failures) {
        printf("moeexhaust: %d checks FAILED\n", failures);
        return 1;
    }
    printf("moeexhaust: all checks passed\n");
    return 0;
}
