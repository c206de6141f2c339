/* SPDX-License-Identifier: MIT */
/*
 * The capability derivation tree (kernel/core/cdt.c) on the host: insertion shapes,
 * leaf and last-reference tests, removal moving children up, and a random sequence of
 * operations checked against the tree's invariants after every step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <core/cdt.h>

#define SLOTS 512
static struct cte slots[SLOTS];

static int setup(void **state)
{
    (void)state;
    memset(slots, 0, sizeof(slots));
    cdt_init();
    return 0;
}

static struct capability cap_of(unsigned type, uintptr_t object)
{
    return (struct capability){ .type = (uint8_t)type, .rights = 0xf, .object = object };
}

static struct cte *put(unsigned i, unsigned type, uintptr_t object)
{
    slots[i].cap = cap_of(type, object);
    return &slots[i];
}

static void test_root_is_leaf_and_last(void **state)
{
    (void)state;
    struct cte *a = put(0, CAP_THREAD, 0x1000);
    cdt_insert_root(a);
    assert_true(cdt_is_leaf(a));
    assert_true(cdt_is_last_reference(a));
    assert_null(cdt_parent(a));
    assert_ptr_equal(cdt_first(), a);
    assert_null(cdt_next(a));
}

static void test_untyped_children(void **state)
{
    (void)state;
    struct cte *u = put(0, CAP_UNTYPED, 0x100000);
    u->cap.size_bits = 16;
    cdt_insert_root(u);
    struct cte *a = put(1, CAP_GATE, 0x100000);
    struct cte *b = put(2, CAP_GATE, 0x100020);
    assert_true(cdt_insert_child(u, b));
    assert_true(cdt_insert_child(u, a));
    assert_false(cdt_is_leaf(u));
    assert_ptr_equal(cdt_first_descendant(u), a);
    assert_ptr_equal(cdt_parent(a), u);
    assert_ptr_equal(cdt_parent(b), u);
    assert_true(cdt_is_last_reference(a));
    assert_true(cdt_is_last_reference(b));
    assert_int_equal(a->cdt_depth, 1);
}

static void test_copies_and_mints_share_the_object(void **state)
{
    (void)state;
    struct cte *m = put(0, CAP_NOTIFICATION, 0x2000);
    cdt_insert_root(m);
    struct cte *child = put(1, CAP_NOTIFICATION, 0x2000);
    assert_true(cdt_insert_child(m, child));
    struct cte *copy = put(2, CAP_NOTIFICATION, 0x2000);
    cdt_insert_sibling(m, copy);
    /* copy before master, master, child: one contiguous run of the object */
    assert_ptr_equal(cdt_first(), copy);
    assert_ptr_equal(cdt_next(copy), m);
    assert_ptr_equal(cdt_next(m), child);
    assert_false(cdt_is_last_reference(child));
    assert_false(cdt_is_last_reference(copy));
    assert_true(cdt_is_leaf(copy));
    assert_false(cdt_is_leaf(m));
    assert_ptr_equal(cdt_parent(child), m);
}

static void test_remove_moves_children_up(void **state)
{
    (void)state;
    struct cte *u = put(0, CAP_UNTYPED, 0);
    u->cap.size_bits = 20;
    cdt_insert_root(u);
    struct cte *m = put(1, CAP_THREAD, 0x4000);
    assert_true(cdt_insert_child(u, m));
    struct cte *c1 = put(2, CAP_THREAD, 0x4000);
    struct cte *c2 = put(3, CAP_THREAD, 0x4000);
    assert_true(cdt_insert_child(m, c1));
    assert_true(cdt_insert_child(c1, c2));
    cdt_remove(m);
    assert_int_equal(c1->cdt_depth, 1);
    assert_int_equal(c2->cdt_depth, 2);
    assert_ptr_equal(cdt_parent(c1), u);
    assert_ptr_equal(cdt_parent(c2), c1);
    assert_false(cdt_is_last_reference(c2));
    cdt_remove(c1);
    assert_true(cdt_is_last_reference(c2));
    assert_ptr_equal(cdt_parent(c2), u);
}

static void test_depth_limit(void **state)
{
    (void)state;
    struct cte *prev = put(0, CAP_GATE, 0x8000);
    cdt_insert_root(prev);
    unsigned i = 1;
    while (cdt_insert_child(prev, put(i, CAP_GATE, 0x8000)))
        prev = &slots[i++];
    assert_int_equal(i, CDT_MAX_DEPTH - 1 + 1);
    assert_int_equal(prev->cdt_depth, CDT_MAX_DEPTH - 1);
}

