/* SPDX-License-Identifier: MIT */
/*
 * Host tests of moe's portable memory bookkeeping (servers/moe): the buddy allocator over
 * a model of untyped capabilities, the page pool, the CNode slot bitmap and quotas.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pecan/errors.h>
#include "buddy.h"
#include "memory.h"
#include "page_pool.h"
#include "slot_allocator.h"

/* ---- a model of the kernel's untyped capabilities ----------------------------------- */

#define MODEL_SLOTS (1 << 17)   /* slots are never reused: two per split */

struct model {
    uint8_t live[MODEL_SLOTS];        /* slot holds an untyped */
    int children[MODEL_SLOTS];        /* untyped children of the slot's untyped */
    int parent[MODEL_SLOTS];
    uint32_t next_slot;
    int fail_split;                   /* make the next split fail */
    unsigned splits, merges;
};

static int model_split(void *context, uint32_t parent, unsigned child_bits, uint32_t *first)
{
    struct model *m = context;
    (void)child_bits;
    assert_true(m->live[parent]);
    assert_int_equal(m->children[parent], 0);   /* retype needs a leaf */
    if (m->fail_split) {
        m->fail_split = 0;
        return -PECAN_ENOMEM;
    }
    uint32_t s = m->next_slot;
    m->next_slot += 2;
    assert_true(m->next_slot < MODEL_SLOTS);
    for (int k = 0; k < 2; k++) {
        m->live[s + k] = 1;
        m->parent[s + k] = (int)parent;
        m->children[s + k] = 0;
    }
    m->children[parent] = 2;
    *first = s;
    m->splits++;
    return 0;
}

static int model_merge(void *context, uint32_t parent, uint32_t first)
{
    struct model *m = context;
    assert_int_equal(m->children[parent], 2);
    for (uint32_t k = 0; k < 2; k++) {
        assert_true(m->live[first + k]);
        assert_int_equal(m->parent[first + k], (int)parent);
        assert_int_equal(m->children[first + k], 0);   /* revoke of the halves: nothing below */
        m->live[first + k] = 0;
    }
    m->children[parent] = 0;
    m->merges++;
    return 0;
}

static const struct buddy_operations model_operations = { model_split, model_merge };

#define TEST_NODES 8192

static struct buddy b;
static struct buddy_node node_table[TEST_NODES];
static struct model m;

static void setup_buddy(void)
{
    memset(&m, 0, sizeof(m));
    m.next_slot = 100;
    buddy_init(&b, node_table, TEST_NODES, &model_operations, &m);
    /* Roots like the boot info's: 64 KiB at 0, 32 KiB at 0x68000, 1 MiB at 0x100000. */
    m.live[10] = m.live[11] = m.live[12] = 1;
    assert_int_equal(buddy_add_root(&b, 10, 0x0, 16), 0);
    assert_int_equal(buddy_add_root(&b, 11, 0x68000, 15), 0);
    assert_int_equal(buddy_add_root(&b, 12, 0x100000, 20), 0);
}

static void test_buddy_roots(void **state)
{
    (void)state;
    setup_buddy();
    assert_int_equal(b.total_bytes, (64 + 32 + 1024) * 1024u);
    assert_int_equal(b.free_bytes, b.total_bytes);
    assert_int_equal(buddy_add_root(&b, 13, 0x1000, 16), -PECAN_EINVAL);   /* unaligned */
    assert_int_equal(buddy_add_root(&b, 13, 0x0, 11), -PECAN_EINVAL);      /* too small */
    assert_int_equal(buddy_check(&b), 0);
}

