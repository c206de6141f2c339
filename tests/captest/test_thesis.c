/* SPDX-License-Identifier: MIT */
/*
 * The memory-model thesis's properties as tests (shared/docs/sel4-memory-model.md, 3.5),
 * authority part (test_reuse.c has the reuse part):
 *   1. a thread whose capability space holds no untyped cannot make the kernel allocate:
 *      it tries every protocol and opcode on everything it holds, and no untyped anywhere
 *      gains a child, and no new object appears in its space;
 *   2. what a thread can make is bounded by its untyped: past it, ENOMEM.
 */
#include "captest.h"

#define R_ALL PECAN_RIGHTS_ALL

/* --- 1. No untyped, no allocation ------------------------------------------------- */

#define NU_RADIX 5
enum {
    NU_NOTIFICATION = 1, NU_GATE, NU_SELF, NU_FRAME, NU_PAGE_TABLE, NU_THREAD, NU_VSPACE,
    NU_IRQ_HANDLER, NU_IRQ_CONTROL, NU_CNODE, NU_EXIT_THREAD, NU_FIRST_FREE,
};
#define NU_SLOTS (1u << NU_RADIX)
#define NU_CALLS 24000

static const int protocols[] = {
    PECAN_PROTO_IRQ, PECAN_PROTO_THREAD, PECAN_PROTO_NOTIFICATION, PECAN_PROTO_UNTYPED,
    PECAN_PROTO_CNODE, PECAN_PROTO_VSPACE, PECAN_PROTO_PAGE_TABLE, PECAN_PROTO_FRAME,
    PECAN_PROTO_IRQ_CONTROL, PECAN_PROTO_LOG, PECAN_PROTO_GATE, PECAN_PROTO_SCHEDULER,
};
#define PROTOCOL_COUNT (sizeof(protocols) / sizeof(protocols[0]))

/* Argument words worth trying: slot numbers, depths, rights, types, sizes, addresses. */
static const pecan_word_t interesting[] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 20, 31, 32, 33, 40, 0xF, 0x1F,
    NU_RADIX, 12, 14, 16, 20, 0x00400000u, 0x10000000u, 0x50000000u, 0xBF000000u,
    0xFFFFFFFFu, 32 - NU_RADIX,
};
#define INTERESTING_COUNT (sizeof(interesting) / sizeof(interesting[0]))

/* Calls that would block or start the dummy thread (which would only fault) are left
 * out; everything else is fair game. */
static bool skipped(int protocol, pecan_word_t op)
{
    return (protocol == PECAN_PROTO_NOTIFICATION && op == PECAN_NOTIFICATION_WAIT) ||
           (protocol == PECAN_PROTO_THREAD && op == PECAN_THREAD_RESUME);
}

/* A call that never blocks: a gate with nobody waiting fails at once (zero timeout). */
static void try_call(pecan_cap_t cap, int protocol, unsigned words, pecan_word_t *w)
{
    if (skipped(protocol, w[0]))
        return;
    struct pecan_message msg = { .tag = pecan_tag(protocol, words, 0) };
    for (unsigned i = 0; i < words; i++)
        msg.word[i] = w[i];
    pecan_invoke(cap, PECAN_OP_CALL | PECAN_TIMEOUT_ZERO << PECAN_TIMEOUT_SHIFT, &msg);
}

