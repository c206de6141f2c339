/* SPDX-License-Identifier: MIT */
/*
 * SMP stress: 32 threads on all CPUs for 10 s of guest time (stress_ms= on the command
 * line changes it): servers answering calls through badged gates (sometimes not at all,
 * sometimes with a separate reply), clients calling them with payloads checked word for
 * word, signalling notifications, sending without waiting, moving threads between CPUs,
 * reading other threads' registers and sleeping; threads in open waits on bound
 * notifications and blocked in notification waits. Meanwhile the root deletes a random
 * thread (running, blocked or queued, on any CPU) and creates it again, and maps and
 * unmaps a page (TLB shootdown to every CPU). At the end every thread must still make
 * progress, no reply may be wrong, and the invariant checker must be clean.
 */
#include "captest.h"

#define SCHED PECAN_ROOT_SCHEDULER
#define SERVERS 8
#define CLIENTS 16
#define WAITERS 4          /* open wait on a bound notification, with a timeout */
#define BLOCKERS 4         /* notification WAIT, no timeout */
#define WORKERS (SERVERS + CLIENTS + WAITERS + BLOCKERS)
#define NOTIFICATIONS (WAITERS + BLOCKERS)
#define STRESS_AREA 0x60000000u
#define STRESS_PAGE_VA 0x5F000000u
#define MAX_WORDS 12
#define CALL_TIMEOUT_US 20000

enum worker_kind { SERVER, CLIENT, WAITER, BLOCKER };

struct worker {
    unsigned index, kind, number;       /* number: index within its kind */
    pecan_cap_t untyped, thread, frame;
    pecan_word_t base;
    uint32_t seed;
    volatile uint32_t ops, bad_replies, ipc_errors, deliveries;
};

static struct worker workers[WORKERS];
static pecan_cap_t gates[SERVERS];
static pecan_cap_t client_gate[CLIENTS][SERVERS];
static pecan_cap_t notifications[NOTIFICATIONS];
static unsigned online_cpus;

static pecan_word_t badge_of(unsigned client, unsigned server)
{
    return 0x1000u + client * SERVERS + server;
}

/* The reply a server gives to words w[0..n) that came with badge. */
static pecan_word_t checksum(pecan_word_t badge, const pecan_word_t *w, unsigned n)
{
    pecan_word_t sum = badge * 31u + n;
    for (unsigned i = 0; i < n; i++)
        sum = sum * 33u + w[i];
    return sum;
}

static void sleep_for(unsigned us)
{
    struct pecan_message msg = { .tag = 0 };
    pecan_invoke(0, PECAN_OP_RECV | pecan_timeout_us(us) << PECAN_TIMEOUT_SHIFT, &msg);
}

static void server_main(struct worker *w)
{
    struct pecan_message msg = { .tag = 0 };
    struct pecan_reply r = pecan_invoke(0, PECAN_OP_WAIT, &msg);
    for (;;) {
        w->ops++;
        if (r.ipc_status != PECAN_IPC_OK) {
            w->ipc_errors++;
            msg.tag = 0;
            r = pecan_invoke(0, PECAN_OP_WAIT, &msg);
            continue;
        }
        unsigned n = pecan_tag_words(msg.tag);
        if (n > MAX_WORDS)
            n = MAX_WORDS;
        pecan_word_t sum = checksum(r.badge, msg.word, n);
        unsigned reply_words = 1 + xorshift32(&w->seed) % MAX_WORDS;
        for (unsigned i = 0; i < reply_words; i++)
            msg.word[i] = sum + i;
        msg.tag = pecan_tag(0, reply_words, 0);
        unsigned choice = xorshift32(&w->seed) % 32;
        if (choice == 0) {
            /* No answer: waiting again drops the reply capability; the caller is told. */
            msg.tag = 0;
            r = pecan_invoke(0, PECAN_OP_WAIT, &msg);
        } else if (choice == 1) {
            pecan_invoke(0, PECAN_OP_REPLY | PECAN_OP_SEND, &msg);
            msg.tag = 0;
            r = pecan_invoke(0, PECAN_OP_WAIT, &msg);
        } else {
            r = pecan_invoke(0, PECAN_OP_REPLY_WAIT, &msg);
        }
    }
}

