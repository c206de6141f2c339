/* SPDX-License-Identifier: MIT */
/*
 * The buddy allocator's bookkeeping (buddy.h). Nodes live in one array: up to
 * BUDDY_MAX_ROOTS roots at the start, then pairs of buddies (even index, odd index). A
 * split takes a pair given back by an earlier merge (the spare list) or else the next
 * never-used one (fresh), so neither start-up nor a move to a larger array has to touch
 * the nodes it adds. Each size has a doubly linked free list, so a buddy leaves its list
 * in O(1) when it merges. A pair's halves are in address order (the first at its parent's
 * address): buddy_phys relies on it.
 */
#include "buddy.h"

#include <pecan/errors.h>

_Static_assert(sizeof(struct buddy_node) == 16, "two nodes per 4 KiB page: keep them small");

static void list_push(struct buddy *b, int32_t *head, int n)
{
    struct buddy_node *node = &b->nodes[n];
    node->prev = BUDDY_NONE;
    node->next = *head;
    if (*head != BUDDY_NONE)
        b->nodes[*head].prev = n;
    *head = n;
}

static void list_remove(struct buddy *b, int32_t *head, int n)
{
    struct buddy_node *node = &b->nodes[n];
    if (node->prev != BUDDY_NONE)
        b->nodes[node->prev].next = node->next;
    else
        *head = node->next;
    if (node->next != BUDDY_NONE)
        b->nodes[node->next].prev = node->prev;
    node->prev = node->next = BUDDY_NONE;
}

static void make_free(struct buddy *b, int n)
{
    struct buddy_node *node = &b->nodes[n];
    node->state = BUDDY_FREE;
    list_push(b, &b->free_lists[node->bits], n);
    b->free_bytes += 1u << node->bits;
}

static void take_free(struct buddy *b, int n)
{
    struct buddy_node *node = &b->nodes[n];
    list_remove(b, &b->free_lists[node->bits], n);
    b->free_bytes -= 1u << node->bits;
}

static struct buddy_node unused_node(void)
{
    return (struct buddy_node){ .parent = BUDDY_NONE, .prev = BUDDY_NONE, .next = BUDDY_NONE };
}

void buddy_init(struct buddy *b, struct buddy_node *nodes, uint32_t capacity,
                const struct buddy_operations *operations, void *context)
{
    /* Only the root indices are set up: pairs are set up when a split first takes them. */
    for (int i = 0; i < BUDDY_MAX_ROOTS; i++)
        nodes[i] = unused_node();
    for (int i = 0; i <= BUDDY_MAX_BITS; i++)
        b->free_lists[i] = BUDDY_NONE;
    b->nodes = nodes;
    b->capacity = (int32_t)capacity;
    b->fresh = BUDDY_MAX_ROOTS;
    b->spare_pairs = BUDDY_NONE;
    b->root_count = 0;
    b->free_bytes = b->total_bytes = 0;
    b->used_nodes = 0;
    b->operations = operations;
    b->context = context;
}

uint32_t buddy_nodes_needed(const struct buddy *b)
{
    return BUDDY_MAX_ROOTS + 2u * (b->total_bytes >> BUDDY_MIN_BITS);
}

int buddy_move_nodes(struct buddy *b, struct buddy_node *nodes, uint32_t capacity)
{
    if (capacity < (uint32_t)b->capacity)
        return -PECAN_EINVAL;
    /* Nodes from fresh on were never used: nothing there to keep. */
    for (int i = 0; i < b->fresh; i++)
        nodes[i] = b->nodes[i];
    b->nodes = nodes;
    b->capacity = (int32_t)capacity;
    return 0;
}

int buddy_add_root(struct buddy *b, uint32_t slot, uint32_t phys, unsigned bits)
{
    if (bits < BUDDY_MIN_BITS || bits > BUDDY_MAX_BITS)
        return -PECAN_EINVAL;
    if ((phys & ((1u << bits) - 1)) || slot >= (1u << BUDDY_SLOT_BITS))
        return -PECAN_EINVAL;
    int n = b->root_count;
    if (n >= BUDDY_MAX_ROOTS)
        return -PECAN_ENOMEM;
    b->nodes[n] = unused_node();
    b->nodes[n].slot = slot;
    b->nodes[n].bits = bits;
    b->root_phys[n] = phys;
    b->root_count++;
    b->used_nodes++;
    b->total_bytes += 1u << bits;
    make_free(b, n);
    return 0;
}

static int has_spare_pair(const struct buddy *b)
{
    return b->spare_pairs != BUDDY_NONE || b->fresh <= b->capacity - 2;
}

/* A pair for a split (has_spare_pair must hold): a spare one, or the next fresh one. */
static int take_pair(struct buddy *b)
{
    int pair = b->spare_pairs;
    if (pair != BUDDY_NONE) {
        b->spare_pairs = b->nodes[pair].next;
        return pair;
    }
    pair = b->fresh;
    b->fresh += 2;
    return pair;
}

static void give_pair(struct buddy *b, int pair)
{
    b->nodes[pair].state = b->nodes[pair + 1].state = BUDDY_UNUSED;
    b->nodes[pair].next = b->spare_pairs;
    b->spare_pairs = pair;
}

