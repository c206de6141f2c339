/* SPDX-License-Identifier: MIT */
/*
 * Faults as messages. A task (its own address space and capability space) faults; the
 * root is its pager and exception handler, through gates bound to the root (badged, so
 * the root knows which kind of handler a message came to), and its open wait also ends
 * on the task's "done" notification (bound to the root's thread object).
 *   - a pager that maps zeroed pages on demand (memory items in the reply, from frames in
 *     the pager's own space; a reply without items makes the thread retry);
 *   - an exception handler that emulates an undefined instruction (reply with 17
 *     registers, pc advanced) and resumes the thread; without an exception handler the
 *     exception goes to the pager;
 *   - a handler that replies with a negative label stops the thread, and so does a fault
 *     with no handler at all, or a handler that is destroyed while the fault waits:
 *     stopped means suspended with the faulting pc, so it can be repaired and resumed.
 */
#include "ipctest.h"

#define T_DONE TASK_FIRST_FREE
#define FAULT_BASE 0x00400000u        /* the task's demand-paged MiB */
#define FAULT_PAGES 8
#define PAGER_VA 0x5E000000u          /* where the root (pager) maps the frames it sends */
#define PAGER_BADGE 0xFA
#define EXCEPTION_BADGE 0xE1
#define UNDEFINED_INSTRUCTION 0xE7F000F0u   /* permanently undefined in ARM state */
#define WAIT_US 5000000u
#define TASK_PRIORITY 100             /* below the root (128) */

extern const char __text_end[];

/* ---- the task's side ----------------------------------------------------------------- */

/* Report words in the shared frame. */
enum { R_PROGRESS, R_NONZERO, R_MISMATCH, R_DONE, R_RESULT, R_COUNT };

static void task_done(volatile pecan_word_t *rep, pecan_cap_t done)
{
    rep[R_DONE] = 1;
    pecan_notification_signal(done, 1);
    task_exit();
}

/* Reads then writes each page of [base, base + pages * 4 KiB), then checks the writes. */
static void touch_pages(pecan_word_t base, pecan_word_t pages, pecan_word_t report,
                        pecan_word_t done)
{
    volatile pecan_word_t *rep = (volatile pecan_word_t *)report;
    for (unsigned i = 0; i < pages; i++) {
        volatile pecan_word_t *p = (volatile pecan_word_t *)(base + i * 4096u);
        for (unsigned j = 0; j < 1024; j += 61)
            rep[R_NONZERO] += p[j] != 0;
        p[0] = 0xC0DE0000u | i;
        p[1023] = ~i;
        rep[R_PROGRESS]++;
    }
    for (unsigned i = 0; i < pages; i++) {
        volatile pecan_word_t *p = (volatile pecan_word_t *)(base + i * 4096u);
        rep[R_MISMATCH] += p[0] != (0xC0DE0000u | i) || p[1023] != ~i;
    }
    task_done(rep, done);
}

/* Runs the undefined instruction n times: the handler computes r0 = 3 * r0 + 1. */
static pecan_word_t __attribute__((noinline)) undefined_op(pecan_word_t x)
{
    register pecan_word_t r0 __asm__("r0") = x;
    __asm__ volatile(".word 0xe7f000f0" : "+r"(r0) : : "memory");
    return r0;
}

static void run_undefined(pecan_word_t n, pecan_word_t report, pecan_word_t done,
                          pecan_word_t a3)
{
    (void)a3;
    volatile pecan_word_t *rep = (volatile pecan_word_t *)report;
    for (unsigned i = 0; i < n; i++) {
        pecan_word_t x = 1000 + i;
        rep[R_MISMATCH] += undefined_op(x) != 3 * x + 1;
        rep[R_PROGRESS]++;
    }
    task_done(rep, done);
}

/* ---- the root's side ------------------------------------------------------------------ */

struct fault_env {
    struct task t;
    pecan_cap_t gate, pager, exception, done, pt, root_pt;
    volatile pecan_word_t *rep;
};

/* A task at priority 100 (it runs while the root waits); the gate is bound to the root,
 * the task's pager and exception handler are badged copies of it. */