static void no_untyped_worker(struct helper *h)
{
    uint32_t seed = 0x1234567u;
    pecan_word_t w[8];
    /* Every capability, protocol and opcode with a few argument patterns... */
    for (pecan_cap_t cap = 0; cap < NU_SLOTS; cap++) {
        if (cap == NU_EXIT_THREAD)
            continue;
        for (unsigned p = 0; p < PROTOCOL_COUNT; p++) {
            for (pecan_word_t op = 0; op < 8; op++) {
                for (unsigned pattern = 0; pattern < 3; pattern++) {
                    w[0] = p == 9 && op >= 2 ? 98 + op : op;   /* LOG: the debug ops */
                    for (unsigned i = 1; i < 8; i++)
                        w[i] = interesting[xorshift32(&seed) % INTERESTING_COUNT];
                    try_call(cap, protocols[p], 1 + pattern * 3, w);
                    h->counter++;
                }
            }
        }
    }
    /* ...then random ones. */
    for (unsigned n = 0; n < NU_CALLS; n++) {
        pecan_cap_t cap = xorshift32(&seed) % (NU_SLOTS + 2);
        if (cap == NU_EXIT_THREAD)
            continue;
        int protocol = protocols[xorshift32(&seed) % PROTOCOL_COUNT];
        w[0] = xorshift32(&seed) % 8;
        for (unsigned i = 1; i < 8; i++)
            w[i] = interesting[xorshift32(&seed) % INTERESTING_COUNT];
        try_call(cap, protocol, 1 + xorshift32(&seed) % 8, w);
        h->counter++;
    }
}

/* What the space holds, as (type, physical address) per slot. */
struct space_view {
    unsigned type[NU_SLOTS];
    pecan_word_t phys[NU_SLOTS];
};

static void view_space(pecan_cap_t cnode, struct space_view *v)
{
    for (unsigned i = 0; i < NU_SLOTS; i++) {
        struct pecan_cap_identity id = { 0 };
        pecan_cnode_identify(cnode, i, NU_RADIX, &id);
        v->type[i] = id.type;
        v->phys[i] = id.phys;
    }
}

static bool object_known(const struct space_view *before, unsigned type, pecan_word_t phys)
{
    if (type == CAPK_NULL || type == CAPK_IRQ_HANDLER)
        return true;   /* handlers live in a fixed kernel table, not in memory */
    for (unsigned i = 0; i < NU_SLOTS; i++) {
        if (before->type[i] == type && before->phys[i] == phys)
            return true;
    }
    return false;
}

static int fill_no_untyped_space(pecan_cap_t c, pecan_cap_t self_thread)
{
    static const unsigned objects[][3] = {
        { NU_NOTIFICATION, PECAN_OBJ_NOTIFICATION, 0 }, { NU_GATE, PECAN_OBJ_GATE, 0 },
        { NU_FRAME, PECAN_OBJ_FRAME, 12 }, { NU_PAGE_TABLE, PECAN_OBJ_PAGE_TABLE, 0 },
        { NU_THREAD, PECAN_OBJ_THREAD, 0 }, { NU_VSPACE, PECAN_OBJ_VSPACE, 0 },
        { NU_CNODE, PECAN_OBJ_CNODE, 2 },
    };
    int err = 0;
    for (unsigned i = 0; i < sizeof(objects) / sizeof(objects[0]) && !err; i++) {
        unsigned bits = obj_size_bits(objects[i][1], objects[i][2]);
        pecan_cap_t u = ut_alloc(bits < 12 ? 12 : bits);
        err = u ? pecan_untyped_retype(u, objects[i][1], objects[i][2], 1, c, objects[i][0])
                : -PECAN_ENOMEM;
    }
    if (!err)
        err = pecan_cnode_mint(c, NU_SELF, NU_RADIX, ROOT, c, ROOT_DEPTH, R_ALL, 32 - NU_RADIX);
    if (!err)
        err = pecan_irq_control_get(PECAN_ROOT_IRQ_CONTROL, 45, c, NU_IRQ_HANDLER);
    if (!err)
        err = pecan_cnode_copy(c, NU_IRQ_CONTROL, NU_RADIX, ROOT, PECAN_ROOT_IRQ_CONTROL,
                               ROOT_DEPTH, R_ALL);
    if (!err)
        err = pecan_cnode_copy(c, NU_EXIT_THREAD, NU_RADIX, ROOT, self_thread, ROOT_DEPTH, R_ALL);
    return err;
}