static void client_call(struct worker *w)
{
    unsigned s = xorshift32(&w->seed) % SERVERS;
    unsigned n = xorshift32(&w->seed) % (MAX_WORDS + 1);
    struct pecan_message msg = { .tag = pecan_tag(0, n, 0) };
    pecan_word_t sent[MAX_WORDS];
    for (unsigned i = 0; i < n; i++)
        msg.word[i] = sent[i] = xorshift32(&w->seed);
    struct pecan_reply r = pecan_invoke(client_gate[w->number][s],
                                        PECAN_OP_CALL | pecan_timeout_us(CALL_TIMEOUT_US)
                                                            << PECAN_TIMEOUT_SHIFT,
                                        &msg);
    if (r.ipc_status != PECAN_IPC_OK || pecan_tag_label(r.tag) != 0) {
        w->ipc_errors++;
        return;
    }
    pecan_word_t want = checksum(badge_of(w->number, s), sent, n);
    unsigned got = pecan_tag_words(r.tag);
    bool ok = got >= 1 && got <= MAX_WORDS;
    for (unsigned i = 0; ok && i < got; i++)
        ok = msg.word[i] == want + i;
    if (ok)
        w->deliveries++;
    else
        w->bad_replies++;
}

static void client_main(struct worker *w)
{
    for (;;) {
        w->ops++;
        unsigned op = xorshift32(&w->seed) % 100;
        if (op < 55) {
            client_call(w);
        } else if (op < 70) {
            pecan_notification_signal(notifications[xorshift32(&w->seed) % NOTIFICATIONS],
                                      1u << (xorshift32(&w->seed) % 8));
        } else if (op < 75) {
            struct pecan_message msg = { .tag = pecan_tag(0, 1, 0), .word = { 7 } };
            unsigned s = xorshift32(&w->seed) % SERVERS;
            pecan_invoke(client_gate[w->number][s],
                         PECAN_OP_SEND | PECAN_TIMEOUT_ZERO << PECAN_TIMEOUT_SHIFT, &msg);
        } else if (op < 85) {
            const struct worker *t = &workers[xorshift32(&w->seed) % WORKERS];
            pecan_word_t mask = xorshift32(&w->seed) & ((1u << online_cpus) - 1);
            pecan_sched_run_thread(SCHED, t->thread, 90 + xorshift32(&w->seed) % 21,
                                   mask ? mask : 1, (xorshift32(&w->seed) % 3) * 10000);
        } else if (op < 92) {
            sleep_for(xorshift32(&w->seed) % 2000);
        } else if (op < 96) {
            pecan_word_t bits;
            pecan_notification_poll(notifications[xorshift32(&w->seed) % NOTIFICATIONS], &bits);
        } else {
            pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT];
            pecan_thread_read_registers(workers[xorshift32(&w->seed) % WORKERS].thread, regs);
        }
    }
}

static void waiter_main(struct worker *w)
{
    for (;;) {
        w->ops++;
        struct pecan_message msg = { .tag = 0 };
        struct pecan_reply r = pecan_invoke(0, PECAN_OP_WAIT | pecan_timeout_us(30000)
                                                                   << PECAN_TIMEOUT_SHIFT,
                                            &msg);
        if (r.ipc_status == PECAN_IPC_OK && pecan_tag_label(r.tag) == PECAN_LABEL_NOTIFICATION)
            w->deliveries++;
        else if (r.ipc_status != PECAN_IPC_TIMEOUT)
            w->ipc_errors++;
    }
}