static int env_create(struct fault_env *e, bool pager, bool exception_handler)
{
    e->gate = obj_new(PECAN_OBJ_GATE, 0);
    e->done = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    e->pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    e->root_pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    e->pager = slot_alloc();
    e->exception = slot_alloc();
    if (!e->gate || !e->done || !e->pt || !e->root_pt || !e->pager || !e->exception)
        return -PECAN_ENOMEM;
    int err = task_create(&e->t, TASK_PRIORITY);
    if (!err)
        err = task_copy(&e->t, T_DONE, e->done, PECAN_RIGHT_WRITE);
    if (!err)
        err = cap_mint(e->pager, e->gate, PECAN_RIGHT_WRITE, PAGER_BADGE);
    if (!err)
        err = cap_mint(e->exception, e->gate, PECAN_RIGHT_WRITE, EXCEPTION_BADGE);
    if (!err)
        err = pecan_gate_bind(e->gate, PECAN_ROOT_THREAD);
    if (!err)
        err = pecan_thread_bind_notification(PECAN_ROOT_THREAD, e->done);
    if (!err)   /* the task's page table for FAULT_BASE comes from its pool */
        err = pecan_vspace_donate_page_table(e->t.r.vspace, e->pt);
    if (!err)
        err = pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, e->root_pt, PAGER_VA);
    if (!err)
        err = pecan_thread_configure(e->t.r.thread, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED,
                                     PECAN_CAP_UNCHANGED, REMOTE_STACK_VA,
                                     pager ? e->pager : PECAN_CAP_UNCHANGED,
                                     exception_handler ? e->exception : PECAN_CAP_UNCHANGED);
    e->rep = remote_shared();
    for (unsigned i = 0; i < R_COUNT; i++)
        e->rep[i] = 0;
    return err;
}

static void env_destroy(struct fault_env *e)
{
    CHECK_OK(pecan_thread_bind_notification(PECAN_ROOT_THREAD, 0));
    task_destroy(&e->t);
    obj_free(e->root_pt);   /* unmaps the pager's frames from PAGER_VA */
    CHECK_OK(cap_delete(e->pager));
    CHECK_OK(cap_delete(e->exception));
    CHECK_CLEAN();
}

static bool is_text(pecan_word_t pc)
{
    return pc >= 0x10000u && pc < (pecan_word_t)(uintptr_t)__text_end;
}

/* Counts of what the root's handler loop saw. */
struct handled {
    unsigned page_faults, exceptions, write_faults, bad_badges, bad_pcs, unexpected;
    unsigned refused;
    bool done;
    pecan_word_t last_pc;
};

/* Serves the task's faults until its "done" arrives or nothing comes for WAIT_US.
 * Page faults: the first one is answered without a mapping (the task retries it), the
 * others with a fresh zeroed frame mapped at PAGER_VA + the page's offset. Exceptions:
 * undefined instructions are emulated (refuse: answered with label -1 instead). */
