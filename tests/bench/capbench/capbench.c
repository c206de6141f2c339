/* SPDX-License-Identifier: MIT */
/*
 * capbench: micro-benchmarks of the capability kernel, run as the root task of the
 * bench-cap image (docs/bench.md). Under `-icount shift=0` one instruction is one
 * nanosecond of virtual time, so DEBUG_CLOCK differences are instruction counts.
 *
 * Every figure except the two lookups is a full invocation from user space through the
 * l4re bindings (trap, kernel, return, and the binding's argument marshalling), averaged
 * over many runs: DEBUG_CLOCK is read before and after the whole loop and the cost of one
 * DEBUG_CLOCK call is subtracted. Work that must be redone between runs is kept out of
 * the loop: a retype benchmark first retypes a big untyped into one small "slab" untyped
 * per run and then retypes each slab once, so every run finds a fresh leaf untyped.
 * The lookups are timed inside the kernel (DEBUG_LOOKUP_BENCH) as (t(2N) - t(N)) / N,
 * which cancels the fixed cost of the call and the clock reads; they still include the
 * kernel's loop around the lookup.
 *
 * Output: a "# ..." line saying what was measured, then "bench <name> <value>
 * instructions", per figure. Exit status 0, or 1 after printing an unexpected error.
 */
#include <pecan/bootinfo.h>
#include <pecan/print.h>
#include <pecan/sys.h>

#include "../common/bench.h"
#include <stddef.h>

#define ROOT PECAN_ROOT_CNODE
#define KERNEL_LOG PECAN_ROOT_LOG
#define ROOT_DEPTH 32

/* Root CNode layout from the first free slot: named objects, slabs, destinations. */
#define MISC_SLOTS 64
#define SLAB_SLOTS 1024
#define DEST_SLOTS 2048

#define LOOKUP_N 512u          /* lookups per DEBUG_LOOKUP_BENCH (and twice that: the kernel
                                  takes at most PECAN_LOG_LOOKUP_BENCH_MAX) */
#define RETYPE_RUNS 512u
#define PAGEDIR_RUNS 200u      /* 255 hardware ASIDs */
#define BATCH 16u
#define BATCH_RUNS 128u        /* 2048 gates */
#define CSPACE_RUNS 1024u      /* mint, copy, delete */
#define REVOKE_SMALL 64u
#define REVOKE_LARGE 1024u
#define REVOKE_REPEATS 4u
#define MAP_RUNS 1024u         /* 4 MiB with 4 page tables present */
#define MAP_NO_PT_RUNS 256u    /* one page table from the pool each */

#define MAP_BASE 0x10000000u
#define MAP_NO_PT_BASE 0x20000000u
#define MIB (1u << 20)
#define PAGE (1u << 12)

#define HELPER_PRIORITY 200
#define CPSR_USER 0x10u
/* The helper's capability space: the root CNode with a guard that makes guard and radix
 * 20 bits together (a 3-bit guard for a 17-bit root CNode), so an index is
 * (root slot << 12) | (12 bits for a CNode in that slot). Set from the boot info. */
#define HELPER_FIRST_LEVEL_BITS 20
static unsigned helper_guard_bits;
#define HELPER_INDEX(slot) ((pecan_word_t)(slot) << (32 - HELPER_FIRST_LEVEL_BITS))
#define L2_RADIX 8
#define L2_GUARD_BITS 4        /* 8 + 4 = the 12 bits left after the first level */
#define L2_TARGET_SLOT 1

static pecan_cap_t misc_next, misc_end;
static pecan_cap_t slab_base, dest_base;
static pecan_cap_t work;           /* untyped retyped and revoked by each benchmark */
static pecan_cap_t misc_untyped[32];
static unsigned misc_untyped_count, misc_untyped_used;
static unsigned work_bits;

static pecan_cap_t misc_slot(void)
{
    if (misc_next >= misc_end)
        bench_fail("misc_slot (out of slots)", -PECAN_ERANGE);
    return misc_next++;
}

/* A new object of type from its own 1 MiB misc untyped. */
static pecan_cap_t misc_object(unsigned type, unsigned size_bits)
{
    if (misc_untyped_used >= misc_untyped_count)
        bench_fail("misc_object (out of untyped)", -PECAN_ENOMEM);
    pecan_cap_t slot = misc_slot();
    TRY(pecan_untyped_retype(misc_untyped[misc_untyped_used++], type, size_bits, 1, ROOT, slot));
    return slot;
}

