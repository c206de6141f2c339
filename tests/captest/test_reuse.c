/* SPDX-License-Identifier: MIT */
/*
 * The memory-model thesis's properties as tests (shared/docs/sel4-memory-model.md, 3.5),
 * reuse part (test_thesis.c has the authority part):
 *   3. revoking an untyped removes every object made from it and every kernel reference
 *      to them, and the whole region can be retyped again;
 *   4. 10,000 retype/use/revoke cycles over every object type leave the kernel as it was.
 */
#include "captest.h"

#define R_ALL PECAN_RIGHTS_ALL

/* --- 3. Revoke gives the whole region back ------------------------------------------ */

#define RV_BITS 21
#define RV_HOLDER_RADIX 12
#define RV_PT_VA 0x56000000u

/* Where each kind of object lands in the holder CNode. */
enum {
    RV_NOTIFICATIONS = 0, RV_THREADS = 1024, RV_VSPACES = 1280, RV_PAGE_TABLES = 1296,
    RV_FRAMES = 1360, RV_UNTYPED = 1364, RV_GATES = 1428, RV_LOG = 4000,
    RV_SELF = 4001,
};

struct region {
    pecan_cap_t u, kids, holder;
    pecan_cap_t thread, page_table, stack, notification;   /* moved to root slots */
    pecan_cap_t irq, pooled, mapped;
};

/* 8 children of 256 KiB: the holder CNode, and objects of every type into it. */
static bool fill_region(struct region *r)
{
    static const unsigned fills[8][4] = {
        { PECAN_OBJ_CNODE, RV_HOLDER_RADIX, 1, 0 },
        { PECAN_OBJ_NOTIFICATION, 0, 1024, RV_NOTIFICATIONS },
        { PECAN_OBJ_THREAD, 0, 256, RV_THREADS }, { PECAN_OBJ_VSPACE, 0, 16, RV_VSPACES },
        { PECAN_OBJ_PAGE_TABLE, 0, 64, RV_PAGE_TABLES }, { PECAN_OBJ_FRAME, 16, 4, RV_FRAMES },
        { PECAN_OBJ_UNTYPED, 12, 64, RV_UNTYPED }, { PECAN_OBJ_GATE, 0, 2048, RV_GATES },
    };
    if (!CHECK_OK(pecan_untyped_retype(r->u, PECAN_OBJ_UNTYPED, 18, 8, ROOT, r->kids)) ||
        !CHECK_OK(pecan_untyped_retype(r->kids, PECAN_OBJ_CNODE, RV_HOLDER_RADIX, 1, ROOT,
                                       r->holder)))
        return false;
    for (unsigned k = 1; k < 8; k++) {
        if (!CHECK_OK(pecan_untyped_retype(r->kids + k, fills[k][0], fills[k][1], fills[k][2],
                                           r->holder, fills[k][3])))
            return false;
    }
    return true;
}

static int take(const struct region *r, pecan_cap_t dest, pecan_word_t index)
{
    return pecan_cnode_move(ROOT, dest, ROOT_DEPTH, r->holder, index, RV_HOLDER_RADIX);
}

static void block_on(struct helper *h)
{
    pecan_word_t bits;
    h->result = pecan_notification_wait(h->arg[0], &bits);
}

/* A thread (thread object from the region) in the root's address space, its stack a frame from
 * the region under a page table from the region installed there; it blocks on a notification
 * from the region. */