static void test_buddy_exact_fit_and_split(void **state)
{
    (void)state;
    setup_buddy();
    int n = buddy_alloc(&b, 15);   /* the 32 KiB root fits exactly: no split */
    assert_true(n >= 0);
    assert_int_equal(buddy_phys(&b, n), 0x68000);
    assert_int_equal(m.splits, 0);
    int p = buddy_alloc(&b, 12);   /* smallest block that fits: the 64 KiB root, 4 splits */
    assert_true(p >= 0);
    assert_int_equal(buddy_phys(&b, p), 0x0);
    assert_int_equal(buddy_node(&b, p)->bits, 12);
    assert_int_equal(m.splits, 4);
    int q = buddy_alloc(&b, 12);   /* its buddy: no more splits */
    assert_int_equal(buddy_phys(&b, q), 0x1000);
    assert_int_equal(m.splits, 4);
    assert_int_equal(b.free_bytes, b.total_bytes - 32768 - 8192);
    assert_int_equal(buddy_check(&b), 0);
    assert_int_equal(buddy_free(&b, p), 0);
    assert_int_equal(m.merges, 0);   /* buddy still used */
    assert_int_equal(buddy_free(&b, q), 0);
    assert_int_equal(m.merges, 4);   /* all the way back to the root */
    assert_int_equal(buddy_free(&b, n), 0);
    assert_int_equal(b.free_bytes, b.total_bytes);
    assert_int_equal(b.used_nodes, 3);
    assert_int_equal(buddy_free(&b, n), -PECAN_EINVAL);   /* double free */
    assert_int_equal(buddy_check(&b), 0);
}

static void test_buddy_errors(void **state)
{
    (void)state;
    setup_buddy();
    assert_int_equal(buddy_alloc(&b, 21), -PECAN_ENOMEM);   /* nothing that large */
    assert_int_equal(buddy_alloc(&b, 11), -PECAN_ERANGE);
    assert_int_equal(buddy_alloc(&b, 40), -PECAN_ERANGE);
    m.fail_split = 1;
    uint32_t before = b.free_bytes;
    assert_int_equal(buddy_alloc(&b, 12), -PECAN_ENOMEM);
    assert_int_equal(b.free_bytes, before);
    assert_int_equal(buddy_check(&b), 0);
    assert_int_equal(buddy_free(&b, -1), -PECAN_EINVAL);
    assert_int_equal(buddy_free(&b, TEST_NODES), -PECAN_EINVAL);
    assert_int_equal(buddy_free(&b, b.fresh), -PECAN_EINVAL);   /* never used */
}

/* Random allocations and frees against a byte map of the address space: used blocks never
 * overlap, the accounting is exact, and freeing everything restores the roots. */
static void test_buddy_random(void **state)
{
    (void)state;
    setup_buddy();
    enum { MAX = 400 };
    int nodes[MAX];
    unsigned count = 0;
    static uint8_t owner[(0x200000) >> 12];
    memset(owner, 0, sizeof(owner));
    srand(7);
    uint32_t used = 0;
    for (int round = 0; round < 20000; round++) {
        if (count < MAX && (rand() % 3 != 0 || count == 0)) {
            unsigned bits = 12 + (unsigned)(rand() % 6);
            int n = buddy_alloc(&b, bits);
            if (n < 0) {
                assert_int_equal(n, -PECAN_ENOMEM);
                continue;
            }
            const struct buddy_node *node = buddy_node(&b, n);
            uint32_t phys = buddy_phys(&b, n);
            assert_int_equal(node->bits, bits);
            assert_int_equal(phys & ((1u << bits) - 1), 0);
            for (uint32_t p = phys >> 12; p < (phys + (1u << bits)) >> 12; p++) {
                assert_int_equal(owner[p], 0);
                owner[p] = 1;
            }
            used += 1u << bits;
            nodes[count++] = n;
        } else {
            unsigned i = (unsigned)rand() % count;
            const struct buddy_node *node = buddy_node(&b, nodes[i]);
            uint32_t phys = buddy_phys(&b, nodes[i]);
            for (uint32_t p = phys >> 12; p < (phys + (1u << node->bits)) >> 12; p++)
                owner[p] = 0;
            used -= 1u << node->bits;
            assert_int_equal(buddy_free(&b, nodes[i]), 0);
            nodes[i] = nodes[--count];
        }
        assert_int_equal(b.free_bytes + used, b.total_bytes);
        if (round % 1000 == 0)
            assert_int_equal(buddy_check(&b), 0);
    }
    while (count)
        assert_int_equal(buddy_free(&b, nodes[--count]), 0);
    assert_int_equal(b.free_bytes, b.total_bytes);
    assert_int_equal(b.used_nodes, 3);
    assert_int_equal(m.splits, m.merges);
    assert_int_equal(buddy_check(&b), 0);
}

/* The allocator starts on a small array (as moe does before it can allocate memory) and
 * moves to a larger one: nodes in use keep their index and contents, and splits go on in
 * the new array. */