static void work_reset(void)
{
    TRY(pecan_cnode_revoke(ROOT, work, ROOT_DEPTH));
}

/* Finds the two largest RAM untyped: one becomes the work untyped, the other is split
 * into 1 MiB untyped for the long-lived objects. */
static void setup(const struct pecan_bootinfo *info)
{
    pecan_cap_t first = 0, second = 0;
    unsigned first_bits = 0, second_bits = 0;
    for (unsigned i = 0; i < info->cap_count; i++) {
        const struct pecan_bootinfo_cap *c = &info->caps[i];
        if (c->kind != PECAN_BOOTINFO_UNTYPED)
            continue;
        if (c->size_bits > first_bits) {
            second = first, second_bits = first_bits;
            first = c->slot, first_bits = c->size_bits;
        } else if (c->size_bits > second_bits) {
            second = c->slot, second_bits = c->size_bits;
        }
    }
    if (first_bits < 24 || second_bits < 22)
        bench_fail("setup (need untyped of 16 MiB and 4 MiB)", -PECAN_ENOMEM);
    helper_guard_bits = HELPER_FIRST_LEVEL_BITS - info->root_cnode_bits;
    if (info->first_free_slot + MISC_SLOTS + SLAB_SLOTS + DEST_SLOTS > (1u << info->root_cnode_bits))
        bench_fail("setup (root CNode too small)", -PECAN_ERANGE);
    work = first;
    work_bits = first_bits;
    misc_next = info->first_free_slot;
    misc_end = misc_next + MISC_SLOTS;
    slab_base = misc_end;
    dest_base = slab_base + SLAB_SLOTS;

    misc_untyped_count = 1u << (second_bits - 20);
    if (misc_untyped_count > 32)
        misc_untyped_count = 32;
    pecan_cap_t base = misc_next;
    misc_next += misc_untyped_count;
    TRY(pecan_untyped_retype(second, PECAN_OBJ_UNTYPED, 20, misc_untyped_count, ROOT, base));
    for (unsigned i = 0; i < misc_untyped_count; i++)
        misc_untyped[i] = base + i;

    /* One DEBUG_CLOCK call, averaged over 64. */
    uint64_t t0 = bench_now();
    for (unsigned i = 0; i < 63; i++)
        (void)bench_now();
    bench_clock_cost = (bench_now() - t0) / 64;
    pecan_printf("# DEBUG_CLOCK costs %lu instructions; it is subtracted from every loop\n",
                 (unsigned long)bench_clock_cost);
}

/* Kernel-side lookups of index in the caller's space: (t(2N) - t(N)) / N, in hundredths. */
static int lookup_cost(pecan_cap_t log, pecan_cap_t index, uint64_t *per_lookup_x100)
{
    uint64_t one, two;
    int err = pecan_debug_lookup_bench(log, index, LOOKUP_N, &one);
    if (!err)
        err = pecan_debug_lookup_bench(log, index, 2 * LOOKUP_N, &two);
    if (!err)
        *per_lookup_x100 = (two - one) * 100 / LOOKUP_N;
    return err;
}

static void print_lookup(const char *name, uint64_t x100, const char *what)
{
    pecan_printf("# %s (%lu.%02lu)\n", what, (unsigned long)(x100 / 100),
                 (unsigned long)(x100 % 100));
    pecan_printf("bench %s %lu instructions\n", name, (unsigned long)((x100 + 50) / 100));
}

/* The helper thread: runs in the root's address space with a two-level capability space
 * and reports through these variables, then stops itself. */
static struct {
    pecan_cap_t thread;            /* indices in the helper's space */
    pecan_cap_t log;
    pecan_cap_t l2_target;
    volatile int err;
    volatile int done;
    uint64_t l1_x100, l2_x100;
} helper;
static uint64_t helper_stack[512];

static void __attribute__((noreturn)) helper_main(void)
{
    int err = lookup_cost(helper.log, helper.log, &helper.l1_x100);
    if (!err)
        err = lookup_cost(helper.log, helper.l2_target, &helper.l2_x100);
    helper.err = err;
    helper.done = 1;
    for (;;)
        pecan_thread_suspend(helper.thread);
}