static int tie_blocked_thread(struct region *r)
{
    static struct helper h;
    int err = take(r, r->thread, RV_THREADS);
    if (!err)
        err = take(r, r->page_table, RV_PAGE_TABLES);
    if (!err)
        err = take(r, r->stack, RV_FRAMES);
    if (!err)
        err = take(r, r->notification, RV_NOTIFICATIONS);
    if (!err)
        err = pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, r->page_table, RV_PT_VA);
    if (!err)
        err = pecan_vspace_map_frame(PECAN_ROOT_VSPACE, r->stack, RV_PT_VA,
                                     PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
    h = (struct helper){ .thread = r->thread, .self = r->thread, .base = RV_PT_VA };
    h.arg[0] = r->notification;
    if (!err)
        err = pecan_thread_configure(r->thread, ROOT, PECAN_ROOT_VSPACE, r->stack, RV_PT_VA,
                                     PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED);
    if (!err)
        err = pecan_thread_set_priority(r->thread, 200);
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT] = { (pecan_word_t)(uintptr_t)&h };
    regs[13] = RV_PT_VA + 0x10000;
    regs[15] = (pecan_word_t)(uintptr_t)block_on;
    regs[16] = 0x10;
    if (!err)
        err = pecan_thread_write_registers(r->thread, regs);
    return err ? err : pecan_thread_resume(r->thread);   /* blocks at once */
}

/* An IRQ bound to a notification of the region; an address space of the region with a
 * pooled page table and a frame mapped; the holder holds the root's kernel log and itself. */
static int tie_the_rest(struct region *r)
{
    pecan_cap_t tmp = slot_alloc();
    int err = pecan_irq_control_get(PECAN_ROOT_IRQ_CONTROL, 46, ROOT, r->irq);
    if (!err)
        err = pecan_cnode_copy(ROOT, tmp, 32, r->holder, RV_NOTIFICATIONS + 1, RV_HOLDER_RADIX,
                               R_ALL);
    if (!err)
        err = pecan_irq_bind(r->irq, tmp, 1);
    CHECK_OK(cap_delete(tmp));
    if (!err)
        err = pecan_cnode_copy(ROOT, tmp, 32, r->holder, RV_VSPACES, RV_HOLDER_RADIX, R_ALL);
    if (!err)
        err = pecan_cnode_copy(ROOT, r->mapped, 32, r->holder, RV_FRAMES + 1, RV_HOLDER_RADIX,
                               R_ALL);
    if (!err)
        err = take(r, r->pooled, RV_PAGE_TABLES + 1);
    if (!err)
        err = pecan_vspace_donate_page_table(tmp, r->pooled);
    if (!err)
        err = pecan_vspace_map_frame(tmp, r->mapped, 0x00400000u, PECAN_MAP_READ, 0);
    CHECK_OK(cap_delete(tmp));
    if (!err)
        err = pecan_cnode_copy(r->holder, RV_LOG, RV_HOLDER_RADIX, ROOT, PECAN_ROOT_LOG,
                               32, R_ALL);
    if (!err)
        err = pecan_cnode_mint(r->holder, RV_SELF, RV_HOLDER_RADIX, ROOT, r->holder, 32, R_ALL,
                               32 - RV_HOLDER_RADIX);
    return err;
}

/* After the revoke: no capability, thread, binding or page table of the region is left. */
static void check_region_gone(const struct region *r, unsigned installed_before)
{
    int leaf = 0;
    CHECK_OK(pecan_untyped_info(r->u, 0, 0, 0, &leaf));
    CHECK_EQ(leaf, 1);
    for (pecan_cap_t s = r->kids; s < r->kids + 8; s++)
        CHECK_EQ(cap_type(s), CAPK_NULL);
    const pecan_cap_t moved[] = { r->holder, r->thread, r->page_table, r->stack,
                                  r->notification, r->pooled, r->mapped };
    for (unsigned i = 0; i < sizeof(moved) / sizeof(moved[0]); i++)
        CHECK_EQ(cap_type(moved[i]), CAPK_NULL);
    CHECK_ERR(pecan_irq_ack(r->irq), -PECAN_ENOENT);
    unsigned installed_after = 0;
    CHECK_OK(pecan_vspace_info(PECAN_ROOT_VSPACE, 0, 0, &installed_after));
    CHECK_EQ(installed_after, installed_before);
    CHECK_EQ(cap_type(PECAN_ROOT_LOG), CAPK_LOG);
}

/* Fills the region with objects of every type and ties them into the kernel, revokes it,
 * and retypes the whole region again. */
