/* SPDX-License-Identifier: MIT */
/*
 * Deleting threads in every state, and address spaces still in use: a runnable thread,
 * a thread deleting itself while it runs (also as the last holder of its own address
 * space), a thread blocked in a notification wait, a faulted one, and a thread whose
 * address space with live mappings goes away. Afterwards nothing may point at them.
 */
#include "captest.h"

static void count_forever(struct helper *h)
{
    for (;;)
        h->counter++;
}

UTEST(delete_runnable_thread)
{
    struct helper h;
    REQUIRE_OK(helper_create(&h, count_forever, 128));
    REQUIRE_OK(helper_start(&h));
    CHECK(spin_until_changed(&h.counter, 0, 10000));
    /* It is in the run queue now (the root is running): delete it from there. */
    CHECK_OK(cap_delete(h.thread));
    CHECK_CLEAN();
    pecan_word_t seen = h.counter;
    spin_us(30000);
    CHECK_EQ(h.counter, seen);
    CHECK_OK(cap_delete(h.frame));
}

static void delete_myself(struct helper *h)
{
    h->counter = 1;
    h->result = cap_delete(h->thread);
    h->counter = 2;   /* never reached */
}

UTEST(delete_running_thread_itself)
{
    struct helper h;
    REQUIRE_OK(helper_create(&h, delete_myself, 200));
    REQUIRE_OK(helper_start(&h));
    CHECK_EQ(h.counter, 1);
    CHECK_EQ(cap_type(h.thread), CAPK_NULL);
    CHECK_CLEAN();
    spin_us(20000);
    CHECK_EQ(h.counter, 1);
    CHECK_OK(cap_delete(h.frame));
}

static void wait_forever(struct helper *h)
{
    pecan_word_t bits;
    h->result = pecan_notification_wait(h->arg[0], &bits);
    h->counter++;
}

UTEST(delete_blocked_thread)
{
    struct helper h, h2;
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(n);
    REQUIRE_OK(helper_create(&h, wait_forever, 200));
    REQUIRE_OK(helper_create(&h2, wait_forever, 200));
    h.arg[0] = h2.arg[0] = n;
    REQUIRE_OK(helper_start(&h));
    REQUIRE_OK(helper_start(&h2));
    /* Delete the first waiter: the queue must not point at it any more. */
    CHECK_OK(cap_delete(h.thread));
    CHECK_CLEAN();
    CHECK_OK(pecan_notification_signal(n, 0x3));
    CHECK_EQ(h.counter, 0);
    CHECK_EQ(h2.counter, 1);
    /* Delete a thread suspended while waiting, then signal: the bits stay. */
    REQUIRE_OK(helper_start(&h2));
    CHECK_OK(pecan_thread_suspend(h2.thread));
    CHECK_OK(cap_delete(h2.thread));
    CHECK_OK(pecan_notification_signal(n, 0x4));
    pecan_word_t bits = 0;
    CHECK_OK(pecan_notification_poll(n, &bits));
    CHECK_EQ(bits, 0x4);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(h.frame));
    CHECK_OK(cap_delete(h2.frame));
}

static void fault_on_null(struct helper *h)
{
    h->counter = 1;
    h->arg[1] = *(volatile pecan_word_t *)h->arg[2];   /* nothing is mapped there */
    h->counter = 2;
}

UTEST(delete_faulted_thread)
{
    struct helper h;
    REQUIRE_OK(helper_create(&h, fault_on_null, 200));
    h.arg[2] = 16;
    REQUIRE_OK(helper_start(&h));
    CHECK_EQ(h.counter, 1);
    CHECK_CLEAN();
    helper_destroy(&h);
    CHECK_CLEAN();
}

/* A thread in its own address space blocks on a notification; the root drops its own
 * capabilities to the address space (the thread's copy keeps it alive), then deletes the
 * thread: the address space with its mappings goes with it. */
static void remote_wait(pecan_word_t notification, pecan_word_t shared, pecan_word_t a2,
                        pecan_word_t a3)
{
    (void)a2;
    (void)a3;
    volatile pecan_word_t *report = (volatile pecan_word_t *)shared;
    report[0] = 1;
    pecan_word_t bits;
    report[1] = (pecan_word_t)pecan_notification_wait(notification, &bits);
    report[0] = 2;
    for (;;)
        pecan_notification_wait(notification, &bits);
}

UTEST(delete_thread_holding_mappings)
{
    struct remote r;
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(n);
    REQUIRE_OK(remote_create(&r, 200));
    REQUIRE_OK(remote_start(&r, remote_wait, n, REMOTE_SHARED_VA, 0, 0));
    CHECK_EQ(remote_shared()[0], 1);
    CHECK_OK(pecan_notification_signal(n, 1));
    CHECK_EQ(remote_shared()[0], 2);
    CHECK_EQ(remote_shared()[1], 0);
    CHECK_CLEAN();
    /* Blocked again. The address space's last capability is the thread's own copy. */
    CHECK_OK(cap_delete(r.vspace));
    CHECK_CLEAN();
    pecan_word_t vaddr = 0;
    CHECK_OK(pecan_frame_info(r.stack, 0, 0, &vaddr));
    CHECK_EQ(vaddr, REMOTE_STACK_VA);
    CHECK_OK(cap_delete(r.thread));
    CHECK_CLEAN();
    CHECK_OK(pecan_frame_info(r.stack, 0, 0, &vaddr));
    CHECK_EQ(vaddr, NOT_MAPPED);
    CHECK_OK(pecan_frame_info(r.text_first, 0, 0, &vaddr));
    CHECK_EQ(vaddr, NOT_MAPPED);
    CHECK_OK(pecan_notification_signal(n, 1));   /* no waiter left */
    CHECK_CLEAN();
    for (unsigned i = 0; i < r.text_count; i++)
        CHECK_OK(cap_delete(r.text_first + i));
    CHECK_OK(cap_delete(r.root_shared));
}