static void test_replace_keeps_position(void **state)
{
    (void)state;
    struct cte *a = put(0, CAP_GATE, 0x10);
    struct cte *b = put(1, CAP_GATE, 0x10);
    cdt_insert_root(a);
    assert_true(cdt_insert_child(a, b));
    slots[2].cap = b->cap;
    cdt_replace(b, &slots[2]);
    assert_ptr_equal(cdt_next(a), &slots[2]);
    assert_int_equal(slots[2].cdt_depth, 1);
    assert_null(b->cdt_next);
}

/* A gate's maker, a copy of its capability, the client's child and the server's
 * grandchild: descent is found within the limit, and never for a copy, an ancestor or an
 * entry of another subtree. */
static void test_descends_within(void **state)
{
    (void)state;
    struct cte *maker = put(0, CAP_GATE, 0x20);
    cdt_insert_root(maker);
    struct cte *client = put(1, CAP_GATE, 0x20);
    assert_true(cdt_insert_child(maker, client));
    struct cte *server = put(2, CAP_GATE, 0x20);
    assert_true(cdt_insert_child(client, server));
    struct cte *copy = put(3, CAP_GATE, 0x20);
    cdt_insert_sibling(maker, copy);
    assert_true(cdt_descends_within(server, maker, 1));
    assert_true(cdt_descends_within(server, client, 0));
    assert_false(cdt_descends_within(server, maker, 0));   /* the client lies between */
    assert_false(cdt_descends_within(client, server, 8));
    assert_false(cdt_descends_within(maker, client, 8));
    assert_false(cdt_descends_within(server, copy, 8));
    assert_false(cdt_descends_within(server, server, 8));
    /* A second child of the client, minted after the server's: between them now. */
    struct cte *other = put(4, CAP_GATE, 0x20);
    assert_true(cdt_insert_child(client, other));
    assert_false(cdt_descends_within(server, other, 8));
    assert_true(cdt_descends_within(server, client, 1));
    assert_false(cdt_descends_within(server, client, 0));
    assert_true(cdt_descends_within(other, maker, 1));
    assert_true(cdt_descends_within(other, client, 0));
}

/* Invariants of the list after any sequence of operations. */
static void check_tree(void)
{
    const struct cte *prev = NULL;
    uintptr_t runs_seen[SLOTS];
    unsigned run_count = 0;
    for (struct cte *s = cdt_first(); s; s = cdt_next(s)) {
        assert_true(s->cap.type != CAP_NULL);
        if (prev)
            assert_true(s->cdt_depth <= prev->cdt_depth + 1);
        else
            assert_int_equal(s->cdt_depth, 0);
        if (!prev || !cap_same_object(&prev->cap, &s->cap)) {
            for (unsigned i = 0; i < run_count; i++)
                assert_true(runs_seen[i] != s->cap.object);   /* one run per object */
            runs_seen[run_count++] = s->cap.object;
        }
        prev = s;
    }
}

static void test_random_operations_keep_invariants(void **state)
{
    (void)state;
    srand(1234);
    unsigned next_object = 1;
    for (int step = 0; step < 20000; step++) {
        unsigned i = (unsigned)rand() % SLOTS;
        struct cte *s = &slots[i];
        if (s->cap.type == CAP_NULL) {
            /* new object as a root, or derive from a random occupied slot */
            unsigned j = (unsigned)rand() % SLOTS;
            struct cte *src = &slots[j];
            if (src->cap.type == CAP_NULL || rand() % 4 == 0) {
                *s = (struct cte){ .cap = cap_of(CAP_GATE, 0x1000u * next_object++) };
                cdt_insert_root(s);
            } else if (rand() % 2) {
                s->cap = src->cap;
                cdt_insert_sibling(src, s);
            } else {
                s->cap = src->cap;
                if (!cdt_insert_child(src, s))
                    s->cap.type = CAP_NULL;
            }
        } else {
            cdt_remove(s);
            memset(s, 0, sizeof(*s));
        }
        check_tree();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_root_is_leaf_and_last, setup),
        cmocka_unit_test_setup(test_untyped_children, setup),
        cmocka_unit_test_setup(test_copies_and_mints_share_the_object, setup),
        cmocka_unit_test_setup(test_remove_moves_children_up, setup),
        cmocka_unit_test_setup(test_depth_limit, setup),
        cmocka_unit_test_setup(test_replace_keeps_position, setup),
        cmocka_unit_test_setup(test_descends_within, setup),
        cmocka_unit_test_setup(test_random_operations_keep_invariants, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
