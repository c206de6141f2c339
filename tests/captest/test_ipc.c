/* SPDX-License-Identifier: MIT */
/*
 * IPC through gates: ping-pong (call + reply-and-wait, the server loop starting with an
 * open wait) within one address space and across address spaces (a task with its own
 * address space and capability space, as client and as server), with every payload from 0
 * to 63 words checked word for word in both directions (words 6 and up go through the
 * UTCBs, words 0-5 through registers and the fast path); gates and badges; senders to an
 * unbound gate; timeouts (zero, relative, receive, send, sleep measured on the KIP clock);
 * bad input at the IPC level; ping-pong across CPUs (the server placed on CPU 1 with the
 * Scheduler, the root calling from CPU 0 and moving itself to a third CPU mid-way), in one
 * address space and across address spaces.
 */
#include "ipctest.h"

#define ROUNDS 3
#define RANDOM_CALLS 300

/* ---- an echo server (a helper in the root's spaces) ---------------------------------- */

/* arg[0] the badge it expects; it counts answers (counter), bad words (arg[1]), wrong
 * badges (arg[2]) and failed IPCs (arg[3]). A STOP request is answered with a plain reply
 * and ends it. */
static void echo_server(struct helper *h)
{
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
    for (;;) {
        if (r.ipc_status != PECAN_IPC_OK) {
            h->arg[3]++;
            if (h->arg[3] > 100)
                return;
            r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
            continue;
        }
        if (r.badge != h->arg[0])
            h->arg[2]++;
        if (pecan_tag_label(m.tag) == LABEL_STOP) {
            m.tag = pecan_tag(0, 0, 0);
            h->result = ipc_err(pecan_ipc_reply(&m));
            return;
        }
        h->arg[1] += answer_request(&m, 0);
        h->counter++;
        r = pecan_ipc_reply_wait(&m, PECAN_TIMEOUT_NEVER);
    }
}

/* The client side of one ping-pong run: every size from 0 to 63 in ROUNDS rounds, then
 * RANDOM_CALLS random sizes. Counts into report[0] calls, [1] bad words, [2] failed IPCs,
 * [3] the last error. Runs in the root or in a task (only its stack and the report). */
/* A move of the calling thread between rounds: before round `before_round`, RUN_THREAD
 * on thread to cpu; err gets the result and cpu_after the CPU the caller then runs on. */
struct client_move {
    pecan_cap_t sched, thread;
    unsigned before_round, cpu, priority;
    pecan_word_t quantum_us;
    int err, cpu_after;
};

static void pingpong_client_run_moving(pecan_cap_t gate, volatile pecan_word_t *report,
                                       struct client_move *mv)
{
    struct pecan_message m;
    for (unsigned k = 0; k < ROUNDS; k++) {
        if (mv && k == mv->before_round) {
            mv->err = pecan_sched_run_thread(mv->sched, mv->thread, mv->priority, 1u << mv->cpu,
                                             mv->quantum_us);
            mv->cpu_after = pecan_sched_cpu(mv->sched);
        }
        for (unsigned n = 0; n <= PECAN_MSG_MAX_WORDS; n++) {
            fill_request(&m, k, n);
            struct pecan_reply r = pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER);
            report[0]++;
            if (r.ipc_status != PECAN_IPC_OK) {
                report[2]++;
                report[3] = (pecan_word_t)ipc_err(r);
                continue;
            }
            report[1] += check_answer(&m, k, n);
        }
    }
    uint32_t seed = 0x1234567u;
    for (unsigned c = 0; c < RANDOM_CALLS; c++) {
        unsigned k = ROUNDS + xorshift32(&seed) % 900, n = xorshift32(&seed) % 64;
        fill_request(&m, k, n);
        struct pecan_reply r = pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER);
        report[0]++;
        if (r.ipc_status != PECAN_IPC_OK) {
            report[2]++;
            report[3] = (pecan_word_t)ipc_err(r);
            continue;
        }
        report[1] += check_answer(&m, k, n);
    }
}

static void pingpong_client_run(pecan_cap_t gate, volatile pecan_word_t *report)
{
    pingpong_client_run_moving(gate, report, 0);
}

static int send_stop(pecan_cap_t gate)
{
    struct pecan_message m = { .tag = pecan_tag(LABEL_STOP, 0, 0) };
    return ipc_err(pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER));
}

#define PINGPONG_CALLS (ROUNDS * (PECAN_MSG_MAX_WORDS + 1) + RANDOM_CALLS)

static void check_pingpong(const volatile pecan_word_t *report, const char *what)
{
    if (!CHECK_EQ(report[0], PINGPONG_CALLS) || !CHECK_EQ(report[1], 0) ||
        !CHECK_EQ(report[2], 0))
        pecan_printf("#   %s: %u calls, %u bad words, %u failed (last %s)\n", what,
                     (unsigned)report[0], (unsigned)report[1], (unsigned)report[2],
                     err_name((int)report[3]));
}

static void pingpong_same_as(unsigned server_priority)
{
    struct helper s;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), client = slot_alloc();
    REQUIRE(gate && client);
    REQUIRE_OK(helper_create(&s, echo_server, server_priority));
    s.arg[0] = 0x5EED;
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(cap_mint(client, gate, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT, 0x5EED));
    REQUIRE_OK(helper_start(&s));
    if (server_priority < 128)
        pecan_sleep_us(1000);   /* let it reach its wait (else the first call queues) */
    pecan_word_t report[4] = { 0, 0, 0, 0 };
    pingpong_client_run(client, report);
    check_pingpong(report, "root client");
    CHECK_EQ(s.counter, PINGPONG_CALLS);
    CHECK_EQ(s.arg[1], 0);   /* bad words seen by the server */
    CHECK_EQ(s.arg[2], 0);   /* wrong badges */
    CHECK_EQ(s.arg[3], 0);
    CHECK_CLEAN();
    CHECK_OK(send_stop(client));
    CHECK(wait_flag((volatile pecan_word_t *)&s.finished, 10000));
    CHECK_OK(s.result);
    CHECK_CLEAN();
    helper_destroy(&s);
    CHECK_OK(cap_delete(client));
}

/* Two threads of one address space, the server at the root's priority, above and below. */
UTEST(ipc_pingpong_same_as)
{
    pingpong_same_as(128);
    pingpong_same_as(200);
    pingpong_same_as(100);
}

/* ---- across address spaces ------------------------------------------------------------ */

#define T_GATE TASK_FIRST_FREE
#define T_DONE (TASK_FIRST_FREE + 1)

/* A task's client: a0 its gate, a1 the report (shared frame), a2 its "done" notification. */
static void task_client(pecan_word_t gate, pecan_word_t report, pecan_word_t done,
                        pecan_word_t a3)
{
    (void)a3;
    volatile pecan_word_t *rep = (volatile pecan_word_t *)report;
    pingpong_client_run(gate, rep);
    rep[5] = (pecan_word_t)send_stop(gate);
    rep[4] = 1;
    pecan_notification_signal(done, 1);
    task_exit();
}

/* The root serves a client task: it holds the gate, the task a badged copy. */
UTEST(ipc_pingpong_cross_as_task_client)
{
    struct task t;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), done = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(gate && done);
    REQUIRE_OK(task_create(&t, 100));
    REQUIRE_OK(task_mint(&t, T_GATE, gate, PECAN_RIGHT_WRITE, 0xC1));
    REQUIRE_OK(task_copy(&t, T_DONE, done, PECAN_RIGHT_WRITE));
    REQUIRE_OK(pecan_gate_bind(gate, PECAN_ROOT_THREAD));
    /* The root's open waits also end on "done". */
    REQUIRE_OK(pecan_thread_bind_notification(PECAN_ROOT_THREAD, done));
    volatile pecan_word_t *rep = remote_shared();
    for (unsigned i = 0; i < 8; i++)
        rep[i] = 0;
    REQUIRE_OK(remote_start(&t.r, task_client, T_GATE, REMOTE_SHARED_VA, T_DONE, 0));
    unsigned served = 0, bad = 0, badges = 0, errors = 0;
    bool finished = false;
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, pecan_timeout_us(5000000));
    while (!finished) {
        if (r.ipc_status != PECAN_IPC_OK) {
            ut_fail(__FILE__, __LINE__, "server wait: %s", err_name(ipc_err(r)));
            if (++errors > 3)
                break;
            r = pecan_ipc_wait(&m, pecan_timeout_us(5000000));
            continue;
        }
        int label = pecan_tag_label(m.tag);
        if (label == PECAN_LABEL_NOTIFICATION) {
            finished = true;
            break;
        }
        badges += r.badge != 0xC1;
        if (label == LABEL_STOP) {
            m.tag = 0;
            r = pecan_ipc_reply_wait(&m, pecan_timeout_us(5000000));
            continue;
        }
        bad += answer_request(&m, 0);
        served++;
        r = pecan_ipc_reply_wait(&m, pecan_timeout_us(5000000));
    }
    CHECK(finished);
    CHECK_EQ(served, PINGPONG_CALLS);
    CHECK_EQ(bad, 0);
    CHECK_EQ(badges, 0);
    check_pingpong(rep, "task client");
    CHECK_EQ(rep[4], 1);
    CHECK_OK((int)rep[5]);
    CHECK_CLEAN();
    CHECK_OK(pecan_thread_bind_notification(PECAN_ROOT_THREAD, 0));
    task_destroy(&t);
    CHECK_CLEAN();
}