/* Splits free node n (taken off its list by the caller) into two free children. */
static int split(struct buddy *b, int n)
{
    struct buddy_node *node = &b->nodes[n];
    if (!has_spare_pair(b))
        return -PECAN_ENOMEM;
    unsigned half = node->bits - 1u;
    uint32_t first_slot = 0;
    int err = b->operations->split(b->context, node->slot, half, &first_slot);
    if (err)
        return err;
    int pair = take_pair(b);
    for (int k = 0; k < 2; k++) {
        struct buddy_node *child = &b->nodes[pair + k];
        *child = unused_node();
        child->slot = first_slot + (uint32_t)k;
        child->bits = half;
        child->parent = n;
    }
    b->used_nodes += 2;
    node->state = BUDDY_SPLIT;
    node->children = pair;
    make_free(b, pair + 1);
    make_free(b, pair);
    return 0;
}

int buddy_alloc(struct buddy *b, unsigned bits)
{
    if (bits < BUDDY_MIN_BITS || bits > BUDDY_MAX_BITS)
        return -PECAN_ERANGE;
    unsigned have = bits;
    while (have <= BUDDY_MAX_BITS && b->free_lists[have] == BUDDY_NONE)
        have++;
    if (have > BUDDY_MAX_BITS)
        return -PECAN_ENOMEM;
    int n = b->free_lists[have];
    while (b->nodes[n].bits > bits) {
        take_free(b, n);
        int err = split(b, n);
        if (err) {
            make_free(b, n);
            return err == -PECAN_ENOMEM ? err : -PECAN_ENOMEM;
        }
        n = b->nodes[n].children;   /* the first half; the second stays free */
    }
    take_free(b, n);
    b->nodes[n].state = BUDDY_USED;
    return n;
}

static int buddy_of(int n)
{
    return n ^ 1;
}

uint32_t buddy_phys(const struct buddy *b, int n)
{
    uint32_t offset = 0;
    for (; b->nodes[n].parent != BUDDY_NONE; n = b->nodes[n].parent)
        offset += (uint32_t)(n & 1) << b->nodes[n].bits;   /* the second half of its pair */
    return b->root_phys[n] + offset;
}

int buddy_free(struct buddy *b, int n)
{
    if (n < 0 || n >= b->fresh || b->nodes[n].state != BUDDY_USED)
        return -PECAN_EINVAL;
    for (;;) {
        struct buddy_node *node = &b->nodes[n];
        int parent = node->parent;
        if (parent == BUDDY_NONE || b->nodes[buddy_of(n)].state != BUDDY_FREE)
            break;
        struct buddy_node *up = &b->nodes[parent];
        int pair = n & ~1;
        if (b->operations->merge(b->context, up->slot, b->nodes[pair].slot) != 0)
            break;   /* keep the halves apart: still consistent, only less merged */
        take_free(b, buddy_of(n));
        give_pair(b, pair);
        b->used_nodes -= 2;
        up->children = BUDDY_NONE;
        up->state = BUDDY_USED;   /* made free below or by the next round */
        n = parent;
    }
    make_free(b, n);
    return 0;
}

/* Problems with split node i and its pair. */
static unsigned check_split(const struct buddy *b, int i)
{
    const struct buddy_node *node = &b->nodes[i];
    if (node->children < BUDDY_MAX_ROOTS || node->children > b->fresh - 2 || (node->children & 1))
        return 1;
    unsigned problems = 0;
    const struct buddy_node *c = &b->nodes[node->children];
    if (c[0].parent != i || c[1].parent != i || c[0].bits + 1u != node->bits ||
        c[1].bits + 1u != node->bits)
        problems++;
    if (c[0].state == BUDDY_FREE && c[1].state == BUDDY_FREE)
        problems++;
    return problems;
}

/* Problems with the free lists: a node on the wrong list, or a list that does not end. */
static unsigned check_free_lists(const struct buddy *b)
{
    unsigned problems = 0;
    for (int bits = 0; bits <= BUDDY_MAX_BITS; bits++) {
        int32_t steps = 0;
        for (int n = b->free_lists[bits]; n != BUDDY_NONE; n = b->nodes[n].next) {
            if (n < 0 || n >= b->fresh || ++steps > b->fresh)
                return problems + 1;
            if (b->nodes[n].state != BUDDY_FREE || b->nodes[n].bits != bits)
                problems++;
        }
    }
    return problems;
}

/* Problems with the spare list: a pair in use on it, or a list that does not end. */
static unsigned check_spare_pairs(const struct buddy *b)
{
    unsigned problems = 0;
    int32_t steps = 0;
    for (int pair = b->spare_pairs; pair != BUDDY_NONE; pair = b->nodes[pair].next) {
        if (pair < BUDDY_MAX_ROOTS || pair > b->fresh - 2 || ++steps > b->fresh)
            return problems + 1;
        if (b->nodes[pair].state != BUDDY_UNUSED || b->nodes[pair + 1].state != BUDDY_UNUSED)
            problems++;
    }
    return problems;
}

unsigned buddy_check(const struct buddy *b)
{
    unsigned problems = 0;
    uint32_t free_bytes = 0, in_tree = 0;
    if (b->fresh > b->capacity)
        problems++;
    for (int i = 0; i < b->fresh; i++) {
        const struct buddy_node *node = &b->nodes[i];
        if (node->state != BUDDY_UNUSED)
            in_tree++;
        if (node->state == BUDDY_FREE)
            free_bytes += 1u << node->bits;
        if (node->state == BUDDY_SPLIT)
            problems += check_split(b, i);
    }
    if (free_bytes != b->free_bytes || in_tree != b->used_nodes)
        problems++;
    return problems + check_free_lists(b) + check_spare_pairs(b);
}
