/* SPDX-License-Identifier: MIT */
/*
 * Quotas (issue 5): two clients under one parent, each with a sub-factory of its own
 * (FACTORY create factory). The parent (no arguments) starts both with the children library
 * (pecan/children.h), each charged to its own factory, and hands both a shared page.
 *
 * - Client A ("hog") backs pages of one big dataspace one by one until moe answers
 *   -PECAN_ENOMEM, prints what it got and checks that what is left of its quota is less
 *   than a page (its quota minus its fixed costs, to the page). It then holds everything
 *   until B is done, frees it and checks its factory's used bytes are back.
 * - Client B ("worker") waits until A is at its quota, then allocates, maps, writes, reads
 *   back and frees dataspaces and malloc memory for ROUNDS rounds: it must not notice A.
 * - The parent checks both exit with 0, that A's factory's used bytes are back to what
 *   they were before A started once A is gone, and that once both factories are deleted
 *   whatever moe's free RAM is short of the start is on the parent's own factory's bill.
 *
 * Exits 0 and prints "quota: all checks passed", or says what failed (FAILED).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/children.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>

#define QUOTA_A (3u << 20)
#define QUOTA_B (3u << 20)
#define PAGE 0x1000u
#define ROUNDS 200
#define WORK_SIZE 0x4000u
#define WAIT_STEPS 30000   /* of 1 ms: 30 s */

struct shared_page {
    volatile uint32_t a_full;    /* A is at its quota and holds everything */
    volatile uint32_t b_done;    /* B finished its work */
};

/* FACTORY INFO, with moe's free RAM and own memory (words 4 and 5). */
static int info(pecan_cap_t factory, struct pecan_factory_info *out)
{
    int err = pecan_factory_info(factory, out);
    return err ? err : out->free_ram ? 0 : -PECAN_EMSGTOOSHORT;
}

static struct shared_page *attach_shared(pecan_cap_t ds)
{
    pecan_word_t address = PECAN_ENV_FREE_BASE;
    if (pecan_rm_attach(PECAN_ENV_RM, &address, PAGE,
                        PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE, ds, 0))
        return 0;
    return (struct shared_page *)(uintptr_t)address;
}

static bool wait_for(volatile uint32_t *flag)
{
    for (unsigned i = 0; i < WAIT_STEPS; i++) {
        if (*flag)
            return true;
        pecan_sleep_us(1000);
    }
    return false;
}

/* ---- client A --------------------------------------------------------------------------- */

/* Backs pages of ds one at a time until the quota refuses one; *pages gets how many. */
static int fill(pecan_cap_t ds, uint32_t size, uint32_t *pages)
{
    *pages = 0;
    for (uint32_t offset = 0; offset < size; offset += PAGE) {
        int err = pecan_dataspace_allocate(ds, offset, PAGE);
        if (err)
            return err;
        (*pages)++;
    }
    return 0;
}

/* Backs every page of the region around address by touching it (read, write back). */
static void touch_region(const void *address)
{
    struct pecan_rm_region region;
    if (pecan_rm_find(PECAN_ENV_RM, (pecan_word_t)(uintptr_t)address, &region) != 0)
        return;
    for (pecan_word_t a = region.start; a < region.start + region.size; a += PAGE) {
        volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)a;
        *word = *word;
    }
}