/* A task's server: a0 the badge it expects, a1 the report, a2 "done". Same loop as
 * echo_server, on its own stack. */
static void task_server(pecan_word_t badge, pecan_word_t report, pecan_word_t done,
                        pecan_word_t a3)
{
    (void)a3;
    volatile pecan_word_t *rep = (volatile pecan_word_t *)report;
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
    for (;;) {
        if (r.ipc_status != PECAN_IPC_OK) {
            rep[3]++;
            r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
            continue;
        }
        if (r.badge != badge)
            rep[2]++;
        if (pecan_tag_label(m.tag) == LABEL_STOP)
            break;
        rep[1] += answer_request(&m, 0);
        rep[0]++;
        r = pecan_ipc_reply_wait(&m, PECAN_TIMEOUT_NEVER);
    }
    m.tag = 0;
    rep[5] = (pecan_word_t)ipc_err(pecan_ipc_reply(&m));
    rep[4] = 1;
    pecan_notification_signal(done, 1);
    task_exit();
}

/* After a ping-pong run against task_server (or cpu_task_server): its report in rep
 * (every call served, no bad word, badge or failed wait), then a STOP through client, its
 * "done" signal and its own reply's result; then the task and client go. */
static void stop_task_server(struct task *t, pecan_cap_t client, pecan_cap_t done,
                             const volatile pecan_word_t *rep)
{
    CHECK_EQ(rep[0], PINGPONG_CALLS);
    CHECK_EQ(rep[1], 0);
    CHECK_EQ(rep[2], 0);
    CHECK_EQ(rep[3], 0);
    CHECK_OK(send_stop(client));
    pecan_word_t bits = 0;
    CHECK_OK(pecan_notification_wait(done, &bits));
    CHECK_EQ(rep[4], 1);
    CHECK_OK((int)rep[5]);
    CHECK_CLEAN();
    task_destroy(t);
    CHECK_OK(cap_delete(client));
}

/* The root calls a server task through a badged copy of the gate bound to it. */
UTEST(ipc_pingpong_cross_as_task_server)
{
    struct task t;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), done = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t client = slot_alloc();
    REQUIRE(gate && done && client);
    REQUIRE_OK(task_create(&t, 150));
    REQUIRE_OK(task_copy(&t, T_DONE, done, PECAN_RIGHT_WRITE));
    REQUIRE_OK(pecan_gate_bind(gate, t.r.thread));
    REQUIRE_OK(cap_mint(client, gate, PECAN_RIGHT_WRITE, 0xB0B));
    volatile pecan_word_t *rep = remote_shared();
    for (unsigned i = 0; i < 8; i++)
        rep[i] = 0;
    REQUIRE_OK(remote_start(&t.r, task_server, 0xB0B, REMOTE_SHARED_VA, T_DONE, 0));
    pecan_word_t report[4] = { 0, 0, 0, 0 };
    pingpong_client_run(client, report);
    check_pingpong(report, "root client");
    stop_task_server(&t, client, done, rep);
    CHECK_CLEAN();
}

/* ---- across CPUs ------------------------------------------------------------------------ */

#define SCHED PECAN_ROOT_SCHEDULER
#define T_SCHED (TASK_FIRST_FREE + 2)

/* The CPUs of a cross-CPU run: the server's (1, the highest below the count) and the one
 * the client moves to mid-way (2, a third CPU; with two CPUs there is none, so the
 * server's). False with one CPU. */
static bool cross_cpus(unsigned *server_cpu, unsigned *move_cpu)
{
    unsigned count = 0;
    pecan_word_t online = 0;
    if (!CHECK_OK(pecan_sched_info(SCHED, &count, &online, 0)))
        return false;
    CHECK_EQ(count, bootinfo->cpu_count);
    CHECK_EQ(count, ((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS)->cpu_count);
    if (count < 2)
        return false;
    *server_cpu = 1;
    *move_cpu = count >= 3 ? 2 : 1;
    CHECK(online & (1u << *server_cpu));
    CHECK(online & (1u << *move_cpu));
    return true;
}

/* The root as client from CPU 0: the ping-pong run, moving itself (RUN_THREAD on its own
 * thread object, its priority and quantum unchanged) to move_cpu before round 1; then back to
 * CPU 0. */
static void cross_cpu_client(pecan_cap_t gate, volatile pecan_word_t *report, unsigned move_cpu,
                             const char *what)
{
    unsigned cpu = 0xFF, priority = 0;
    pecan_word_t quantum = 0;
    if (!CHECK_OK(pecan_sched_thread_info(SCHED, PECAN_ROOT_THREAD, &cpu, &priority, &quantum)))
        return;
    CHECK_EQ(cpu, 0);
    CHECK_EQ(pecan_sched_cpu(SCHED), 0);
    struct client_move mv = { .sched = SCHED, .thread = PECAN_ROOT_THREAD, .before_round = 1,
                              .cpu = move_cpu, .priority = priority, .quantum_us = quantum,
                              .err = 1, .cpu_after = -1 };
    pingpong_client_run_moving(gate, report, &mv);
    check_pingpong(report, what);
    CHECK_OK(mv.err);
    CHECK_EQ(mv.cpu_after, move_cpu);
    CHECK_EQ(pecan_sched_cpu(SCHED), move_cpu);   /* it stayed there to the end */
    CHECK_OK(pecan_sched_run_thread(PECAN_ROOT_SCHEDULER, PECAN_ROOT_THREAD, priority, 1u,
                                    quantum));
    CHECK_EQ(pecan_sched_cpu(SCHED), 0);
    unsigned priority_after = 0;
    pecan_word_t quantum_after = 0;
    CHECK_OK(pecan_sched_thread_info(SCHED, PECAN_ROOT_THREAD, &cpu, &priority_after,
                                     &quantum_after));
    CHECK_EQ(cpu, 0);
    CHECK_EQ(priority_after, priority);
    CHECK_EQ(quantum_after, quantum);
}

static volatile int echo_server_cpu;

static void cpu_echo_server(struct helper *h)
{
    echo_server_cpu = pecan_sched_cpu(SCHED);
    echo_server(h);
}

/* One address space: echo_server (a helper) placed on server_cpu. */
static void pingpong_cross_cpu_same_as(unsigned server_cpu, unsigned move_cpu)
{
    struct helper s;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), client = slot_alloc();
    REQUIRE(gate && client);
    REQUIRE_OK(helper_create(&s, cpu_echo_server, 128));
    s.arg[0] = 0xC9C9;
    REQUIRE_OK(pecan_sched_run_thread(PECAN_ROOT_SCHEDULER, s.thread, 128, 1u << server_cpu, 0));
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(cap_mint(client, gate, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT, 0xC9C9));
    echo_server_cpu = -1;
    REQUIRE_OK(helper_start(&s));
    pecan_word_t report[4] = { 0, 0, 0, 0 };
    cross_cpu_client(client, report, move_cpu, "root client, server on another CPU");
    CHECK_EQ(echo_server_cpu, server_cpu);
    unsigned cpu = 0xFF;
    CHECK_OK(pecan_sched_thread_info(SCHED, s.thread, &cpu, 0, 0));
    CHECK_EQ(cpu, server_cpu);
    CHECK_EQ(s.counter, PINGPONG_CALLS);
    CHECK_EQ(s.arg[1], 0);   /* bad words seen by the server */
    CHECK_EQ(s.arg[2], 0);   /* wrong badges */
    CHECK_EQ(s.arg[3], 0);
    CHECK_CLEAN();
    CHECK_OK(send_stop(client));
    CHECK(wait_flag((volatile pecan_word_t *)&s.finished, 10000));
    CHECK_OK(s.result);
    CHECK_CLEAN();
    helper_destroy(&s);
    CHECK_OK(cap_delete(client));
}

