/* SPDX-License-Identifier: MIT */
/*
 * Capability lookup (kernel/core/cspace.c) on the host: the one-level fast path, two
 * levels with guards, exact-depth lookups for CNode operations, guard mismatches and
 * cycles of CNodes (which must still terminate).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <core/cspace.h>
#include <pecan/errors.h>

static struct cte level1[16];
static struct cte level2[256];

static int setup(void **state)
{
    (void)state;
    memset(level1, 0, sizeof(level1));
    memset(level2, 0, sizeof(level2));
    return 0;
}

static void test_one_level_fast_path(void **state)
{
    (void)state;
    struct capability root = cspace_cnode_cap(level1, 4, 0, 28, 0xf);
    struct cte *slot;
    assert_int_equal(cspace_lookup(&root, 5, &slot), 0);
    assert_ptr_equal(slot, &level1[5]);
    assert_int_equal(cspace_lookup(&root, 15, &slot), 0);
    assert_ptr_equal(slot, &level1[15]);
    /* Any bit above the slot number breaks the zero guard. */
    assert_int_equal(cspace_lookup(&root, 16, &slot), -PECAN_EINVALCAP);
    assert_int_equal(cspace_lookup(&root, 0x80000001u, &slot), -PECAN_EINVALCAP);
}

static void test_two_levels(void **state)
{
    (void)state;
    /* index = [20-bit zero guard][4 bits level 1][8 bits level 2] */
    struct capability root = cspace_cnode_cap(level1, 4, 0, 20, 0xf);
    level1[3].cap = cspace_cnode_cap(level2, 8, 0, 0, 0xf);
    level2[0x42].cap = (struct capability){ .type = CAP_GATE, .object = 0x1234 };
    level1[7].cap = (struct capability){ .type = CAP_NOTIFICATION, .object = 0x99 };
    struct cte *slot;
    assert_int_equal(cspace_lookup(&root, 0x342, &slot), 0);
    assert_ptr_equal(slot, &level2[0x42]);
    /* An object at level 1 ends the lookup early (object-terminated). */
    assert_int_equal(cspace_lookup(&root, 0x7ff, &slot), 0);
    assert_ptr_equal(slot, &level1[7]);
    /* Exact lookups: 12 bits reach level 2, 4 bits stop at level 1. */
    assert_int_equal(cspace_lookup_exact(&root, 0x342, 32, &slot), 0);
    assert_ptr_equal(slot, &level2[0x42]);
    assert_int_equal(cspace_lookup_exact(&root, 0x3, 24, &slot), 0);
    assert_ptr_equal(slot, &level1[3]);
    /* Bits left over at a non-CNode slot are an error for exact lookups. */
    assert_int_equal(cspace_lookup_exact(&root, 0x7ff, 32, &slot), -PECAN_EINVALCAP);
    /* Too few bits for the guard and radix. */
    assert_int_equal(cspace_lookup_exact(&root, 0x3, 8, &slot), -PECAN_EINVALCAP);
}

static void test_guard_value(void **state)
{
    (void)state;
    struct capability root = cspace_cnode_cap(level1, 4, 0x5, 4, 0xf);
    struct cte *slot;
    assert_int_equal(cspace_lookup_exact(&root, 0x53, 8, &slot), 0);
    assert_ptr_equal(slot, &level1[3]);
    assert_int_equal(cspace_lookup_exact(&root, 0x63, 8, &slot), -PECAN_EINVALCAP);
}

static void test_cycle_terminates(void **state)
{
    (void)state;
    /* level1[0] holds level1 itself: every level eats 4 bits, so 32 bits end it. */
    struct capability root = cspace_cnode_cap(level1, 4, 0, 0, 0xf);
    level1[0].cap = root;
    struct cte *slot;
    assert_int_equal(cspace_lookup(&root, 0, &slot), 0);
    assert_ptr_equal(slot, &level1[0]);
}

static void test_not_a_cnode(void **state)
{
    (void)state;
    struct capability notification = { .type = CAP_NOTIFICATION };
    struct cte *slot;
    assert_int_equal(cspace_lookup(&notification, 0, &slot), -PECAN_EINVALCAP);
    assert_int_equal(cspace_lookup(NULL, 0, &slot), -PECAN_EINVALCAP);
    struct capability root = cspace_cnode_cap(level1, 4, 0, 28, 0xf);
    assert_int_equal(cspace_lookup_exact(&root, 1, 0, &slot), -PECAN_EINVALCAP);
    assert_int_equal(cspace_lookup_exact(&root, 1, 33, &slot), -PECAN_EINVALCAP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_one_level_fast_path, setup),
        cmocka_unit_test_setup(test_two_levels, setup),
        cmocka_unit_test_setup(test_guard_value, setup),
        cmocka_unit_test_setup(test_cycle_terminates, setup),
        cmocka_unit_test_setup(test_not_a_cnode, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
