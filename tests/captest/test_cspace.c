/* SPDX-License-Identifier: MIT */
/*
 * Capability spaces beyond the root's one level: CNodes minted with guards, slots named
 * through two levels with (index, depth), a thread whose capability space has two
 * levels, lookups that terminate in CNodes that contain themselves, and deleting CNodes
 * that hold the last capabilities to each other.
 */
#include "captest.h"

/* Level one: A with 2^8 slots; slot K holds B (2^4 slots) minted with a 12-bit guard of
 * zeros. From A's master (no guard) a B slot j is (K << 16 | j, depth 24); from A minted
 * with an 8-bit guard it is the 32-bit index K << 16 | j. */
#define A_RADIX 8
#define B_RADIX 4
#define K 0x21u
#define B_GUARD_BITS 12
#define TWO_LEVEL(k, j) ((pecan_word_t)(k) << 16 | (j))

struct two_level {
    pecan_cap_t a, b;
};

static bool make_two_level(struct two_level *t)
{
    t->a = obj_new(PECAN_OBJ_CNODE, A_RADIX);
    t->b = obj_new(PECAN_OBJ_CNODE, B_RADIX);
    if (!t->a || !t->b)
        return false;
    return CHECK_OK(pecan_cnode_mint(t->a, K, A_RADIX, ROOT, t->b, ROOT_DEPTH,
                                     PECAN_RIGHTS_ALL, B_GUARD_BITS));
}

UTEST(cspace_two_level_naming)
{
    struct two_level t;
    REQUIRE(make_two_level(&t));
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0), back = slot_alloc();
    REQUIRE(n && back);
    struct pecan_cap_identity id;
    /* Level one names the CNode B itself, with its guard. */
    CHECK_OK(pecan_cnode_identify(t.a, K, A_RADIX, &id));
    CHECK_EQ(id.type, CAPK_CNODE);
    CHECK_EQ(id.size_bits, B_RADIX);
    /* Copy a notification into B slot 3 through both levels. */
    REQUIRE_OK(pecan_cnode_copy(t.a, TWO_LEVEL(K, 3), 24, ROOT, n, ROOT_DEPTH,
                                PECAN_RIGHTS_ALL));
    CHECK_OK(pecan_cnode_identify(t.b, 3, B_RADIX, &id));
    CHECK_EQ(id.type, CAPK_NOTIFICATION);
    CHECK_OK(pecan_cnode_identify(t.a, TWO_LEVEL(K, 3), 24, &id));
    CHECK_EQ(id.type, CAPK_NOTIFICATION);
    /* A wrong guard or depth does not resolve. */
    CHECK_ERR(pecan_cnode_identify(t.a, TWO_LEVEL(K, 0x13), 24, &id), -PECAN_EINVALCAP);
    CHECK_ERR(pecan_cnode_identify(t.a, TWO_LEVEL(K, 3) >> 4, 20, &id), -PECAN_EINVALCAP);
    CHECK_ERR(pecan_cnode_identify(t.a, TWO_LEVEL(K, 3) << 1, 25, &id), -PECAN_EINVALCAP);
    /* A level-one slot that is not a CNode cannot be gone through. */
    CHECK_ERR(pecan_cnode_identify(t.a, TWO_LEVEL(K + 1, 3), 24, &id), -PECAN_EINVALCAP);
    /* The source side resolves two levels too (from a CNode named in the root). */
    REQUIRE_OK(pecan_cnode_copy(ROOT, back, ROOT_DEPTH, t.a, TWO_LEVEL(K, 3), 24,
                                PECAN_RIGHTS_ALL));
    CHECK_OK(pecan_notification_signal(back, 0x40));
    pecan_word_t bits = 0;
    CHECK_OK(pecan_notification_poll(n, &bits));
    CHECK_EQ(bits, 0x40);
    /* Move and delete work at level two. */
    CHECK_OK(pecan_cnode_move(t.a, TWO_LEVEL(K, 9), 24, t.a, TWO_LEVEL(K, 3), 24));
    CHECK_OK(pecan_cnode_identify(t.b, 9, B_RADIX, &id));
    CHECK_EQ(id.type, CAPK_NOTIFICATION);
    CHECK_OK(pecan_cnode_delete(t.a, TWO_LEVEL(K, 9), 24));
    CHECK_OK(pecan_cnode_identify(t.b, 9, B_RADIX, &id));
    CHECK_EQ(id.type, CAPK_NULL);
    CHECK_CLEAN();
    CHECK_OK(cap_delete(back));
}