/* The thread deletes its own thread object while running in its own address space, whose last
 * capability is in that thread object: the address space is destroyed while it is the active
 * one. */
static void remote_delete_self(pecan_word_t thread, pecan_word_t shared, pecan_word_t a2,
                               pecan_word_t a3)
{
    (void)a2;
    (void)a3;
    volatile pecan_word_t *report = (volatile pecan_word_t *)shared;
    report[0] = 1;
    report[1] = (pecan_word_t)pecan_cnode_delete(PECAN_ROOT_CNODE, thread, 32);
    report[0] = 2;
    for (;;)
        ;
}

UTEST(delete_running_thread_with_its_address_space)
{
    struct remote r;
    REQUIRE_OK(remote_create(&r, 200));
    CHECK_OK(cap_delete(r.vspace));
    REQUIRE_OK(remote_start(&r, remote_delete_self, r.thread, REMOTE_SHARED_VA, 0, 0));
    CHECK_EQ(remote_shared()[0], 1);
    /* Its deletion may stop part way (an interrupt, the entry's work budget), and the
     * thread never runs again to restart it: the thread object is then a zombie in its slot,
     * and deleting the slot again finishes it. */
    if (cap_type(r.thread) == CAPK_ZOMBIE)
        CHECK_OK(cap_delete(r.thread));
    CHECK_EQ(cap_type(r.thread), CAPK_NULL);
    CHECK_CLEAN();
    pecan_word_t vaddr = 0;
    CHECK_OK(pecan_frame_info(r.shared, 0, 0, &vaddr));
    CHECK_EQ(vaddr, NOT_MAPPED);
    for (unsigned i = 0; i < r.text_count; i++)
        CHECK_OK(cap_delete(r.text_first + i));
    CHECK_OK(cap_delete(r.root_shared));
    CHECK_CLEAN();
}

/* A configured thread that never ran, with an address space full of mappings: delete
 * the address space first (the thread keeps a copy), then the thread. */
UTEST(delete_address_space_in_use)
{
    pecan_cap_t t = obj_new(PECAN_OBJ_THREAD, 0), v = obj_new(PECAN_OBJ_VSPACE, 0);
    pecan_cap_t pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0), f = obj_new(PECAN_OBJ_FRAME, 12);
    pecan_cap_t c = obj_new(PECAN_OBJ_CNODE, 3);
    REQUIRE(t && v && pt && f && c);
    REQUIRE_OK(pecan_vspace_map_page_table(v, pt, 0x00800000u));
    REQUIRE_OK(pecan_vspace_map_frame(v, f, 0x00800000u, PECAN_MAP_READ | PECAN_MAP_WRITE, 0));
    REQUIRE_OK(pecan_thread_configure(t, c, v, f, 0x00800000u, PECAN_CAP_UNCHANGED,
                                      PECAN_CAP_UNCHANGED));
    CHECK_OK(cap_delete(v));
    CHECK_OK(cap_delete(c));
    CHECK_CLEAN();
    pecan_word_t vaddr = 0;
    CHECK_OK(pecan_frame_info(f, 0, 0, &vaddr));
    CHECK_EQ(vaddr, 0x00800000u);
    CHECK_OK(cap_delete(t));
    CHECK_CLEAN();
    CHECK_OK(pecan_frame_info(f, 0, 0, &vaddr));
    CHECK_EQ(vaddr, NOT_MAPPED);
    CHECK_OK(pecan_page_table_info(pt, &vaddr));
    CHECK_EQ(vaddr, NOT_MAPPED);
}

/* The address space of a blocked thread is revoked away under it (its untyped is
 * revoked, which also deletes the thread's own copy). Woken, the thread runs without an
 * address space: it faults at once and is suspended; the kernel stays intact. */
UTEST(delete_address_space_under_a_blocked_thread)
{
    struct remote r;
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(n);
    REQUIRE_OK(remote_create(&r, 200));
    REQUIRE_OK(remote_start(&r, remote_wait, n, REMOTE_SHARED_VA, 0, 0));
    CHECK_EQ(remote_shared()[0], 1);
    obj_free(r.vspace);
    CHECK_CLEAN();
    CHECK_OK(pecan_notification_signal(n, 1));   /* it runs, and faults */
    CHECK_EQ(remote_shared()[0], 1);
    CHECK_CLEAN();
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT];
    CHECK_OK(pecan_thread_read_registers(r.thread, regs));
    CHECK_OK(cap_delete(r.thread));
    CHECK_CLEAN();
    for (unsigned i = 0; i < r.text_count; i++)
        CHECK_OK(cap_delete(r.text_first + i));
    CHECK_OK(cap_delete(r.root_shared));
}