UTEST(thesis_revoke_returns_the_whole_region)
{
    struct region r = {
        .u = ut_alloc(RV_BITS), .kids = slots_alloc(8), .holder = slot_alloc(),
        .thread = slot_alloc(), .page_table = slot_alloc(), .stack = slot_alloc(),
        .notification = slot_alloc(), .irq = slot_alloc(), .pooled = slot_alloc(),
        .mapped = slot_alloc(),
    };
    REQUIRE(r.u && r.mapped);
    unsigned installed_before = 0;
    CHECK_OK(pecan_vspace_info(PECAN_ROOT_VSPACE, 0, 0, &installed_before));
    REQUIRE(fill_region(&r));
    REQUIRE_OK(tie_blocked_thread(&r));
    REQUIRE_OK(tie_the_rest(&r));
    CHECK_CLEAN();
    /* Revoke: every object goes, and nothing in the kernel points into the region. */
    CHECK_OK(cap_revoke(r.u));
    CHECK_CLEAN();
    check_region_gone(&r, installed_before);
    /* The whole region retypes again, as one object or as many. */
    pecan_cap_t all = slots_alloc(512);
    REQUIRE(all);
    CHECK_OK(pecan_untyped_retype(r.u, PECAN_OBJ_UNTYPED, RV_BITS, 1, ROOT, all));
    CHECK_OK(cap_revoke(r.u));
    CHECK_OK(pecan_untyped_retype(r.u, PECAN_OBJ_FRAME, 12, 512, ROOT, all));
    CHECK_OK(cap_revoke(r.u));
    CHECK_OK(pecan_untyped_retype(r.u, PECAN_OBJ_CNODE, 16, 1, ROOT, all));
    CHECK_CLEAN();
    CHECK_OK(cap_delete(r.irq));
    ut_free(r.u);
    CHECK_CLEAN();
}

/* --- 4. 10,000 retype/use/revoke cycles --------------------------------------------- */

#define CYCLES 10000
#define CY_BITS 20
#define CY_KINDS 12

struct cycle_env {
    pecan_cap_t u, dest, vspace, pt, frame, frame2, irq, scratch;
};

static int use_notifications(const struct cycle_env *e, unsigned i)
{
    unsigned count = 1 + i % 64;
    int err = pecan_untyped_retype(e->u, PECAN_OBJ_NOTIFICATION, 0, count, ROOT, e->dest);
    pecan_word_t bits = 0;
    if (!err)
        err = pecan_notification_signal(e->dest + count - 1, 1u << (i % 32));
    if (!err)
        err = pecan_notification_poll(e->dest + count - 1, &bits);
    if (!err && bits != 1u << (i % 32))
        err = -PECAN_EINVAL;
    if (!err && (i & 1))
        err = pecan_irq_bind(e->irq, e->dest, 2);   /* unbound again by the revoke */
    return err;
}

static int use_gates(const struct cycle_env *e, unsigned i)
{
    int err = pecan_untyped_retype(e->u, PECAN_OBJ_GATE, 0, 3, ROOT, e->dest);
    if (!err)
        err = cap_mint(e->dest + 3, e->dest + 1, R_ALL, i + 1);
    struct pecan_cap_identity id;
    if (!err)
        err = cap_identify(e->dest + 3, &id);
    return err ? err : id.badge == i + 1 ? 0 : -PECAN_EINVAL;
}

static int use_threads(const struct cycle_env *e, unsigned i)
{
    pecan_word_t regs[PECAN_THREAD_REGISTER_COUNT] = { i };
    int err = pecan_untyped_retype(e->u, PECAN_OBJ_THREAD, 0, 2, ROOT, e->dest);
    if (!err)
        err = pecan_thread_set_priority(e->dest, i % 256);
    if (!err)
        err = pecan_thread_write_registers(e->dest + 1, regs);
    if (!err)
        err = pecan_thread_configure(e->dest, ROOT, e->vspace, e->frame, 0x00100000u,
                                     PECAN_CAP_UNCHANGED, PECAN_CAP_UNCHANGED);
    return err ? err : pecan_thread_read_registers(e->dest + 1, regs);
}