/* task_server that first notes its CPU in report word 6 (a3: the Scheduler in its space). */
static void cpu_task_server(pecan_word_t badge, pecan_word_t report, pecan_word_t done,
                            pecan_word_t sched)
{
    ((volatile pecan_word_t *)report)[6] = (pecan_word_t)pecan_sched_cpu(sched);
    task_server(badge, report, done, 0);
}

/* Across address spaces: task_server (a task) placed on server_cpu. */
static void pingpong_cross_cpu_cross_as(unsigned server_cpu, unsigned move_cpu)
{
    struct task t;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), done = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t client = slot_alloc();
    REQUIRE(gate && done && client);
    REQUIRE_OK(task_create(&t, 128));
    REQUIRE_OK(task_copy(&t, T_DONE, done, PECAN_RIGHT_WRITE));
    REQUIRE_OK(task_copy(&t, T_SCHED, SCHED, PECAN_RIGHT_READ));
    REQUIRE_OK(pecan_sched_run_thread(PECAN_ROOT_SCHEDULER, t.r.thread, 128, 1u << server_cpu, 0));
    REQUIRE_OK(pecan_gate_bind(gate, t.r.thread));
    REQUIRE_OK(cap_mint(client, gate, PECAN_RIGHT_WRITE, 0xC0C0));
    volatile pecan_word_t *rep = remote_shared();
    for (unsigned i = 0; i < 8; i++)
        rep[i] = 0;
    rep[6] = 0xFF;
    REQUIRE_OK(remote_start(&t.r, cpu_task_server, 0xC0C0, REMOTE_SHARED_VA, T_DONE, T_SCHED));
    pecan_word_t report[4] = { 0, 0, 0, 0 };
    cross_cpu_client(client, report, move_cpu, "root client, task server on another CPU");
    CHECK_EQ(rep[6], server_cpu);
    stop_task_server(&t, client, done, rep);
}

/* Ping-pong with the server on CPU 1 and the root calling from CPU 0, every size 0-63 both
 * ways; the root moves itself to a third CPU before round 1 and goes on calling from
 * there. With one CPU there is nothing to test. */
UTEST(ipc_ping_pong_cross_cpu)
{
    unsigned server_cpu = 0, move_cpu = 0;
    if (!cross_cpus(&server_cpu, &move_cpu)) {
        pecan_printf("# skipped: one CPU\n");
        return;
    }
    pingpong_cross_cpu_same_as(server_cpu, move_cpu);
    CHECK_EQ(pecan_sched_cpu(SCHED), 0);
    pingpong_cross_cpu_cross_as(server_cpu, move_cpu);
    CHECK_EQ(pecan_sched_cpu(SCHED), 0);
    CHECK_CLEAN();
}

/* ---- gates and badges ------------------------------------------------------------------ */

/* Answers each message with w0 = the badge it came through, w1 = its label, w2 = its word
 * count, w3 = IPC status; counts messages. */
static void badge_server(struct helper *h)
{
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
    for (;;) {
        int label = pecan_tag_label(m.tag);
        if (r.ipc_status == PECAN_IPC_OK && label == LABEL_STOP)
            break;
        h->counter++;
        h->arg[h->counter & 3] = r.badge;
        m.word[0] = r.badge;
        m.word[1] = (pecan_word_t)label;
        m.word[2] = pecan_tag_words(m.tag);
        m.word[3] = r.ipc_status;
        m.tag = pecan_tag(0, 4, 0);
        r = pecan_ipc_reply_wait(&m, PECAN_TIMEOUT_NEVER);
    }
    m.tag = 0;
    pecan_ipc_reply(&m);
}

static pecan_word_t badge_of_call(pecan_cap_t cap, int label, int *err)
{
    struct pecan_message m = { .tag = pecan_tag(label, 1, 0) };
    m.word[0] = PECAN_GATE_INFO;
    *err = ipc_err(pecan_ipc_call(cap, &m, PECAN_TIMEOUT_NEVER));
    return *err ? 0xFFFFFFFFu : m.word[0];
}

/* A server binds a gate; clients hold minted copies with distinct badges; the server sees
 * the badge of the capability used. Control (GATE) needs READ: through a client's copy
 * the same message is plain IPC to the server. */
UTEST(ipc_gate_badges)
{
    struct helper s;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), c = slots_alloc(4);
    REQUIRE(gate && c);
    REQUIRE_OK(helper_create(&s, badge_server, 200));
    int bound = -1;
    pecan_word_t badge = 1;
    CHECK_OK(pecan_gate_info(gate, &bound, &badge));
    CHECK_EQ(bound, 0);
    CHECK_EQ(badge, 0);
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    CHECK_OK(pecan_gate_info(gate, &bound, &badge));
    CHECK_EQ(bound, 1);
    for (unsigned i = 0; i < 3; i++)
        REQUIRE_OK(cap_mint(c + i, gate, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT, 0x100 + i));
    /* A copy with READ may control the gate and learns its own badge. */
    REQUIRE_OK(cap_mint(c + 3, gate, PECAN_RIGHTS_ALL, 0xABC));
    CHECK_OK(pecan_gate_info(c + 3, &bound, &badge));
    CHECK_EQ(badge, 0xABC);
    /* A badge is set once: minting a badged copy again with another badge fails. */
    pecan_cap_t again = slot_alloc();
    CHECK_ERR(cap_mint(again, c, PECAN_RIGHT_WRITE, 0x999), -PECAN_EPERM);
    REQUIRE_OK(helper_start(&s));
    int err;
    for (unsigned round = 0; round < 3; round++) {
        for (unsigned i = 0; i < 3; i++) {
            CHECK_EQ(badge_of_call(c + i, 7, &err), 0x100 + i);
            CHECK_OK(err);
        }
    }
    CHECK_EQ(badge_of_call(gate, 7, &err), 0);   /* the master has badge 0 */
    CHECK_OK(err);
    /* GATE through a copy without READ: ordinary IPC, the server sees label -10. */
    struct pecan_message m = { .tag = pecan_tag(PECAN_PROTO_GATE, 2, 0) };
    m.word[0] = PECAN_GATE_BIND;
    m.word[1] = PECAN_ROOT_THREAD;
    CHECK_OK(ipc_err(pecan_ipc_call(c + 1, &m, PECAN_TIMEOUT_NEVER)));
    CHECK_EQ(m.word[0], 0x101);
    CHECK_EQ(m.word[1], (pecan_word_t)PECAN_PROTO_GATE);
    CHECK_EQ(m.word[2], 2);
    CHECK_OK(pecan_gate_info(gate, &bound, &badge));   /* still bound to the server */
    CHECK_EQ(s.counter, 3 * 3 + 2);
    CHECK_CLEAN();
    CHECK_OK(send_stop(gate));
    CHECK(s.finished);
    helper_destroy(&s);
    CHECK_CLEAN();
    for (unsigned i = 0; i < 4; i++)
        CHECK_OK(cap_delete(c + i));
}

/* A client calling through the gate; arg[0] the gate, arg[1] what it sends in word 0.
 * result: the error; arg[2]: reply word 0 (the badge the server saw). */
static void gate_client(struct helper *h)
{
    struct pecan_message m = { .tag = pecan_tag(9, 1, 0) };
    m.word[0] = h->arg[1];
    h->counter++;
    h->result = ipc_err(pecan_ipc_call(h->arg[0], &m, PECAN_TIMEOUT_NEVER));
    h->arg[2] = m.word[0];
    h->counter++;
}

