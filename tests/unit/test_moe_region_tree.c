/* SPDX-License-Identifier: MIT */
/*
 * Host tests of moe's region list (servers/moe/region_tree.c): sorted insert, overlap
 * refusal, lookup at region edges, removal, and the search for free space, also against a
 * byte map of a small address space with random operations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pecan/errors.h>
#include "region_tree.h"

static struct region storage[64];
static struct region_tree tree;

static int add(uint32_t start, uint32_t size)
{
    struct region r = { .start = start, .size = size };
    return region_tree_insert(&tree, &r);
}

static void test_insert_and_find(void **state)
{
    (void)state;
    region_tree_init(&tree, storage, 64);
    assert_int_equal(add(0x3000, 0x1000), 0);
    assert_int_equal(add(0x1000, 0x1000), 0);   /* before: goes first */
    assert_int_equal(add(0x8000, 0x2000), 2);
    assert_int_equal(add(0x5000, 0x1000), 2);
    assert_int_equal(tree.count, 4);
    assert_int_equal(add(0x1800, 0x1000), -PECAN_EEXIST);   /* overlaps the first */
    assert_int_equal(add(0x0, 0x1001), -PECAN_EEXIST);      /* touches 0x1000 */
    assert_int_equal(add(0x9FFF, 1), -PECAN_EEXIST);        /* the last byte of 0x8000+ */
    assert_int_equal(add(0x4000, 0), -PECAN_EINVAL);
    assert_int_equal(add(0xFFFFF000, 0x2000), -PECAN_EINVAL);   /* wraps */
    assert_int_equal(add(0xFFFFF000, 0x1000), 4);               /* reaches the top exactly */
    assert_int_equal(region_tree_find(&tree, 0x0FFF), -1);
    assert_int_equal(region_tree_find(&tree, 0x1000), 0);
    assert_int_equal(region_tree_find(&tree, 0x1FFF), 0);
    assert_int_equal(region_tree_find(&tree, 0x2000), -1);
    assert_int_equal(region_tree_find(&tree, 0x9FFF), 3);
    assert_int_equal(region_tree_find(&tree, 0xFFFFFFFF), 4);
    assert_int_equal(region_tree_check(&tree), 0);
    region_tree_remove(&tree, 1);
    assert_int_equal(region_tree_find(&tree, 0x3000), -1);
    assert_int_equal(region_tree_find(&tree, 0x5000), 1);
    region_tree_remove(&tree, 99);   /* out of range: nothing */
    assert_int_equal(tree.count, 4);
    assert_int_equal(region_tree_check(&tree), 0);
}

static void test_full(void **state)
{
    (void)state;
    struct region small[2];
    region_tree_init(&tree, small, 2);
    assert_int_equal(add(0x1000, 0x1000), 0);
    assert_int_equal(add(0x3000, 0x1000), 1);
    assert_int_equal(add(0x5000, 0x1000), -PECAN_ENOMEM);
    assert_int_equal(add(0x1000, 0x1000), -PECAN_EEXIST);   /* overlap reported first */
}

static void test_search(void **state)
{
    (void)state;
    region_tree_init(&tree, storage, 64);
    uint32_t at;
    assert_int_equal(region_tree_search(&tree, 0x1000, 12, 0x10000, 0x20000, &at), 0);
    assert_int_equal(at, 0x10000);
    assert_int_equal(add(0x10000, 0x3000), 0);
    assert_int_equal(add(0x14000, 0x1000), 1);
    assert_int_equal(region_tree_search(&tree, 0x1000, 12, 0x10000, 0x20000, &at), 0);
    assert_int_equal(at, 0x13000);                           /* the hole between them */
    assert_int_equal(region_tree_search(&tree, 0x2000, 12, 0x10000, 0x20000, &at), 0);
    assert_int_equal(at, 0x15000);                           /* hole too small: after */
    assert_int_equal(region_tree_search(&tree, 0x2000, 16, 0x10000, 0x40000, &at), 0);
    assert_int_equal(at, 0x20000);                           /* aligned to 64 KiB */
    assert_int_equal(region_tree_search(&tree, 0x1000, 12, 0x11000, 0x20000, &at), 0);
    assert_int_equal(at, 0x13000);                           /* lower bound inside a region */
    assert_int_equal(region_tree_search(&tree, 0xC000, 12, 0x10000, 0x20000, &at), -PECAN_ENOMEM);
    assert_int_equal(region_tree_search(&tree, 0xB000, 12, 0x10000, 0x20000, &at), 0);
    assert_int_equal(at, 0x15000);                           /* exactly up to the limit */
    assert_int_equal(region_tree_search(&tree, 0, 12, 0, 0x20000, &at), -PECAN_ENOMEM);
    assert_int_equal(add(0xFFFF0000, 0x10000), 2);
    assert_int_equal(region_tree_search(&tree, 0x1000, 12, 0xFFFF0000, 0xFFFFFFFF, &at),
                     -PECAN_ENOMEM);                         /* nothing after the top */
}

/* Random inserts, removals and searches against a map of 256 pages. */
static void test_random(void **state)
{
    (void)state;
    enum { PAGES = 256 };
    static uint8_t used[PAGES];
    memset(used, 0, sizeof(used));
    region_tree_init(&tree, storage, 64);
    srand(11);
    for (int round = 0; round < 20000; round++) {
        int op = rand() % 3;
        uint32_t page = (uint32_t)(rand() % PAGES), pages = 1 + (uint32_t)(rand() % 8);
        if (page + pages > PAGES)
            pages = PAGES - page;
        if (op == 0) {
            bool free_range = true;
            for (uint32_t p = page; p < page + pages; p++)
                free_range = free_range && !used[p];
            int err = add(page << 12, pages << 12);
            if (!free_range)
                assert_int_equal(err, -PECAN_EEXIST);
            else if (tree.count == 64 && err == -PECAN_ENOMEM)
                continue;
            else {
                assert_true(err >= 0);
                for (uint32_t p = page; p < page + pages; p++)
                    used[p] = 1;
            }
        } else if (op == 1) {
            int i = region_tree_find(&tree, page << 12);
            assert_int_equal(i >= 0, used[page]);
            if (i >= 0) {
                for (uint32_t p = tree.regions[i].start >> 12;
                     p < (tree.regions[i].start + tree.regions[i].size) >> 12; p++)
                    used[p] = 0;
                region_tree_remove(&tree, (unsigned)i);
            }
        } else {
            uint32_t at;
            int err = region_tree_search(&tree, pages << 12, 12, page << 12, PAGES << 12, &at);
            /* The model: the first run of free pages from page on. */
            uint32_t want = 0;
            bool found = false;
            for (uint32_t p = page; p + pages <= PAGES && !found; p++) {
                bool ok = true;
                for (uint32_t q = p; q < p + pages; q++)
                    ok = ok && !used[q];
                if (ok) {
                    want = p << 12;
                    found = true;
                }
            }
            assert_int_equal(err == 0, found);
            if (found)
                assert_int_equal(at, want);
        }
        assert_int_equal(region_tree_check(&tree), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_and_find),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