static int use_cnode(const struct cycle_env *e, unsigned i)
{
    int err = pecan_untyped_retype(e->u, PECAN_OBJ_CNODE, 1 + i % 10, 1, ROOT, e->dest);
    if (!err)
        err = pecan_cnode_copy(e->dest, 1, 1 + i % 10, ROOT, PECAN_ROOT_LOG, 32, R_ALL);
    if (!err)
        err = pecan_cnode_mint(e->dest, 0, 1 + i % 10, ROOT, e->dest, 32, R_ALL, 0);
    return err;
}

static int use_vspace(const struct cycle_env *e, unsigned i)
{
    unsigned asid = 0;
    int err = pecan_untyped_retype(e->u, PECAN_OBJ_VSPACE, 0, 2, ROOT, e->dest);
    if (!err)
        err = pecan_vspace_info(e->dest, &asid, 0, 0);
    if (!err)
        err = pecan_vspace_map_frame(e->dest + 1, e->frame2, 0x00700000u + (i % 4) * 0x100000u,
                                     PECAN_MAP_READ, 0) == -PECAN_ENOPAGETABLE ? 0 : -PECAN_EINVAL;
    return err ? err : asid ? 0 : -PECAN_EINVAL;
}

static int use_page_table(const struct cycle_env *e, unsigned i)
{
    int err = pecan_untyped_retype(e->u, PECAN_OBJ_PAGE_TABLE, 0, 2, ROOT, e->dest);
    if (!err)
        err = pecan_vspace_map_page_table(e->vspace, e->dest, 0x00300000u);
    if (!err)
        err = pecan_vspace_map_frame(e->vspace, e->frame2, 0x00300000u + (i % 256) * 4096,
                                     PECAN_MAP_READ, 0);
    if (!err)
        err = pecan_vspace_donate_page_table(e->vspace, e->dest + 1);
    return err;
}

static int use_frames(const struct cycle_env *e, unsigned i, unsigned bits)
{
    static const pecan_word_t where[3] = { 0x00100000u, 0x00110000u, 0x00200000u };
    unsigned k = bits == 12 ? 0 : bits == 16 ? 1 : 2;
    unsigned count = bits == 20 ? 1 : 1 + i % 8;
    int err = pecan_untyped_retype(e->u, PECAN_OBJ_FRAME, bits, count, ROOT, e->dest);
    pecan_word_t phys = 0;
    if (!err)
        err = pecan_vspace_map_frame(e->vspace, e->dest, where[k], PECAN_MAP_READ | PECAN_MAP_WRITE, 0);
    if (!err)
        err = pecan_frame_info(e->dest, &phys, 0, 0);
    return err ? err : phys == ut_paddr(e->u) ? 0 : -PECAN_EINVAL;
}

static int use_untyped(const struct cycle_env *e, unsigned i)
{
    unsigned bits = 12 + i % 8;
    int err = pecan_untyped_retype(e->u, PECAN_OBJ_UNTYPED, bits, 2, ROOT, e->dest);
    if (!err)
        err = pecan_untyped_retype(e->dest + 1, PECAN_OBJ_NOTIFICATION, 0, 4, ROOT, e->dest + 2);
    if (!err)
        err = pecan_untyped_retype(e->dest, PECAN_OBJ_UNTYPED, 12, 1, ROOT, e->dest + 6);
    return err;
}

static int cycle_use(const struct cycle_env *e, unsigned i)
{
    switch (i % CY_KINDS) {
    case 0: return use_notifications(e, i);
    case 1: return use_gates(e, i);
    case 2: return use_threads(e, i);
    case 3: return use_cnode(e, i);
    case 4: return use_vspace(e, i);
    case 5: return use_page_table(e, i);
    case 6: return use_frames(e, i, 12);
    case 7: return use_frames(e, i, 16);
    case 8: return use_frames(e, i, 20);
    case 9: return use_untyped(e, i);
    case 10: return use_notifications(e, i + 1);
    default: return use_threads(e, i + 1);
    }
}