/* The thread's lookups of 32-bit indices through its two-level space. */
static void two_level_thread(struct helper *h)
{
    h->arg[1] = (pecan_word_t)pecan_notification_signal(TWO_LEVEL(K, 3), 0x100);
    /* Guard mismatch at level two; slots beyond the levels; object-terminated lookup:
     * a non-CNode at level one ends the lookup whatever the low bits say. */
    h->arg[2] = (pecan_word_t)pecan_notification_signal(TWO_LEVEL(K, 0x53), 1);
    h->arg[3] = (pecan_word_t)pecan_notification_signal(TWO_LEVEL(0x40, 0xFFFF), 0x200);
    h->result = pecan_notification_signal(0xFF000000u | TWO_LEVEL(0x40, 0), 1);
}

UTEST(cspace_two_level_thread)
{
    struct two_level t;
    REQUIRE(make_two_level(&t));
    pecan_cap_t n = obj_new(PECAN_OBJ_NOTIFICATION, 0), space = slot_alloc();
    struct helper h;
    REQUIRE(n && space);
    REQUIRE_OK(helper_create(&h, two_level_thread, 200));
    REQUIRE_OK(pecan_cnode_copy(t.a, TWO_LEVEL(K, 3), 24, ROOT, n, ROOT_DEPTH,
                                PECAN_RIGHTS_ALL));
    REQUIRE_OK(pecan_cnode_copy(t.a, 0x40, A_RADIX, ROOT, n, ROOT_DEPTH, PECAN_RIGHTS_ALL));
    REQUIRE_OK(pecan_cnode_copy(t.a, 0x41, A_RADIX, ROOT, h.thread, ROOT_DEPTH, PECAN_RIGHTS_ALL));
    /* Its root: A minted with an 8-bit guard of zeros (8 + 8 + 12 + 4 = 32 bits). */
    REQUIRE_OK(cap_mint(space, t.a, PECAN_RIGHTS_ALL, 8));
    REQUIRE_OK(pecan_thread_configure(h.thread, space, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED,
                                      h.base, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    h.self = TWO_LEVEL(0x41, 0);
    REQUIRE_OK(helper_start(&h));
    CHECK(h.finished);
    CHECK_ERR((int)h.arg[1], 0);
    CHECK_ERR((int)h.arg[2], -PECAN_EINVALCAP);
    CHECK_ERR((int)h.arg[3], 0);
    CHECK_ERR(h.result, -PECAN_EINVALCAP);
    pecan_word_t bits = 0;
    CHECK_OK(pecan_notification_poll(n, &bits));
    CHECK_EQ(bits, 0x300);
    CHECK_CLEAN();
    helper_destroy(&h);
    CHECK_OK(cap_delete(space));
    CHECK_CLEAN();
}

/* A CNode holding a capability to itself: every lookup still ends (each level uses at
 * least one bit), and deleting it (the last capability is inside) is clean. */
UTEST(cspace_cnode_containing_itself)
{
    pecan_cap_t u = ut_alloc(12), c = slot_alloc();
    REQUIRE(u && c);
    REQUIRE_OK(pecan_untyped_retype(u, PECAN_OBJ_CNODE, 2, 1, ROOT, c));
    REQUIRE_OK(pecan_cnode_copy(c, 0, 2, ROOT, c, ROOT_DEPTH, PECAN_RIGHTS_ALL));
    struct pecan_cap_identity id;
    CHECK_OK(pecan_cnode_identify(c, 0, 32, &id));     /* 16 levels through slot 0 */
    CHECK_EQ(id.type, CAPK_CNODE);
    CHECK_OK(pecan_cnode_identify(c, 1, 32, &id));
    CHECK_EQ(id.type, CAPK_NULL);
    CHECK_ERR(pecan_cnode_identify(c, 4, 32, &id), -PECAN_EINVALCAP);   /* slot 1 at level 15 */
    CHECK_OK(pecan_cnode_copy(c, 1, 2, ROOT, PECAN_ROOT_LOG, ROOT_DEPTH, PECAN_RIGHTS_ALL));
    CHECK_CLEAN();
    /* Drop the root's capability: only the one inside keeps the CNode alive. */
    CHECK_OK(cap_delete(c));
    int leaf = 1;
    CHECK_OK(pecan_untyped_info(u, 0, 0, 0, &leaf));
    CHECK_EQ(leaf, 0);
    CHECK_CLEAN();
    /* Revoking the untyped deletes it from inside itself (a zombie met in its own
     * container), with the kernel log copy it held. */
    CHECK_OK(cap_revoke(u));
    CHECK_OK(pecan_untyped_info(u, 0, 0, 0, &leaf));
    CHECK_EQ(leaf, 1);
    CHECK_OK(cap_identify(PECAN_ROOT_LOG, &id));
    CHECK_EQ(id.type, CAPK_LOG);
    CHECK_CLEAN();
    ut_free(u);
}

/* Two CNodes holding the last capabilities to each other, plus a thread object in one of them
 * that holds the other as its capability space: deleting runs a zombie chain three deep. */
UTEST(cspace_cnode_cycle_delete)
{
    pecan_cap_t uc = ut_alloc(12), ud = ut_alloc(12), ut = ut_alloc(12);
    pecan_cap_t c = slot_alloc(), d = slot_alloc(), t = slot_alloc();
    REQUIRE(uc && ud && ut && c && d && t);
    REQUIRE_OK(pecan_untyped_retype(uc, PECAN_OBJ_CNODE, 2, 1, ROOT, c));
    REQUIRE_OK(pecan_untyped_retype(ud, PECAN_OBJ_CNODE, 2, 1, ROOT, d));
    REQUIRE_OK(pecan_untyped_retype(ut, PECAN_OBJ_THREAD, 0, 1, ROOT, t));
    REQUIRE_OK(pecan_cnode_copy(c, 1, 2, ROOT, d, ROOT_DEPTH, PECAN_RIGHTS_ALL));
    REQUIRE_OK(pecan_cnode_copy(d, 1, 2, ROOT, c, ROOT_DEPTH, PECAN_RIGHTS_ALL));
    REQUIRE_OK(pecan_thread_configure(t, c, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED, 0,
                                      PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    REQUIRE_OK(pecan_cnode_move(d, 2, 2, ROOT, t, ROOT_DEPTH));
    CHECK_OK(cap_delete(c));
    CHECK_OK(cap_delete(d));
    CHECK_CLEAN();
    int leaf = 1;
    CHECK_OK(cap_revoke(ud));
    CHECK_CLEAN();
    const pecan_cap_t untyped[] = { uc, ud, ut };
    for (unsigned i = 0; i < 3; i++) {
        CHECK_OK(pecan_untyped_info(untyped[i], 0, 0, 0, &leaf));
        if (!CHECK_EQ(leaf, 1))
            ut_fail(__FILE__, __LINE__, "  untyped %u still has children",
                    (unsigned)untyped[i]);
    }
    CHECK_CLEAN();
}

/* A thread whose capability space is a CNode holding itself: a 32-bit index goes round
 * sixteen times (two bits a level) and ends; a non-CNode ends the lookup early. */
static void loop_space_thread(struct helper *h)
{
    h->arg[1] = (pecan_word_t)pecan_notification_signal(0x40000000u, 0x1);   /* slot 1 */
    h->arg[2] = (pecan_word_t)pecan_notification_signal(0x00000001u, 0x2);   /* 15 × slot 0 */
    h->result = pecan_notification_signal(0x00000003u, 0x4);   /* ends in empty slot 3 */
}

UTEST(cspace_thread_in_a_looping_space)
{
    pecan_cap_t c = obj_new(PECAN_OBJ_CNODE, 2), n = obj_new(PECAN_OBJ_NOTIFICATION, 0);
    struct helper h;
    REQUIRE(c && n);
    REQUIRE_OK(helper_create(&h, loop_space_thread, 200));
    REQUIRE_OK(pecan_cnode_copy(c, 0, 2, ROOT, c, ROOT_DEPTH, PECAN_RIGHTS_ALL));
    REQUIRE_OK(pecan_cnode_copy(c, 1, 2, ROOT, n, ROOT_DEPTH, PECAN_RIGHTS_ALL));
    REQUIRE_OK(pecan_cnode_copy(c, 2, 2, ROOT, h.thread, ROOT_DEPTH, PECAN_RIGHTS_ALL));
    REQUIRE_OK(pecan_thread_configure(h.thread, c, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED,
                                      h.base, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    h.self = 0x80000000u;   /* slot 2 at the first level */
    REQUIRE_OK(helper_start(&h));
    CHECK(h.finished);
    CHECK_OK((int)h.arg[1]);
    CHECK_OK((int)h.arg[2]);
    CHECK_ERR(h.result, -PECAN_EINVALCAP);
    pecan_word_t bits = 0;
    CHECK_OK(pecan_notification_poll(n, &bits));
    CHECK_EQ(bits, 0x3);
    CHECK_CLEAN();
    helper_destroy(&h);
}