static void test_buddy_move_nodes(void **state)
{
    (void)state;
    static struct buddy_node small[BUDDY_MAX_ROOTS + 8];   /* four pairs */
    memset(&m, 0, sizeof(m));
    m.next_slot = 100;
    buddy_init(&b, small, BUDDY_MAX_ROOTS + 8, &model_operations, &m);
    m.live[10] = 1;
    assert_int_equal(buddy_add_root(&b, 10, 0x0, 16), 0);   /* 64 KiB: 16 pages */
    int first = buddy_alloc(&b, 12);                         /* four splits: all pairs */
    assert_true(first >= 0);
    assert_int_equal(buddy_alloc(&b, 12) >= 0, 1);           /* the buddy: no split */
    uint32_t free_before = b.free_bytes;
    assert_int_equal(buddy_alloc(&b, 12), -PECAN_ENOMEM);    /* out of nodes, not memory */
    assert_int_equal(b.free_bytes, free_before);
    assert_int_equal(buddy_check(&b), 0);

    uint32_t needed = buddy_nodes_needed(&b);
    assert_int_equal(needed, BUDDY_MAX_ROOTS + 2 * 16);
    assert_int_equal(buddy_move_nodes(&b, node_table, BUDDY_MAX_ROOTS + 4), -PECAN_EINVAL);
    struct buddy_node before = small[first];
    uint32_t phys_before = buddy_phys(&b, first);
    memset(node_table, 0xA5, sizeof(node_table));   /* the new array need not be initialised */
    assert_int_equal(buddy_move_nodes(&b, node_table, needed), 0);
    memset(small, 0xA5, sizeof(small));   /* and the old one is not used again */
    assert_memory_equal(buddy_node(&b, first), &before, sizeof(before));
    assert_int_equal(buddy_phys(&b, first), phys_before);
    assert_int_equal(buddy_check(&b), 0);

    int blocks[16];
    unsigned count = 0;
    while ((blocks[count] = buddy_alloc(&b, 12)) >= 0)
        count++;
    assert_int_equal(count, 14);   /* the rest of the 64 KiB */
    assert_int_equal(b.free_bytes, 0);
    assert_int_equal(buddy_check(&b), 0);
    while (count)
        assert_int_equal(buddy_free(&b, blocks[--count]), 0);
    assert_int_equal(b.free_bytes, 65536 - 2 * 4096);
    assert_int_equal(buddy_free(&b, first ^ 1), 0);
    assert_int_equal(buddy_free(&b, first), 0);
    assert_int_equal(b.free_bytes, 65536);
    assert_int_equal(b.used_nodes, 1);
    assert_int_equal(buddy_check(&b), 0);
}

/* A tree with more than 32767 nodes (indices and slots beyond 16 bits): 128 MiB cut into
 * 4 KiB blocks. With buddy_nodes_needed() nodes, allocation fails only when memory is
 * used up, never for lack of a node, however the blocks are freed. */
#define BIG_ROOT_BITS 27
#define BIG_PAGES (1u << (BIG_ROOT_BITS - 12))
static struct buddy_node big_nodes[BUDDY_MAX_ROOTS + 2 * BIG_PAGES];
static int big_blocks[BIG_PAGES];

static void test_buddy_full_tree(void **state)
{
    (void)state;
    memset(&m, 0, sizeof(m));
    m.next_slot = 100;
    buddy_init(&b, node_table, BUDDY_MAX_ROOTS + 2, &model_operations, &m);
    m.live[10] = 1;
    assert_int_equal(buddy_add_root(&b, 10, 0x0, BIG_ROOT_BITS), 0);
    uint32_t needed = buddy_nodes_needed(&b);
    assert_int_equal(needed, BUDDY_MAX_ROOTS + 2 * BIG_PAGES);
    assert_int_equal(buddy_move_nodes(&b, big_nodes, needed), 0);

    for (unsigned i = 0; i < BIG_PAGES; i++) {
        big_blocks[i] = buddy_alloc(&b, 12);
        assert_true(big_blocks[i] >= 0);
    }
    assert_int_equal(b.free_bytes, 0);
    assert_int_equal(buddy_alloc(&b, 12), -PECAN_ENOMEM);
    assert_true(b.used_nodes > 32767);
    assert_int_equal(b.used_nodes, 2 * BIG_PAGES - 1);
    int highest = 0;
    for (unsigned i = 0; i < BIG_PAGES; i++)
        highest = big_blocks[i] > highest ? big_blocks[i] : highest;
    assert_true(highest > 32767);
    assert_true(buddy_node(&b, highest)->slot > 65535);
    assert_int_equal(buddy_check(&b), 0);

    /* Every other page back: no merge is possible, the nodes stay; 4 KiB still fits, 8
     * KiB does not (memory, not nodes, is the limit). */
    for (unsigned i = 0; i < BIG_PAGES; i += 2)
        assert_int_equal(buddy_free(&b, big_blocks[i]), 0);
    assert_int_equal(buddy_alloc(&b, 13), -PECAN_ENOMEM);
    int again = buddy_alloc(&b, 12);
    assert_true(again >= 0);
    assert_int_equal(buddy_free(&b, again), 0);
    for (unsigned i = 1; i < BIG_PAGES; i += 2)
        assert_int_equal(buddy_free(&b, big_blocks[i]), 0);
    assert_int_equal(b.free_bytes, b.total_bytes);
    assert_int_equal(b.used_nodes, 1);
    assert_int_equal(m.splits, m.merges);
    assert_int_equal(buddy_check(&b), 0);
}

