/* SPDX-License-Identifier: MIT */
/*
 * Bounded kernel latency (kernel/include/core/preempt.h). Every operation whose work
 * grows with a size the caller chooses runs in steps and is restarted, so no kernel
 * entry keeps interrupts masked for long. Each case runs the largest such call there is
 * and checks three things:
 *   - the longest kernel entry meanwhile (LOG DEBUG_LATENCY) stays below LATENCY_LIMIT
 *     instructions: checked in the captest-latency image, which runs these cases under
 *     -icount (ctest captest_latency and captest_latency_smp1); the other images only
 *     print the figure;
 *   - the call was restarted at least once (DEBUG_STATS), so the restart path ran;
 *   - the result is exactly that of one uninterrupted call, and the invariant checker
 *     finds nothing.
 * The large memory item is in test_mapping_db.c (latency_memory_item), with the tasks there;
 * test_revoke.c has the interrupted deletion that another thread must not finish.
 */
#include "captest.h"

#define MIB (1u << 20)
#define LOOK_VA 0x6A000000u       /* where a 1 MiB frame is mapped to look at it */
#define LOOK_PT_VA 0x6B000000u    /* a MiB with a page table, for 4 KiB frames */
#define RW (PECAN_MAP_READ | PECAN_MAP_WRITE)
#define USER_MIBS 3056u           /* MiBs below the kernel's 0xBF000000 */

static unsigned long stops_before;

static void measure_start(void)
{
    stops_before = kernel_preemptions();
    latency_start();
}

/* The figure, and the call must have been restarted. */
static void measure_end(const char *what)
{
    latency_check(what);
    unsigned long stops = kernel_preemptions() - stops_before;
    pecan_printf("# %s: restarted %lu times\n", what, stops);
    CHECK(stops > 0);
}

/* Writes every word of a mapped frame (value) or counts the words that are not zero. */
static unsigned frame_words(pecan_word_t va, unsigned bytes, bool fill, pecan_word_t value)
{
    volatile pecan_word_t *w = (volatile pecan_word_t *)va;
    unsigned nonzero = 0;
    for (unsigned i = 0; i < bytes / 4; i++) {
        if (fill)
            w[i] = value;
        else if (w[i])
            nonzero++;
    }
    return nonzero;
}

/* Maps frame at va, fills it or counts its non-zero words, unmaps it. */
static unsigned look_at(pecan_cap_t frame, pecan_word_t va, unsigned bytes, bool fill)
{
    if (!CHECK_OK(pecan_vspace_map_frame(PECAN_ROOT_VSPACE, frame, va, RW, 0)))
        return ~0u;
    unsigned nonzero = frame_words(va, bytes, fill, 0xDEADBEEFu);
    CHECK_OK(pecan_vspace_unmap_frame(PECAN_ROOT_VSPACE, frame));
    return nonzero;
}

/* The frames of one retype: in address order from the untyped's base, of that size. */
static void check_frames(pecan_cap_t first, unsigned count, pecan_word_t base, unsigned bits)
{
    unsigned wrong = 0;
    for (unsigned i = 0; i < count; i++) {
        pecan_word_t phys = 0;
        unsigned size_bits = 0;
        if (pecan_frame_info(first + i, &phys, &size_bits, 0) != 0 ||
            phys != base + ((pecan_word_t)i << bits) || size_bits != bits)
            wrong++;
    }
    CHECK_EQ(wrong, 0);
}

/* 32 MiB of 1 MiB frames in one call: the memory is zeroed in steps first. The memory
 * was written by an earlier retype's frames, and the new frames read as zero. */
