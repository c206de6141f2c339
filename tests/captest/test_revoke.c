/* SPDX-License-Identifier: MIT */
/*
 * Long revokes and deletes are preemptible: revoking an untyped with many thousand
 * notifications, and deleting the last capability to a CNode full of them, stop for
 * pending interrupts and after a bounded amount of work (kernel/include/core/preempt.h),
 * and continue when the system call is restarted. DEBUG_STATS counts the stops; the
 * caller sees one call, and the invariant checker is clean afterwards.
 */
#include "ipctest.h"

#define BATCH 2048                 /* objects per retype (the kernel's maximum) */
#define BATCH_BITS 16              /* 2048 notifications of 32 bytes */

/* n batches of notifications, each from its own child of one untyped, into one CNode. */
struct many {
    pecan_cap_t u, kids, cnode;
    unsigned batches;
};

static int log2_of(unsigned n)
{
    int bits = 0;
    while ((1u << bits) < n)
        bits++;
    return bits;
}

static bool make_many(struct many *m, unsigned batches)
{
    unsigned extra = (unsigned)log2_of(batches);
    m->batches = batches;
    m->u = ut_alloc(BATCH_BITS + extra);
    m->kids = slots_alloc(batches);
    m->cnode = obj_new(PECAN_OBJ_CNODE, 11 + extra);
    if (!m->u || !m->kids || !m->cnode)
        return false;
    if (!CHECK_OK(pecan_untyped_retype(m->u, PECAN_OBJ_UNTYPED, BATCH_BITS, batches, ROOT,
                                       m->kids)))
        return false;
    for (unsigned k = 0; k < batches; k++) {
        if (!CHECK_OK(pecan_untyped_retype(m->kids + k, PECAN_OBJ_NOTIFICATION, 0, BATCH,
                                           m->cnode, k * BATCH)))
            return false;
    }
    return true;
}

/* Runs op and reports how long it took and how often it was preempted. */
static unsigned long timed(const char *what, unsigned objects, int (*op)(pecan_cap_t),
                           pecan_cap_t cap)
{
    unsigned long before = kernel_preemptions();
    uint64_t start = now_ns();
    CHECK_OK(op(cap));
    uint64_t spent = now_ns() - start;
    unsigned long stops = kernel_preemptions() - before;
    pecan_printf("# %s of %u notifications: %lu us, preempted %lu times\n", what, objects,
                 (unsigned long)(spent / 1000), stops);
    return stops;
}

UTEST(revoke_is_preemptible)
{
    unsigned long stops = 0;
    for (unsigned batches = 1; batches <= 16 && !stops; batches *= 2) {
        struct many m;
        REQUIRE(make_many(&m, batches));
        stops = timed("revoke", batches * BATCH, cap_revoke, m.u);
        CHECK_CLEAN();
        int leaf = 0;
        CHECK_OK(pecan_untyped_info(m.u, 0, 0, 0, &leaf));
        CHECK_EQ(leaf, 1);
        for (unsigned k = 0; k < batches; k++)
            CHECK_EQ(cap_type(m.kids + k), CAPK_NULL);
        obj_free(m.cnode);
        ut_free(m.u);
    }
    CHECK(stops > 0);
}

/* The CNode holds the only capabilities to the notifications: deleting it destroys them
 * all while its slots are emptied as a zombie, which is preemptible too. */
UTEST(delete_of_a_full_cnode_is_preemptible)
{
    unsigned long stops = 0;
    for (unsigned batches = 2; batches <= 16 && !stops; batches *= 2) {
        struct many m;
        REQUIRE(make_many(&m, batches));
        stops = timed("cnode delete", batches * BATCH, cap_delete, m.cnode);
        CHECK_CLEAN();
        for (unsigned k = 0; k < batches; k++) {
            int leaf = 0;
            CHECK_OK(pecan_untyped_info(m.kids + k, 0, 0, 0, &leaf));
            CHECK_EQ(leaf, 1);
        }
        ut_free(m.u);
        obj_free(m.cnode);
    }
    CHECK(stops > 0);
}

