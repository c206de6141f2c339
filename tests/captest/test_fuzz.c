/* SPDX-License-Identifier: MIT */
/*
 * Fuzzing from an untrusted task: a thread in an address space and a capability space
 * of its own makes at least 100,000 random invocations (capability indices, protocols,
 * opcodes, operation flags, word counts and words from an xorshift generator with a
 * fixed seed) on what it holds: a notification, frames, another thread, another address
 * space, a scratch CNode, its own CNode, a small untyped, a page table, a gate, an IRQ
 * handler, its own thread object (read-only) and the root's "done" notification (signal only).
 * Its code is the root's (mapped read-only at the same addresses); it keeps its state on its
 * stack and reports through a shared frame. The kernel must not crash, and its
 * invariants must hold afterwards.
 */
#include "captest.h"

#define FUZZ_CALLS 100000u
#define FUZZ_SEED 0x9E3779B9u
#define F_RADIX 4
#define S_RADIX 6
#define FUZZ_IRQ 50

enum fuzz_slot {
    F_NOTIFICATION = 1, F_FRAME, F_THREAD, F_VSPACE, F_SCRATCH, F_UNTYPED, F_PAGE_TABLE,
    F_GATE, F_IRQ, F_SELF, F_FRAME64, F_OWN_THREAD, F_DONE, F_COUNT,
};

/* The root waits on one notification for both: the fuzzer's "done" and its watchdog. */
#define DONE_BIT 0x1u
#define WATCHDOG_BIT 0x80000000u
#define WATCHDOG_US 20000u
#define WATCHDOG_VA 0x58000000u

/* The report in the shared frame. */
struct fuzz_report {
    volatile pecan_word_t calls;
    volatile pecan_word_t done;
    volatile pecan_word_t ok;             /* calls that succeeded */
    volatile pecan_word_t bad_protocol;   /* EBADPROTO */
    volatile pecan_word_t bad_cap;        /* EINVALCAP */
    volatile pecan_word_t ipc;            /* IPC failures (a gate without a server, ...) */
    volatile pecan_word_t other;          /* every other error */
};

static const int fuzz_protocols[] = {
    PECAN_PROTO_IRQ, PECAN_PROTO_THREAD, PECAN_PROTO_NOTIFICATION, PECAN_PROTO_UNTYPED,
    PECAN_PROTO_CNODE, PECAN_PROTO_VSPACE, PECAN_PROTO_PAGE_TABLE, PECAN_PROTO_FRAME,
    PECAN_PROTO_IRQ_CONTROL, PECAN_PROTO_LOG, PECAN_PROTO_GATE,
};

/* The protocol of each capability type (CNODE_IDENTIFY's type numbers). */
static const int type_protocols[] = {
    [CAPK_UNTYPED] = PECAN_PROTO_UNTYPED, [CAPK_THREAD] = PECAN_PROTO_THREAD,
    [CAPK_GATE] = PECAN_PROTO_GATE, [CAPK_NOTIFICATION] = PECAN_PROTO_NOTIFICATION,
    [CAPK_CNODE] = PECAN_PROTO_CNODE, [CAPK_VSPACE] = PECAN_PROTO_VSPACE,
    [CAPK_PAGE_TABLE] = PECAN_PROTO_PAGE_TABLE, [CAPK_FRAME] = PECAN_PROTO_FRAME,
    [CAPK_IRQ_CONTROL] = PECAN_PROTO_IRQ_CONTROL, [CAPK_IRQ_HANDLER] = PECAN_PROTO_IRQ,
};

static pecan_cap_t fuzz_cap(uint32_t *s)
{
    uint32_t r = xorshift32(s) % 100;
    if (r < 70)
        return 1 + xorshift32(s) % (F_COUNT - 1);   /* what it was given */
    if (r < 85)
        return xorshift32(s) % (1u << F_RADIX);
    if (r < 95)
        return xorshift32(s) % 256;
    return xorshift32(s);
}