static void serve_faults(struct fault_env *e, struct handled *h, bool refuse)
{
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, pecan_timeout_us(WAIT_US));
    *h = (struct handled){ 0 };
    for (;;) {
        if (r.ipc_status != PECAN_IPC_OK) {
            ut_fail(__FILE__, __LINE__, "handler wait: %s", err_name(ipc_err(r)));
            return;
        }
        int label = pecan_tag_label(m.tag);
        if (label == PECAN_LABEL_NOTIFICATION) {
            h->done = true;
            return;
        }
        if (label == PECAN_LABEL_PAGE_FAULT) {
            pecan_word_t addr = m.word[0] & ~0xFFFu, pc = m.word[1];
            h->bad_badges += r.badge != PAGER_BADGE;
            h->bad_pcs += !is_text(pc);
            h->write_faults += (m.word[0] & PECAN_PAGE_FAULT_WRITE) != 0;
            h->last_pc = pc;
            m.tag = pecan_tag(0, 0, 0);
            if (h->page_faults++ > 0 && addr >= FAULT_BASE &&
                addr < FAULT_BASE + FAULT_PAGES * 4096u) {
                pecan_cap_t frame = obj_new(PECAN_OBJ_FRAME, 12);
                pecan_word_t va = PAGER_VA + (addr - FAULT_BASE);
                if (frame && pecan_vspace_map_frame(PECAN_ROOT_VSPACE, frame, va,
                                                    PECAN_MAP_READ | PECAN_MAP_WRITE, 0) == 0) {
                    m.tag = pecan_tag(0, 0, 1);
                    m.word[0] = PECAN_ITEM_MAP |
                                (PECAN_MAP_READ | PECAN_MAP_WRITE) << PECAN_ITEM_RIGHTS_SHIFT |
                                12u << PECAN_ITEM_ORDER_SHIFT;
                    m.word[1] = va;
                }
            }
            r = pecan_ipc_reply_wait(&m, pecan_timeout_us(WAIT_US));
            continue;
        }
        if (label == PECAN_LABEL_EXCEPTION && pecan_tag_words(m.tag) == 18) {
            h->exceptions++;
            h->bad_badges += r.badge != e->rep[R_RESULT];
            pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT];
            for (unsigned i = 0; i < PECAN_THREAD_REGISTER_COUNT; i++)
                regs[i] = m.word[1 + i];
            pecan_word_t pc = regs[15];
            h->last_pc = pc;
            if (m.word[0] != PECAN_EXCEPTION_UNDEFINED || !is_text(pc) ||
                *(const pecan_word_t *)(uintptr_t)pc != UNDEFINED_INSTRUCTION ||
                (regs[16] & 0x1F) != 0x10)
                h->bad_pcs++;
            if (refuse) {
                h->refused++;
                m.tag = pecan_tag(-1, 0, 0);
            } else {
                regs[0] = 3 * regs[0] + 1;
                regs[15] = pc + 4;
                for (unsigned i = 0; i < PECAN_THREAD_REGISTER_COUNT; i++)
                    m.word[i] = regs[i];
                m.tag = pecan_tag(0, PECAN_THREAD_REGISTER_COUNT, 0);
            }
            r = pecan_ipc_reply_wait(&m, pecan_timeout_us(WAIT_US));
            continue;
        }
        h->unexpected++;
        ut_fail(__FILE__, __LINE__, "unexpected message: label %d, %u words", label,
                pecan_tag_words(m.tag));
        return;
    }
}

UTEST(fault_pager_maps_zeroed_pages)
{
    struct fault_env e;
    struct handled h;
    REQUIRE_OK(env_create(&e, true, false));
    REQUIRE_OK(remote_start(&e.t.r, touch_pages, FAULT_BASE, FAULT_PAGES, REMOTE_SHARED_VA,
                            T_DONE));
    serve_faults(&e, &h, false);
    CHECK(h.done);
    CHECK_EQ(h.page_faults, FAULT_PAGES + 1);   /* the first one was retried */
    CHECK_EQ(h.write_faults, 0);                /* each page is read first, then mapped RW */
    CHECK_EQ(h.bad_badges, 0);
    CHECK_EQ(h.bad_pcs, 0);
    CHECK_EQ(e.rep[R_PROGRESS], FAULT_PAGES);
    CHECK_EQ(e.rep[R_NONZERO], 0);              /* zeroed */
    CHECK_EQ(e.rep[R_MISMATCH], 0);
    /* The task's pages are the pager's frames: the root sees what it wrote. */
    for (unsigned i = 0; i < FAULT_PAGES; i++) {
        const volatile pecan_word_t *p = (const volatile pecan_word_t *)(PAGER_VA + i * 4096u);
        CHECK_EQ(p[0], 0xC0DE0000u | i);
        CHECK_EQ(p[1023], ~i);
    }
    CHECK_CLEAN();
    env_destroy(&e);
}