static void blocker_main(struct worker *w)
{
    for (;;) {
        w->ops++;
        pecan_word_t bits = 0;
        if (pecan_notification_wait(notifications[WAITERS + w->number], &bits) == 0 && bits)
            w->deliveries++;
        else
            w->ipc_errors++;
    }
}

static void worker_entry(struct worker *w)
{
    switch (w->kind) {
    case SERVER: server_main(w); break;
    case CLIENT: client_main(w); break;
    case WAITER: waiter_main(w); break;
    default: blocker_main(w); break;
    }
    for (;;)
        ;
}

/* (Re)creates a worker's thread from its untyped, on a random CPU, and starts it. */
static int worker_make(struct worker *w, uint32_t *seed)
{
    int err = pecan_untyped_retype(w->untyped, PECAN_OBJ_THREAD, 0, 1, ROOT, w->thread);
    if (!err)
        err = pecan_thread_configure(w->thread, ROOT, PECAN_ROOT_VSPACE, w->frame, w->base,
                                     PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED);
    if (!err && w->kind == SERVER) {
        pecan_word_t bind[] = { PECAN_GATE_BIND, w->thread };
        err = pecan_call(gates[w->number], PECAN_PROTO_GATE, 2, bind, 0, 0);
    }
    if (!err && w->kind == WAITER) {
        pecan_word_t bind[] = { PECAN_THREAD_BIND_NOTIFICATION, notifications[w->number] };
        err = pecan_call(w->thread, PECAN_PROTO_THREAD, 2, bind, 0, 0);
    }
    if (!err)
        err = pecan_sched_run_thread(SCHED, w->thread, 90 + xorshift32(seed) % 21,
                                     1u << (xorshift32(seed) % online_cpus),
                                     (xorshift32(seed) % 3) * 10000);
    w->seed = xorshift32(seed) | 1;
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT] = { (pecan_word_t)(uintptr_t)w };
    regs[13] = w->base + (1u << 20);
    regs[15] = (pecan_word_t)(uintptr_t)worker_entry;
    regs[16] = 0x10;
    if (!err)
        err = pecan_thread_write_registers(w->thread, regs);
    if (!err)
        err = pecan_thread_resume(w->thread);
    return err;
}

