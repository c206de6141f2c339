/* SPDX-License-Identifier: MIT */
/*
 * Page groups of anonymous memory (page_pool.h). Groups are indexed by physical address,
 * so freeing a page finds its group without a search; the partial list holds the groups
 * that can give a page.
 */
#include "page_pool.h"

#include <pecan/errors.h>

#define NONE (-1)

static int group_index(const struct page_pool *pool, uint32_t phys)
{
    if (phys < pool->base)
        return NONE;
    uint32_t index = (phys - pool->base) >> PAGE_POOL_GROUP_BITS;
    return index < pool->group_count ? (int)index : NONE;
}

static void partial_push(struct page_pool *pool, int g)
{
    struct page_group *group = &pool->groups[g];
    group->prev = NONE;
    group->next = pool->partial;
    if (pool->partial != NONE)
        pool->groups[pool->partial].prev = g;
    pool->partial = g;
}

static void partial_remove(struct page_pool *pool, int g)
{
    struct page_group *group = &pool->groups[g];
    if (group->prev != NONE)
        pool->groups[group->prev].next = group->next;
    else
        pool->partial = group->next;
    if (group->next != NONE)
        pool->groups[group->next].prev = group->prev;
    group->prev = group->next = NONE;
}

void page_pool_init(struct page_pool *pool, struct page_group *groups, uint32_t base,
                    uint32_t size)
{
    pool->groups = groups;
    pool->base = base;
    pool->group_count = page_pool_groups_for(size);
    for (unsigned i = 0; i < pool->group_count; i++)
        pool->groups[i] = (struct page_group){ .node = NONE, .prev = NONE, .next = NONE };
    pool->partial = NONE;
    pool->free_pages = 0;
    pool->present_groups = 0;
}

int page_pool_add_group(struct page_pool *pool, uint32_t phys, int node, uint32_t frame)
{
    int g = group_index(pool, phys);
    if (g == NONE || (phys & ((1u << PAGE_POOL_GROUP_BITS) - 1)) || node < 0)
        return -PECAN_EINVAL;
    struct page_group *group = &pool->groups[g];
    if (group->node != NONE)
        return -PECAN_EINVAL;
    group->node = node;
    group->frame = frame;
    group->free_mask = PAGE_POOL_ALL_FREE;
    partial_push(pool, g);
    pool->free_pages += PAGE_POOL_PAGES_PER_GROUP;
    pool->present_groups++;
    return 0;
}

int page_pool_take(struct page_pool *pool, uint32_t *phys)
{
    int g = pool->partial;
    if (g == NONE)
        return -PECAN_ENOMEM;
    struct page_group *group = &pool->groups[g];
    unsigned page = (unsigned)__builtin_ctz(group->free_mask);
    group->free_mask &= (uint16_t)~(1u << page);
    if (group->free_mask == 0)
        partial_remove(pool, g);
    pool->free_pages--;
    *phys = pool->base + ((uint32_t)g << PAGE_POOL_GROUP_BITS) + ((uint32_t)page << 12);
    return 0;
}

int page_pool_give(struct page_pool *pool, uint32_t phys)
{
    int g = group_index(pool, phys);
    if (g == NONE || (phys & 0xFFFu) || pool->groups[g].node == NONE)
        return -PECAN_EINVAL;
    struct page_group *group = &pool->groups[g];
    uint16_t bit = (uint16_t)(1u << ((phys >> 12) & (PAGE_POOL_PAGES_PER_GROUP - 1)));
    if (group->free_mask & bit)
        return -PECAN_EINVAL;
    if (group->free_mask == 0)
        partial_push(pool, g);
    group->free_mask |= bit;
    pool->free_pages++;
    return group->free_mask == PAGE_POOL_ALL_FREE;
}

int page_pool_remove_group(struct page_pool *pool, uint32_t phys, int *node, uint32_t *frame)
{
    int g = group_index(pool, phys);
    if (g == NONE || pool->groups[g].node == NONE ||
        pool->groups[g].free_mask != PAGE_POOL_ALL_FREE)
        return -PECAN_EINVAL;
    struct page_group *group = &pool->groups[g];
    partial_remove(pool, g);
    *node = group->node;
    *frame = group->frame;
    group->node = NONE;
    group->free_mask = 0;
    pool->free_pages -= PAGE_POOL_PAGES_PER_GROUP;
    pool->present_groups--;
    return 0;
}

const struct page_group *page_pool_group(const struct page_pool *pool, uint32_t phys)
{
    int g = group_index(pool, phys);
    if (g == NONE || pool->groups[g].node == NONE)
        return 0;
    return &pool->groups[g];
}

unsigned page_pool_check(const struct page_pool *pool)
{
    unsigned problems = 0, on_list = 0;
    uint32_t free_pages = 0, partial_groups = 0, present = 0;
    for (unsigned g = 0; g < pool->group_count; g++) {
        const struct page_group *group = &pool->groups[g];
        if (group->node == NONE)
            continue;
        present++;
        free_pages += (uint32_t)__builtin_popcount(group->free_mask);
        if (group->free_mask)
            partial_groups++;
    }
    for (int g = pool->partial; g != NONE && on_list <= pool->group_count; g = pool->groups[g].next) {
        on_list++;
        if (pool->groups[g].node == NONE || pool->groups[g].free_mask == 0)
            problems++;
    }
    if (on_list != partial_groups)
        problems++;
    if (free_pages != pool->free_pages || present != pool->present_groups)
        problems++;
    return problems;
}
