/* SPDX-License-Identifier: MIT */
/*
 * The 4 KiB pages of anonymous dataspaces, cut from 64 KiB frames ("groups"). One group is
 * one buddy block retyped into one 64 KiB frame that moe maps once in its window; its 16
 * pages are handed out one by one and sent to tasks with 4 KiB memory items. This keeps
 * moe's CNode small (two slots per 16 pages instead of two per page) and makes a page
 * fault a bitmap operation instead of a retype and a map. Portable bookkeeping
 * (tests/unit/test_moe_memory.c); memory.c does the capability work. The groups' records
 * are an array the caller sizes from RAM (one per 64 KiB) and passes to page_pool_init.
 *
 * Invariants: a page is free exactly when its bit in its group's free_mask is set; a group
 * is on the partial list exactly when it is present and has a free page; free_pages is the
 * number of set bits over all present groups.
 */
#ifndef MOE_PAGE_POOL_H
#define MOE_PAGE_POOL_H

#include <stdint.h>

#define PAGE_POOL_GROUP_BITS 16
#define PAGE_POOL_PAGES_PER_GROUP 16
#define PAGE_POOL_ALL_FREE 0xFFFFu

struct page_group {
    int32_t node;          /* buddy node of the 64 KiB block; -1 while not present */
    uint32_t frame;        /* the 64 KiB frame capability */
    int32_t prev, next;    /* partial list */
    uint16_t free_mask;    /* bit i: page i is free */
};

struct page_pool {
    struct page_group *groups;   /* the caller's array: group_count records */
    uint32_t base;               /* physical address of group 0 */
    uint32_t group_count;        /* groups that fit the RAM */
    int32_t partial;             /* groups with a free page */
    uint32_t free_pages;
    uint32_t present_groups;
};

/* Groups in size bytes of RAM: the records page_pool_init needs. */
static inline uint32_t page_pool_groups_for(uint32_t size)
{
    return size >> PAGE_POOL_GROUP_BITS;
}
/* RAM from base (64 KiB aligned), size bytes, with records groups[page_pool_groups_for
 * (size)] (need not be initialised). */
void page_pool_init(struct page_pool *pool, struct page_group *groups, uint32_t base,
                    uint32_t size);
/* A fresh group at phys (all pages free). 0, -PECAN_EINVAL (outside, unaligned, present). */
int page_pool_add_group(struct page_pool *pool, uint32_t phys, int node, uint32_t frame);
/* Takes a free page: 0 and *phys, or -PECAN_ENOMEM when no group has one. */
int page_pool_take(struct page_pool *pool, uint32_t *phys);
/* Gives a page back: 1 if its group is now entirely free, 0 if not, -PECAN_EINVAL if the
 * page was not taken. */
int page_pool_give(struct page_pool *pool, uint32_t phys);
/* Removes an entirely free group: 0 with its node and frame, or -PECAN_EINVAL. */
int page_pool_remove_group(struct page_pool *pool, uint32_t phys, int *node, uint32_t *frame);
/* The group holding phys, or NULL if none is present there. */
const struct page_group *page_pool_group(const struct page_pool *pool, uint32_t phys);
/* 0 or the number of broken invariants. */
unsigned page_pool_check(const struct page_pool *pool);

#endif