static int setup(void)
{
    for (unsigned s = 0; s < SERVERS; s++) {
        if (!(gates[s] = obj_new(PECAN_OBJ_GATE, 0)))
            return -PECAN_ENOMEM;
        for (unsigned c = 0; c < CLIENTS; c++) {
            client_gate[c][s] = slot_alloc();
            int err = cap_mint(client_gate[c][s], gates[s],
                               PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT, badge_of(c, s));
            if (err)
                return err;
        }
    }
    for (unsigned i = 0; i < NOTIFICATIONS; i++) {
        if (!(notifications[i] = obj_new(PECAN_OBJ_NOTIFICATION, 0)))
            return -PECAN_ENOMEM;
    }
    static const unsigned counts[] = { SERVERS, CLIENTS, WAITERS, BLOCKERS };
    unsigned index = 0;
    for (unsigned kind = 0; kind < 4; kind++) {
        for (unsigned number = 0; number < counts[kind]; number++, index++) {
            struct worker *w = &workers[index];
            *w = (struct worker){ .index = index, .kind = kind, .number = number };
            w->base = STRESS_AREA + ((pecan_word_t)index << 20);
            w->untyped = ut_alloc(12);
            w->thread = slot_alloc();
            w->frame = obj_new(PECAN_OBJ_FRAME, 20);
            if (!w->untyped || !w->thread || !w->frame)
                return -PECAN_ENOMEM;
            int err = pecan_vspace_map_frame(PECAN_ROOT_VSPACE, w->frame, w->base,
                                             PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
            if (err)
                return err;
        }
    }
    return 0;
}

static uint32_t total_ops(void)
{
    uint32_t sum = 0;
    for (unsigned i = 0; i < WORKERS; i++)
        sum += workers[i].ops;
    return sum;
}

UTEST(smp_stress_threads_ipc_and_deletion)
{
    online_cpus = bootinfo->cpu_count;
    unsigned duration_ms = (unsigned)cmdline_number("stress_ms", 10000);
    REQUIRE_OK(setup());
    uint32_t seed = 0x5eed1234u;
    for (unsigned i = 0; i < WORKERS; i++)
        REQUIRE_OK(worker_make(&workers[i], &seed));

    /* Delete and re-create threads, remap a page, until the time is up. */
    pecan_cap_t page = obj_new(PECAN_OBJ_FRAME, 20);
    REQUIRE(page);
    unsigned recreated = 0, remaps = 0, failures = 0;
    uint64_t start = now_ns(), end = start + (uint64_t)duration_ms * 1000000u;
    while (now_ns() < end && !ut_failed()) {
        sleep_for(2000 + xorshift32(&seed) % 18000);
        struct worker *w = &workers[xorshift32(&seed) % WORKERS];
        if (cap_delete(w->thread) != 0 || worker_make(w, &seed) != 0)
            failures++;
        recreated++;
        if (xorshift32(&seed) % 2) {
            if (pecan_vspace_map_frame(PECAN_ROOT_VSPACE, page, STRESS_PAGE_VA,
                                       PECAN_MAP_READ | PECAN_MAP_WRITE, 0) != 0 ||
                pecan_vspace_unmap_frame(PECAN_ROOT_VSPACE, page) != 0)
                failures++;
            remaps++;
        }
    }
    uint64_t elapsed = now_ns() - start;
    CHECK_EQ(failures, 0);

    /* No thread is stuck: at one priority, each must still get somewhere. */
    for (unsigned i = 0; i < WORKERS; i++)
        CHECK_OK(pecan_sched_run_thread(SCHED, workers[i].thread, 100, (1u << online_cpus) - 1, 0));
    sleep_for(100000);
    uint32_t before[WORKERS];
    for (unsigned i = 0; i < WORKERS; i++)
        before[i] = workers[i].ops;
    /* Each must move within a second; on a busy host a vCPU may be held up for long
     * stretches, so wait up to 10 s for the last one (a stuck thread never moves). */
    for (unsigned waited = 0; waited < 10; waited++) {
        sleep_for(1000000);
        unsigned moved = 0;
        for (unsigned i = 0; i < WORKERS; i++)
            moved += workers[i].ops != before[i];
        if (moved == WORKERS)
            break;
    }
    for (unsigned i = 0; i < WORKERS; i++) {
        if (workers[i].ops == before[i])
            ut_fail(__FILE__, __LINE__, "worker %u (kind %u) made no progress", i,
                    workers[i].kind);
    }
    uint32_t ops = total_ops();
    for (unsigned i = 0; i < WORKERS; i++)
        CHECK_OK(cap_delete(workers[i].thread));
    CHECK_CLEAN();

    uint32_t calls = 0, bad = 0, errors = 0, notified = 0;
    for (unsigned i = 0; i < WORKERS; i++) {
        bad += workers[i].bad_replies;
        errors += workers[i].ipc_errors;
        if (workers[i].kind == CLIENT)
            calls += workers[i].deliveries;
        else
            notified += workers[i].deliveries;
    }
    CHECK_EQ(bad, 0);
    CHECK(calls > 0 && notified > 0);
    pecan_printf("stress: %u operations by %u threads on %u CPUs in %u ms: %u calls answered "
                 "correctly, %u notifications received, %u IPC errors (timeouts, aborted "
                 "calls), %u threads re-created, %u remaps\n",
                 (unsigned)ops, WORKERS, online_cpus, (unsigned)(elapsed / 1000000),
                 (unsigned)calls, (unsigned)notified, (unsigned)errors, recreated, remaps);
    /* The gates, their badged copies and the rest go with the case's untyped. */
}