/* Senders to an unbound gate wait there, in order, until a thread is bound to it. */
UTEST(ipc_unbound_gate_waits)
{
    struct helper a, b, s;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), ca = slot_alloc(), cb = slot_alloc();
    REQUIRE(gate && ca && cb);
    REQUIRE_OK(cap_mint(ca, gate, PECAN_RIGHT_WRITE, 0xA));
    REQUIRE_OK(cap_mint(cb, gate, PECAN_RIGHT_WRITE, 0xB));
    REQUIRE_OK(helper_create(&a, gate_client, 200));
    REQUIRE_OK(helper_create(&b, gate_client, 200));
    REQUIRE_OK(helper_create(&s, badge_server, 150));
    a.arg[0] = ca;
    b.arg[0] = cb;
    REQUIRE_OK(helper_start(&a));
    REQUIRE_OK(helper_start(&b));
    CHECK_EQ(a.counter, 1);   /* both blocked at the gate */
    CHECK_EQ(b.counter, 1);
    /* A zero-timeout send finds no receiver either. */
    struct pecan_message m = { .tag = pecan_tag(9, 0, 0) };
    CHECK_ERR(ipc_err(pecan_ipc_call(gate, &m, PECAN_TIMEOUT_ZERO)), TIMED_OUT);
    CHECK_CLEAN();
    REQUIRE_OK(helper_start(&s));   /* in its open wait: nothing arrives yet */
    CHECK_EQ(s.counter, 0);
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    /* Binding hands both to the server; they run (200) as soon as each is answered. */
    CHECK_EQ(a.counter, 2);
    CHECK_EQ(b.counter, 2);
    CHECK_OK(a.result);
    CHECK_OK(b.result);
    CHECK_EQ(a.arg[2], 0xA);
    CHECK_EQ(b.arg[2], 0xB);
    CHECK_EQ(s.counter, 2);
    CHECK_EQ(s.arg[1], 0xA);   /* served in the order they came */
    CHECK_EQ(s.arg[2], 0xB);
    CHECK_CLEAN();
    CHECK_OK(send_stop(gate));
    helper_destroy(&a);
    helper_destroy(&b);
    helper_destroy(&s);
    CHECK_OK(cap_delete(ca));
    CHECK_OK(cap_delete(cb));
    CHECK_CLEAN();
}

/* Rebinding a gate while senders are queued at its thread, and destroying a gate with a
 * thread in a closed receive on it and senders queued through it. */
static void closed_receiver(struct helper *h)
{
    struct pecan_message m;
    h->counter++;
    h->result = ipc_err(pecan_ipc_receive(h->arg[0], &m, PECAN_TIMEOUT_NEVER));
    h->counter++;
}

UTEST(ipc_gate_destroyed_and_rebound)
{
    struct helper r, a, s2;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0);
    REQUIRE(gate);
    REQUIRE_OK(helper_create(&r, closed_receiver, 200));
    r.arg[0] = gate;
    REQUIRE_OK(pecan_gate_bind(gate, r.thread));
    REQUIRE_OK(helper_start(&r));
    CHECK_EQ(r.counter, 1);
    CHECK_CLEAN();
    /* The gate goes: its closed receiver is cancelled. */
    obj_free(gate);
    CHECK_EQ(r.counter, 2);
    CHECK_ERR(r.result, CANCELED);
    CHECK_CLEAN();

    /* Senders queued at a thread that is not receiving; the gate is rebound elsewhere. */
    gate = obj_new(PECAN_OBJ_GATE, 0);
    REQUIRE(gate);
    REQUIRE_OK(helper_create(&a, gate_client, 200));
    REQUIRE_OK(helper_create(&s2, badge_server, 150));
    a.arg[0] = gate;
    REQUIRE_OK(pecan_gate_bind(gate, PECAN_ROOT_THREAD));   /* the root is not receiving */
    REQUIRE_OK(helper_start(&a));
    CHECK_EQ(a.counter, 1);
    REQUIRE_OK(helper_start(&s2));
    REQUIRE_OK(pecan_gate_bind(gate, s2.thread));
    CHECK_CLEAN();
    /* Whichever thread takes it, the message is answered exactly once. */
    struct pecan_message m;
    struct pecan_reply rep = pecan_ipc_wait(&m, PECAN_TIMEOUT_ZERO);
    if (rep.ipc_status == PECAN_IPC_OK) {
        m.tag = pecan_tag(0, 1, 0);
        m.word[0] = 0x77;
        CHECK_OK(ipc_err(pecan_ipc_reply(&m)));
    }
    CHECK_EQ(a.counter, 2);
    CHECK_OK(a.result);
    CHECK_EQ(s2.counter + (rep.ipc_status == PECAN_IPC_OK), 1);
    pecan_printf("# rebound gate: the queued sender was served by %s\n",
                 rep.ipc_status == PECAN_IPC_OK ? "the old thread" : "the new one");
    /* Destroying the gate fails senders still waiting through it. */
    helper_destroy(&s2);
    struct helper b;
    REQUIRE_OK(helper_create(&b, gate_client, 200));
    b.arg[0] = gate;
    REQUIRE_OK(helper_start(&b));
    CHECK_EQ(b.counter, 1);   /* waits at the unbound gate (its thread is gone) */
    obj_free(gate);
    CHECK_EQ(b.counter, 2);
    CHECK_ERR(b.result, NO_PARTNER);
    CHECK_CLEAN();
    helper_destroy(&r);
    helper_destroy(&a);
    helper_destroy(&b);
    CHECK_CLEAN();
}

/* ---- timeouts ---------------------------------------------------------------------------- */

static uint64_t tick_ns(void)
{
    const volatile struct pecan_kip *kip = (const volatile struct pecan_kip *)PECAN_KIP_ADDRESS;
    return kip->tick_hz ? 1000000000ull / kip->tick_hz : 10000000ull;
}

/* Elapsed KIP time of an operation that should take at least us microseconds: never
 * less, and not more than two ticks (plus slack for a busy host) longer. */
/* A timeout never ends early. The upper bound only catches a lost timeout or a wrong unit:
 * on a busy host the tick that ends it comes tens of milliseconds late, and the vCPU may
 * wait as long again before it runs (docs/smp.md, "Under QEMU"). */
static void check_elapsed(uint64_t start, uint64_t end, unsigned us, const char *what)
{
    uint64_t elapsed = end - start, want = (uint64_t)us * 1000;
    if (elapsed < want || elapsed > want + 2 * tick_ns() + 1000000000ull)
        ut_fail(__FILE__, __LINE__, "%s of %u us took %lu us", what, us,
                (unsigned long)(elapsed / 1000));
}

static void spinner(struct helper *h)
{
    for (;;)
        h->counter++;
}