UTEST(latency_retype_32m_of_1m_frames)
{
    pecan_cap_t u = ut_alloc(25), f = slots_alloc(32);
    REQUIRE(u && f);
    REQUIRE_OK(pecan_untyped_retype(u, PECAN_OBJ_FRAME, 20, 32, ROOT, f));
    for (unsigned i = 0; i < 32; i++)
        look_at(f + i, LOOK_VA, MIB, true);
    REQUIRE_OK(cap_revoke(u));

    measure_start();
    REQUIRE_OK(pecan_untyped_retype(u, PECAN_OBJ_FRAME, 20, 32, ROOT, f));
    measure_end("retype_32m_1m_frames");
    check_frames(f, 32, ut_paddr(u), 20);
    unsigned nonzero = 0;
    for (unsigned i = 0; i < 32; i++)
        nonzero += look_at(f + i, LOOK_VA, MIB, false);
    CHECK_EQ(nonzero, 0);
    CHECK_CLEAN();
    CHECK_OK(cap_revoke(u));
    ut_free(u);
}

/* 32 MiB of 4 KiB frames: four untyped of 8 MiB, each retyped into 2048 frames (the most
 * one call makes), then revoked. */
#define QUARTERS 4u
#define QUARTER_FRAMES 2048u

UTEST(latency_retype_32m_of_4k_frames)
{
    pecan_cap_t u = ut_alloc(25), halves = slots_alloc(QUARTERS), f = slots_alloc(QUARTER_FRAMES);
    pecan_cap_t pt = obj_new(PECAN_OBJ_PAGE_TABLE, 0);
    REQUIRE(u && halves && f && pt);
    REQUIRE_OK(pecan_vspace_map_page_table(PECAN_ROOT_VSPACE, pt, LOOK_PT_VA));
    REQUIRE_OK(pecan_untyped_retype(u, PECAN_OBJ_UNTYPED, 23, QUARTERS, ROOT, halves));
    for (unsigned h = 0; h < QUARTERS; h++) {
        /* Dirty the memory the frames will use. */
        REQUIRE_OK(pecan_untyped_retype(halves + h, PECAN_OBJ_FRAME, 12, QUARTER_FRAMES, ROOT, f));
        for (unsigned i = 0; i < QUARTER_FRAMES; i += 97)
            look_at(f + i, LOOK_PT_VA, 4096, true);
        REQUIRE_OK(cap_revoke(halves + h));

        measure_start();
        REQUIRE_OK(pecan_untyped_retype(halves + h, PECAN_OBJ_FRAME, 12, QUARTER_FRAMES, ROOT, f));
        measure_end("retype_8m_4k_frames");
        check_frames(f, QUARTER_FRAMES, ut_paddr(u) + h * (8u << 20), 12);
        unsigned nonzero = 0;
        for (unsigned i = 0; i < QUARTER_FRAMES; i += 97)
            nonzero += look_at(f + i, LOOK_PT_VA, 4096, false);
        CHECK_EQ(nonzero, 0);
        CHECK_CLEAN();

        measure_start();
        REQUIRE_OK(cap_revoke(halves + h));
        measure_end("revoke_2048_frames");
        CHECK_EQ(cap_type(f), CAPK_NULL);
        CHECK_EQ(cap_type(f + QUARTER_FRAMES - 1), CAPK_NULL);
        CHECK_CLEAN();
    }
    CHECK_OK(cap_revoke(u));
    ut_free(u);
}

/* A full address space: a page table in every MiB below the kernel, and 1024 frames
 * mapped in every other MiB. */
struct full_space {
    pecan_cap_t vspace, pts, frames, upt, upt_halves, uframes;
};

static pecan_word_t page_va(unsigned i)
{
    return (pecan_word_t)(2 * i) * MIB + (i % 256) * 4096u;
}

static bool map_one(const struct full_space *s, unsigned i)
{
    return CHECK_OK(pecan_vspace_map_frame(s->vspace, s->frames + i, page_va(i), RW, 0));
}

static bool map_frames(const struct full_space *s)
{
    for (unsigned i = 0; i < 1024; i++) {
        if (!map_one(s, i))
            return false;
    }
    return true;
}