UTEST(thesis_no_untyped_no_allocation)
{
    pecan_cap_t c = obj_new(PECAN_OBJ_CNODE, NU_RADIX), space = slot_alloc();
    struct helper h;
    REQUIRE(c && space);
    REQUIRE_OK(helper_create(&h, no_untyped_worker, 128));
    REQUIRE_OK(fill_no_untyped_space(c, h.thread));
    REQUIRE_OK(cap_mint_cspace(space, c, NU_RADIX));
    REQUIRE_OK(pecan_thread_configure(h.thread, space, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED,
                                      h.base, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    h.self = NU_EXIT_THREAD;
    static uint8_t leaf_before[512], leaf_after[512];
    static struct space_view before, after;
    unsigned count = untyped_leaf_snapshot(leaf_before, sizeof(leaf_before));
    view_space(c, &before);
    CHECK_CLEAN();
    /* Same priority as the root: round robin, and the root can stop it if it hangs. */
    REQUIRE_OK(helper_start(&h));
    uint64_t deadline = now_ns() + 20000000000ull;
    while (!h.finished && now_ns() < deadline)
        spin_us(2000);
    CHECK(h.finished);
    CHECK_OK(pecan_thread_suspend(h.thread));
    pecan_printf("# no-untyped thread made %u calls\n", (unsigned)h.counter);
    CHECK_CLEAN();
    CHECK_EQ(untyped_leaf_snapshot(leaf_after, sizeof(leaf_after)), count);
    for (unsigned i = 0; i < count; i++) {
        if (!CHECK_EQ(leaf_after[i], leaf_before[i]))
            break;
    }
    view_space(c, &after);
    for (unsigned i = 0; i < NU_SLOTS; i++) {
        if (!object_known(&before, after.type[i], after.phys[i]))
            ut_fail(__FILE__, __LINE__, "slot %u holds a new object: type %u at %08lx", i,
                    after.type[i], (unsigned long)after.phys[i]);
    }
    helper_destroy(&h);
    CHECK_OK(cap_delete(space));
}

/* --- 2. The untyped bounds what a thread can make ------------------------------------ */

/* The thread's space is one CNode of 2^10 slots (index n names slot n): slot 1 holds its
 * only untyped, slot 2 the CNode itself (the destination of its retypes), slot 3 its thread
 * object. Children of the untyped go to slots 0x100-0x107, objects from 0x108 on. */
enum { MB_UNTYPED = 1, MB_DEST = 2, MB_SELF_THREAD = 3, MB_CHILDREN = 0x100 };
#define MB_UNTYPED_BITS 15
#define MB_RADIX 10

struct bound_step {
    unsigned type, size_bits, too_many, fits;
};
/* What each 4 KiB child is asked for: first too much (ENOMEM), then exactly a fill. */
static const struct bound_step bound_steps[8] = {
    { PECAN_OBJ_NOTIFICATION, 0, 129, 128 }, { PECAN_OBJ_THREAD, 0, 5, 4 },
    { PECAN_OBJ_CNODE, 7, 2, 1 }, { PECAN_OBJ_FRAME, 12, 2, 1 },
    { PECAN_OBJ_PAGE_TABLE, 0, 2, 1 }, { PECAN_OBJ_GATE, 0, 129, 128 },
    { PECAN_OBJ_UNTYPED, 12, 2, 1 }, { PECAN_OBJ_FRAME, 16, 1, 0 },
};

static void bound_worker(struct helper *h)
{
    int bad = 0;
    bad |= pecan_untyped_retype(MB_UNTYPED, PECAN_OBJ_UNTYPED, 12, 9, MB_DEST, MB_CHILDREN) !=
           -PECAN_ENOMEM;
    bad |= pecan_untyped_retype(MB_UNTYPED, PECAN_OBJ_VSPACE, 0, 3, MB_DEST, MB_CHILDREN) !=
           -PECAN_ENOMEM;
    bad |= pecan_untyped_retype(MB_UNTYPED, PECAN_OBJ_UNTYPED, 16, 1, MB_DEST, MB_CHILDREN) !=
           -PECAN_ENOMEM;
    bad |= pecan_untyped_retype(MB_UNTYPED, PECAN_OBJ_UNTYPED, 12, 8, MB_DEST, MB_CHILDREN) != 0;
    bad |= pecan_untyped_retype(MB_UNTYPED, PECAN_OBJ_UNTYPED, 12, 1, MB_DEST, 0x200) !=
           -PECAN_ENOTLEAF;
    h->arg[1] = (pecan_word_t)bad;
    pecan_word_t next = MB_CHILDREN + 8;
    for (unsigned k = 0; k < 8; k++) {
        const struct bound_step *s = &bound_steps[k];
        pecan_cap_t child = MB_CHILDREN + k;
        int e1 = pecan_untyped_retype(child, s->type, s->size_bits, s->too_many, MB_DEST, next);
        int e2 = s->fits ? pecan_untyped_retype(child, s->type, s->size_bits, s->fits, MB_DEST,
                                                next) : 0;
        if (e1 != -PECAN_ENOMEM || e2 != 0)
            h->arg[2] |= 1u << k;
        next += s->fits;
    }
    h->arg[3] = next;
}

static unsigned object_bits(const struct pecan_cap_identity *id)
{
    switch (id->type) {
    case CAPK_CNODE: return id->size_bits + 5;
    case CAPK_THREAD: return 10;
    case CAPK_NOTIFICATION:
    case CAPK_GATE: return 5;
    case CAPK_PAGE_TABLE: return 12;
    default: return id->size_bits;   /* untyped, frames */
    }
}

UTEST(thesis_memory_bounded_by_untyped)
{
    pecan_cap_t c = obj_new(PECAN_OBJ_CNODE, MB_RADIX), space = slot_alloc();
    pecan_cap_t u = ut_alloc(MB_UNTYPED_BITS);
    struct helper h;
    REQUIRE(c && space && u);
    REQUIRE_OK(helper_create(&h, bound_worker, 200));
    pecan_word_t base = ut_paddr(u);
    REQUIRE_OK(pecan_cnode_move(c, MB_UNTYPED, MB_RADIX, ROOT, u, ROOT_DEPTH));
    REQUIRE_OK(pecan_cnode_mint(c, MB_DEST, MB_RADIX, ROOT, c, ROOT_DEPTH, R_ALL,
                                32 - MB_RADIX));
    REQUIRE_OK(pecan_cnode_copy(c, MB_SELF_THREAD, MB_RADIX, ROOT, h.thread, ROOT_DEPTH, R_ALL));
    REQUIRE_OK(cap_mint_cspace(space, c, MB_RADIX));
    REQUIRE_OK(pecan_thread_configure(h.thread, space, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED,
                                      h.base, PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED));
    h.self = MB_SELF_THREAD;
    REQUIRE_OK(helper_start(&h));
    CHECK(h.finished);
    CHECK_EQ(h.arg[1], 0);
    CHECK_EQ(h.arg[2], 0);
    CHECK_CLEAN();
    /* Everything it made lies inside its untyped and adds up to at most its size. */
    unsigned long total = 0;
    unsigned objects = 0;
    for (pecan_word_t i = MB_CHILDREN; i < h.arg[3]; i++) {
        struct pecan_cap_identity id = { 0 };
        CHECK_OK(pecan_cnode_identify(c, i, MB_RADIX, &id));
        if (id.type == CAPK_NULL)
            continue;
        unsigned long size = 1ul << object_bits(&id);
        if (id.phys < base || id.phys + size > base + (1ul << MB_UNTYPED_BITS))
            ut_fail(__FILE__, __LINE__, "object type %u at %08lx is outside the untyped",
                    id.type, (unsigned long)id.phys);
        if (id.type != CAPK_UNTYPED)
            total += size;
        objects++;
    }
    pecan_printf("# bounded thread made %u objects, %lu bytes, from %u bytes of untyped\n",
                 objects, total, 1u << MB_UNTYPED_BITS);
    CHECK(total <= (1ul << MB_UNTYPED_BITS));
    CHECK(objects > 250);
    /* Give the untyped back to its pool slot so the case can free it. */
    REQUIRE_OK(pecan_cnode_move(ROOT, u, ROOT_DEPTH, c, MB_UNTYPED, MB_RADIX));
    helper_destroy(&h);
    CHECK_OK(cap_delete(space));
}