/* ---- page pool ------------------------------------------------------------------------- */

static struct page_pool pool;

static struct page_group groups[64];

static void test_page_pool(void **state)
{
    (void)state;
    page_pool_init(&pool, groups, 0, 1u << 20);
    uint32_t phys;
    assert_int_equal(page_pool_take(&pool, &phys), -PECAN_ENOMEM);
    assert_int_equal(page_pool_add_group(&pool, 0x10000, 5, 77), 0);
    assert_int_equal(page_pool_add_group(&pool, 0x10000, 6, 78), -PECAN_EINVAL);   /* present */
    assert_int_equal(page_pool_add_group(&pool, 0x11000, 6, 78), -PECAN_EINVAL);   /* unaligned */
    assert_int_equal(page_pool_add_group(&pool, 0x100000, 6, 78), -PECAN_EINVAL);  /* outside */
    uint32_t pages[16];
    for (int i = 0; i < 16; i++) {
        assert_int_equal(page_pool_take(&pool, &pages[i]), 0);
        assert_int_equal(pages[i], 0x10000u + (uint32_t)i * 0x1000u);
    }
    assert_int_equal(page_pool_take(&pool, &phys), -PECAN_ENOMEM);
    assert_int_equal(pool.free_pages, 0);
    assert_int_equal(page_pool_check(&pool), 0);
    const struct page_group *g = page_pool_group(&pool, 0x1F000);
    assert_non_null(g);
    assert_int_equal(g->frame, 77);
    assert_null(page_pool_group(&pool, 0x20000));
    for (int i = 0; i < 15; i++)
        assert_int_equal(page_pool_give(&pool, pages[i]), 0);
    assert_int_equal(page_pool_give(&pool, pages[0]), -PECAN_EINVAL);   /* twice */
    assert_int_equal(page_pool_give(&pool, 0x30000), -PECAN_EINVAL);    /* no group */
    int node;
    uint32_t frame;
    assert_int_equal(page_pool_remove_group(&pool, 0x10000, &node, &frame), -PECAN_EINVAL);
    assert_int_equal(page_pool_give(&pool, pages[15]), 1);   /* entirely free now */
    assert_int_equal(page_pool_remove_group(&pool, 0x10000, &node, &frame), 0);
    assert_int_equal(node, 5);
    assert_int_equal(frame, 77);
    assert_int_equal(pool.free_pages, 0);
    assert_int_equal(page_pool_take(&pool, &phys), -PECAN_ENOMEM);
    assert_int_equal(page_pool_check(&pool), 0);
}

static void test_page_pool_prefers_partial_groups(void **state)
{
    (void)state;
    page_pool_init(&pool, groups, 0x100000, 1u << 20);
    assert_int_equal(page_pool_add_group(&pool, 0x100000, 1, 1), 0);
    assert_int_equal(page_pool_add_group(&pool, 0x110000, 2, 2), 0);
    uint32_t a, c;
    assert_int_equal(page_pool_take(&pool, &a), 0);
    assert_int_equal(page_pool_take(&pool, &c), 0);
    assert_int_equal(a >> 16, c >> 16);   /* the same group keeps giving */
    assert_int_equal(pool.free_pages, 30);
    assert_int_equal(page_pool_check(&pool), 0);
}