UTEST(fault_exception_emulated)
{
    struct fault_env e;
    struct handled h;
    REQUIRE_OK(env_create(&e, true, true));
    e.rep[R_RESULT] = EXCEPTION_BADGE;   /* the badge the handler expects */
    REQUIRE_OK(remote_start(&e.t.r, run_undefined, 5, REMOTE_SHARED_VA, T_DONE, 0));
    serve_faults(&e, &h, false);
    CHECK(h.done);
    CHECK_EQ(h.exceptions, 5);
    CHECK_EQ(h.page_faults, 0);
    CHECK_EQ(h.bad_badges, 0);
    CHECK_EQ(h.bad_pcs, 0);
    CHECK_EQ(e.rep[R_PROGRESS], 5);
    CHECK_EQ(e.rep[R_MISMATCH], 0);
    CHECK_CLEAN();
    env_destroy(&e);

    /* Without an exception handler the exception goes to the pager. */
    REQUIRE_OK(env_create(&e, true, false));
    e.rep[R_RESULT] = PAGER_BADGE;
    REQUIRE_OK(remote_start(&e.t.r, run_undefined, 3, REMOTE_SHARED_VA, T_DONE, 0));
    serve_faults(&e, &h, false);
    CHECK(h.done);
    CHECK_EQ(h.exceptions, 3);
    CHECK_EQ(h.bad_badges, 0);
    CHECK_EQ(e.rep[R_MISMATCH], 0);
    env_destroy(&e);
}

/* Waits until the task has stopped running: blocked in its fault call, or stopped. A
 * helper below the task's priority on the task's CPU (tasks start on CPU 0) runs only once
 * the task cannot, so its flag says the task got there, however slow the host is (a fixed
 * sleep said nothing when the host held the vCPU up for longer). */
static void note_ran(struct helper *h)
{
    h->counter = 1;
}

static bool wait_task_stopped(void)
{
    struct helper below;
    bool ok = CHECK_OK(helper_create(&below, note_ran, TASK_PRIORITY - 10)) &&
              CHECK_OK(pecan_sched_run_thread(PECAN_ROOT_SCHEDULER, below.thread,
                                              TASK_PRIORITY - 10, 1, 0)) &&
              CHECK_OK(helper_start(&below)) && CHECK(wait_flag(&below.counter, 20000));
    helper_destroy(&below);
    return ok;
}

/* The thread is stopped at pc: suspended (not blocked), nothing moves; written past the
 * faulting instruction (or repaired) and resumed, it runs to its end. */
static void check_stopped_then_resume(struct fault_env *e, pecan_word_t pc, pecan_word_t skip,
                                     bool wait_done)
{
    pecan_word_t progress = e->rep[R_PROGRESS];
    CHECK_OK(pecan_sleep_us(20000));
    CHECK_EQ(e->rep[R_PROGRESS], progress);
    CHECK_EQ(e->rep[R_DONE], 0);
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT];
    REQUIRE_OK(pecan_thread_read_registers(e->t.r.thread, regs));
    CHECK_EQ(regs[15], pc);
    if (skip) {
        regs[0] = 3 * regs[0] + 1;   /* emulated by hand */
        regs[15] += skip;
        REQUIRE_OK(pecan_thread_write_registers(e->t.r.thread, regs));
    }
    REQUIRE_OK(pecan_thread_resume(e->t.r.thread));   /* only a stopped thread resumes */
    if (wait_done)
        CHECK(wait_flag(&e->rep[R_DONE], 10000));
    CHECK_CLEAN();
}

UTEST(fault_handler_refuses_stops_thread)
{
    struct fault_env e;
    struct handled h;
    REQUIRE_OK(env_create(&e, true, true));
    e.rep[R_RESULT] = EXCEPTION_BADGE;
    REQUIRE_OK(remote_start(&e.t.r, run_undefined, 3, REMOTE_SHARED_VA, T_DONE, 0));
    /* The handler refuses the first exception; nothing else arrives (wait times out). */
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, pecan_timeout_us(WAIT_US));
    REQUIRE(CHECK_EQ(r.ipc_status, PECAN_IPC_OK));
    REQUIRE(CHECK_EQ(pecan_tag_label(m.tag), PECAN_LABEL_EXCEPTION));
    pecan_word_t pc = m.word[16];
    m.tag = pecan_tag(-1, 0, 0);
    r = pecan_ipc_reply_wait(&m, pecan_timeout_us(30000));
    CHECK_EQ(r.ipc_status, PECAN_IPC_TIMEOUT);
    CHECK_CLEAN();
    check_stopped_then_resume(&e, pc, 4, false);
    /* The other two are emulated. */
    serve_faults(&e, &h, false);
    CHECK_EQ(h.exceptions, 2);
    CHECK_EQ(e.rep[R_PROGRESS], 3);
    CHECK_EQ(e.rep[R_MISMATCH], 0);
    env_destroy(&e);
}