static bool make_full_space(struct full_space *s)
{
    s->vspace = obj_new(PECAN_OBJ_VSPACE, 0);
    s->upt = ut_alloc(24);
    s->uframes = ut_alloc(22);
    s->upt_halves = slots_alloc(2);
    s->pts = slots_alloc(USER_MIBS);
    s->frames = slots_alloc(1024);
    if (!s->vspace || !s->upt || !s->uframes || !s->upt_halves || !s->pts || !s->frames)
        return false;
    /* 2048 page tables is the most one retype makes. */
    if (!CHECK_OK(pecan_untyped_retype(s->upt, PECAN_OBJ_UNTYPED, 23, 2, ROOT, s->upt_halves)) ||
        !CHECK_OK(pecan_untyped_retype(s->upt_halves, PECAN_OBJ_PAGE_TABLE, 0, 2048, ROOT,
                                       s->pts)) ||
        !CHECK_OK(pecan_untyped_retype(s->upt_halves + 1, PECAN_OBJ_PAGE_TABLE, 0,
                                       USER_MIBS - 2048, ROOT, s->pts + 2048)) ||
        !CHECK_OK(pecan_untyped_retype(s->uframes, PECAN_OBJ_FRAME, 12, 1024, ROOT, s->frames)))
        return false;
    for (unsigned i = 0; i < USER_MIBS; i++) {
        if (!CHECK_OK(pecan_vspace_map_page_table(s->vspace, s->pts + i, i * MIB)))
            return false;
    }
    return map_frames(s);
}

static unsigned frames_mapped(const struct full_space *s)
{
    unsigned mapped = 0;
    for (unsigned i = 0; i < 1024; i++) {
        pecan_word_t va = 0;
        if (pecan_frame_info(s->frames + i, 0, 0, &va) == 0 && va != NOT_MAPPED)
            mapped++;
    }
    return mapped;
}

/* UNMAP of the whole 4 GiB with the range's own mappings, then deleting the space. */
UTEST(latency_unmap_4g_and_destroy_a_full_vspace)
{
    struct full_space s;
    REQUIRE(make_full_space(&s));
    CHECK_EQ(frames_mapped(&s), 1024);

    measure_start();
    REQUIRE_OK(pecan_vspace_unmap(s.vspace, 0, 32, PECAN_UNMAP_OWN));
    measure_end("unmap_4g");
    CHECK_EQ(frames_mapped(&s), 0);
    unsigned installed = 0;
    CHECK_OK(pecan_vspace_info(s.vspace, 0, 0, &installed));
    CHECK_EQ(installed, USER_MIBS);
    CHECK_CLEAN();

    /* Without UNMAP_OWN nothing of the space's own goes (nothing was derived). */
    REQUIRE(map_frames(&s));
    REQUIRE_OK(pecan_vspace_unmap(s.vspace, 0, 32, 0));
    CHECK_EQ(frames_mapped(&s), 1024);
    /* The restart's flag, passed by hand, unmaps the rest of the range only, and its
     * address must lie in the range. */
    CHECK_ERR(pecan_vspace_unmap(s.vspace, 4 * MIB, 21, PECAN_UNMAP_RESUME | (8 * MIB)),
              -PECAN_EINVAL);
    CHECK_ERR(pecan_vspace_unmap(s.vspace, 4 * MIB, 21, PECAN_UNMAP_RESUME | (2 * MIB)),
              -PECAN_EINVAL);
    CHECK_OK(pecan_vspace_unmap(s.vspace, 2 * MIB, 21,
                                PECAN_UNMAP_RESUME | PECAN_UNMAP_OWN | (3 * MIB)));
    CHECK_EQ(frames_mapped(&s), 1024);                 /* frame 1 is at 2 MiB + 4 KiB */
    CHECK_OK(pecan_vspace_unmap(s.vspace, 2 * MIB, 21,
                                PECAN_UNMAP_RESUME | PECAN_UNMAP_OWN | (2 * MIB)));
    CHECK_EQ(frames_mapped(&s), 1023);
    REQUIRE(map_one(&s, 1));
    CHECK_CLEAN();

    measure_start();
    REQUIRE_OK(cap_delete(s.vspace));
    measure_end("destroy_full_vspace");
    CHECK_EQ(cap_type(s.vspace), CAPK_NULL);
    CHECK_EQ(frames_mapped(&s), 0);
    unsigned still = 0;
    for (unsigned i = 0; i < USER_MIBS; i++) {
        pecan_word_t at = 0;
        if (pecan_page_table_info(s.pts + i, &at) != 0 || at != NOT_MAPPED)
            still++;
    }
    CHECK_EQ(still, 0);
    CHECK_CLEAN();
    CHECK_OK(cap_revoke(s.upt));
    CHECK_OK(cap_revoke(s.uframes));
    ut_free(s.upt);
    ut_free(s.uframes);
}