/*
 * A higher-priority thread runs in the middle of a preempted revoke or delete: the timer
 * interrupt that stops the kernel wakes it. It sees a consistent kernel (the invariant
 * checker) with part of the objects still there, and cannot retype the untyped being
 * revoked. A CNode being deleted is a zombie meanwhile: it cannot be copied or moved
 * (EBUSY), and neither revoking it (a zombie has no children) nor the thread deleting a
 * CNode of its own finishes the interrupted deletion: that is the interrupted thread's
 * work, and the zombie is still there for it. The interrupted call then completes when
 * it is restarted, and the slot is empty.
 */
#define INTERLOPER_TIMER_VA 0x57000000u

struct interlude {
    pecan_cap_t wake;            /* the timer's notification */
    pecan_cap_t untyped;         /* must not be retypable meanwhile */
    pecan_cap_t watched;         /* an untyped that still has children meanwhile */
    pecan_cap_t zombie;          /* the slot being deleted, or 0 */
    pecan_cap_t spare;           /* an empty slot */
    pecan_cap_t own;             /* a CNode of the thread's own to delete, or 0 */
    /* What the thread saw. */
    unsigned long stops;
    unsigned problems;
    int retype, copy, move, identified, revoke, own_delete;
    unsigned after_revoke, after_own_delete;
    bool partial;
};

static struct interlude interlude;

static void interloper(struct helper *h)
{
    struct interlude *in = &interlude;
    pecan_word_t bits;
    pecan_notification_wait(in->wake, &bits);
    in->stops = kernel_preemptions();
    in->problems = kernel_problems();
    /* Looked at before the retype below, which would give the untyped a child of its own
     * if the call were already over. */
    int leaf = 1;
    in->partial = pecan_untyped_info(in->watched, 0, 0, 0, &leaf) == 0 && !leaf;
    in->retype = pecan_untyped_retype(in->untyped, PECAN_OBJ_NOTIFICATION, 0, 1, ROOT,
                                      in->spare);
    if (in->zombie) {
        in->identified = (int)cap_type(in->zombie);
        in->copy = cap_copy(in->spare, in->zombie, PECAN_RIGHTS_ALL);
        in->move = cap_move(in->spare, in->zombie);
        in->revoke = cap_revoke(in->zombie);
        in->after_revoke = cap_type(in->zombie);
        in->own_delete = cap_delete(in->own);
        in->after_own_delete = cap_type(in->zombie);
    }
    h->counter++;
}

/* Did the thread run inside the interrupted call, as the scenario needs? The timer is set
 * to fire early in the call, but on a busy host the interrupt may come late (QEMU raises it
 * from a host thread the host schedules too) and the call may be over first, or the vCPU
 * may be held up before the call starts: then the round says nothing and is repeated, with
 * a longer call. Inside means the last untyped still had children when the thread looked:
 * stops alone say nothing, as a long call also stops when its work budget is spent. */
static bool interlude_timed_right(unsigned long stops_before)
{
    const struct interlude *in = &interlude;
    return in->stops > stops_before && in->partial;
}

static void check_interlude(void)
{
    struct interlude *in = &interlude;
    CHECK_EQ(in->problems, 0);
    CHECK_ERR(in->retype, -PECAN_ENOTLEAF);
    if (in->zombie) {
        CHECK_EQ(in->identified, CAPK_ZOMBIE);
        CHECK_ERR(in->copy, -PECAN_EBUSY);
        CHECK_ERR(in->move, -PECAN_EBUSY);
        /* The deletion is the interrupted thread's: the thread's own revoke and delete
         * leave it alone (it used to be finished by whoever deleted next). */
        CHECK_OK(in->revoke);
        CHECK_EQ(in->after_revoke, CAPK_ZOMBIE);
        CHECK_OK(in->own_delete);
        CHECK_EQ(in->after_own_delete, CAPK_ZOMBIE);
    }
    CHECK_EQ(cap_type(in->spare), CAPK_NULL);
}