UTEST(fault_without_handler_stops_thread)
{
    struct fault_env e;
    REQUIRE_OK(env_create(&e, false, false));
    pecan_cap_t frame = obj_new(PECAN_OBJ_FRAME, 12);
    REQUIRE(frame);
    REQUIRE_OK(remote_start(&e.t.r, touch_pages, FAULT_BASE, 1, REMOTE_SHARED_VA, T_DONE));
    struct pecan_message m;
    CHECK_EQ(pecan_ipc_wait(&m, pecan_timeout_us(30000)).ipc_status, PECAN_IPC_TIMEOUT);
    REQUIRE(wait_task_stopped());
    /* Stopped at its first access; map the page by hand and resume it. */
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT];
    REQUIRE_OK(pecan_thread_read_registers(e.t.r.thread, regs));
    CHECK(is_text(regs[15]));
    REQUIRE_OK(pecan_vspace_map_frame(e.t.r.vspace, frame, FAULT_BASE,
                                      PECAN_MAP_READ | PECAN_MAP_WRITE, 0));
    check_stopped_then_resume(&e, regs[15], 0, true);
    CHECK_EQ(e.rep[R_PROGRESS], 1);
    CHECK_EQ(e.rep[R_MISMATCH], 0);
    env_destroy(&e);
}

UTEST(fault_handler_destroyed_stops_thread)
{
    struct fault_env e;
    struct helper idle;
    REQUIRE_OK(env_create(&e, false, false));
    /* The pager's gate is bound to a thread that never receives; it is destroyed while
     * the fault waits for it. */
    pecan_cap_t gate = obj_new(PECAN_OBJ_GATE, 0), frame = obj_new(PECAN_OBJ_FRAME, 12);
    REQUIRE(gate && frame);
    REQUIRE_OK(helper_create(&idle, 0, 50));
    REQUIRE_OK(pecan_gate_bind(gate, idle.thread));
    REQUIRE_OK(pecan_thread_configure(e.t.r.thread, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED,
                                      PECAN_CAP_UNCHANGED, REMOTE_STACK_VA, gate,
                                      PECAN_CAP_UNCHANGED));
    REQUIRE_OK(remote_start(&e.t.r, touch_pages, FAULT_BASE, 1, REMOTE_SHARED_VA, T_DONE));
    REQUIRE(wait_task_stopped());   /* the task runs and faults */
    CHECK_EQ(e.rep[R_PROGRESS], 0);
    CHECK_CLEAN();
    helper_destroy(&idle);
    CHECK_CLEAN();
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT];
    REQUIRE_OK(pecan_thread_read_registers(e.t.r.thread, regs));
    REQUIRE_OK(pecan_vspace_map_frame(e.t.r.vspace, frame, FAULT_BASE,
                                      PECAN_MAP_READ | PECAN_MAP_WRITE, 0));
    check_stopped_then_resume(&e, regs[15], 0, true);
    CHECK_EQ(e.rep[R_PROGRESS], 1);
    env_destroy(&e);
}

/* A thread suspended while its fault call waits keeps the registers it faulted with;
 * resumed, it faults again and is served. */
