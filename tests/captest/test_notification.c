/* SPDX-License-Identifier: MIT */
/*
 * Notifications: SIGNAL, POLL and WAIT with their rights and errors, a blocked root
 * woken by another thread and the other way round, waiters served in order, and
 * destroying a notification that has waiters (they get IPC_CANCELED).
 */
#include "captest.h"

#define CANCELED PECAN_IPC_ERROR(PECAN_IPC_CANCELED)

UTEST(notification_signal_poll)
{
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    pecan_cap_t ro = slot_alloc(), wo = slot_alloc();
    REQUIRE(n && ro && wo);
    CHECK_EQ(poll_bits(n), 0);
    CHECK_OK(pecan_notification_signal(n, 0x1));
    CHECK_OK(pecan_notification_signal(n, 0x4));
    CHECK_EQ(poll_bits(n), 0x5);
    CHECK_EQ(poll_bits(n), 0);
    /* A wait with bits pending returns at once and takes them. */
    CHECK_OK(pecan_notification_signal(n, 0x80000000u));
    pecan_word_t bits = 0;
    CHECK_OK(pecan_notification_wait(n, &bits));
    CHECK_EQ(bits, 0x80000000u);
    CHECK_EQ(poll_bits(n), 0);
    /* No bits (and no badge) is an error; messages too short; unknown opcodes. */
    CHECK_ERR(pecan_notification_signal(n, 0), -PECAN_EINVAL);
    pecan_word_t w[] = { PECAN_NOTIFICATION_SIGNAL, 1 };
    CHECK_ERR(pecan_call(n, PECAN_PROTO_NOTIFICATION, 1, w, 0, 0), -PECAN_EMSGTOOSHORT);
    w[0] = 3;
    CHECK_ERR(pecan_call(n, PECAN_PROTO_NOTIFICATION, 2, w, 0, 0), -PECAN_ENOSYS);
    w[0] = PECAN_NOTIFICATION_SIGNAL;
    CHECK_ERR(pecan_call(n, PECAN_PROTO_IRQ, 2, w, 0, 0), -PECAN_EBADPROTO);
    /* SIGNAL needs WRITE, WAIT and POLL need READ. */
    REQUIRE_OK(cap_copy(ro, n, PECAN_RIGHT_READ | PECAN_RIGHT_GRANT));
    REQUIRE_OK(cap_copy(wo, n, PECAN_RIGHT_WRITE | PECAN_RIGHT_GRANT));
    CHECK_ERR(pecan_notification_signal(ro, 1), -PECAN_EPERM);
    CHECK_ERR(pecan_notification_poll(wo, &bits), -PECAN_EPERM);
    CHECK_ERR(pecan_notification_wait(wo, &bits), -PECAN_EPERM);
    CHECK_OK(pecan_notification_signal(wo, 0x2));
    CHECK_EQ(poll_bits(ro), 0x2);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(ro));
    CHECK_OK(cap_delete(wo));
}

static void signal_once(struct helper *h)
{
    h->counter++;
    h->result = pecan_notification_signal(h->arg[0], 0x8);
}

/* The root blocks; a lower-priority thread gets the CPU only then, and wakes it. */
UTEST(notification_root_woken_by_thread)
{
    struct helper h;
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(n);
    REQUIRE_OK(helper_create(&h, signal_once, 100));
    h.arg[0] = n;
    REQUIRE_OK(helper_start(&h));
    CHECK_EQ(h.counter, 0);
    pecan_word_t bits = 0;
    CHECK_OK(pecan_notification_wait(n, &bits));
    CHECK_EQ(bits, 0x8);
    CHECK_EQ(h.counter, 1);
    CHECK_OK(h.result);
    CHECK_CLEAN();
    helper_destroy(&h);   /* still runnable: it was preempted right after signalling */
    CHECK_CLEAN();
}

static void wait_once(struct helper *h)
{
    pecan_word_t bits = 0;
    h->result = pecan_notification_wait(h->arg[0], &bits);
    h->arg[1] = bits;
    h->counter++;
}

/* A higher-priority thread blocks in WAIT and runs again the moment the root signals. */
UTEST(notification_thread_woken_by_root)
{
    struct helper h;
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(n);
    REQUIRE_OK(helper_create(&h, wait_once, 200));
    h.arg[0] = n;
    REQUIRE_OK(helper_start(&h));
    CHECK_EQ(h.counter, 0);   /* blocked */
    CHECK_CLEAN();
    CHECK_OK(pecan_notification_signal(n, 0x30));
    CHECK_EQ(h.counter, 1);
    CHECK_OK(h.result);
    CHECK_EQ(h.arg[1], 0x30);
    CHECK_EQ(poll_bits(n), 0);   /* the waiter took them */
    CHECK(h.finished);
    helper_destroy(&h);
}

UTEST(notification_waiters_in_order)
{
    struct helper a, b;
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(n);
    REQUIRE_OK(helper_create(&a, wait_once, 200));
    REQUIRE_OK(helper_create(&b, wait_once, 200));
    a.arg[0] = b.arg[0] = n;
    REQUIRE_OK(helper_start(&a));
    REQUIRE_OK(helper_start(&b));
    CHECK_CLEAN();
    CHECK_OK(pecan_notification_signal(n, 1));
    CHECK_EQ(a.counter, 1);
    CHECK_EQ(a.arg[1], 1);
    CHECK_EQ(b.counter, 0);
    CHECK_OK(pecan_notification_signal(n, 2));
    CHECK_EQ(b.counter, 1);
    CHECK_EQ(b.arg[1], 2);
    helper_destroy(&a);
    helper_destroy(&b);
}

/* Deleting a notification's last capability wakes its waiters with IPC_CANCELED;
 * deleting another capability to it does not. */
UTEST(notification_destroy_with_waiters)
{
    struct helper a, b;
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0), copy = slot_alloc();
    REQUIRE(n && copy);
    REQUIRE_OK(cap_mint(copy, n, PECAN_RIGHTS_ALL, 0x100));
    REQUIRE_OK(helper_create(&a, wait_once, 200));
    REQUIRE_OK(helper_create(&b, wait_once, 200));
    a.arg[0] = n;
    b.arg[0] = copy;
    REQUIRE_OK(helper_start(&a));
    REQUIRE_OK(helper_start(&b));
    CHECK_OK(cap_delete(copy));
    CHECK_EQ(a.counter + b.counter, 0);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(n));
    CHECK_EQ(a.counter, 1);
    CHECK_EQ(b.counter, 1);
    CHECK_ERR(a.result, CANCELED);
    CHECK_ERR(b.result, CANCELED);
    CHECK_CLEAN();
    helper_destroy(&a);
    helper_destroy(&b);
    CHECK_CLEAN();
}

/* A thread suspended while it waits leaves the queue; resumed, its WAIT has ended
 * (canceled), it does not pick up a later signal or return garbage. */
UTEST(notification_wait_canceled_by_suspend)
{
    struct helper h;
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    REQUIRE(n);
    REQUIRE_OK(helper_create(&h, wait_once, 200));
    h.arg[0] = n;
    REQUIRE_OK(helper_start(&h));
    CHECK_OK(pecan_thread_suspend(h.thread));
    CHECK_CLEAN();
    CHECK_OK(pecan_notification_signal(n, 0x4));   /* nobody waits: the bits stay */
    CHECK_OK(pecan_thread_resume(h.thread));
    CHECK_EQ(h.counter, 1);
    CHECK_ERR(h.result, CANCELED);
    CHECK_EQ(poll_bits(n), 0x4);
    helper_destroy(&h);
}