UTEST(ipc_timeouts)
{
    const volatile struct pecan_kip *kip = (const volatile struct pecan_kip *)PECAN_KIP_ADDRESS;
    CHECK_EQ(kip->magic, PECAN_KIP_MAGIC);
    CHECK(kip->tick_hz >= 10);
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0);
    REQUIRE(gate);
    REQUIRE_OK(pecan_gate_bind(gate, PECAN_ROOT_THREAD));
    struct pecan_message m;
    /* Zero: a receive with nothing there returns at once, closed and open. */
    CHECK_ERR(ipc_err(pecan_ipc_receive(gate, &m, PECAN_TIMEOUT_ZERO)), TIMED_OUT);
    CHECK_ERR(ipc_err(pecan_ipc_wait(&m, PECAN_TIMEOUT_ZERO)), TIMED_OUT);
    /* Relative: a receive that times out. */
    uint64_t t0 = kip_now_ns();
    CHECK_ERR(ipc_err(pecan_ipc_receive(gate, &m, pecan_timeout_us(30000))), TIMED_OUT);
    check_elapsed(t0, kip_now_ns(), 30000, "closed receive");
    t0 = kip_now_ns();
    CHECK_ERR(ipc_err(pecan_ipc_wait(&m, pecan_timeout_us(15000))), TIMED_OUT);
    check_elapsed(t0, kip_now_ns(), 15000, "open wait");
    /* A sleep: receive from the null capability with a timeout. */
    t0 = kip_now_ns();
    CHECK_OK(pecan_sleep_us(25000));
    check_elapsed(t0, kip_now_ns(), 25000, "sleep");
    CHECK_OK(pecan_sleep_us(0));   /* a timeout of 0 us is the zero timeout: a poll */
    /* Null capability without a timeout would sleep forever; with ZERO it is a poll. */
    m.tag = 0;
    CHECK_ERR(ipc_err(pecan_ipc(0, PECAN_OP_RECV, PECAN_TIMEOUT_ZERO, &m)), TIMED_OUT);
    CHECK_CLEAN();

    /* While the root sleeps, a lower-priority thread gets the CPU. */
    struct helper spin;
    REQUIRE_OK(helper_create(&spin, spinner, 50));
    REQUIRE_OK(helper_start(&spin));
    pecan_word_t before = spin.counter;
    /* Only the root's sleeps give it the CPU; a busy host may hold the vCPU up for a whole
     * sleep, so sleep until it has (up to 5 s). */
    for (unsigned i = 0; i < 250 && spin.counter <= before + 1000; i++)
        CHECK_OK(pecan_sleep_us(20000));
    CHECK(spin.counter > before + 1000);
    helper_destroy(&spin);

    /* A send timeout: the gate's thread is not receiving (never started). */
    struct helper idle;
    REQUIRE_OK(helper_create(&idle, badge_server, 200));
    pecan_cap_t g2 = obj_new(PECAN_OBJ_GATE, 0);
    REQUIRE(g2);
    REQUIRE_OK(pecan_gate_bind(g2, idle.thread));
    m.tag = pecan_tag(9, 0, 0);
    CHECK_ERR(ipc_err(pecan_ipc_call(g2, &m, PECAN_TIMEOUT_ZERO)), TIMED_OUT);
    t0 = kip_now_ns();
    m.tag = pecan_tag(9, 0, 0);
    CHECK_ERR(ipc_err(pecan_ipc_call(g2, &m, pecan_timeout_us(20000))), TIMED_OUT);
    check_elapsed(t0, kip_now_ns(), 20000, "send");
    m.tag = pecan_tag(9, 0, 0);
    CHECK_ERR(ipc_err(pecan_ipc_send(g2, &m, pecan_timeout_us(10000))), TIMED_OUT);
    CHECK_CLEAN();
    /* The same at a gate nobody is bound to: the caller waits at the gate, then leaves. */
    pecan_cap_t unbound = obj_new(PECAN_OBJ_GATE, 0);
    REQUIRE(unbound);
    m.tag = pecan_tag(9, 0, 0);
    CHECK_ERR(ipc_err(pecan_ipc_call(unbound, &m, pecan_timeout_us(10000))), TIMED_OUT);
    CHECK_CLEAN();
    /* Nothing stayed queued: the server, started now, finds no message. */
    REQUIRE_OK(helper_start(&idle));
    CHECK_EQ(idle.counter, 0);
    /* A send only (no reply wanted) is taken at once by the waiting server. */
    m.tag = pecan_tag(9, 0, 0);
    CHECK_OK(ipc_err(pecan_ipc_send(g2, &m, PECAN_TIMEOUT_ZERO)));
    CHECK_EQ(idle.counter, 1);
    CHECK_OK(send_stop(g2));
    CHECK(idle.finished);
    helper_destroy(&idle);
    CHECK_CLEAN();
}

/* ---- bad input ----------------------------------------------------------------------------- */

/* Records each message: status, tag, badge, UTCB error word and the first 8 words; answers
 * with label 0 and no words. arg[0]: a notification to wait on before answering (0: none). */
struct record {
    pecan_word_t status, tag, badge, error, words[8];
};
static struct record records[8];

static void recorder(struct helper *h)
{
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
    for (;;) {
        if (r.ipc_status == PECAN_IPC_OK && pecan_tag_label(m.tag) == LABEL_STOP)
            break;
        struct record *rec = &records[h->counter % 8];
        rec->status = r.ipc_status;
        rec->tag = m.tag;
        rec->badge = r.badge;
        rec->error = pecan_utcb()->error;
        for (unsigned i = 0; i < 8; i++)
            rec->words[i] = m.word[i];
        h->counter++;
        m.tag = 0;
        r = pecan_ipc_reply_wait(&m, PECAN_TIMEOUT_NEVER);
    }
    m.tag = 0;
    pecan_ipc_reply(&m);
}

/* A thread without a UTCB: register-only system calls. arg[0] the gate; arg[1] result of a
 * 7-word call, arg[2] of a 6-word call. */
static void no_utcb_client(struct helper *h)
{
    pecan_word_t w[6] = { 1, 2, 3, 4, 5, 6 };
    pecan_tag_t tag = pecan_tag(9, 7, 0);
    pecan_word_t status = raw_ipc(h->arg[0], PECAN_OP_CALL, &tag, w, 0);
    h->arg[1] = (pecan_word_t)pecan_error((struct pecan_reply){ status, tag, 0 });
    tag = pecan_tag(9, 6, 0);
    status = raw_ipc(h->arg[0], PECAN_OP_CALL, &tag, w, 0);
    h->arg[2] = (pecan_word_t)pecan_error((struct pecan_reply){ status, tag, 0 });
    h->counter++;
}

/* A receiver without a UTCB: it gets six words of a longer message and ITEM_FAILED.
 * arg[1] status, arg[2] words in the tag, arg[3] word 5. */
static void no_utcb_server(struct helper *h)
{
    pecan_word_t w[6] = { 0 };
    pecan_tag_t tag = 0;
    pecan_word_t status = raw_ipc(0, PECAN_OP_WAIT, &tag, w, 0);
    h->arg[1] = status;
    h->arg[2] = pecan_tag_words(tag);
    h->arg[3] = w[5];
    h->counter++;
    tag = 0;
    raw_ipc(0, PECAN_OP_REPLY | PECAN_OP_SEND, &tag, w, 0);
}