static int hog(struct shared_page *shared)
{
    /* Everything that could need a page of our own later is touched now (stack, data and
     * bss, stdio): a fault that cannot be resolved at the quota would stop this thread. */
    static int in_bss;
    volatile char stack[32 * 1024];
    for (unsigned i = 0; i < sizeof(stack); i += 512)
        stack[i] = 0;
    touch_region(&in_bss);
    shared->a_full = 0;   /* the shared page's page table too */
    printf("quota: A allocates until its quota is exhausted\n");
    struct pecan_factory_info start, full, end;
    pecan_cap_t ds;
    int err = info(PECAN_ENV_FACTORY, &start);
    if (!err)
        err = pecan_cap_alloc(&ds);
    if (!err)
        err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, start.quota, 0, 0, ds, 0);
    if (err) {
        printf("quota: A: set-up failed: %d (FAILED)\n", err);
        return 1;
    }
    uint32_t pages;
    int why = fill(ds, start.quota, &pages);
    if ((err = info(PECAN_ENV_FACTORY, &full)) != 0) {
        printf("quota: A: FACTORY INFO at the quota failed: %d (FAILED)\n", err);
        return 1;
    }
    uint32_t got = pages * PAGE, left = full.quota - full.used, fixed = full.used - got;
    printf("quota: A got %u KiB of its %u KiB quota (fixed costs %u KiB, %u bytes left), "
           "then error %d\n", (unsigned)(got / 1024), (unsigned)(full.quota / 1024),
           (unsigned)(fixed / 1024), (unsigned)left, why);
    int status = 0;
    if (why != -PECAN_ENOMEM) {
        printf("quota: A: stopped by %d, not by -PECAN_ENOMEM (FAILED)\n", why);
        status = 1;
    }
    if (left >= PAGE) {
        printf("quota: A: %u bytes of the quota were never handed out (FAILED)\n",
               (unsigned)left);
        status = 1;
    }
    /* At the quota, one more of anything is refused too. */
    pecan_cap_t more;
    if (pecan_cap_alloc(&more) == 0) {
        err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, PAGE, 0, 0, more, 0);
        if (err != -PECAN_ENOMEM && left < PAGE) {
            printf("quota: A: a dataspace at the quota: %d, not -PECAN_ENOMEM (FAILED)\n", err);
            status = 1;
        }
        pecan_cap_release(more);
    }
    shared->a_full = 1;
    if (!wait_for(&shared->b_done)) {
        printf("quota: A: B never finished (FAILED)\n");
        status = 1;
    }
    pecan_cap_release(ds);
    /* moe frees it on its no-clients notification: wait up to 10 s (a busy host may hold
     * moe's CPU up for long; a leak never settles). */
    for (unsigned i = 0; i < 1000; i++) {
        if ((err = info(PECAN_ENV_FACTORY, &end)) != 0 || end.used == start.used)
            break;
        pecan_sleep_us(10000);
    }
    if (err || end.used != start.used) {
        printf("quota: A: after freeing, %u bytes used (before: %u) (FAILED)\n",
               (unsigned)end.used, (unsigned)start.used);
        status = 1;
    } else {
        printf("quota: A freed everything: %u bytes used again\n", (unsigned)end.used);
    }
    return status;
}

/* ---- client B --------------------------------------------------------------------------- */

static int work_round(unsigned round)
{
    pecan_cap_t ds;
    int err = pecan_cap_alloc(&ds);
    if (err)
        return err;
    if ((err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, WORK_SIZE, 0, 0, ds, 0)) != 0) {
        pecan_cap_free(ds);
        return err;
    }
    pecan_word_t address = PECAN_ENV_FREE_BASE;
    err = pecan_rm_attach(PECAN_ENV_RM, &address, WORK_SIZE,
                          PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE, ds, 0);
    if (!err) {
        volatile uint32_t *words = (volatile uint32_t *)(uintptr_t)address;
        for (unsigned i = 0; i < WORK_SIZE / 4; i += 97)
            words[i] = round * 1000003u + i;
        for (unsigned i = 0; i < WORK_SIZE / 4 && !err; i += 97)
            if (words[i] != round * 1000003u + i)
                err = -PECAN_EINVAL;
        int detach = pecan_rm_detach(PECAN_ENV_RM, address, 0, 0);
        if (!err)
            err = detach;
    }
    pecan_cap_release(ds);
    if (err)
        return err;
    char *block = malloc(64 * 1024);
    if (!block)
        return -PECAN_ENOMEM;
    memset(block, (int)round, 64 * 1024);
    err = block[round * 311 % (64 * 1024)] == (char)round ? 0 : -PECAN_EINVAL;
    free(block);
    return err;
}

static int worker(struct shared_page *shared)
{
    if (!wait_for(&shared->a_full)) {
        printf("quota: B: A never reached its quota (FAILED)\n");
        return 1;
    }
    struct pecan_factory_info start, end;
    int err = info(PECAN_ENV_FACTORY, &start);
    for (unsigned round = 0; round < ROUNDS && !err; round++)
        if ((err = work_round(round)) != 0)
            printf("quota: B: round %u failed: %d (FAILED)\n", round, err);
    shared->b_done = 1;
    if (err)
        return 1;
    printf("quota: B did %u rounds of allocation while A was at its quota\n", ROUNDS);
    if ((err = info(PECAN_ENV_FACTORY, &end)) != 0 || end.used > start.used + 0x40000u) {
        printf("quota: B: used %u bytes after its work (before: %u) (FAILED)\n",
               (unsigned)end.used, (unsigned)start.used);
        return 1;
    }
    return 0;
}

/* ---- the parent ------------------------------------------------------------------------- */

static struct children children;