static bool make_cycle_env(struct cycle_env *e)
{
    e->u = ut_alloc(CY_BITS);
    e->dest = slots_alloc(80);
    e->vspace = obj_new(PECAN_OBJ_VSPACE, 0);
    e->pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    e->frame = obj_new(PECAN_OBJ_FRAME, 12);
    e->frame2 = obj_new(PECAN_OBJ_FRAME, 12);
    e->irq = slot_alloc();
    if (!e->u || !e->dest || !e->vspace || !e->pt || !e->frame || !e->frame2 || !e->irq)
        return false;
    return CHECK_OK(pecan_vspace_map_page_table(e->vspace, e->pt, 0x00100000u)) &&
           CHECK_OK(pecan_irq_control_get(PECAN_ROOT_IRQ_CONTROL, 47, ROOT, e->irq));
}

/* How many hardware ASIDs are free: make address spaces one by one until ENOASID. */
static unsigned free_asids(void)
{
    pecan_cap_t u = ut_alloc(22), kids = slots_alloc(256), spaces = slots_alloc(256);
    if (!u || !kids || !spaces)
        return 0;
    unsigned made = 0;
    if (CHECK_OK(pecan_untyped_retype(u, PECAN_OBJ_UNTYPED, 14, 256, ROOT, kids))) {
        while (made < 256 && pecan_untyped_retype(kids + made, PECAN_OBJ_VSPACE, 0, 1, ROOT,
                                                  spaces + made) == 0)
            made++;
    }
    ut_free(u);
    return made;
}

UTEST(thesis_ten_thousand_cycles)
{
    struct cycle_env e;
    unsigned asids = free_asids();
    REQUIRE(make_cycle_env(&e));
    uint64_t start = now_ns();
    unsigned failures = 0;
    for (unsigned i = 0; i < CYCLES && failures < 5; i++) {
        int err = cycle_use(&e, i);
        if (err) {
            ut_fail(__FILE__, __LINE__, "cycle %u (kind %u): %s", i, i % CY_KINDS,
                    err_name(err));
            failures++;
        }
        err = cap_revoke(e.u);
        int leaf = 0;
        if (err || pecan_untyped_info(e.u, 0, 0, 0, &leaf) != 0 || !leaf) {
            ut_fail(__FILE__, __LINE__, "cycle %u: revoke %s, leaf %d", i, err_name(err), leaf);
            failures++;
        }
        if (i % 1000 == 999 && !CHECK_CLEAN())
            failures++;
    }
    pecan_printf("# %u cycles in %lu ms\n", CYCLES, (unsigned long)((now_ns() - start) / 1000000));
    CHECK_CLEAN();
    for (unsigned i = 0; i < 80; i++) {
        if (!CHECK_EQ(cap_type(e.dest + i), CAPK_NULL))
            break;
    }
    CHECK_ERR(pecan_irq_ack(e.irq), -PECAN_ENOENT);
    unsigned pool = 9, installed = 9;
    CHECK_OK(pecan_vspace_info(e.vspace, 0, &pool, &installed));
    CHECK_EQ(pool, 0);
    CHECK_EQ(installed, 1);
    /* The same hardware ASIDs are free as before (the cycles' own objects aside). */
    obj_free(e.vspace);
    CHECK_EQ(free_asids(), asids);
    pecan_printf("# %u hardware ASIDs free before and after\n", asids);
    /* The untyped is whole: one object of its full size. */
    CHECK_OK(pecan_untyped_retype(e.u, PECAN_OBJ_UNTYPED, CY_BITS, 1, ROOT, e.dest));
    CHECK_OK(cap_revoke(e.u));
    CHECK_OK(pecan_untyped_retype(e.u, PECAN_OBJ_FRAME, CY_BITS, 1, ROOT, e.dest));
    CHECK_CLEAN();
    CHECK_OK(cap_delete(e.irq));
}