UTEST(ipc_bad_input)
{
    struct helper s;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t other = obj_new(PECAN_OBJ_GATE, 0), empty = slot_alloc();
    pecan_cap_t no_write = slot_alloc(), no_read = slot_alloc(), no_grant = slot_alloc();
    REQUIRE(gate && n && other && empty && no_write && no_read && no_grant);
    REQUIRE_OK(helper_create(&s, recorder, 200));
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(helper_start(&s));
    REQUIRE_OK(cap_copy(no_write, gate, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    REQUIRE_OK(cap_copy(no_grant, gate, PECAN_RIGHT_WRITE | PECAN_RIGHT_READ));
    REQUIRE_OK(pecan_gate_bind(other, PECAN_ROOT_THREAD));
    REQUIRE_OK(cap_copy(no_read, other, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT));
    struct pecan_message m;

    /* Sending to nothing, or to an object that is not a gate. */
    m.tag = pecan_tag(9, 1, 0);
    CHECK_ERR(ipc_err(pecan_ipc_call(empty, &m, PECAN_TIMEOUT_NEVER)), -PECAN_EINVALCAP);
    m.tag = pecan_tag(9, 1, 0);
    struct pecan_reply r = pecan_ipc_call(0xFFFFF000u, &m, PECAN_TIMEOUT_NEVER);
    CHECK_EQ(r.ipc_status, PECAN_IPC_BAD_SELECTOR);
    m.tag = pecan_tag(9, 1, 0);   /* a notification speaks its own protocol only */
    CHECK_ERR(ipc_err(pecan_ipc_call(n, &m, PECAN_TIMEOUT_NEVER)), -PECAN_EBADPROTO);
    m.tag = pecan_tag(9, 1, 0);
    CHECK_ERR(ipc_err(pecan_ipc_send(n, &m, PECAN_TIMEOUT_NEVER)), -PECAN_EBADPROTO);
    /* Receiving on something that is not a gate bound to the caller with READ. */
    /* Each is NO_PARTNER with EPERM in the label (docs/abi.md). */
    const pecan_cap_t not_receivable[] = { n, gate, no_read };
    for (unsigned i = 0; i < 3; i++) {
        struct pecan_reply nr = pecan_ipc_receive(not_receivable[i], &m, PECAN_TIMEOUT_ZERO);
        CHECK_EQ(nr.ipc_status, PECAN_IPC_NO_PARTNER);
        CHECK_EQ(pecan_tag_label(nr.tag), -PECAN_EPERM);
    }
    CHECK_ERR(ipc_err(pecan_ipc_receive(empty, &m, PECAN_TIMEOUT_ZERO)), TIMED_OUT);  /* sleep */
    r = pecan_ipc_receive(0xFFFFF000u, &m, PECAN_TIMEOUT_ZERO);
    CHECK_EQ(r.ipc_status, PECAN_IPC_BAD_SELECTOR);
    /* Sending needs WRITE; calling a gate bound to oneself would wait for oneself. */
    m.tag = pecan_tag(9, 1, 0);
    CHECK_ERR(ipc_err(pecan_ipc_call(no_write, &m, PECAN_TIMEOUT_NEVER)), -PECAN_EPERM);
    m.tag = pecan_tag(9, 1, 0);
    r = pecan_ipc_call(other, &m, PECAN_TIMEOUT_NEVER);
    CHECK_EQ(r.ipc_status, PECAN_IPC_NO_PARTNER);
    CHECK_EQ(pecan_tag_label(r.tag), -PECAN_EINVAL);
    /* No operation flag at all. */
    m.tag = pecan_tag(9, 1, 0);
    CHECK_ERR(ipc_err(pecan_ipc(gate, 0, 0, &m)), -PECAN_EINVAL);
    CHECK_EQ(s.counter, 0);

    /* Too many words: 63 words and an item, 40 words and 12 items; a label of any value. */
    m.tag = pecan_tag(9, 63, 1);
    CHECK_ERR(ipc_err(pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER)), -PECAN_EMSGTOOLONG);
    m.tag = pecan_tag(9, 40, 12);
    CHECK_ERR(ipc_err(pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER)), -PECAN_EMSGTOOLONG);
    m.tag = pecan_tag(9, 63, 0) | 0xF000u;   /* tag flags are ignored */
    CHECK_OK(ipc_err(pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER)));
    CHECK_EQ(s.counter, 1);
    /* Items through a gate capability without GRANT are refused before anything moves. */
    m.tag = pecan_tag(9, 0, 1);
    m.word[0] = PECAN_ITEM_CAP | PECAN_RIGHTS_ALL << PECAN_ITEM_RIGHTS_SHIFT;
    m.word[1] = n;
    CHECK_ERR(ipc_err(pecan_ipc_call(no_grant, &m, PECAN_TIMEOUT_NEVER)), -PECAN_EPERM);
    CHECK_EQ(s.counter, 1);
    CHECK_CLEAN();

    /* Items with garbage: the message arrives, the item fails with its reason. */
    static const struct { pecan_word_t w0, w1; int err; } garbage[] = {
        { 0xFu, 0, -PECAN_EINVAL },                                   /* unknown kind */
        { 0, 0x12345678u, -PECAN_EINVAL },                            /* kind 0 */
        { PECAN_ITEM_CAP | 0xF0u, 0x7FFu, -PECAN_EINVALCAP },         /* empty slot */
        { PECAN_ITEM_CAP | 0xF0u, 0xFFFFF000u, -PECAN_EINVALCAP },    /* unresolvable */
        { PECAN_ITEM_MAP | 0x60u | 12u << 8, 0x00400000u, -PECAN_ERANGE },  /* no window */
    };
    for (unsigned i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
        m.tag = pecan_tag(9, 1, 1);
        m.word[0] = 0xF00D;
        m.word[1] = garbage[i].w0;
        m.word[2] = garbage[i].w1 == 0x7FFu ? empty : garbage[i].w1;
        pecan_word_t before = s.counter;
        CHECK_OK(ipc_err(pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER)));   /* sender: fine */
        REQUIRE(CHECK_EQ(s.counter, before + 1));
        const struct record *rec = &records[before % 8];
        CHECK_EQ(rec->status, PECAN_IPC_ITEM_FAILED);
        CHECK_EQ(rec->error, (pecan_word_t)-garbage[i].err);
        CHECK_EQ(rec->words[0], 0xF00D);
        CHECK_EQ(rec->words[1], (garbage[i].w0 & PECAN_ITEM_KIND_MASK) |
                                    ((pecan_word_t)-garbage[i].err << PECAN_ITEM_RESULT_SHIFT));
        CHECK_EQ(rec->words[2], 0);
        CHECK_EQ(pecan_tag_items(rec->tag), 1);
    }
    CHECK_CLEAN();

    /* A thread without a UTCB can send six words, not seven. */
    struct helper nu;
    REQUIRE_OK(helper_create(&nu, no_utcb_client, 210));
    REQUIRE_OK(pecan_thread_configure(nu.thread, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED,
                                      empty, 0, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    nu.arg[0] = gate;
    pecan_word_t before = s.counter;
    REQUIRE_OK(helper_start(&nu));
    CHECK_EQ(nu.counter, 1);
    CHECK_ERR((int)nu.arg[1], -PECAN_EMSGTOOLONG);
    CHECK_OK((int)nu.arg[2]);
    CHECK_EQ(s.counter, before + 1);
    CHECK_EQ(records[before % 8].words[5], 6);
    /* ... and receives six words of a longer message, with ITEM_FAILED. */
    struct helper ns;
    REQUIRE_OK(helper_create(&ns, no_utcb_server, 210));
    REQUIRE_OK(pecan_thread_configure(ns.thread, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED,
                                      empty, 0, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    REQUIRE_OK(pecan_gate_bind(other, ns.thread));
    REQUIRE_OK(helper_start(&ns));
    fill_request(&m, 1, 10);
    CHECK_OK(ipc_err(pecan_ipc_call(other, &m, PECAN_TIMEOUT_NEVER)));
    CHECK_EQ(ns.counter, 1);
    CHECK_EQ(ns.arg[1], PECAN_IPC_ITEM_FAILED);
    CHECK_EQ(ns.arg[2], 6);
    CHECK_EQ(ns.arg[3], pattern_word(1, 10, 5));
    CHECK_CLEAN();

    CHECK_OK(send_stop(gate));
    helper_destroy(&s);
    helper_destroy(&nu);
    helper_destroy(&ns);
    CHECK_OK(cap_delete(no_write));
    CHECK_OK(cap_delete(no_read));
    CHECK_OK(cap_delete(no_grant));
    CHECK_CLEAN();
}

/* ---- closed receive and send-and-wait ---------------------------------------------------- */

/* A server with two gates: a closed receive takes only what came through its gate, even
 * when a sender through the other gate queued first; an open wait then takes the rest. */
UTEST(ipc_closed_receive_selects_gate)
{
    struct helper a, b;
    pecan_cap_t ga = obj_new(PECAN_OBJ_GATE, 0), gb = obj_new(PECAN_OBJ_GATE, 0);
    pecan_cap_t ca = slot_alloc(), cb = slot_alloc();
    REQUIRE(ga && gb && ca && cb);
    REQUIRE_OK(pecan_gate_bind(ga, PECAN_ROOT_THREAD));
    REQUIRE_OK(pecan_gate_bind(gb, PECAN_ROOT_THREAD));
    REQUIRE_OK(cap_mint(ca, ga, PECAN_RIGHT_WRITE, 0xAA));
    REQUIRE_OK(cap_mint(cb, gb, PECAN_RIGHT_WRITE, 0xBB));
    REQUIRE_OK(helper_create(&a, gate_client, 200));
    REQUIRE_OK(helper_create(&b, gate_client, 200));
    a.arg[0] = ca;
    b.arg[0] = cb;
    REQUIRE_OK(helper_start(&a));   /* queued at the root first */
    REQUIRE_OK(helper_start(&b));
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_receive(gb, &m, PECAN_TIMEOUT_ZERO);
    CHECK_EQ(r.ipc_status, PECAN_IPC_OK);
    CHECK_EQ(r.badge, 0xBB);
    m.tag = pecan_tag(0, 1, 0);
    m.word[0] = r.badge;
    CHECK_OK(ipc_err(pecan_ipc_reply(&m)));
    CHECK_EQ(b.counter, 2);
    CHECK_EQ(b.arg[2], 0xBB);
    CHECK_EQ(a.counter, 1);
    /* Nothing more through gb. */
    CHECK_ERR(ipc_err(pecan_ipc_receive(gb, &m, PECAN_TIMEOUT_ZERO)), TIMED_OUT);
    r = pecan_ipc_wait(&m, PECAN_TIMEOUT_ZERO);
    CHECK_EQ(r.ipc_status, PECAN_IPC_OK);
    CHECK_EQ(r.badge, 0xAA);
    m.tag = pecan_tag(0, 1, 0);
    m.word[0] = r.badge;
    CHECK_OK(ipc_err(pecan_ipc_reply(&m)));
    CHECK_EQ(a.counter, 2);
    CHECK_EQ(a.arg[2], 0xAA);
    CHECK_CLEAN();
    helper_destroy(&a);
    helper_destroy(&b);
    CHECK_OK(cap_delete(ca));
    CHECK_OK(cap_delete(cb));
    CHECK_CLEAN();
}

/* A server that answers a request by a plain send through the gate in arg[0] (no reply
 * capability is involved), then waits for the next. */
static void send_back_server(struct helper *h)
{
    struct pecan_message m;
    pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
    h->arg[1] = (pecan_word_t)ipc_err(pecan_ipc_reply(&m));   /* none: it was a send */
    m.tag = pecan_tag(0, 1, 0);
    m.word[0] += 1;
    h->result = ipc_err(pecan_ipc_send(h->arg[0], &m, PECAN_TIMEOUT_NEVER));
    h->counter++;
}

/* Send-and-wait (SEND|RECV|OPEN_WAIT without REPLY): the send gives no reply capability,
 * and the sender then waits for anything; here the answer comes as a send to its gate. */
UTEST(ipc_send_and_wait)
{
    struct helper s;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), mine = obj_new(PECAN_OBJ_GATE, 0);
    REQUIRE(gate && mine);
    REQUIRE_OK(helper_create(&s, send_back_server, 200));
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(pecan_gate_bind(mine, PECAN_ROOT_THREAD));
    s.arg[0] = mine;
    REQUIRE_OK(helper_start(&s));
    struct pecan_message m = { .tag = pecan_tag(3, 1, 0) };
    m.word[0] = 41;
    struct pecan_reply r = pecan_ipc(gate, PECAN_OP_SEND | PECAN_OP_WAIT, PECAN_TIMEOUT_NEVER, &m);
    CHECK_EQ(r.ipc_status, PECAN_IPC_OK);
    CHECK_EQ(m.word[0], 42);
    CHECK_EQ(r.badge, 0);
    CHECK_ERR((int)s.arg[1], NO_REPLY_CAP);
    CHECK_OK(s.result);
    CHECK_CLEAN();
    helper_destroy(&s);
    CHECK_CLEAN();
}

/* ---- what the fast path must leave to the general path ------------------------------------ */

/* The IPC fast path (arch/armv6/syscall.S) takes a register-only call or reply-and-wait
 * only when nothing else is due. Each case here needs the general path instead, and must
 * come out as if there were no fast path: nothing lost or delivered twice, no stale
 * timeout, the priorities kept. */

struct fast_log {
    int label;
    pecan_word_t word0, badge;
};
static struct fast_log fast_log[8];

/* Answers word 0 + 1 to each call, logging label, word 0 and badge of everything it
 * receives (counter: how many). arg[0]: a notification to wait on before answering the
 * first call (0: none); arg[1]: the timeout of its first wait (the others have none);
 * arg[2]: set to the other helper's `finished` (struct helper * in arg[3]) when the first
 * message arrives; result: 1 if a wait timed out, -1 if one failed otherwise. */
static void fast_server(struct helper *h)
{
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, (uint32_t)h->arg[1]);
    for (;;) {
        if (r.ipc_status == PECAN_IPC_TIMEOUT) {
            h->result = 1;
            r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
            continue;
        }
        if (r.ipc_status != PECAN_IPC_OK) {
            h->result = -1;
            return;
        }
        int label = pecan_tag_label(m.tag);
        fast_log[h->counter % 8] = (struct fast_log){ label, m.word[0], r.badge };
        if (h->counter++ == 0) {
            if (h->arg[3])
                h->arg[2] = (pecan_word_t)((struct helper *)h->arg[3])->finished;
            pecan_word_t bits;
            if (h->arg[0])
                pecan_notification_wait(h->arg[0], &bits);
        }
        if (label == PECAN_LABEL_NOTIFICATION) {   /* no caller to answer */
            r = pecan_ipc_wait(&m, PECAN_TIMEOUT_NEVER);
            continue;
        }
        m.tag = pecan_tag(0, 1, 0);
        m.word[0] += 1;
        if (label == LABEL_STOP) {
            pecan_ipc_reply(&m);
            return;
        }
        r = pecan_ipc_reply_wait(&m, PECAN_TIMEOUT_NEVER);
    }
}

/* A client: calls arg[0] once with word 0 = arg[1]; arg[2] gets the answer's word 0. */
static void fast_client(struct helper *h)
{
    struct pecan_message m = { .tag = pecan_tag(1, 1, 0) };
    m.word[0] = h->arg[1];
    struct pecan_reply r = pecan_ipc_call(h->arg[0], &m, PECAN_TIMEOUT_NEVER);
    h->result = ipc_err(r);
    h->arg[2] = m.word[0];
    h->counter++;
}

static pecan_word_t call_word(pecan_cap_t gate, pecan_word_t word0)
{
    struct pecan_message m = { .tag = pecan_tag(1, 1, 0) };
    m.word[0] = word0;
    struct pecan_reply r = pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER);
    return r.ipc_status == PECAN_IPC_OK ? m.word[0] : 0;
}