static void bench_lookups(void)
{
    uint64_t l1;
    TRY(lookup_cost(KERNEL_LOG, KERNEL_LOG, &l1));
    print_lookup("cap_lookup_l1", l1,
                 "cap_lookup_l1: cspace_lookup of a slot of the root CNode (one level, 14-bit "
                 "radix, 18-bit zero guard: the fast path), inside the kernel, (t(2N)-t(N))/N; "
                 "includes the kernel loop around it");

    /* A second-level CNode reached through the root CNode with an 8-bit guard, holding a
     * copy of the log capability. */
    pecan_cap_t l2 = misc_object(PECAN_OBJ_CNODE, L2_RADIX);
    pecan_cap_t l2_guarded = misc_slot();
    TRY(pecan_cnode_mint(ROOT, l2_guarded, ROOT_DEPTH, ROOT, l2, ROOT_DEPTH, PECAN_RIGHTS_ALL,
                         L2_GUARD_BITS));
    TRY(pecan_cnode_copy(l2, L2_TARGET_SLOT, L2_RADIX, ROOT, KERNEL_LOG, ROOT_DEPTH,
                         PECAN_RIGHTS_ALL));
    /* The helper's root: the root CNode with a 4-bit guard. */
    pecan_cap_t helper_root = misc_slot();
    TRY(pecan_cnode_mint(ROOT, helper_root, ROOT_DEPTH, ROOT, ROOT, ROOT_DEPTH, PECAN_RIGHTS_ALL,
                         helper_guard_bits));
    pecan_cap_t thread = misc_object(PECAN_OBJ_THREAD, 0);
    helper.thread = HELPER_INDEX(thread);
    helper.log = HELPER_INDEX(KERNEL_LOG);
    helper.l2_target = HELPER_INDEX(l2_guarded) | L2_TARGET_SLOT;
    TRY(pecan_thread_configure(thread, helper_root, PECAN_ROOT_VSPACE, PECAN_CAP_UNCHANGED, 0,
                               PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT] = { 0 };
    regs[13] = (pecan_word_t)(uintptr_t)&helper_stack[sizeof(helper_stack) / sizeof(helper_stack[0])];
    regs[15] = (pecan_word_t)(uintptr_t)helper_main;
    regs[16] = CPSR_USER;
    TRY(pecan_thread_write_registers(thread, regs));
    TRY(pecan_thread_set_priority(thread, HELPER_PRIORITY));
    TRY(pecan_thread_resume(thread));   /* runs at once (higher priority) until it stops */
    if (!helper.done)
        bench_fail("helper thread (did not run)", -PECAN_EINVAL);
    if (helper.err)
        bench_fail("helper thread lookups", helper.err);
    print_lookup("cap_lookup_l2", helper.l2_x100,
                 "cap_lookup_l2: cspace_lookup through two CNodes (2-bit guard + 14-bit radix, "
                 "then 8-bit guard + 8-bit radix, bit-terminated), inside the kernel, from a "
                 "second thread whose cspace root is the guarded root CNode");
    pecan_printf("# for comparison: one level, object-terminated, off the fast path (the same "
                 "thread naming the kernel log): %lu.%02lu\n",
                 (unsigned long)(helper.l1_x100 / 100), (unsigned long)(helper.l1_x100 % 100));
}

/* runs retypes of count objects each, one per fresh slab untyped of 2^slab_bits. */
static uint64_t retype_runs(unsigned type, unsigned size_bits, unsigned count, unsigned slab_bits,
                            unsigned runs)
{
    if (runs > SLAB_SLOTS || runs * count > DEST_SLOTS)
        bench_fail("retype_runs (too many runs)", -PECAN_ERANGE);
    TRY(pecan_untyped_retype(work, PECAN_OBJ_UNTYPED, slab_bits, runs, ROOT, slab_base));
    uint64_t t0 = bench_now();
    for (unsigned i = 0; i < runs; i++)
        TRY(pecan_untyped_retype(slab_base + i, type, size_bits, count, ROOT, dest_base + i * count));
    uint64_t t1 = bench_now();
    work_reset();
    return bench_elapsed(t0, t1);
}

static void bench_retype(const char *name, unsigned type, unsigned size_bits, unsigned slab_bits,
                         unsigned runs, const char *what)
{
    bench_figure(name, retype_runs(type, size_bits, 1, slab_bits, runs), runs, what);
}

static void bench_retypes(void)
{
    bench_retype("retype_untyped", PECAN_OBJ_UNTYPED, 12, 12, RETYPE_RUNS,
                 "retype_untyped: UNTYPED_RETYPE of a 4 KiB leaf untyped into one 4 KiB untyped "
                 "(not zeroed), 512 runs");
    bench_retype("retype_thread", PECAN_OBJ_THREAD, 0, 12, RETYPE_RUNS,
                 "retype_thread: retype of one thread (the 352 bytes struct thread uses zeroed, thread_init), 512 runs");
    bench_retype("retype_gate", PECAN_OBJ_GATE, 0, 12, RETYPE_RUNS,
                 "retype_gate: retype of one gate (32 B zeroed), 512 runs");
    bench_retype("retype_notification", PECAN_OBJ_NOTIFICATION, 0, 12, RETYPE_RUNS,
                 "retype_notification: retype of one notification (32 B zeroed), 512 runs");
    bench_retype("retype_cnode16", PECAN_OBJ_CNODE, 4, 12, RETYPE_RUNS,
                 "retype_cnode16: retype of one 16-slot CNode (512 B zeroed), 512 runs");
    bench_retype("retype_frame4k", PECAN_OBJ_FRAME, 12, 12, RETYPE_RUNS,
                 "retype_frame4k: retype of one 4 KiB frame (zeroed), 512 runs");
    bench_retype("retype_pagetable", PECAN_OBJ_PAGE_TABLE, 0, 12, RETYPE_RUNS,
                 "retype_pagetable: retype of one page table (4 KiB zeroed), 512 runs");
    bench_retype("retype_pagedir", PECAN_OBJ_VSPACE, 0, 14, PAGEDIR_RUNS,
                 "retype_pagedir: retype of one vspace (16 KiB page directory zeroed, kernel "
                 "entries copied, cleaned to memory, ASID taken), 200 runs");
    uint64_t batch = retype_runs(PECAN_OBJ_GATE, 0, BATCH, 12, BATCH_RUNS);
    bench_figure("retype_batch16_gate_each", batch, BATCH_RUNS * BATCH,
           "retype_batch16_gate_each: one retype of 16 gates, divided by 16 "
           "(128 runs)");
}

/* Revoke of the work untyped with n gate children, one run. */
static uint64_t revoke_run(unsigned n)
{
    TRY(pecan_untyped_retype(work, PECAN_OBJ_GATE, 0, n, ROOT, dest_base));
    uint64_t t0 = bench_now();
    TRY(pecan_cnode_revoke(ROOT, work, ROOT_DEPTH));
    return bench_elapsed(t0, bench_now());
}

static void bench_revoke(void)
{
    uint64_t small = 0, large = 0;
    for (unsigned r = 0; r < REVOKE_REPEATS; r++) {
        small += revoke_run(REVOKE_SMALL);
        large += revoke_run(REVOKE_LARGE);
    }
    uint64_t per_x100 = (large - small) * 100 / (REVOKE_REPEATS * (REVOKE_LARGE - REVOKE_SMALL));
    uint64_t fixed = small / REVOKE_REPEATS - per_x100 * REVOKE_SMALL / 100;
    pecan_printf("# revoke_each: CNODE_REVOKE of an untyped with n gate children, "
                 "(t(1024)-t(64))/960, 4 runs each; fixed part t(64)-64*each = %lu\n",
                 (unsigned long)fixed);
    pecan_printf("bench revoke_each %lu instructions\n", (unsigned long)((per_x100 + 50) / 100));
}

static void bench_cspace_ops(void)
{
    pecan_cap_t source = misc_object(PECAN_OBJ_NOTIFICATION, 0);
    uint64_t t0 = bench_now();
    for (unsigned i = 0; i < CSPACE_RUNS; i++)
        TRY(pecan_cnode_mint(ROOT, dest_base + i, ROOT_DEPTH, ROOT, source, ROOT_DEPTH,
                             PECAN_RIGHTS_ALL, i + 1));
    uint64_t t1 = bench_now();
    bench_figure("mint", bench_elapsed(t0, t1), CSPACE_RUNS,
           "mint: CNODE_MINT of a notification capability with a badge into an empty slot "
           "(source and destination in the one-level root CNode), 1024 runs");
    TRY(pecan_cnode_revoke(ROOT, source, ROOT_DEPTH));

    t0 = bench_now();
    for (unsigned i = 0; i < CSPACE_RUNS; i++)
        TRY(pecan_cnode_copy(ROOT, dest_base + i, ROOT_DEPTH, ROOT, source, ROOT_DEPTH,
                             PECAN_RIGHTS_ALL));
    t1 = bench_now();
    bench_figure("copy", bench_elapsed(t0, t1), CSPACE_RUNS,
           "copy: CNODE_COPY of a notification capability into an empty slot, 1024 runs");

    t0 = bench_now();
    for (unsigned i = 0; i < CSPACE_RUNS; i++)
        TRY(pecan_cnode_delete(ROOT, dest_base + i, ROOT_DEPTH));
    t1 = bench_now();
    bench_figure("delete", bench_elapsed(t0, t1), CSPACE_RUNS,
           "delete: CNODE_DELETE of one of those copies (not the last capability), 1024 runs");
}

static void bench_map(void)
{
    pecan_cap_t vspace = misc_object(PECAN_OBJ_VSPACE, 0);
    pecan_cap_t frames = slab_base, tables = dest_base;
    pecan_cap_t halves = misc_slot();   /* two halves of the work untyped */
    (void)misc_slot();

    /* Page tables present: 4 installed, 1024 frames mapped into their 4 MiB. */
    TRY(pecan_untyped_retype(work, PECAN_OBJ_UNTYPED, work_bits - 1, 2, ROOT, halves));
    TRY(pecan_untyped_retype(halves, PECAN_OBJ_FRAME, 12, MAP_RUNS, ROOT, frames));
    TRY(pecan_untyped_retype(halves + 1, PECAN_OBJ_PAGE_TABLE, 0, MAP_RUNS / 256, ROOT, tables));
    for (unsigned i = 0; i < MAP_RUNS / 256; i++)
        TRY(pecan_vspace_map_page_table(vspace, tables + i, MAP_BASE + i * MIB));
    uint64_t t0 = bench_now();
    for (unsigned i = 0; i < MAP_RUNS; i++)
        TRY(pecan_vspace_map_frame(vspace, frames + i, MAP_BASE + i * PAGE,
                                   PECAN_MAP_READ | PECAN_MAP_WRITE, 0));
    uint64_t t1 = bench_now();
    bench_figure("map_4k_pt_present", bench_elapsed(t0, t1), MAP_RUNS,
           "map_4k_pt_present: VSPACE_MAP_FRAME of a 4 KiB frame where the page table is "
           "installed (MAP-VALID-L2-4KB), 1024 runs");
    work_reset();

    /* No page table: each map takes one from the donated pool and installs it. */
    TRY(pecan_untyped_retype(work, PECAN_OBJ_UNTYPED, work_bits - 1, 2, ROOT, halves));
    TRY(pecan_untyped_retype(halves, PECAN_OBJ_FRAME, 12, MAP_NO_PT_RUNS, ROOT, frames));
    TRY(pecan_untyped_retype(halves + 1, PECAN_OBJ_PAGE_TABLE, 0, MAP_NO_PT_RUNS, ROOT, tables));
    for (unsigned i = 0; i < MAP_NO_PT_RUNS; i++)
        TRY(pecan_vspace_donate_page_table(vspace, tables + i));
    t0 = bench_now();
    for (unsigned i = 0; i < MAP_NO_PT_RUNS; i++)
        TRY(pecan_vspace_map_frame(vspace, frames + i, MAP_NO_PT_BASE + i * MIB,
                                   PECAN_MAP_READ | PECAN_MAP_WRITE, 0));
    t1 = bench_now();
    bench_figure("map_4k_no_pt", bench_elapsed(t0, t1), MAP_NO_PT_RUNS,
           "map_4k_no_pt: VSPACE_MAP_FRAME of a 4 KiB frame into a MiB without a page table: "
           "one call takes a table from the donated pool, clears and installs it, then maps "
           "(MAP-NO-L2-4KB), 256 runs");
    unsigned pool = 1;
    TRY(pecan_vspace_info(vspace, NULL, &pool, NULL));
    if (pool != 0)
        bench_fail("map_4k_no_pt (pool not used up)", -PECAN_EINVAL);
    work_reset();
}

int root_main(const struct pecan_bootinfo *info);

int root_main(const struct pecan_bootinfo *info)
{
    bench_program = "capbench";
    if (info->magic != PECAN_BOOTINFO_MAGIC || info->version != PECAN_BOOTINFO_VERSION)
        bench_fail("boot info", -PECAN_EINVAL);
    setup(info);
    bench_lookups();
    bench_retypes();
    bench_revoke();
    bench_cspace_ops();
    bench_map();
    bench_report_invariants(KERNEL_LOG);
    return 0;
}
