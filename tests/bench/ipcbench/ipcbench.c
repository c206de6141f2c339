/* SPDX-License-Identifier: MIT */
/*
 * ipcbench: micro-benchmarks of IPC, faults and thread and task creation, run as the root
 * task of the bench-ipc image (docs/bench.md). Under `-icount shift=0` one instruction is
 * one nanosecond of virtual time, so DEBUG_CLOCK differences are instruction counts. As in
 * capbench, DEBUG_CLOCK is read before and after a loop of many runs and the cost of one
 * DEBUG_CLOCK call is subtracted; work that has to be redone between runs (fresh untyped
 * for each retype) is done before the loop.
 *
 *   ipc_rt_*      call + reply-and-wait round trips with one word in registers: the client
 *                 (the root) calls through a gate in a loop of raw `svc`s; the server is a
 *                 5-instruction assembly loop of reply-and-wait that echoes the message.
 *                 Same address space: the server is a thread of the root's. Across: the
 *                 server is a task with an address space and a capability space of its own.
 *                 Cross CPU: that task moved to CPU 1 (the root stays on CPU 0); the
 *                 figure then includes every CPU's instructions (one virtual clock).
 *   notify_wake   a notification SIGNAL that wakes a higher-priority thread blocked in WAIT,
 *                 until that thread runs: the root reads the clock and signals, the waiter
 *                 reads the clock when its WAIT returns; minus one DEBUG_CLOCK call.
 *   pf_rt_4k      a read of an unmapped page by a task whose pager (the root) answers the
 *                 fault with a memory item of one 4 KiB page of its own: fault entry,
 *                 the fault message, the pager's loop, the reply with the mapping (mapping
 *                 database), and the retried read. Timed in the task over 256 pages, minus
 *                 the same loop over the then mapped pages.
 *   thread_create UNTYPED_RETYPE of a thread object + THREAD_CONFIGURE (capability space,
 *   address
 *                 space, UTCB) + THREAD_START (pc, sp, r0, and resume). WRITE_REGISTERS and
 *                 RESUME, which START replaces, are timed on the same threads afterwards
 *                 for an informative "#" line.
 *   task_create   retype of a vspace, of a 256-slot CNode, its guard (a CNODE_MINT), a
 *                 thread object, CONFIGURE with both, and START.
 *
 * Output: "# ..." lines saying what was measured, then "bench <name> <value>
 * instructions". Exit status 0, or 1 after printing an unexpected error.
 */
#include <pecan/bootinfo.h>
#include <pecan/print.h>
#include <pecan/sys.h>

#include "../common/bench.h"
#include <stdbool.h>
#include <stddef.h>

#define ROOT PECAN_ROOT_CNODE
#define KERNEL_LOG PECAN_ROOT_LOG
#define SCHED PECAN_ROOT_SCHEDULER
#define ROOT_DEPTH 32
#define CPSR_USER 0x10u
#define PAGE 4096u
#define MIB (1u << 20)

#define RT_RUNS 10000u
#define RT_WARMUP 16u
#define NOTIFY_RUNS 2000u
#define PF_PAGES 256u
#define THREAD_RUNS 256u
#define TASK_RUNS 64u
#define TASK_CNODE_RADIX 8

/* Tasks: the root's code at the same addresses (read and execute), a 64 KiB stack with
 * the UTCB at its base, a shared page, a 16-slot CNode (index n = slot n). */
#define TASK_STACK_VA 0x000E0000u
#define SHARED_VA 0x000F0000u
#define TASK_RADIX 4
enum task_slot { T_SELF = 1, T_LOG, T_DONE, T_COUNT };

/* The root's own mappings made here. */
#define SERVER_UTCB_VA 0x50000000u     /* UTCB of the same-address-space server */
#define PF_SOURCE_VA 0x51000000u       /* the pager's 256 pages */
#define PF_TARGET_VA 0x00400000u       /* where the task faults */
#define THREAD_UTCB_VA 0x52000000u

extern const char __text_end[];

static pecan_cap_t next_slot, slot_limit;
static const struct pecan_bootinfo *boot_info;