static void stop_fast_server(pecan_cap_t gate, struct helper *s)
{
    struct pecan_message m = { .tag = pecan_tag(LABEL_STOP, 0, 0) };
    CHECK_OK(ipc_err(pecan_ipc_call(gate, &m, PECAN_TIMEOUT_NEVER)));
    CHECK(wait_flag((volatile pecan_word_t *)&s->finished, 10000));
}

static void start_client(struct helper *c, pecan_cap_t gate, pecan_word_t word0)
{
    REQUIRE_OK(helper_create(c, fast_client, 150));
    c->arg[0] = gate;
    c->arg[1] = word0;
    REQUIRE_OK(helper_start(c));
}

/* The receiver waits with a timeout: the message must cancel it, so that it cannot end
 * the receiver's next wait (which has none). */
UTEST(ipc_fast_path_receiver_with_timeout)
{
    struct helper s;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0);
    REQUIRE(gate);
    REQUIRE_OK(helper_create(&s, fast_server, 200));
    /* A wait of 1 s, and the call at once: a busy host would have to hold the root up for
     * a second for the wait to end first (not so for a call 60 ms into a 100 ms wait). */
    s.arg[1] = pecan_timeout_us(1000000);
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(helper_start(&s));
    pecan_sleep_us(10000);
    CHECK_EQ(call_word(gate, 10), 11);   /* early in its 1 s wait */
    pecan_sleep_us(1100000);             /* past the end of that wait */
    CHECK_OK(s.result);
    CHECK_EQ(call_word(gate, 20), 21);
    stop_fast_server(gate, &s);
    CHECK_EQ(s.counter, 3);
    CHECK_CLEAN();
    helper_destroy(&s);
    CHECK_CLEAN();
}

/* A reply-and-wait when the server has more to receive: the caller gets its answer and
 * the server what is pending at once. The server takes a call from one client and holds
 * it (waits for "hold"); meanwhile a second client queues at it (queued_call), or its
 * bound notification is signalled (pending_signal); then it answers. */
static void server_has_more(bool queued_call)
{
    struct helper s, c1, c2;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), hold = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t bound = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(gate && hold && bound);
    REQUIRE_OK(helper_create(&s, fast_server, 200));
    s.arg[0] = hold;
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(pecan_thread_bind_notification(s.thread, bound));
    REQUIRE_OK(helper_start(&s));
    start_client(&c1, gate, 100);   /* taken; the server then waits for "hold" */
    CHECK_EQ(s.counter, 1);
    if (queued_call)
        start_client(&c2, gate, 200);   /* queued at the server */
    else
        CHECK_OK(pecan_notification_signal(bound, 0x4));   /* pending: it is not waiting */
    CHECK_EQ(c1.counter, 0);
    CHECK_OK(pecan_notification_signal(hold, 1));
    CHECK_EQ(c1.counter, 1);
    CHECK_OK(c1.result);
    CHECK_EQ(c1.arg[2], 101);
    CHECK_EQ(s.counter, 2);
    if (queued_call) {
        CHECK_EQ(fast_log[1].word0, 200);
        CHECK_EQ(c2.counter, 1);
        CHECK_OK(c2.result);
        CHECK_EQ(c2.arg[2], 201);
    } else {
        CHECK_EQ(fast_log[1].label, PECAN_LABEL_NOTIFICATION);
        CHECK_EQ(fast_log[1].word0, 0x4);
    }
    CHECK_EQ(call_word(gate, 7), 8);   /* and it serves on */
    stop_fast_server(gate, &s);
    CHECK_OK(s.result);
    CHECK_CLEAN();
    helper_destroy(&c1);
    if (queued_call)
        helper_destroy(&c2);
    helper_destroy(&s);
    CHECK_CLEAN();
}