static void start_interloper(struct helper *h, const struct many *m, pecan_cap_t zombie)
{
    /* A round whose timing missed may have left what the thread made in the spare slot. */
    cap_delete(interlude.spare);
    /* The last kid goes last: it still has children whenever the thread runs. */
    interlude.untyped = m->kids + m->batches - 1;
    interlude.watched = m->kids + m->batches - 1;
    interlude.zombie = zombie;
    if (zombie && !interlude.own)
        interlude.own = obj_new(PECAN_OBJ_CNODE, 2);
    h->counter = 0;
    /* Stop the thread before new registers: a blocked thread's would be overwritten when
     * its wait completes (rounds wait for it to finish, so this is only a safeguard). */
    CHECK_OK(pecan_thread_suspend(h->thread));
    CHECK_OK(helper_start(h));
}

/* After the call: the timer has fired or will, and the thread runs once either way. On a
 * busy host the interrupt may still be on its way: wait for the thread (a condition, not a
 * time), so the next round cannot start while it is still blocked. */
static void finish_interlude(struct helper *h, const char *what, unsigned objects,
                             unsigned long before, uint64_t start)
{
    uint64_t spent = now_ns() - start;
    CHECK(wait_flag(&h->counter, 10000));
    CHECK_EQ(h->counter, 1);
    pecan_printf("# %s of %u notifications: %lu us, the thread ran %s it\n", what, objects,
                 (unsigned long)(spent / 1000),
                 interlude_timed_right(before) ? "inside" : "outside");
}

#define INTERLUDE_ATTEMPTS 12
#define INTERLUDE_MAX_BATCHES 16

/* One round: a revoke of an untyped with batches × 2048 notifications, interrupted. */
static bool revoke_round(struct helper *h, struct sp804 *timer, unsigned batches)
{
    struct many m;
    if (!CHECK(make_many(&m, batches)))
        return false;
    start_interloper(h, &m, 0);
    unsigned long before = kernel_preemptions();
    uint64_t start = now_ns();
    sp804_one_shot(timer, 200);   /* fires early in the long call */
    CHECK_OK(cap_revoke(m.u));
    finish_interlude(h, "revoke", batches * BATCH, before, start);
    bool timed = interlude_timed_right(before);
    if (timed)
        check_interlude();
    cap_delete(interlude.spare);
    CHECK_CLEAN();
    for (unsigned k = 0; k < batches; k++)
        CHECK_EQ(cap_type(m.kids + k), CAPK_NULL);
    obj_free(m.cnode);
    ut_free(m.u);
    sp804_clear(timer);
    CHECK_OK(pecan_irq_ack(timer->handler));
    return timed;
}

/* One round: a delete of the CNode that holds their only capabilities (a zombie meanwhile). */
static bool delete_round(struct helper *h, struct sp804 *timer, unsigned batches)
{
    struct many m;
    if (!CHECK(make_many(&m, batches)))
        return false;
    start_interloper(h, &m, m.cnode);
    unsigned long before = kernel_preemptions();
    uint64_t start = now_ns();
    sp804_one_shot(timer, 200);   /* fires early in the long call */
    CHECK_OK(cap_delete(m.cnode));
    finish_interlude(h, "cnode delete", batches * BATCH, before, start);
    CHECK_EQ(cap_type(m.cnode), CAPK_NULL);
    bool timed = interlude_timed_right(before);
    if (timed)
        check_interlude();
    if (interlude.own && cap_type(interlude.own) == CAPK_NULL) {
        obj_free(interlude.own);
        interlude.own = 0;
    }
    cap_delete(interlude.spare);
    CHECK_CLEAN();
    for (unsigned k = 0; k < batches; k++) {
        int leaf = 0;
        CHECK_OK(pecan_untyped_info(m.kids + k, 0, 0, 0, &leaf));
        CHECK_EQ(leaf, 1);
    }
    CHECK_OK(cap_revoke(m.u));   /* the kids go; their slots and the CNode's stay used */
    ut_free(m.u);
    sp804_clear(timer);
    CHECK_OK(pecan_irq_ack(timer->handler));
    return timed;
}