/* Nodes and frame slots beyond 16 bits (a large CNode, a large buddy tree). */
static void test_page_pool_wide_handles(void **state)
{
    (void)state;
    page_pool_init(&pool, groups, 0, 1u << 20);
    assert_int_equal(page_pool_add_group(&pool, 0x20000, 100000, 200000), 0);
    const struct page_group *g = page_pool_group(&pool, 0x20000);
    assert_non_null(g);
    assert_int_equal(g->node, 100000);
    assert_int_equal(g->frame, 200000);
    int node;
    uint32_t frame;
    assert_int_equal(page_pool_remove_group(&pool, 0x20000, &node, &frame), 0);
    assert_int_equal(node, 100000);
    assert_int_equal(frame, 200000);
    assert_int_equal(page_pool_check(&pool), 0);
}

/* ---- slots ----------------------------------------------------------------------------- */

static struct slot_allocator slots;

static void test_slots(void **state)
{
    (void)state;
    slot_allocator_init(&slots, 100, 200);
    assert_int_equal(slots.free_count, 100);
    assert_int_equal(slot_allocator_alloc(&slots, 1), 100);
    assert_int_equal(slot_allocator_alloc(&slots, 1), 101);
    assert_int_equal(slot_allocator_alloc(&slots, 3), 102);
    slot_allocator_free(&slots, 101, 1);
    assert_int_equal(slot_allocator_alloc(&slots, 2), 105);   /* 101 alone is too short */
    assert_int_equal(slot_allocator_alloc(&slots, 1), 101);
    assert_int_equal(slot_allocator_alloc(&slots, 0), 0);
    assert_int_equal(slot_allocator_alloc(&slots, 100), 0);
    uint32_t run = slot_allocator_alloc(&slots, 93);
    assert_int_equal(run, 107);
    assert_int_equal(slots.free_count, 0);
    assert_int_equal(slot_allocator_alloc(&slots, 1), 0);
    slot_allocator_free(&slots, 50, 1);                       /* below first: ignored */
    slot_allocator_free(&slots, 150, 1);
    slot_allocator_free(&slots, 150, 1);                      /* twice: ignored */
    assert_int_equal(slots.free_count, 1);
    assert_int_equal(slot_allocator_alloc(&slots, 1), 150);
    assert_true(slot_allocator_is_used(&slots, 99));
    assert_true(slot_allocator_is_used(&slots, 200));
}

/* A CNode of the largest size: runs across word and summary boundaries, skipping full
 * regions, and the allocator against a plain first-fit reference. */
static void test_slots_large(void **state)
{
    (void)state;
    const uint32_t limit = SLOT_ALLOCATOR_MAX_SLOTS;
    slot_allocator_init(&slots, 16, limit);
    assert_int_equal(slots.free_count, limit - 16);
    assert_true(slot_allocator_is_used(&slots, 15));
    assert_false(slot_allocator_is_used(&slots, 16));
    assert_false(slot_allocator_is_used(&slots, limit - 1));
    assert_true(slot_allocator_is_used(&slots, limit));
    /* Fill the first 70000 slots one by one: the summary skips what is full. */
    for (uint32_t s = 16; s < 70000; s++)
        assert_int_equal(slot_allocator_alloc(&slots, 1), s);
    /* A run straddling a word boundary: 70000 is 70000 % 32 = 16 into its word. */
    assert_int_equal(slot_allocator_alloc(&slots, 40), 70000);
    /* Free a hole of 3 low down, then ask for 3 (first fit) and for 4 (does not fit). */
    slot_allocator_free(&slots, 1000, 3);
    assert_int_equal(slot_allocator_alloc(&slots, 4), 70040);
    assert_int_equal(slot_allocator_alloc(&slots, 3), 1000);
    /* A run longer than a word. */
    assert_int_equal(slot_allocator_alloc(&slots, 100), 70044);
    /* Single slots go on from the hint, then wrap around to a freed one. */
    assert_int_equal(slot_allocator_alloc(&slots, 1), 70144);
    uint32_t left = slots.free_count;
    assert_int_equal(slot_allocator_alloc(&slots, left), 70145);
    assert_int_equal(slots.free_count, 0);
    assert_int_equal(slot_allocator_alloc(&slots, 1), 0);
    slot_allocator_free(&slots, 5000, 1);
    assert_int_equal(slot_allocator_alloc(&slots, 1), 5000);
    slot_allocator_free(&slots, limit - 1, 1);
    assert_int_equal(slot_allocator_alloc(&slots, 1), limit - 1);
}