static pecan_cap_t slots(unsigned n)
{
    if (next_slot + n > slot_limit)
        bench_fail("slots (root CNode full)", -PECAN_ERANGE);
    pecan_cap_t first = next_slot;
    next_slot += n;
    return first;
}

/* ---- untyped: 1 MiB pieces of the largest untyped, and pools of slabs cut from them --- */

#define MAX_PIECES 64
static pecan_cap_t pieces[MAX_PIECES];
static unsigned piece_count, pieces_used;

static pecan_cap_t piece(void)
{
    if (pieces_used >= piece_count)
        bench_fail("piece (out of untyped)", -PECAN_ENOMEM);
    return pieces[pieces_used++];
}

/* 2^(20 - bits) slabs of 2^bits from a fresh piece, in consecutive slots. */
static pecan_cap_t slabs(unsigned bits)
{
    pecan_cap_t first = slots(1u << (20 - bits));
    TRY(pecan_untyped_retype(piece(), PECAN_OBJ_UNTYPED, bits, 1u << (20 - bits), ROOT, first));
    return first;
}

struct pool {
    unsigned bits;
    pecan_cap_t first;
    unsigned next, count;
};
static struct pool pools[] = { { 12, 0, 0, 0 }, { 14, 0, 0, 0 }, { 16, 0, 0, 0 } };

static unsigned object_bits(unsigned type, unsigned size_bits)
{
    switch (type) {
    case PECAN_OBJ_THREAD: return 10;
    case PECAN_OBJ_GATE:
    case PECAN_OBJ_NOTIFICATION: return 5;
    case PECAN_OBJ_CNODE: return size_bits + 5;
    case PECAN_OBJ_VSPACE: return 14;
    case PECAN_OBJ_PAGE_TABLE: return 12;
    default: return size_bits;
    }
}

/* One long-lived object in a new slot, from a slab of its own. */
static pecan_cap_t object(unsigned type, unsigned size_bits)
{
    unsigned bits = object_bits(type, size_bits);
    struct pool *p = NULL;
    for (unsigned i = 0; i < sizeof(pools) / sizeof(pools[0]) && !p; i++) {
        if (pools[i].bits >= bits)
            p = &pools[i];
    }
    if (!p)
        bench_fail("object (too large)", -PECAN_ERANGE);
    if (p->next == p->count) {
        p->first = slabs(p->bits);
        p->next = 0;
        p->count = 1u << (20 - p->bits);
    }
    pecan_cap_t slot = slots(1);
    TRY(pecan_untyped_retype(p->first + p->next++, type, size_bits, 1, ROOT, slot));
    return slot;
}

static void setup(const struct pecan_bootinfo *info)
{
    pecan_cap_t largest = 0;
    unsigned largest_bits = 0;
    for (unsigned i = 0; i < info->cap_count; i++) {
        const struct pecan_bootinfo_cap *c = &info->caps[i];
        if (c->kind == PECAN_BOOTINFO_UNTYPED && c->size_bits > largest_bits) {
            largest = c->slot;
            largest_bits = c->size_bits;
        }
    }
    if (largest_bits < 24)
        bench_fail("setup (need an untyped of 16 MiB)", -PECAN_ENOMEM);
    next_slot = info->first_free_slot;
    slot_limit = 1u << info->root_cnode_bits;
    piece_count = 1u << (largest_bits - 20);
    if (piece_count > MAX_PIECES)
        piece_count = MAX_PIECES;
    pecan_cap_t first = slots(piece_count);
    /* A piece of 2^largest_bits / piece_count each, at least 1 MiB: use 1 MiB ones. */
    TRY(pecan_untyped_retype(largest, PECAN_OBJ_UNTYPED, 20, piece_count, ROOT, first));
    for (unsigned i = 0; i < piece_count; i++)
        pieces[i] = first + i;
    /* Page tables for the root's own new mappings come from its pool. */
    for (unsigned i = 0; i < 2; i++)
        TRY(pecan_vspace_donate_page_table(PECAN_ROOT_VSPACE, object(PECAN_OBJ_PAGE_TABLE, 0)));
    uint64_t t0 = bench_now();
    for (unsigned i = 0; i < 63; i++)
        (void)bench_now();
    bench_clock_cost = (bench_now() - t0) / 64;
    pecan_printf("# DEBUG_CLOCK costs %lu instructions; it is subtracted from every loop\n",
                 (unsigned long)bench_clock_cost);
}