static int start(const char *role, pecan_cap_t factory, pecan_cap_t shared,
                 struct child **child)
{
    const char *argv[] = { "quota", role };
    struct child_cap caps[] = { { "shared", shared, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT } };
    struct child_spec spec = {
        .path = "rom/quota.elf", .argc = 2, .argv = argv,
        .factory = factory, .scheduler = PECAN_ENV_SCHEDULER, .log = PECAN_ENV_LOG,
        .cap_count = 1, .caps = caps,
    };
    const char *why;
    int err = children_start(&children, &spec, child, &why);
    if (err)
        printf("quota: starting %s: %s (%d) (FAILED)\n", role, why, err);
    return err;
}

static int make_factory(pecan_word_t quota, pecan_cap_t *factory)
{
    int err = pecan_cap_alloc(factory);
    return err ? err : pecan_factory_create_factory(PECAN_ENV_FACTORY, quota, *factory);
}

/* Waits until the factory's used bytes are `expected` (moe frees on notifications); up to
 * 10 s, which only a busy host needs. */
static bool settles(pecan_cap_t factory, pecan_word_t expected, struct pecan_factory_info *now)
{
    for (unsigned i = 0; i < 1000; i++) {
        if (info(factory, now) == 0 && now->used == expected)
            return true;
        pecan_sleep_us(10000);
    }
    return false;
}

static int parent(void)
{
    pecan_cap_t shared_ds, factory_a, factory_b;
    struct shared_page *shared = 0;
    int err = children_init(&children, PECAN_ENV_FACTORY);
    if (!err)
        err = pecan_cap_alloc(&shared_ds);
    if (!err)
        err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, PAGE, 0, 0, shared_ds, 0);
    if (!err && !(shared = attach_shared(shared_ds)))
        err = -PECAN_ENOMEM;
    struct pecan_factory_info baseline, a_before, now;
    if (!err)
        err = info(PECAN_ENV_FACTORY, &baseline);
    if (!err)
        err = make_factory(QUOTA_A, &factory_a);
    if (!err)
        err = make_factory(QUOTA_B, &factory_b);
    if (!err)
        err = info(factory_a, &a_before);
    if (err) {
        printf("quota: set-up failed: %d (FAILED)\n", err);
        return 1;
    }
    struct child *a, *b;
    if (start("hog", factory_a, shared_ds, &a) || start("worker", factory_b, shared_ds, &b))
        return 1;
    int status = 0;
    for (unsigned exits = 0; exits < 2; exits++) {
        struct child *c;
        if (children_wait(&children, 60000000, &c) != 0) {
            printf("quota: the clients did not exit (FAILED)\n");
            return 1;
        }
        const char *who = c == a ? "A" : "B";
        printf("quota: %s exited with status %d\n", who, c->status);
        if (c->status != 0)
            status = 1;
        children_release(&children, c);
        if (c != a)
            continue;
        if (!settles(factory_a, a_before.used, &now)) {
            printf("quota: A's factory: %u bytes used after A (before A: %u) (FAILED)\n",
                   (unsigned)now.used, (unsigned)a_before.used);
            status = 1;
        } else {
            printf("quota: A's factory back to %u bytes used, as before A started\n",
                   (unsigned)now.used);
        }
    }
    pecan_cap_release(factory_a);
    pecan_cap_release(factory_b);
    /* Both factories are gone: every byte moe handed out since the baseline must be on
     * this program's own bill (its heap, page tables of its mappings), none elsewhere. */
    settles(PECAN_ENV_FACTORY, baseline.used, &now);
    int32_t taken = (int32_t)(baseline.free_ram - now.free_ram);
    int32_t charged = (int32_t)(now.used - baseline.used);
    if (taken != charged) {
        printf("quota: moe's free RAM went down by %d bytes, our factory's use up by %d "
               "(FAILED)\n", (int)taken, (int)charged);
        status = 1;
    } else {
        printf("quota: after both factories: moe free RAM %u, every byte accounted for "
               "(%d bytes on our own bill)\n", (unsigned)now.free_ram, (int)charged);
    }
    if (status == 0)
        printf("quota: all checks passed\n");
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return parent();
    pecan_cap_t ds = pecan_env_cap("shared");
    struct shared_page *shared = ds ? attach_shared(ds) : 0;
    if (!shared) {
        printf("quota: %s: no shared page (FAILED)\n", argv[1]);
        return 2;
    }
    if (strcmp(argv[1], "hog") == 0)
        return hog(shared);
    if (strcmp(argv[1], "worker") == 0)
        return worker(shared);
    return 2;
}