/* Random single slots and runs against a byte map with a plain first-fit search. */
static uint8_t reference[4096];

static uint32_t reference_first_fit(uint32_t first, uint32_t limit, uint32_t count)
{
    uint32_t run = 0;
    for (uint32_t s = first; s < limit; s++) {
        run = reference[s] ? 0 : run + 1;
        if (run == count)
            return s + 1 - count;
    }
    return 0;
}

static void test_slots_random(void **state)
{
    (void)state;
    const uint32_t first = 7, limit = 4000;
    slot_allocator_init(&slots, first, limit);
    memset(reference, 0, sizeof(reference));
    srand(11);
    for (int round = 0; round < 50000; round++) {
        uint32_t slot = first + (uint32_t)rand() % (limit - first);
        if (rand() % 2) {
            uint32_t count = 1 + (uint32_t)rand() % (rand() % 8 ? 4 : 70);
            uint32_t got = slot_allocator_alloc(&slots, count);
            if (count > 1)
                assert_int_equal(got, reference_first_fit(first, limit, count));
            for (uint32_t s = got; got && s < got + count; s++) {
                assert_int_equal(reference[s], 0);
                reference[s] = 1;
            }
        } else if (reference[slot]) {
            slot_allocator_free(&slots, slot, 1);
            reference[slot] = 0;
        }
        if (round % 997 == 0) {
            uint32_t free_count = 0;
            for (uint32_t s = first; s < limit; s++) {
                free_count += !reference[s];
                assert_int_equal(slot_allocator_is_used(&slots, s), reference[s]);
            }
            assert_int_equal(slots.free_count, free_count);
        }
    }
}

/* ---- quotas ---------------------------------------------------------------------------- */

static void test_quotas(void **state)
{
    (void)state;
    struct quota top, sub, subsub;
    assert_int_equal(quota_init(&top, NULL, 100000), 0);
    assert_int_equal(quota_charge(&top, 60000), 0);
    assert_int_equal(quota_init(&sub, &top, 50000), -PECAN_ENOMEM);
    assert_int_equal(top.used, 60000);
    assert_int_equal(quota_init(&sub, &top, 40000), 0);
    assert_int_equal(top.used, 100000);
    assert_int_equal(quota_charge(&top, 1), -PECAN_ENOMEM);
    assert_int_equal(quota_init(&subsub, &sub, 10000), 0);
    assert_int_equal(quota_charge(&subsub, 10000), 0);
    assert_int_equal(quota_charge(&subsub, 1), -PECAN_ENOMEM);
    assert_int_equal(quota_charge(&sub, 30000), 0);
    assert_int_equal(quota_charge(&sub, 1), -PECAN_ENOMEM);
    assert_int_equal(quota_fini(&subsub), -PECAN_EBUSY);
    quota_release(&subsub, 10000);
    assert_int_equal(subsub.objects, 0);
    assert_int_equal(quota_fini(&subsub), 0);
    assert_int_equal(sub.used, 30000);
    quota_release(&sub, 30000);
    assert_int_equal(quota_fini(&sub), 0);
    assert_int_equal(top.used, 60000);
    /* Near the top of the 32-bit range the arithmetic does not wrap. */
    struct quota big;
    assert_int_equal(quota_init(&big, NULL, 0xFFFFFFFFu), 0);
    assert_int_equal(quota_charge(&big, 0xFFFFF000u), 0);
    assert_int_equal(quota_charge(&big, 0x2000u), -PECAN_ENOMEM);
    assert_int_equal(quota_charge(&big, 0xFFFu), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buddy_roots),
        cmocka_unit_test(test_buddy_exact_fit_and_split),
        cmocka_unit_test(test_buddy_errors),
        cmocka_unit_test(test_buddy_random),
        cmocka_unit_test(test_buddy_move_nodes),
        cmocka_unit_test(test_buddy_full_tree),
        cmocka_unit_test(test_page_pool),
        cmocka_unit_test(test_page_pool_prefers_partial_groups),
        cmocka_unit_test(test_page_pool_wide_handles),
        cmocka_unit_test(test_slots),
        cmocka_unit_test(test_slots_large),
        cmocka_unit_test(test_slots_random),
        cmocka_unit_test(test_quotas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