/* Repeats a round until the thread ran inside the call; each miss doubles the call's
 * length (up to 65536 notifications), so a late interrupt still lands inside it. */
static bool interlude_rounds(struct helper *h, struct sp804 *timer,
                             bool (*round)(struct helper *, struct sp804 *, unsigned))
{
    unsigned batches = 2;
    for (unsigned attempt = 0; attempt < INTERLUDE_ATTEMPTS && !ut_failed(); attempt++) {
        if (round(h, timer, batches))
            return true;
        if (batches < INTERLUDE_MAX_BATCHES)
            batches *= 2;
    }
    return false;
}

UTEST(revoke_preempted_by_a_higher_priority_thread)
{
    struct helper h;
    struct sp804 timer;
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0), spare = slot_alloc();
    REQUIRE(n && spare);
    interlude = (struct interlude){ .wake = n, .spare = spare };
    REQUIRE_OK(sp804_open(&timer, INTERLOPER_TIMER_VA, n, 1));
    REQUIRE_OK(helper_create(&h, interloper, 200));
    if (!CHECK(interlude_rounds(&h, &timer, revoke_round)))
        ut_fail(__FILE__, __LINE__, "revoke: the thread never ran inside the interrupted call");
    if (!CHECK(interlude_rounds(&h, &timer, delete_round)))
        ut_fail(__FILE__, __LINE__, "delete: the thread never ran inside the interrupted call");
    sp804_close(&timer);
    helper_destroy(&h);
}

/* THREAD_CONFIGURE replacing a capability space whose last capability is the thread's:
 * the old CNode and everything in it are destroyed inside the call, which is restarted
 * after each stop and still does its job. */
/* One round: a thread whose space holds batches × BATCH notifications gets another space;
 * returns how often the configure call stopped. */
static unsigned long configure_round(unsigned batches)
{
    struct many m;
    pecan_cap_t t = obj_new(PECAN_OBJ_THREAD, 0), u = ut_alloc(12), other = slot_alloc();
    if (!t || !u || !other || !make_many(&m, batches))
        return 0;
    if (!CHECK_OK(pecan_untyped_retype(u, PECAN_OBJ_CNODE, 2, 1, ROOT, other)) ||
        !CHECK_OK(pecan_thread_configure(t, m.cnode, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED,
                                         0, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED)))
        return 0;
    CHECK_OK(cap_delete(m.cnode));
    unsigned long before = kernel_preemptions();
    uint64_t start = now_ns();
    CHECK_OK(pecan_thread_configure(t, other, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED, 0,
                                    PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    unsigned long stops = kernel_preemptions() - before;
    pecan_printf("# configure dropping %u notifications: %lu us, preempted %lu times\n",
                 batches * BATCH, (unsigned long)((now_ns() - start) / 1000), stops);
    CHECK_CLEAN();
    for (unsigned k = 0; k < batches; k++) {
        int leaf = 0;
        CHECK_OK(pecan_untyped_info(m.kids + k, 0, 0, 0, &leaf));
        CHECK_EQ(leaf, 1);
    }
    /* The new space is in place: the thread's copy keeps it alive without the root's. */
    CHECK_OK(cap_delete(other));
    int leaf = 1;
    CHECK_OK(pecan_untyped_info(u, 0, 0, 0, &leaf));
    CHECK_EQ(leaf, 0);
    obj_free(t);
    CHECK_OK(pecan_untyped_info(u, 0, 0, 0, &leaf));
    CHECK_EQ(leaf, 1);
    ut_free(u);
    ut_free(m.u);
    return stops;
}

/* THREAD_CONFIGURE replacing a capability space whose last capability is the thread's:
 * the old CNode and everything in it are destroyed inside the call, which is restarted
 * after each stop and still does its job. */
UTEST(configure_restarts_a_long_delete)
{
    unsigned long stops = 0;
    for (unsigned batches = 4; batches <= 16 && !stops && !ut_failed(); batches *= 2)
        stops = configure_round(batches);
    CHECK(stops > 0);
}
