/* SPDX-License-Identifier: MIT */
/*
 * Threads: CONFIGURE with every wrong type and missing right, register access (the CPSR
 * is always sanitised to user mode), RESUME and SUSPEND of a second thread that counts,
 * SET_PRIORITY and what it does to scheduling.
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

UTEST(tcb_configure)
{
    pecan_cap_t t = obj_new(PECAN_OBJ_TCB, 0), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t c = obj_new(PECAN_OBJ_CNODE, 4), v = obj_new(PECAN_OBJ_VSPACE, 0);
    pecan_cap_t f = obj_new(PECAN_OBJ_FRAME, 12), e = obj_new(PECAN_OBJ_ENDPOINT, 0);
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

UTEST(tcb_configure_device_frame_as_utcb)
{
    pecan_cap_t t = obj_new(PECAN_OBJ_TCB, 0), devf = slot_alloc();
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

UTEST(tcb_registers)
{
    pecan_cap_t t = obj_new(PECAN_OBJ_TCB, 0), ro = slot_alloc(), wo = slot_alloc();
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

UTEST(tcb_registers_need_a_utcb)
{
    struct helper h;
    pecan_cap_t other = obj_new(PECAN_OBJ_TCB, 0), empty = slot_alloc();
    REQUIRE(other && empty);
    REQUIRE_OK(helper_create(&h, no_utcb_thread, 200));
    REQUIRE_OK(configure(h.tcb, SAME, SAME, empty, 0, SAME, SAME));
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
UTEST(tcb_resume_suspend)
{
    struct helper h;
    REQUIRE_OK(helper_create(&h, counting_thread, 128));
    REQUIRE_OK(helper_start(&h));
    spin_us(40000);
    pecan_word_t seen = h.counter;
    CHECK(seen > 0);
    CHECK_OK(pecan_thread_suspend(h.tcb));
    seen = h.counter;
    spin_us(30000);
    CHECK_EQ(h.counter, seen);
    CHECK_OK(pecan_thread_suspend(h.tcb));   /* twice is fine */
    CHECK_OK(pecan_thread_resume(h.tcb));
    CHECK_OK(pecan_thread_resume(h.tcb));    /* already runnable: nothing changes */
    spin_us(40000);
    CHECK(h.counter > seen);
    CHECK_OK(pecan_thread_suspend(h.tcb));
    CHECK_CLEAN();
    helper_destroy(&h);
    CHECK_CLEAN();
}

static void count_once(struct helper *h)
{
    h->counter++;
}

UTEST(tcb_set_priority)
{
    struct helper h;
    pecan_cap_t ro = slot_alloc(), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(ro && n);
    REQUIRE_OK(helper_create(&h, count_once, 100));
    h.done = n;
    CHECK_ERR(pecan_thread_set_priority(h.tcb, 256), -PECAN_ERANGE);
    CHECK_ERR(pecan_thread_set_priority(h.tcb, 0xFFFFFFFFu), -PECAN_ERANGE);
    pecan_word_t w[] = { PECAN_THREAD_SET_PRIORITY };
    CHECK_ERR(pecan_call(h.tcb, PECAN_PROTO_THREAD, 1, w, 0, 0), -PECAN_EMSGTOOSHORT);
    REQUIRE_OK(cap_copy(ro, h.tcb, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    CHECK_ERR(pecan_thread_set_priority(ro, 200), -PECAN_EPERM);
    /* Below the root it does not run while the root keeps the CPU... */
    REQUIRE_OK(helper_start(&h));
    spin_us(30000);
    CHECK_EQ(h.counter, 0);
    /* ...above it, it runs at once: before set_priority returns to the root. */
    CHECK_OK(pecan_thread_set_priority(h.tcb, 200));
    CHECK_EQ(h.counter, 1);
    CHECK(h.finished);
    pecan_word_t bits = 0;
    CHECK_OK(pecan_notification_poll(n, &bits));
    CHECK_EQ(bits, 1);
    CHECK_OK(pecan_thread_set_priority(h.tcb, 0));
    CHECK_OK(pecan_thread_set_priority(h.tcb, 255));
    CHECK_CLEAN();
    CHECK_OK(cap_delete(ro));
    helper_destroy(&h);
}

static void raise_root(struct helper *h)
{
    h->counter = 1;
    h->result = pecan_thread_set_priority(PECAN_ROOT_TCB, 128);
    h->counter = 2;   /* after the root ran again */
}

/* The root lowers its own priority below a waiting thread, which runs at once and
 * raises the root back, which then runs at once. */
UTEST(tcb_set_own_priority)
{
    struct helper h;
    REQUIRE_OK(helper_create(&h, raise_root, 100));
    REQUIRE_OK(helper_start(&h));
    CHECK_EQ(h.counter, 0);
    CHECK_OK(pecan_thread_set_priority(PECAN_ROOT_TCB, 50));
    CHECK_EQ(h.counter, 1);
    CHECK_OK(h.result);
    CHECK_CLEAN();
    helper_destroy(&h);
}
