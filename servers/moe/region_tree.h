/* SPDX-License-Identifier: MIT */
/*
 * The regions of one address space, sorted by start address in an array the caller
 * provides (moe puts it in a page charged to the task). Lookup is a binary search; insert
 * and remove shift the tail. Portable (tests/unit/test_moe_region_tree.c).
 *
 * Invariants: regions are sorted by start, none is empty, none overlaps another, and
 * none wraps past the end of the 32-bit address space.
 */
#ifndef MOE_REGION_TREE_H
#define MOE_REGION_TREE_H

#include <stdint.h>

struct region {
    uint32_t start;
    uint32_t size;
    uint32_t offset;      /* in the dataspace */
    uint32_t flags;       /* the owner's (rights, reserved, ...) */
    void *object;         /* the dataspace, or NULL */
};

struct region_tree {
    struct region *regions;
    unsigned count;
    unsigned capacity;
};

void region_tree_init(struct region_tree *t, struct region *storage, unsigned capacity);
/* Index of the region containing address, or -1. */
int region_tree_find(const struct region_tree *t, uint32_t address);
/* Inserts r: its index, -PECAN_EEXIST if it overlaps a region, -PECAN_EINVAL if it is empty
 * or wraps, -PECAN_ENOMEM if the array is full. */
int region_tree_insert(struct region_tree *t, const struct region *r);
void region_tree_remove(struct region_tree *t, unsigned index);
/* The lowest address >= lower, aligned to 2^align_bits, where size bytes fit below limit
 * without touching a region: 0 and *address, or -PECAN_ENOMEM. */
int region_tree_search(const struct region_tree *t, uint32_t size, unsigned align_bits,
                       uint32_t lower, uint32_t limit, uint32_t *address);
/* 0 or the number of broken invariants. */
unsigned region_tree_check(const struct region_tree *t);

#endif