UTEST(ipc_fast_path_queued_caller)
{
    server_has_more(true);
}

UTEST(ipc_fast_path_pending_signal)
{
    server_has_more(false);
}

static void finite_spin(struct helper *h)
{
    for (unsigned i = 0; i < 200000; i++)
        h->counter++;
}

/* A call to a receiver below a queued thread: the message is delivered, but the queued
 * thread runs first (the fast path would have switched to the receiver at once). */
UTEST(ipc_fast_path_keeps_priorities)
{
    struct helper s, spin;
    int cpu = pecan_sched_cpu(PECAN_ROOT_SCHEDULER);
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0);
    REQUIRE(gate && cpu >= 0);
    REQUIRE_OK(helper_create(&s, fast_server, 100));
    REQUIRE_OK(helper_create(&spin, finite_spin, 110));
    REQUIRE_OK(pecan_sched_run_thread(PECAN_ROOT_SCHEDULER, s.thread, 100, 1u << cpu, 0));
    REQUIRE_OK(pecan_sched_run_thread(PECAN_ROOT_SCHEDULER, spin.thread, 110, 1u << cpu, 0));
    s.arg[3] = (pecan_word_t)&spin;
    REQUIRE_OK(pecan_gate_bind(gate, s.thread));
    REQUIRE_OK(helper_start(&s));
    pecan_sleep_us(1000);            /* the server reaches its wait */
    REQUIRE_OK(helper_start(&spin)); /* queued below the root, above the server */
    CHECK_EQ(spin.counter, 0);
    CHECK_EQ(call_word(gate, 5), 6);
    CHECK_EQ(s.arg[2], 1);           /* the spinner had finished when the server ran */
    stop_fast_server(gate, &s);
    CHECK_CLEAN();
    helper_destroy(&spin);
    helper_destroy(&s);
    CHECK_CLEAN();
}

/* Marks when the spinner of ipc_fast_path_reply_goes_behind first ran, in the order of
 * the root's own marks. */
static volatile pecan_word_t order_seq, spinner_first;

static void spin_marking(struct helper *h)
{
    spinner_first = ++order_seq;
    finite_spin(h);
}

/* A reply to a caller while a thread of the caller's priority is queued on its CPU: the
 * caller goes behind it, on the fast path as on the general one (core/sched.c, "Where a
 * woken thread goes"). The root calls a server above it with a spinner of its own
 * priority queued: the spinner runs between the call and the root's next instruction.
 * (Switching to the caller directly let a thread that calls a higher priority again and
 * again keep its CPU from the others of its priority.) A tick may end the root's quantum
 * before its call, which lets the spinner run first for another reason: then it is tried
 * again. */
UTEST(ipc_fast_path_reply_goes_behind_equal_priority)
{
    unsigned priority = 0;
    int cpu = pecan_sched_cpu(PECAN_ROOT_SCHEDULER);
    REQUIRE(cpu >= 0);
    REQUIRE_OK(pecan_sched_thread_info(PECAN_ROOT_SCHEDULER, PECAN_ROOT_THREAD, 0, &priority, 0));
    REQUIRE(priority < 200);
    bool decided = false;
    for (unsigned attempt = 0; attempt < 3 && !decided; attempt++) {
        struct helper s, spin;
        pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0);
        REQUIRE(gate);
        REQUIRE_OK(helper_create(&s, fast_server, 200));
        REQUIRE_OK(helper_create(&spin, spin_marking, priority));
        REQUIRE_OK(pecan_sched_run_thread(PECAN_ROOT_SCHEDULER, s.thread, 200, 1u << cpu, 0));
        REQUIRE_OK(pecan_sched_run_thread(PECAN_ROOT_SCHEDULER, spin.thread, priority, 1u << cpu,
                                          0));
        REQUIRE_OK(pecan_gate_bind(gate, s.thread));
        REQUIRE_OK(helper_start(&s));    /* above the root: it runs to its wait at once */
        spinner_first = 0;
        REQUIRE_OK(helper_start(&spin)); /* queued behind the root */
        pecan_word_t before = ++order_seq;
        CHECK_EQ(call_word(gate, 5), 6);
        pecan_word_t after = ++order_seq;
        if (!spinner_first || spinner_first > before) {   /* not run before the call */
            CHECK(spinner_first > before && spinner_first < after);
            decided = true;
        }
        CHECK(wait_flag((volatile pecan_word_t *)&spin.finished, 10000));
        stop_fast_server(gate, &s);
        CHECK_CLEAN();
        helper_destroy(&spin);
        helper_destroy(&s);
        CHECK_CLEAN();
    }
    CHECK(decided);
}

/* A closed receive on one gate: a call through another gate of the same thread waits,
 * one through its gate is taken. */
static void closed_server(struct helper *h)
{
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_receive(h->arg[0], &m, PECAN_TIMEOUT_NEVER);
    h->arg[1] = r.badge;
    h->counter++;
    m.tag = pecan_tag(0, 1, 0);
    m.word[0] += 1;
    h->result = ipc_err(pecan_ipc_reply(&m));
}

UTEST(ipc_fast_path_closed_receive)
{
    struct helper s, other;
    pecan_cap_t ga = obj_new(PECAN_OBJ_GATE, 0), gb = obj_new(PECAN_OBJ_GATE, 0);
    pecan_cap_t ca = slot_alloc(), cb = slot_alloc();
    REQUIRE(ga && gb && ca && cb);
    REQUIRE_OK(helper_create(&s, closed_server, 200));
    s.arg[0] = ga;
    REQUIRE_OK(pecan_gate_bind(ga, s.thread));
    REQUIRE_OK(pecan_gate_bind(gb, s.thread));
    REQUIRE_OK(cap_mint(ca, ga, PECAN_RIGHT_WRITE, 0xA));
    REQUIRE_OK(cap_mint(cb, gb, PECAN_RIGHT_WRITE, 0xB));
    REQUIRE_OK(helper_start(&s));
    start_client(&other, cb, 40);   /* waits at the server */
    CHECK_EQ(other.counter, 0);
    CHECK_EQ(s.counter, 0);
    CHECK_EQ(call_word(ca, 30), 31);
    CHECK_EQ(s.arg[1], 0xA);
    CHECK_OK(s.result);
    CHECK_EQ(other.counter, 0);
    CHECK_CLEAN();
    helper_destroy(&other);
    helper_destroy(&s);
    CHECK_OK(cap_delete(ca));
    CHECK_OK(cap_delete(cb));
    CHECK_CLEAN();
}

/* A receiver whose address space was taken away while it waited (CONFIGURE with an empty
 * slot): the message may not take it into an address space it no longer has. The kernel
 * stops it instead (choose_and_enter in arch/armv6/trap.c), and the caller waits on, as
 * for a suspended server. */
UTEST(ipc_fast_path_receiver_lost_its_address_space)
{
    struct task t;
    struct helper c;
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), done = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(gate && done);
    REQUIRE_OK(task_create(&t, 200));
    REQUIRE_OK(task_copy(&t, T_DONE, done, PECAN_RIGHT_WRITE));
    REQUIRE_OK(pecan_gate_bind(gate, t.r.thread));
    remote_shared()[0] = 0;
    REQUIRE_OK(remote_start(&t.r, task_server, 0, REMOTE_SHARED_VA, T_DONE, 0));
    pecan_cap_t empty = slot_alloc();
    REQUIRE(empty);
    const pecan_cap_t keep = PECAN_CAP_UNCHANGED;
    REQUIRE_OK(pecan_thread_configure(t.r.thread, keep, empty, keep, 0, keep, keep));
    start_client(&c, gate, 50);
    CHECK_EQ(c.counter, 0);
    CHECK_EQ(remote_shared()[0], 0);   /* nothing answered */
    CHECK_CLEAN();
    helper_destroy(&c);
    task_destroy(&t);
    CHECK_CLEAN();
}