static int fuzz_protocol(uint32_t *s)
{
    uint32_t r = xorshift32(s) % 100;
    if (r < 90)
        return fuzz_protocols[xorshift32(s) % (sizeof(fuzz_protocols) / sizeof(int))];
    return (int16_t)xorshift32(s);
}

static pecan_word_t fuzz_opcode(uint32_t *s)
{
    uint32_t r = xorshift32(s) % 100;
    if (r < 90)
        return xorshift32(s) % 8;
    if (r < 95)
        return 100 + xorshift32(s) % 6;
    return xorshift32(s);
}

/* Words that mean something somewhere: slots, depths, types, sizes, rights, addresses. */
static pecan_word_t fuzz_word(uint32_t *s)
{
    uint32_t r = xorshift32(s) % 100;
    if (r < 30)
        return xorshift32(s) % 16;
    if (r < 45)
        return xorshift32(s) % 64;
    if (r < 55) {
        static const pecan_word_t sizes[] = { 1, 2, 4, 5, 6, 10, 12, 14, 16, 20, 28, 32, 58 };
        return sizes[xorshift32(s) % (sizeof(sizes) / sizeof(sizes[0]))];
    }
    if (r < 70)
        return (xorshift32(s) & 0x3Fu) << 20 | (xorshift32(s) & 0xFu) << 12;   /* vaddr */
    if (r < 75)
        return 0xFFFFFFFFu;
    return xorshift32(s);
}

static unsigned fuzz_length(uint32_t *s)
{
    uint32_t r = xorshift32(s) % 100;
    if (r < 90)
        return xorshift32(s) % 10;
    return xorshift32(s) % 64;   /* up to the UTCB's 63 words (and one past) */
}

static pecan_word_t fuzz_flags(uint32_t *s)
{
    uint32_t r = xorshift32(s) % 100;
    /* Mostly calls that never block (a gate with no receiver fails at once); otherwise
     * any operation with any timeout: the watchdog below ends waits that never end. */
    if (r < 95)
        return PECAN_OP_CALL | PECAN_TIMEOUT_ZERO << PECAN_TIMEOUT_SHIFT;
    pecan_word_t operation = xorshift32(s) & 0xFFu;
    uint32_t t = xorshift32(s) % 100;
    pecan_word_t timeout = t < 80 ? PECAN_TIMEOUT_ZERO
                         : t < 99 ? pecan_timeout_us(xorshift32(s) % 2000)
                                  : PECAN_TIMEOUT_NEVER;
    return operation | timeout << PECAN_TIMEOUT_SHIFT;
}

static void fuzz_count(struct fuzz_report *report, struct pecan_reply reply)
{
    int err = pecan_error(reply);
    if (err == 0)
        report->ok++;
    else if (err == -PECAN_EBADPROTO)
        report->bad_protocol++;
    else if (err == -PECAN_EINVALCAP)
        report->bad_cap++;
    else if (err <= PECAN_IPC_ERROR(PECAN_IPC_OK))   /* any folded IPC status */
        report->ipc++;
    else
        report->other++;
}

/* Mostly the protocol the capability speaks (the fuzzer asks its own CNode what the
 * slot holds, as long as it still has that CNode), otherwise any. */
static int fuzz_protocol_for(uint32_t *s, pecan_cap_t cap)
{
    struct pecan_cap_identity id;
    if (cap < (1u << F_RADIX) && xorshift32(s) % 4 != 0 &&
        pecan_cnode_identify(F_SELF, cap, 32, &id) == 0 &&
        id.type < sizeof(type_protocols) / sizeof(type_protocols[0]) && type_protocols[id.type])
        return type_protocols[id.type];
    return fuzz_protocol(s);
}