UTEST(fault_call_suspended_keeps_registers)
{
    struct fault_env e;
    struct handled h;
    REQUIRE_OK(env_create(&e, true, true));
    e.rep[R_RESULT] = EXCEPTION_BADGE;
    REQUIRE_OK(remote_start(&e.t.r, run_undefined, 2, REMOTE_SHARED_VA, T_DONE, 0));
    REQUIRE(wait_task_stopped());   /* it faults; the root is not receiving */
    CHECK_EQ(e.rep[R_PROGRESS], 0);
    REQUIRE_OK(pecan_thread_suspend(e.t.r.thread));
    CHECK_CLEAN();
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT];
    REQUIRE_OK(pecan_thread_read_registers(e.t.r.thread, regs));
    CHECK_EQ(regs[0], 1000);   /* x, not an IPC status */
    CHECK_EQ(*(const pecan_word_t *)(uintptr_t)regs[15], UNDEFINED_INSTRUCTION);
    struct pecan_message m;
    CHECK_EQ(pecan_ipc_wait(&m, PECAN_TIMEOUT_ZERO).ipc_status, PECAN_IPC_TIMEOUT);
    REQUIRE_OK(pecan_thread_resume(e.t.r.thread));
    serve_faults(&e, &h, false);
    CHECK(h.done);
    CHECK_EQ(h.exceptions, 2);
    CHECK_EQ(e.rep[R_MISMATCH], 0);
    env_destroy(&e);
}

/* A memory item in a pager's reply lands in a window of its own size around the fault: for
 * a 2 GiB item and a fault in the upper half, the upper half, which passes the end of user
 * space, so nothing is mapped and the thread faults again (fault.c once took the window of
 * a 2 GiB item to be 0 and mapped the pager's lower half into the thread's). */
#define HIGH_VA 0x90000000u

static int reply_item(struct pecan_message *m, unsigned order, pecan_word_t base)
{
    m->tag = pecan_tag(0, 0, 1);
    m->word[0] = PECAN_ITEM_MAP | (PECAN_MAP_READ | PECAN_MAP_WRITE) << PECAN_ITEM_RIGHTS_SHIFT |
                 order << PECAN_ITEM_ORDER_SHIFT;
    m->word[1] = base;
    struct pecan_reply r = pecan_ipc_reply_wait(m, pecan_timeout_us(WAIT_US));
    return r.ipc_status == PECAN_IPC_OK ? pecan_tag_label(m->tag) : ipc_err(r);
}

UTEST(fault_reply_item_window_of_its_own_order)
{
    struct fault_env e;
    REQUIRE_OK(env_create(&e, true, false));
    pecan_cap_t pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0), frame = obj_new(PECAN_OBJ_FRAME, 12);
    REQUIRE(pt && frame);
    REQUIRE_OK(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, pt, HIGH_VA));
    REQUIRE_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, frame, HIGH_VA,
                                      PECAN_MAP_READ | PECAN_MAP_WRITE, 0));
    REQUIRE_OK(remote_start(&e.t.r, touch_pages, HIGH_VA, 1, REMOTE_SHARED_VA, T_DONE));
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, pecan_timeout_us(WAIT_US));
    REQUIRE(CHECK_EQ(r.ipc_status, PECAN_IPC_OK));
    REQUIRE(CHECK_EQ(pecan_tag_label(m.tag), PECAN_LABEL_PAGE_FAULT));
    CHECK_EQ(m.word[0] & ~0xFFFu, HIGH_VA);
    unsigned pool = 0, installed = 0, pool_after = 0, installed_after = 0;
    CHECK_OK(pecan_vspace_info(e.t.r.vspace, 0, &pool, &installed));
    CHECK_EQ(pool, 1);
    /* A 2 GiB item (the pager's lower half): its window around the fault is the upper
     * half, which passes the end of user space: refused, the thread faults again. */
    REQUIRE(CHECK_EQ(reply_item(&m, 31, 0), PECAN_LABEL_PAGE_FAULT));
    CHECK_EQ(m.word[0] & ~0xFFFu, HIGH_VA);
    CHECK_OK(pecan_vspace_info(e.t.r.vspace, 0, &pool_after, &installed_after));
    CHECK_EQ(pool_after, pool);
    CHECK_EQ(installed_after, installed);
    /* A 4 KiB item lands at the fault: the thread goes on to its end. */
    CHECK_EQ(reply_item(&m, 12, HIGH_VA), PECAN_LABEL_NOTIFICATION);
    CHECK_EQ(e.rep[R_PROGRESS], 1);
    CHECK_EQ(e.rep[R_MISMATCH], 0);
    CHECK_EQ(*(volatile pecan_word_t *)HIGH_VA, 0xC0DE0000u);
    CHECK_CLEAN();
    env_destroy(&e);
    obj_free(pt);
    CHECK_CLEAN();
}