/* A CNode of 65536 slots, each a minted copy of one gate; slot 0 holds the only
 * capability to a 256-slot CNode holding mints too, whose slot 0 holds the only one to
 * another: deleting the big CNode empties a chain of three. */
#define BIG_RADIX 16u
#define SMALL_RADIX 8u

struct full_cnode {
    pecan_cap_t gate, ubig, big, usmall, small;
};

static bool fill(pecan_cap_t cnode, unsigned radix, unsigned from, pecan_cap_t gate)
{
    for (unsigned i = from; i < (1u << radix); i++) {
        if (!CHECK_OK(pecan_cnode_mint(cnode, i, radix, ROOT, gate, ROOT_DEPTH,
                                       PECAN_RIGHTS_ALL, i + 1)))
            return false;
    }
    return true;
}

static bool make_full_cnode(struct full_cnode *c)
{
    c->gate = obj_new(PECAN_OBJ_GATE, 0);
    c->ubig = ut_alloc(BIG_RADIX + 5);
    c->usmall = ut_alloc(SMALL_RADIX + 5 + 1);
    c->big = slot_alloc();
    c->small = slots_alloc(2);
    if (!c->gate || !c->ubig || !c->usmall || !c->big || !c->small)
        return false;
    if (!CHECK_OK(pecan_untyped_retype(c->ubig, PECAN_OBJ_CNODE, BIG_RADIX, 1, ROOT, c->big)) ||
        !CHECK_OK(pecan_untyped_retype(c->usmall, PECAN_OBJ_CNODE, SMALL_RADIX, 2, ROOT,
                                       c->small)))
        return false;
    return fill(c->small, SMALL_RADIX, 1, c->gate) && fill(c->small + 1, SMALL_RADIX, 1, c->gate) &&
           fill(c->big, BIG_RADIX, 1, c->gate) &&
           /* small + 1 into small's slot 0, small into big's slot 0: the only capabilities */
           CHECK_OK(pecan_cnode_move(c->small, 0, SMALL_RADIX, ROOT, c->small + 1, ROOT_DEPTH)) &&
           CHECK_OK(pecan_cnode_move(c->big, 0, BIG_RADIX, ROOT, c->small, ROOT_DEPTH));
}

static bool untyped_is_leaf(pecan_cap_t u)
{
    int leaf = 0;
    return pecan_untyped_info(u, 0, 0, 0, &leaf) == 0 && leaf;
}

UTEST(latency_revoke_and_delete_a_full_cnode)
{
    struct full_cnode c;
    REQUIRE(make_full_cnode(&c));

    /* Revoking the gate deletes every mint, in all three CNodes. */
    measure_start();
    REQUIRE_OK(cap_revoke(c.gate));
    measure_end("revoke_66046_mints");
    unsigned left = 0;
    for (unsigned i = 1; i < (1u << BIG_RADIX); i++) {
        struct pecan_cap_identity id = { .type = CAPK_NULL };
        if (pecan_cnode_identify(c.big, i, BIG_RADIX, &id) == 0 && id.type != CAPK_NULL)
            left++;
    }
    CHECK_EQ(left, 0);
    CHECK_CLEAN();

    /* Filled again, the big CNode's last capability goes: all three are emptied. */
    REQUIRE(fill(c.big, BIG_RADIX, 1, c.gate));
    measure_start();
    REQUIRE_OK(cap_delete(c.big));
    measure_end("delete_full_cnode");
    CHECK_EQ(cap_type(c.big), CAPK_NULL);
    CHECK(untyped_is_leaf(c.ubig));
    CHECK(untyped_is_leaf(c.usmall));
    CHECK_CLEAN();
    ut_free(c.ubig);
    ut_free(c.usmall);
}