/* One random invocation; a blocking WAIT only now and then (the root wakes it). */
static void fuzz_one(uint32_t *s, struct fuzz_report *report)
{
    struct pecan_message msg;
    pecan_cap_t cap = fuzz_cap(s);
    int protocol = fuzz_protocol_for(s, cap);
    unsigned words = fuzz_length(s);
    for (unsigned i = 0; i < words; i++)
        msg.word[i] = fuzz_word(s);
    msg.word[0] = fuzz_opcode(s);
    if (protocol == PECAN_PROTO_NOTIFICATION && msg.word[0] == PECAN_NOTIFICATION_WAIT &&
        xorshift32(s) % 16)
        msg.word[0] = PECAN_NOTIFICATION_POLL;
    msg.tag = pecan_tag(protocol, words, xorshift32(s) % 64 == 0 ? xorshift32(s) : 0);
    fuzz_count(report, pecan_invoke(cap, fuzz_flags(s), &msg));
}

/* The untrusted task's entry: only its stack and the shared frame are writable. */
static void fuzz_entry(pecan_word_t seed, pecan_word_t calls, pecan_word_t report_va,
                       pecan_word_t unused)
{
    (void)unused;
    struct fuzz_report *report = (struct fuzz_report *)report_va;
    uint32_t state = seed;
    for (pecan_word_t n = 0; n < calls; n++) {
        fuzz_one(&state, report);
        report->calls = n + 1;
    }
    report->done = 1;
    pecan_notification_signal(F_DONE, DONE_BIT);   /* unless it deleted that capability */
    for (;;)
        ;   /* the root suspends it */
}

static int fuzz_objects(pecan_cap_t f, pecan_cap_t own_thread, pecan_cap_t done)
{
    static const unsigned masters[][3] = {
        { F_NOTIFICATION, PECAN_OBJ_NOTIFICATION, 0 }, { F_FRAME, PECAN_OBJ_FRAME, 12 },
        { F_THREAD, PECAN_OBJ_THREAD, 0 }, { F_VSPACE, PECAN_OBJ_VSPACE, 0 },
        { F_SCRATCH, PECAN_OBJ_CNODE, S_RADIX }, { F_UNTYPED, PECAN_OBJ_UNTYPED, 14 },
        { F_PAGE_TABLE, PECAN_OBJ_PAGE_TABLE, 0 }, { F_GATE, PECAN_OBJ_GATE, 0 },
        { F_FRAME64, PECAN_OBJ_FRAME, 16 },
    };
    int err = 0;
    for (unsigned i = 0; i < sizeof(masters) / sizeof(masters[0]) && !err; i++) {
        unsigned bits = obj_size_bits(masters[i][1], masters[i][2]);
        pecan_cap_t u = ut_alloc(bits < 12 ? 12 : bits);
        err = u ? pecan_untyped_retype(u, masters[i][1], masters[i][2], 1, f, masters[i][0])
                : -PECAN_ENOMEM;
    }
    if (!err)
        err = pecan_irq_control_get(PECAN_ROOT_IRQ_CONTROL, FUZZ_IRQ, f, F_IRQ);
    if (!err)   /* its own thread, but read-only: it cannot stop or starve itself */
        err = pecan_cnode_copy(f, F_OWN_THREAD, F_RADIX, ROOT, own_thread, ROOT_DEPTH,
                               PECAN_RIGHT_READ | PECAN_RIGHT_GRANT);
    if (!err)   /* the root's notification, signal only */
        err = pecan_cnode_copy(f, F_DONE, F_RADIX, ROOT, done, ROOT_DEPTH,
                               PECAN_RIGHT_WRITE);
    if (!err)
        err = pecan_cnode_mint(f, F_SELF, F_RADIX, ROOT, f, ROOT_DEPTH, PECAN_RIGHTS_ALL,
                               32 - F_RADIX);
    return err;
}

/* The fuzzer runs below the root's priority, so it runs while the root waits for its
 * "done" signal. A periodic timer wakes the root too: if the fuzzer made no progress since
 * the last tick, it is blocked in a WAIT, and the root wakes it by a signal or, for a
 * notification it made itself, by suspending and resuming it (which cancels the wait). */