/* ---- threads and tasks -------------------------------------------------------------------- */

static void start(pecan_cap_t thread, void (*entry)(void), pecan_word_t sp, pecan_word_t a0,
                  pecan_word_t a1, pecan_word_t a2, pecan_word_t a3)
{
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT] = { a0, a1, a2, a3 };
    regs[13] = sp;
    regs[15] = (pecan_word_t)(uintptr_t)entry;
    regs[16] = CPSR_USER;
    TRY(pecan_thread_write_registers(thread, regs));
    TRY(pecan_thread_resume(thread));
}

struct task {
    pecan_cap_t vspace, pt, stack, cnode, space, thread;
};

static void task_give(struct task *t, unsigned index, pecan_cap_t src, unsigned rights)
{
    TRY(pecan_cnode_copy(t->cnode, index, TASK_RADIX, ROOT, src, ROOT_DEPTH, rights));
}

/* An address space with the root's code, a stack, a capability space with its own thread object
 * and the kernel log; the thread at priority, not started. */
static void task_make(struct task *t, unsigned priority)
{
    t->vspace = object(PECAN_OBJ_VSPACE, 0);
    t->pt = object(PECAN_OBJ_PAGE_TABLE, 0);
    TRY(pecan_vspace_map_page_table(t->vspace, t->pt, 0));
    for (unsigned i = 0; i < boot_info->cap_count; i++) {
        const struct pecan_bootinfo_cap *c = &boot_info->caps[i];
        pecan_word_t vaddr = 0xFFFFFFFFu;
        if (c->kind != PECAN_BOOTINFO_IMAGE_FRAME || pecan_frame_info(c->slot, 0, 0, &vaddr) ||
            vaddr >= (pecan_word_t)(uintptr_t)__text_end)
            continue;
        pecan_cap_t copy = slots(1);
        TRY(pecan_cnode_copy(ROOT, copy, ROOT_DEPTH, ROOT, c->slot, ROOT_DEPTH,
                             PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
        TRY(pecan_vspace_map_frame(t->vspace, copy, vaddr, PECAN_MAP_READ | PECAN_MAP_EXECUTE, 0));
    }
    t->stack = object(PECAN_OBJ_FRAME, 16);
    TRY(pecan_vspace_map_frame(t->vspace, t->stack, TASK_STACK_VA,
                               PECAN_MAP_READ | PECAN_MAP_WRITE, 0));
    t->cnode = object(PECAN_OBJ_CNODE, TASK_RADIX);
    t->space = slots(1);
    TRY(pecan_cnode_mint(ROOT, t->space, ROOT_DEPTH, ROOT, t->cnode, ROOT_DEPTH, PECAN_RIGHTS_ALL,
                         32 - TASK_RADIX));
    t->thread = object(PECAN_OBJ_THREAD, 0);
    TRY(pecan_thread_configure(t->thread, t->space, t->vspace, t->stack, TASK_STACK_VA,
                               PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    TRY(pecan_thread_set_priority(t->thread, priority));
    task_give(t, T_SELF, t->thread, PECAN_RIGHTS_ALL);
    task_give(t, T_LOG, KERNEL_LOG, PECAN_RIGHTS_ALL);
}

/* A page shared by the root and a task at SHARED_VA. */
static volatile pecan_word_t *share_page(struct task *t)
{
    pecan_cap_t frame = object(PECAN_OBJ_FRAME, 12), copy = slots(1);
    TRY(pecan_cnode_copy(ROOT, copy, ROOT_DEPTH, ROOT, frame, ROOT_DEPTH, PECAN_RIGHTS_ALL));
    TRY(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, frame, SHARED_VA,
                               PECAN_MAP_READ | PECAN_MAP_WRITE, 0));
    TRY(pecan_vspace_map_frame(t->vspace, copy, SHARED_VA, PECAN_MAP_READ | PECAN_MAP_WRITE, 0));
    return (volatile pecan_word_t *)SHARED_VA;
}

/* ---- IPC round trips ---------------------------------------------------------------------- */

/* The server: an open wait, then reply-and-wait forever, answering each message with its
 * own label and words (items dropped). Registers only; it never touches memory. */
static void __attribute__((naked, noreturn)) echo_server(void)
{
    __asm__ volatile(
        "mov r0, #0\n"
        "mov r1, #0\n"
        "mov r2, #6\n"            /* PECAN_OP_WAIT */
        "svc #0\n"
        "1:\n"
        "bic r1, r1, #0xFC0\n"    /* reply tag: the request's label and words */
        "bic r1, r1, #0xF000\n"
        "mov r0, #0\n"
        "mov r2, #15\n"           /* PECAN_OP_REPLY_WAIT */
        "svc #0\n"
        "b 1b\n");
}

/* runs calls through gate with tag; returns the instructions of the loop. */
static uint64_t __attribute__((noinline)) call_loop(pecan_cap_t gate, pecan_tag_t tag,
                                                    unsigned runs)
{
    uint64_t t0 = bench_now();
    for (unsigned i = 0; i < runs; i++) {
        register pecan_word_t r0 __asm__("r0") = gate;
        register pecan_word_t r1 __asm__("r1") = tag;
        register pecan_word_t r2 __asm__("r2") = PECAN_OP_CALL;
        register pecan_word_t r3 __asm__("r3") = i;
        __asm__ volatile("svc #0"
                         : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                         :
                         : "r4", "r5", "r6", "r7", "r8", "memory");
        if (r0 != PECAN_IPC_OK || pecan_tag_label(r1) != pecan_tag_label(tag) || r3 != i)
            bench_fail("call_loop (wrong answer)", -(int)r0);
    }
    return bench_elapsed(t0, bench_now());
}

/* With "profile" on the command line, the round trips run a few times only and nothing
 * else runs, for an instruction trace (docs/bench.md). */
static bool profile_mode;
static unsigned rt_runs = RT_RUNS;

static uint64_t round_trip(pecan_cap_t gate, pecan_tag_t tag)
{
    (void)call_loop(gate, tag, RT_WARMUP);
    return call_loop(gate, tag, rt_runs);
}

static uint64_t server_stack[256] __attribute__((aligned(8)));

static void bench_ipc(void)
{
    /* Same address space: a thread of the root's, at the root's priority. */
    pecan_cap_t gate = object(PECAN_OBJ_GATE, 0), client = slots(1);
    pecan_cap_t thread = object(PECAN_OBJ_THREAD, 0), utcb = object(PECAN_OBJ_FRAME, 12);
    TRY(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, utcb, SERVER_UTCB_VA,
                               PECAN_MAP_READ | PECAN_MAP_WRITE, 0));
    TRY(pecan_thread_configure(thread, ROOT, PECAN_ROOT_VSPACE, utcb, SERVER_UTCB_VA,
                               PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    TRY(pecan_thread_set_priority(thread, 128));
    TRY(pecan_gate_bind(gate, thread));
    TRY(pecan_cnode_mint(ROOT, client, ROOT_DEPTH, ROOT, gate, ROOT_DEPTH, PECAN_RIGHT_WRITE, 0x51));
    start(thread, echo_server, (pecan_word_t)(uintptr_t)&server_stack[256], 0, 0, 0, 0);
    bench_figure("ipc_rt_same_as", round_trip(client, pecan_tag(1, 1, 0)), rt_runs,
           "ipc_rt_same_as: call + reply-and-wait round trip, 1 word in registers, client and "
           "server threads of one address space on one CPU (badged gate; fast path), "
           "10000 runs");

    /* Across address spaces: the server is a task. */
    struct task t;
    task_make(&t, 128);
    pecan_cap_t gate2 = object(PECAN_OBJ_GATE, 0), client2 = slots(1);
    TRY(pecan_gate_bind(gate2, t.thread));
    TRY(pecan_cnode_mint(ROOT, client2, ROOT_DEPTH, ROOT, gate2, ROOT_DEPTH, PECAN_RIGHT_WRITE,
                         0x52));
    start(t.thread, echo_server, TASK_STACK_VA + 0x10000, 0, 0, 0, 0);
    bench_figure("ipc_rt_cross_as", round_trip(client2, pecan_tag(1, 1, 0)), rt_runs,
           "ipc_rt_cross_as: the same with the server in a task of its own (address space, "
           "capability space), each direction switches address space (fast path), "
           "10000 runs");
    bench_figure("ipc_rt_cross_as_slowpath",
           round_trip(client2, pecan_tag(PECAN_PROTO_GATE, 1, 0)), rt_runs,
           "ipc_rt_cross_as_slowpath (informative): the same through the general path of "
           "core/ipc.c (the GATE label keeps both directions off the fast path; the "
           "capability lacks READ, so it is ordinary IPC), 10000 runs");
    bench_figure("ipc_rt_cross_as_63w", round_trip(client2, pecan_tag(1, 63, 0)), rt_runs,
           "ipc_rt_cross_as_63w (informative): the same with 63 words each way (57 through "
           "the UTCBs), 10000 runs");

    /* Across CPUs: the same task server, moved (blocked in its wait) to CPU 1; the root
     * stays on CPU 0. Afterwards it goes back to CPU 0. */
    if (boot_info->cpu_count < 2) {
        pecan_printf("# ipc_rt_cross_cpu: not measured: one CPU\n");
        return;
    }
    TRY(pecan_sched_run_thread(SCHED, t.thread, 128, 1u << 1, 0));
    bench_figure("ipc_rt_cross_cpu", round_trip(client2, pecan_tag(1, 1, 0)), rt_runs,
           "ipc_rt_cross_cpu: the ipc_rt_cross_as round trip (1 word, server task in its own "
           "address space) with the server on CPU 1 and the client (the root) on CPU 0: each "
           "direction wakes the other CPU with a reschedule IPI out of WFI, and the sender's "
           "CPU goes idle. Under -icount all CPUs share one virtual clock, so the figure "
           "counts the instructions executed on all CPUs during the round trips, including "
           "the idle CPUs' wake-ups (interrupt entry, idle loop, choosing the thread), "
           "10000 runs");
    TRY(pecan_sched_run_thread(SCHED, t.thread, 128, 1u << 0, 0));
}

/* ---- notification wake-up ------------------------------------------------------------------ */

static pecan_cap_t notify_n;
static volatile uint64_t notify_t0, notify_sum;
static volatile unsigned notify_count;
static uint64_t waiter_stack[256] __attribute__((aligned(8)));

static void __attribute__((noreturn)) waiter_main(void)
{
    for (;;) {
        pecan_word_t bits;
        int err = pecan_notification_wait(notify_n, &bits);
        uint64_t t1;
        pecan_debug_clock(KERNEL_LOG, &t1);
        if (err == 0) {
            notify_sum += t1 - notify_t0;
            notify_count++;
        }
    }
}

static void bench_notify(void)
{
    notify_n = object(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t thread = object(PECAN_OBJ_THREAD, 0);
    TRY(pecan_thread_configure(thread, ROOT, PECAN_ROOT_VSPACE, PECAN_CAP_UNCHANGED, 0,
                               PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    TRY(pecan_thread_set_priority(thread, 200));
    start(thread, (void (*)(void))waiter_main,
          (pecan_word_t)(uintptr_t)&waiter_stack[256], 0, 0, 0, 0);
    for (unsigned i = 0; i < NOTIFY_RUNS + RT_WARMUP; i++) {
        if (i == RT_WARMUP)
            notify_sum = notify_count = 0;
        notify_t0 = bench_now();
        TRY(pecan_notification_signal(notify_n, 1));
    }
    if (notify_count != NOTIFY_RUNS)
        bench_fail("notify_wake (waiter did not run each time)", -PECAN_EINVAL);
    bench_figure("notify_wake", notify_sum - NOTIFY_RUNS * bench_clock_cost, NOTIFY_RUNS,
           "notify_wake: NOTIFICATION_SIGNAL by the root to a higher-priority thread blocked "
           "in NOTIFICATION_WAIT, until that thread runs (its WAIT returns): the clock read "
           "before the signal and by the waiter, minus one DEBUG_CLOCK, 2000 runs");
    TRY(pecan_thread_suspend(thread));
}

/* ---- page faults to a user pager --------------------------------------------------------- */

/* The task: reads each page of [base, base + pages * 4 KiB), which faults to the pager,
 * then reads them again (mapped now); reports both times in the shared page. */
static void __attribute__((noreturn)) pf_task(pecan_word_t base, pecan_word_t pages,
                                              pecan_word_t shared)
{
    volatile pecan_word_t *out = (volatile pecan_word_t *)shared;
    uint64_t t0, t1, t2, t3;
    pecan_word_t sum = 0;
    pecan_debug_clock(T_LOG, &t0);
    for (unsigned i = 0; i < pages; i++)
        sum += *(volatile pecan_word_t *)(base + i * PAGE);
    pecan_debug_clock(T_LOG, &t1);
    pecan_debug_clock(T_LOG, &t2);
    for (unsigned i = 0; i < pages; i++)
        sum += *(volatile pecan_word_t *)(base + i * PAGE);
    pecan_debug_clock(T_LOG, &t3);
    out[0] = (pecan_word_t)(t1 - t0);
    out[1] = (pecan_word_t)(t3 - t2);
    out[2] = sum;
    out[3] = 1;
    pecan_notification_signal(T_DONE, 1);
    for (;;)
        pecan_thread_suspend(T_SELF);
}

/* The pager loop (the root): answers each page fault with the page at the same offset of
 * PF_SOURCE_VA, until its bound notification ("done") ends the open wait. */
static unsigned pager_loop(void)
{
    unsigned faults = 0;
    register pecan_word_t r0 __asm__("r0") = 0;
    register pecan_word_t r1 __asm__("r1") = 0;
    register pecan_word_t r2 __asm__("r2") = PECAN_OP_WAIT;
    register pecan_word_t r3 __asm__("r3");
    register pecan_word_t r4 __asm__("r4");
    __asm__ volatile("svc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "=r"(r3), "=r"(r4)
                     :
                     : "r5", "r6", "r7", "r8", "memory");
    while (r0 == PECAN_IPC_OK && pecan_tag_label(r1) == PECAN_LABEL_PAGE_FAULT) {
        faults++;
        r4 = PF_SOURCE_VA + ((r3 & ~(PAGE - 1)) - PF_TARGET_VA);
        r3 = PECAN_ITEM_MAP | (PECAN_MAP_READ | PECAN_MAP_WRITE) << PECAN_ITEM_RIGHTS_SHIFT |
             12u << PECAN_ITEM_ORDER_SHIFT;
        r0 = 0;
        r1 = pecan_tag(0, 0, 1);
        r2 = PECAN_OP_REPLY_WAIT;
        __asm__ volatile("svc #0"
                         : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4)
                         :
                         : "r5", "r6", "r7", "r8", "memory");
    }
    if (r0 != PECAN_IPC_OK || pecan_tag_label(r1) != PECAN_LABEL_NOTIFICATION)
        bench_fail("pager_loop (unexpected message)", -(int)r0);
    return faults;
}

static unsigned pf_pages = PF_PAGES;

static void bench_page_faults(void)
{
    const unsigned pages = pf_pages;   /* fewer in profile mode */
    struct task t;
    task_make(&t, 100);   /* below the root: it runs while the pager waits */
    volatile pecan_word_t *shared = share_page(&t);
    pecan_cap_t done = object(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t gate = object(PECAN_OBJ_GATE, 0), pager = slots(1);
    task_give(&t, T_DONE, done, PECAN_RIGHT_WRITE);
    TRY(pecan_gate_bind(gate, PECAN_ROOT_THREAD));
    TRY(pecan_thread_bind_notification(PECAN_ROOT_THREAD, done));
    TRY(pecan_cnode_mint(ROOT, pager, ROOT_DEPTH, ROOT, gate, ROOT_DEPTH, PECAN_RIGHT_WRITE, 0xFA));
    TRY(pecan_thread_configure(t.thread, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED,
                               PECAN_CAP_UNCHANGED, TASK_STACK_VA, pager, PECAN_CAP_UNCHANGED));
    /* The pager's pages, and the page tables on both sides, are there beforehand. */
    pecan_cap_t root_pt = object(PECAN_OBJ_PAGE_TABLE, 0);
    TRY(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, root_pt, PF_SOURCE_VA));
    pecan_cap_t frames = slots(pages);
    TRY(pecan_untyped_retype(piece(), PECAN_OBJ_FRAME, 12, pages, ROOT, frames));
    for (unsigned i = 0; i < pages; i++)
        TRY(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, frames + i, PF_SOURCE_VA + i * PAGE,
                                   PECAN_MAP_READ | PECAN_MAP_WRITE, 0));
    pecan_cap_t task_pt = object(PECAN_OBJ_PAGE_TABLE, 0);
    TRY(pecan_vspace_map_page_table(t.vspace, task_pt, PF_TARGET_VA));
    start(t.thread, (void (*)(void))pf_task, TASK_STACK_VA + 0x10000, PF_TARGET_VA, pages,
          SHARED_VA, 0);
    unsigned faults = pager_loop();
    TRY(pecan_thread_bind_notification(PECAN_ROOT_THREAD, 0));
    if (faults != pages || shared[3] != 1)
        bench_fail("bench_page_faults (wrong number of faults)", -PECAN_EINVAL);
    bench_figure("pf_rt_4k", shared[0] - shared[1], pages,
           "pf_rt_4k: a read of an unmapped page by a task, a page fault message to its pager "
           "(the root, in an open wait), the pager's reply-and-wait with a memory item of one "
           "4 KiB page of its own (mapping database), and the retried read; 256 pages, minus "
           "the same loop once they are mapped (page tables present on both sides)");
}

/* ---- thread and task creation ------------------------------------------------------------- */

static void __attribute__((noreturn)) stopped_thread(void)
{
    for (;;)
        ;
}

static unsigned thread_runs = THREAD_RUNS;

static void bench_thread_create(void)
{
    const unsigned runs = thread_runs;   /* fewer in profile mode */
    pecan_cap_t slab = slabs(12), dest = slots(runs);
    pecan_cap_t utcb = object(PECAN_OBJ_FRAME, 12);
    const pecan_word_t pc = (pecan_word_t)(uintptr_t)stopped_thread, sp = 0x7FF00000u;
    uint64_t t0 = bench_now();
    for (unsigned i = 0; i < runs; i++)
        TRY(pecan_untyped_retype(slab + i, PECAN_OBJ_THREAD, 0, 1, ROOT, dest + i));
    uint64_t t1 = bench_now();
    for (unsigned i = 0; i < runs; i++)
        TRY(pecan_thread_configure(dest + i, ROOT, PECAN_ROOT_VSPACE, utcb,
                                   THREAD_UTCB_VA + (i % 8) * PECAN_UTCB_SIZE,
                                   PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    uint64_t t2 = bench_now();
    for (unsigned i = 0; i < runs; i++)
        TRY(pecan_thread_start(dest + i, pc, sp, i));   /* priority 100: behind the root */
    uint64_t t3 = bench_now();
    uint64_t retype = bench_elapsed(t0, t1), configure = bench_elapsed(t1, t2);
    uint64_t start = bench_elapsed(t2, t3);
    pecan_printf("# thread_create parts per thread: retype %lu, configure %lu, start %lu\n",
                 (unsigned long)(retype / runs), (unsigned long)(configure / runs),
                 (unsigned long)(start / runs));
    bench_figure("thread_create", retype + configure + start, runs,
           "thread_create: UNTYPED_RETYPE of a thread object from a fresh 4 KiB untyped, "
           "THREAD_CONFIGURE (the root's capability space and address space, a UTCB frame "
           "and address) and THREAD_START (pc, sp, r0; resumes it), 256 runs");
    /* For comparison, the two calls START replaces, on the same (now runnable) threads:
     * all 17 registers, and a RESUME that finds the thread runnable already. */
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT] = { 0 };
    regs[13] = sp;
    regs[15] = pc;
    regs[16] = CPSR_USER;
    t0 = bench_now();
    for (unsigned i = 0; i < runs; i++)
        TRY(pecan_thread_write_registers(dest + i, regs));
    t1 = bench_now();
    for (unsigned i = 0; i < runs; i++)
        TRY(pecan_thread_resume(dest + i));
    t2 = bench_now();
    pecan_printf("# thread_create (informative): WRITE_REGISTERS (17 words) %lu, RESUME of a "
                 "runnable thread %lu\n", (unsigned long)(bench_elapsed(t0, t1) / runs),
                 (unsigned long)(bench_elapsed(t1, t2) / runs));
    for (unsigned i = 0; i < runs; i++)
        TRY(pecan_cnode_delete(ROOT, dest + i, ROOT_DEPTH));   /* before the root blocks */
}

static void bench_task_create(void)
{
    pecan_cap_t vs = slabs(14), cn = slabs(TASK_CNODE_RADIX + 5), tc = slabs(12);
    pecan_cap_t vdest = slots(TASK_RUNS), cdest = slots(TASK_RUNS), gdest = slots(TASK_RUNS);
    pecan_cap_t tdest = slots(TASK_RUNS);
    uint64_t t0 = bench_now();
    for (unsigned i = 0; i < TASK_RUNS; i++)
        TRY(pecan_untyped_retype(vs + i, PECAN_OBJ_VSPACE, 0, 1, ROOT, vdest + i));
    uint64_t t1 = bench_now();
    for (unsigned i = 0; i < TASK_RUNS; i++) {
        TRY(pecan_untyped_retype(cn + i, PECAN_OBJ_CNODE, TASK_CNODE_RADIX, 1, ROOT, cdest + i));
        TRY(pecan_cnode_mint(ROOT, gdest + i, ROOT_DEPTH, ROOT, cdest + i, ROOT_DEPTH,
                             PECAN_RIGHTS_ALL, 32 - TASK_CNODE_RADIX));
    }
    uint64_t t2 = bench_now();
    for (unsigned i = 0; i < TASK_RUNS; i++) {
        TRY(pecan_untyped_retype(tc + i, PECAN_OBJ_THREAD, 0, 1, ROOT, tdest + i));
        TRY(pecan_thread_configure(tdest + i, gdest + i, vdest + i, PECAN_CAP_UNCHANGED, 0,
                                   PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
        TRY(pecan_thread_start(tdest + i, (pecan_word_t)(uintptr_t)stopped_thread,
                               TASK_STACK_VA + 0x10000, 0));
    }
    uint64_t t3 = bench_now();
    uint64_t vspace = bench_elapsed(t0, t1), cspace = bench_elapsed(t1, t2), thread = bench_elapsed(t2, t3);
    pecan_printf("# task_create parts per task: vspace %lu, cspace (CNode + guard) %lu, "
                 "thread (retype, configure, start) %lu\n",
                 (unsigned long)(vspace / TASK_RUNS), (unsigned long)(cspace / TASK_RUNS),
                 (unsigned long)(thread / TASK_RUNS));
    bench_figure("task_create", vspace + cspace + thread, TASK_RUNS,
           "task_create: retype of a vspace (16 KiB page directory, ASID), of a 256-slot "
           "CNode and a guarded mint of it as capability-space root, and a thread in them "
           "(retype thread object, CONFIGURE, START), 64 runs");
    for (unsigned i = 0; i < TASK_RUNS; i++)   /* before the root blocks */
        TRY(pecan_cnode_delete(ROOT, tdest + i, ROOT_DEPTH));
}

int root_main(const struct pecan_bootinfo *info);

int root_main(const struct pecan_bootinfo *info)
{
    bench_program = "ipcbench";
    if (info->magic != PECAN_BOOTINFO_MAGIC || info->version != PECAN_BOOTINFO_VERSION)
        bench_fail("boot info", -PECAN_EINVAL);
    boot_info = info;
    for (const char *p = info->cmdline; *p; p++) {
        static const char word[] = "profile";
        unsigned i = 0;
        while (word[i] && p[i] == word[i])
            i++;
        profile_mode |= word[i] == 0;
    }
    if (profile_mode) {
        rt_runs = 8;
        pecan_printf("# profile mode: 8 round trips of each kind, 4 thread creations and 4 page faults, "
                     "figures not comparable\n");
    }
    setup(info);
    bench_ipc();
    if (profile_mode) {
        thread_runs = pf_pages = 4;
        bench_thread_create();
        bench_page_faults();
        return 0;
    }
    bench_notify();
    bench_page_faults();
    bench_thread_create();
    bench_task_create();
    bench_report_invariants(KERNEL_LOG);
    return 0;
}
