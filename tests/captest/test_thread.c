/* SPDX-License-Identifier: MIT */
/*
 * Threads: CONFIGURE with every wrong type and missing right, register access (the CPSR
 * is always sanitised to user mode), RESUME and SUSPEND of a second thread that counts,
 * START (pc, sp, r0 and resume in one call: ARM and Thumb entries that report what they
 * were started with, what it refuses, threads that are runnable or blocked already),
 * SET_PRIORITY and what it does to scheduling, SET_MCP and the bounds an MCP puts on
 * what a thread gives.
 */
#include "captest.h"

#define CPSR_WRITABLE 0xF80F0220u
#define CPSR_USER 0x10u
#define UTCB_VADDR 0x60000200u

static int configure(pecan_cap_t t, pecan_cap_t cspace, pecan_cap_t vspace, pecan_cap_t utcb,
                     pecan_word_t utcb_vaddr, pecan_cap_t pager, pecan_cap_t handler)
{
    return pecan_thread_configure(t, cspace, vspace, utcb, utcb_vaddr, pager, handler);
}

#define SAME PECAN_CAP_UNCHANGED

UTEST(thread_configure)
{
    pecan_cap_t t = obj_new(PECAN_OBJ_THREAD, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t c = obj_new(PECAN_OBJ_CNODE, 4), v = obj_new(PECAN_OBJ_VSPACE, 0);
    pecan_cap_t f = obj_new(PECAN_OBJ_FRAME, 12), e = obj_new(PECAN_OBJ_GATE, 0);
    pecan_cap_t ro_t = slot_alloc(), ro_f = slot_alloc(), empty = slot_alloc();
    REQUIRE(t && n && c && v && f && e && ro_t && ro_f && empty);
    REQUIRE_OK(cap_copy(ro_t, t, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    REQUIRE_OK(cap_copy(ro_f, f, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    pecan_word_t w[] = { PECAN_THREAD_CONFIGURE, c, v, f, UTCB_VADDR, e, e };
    CHECK_ERR(pecan_call(t, PECAN_PROTO_THREAD, 6, w, 0, 0), -PECAN_EMSGTOOSHORT);
    /* Each argument of the wrong type. */
    CHECK_ERR(configure(t, n, v, f, UTCB_VADDR, e, e), -PECAN_ETYPE);
    CHECK_ERR(configure(t, c, c, f, UTCB_VADDR, e, e), -PECAN_ETYPE);
    CHECK_ERR(configure(t, c, v, n, UTCB_VADDR, e, e), -PECAN_ETYPE);
    CHECK_ERR(configure(t, c, v, f, UTCB_VADDR, n, e), -PECAN_ETYPE);
    CHECK_ERR(configure(t, c, v, f, UTCB_VADDR, e, f), -PECAN_ETYPE);
    CHECK_ERR(configure(t, 0x00ABC000u, v, f, UTCB_VADDR, e, e), -PECAN_EINVALCAP);
    /* The UTCB frame: readable and writable, RAM, the address 512-aligned. */
    CHECK_ERR(configure(t, c, v, ro_f, UTCB_VADDR, e, e), -PECAN_EPERM);
    CHECK_ERR(configure(t, c, v, f, UTCB_VADDR + 4, e, e), -PECAN_EALIGN);
    /* No WRITE on the thread. */
    CHECK_ERR(configure(ro_t, c, v, f, UTCB_VADDR, e, e), -PECAN_EPERM);
    /* Configured: it could run (resume works), suspend takes it back before it does. */
    CHECK_ERR(pecan_thread_resume(t), -PECAN_EINVAL);
    REQUIRE_OK(pecan_thread_set_priority(t, 1));
    REQUIRE_OK(configure(t, c, v, f, UTCB_VADDR, e, e));
    CHECK_CLEAN();
    CHECK_OK(pecan_thread_resume(t));
    CHECK_OK(pecan_thread_suspend(t));
    /* An empty slot clears a setting, UNCHANGED keeps it. */
    CHECK_OK(configure(t, SAME, empty, SAME, 0, SAME, SAME));
    CHECK_ERR(pecan_thread_resume(t), -PECAN_EINVAL);
    CHECK_OK(configure(t, empty, v, SAME, 0, SAME, SAME));
    CHECK_ERR(pecan_thread_resume(t), -PECAN_EINVAL);
    CHECK_OK(configure(t, c, SAME, SAME, 0, SAME, SAME));
    CHECK_OK(pecan_thread_resume(t));
    CHECK_OK(pecan_thread_suspend(t));
    /* The thread's copies keep the objects alive after the root drops its own. */
    CHECK_OK(cap_delete(c));
    CHECK_CLEAN();
    CHECK_ERR(pecan_thread_resume(ro_t), -PECAN_EPERM);
    CHECK_ERR(pecan_thread_suspend(ro_t), -PECAN_EPERM);
    CHECK_OK(cap_delete(ro_t));
    CHECK_OK(cap_delete(ro_f));
}

UTEST(thread_configure_device_frame_as_utcb)
{
    pecan_cap_t t = obj_new(PECAN_OBJ_THREAD, 0), devf = slot_alloc();
    pecan_cap_t dev = 0;
    for (unsigned i = 0; i < bootinfo->cap_count && !dev; i++) {
        if (bootinfo->caps[i].kind == PECAN_BOOTINFO_DEVICE_UNTYPED)
            dev = bootinfo->caps[i].slot;
    }
    REQUIRE(t && devf && dev);
    REQUIRE_OK(pecan_untyped_retype(dev, PECAN_OBJ_FRAME, 12, 1, ROOT, devf));
    CHECK_ERR(configure(t, SAME, SAME, devf, UTCB_VADDR, SAME, SAME), -PECAN_EINVAL);
    CHECK_OK(cap_revoke(dev));
}

UTEST(thread_registers)
{
    pecan_cap_t t = obj_new(PECAN_OBJ_THREAD, 0), ro = slot_alloc(), wo = slot_alloc();
    REQUIRE(t && ro && wo);
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT], back[PECAN_THREAD_REGISTER_COUNT];
    for (unsigned i = 0; i < PECAN_THREAD_REGISTER_COUNT; i++)
        regs[i] = 0x01010101u * (i + 1);
    regs[16] = 0xFFFFFFFFu;
    REQUIRE_OK(pecan_thread_write_registers(t, regs));
    REQUIRE_OK(pecan_thread_read_registers(t, back));
    for (unsigned i = 0; i < 16; i++)
        CHECK_EQ(back[i], regs[i]);
    CHECK_EQ(back[16], (0xFFFFFFFFu & CPSR_WRITABLE) | CPSR_USER);
    /* Privileged modes and masked interrupts cannot be asked for. */
    static const pecan_word_t cpsrs[] = { 0x600001D3u, 0x1Fu, 0x1Au, 0xC0u | 0x10u, 0x20u };
    for (unsigned i = 0; i < sizeof(cpsrs) / sizeof(cpsrs[0]); i++) {
        regs[16] = cpsrs[i];
        CHECK_OK(pecan_thread_write_registers(t, regs));
        CHECK_OK(pecan_thread_read_registers(t, back));
        CHECK_EQ(back[16], (cpsrs[i] & CPSR_WRITABLE) | CPSR_USER);
        CHECK_EQ(back[16] & 0x1Fu, CPSR_USER);
        CHECK_EQ(back[16] & 0xC0u, 0);
    }
    /* Rights: reading needs READ, writing WRITE; a short write is refused. */
    REQUIRE_OK(cap_copy(ro, t, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    REQUIRE_OK(cap_copy(wo, t, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT));
    CHECK_OK(pecan_thread_read_registers(ro, back));
    CHECK_ERR(pecan_thread_write_registers(ro, regs), -PECAN_EPERM);
    CHECK_ERR(pecan_thread_read_registers(wo, back), -PECAN_EPERM);
    CHECK_OK(pecan_thread_write_registers(wo, regs));
    pecan_word_t w[PECAN_THREAD_REGISTER_COUNT + 1] = { PECAN_THREAD_WRITE_REGISTERS };
    CHECK_ERR(pecan_call(t, PECAN_PROTO_THREAD, PECAN_THREAD_REGISTER_COUNT, w, 0, 0),
              -PECAN_EMSGTOOSHORT);
    w[0] = 9;
    CHECK_ERR(pecan_call(t, PECAN_PROTO_THREAD, 1, w, 0, 0), -PECAN_ENOSYS);
    CHECK_ERR(pecan_call(t, PECAN_PROTO_NOTIFICATION, 1, w, 0, 0), -PECAN_EBADPROTO);
    CHECK_OK(cap_delete(ro));
    CHECK_OK(cap_delete(wo));
}

/* A call that claims seven words without touching the UTCB (there is none). */
static int call_seven_words(pecan_cap_t cap, int protocol)
{
    register pecan_word_t r0 __asm__("r0") = cap;
    register pecan_word_t r1 __asm__("r1") = pecan_tag(protocol, 7, 0);
    register pecan_word_t r2 __asm__("r2") = PECAN_OP_CALL;
    register pecan_word_t r3 __asm__("r3") = PECAN_THREAD_READ_REGISTERS;
    __asm__ volatile("svc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                     :
                     : "r4", "r5", "r6", "r7", "r8", "memory");
    return pecan_tag_label(r1);
}

/* Without a UTCB a thread can neither send nor receive more than six words. */
static void no_utcb_thread(struct helper *h)
{
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT];
    h->result = pecan_thread_read_registers(h->arg[0], regs);
    h->arg[1] = (pecan_word_t)call_seven_words(h->arg[0], PECAN_PROTO_THREAD);
}

UTEST(thread_registers_need_a_utcb)
{
    struct helper h;
    pecan_cap_t other = obj_new(PECAN_OBJ_THREAD, 0), empty = slot_alloc();
    REQUIRE(other && empty);
    REQUIRE_OK(helper_create(&h, no_utcb_thread, 200));
    REQUIRE_OK(configure(h.thread, SAME, SAME, empty, 0, SAME, SAME));
    h.arg[0] = other;
    REQUIRE_OK(helper_start(&h));
    CHECK(h.finished);
    CHECK_ERR(h.result, -PECAN_EMSGTOOLONG);
    CHECK_ERR((int)h.arg[1], -PECAN_EMSGTOOLONG);
    helper_destroy(&h);
}

static void counting_thread(struct helper *h)
{
    for (;;)
        h->counter++;
}

/* A thread at the root's priority shares the CPU by round robin on the tick. */
UTEST(thread_resume_suspend)
{
    struct helper h;
    REQUIRE_OK(helper_create(&h, counting_thread, 128));
    REQUIRE_OK(helper_start(&h));
    CHECK(spin_until_changed(&h.counter, 0, 10000));
    CHECK_OK(pecan_thread_suspend(h.thread));
    pecan_word_t seen = h.counter;
    spin_us(30000);
    CHECK_EQ(h.counter, seen);
    CHECK_OK(pecan_thread_suspend(h.thread));   /* twice is fine */
    CHECK_OK(pecan_thread_resume(h.thread));
    CHECK_OK(pecan_thread_resume(h.thread)); /* already runnable: nothing changes */
    CHECK(spin_until_changed(&h.counter, seen, 10000));
    CHECK_OK(pecan_thread_suspend(h.thread));
    CHECK_CLEAN();
    helper_destroy(&h);
    CHECK_CLEAN();
}

static void count_once(struct helper *h)
{
    h->counter++;
}

UTEST(thread_set_priority)
{
    struct helper h;
    pecan_cap_t ro = slot_alloc(), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(ro && n);
    REQUIRE_OK(helper_create(&h, count_once, 100));
    h.done = n;
    CHECK_ERR(pecan_thread_set_priority(h.thread, 256), -PECAN_ERANGE);
    CHECK_ERR(pecan_thread_set_priority(h.thread, 0xFFFFFFFFu), -PECAN_ERANGE);
    pecan_word_t w[] = { PECAN_THREAD_SET_PRIORITY };
    CHECK_ERR(pecan_call(h.thread, PECAN_PROTO_THREAD, 1, w, 0, 0), -PECAN_EMSGTOOSHORT);
    REQUIRE_OK(cap_copy(ro, h.thread, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    CHECK_ERR(pecan_thread_set_priority(ro, 200), -PECAN_EPERM);
    /* Below the root it does not run while the root keeps the CPU... */
    REQUIRE_OK(helper_start(&h));
    spin_us(30000);
    CHECK_EQ(h.counter, 0);
    /* ...above it, it runs at once: before set_priority returns to the root. */
    CHECK_OK(pecan_thread_set_priority(h.thread, 200));
    CHECK_EQ(h.counter, 1);
    CHECK(h.finished);
    pecan_word_t bits = 0;
    CHECK_OK(pecan_notification_poll(n, &bits));
    CHECK_EQ(bits, 1);
    CHECK_OK(pecan_thread_set_priority(h.thread, 0));
    CHECK_OK(pecan_thread_set_priority(h.thread, 255));
    CHECK_CLEAN();
    CHECK_OK(cap_delete(ro));
    helper_destroy(&h);
}

static void raise_root(struct helper *h)
{
    h->counter = 1;
    h->result = pecan_thread_set_priority(PECAN_ROOT_THREAD, 128);
    h->counter = 2;   /* after the root ran again */
}

/* The root lowers its own priority below a waiting thread, which runs at once and
 * raises the root back (the root gave it the MCP to), which then runs at once. */
UTEST(thread_set_own_priority)
{
    struct helper h;
    REQUIRE_OK(helper_create(&h, raise_root, 100));
    REQUIRE_OK(pecan_thread_set_mcp(h.thread, 128));
    REQUIRE_OK(helper_start(&h));
    CHECK_EQ(h.counter, 0);
    CHECK_OK(pecan_thread_set_priority(PECAN_ROOT_THREAD, 50));
    CHECK_EQ(h.counter, 1);
    CHECK_OK(h.result);
    CHECK_CLEAN();
    helper_destroy(&h);
}

/* ---- MCP: the caller's maximum controlled priority bounds what it gives -------------- */

#define SCHED PECAN_ROOT_SCHEDULER
#define MCP_GIVEN 150u

/* What the MCP helper got from each attempt, in order (it runs in the root's space). */
static volatile int mcp_results[10];

/* Runs at 200 with MCP 150: above the root, so all of it happens at once. arg[0] is
 * another thread (never started). */
static void try_beyond_mcp(struct helper *h)
{
    pecan_cap_t other = h->arg[0];
    unsigned n = 0;
    mcp_results[n++] = pecan_thread_set_priority(h->self, MCP_GIVEN + 1);
    mcp_results[n++] = pecan_thread_set_priority(other, MCP_GIVEN + 1);
    mcp_results[n++] = pecan_thread_set_mcp(h->self, MCP_GIVEN + 1);
    mcp_results[n++] = pecan_thread_set_mcp(other, MCP_GIVEN + 1);
    mcp_results[n++] = pecan_thread_set_priority(other, MCP_GIVEN);
    mcp_results[n++] = pecan_thread_set_mcp(other, MCP_GIVEN);
    mcp_results[n++] = pecan_thread_set_mcp(h->self, MCP_GIVEN - 10);   /* lowers its own */
    mcp_results[n++] = pecan_thread_set_mcp(h->self, MCP_GIVEN);        /* ...for good */
    mcp_results[n++] = pecan_thread_set_priority(other, MCP_GIVEN);
    mcp_results[n++] = pecan_thread_set_priority(h->self, MCP_GIVEN - 10);
}

/* A thread with WRITE on its own thread object and another's cannot give either more than its
 * MCP (priority or MCP), cannot raise its own MCP, and can lower it. SET_MCP's own errors,
 * in their order, and THREAD_INFO's report of the MCP. */
UTEST(thread_mcp_bounds_what_a_thread_gives)
{
    struct helper h;
    pecan_cap_t other = obj_new(PECAN_OBJ_THREAD, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t ro = slot_alloc();
    REQUIRE(other && n && ro);
    REQUIRE_OK(helper_create(&h, try_beyond_mcp, 200));
    h.arg[0] = other;
    h.done = n;
    /* A new thread has MCP 0; the root's first thread 255. */
    CHECK_EQ(pecan_sched_thread_mcp(SCHED, h.thread), 0);
    CHECK_EQ(pecan_sched_thread_mcp(SCHED, other), 0);
    CHECK_EQ(pecan_sched_thread_mcp(SCHED, PECAN_ROOT_THREAD), 255);
    /* SET_MCP: length, then WRITE, then the range. */
    pecan_word_t w[] = { PECAN_THREAD_SET_MCP };
    CHECK_ERR(pecan_call(h.thread, PECAN_PROTO_THREAD, 1, w, 0, 0), -PECAN_EMSGTOOSHORT);
    REQUIRE_OK(cap_copy(ro, h.thread, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    CHECK_ERR(pecan_thread_set_mcp(ro, 256), -PECAN_EPERM);
    CHECK_ERR(pecan_thread_set_mcp(h.thread, 256), -PECAN_ERANGE);
    CHECK_ERR(pecan_thread_set_mcp(h.thread, 0xFFFFFFFFu), -PECAN_ERANGE);
    CHECK_EQ(pecan_sched_thread_mcp(SCHED, h.thread), 0);
    REQUIRE_OK(pecan_thread_set_mcp(h.thread, MCP_GIVEN));
    CHECK_EQ(pecan_sched_thread_mcp(SCHED, h.thread), MCP_GIVEN);

    for (unsigned i = 0; i < 10; i++)
        mcp_results[i] = 1;   /* no error code: not tried */
    REQUIRE_OK(helper_start(&h));
    pecan_word_t bits;
    while (!h.finished)
        pecan_notification_wait(n, &bits);
    static const int want[10] = {
        -PECAN_EPERM, -PECAN_EPERM, -PECAN_EPERM, -PECAN_EPERM, 0, 0, 0, -PECAN_EPERM,
        -PECAN_EPERM, 0,
    };
    CHECK_ERRORS("attempt", mcp_results, want, 10);
    /* What the allowed attempts did; the refused ones changed nothing. */
    unsigned priority = 0;
    CHECK_OK(pecan_sched_thread_info(SCHED, other, 0, &priority, 0));
    CHECK_EQ(priority, MCP_GIVEN);
    CHECK_EQ(pecan_sched_thread_mcp(SCHED, other), MCP_GIVEN);
    CHECK_OK(pecan_sched_thread_info(SCHED, h.thread, 0, &priority, 0));
    CHECK_EQ(priority, MCP_GIVEN - 10);
    CHECK_EQ(pecan_sched_thread_mcp(SCHED, h.thread), MCP_GIVEN - 10);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(ro));
    helper_destroy(&h);
}

/* ---- START ------------------------------------------------------------------------------ */

/* What the last started entry saw. The entries run in the root's address space. */
struct start_report {
    pecan_cap_t self;              /* the started thread object, to stop itself */
    pecan_cap_t done;              /* signalled once it has reported */
    volatile pecan_word_t r0;
    volatile pecan_word_t sp;
    volatile pecan_word_t thumb;   /* 1 if it began in Thumb state */
    volatile pecan_word_t runs;
};
static struct start_report report;

static void report_reset(pecan_cap_t self, pecan_cap_t done)
{
    report = (struct start_report){ .self = self, .done = done };
}

/* Where started_arm and started_thumb go on, with their r0 and sp as they found them. */
void started_main(pecan_word_t r0, pecan_word_t sp, pecan_word_t thumb);
void started_main(pecan_word_t r0, pecan_word_t sp, pecan_word_t thumb)
{
    report.r0 = r0;
    report.sp = sp;
    report.thumb = thumb;
    report.runs++;
    if (report.done)
        pecan_notification_signal(report.done, 1);
    for (;;)
        pecan_thread_suspend(report.self);
}

/* Two entries that pass their r0 and sp on unchanged: one in ARM state, one in Thumb
 * state (its instructions mean something else in ARM state, so only a thread that really
 * started in Thumb state gets to started_main, with thumb = 1). */
extern const char started_arm[], started_thumb[];
__asm__("    .pushsection .text.started_entries, \"ax\", %progbits\n"
        "    .arm\n"
        "    .type started_arm, %function\n"
        "started_arm:\n"
        "    mov r1, sp\n"
        "    mov r2, #0\n"
        "    b started_main\n"
        "    .thumb\n"
        "    .thumb_func\n"
        "    .type started_thumb, %function\n"
        "started_thumb:\n"
        "    mov r1, sp\n"
        "    movs r2, #1\n"
        "    ldr r3, 1f\n"
        "    bx r3\n"
        "    .align 2\n"
        "1:  .word started_main\n"
        "    .arm\n"
        "    .popsection\n");

static pecan_word_t arm_entry(void)
{
    return (pecan_word_t)(uintptr_t)started_arm;
}

/* With bit 0 set, which asks START for Thumb state (the linker may have set it already). */
static pecan_word_t thumb_entry(void)
{
    return (pecan_word_t)(uintptr_t)started_thumb | 1u;
}

static pecan_word_t stack_top(const struct helper *h)
{
    return h->base + (1u << 20);
}

static void never_started(struct helper *h)
{
    (void)h;
}

/* Above the root's priority the thread runs before START returns, at pc, with sp and r0. */
UTEST(thread_start)
{
    struct helper h;
    REQUIRE_OK(helper_create(&h, never_started, 200));
    report_reset(h.thread, 0);
    pecan_word_t sp = stack_top(&h) - 256;
    CHECK_OK(pecan_thread_start(h.thread, arm_entry(), sp, 0xA5A5A5A5u));
    CHECK_EQ(report.runs, 1);
    CHECK_EQ(report.r0, 0xA5A5A5A5u);
    CHECK_EQ(report.sp, sp);
    CHECK_EQ(report.thumb, 0);
    /* It stopped itself (SUSPEND): START runs it again, in Thumb state this time. */
    CHECK_OK(pecan_thread_start(h.thread, thumb_entry(), sp - 64, 7));
    CHECK_EQ(report.runs, 2);
    CHECK_EQ(report.r0, 7);
    CHECK_EQ(report.sp, sp - 64);
    CHECK_EQ(report.thumb, 1);
    /* Without the fourth word r0 keeps the value it has. */
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT];
    REQUIRE_OK(pecan_thread_read_registers(h.thread, regs));
    regs[0] = 0x1234;
    REQUIRE_OK(pecan_thread_write_registers(h.thread, regs));
    pecan_word_t w[] = { PECAN_THREAD_START, arm_entry(), sp };
    CHECK_OK(pecan_call(h.thread, PECAN_PROTO_THREAD, 3, w, 0, 0));
    CHECK_EQ(report.runs, 3);
    CHECK_EQ(report.r0, 0x1234);
    CHECK_EQ(report.thumb, 0);
    CHECK_CLEAN();
    helper_destroy(&h);
}

/* Below the root's priority the thread does not run yet: its registers show what START
 * wrote (a fresh cpsr, whatever WRITE_REGISTERS put there before) and what it kept. */
UTEST(thread_start_registers)
{
    struct helper h;
    REQUIRE_OK(helper_create(&h, never_started, 1));
    report_reset(h.thread, 0);
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT], back[PECAN_THREAD_REGISTER_COUNT];
    for (unsigned i = 0; i < PECAN_THREAD_REGISTER_COUNT; i++)
        regs[i] = 0x01010101u * (i + 1);
    regs[16] = CPSR_WRITABLE | CPSR_USER;   /* flags, GE, big-endian, Thumb */
    REQUIRE_OK(pecan_thread_write_registers(h.thread, regs));
    pecan_word_t sp = stack_top(&h) - 8;
    CHECK_OK(pecan_thread_start(h.thread, thumb_entry(), sp, 0x55));
    REQUIRE_OK(pecan_thread_read_registers(h.thread, back));
    CHECK_EQ(back[0], 0x55);
    for (unsigned i = 1; i < 13; i++)
        CHECK_EQ(back[i], regs[i]);
    CHECK_EQ(back[13], sp);
    CHECK_EQ(back[14], regs[14]);
    CHECK_EQ(back[15], thumb_entry() & ~1u);
    CHECK_EQ(back[16], CPSR_USER | 0x20u);
    /* Runnable already: START again only changes its registers. ARM state now. */
    CHECK_OK(pecan_thread_start(h.thread, arm_entry(), sp, 0x66));
    REQUIRE_OK(pecan_thread_read_registers(h.thread, back));
    CHECK_EQ(back[0], 0x66);
    CHECK_EQ(back[15], arm_entry());
    CHECK_EQ(back[16], CPSR_USER);
    CHECK_EQ(report.runs, 0);   /* it never ran */
    CHECK_OK(pecan_thread_suspend(h.thread));
    CHECK_CLEAN();
    helper_destroy(&h);
}

/* START refuses what RESUME and WRITE_REGISTERS refuse, with their codes, and bad lengths
 * and unaligned ARM entries; a refused START changes nothing. */
UTEST(thread_start_refused)
{
    pecan_cap_t t = obj_new(PECAN_OBJ_THREAD, 0), c = obj_new(PECAN_OBJ_CNODE, 4);
    pecan_cap_t v = obj_new(PECAN_OBJ_VSPACE, 0), ro_t = slot_alloc(), empty = slot_alloc();
    REQUIRE(t && c && v && ro_t && empty);
    REQUIRE_OK(cap_copy(ro_t, t, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    const pecan_word_t pc = arm_entry(), sp = 0x00100000u;
    /* Nothing to run in: no capability space or no address space. */
    CHECK_ERR(pecan_thread_start(t, pc, sp, 0), -PECAN_EINVAL);
    REQUIRE_OK(configure(t, c, SAME, SAME, 0, SAME, SAME));
    CHECK_ERR(pecan_thread_start(t, pc, sp, 0), -PECAN_EINVAL);
    REQUIRE_OK(configure(t, empty, v, SAME, 0, SAME, SAME));
    CHECK_ERR(pecan_thread_start(t, pc, sp, 0), -PECAN_EINVAL);
    REQUIRE_OK(configure(t, c, SAME, SAME, 0, SAME, SAME));
    /* Configured now, but: no WRITE right; two, one or five words; an ARM pc that is not
     * word-aligned (bit 1 set). */
    CHECK_ERR(pecan_thread_start(ro_t, pc, sp, 0), -PECAN_EPERM);
    pecan_word_t w[] = { PECAN_THREAD_START, pc, sp, 0, 0 };
    CHECK_ERR(pecan_call(t, PECAN_PROTO_THREAD, 1, w, 0, 0), -PECAN_EMSGTOOSHORT);
    CHECK_ERR(pecan_call(t, PECAN_PROTO_THREAD, 2, w, 0, 0), -PECAN_EMSGTOOSHORT);
    CHECK_ERR(pecan_call(t, PECAN_PROTO_THREAD, 5, w, 0, 0), -PECAN_EMSGTOOLONG);
    CHECK_ERR(pecan_thread_start(t, 0x00008002u, sp, 0), -PECAN_EALIGN);
    /* None of it wrote a register. */
    pecan_word_t back[PECAN_THREAD_REGISTER_COUNT];
    REQUIRE_OK(pecan_thread_read_registers(t, back));
    for (unsigned i = 0; i < 16; i++)
        CHECK_EQ(back[i], 0);
    CHECK_EQ(back[16], CPSR_USER);
    CHECK_OK(pecan_thread_suspend(t));
    CHECK_CLEAN();
    CHECK_OK(cap_delete(ro_t));
}

static void wait_on_arg0(struct helper *h)
{
    pecan_word_t bits = 0;
    h->result = pecan_notification_wait(h->arg[0], &bits);
}

/* START of a thread that is not inactive is WRITE_REGISTERS of pc, sp, r0 and cpsr and
 * nothing more: a blocked thread stays blocked and goes on at the new pc when its wait
 * ends (with the wait's result in r0), a runnable one goes on at the new pc. */
UTEST(thread_start_blocked_or_running)
{
    struct helper h;
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0), done = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(n && done);
    REQUIRE_OK(helper_create(&h, wait_on_arg0, 200));
    h.arg[0] = n;
    REQUIRE_OK(helper_start(&h));   /* runs at once and blocks in the wait */
    CHECK(!h.finished);
    report_reset(h.thread, 0);
    pecan_word_t sp = stack_top(&h) - 128;
    CHECK_OK(pecan_thread_start(h.thread, arm_entry(), sp, 0x77));
    spin_us(20000);
    CHECK_EQ(report.runs, 0);
    CHECK_OK(pecan_notification_signal(n, 4));   /* wakes it: it runs at once */
    CHECK_EQ(report.runs, 1);
    CHECK_EQ(report.r0, PECAN_IPC_OK);
    CHECK_EQ(report.sp, sp);
    CHECK(!h.finished);   /* the wait never returned to wait_on_arg0 */
    helper_destroy(&h);

    /* Runnable at the root's priority (round robin): it continues at the new pc. */
    REQUIRE_OK(helper_create(&h, counting_thread, 128));
    REQUIRE_OK(helper_start(&h));
    CHECK(spin_until_changed(&h.counter, 0, 10000));
    report_reset(h.thread, done);
    sp = stack_top(&h) - 128;
    CHECK_OK(pecan_thread_start(h.thread, thumb_entry(), sp, 0x88));
    pecan_word_t bits = 0;
    CHECK_OK(pecan_notification_wait(done, &bits));   /* the root blocks: it runs */
    CHECK_EQ(report.runs, 1);
    CHECK_EQ(report.r0, 0x88);
    CHECK_EQ(report.sp, sp);
    CHECK_EQ(report.thumb, 1);
    pecan_word_t seen = h.counter;
    spin_us(30000);
    CHECK_EQ(h.counter, seen);   /* it left the counting loop */
    CHECK_CLEAN();
    helper_destroy(&h);
}

/* CONFIGURE checks the length, then WRITE on the thread, then the arguments in word order
 * (docs/abi.md). The UTCB address (w4) is used only with a UTCB frame in w3: with
 * UNCHANGED or an empty slot it is not even checked, and the thread's UTCB stays where
 * it was. */
static void record_utcb(struct helper *h)
{
    h->arg[0] = (pecan_word_t)(uintptr_t)pecan_utcb();
    h->counter = 1;
}

UTEST(thread_configure_check_order_and_utcb_address)
{
    pecan_cap_t t = obj_new(PECAN_OBJ_THREAD, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t ro_t = slot_alloc(), ro_f = slot_alloc(), f = obj_new(PECAN_OBJ_FRAME, 12);
    pecan_cap_t empty = slot_alloc();
    REQUIRE(t && n && ro_t && ro_f && f && empty);
    REQUIRE_OK(cap_copy(ro_t, t, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    REQUIRE_OK(cap_copy(ro_f, f, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    pecan_word_t w[] = { PECAN_THREAD_CONFIGURE, n, n, n, UTCB_VADDR + 4, n, n };
    CHECK_ERR(pecan_call(ro_t, PECAN_PROTO_THREAD, 6, w, 0, 0), -PECAN_EMSGTOOSHORT);
    /* Without WRITE: EPERM, whatever is wrong with the arguments. */
    CHECK_ERR(configure(ro_t, n, n, n, UTCB_VADDR + 4, n, n), -PECAN_EPERM);
    CHECK_ERR(configure(ro_t, 0x00ABC000u, SAME, SAME, 0, SAME, SAME), -PECAN_EPERM);
    CHECK_ERR(configure(ro_t, SAME, SAME, ro_f, UTCB_VADDR + 4, SAME, SAME), -PECAN_EPERM);
    /* With it, the first bad argument: the UTCB frame's rights before its address. */
    CHECK_ERR(configure(t, SAME, SAME, ro_f, UTCB_VADDR + 4, SAME, SAME), -PECAN_EPERM);
    CHECK_ERR(configure(t, SAME, SAME, f, UTCB_VADDR + 4, n, SAME), -PECAN_EALIGN);
    /* No frame named: the address is ignored. */
    CHECK_OK(configure(t, SAME, SAME, SAME, UTCB_VADDR + 4, SAME, SAME));
    CHECK_OK(configure(t, SAME, SAME, empty, 0x123, SAME, SAME));   /* clears the UTCB */
    CHECK_CLEAN();
    /* A running thread's UTCB stays where its frame was named. */
    struct helper h;
    REQUIRE_OK(helper_create(&h, record_utcb, 200));
    REQUIRE_OK(configure(h.thread, SAME, SAME, SAME, h.base + 0x200, SAME, SAME));
    REQUIRE_OK(helper_start(&h));
    for (unsigned i = 0; i < 1000 && !h.counter; i++)
        pecan_sleep_us(1000);
    CHECK_EQ(h.counter, 1);
    CHECK_EQ(h.arg[0], h.base);
    helper_destroy(&h);
    CHECK_OK(cap_delete(ro_t));
    CHECK_OK(cap_delete(ro_f));
    CHECK_CLEAN();
}