static bool run_fuzzer(struct remote *r, pecan_cap_t wake, pecan_cap_t done,
                       struct sp804 *watchdog, struct fuzz_report *report)
{
    uint64_t deadline = now_ns() + 120000000000ull;
    pecan_word_t last = 0;
    unsigned stalls = 0;
    sp804_periodic(watchdog, WATCHDOG_US);
    while (!report->done && now_ns() < deadline && stalls < 50) {
        pecan_word_t bits = 0;
        if (pecan_notification_wait(done, &bits) != 0 || (bits & DONE_BIT))
            continue;
        sp804_clear(watchdog);
        pecan_irq_ack(watchdog->handler);
        if (report->calls != last) {
            last = report->calls;
            stalls = 0;
            continue;
        }
        stalls++;
        pecan_notification_signal(wake, 1u << (stalls % 31));
        if (stalls % 2 == 0) {
            pecan_thread_suspend(r->thread);
            pecan_thread_resume(r->thread);
        }
    }
    pecan_thread_suspend(r->thread);
    return report->done;
}

UTEST(fuzz_untrusted_task)
{
    struct remote r;
    struct sp804 watchdog;
    pecan_cap_t f = obj_new(PECAN_OBJ_CNODE, F_RADIX), space = slot_alloc();
    pecan_cap_t done = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(f && space && done);
    REQUIRE_OK(remote_create(&r, 100));
    REQUIRE_OK(fuzz_objects(f, r.thread, done));
    REQUIRE_OK(sp804_open(&watchdog, WATCHDOG_VA, done, WATCHDOG_BIT));
    REQUIRE_OK(cap_mint_cspace(space, f, F_RADIX));
    REQUIRE_OK(pecan_thread_configure(r.thread, space, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED,
                                      REMOTE_STACK_VA, PECAN_CAP_UNCHANGED,
                                      PECAN_CAP_UNCHANGED));
    pecan_cap_t n = slot_alloc();
    REQUIRE_OK(pecan_cnode_copy(ROOT, n, ROOT_DEPTH, f, F_NOTIFICATION, F_RADIX,
                                PECAN_RIGHTS_ALL));
    CHECK_CLEAN();
    struct fuzz_report *report = (struct fuzz_report *)(uintptr_t)REMOTE_SHARED_VA;
    uint64_t start = now_ns();
    /* fuzz_seed= and fuzz_calls= on the command line run other or longer sequences. */
    pecan_word_t seed = (pecan_word_t)cmdline_number("fuzz_seed", FUZZ_SEED);
    pecan_word_t calls = (pecan_word_t)cmdline_number("fuzz_calls", FUZZ_CALLS);
    REQUIRE_OK(remote_start(&r, fuzz_entry, seed ? seed : 1, calls, REMOTE_SHARED_VA, 0));
    bool finished = run_fuzzer(&r, n, done, &watchdog, report);
    sp804_close(&watchdog);
    unsigned long ms = (unsigned long)((now_ns() - start) / 1000000);
    if (!finished)
        ut_fail(__FILE__, __LINE__, "fuzzer stopped after %u calls",
                (unsigned)report->calls);
    pecan_printf("# fuzz: %u succeeded, %u EBADPROTO, %u EINVALCAP, %u IPC errors, "
                 "%u other errors; %lu ms\n", (unsigned)report->ok,
                 (unsigned)report->bad_protocol, (unsigned)report->bad_cap,
                 (unsigned)report->ipc, (unsigned)report->other, ms);
    bool intact = CHECK_CLEAN();
    CHECK(report->ok > 1000);
    if (finished && intact && report->calls >= calls)
        pecan_printf("fuzz: %u calls, kernel intact\n", (unsigned)report->calls);
    /* Tear it all down: the thread, its spaces and whatever it made. */
    CHECK_OK(cap_delete(r.thread));
    CHECK_OK(cap_delete(space));
    CHECK_OK(cap_delete(n));
    for (unsigned i = 0; i < r.text_count; i++)
        CHECK_OK(cap_delete(r.text_first + i));
    CHECK_OK(cap_delete(r.root_shared));
    CHECK_CLEAN();
}
