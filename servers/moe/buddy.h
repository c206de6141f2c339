/* SPDX-License-Identifier: MIT */
/*
 * Buddy bookkeeping over untyped capabilities (docs/runtime.md, "Memory and quotas in
 * moe"). A node is one untyped capability of 2^bits bytes. A root is an untyped the kernel
 * handed over; splitting a free node retypes it into two half-size untyped children (a
 * pair of nodes, the "buddies"); freeing a node whose buddy is free too merges them by
 * revoking their parent. The capability work is done by the caller's operations
 * (struct buddy_operations), so this file is portable and host-tested
 * (tests/unit/test_moe_memory.c).
 *
 * Node storage is the caller's: buddy_init takes an array, buddy_move_nodes moves the
 * nodes to a larger one (moe starts on a small static array and moves to one sized by
 * buddy_nodes_needed once it can allocate memory of its own). Indices stay valid across a
 * move, so a node index is a stable handle.
 *
 * Why nodes never run out before memory does: every node is a block of at least
 * 2^BUDDY_MIN_BITS (4 KiB) of the roots' memory, and the leaves of the trees (FREE and
 * USED nodes) are disjoint blocks, so there are at most L = total_bytes / 4 KiB of them.
 * In R trees in which every inner node has two children, L leaves make L - R inner nodes,
 * each the parent of one pair: at most L pairs, 2L nodes besides the roots. So with
 * buddy_nodes_needed() nodes (the root indices plus two per 4 KiB page) a split can only
 * fail for lack of memory, never for lack of a node: whatever one client does to fragment
 * memory, it cannot use up the nodes the others need.
 *
 * Invariants: a FREE node's untyped has no children (it can be retyped); a SPLIT node has
 * exactly its two child nodes as children and never both of them FREE (they would have
 * been merged); free_bytes is the sum of the sizes of the FREE nodes; nodes at or above
 * fresh have never been used (they are neither in the tree nor on the spare list).
 */
#ifndef MOE_BUDDY_H
#define MOE_BUDDY_H

#include <stdint.h>

#define BUDDY_MAX_ROOTS 64      /* nodes 0 .. 63; pairs of buddies follow */
#define BUDDY_MIN_BITS 12
#define BUDDY_MAX_BITS 31
#define BUDDY_NONE (-1)

enum buddy_state {
    BUDDY_UNUSED = 0,   /* node not in the tree */
    BUDDY_FREE = 1,     /* leaf untyped, on its free list */
    BUDDY_SPLIT = 2,    /* has two children */
    BUDDY_USED = 3,     /* handed out: the caller retypes objects from it */
};

/* 16 bytes: the table holds two nodes per 4 KiB page (see above), and at 16 bytes the
 * table for 128 MiB of RAM fits one 1 MiB block. So a node keeps no address (buddy_phys walks up to the root: a pair's first
 * half starts at its parent, the second 2^bits later), its slot, size and state share a
 * word, and a SPLIT node, never on a free list, keeps its children where a FREE one keeps
 * its previous list entry. */
#define BUDDY_SLOT_BITS 24      /* slots below 2^24 (moe's CNode has at most 2^18) */

struct buddy_node {
    uint32_t slot : BUDDY_SLOT_BITS;   /* the untyped capability */
    uint32_t bits : 5;
    uint32_t state : 3;
    int32_t parent;         /* BUDDY_NONE for a root */
    union {
        int32_t prev;       /* FREE: free list of its size */
        int32_t children;   /* SPLIT: first of the pair (children + 1 is the second) */
    };
    int32_t next;           /* FREE: free list of its size; first of a spare pair: spare list */
};

struct buddy_operations {
    /* Retypes the untyped in slot parent into two untyped of 2^child_bits in consecutive
     * empty slots; *first_child receives the first. 0 or a negative error. */
    int (*split)(void *context, uint32_t parent, unsigned child_bits, uint32_t *first_child);
    /* Revokes the untyped in slot parent (deleting its two children in first_child and
     * first_child + 1) and gives those slots back. 0 or a negative error. */
    int (*merge)(void *context, uint32_t parent, uint32_t first_child);
};

struct buddy {
    struct buddy_node *nodes;                 /* the caller's array of capacity nodes */
    int32_t capacity;
    int32_t fresh;                            /* nodes fresh .. capacity - 1 never used */
    int32_t spare_pairs;                      /* pairs given back by merges, linked by next */
    int32_t root_count;                       /* nodes 0 .. root_count - 1 are roots */
    uint32_t root_phys[BUDDY_MAX_ROOTS];      /* their addresses */
    int32_t free_lists[BUDDY_MAX_BITS + 1];   /* by bits */
    uint32_t free_bytes;
    uint32_t total_bytes;
    uint32_t used_nodes;
    const struct buddy_operations *operations;
    void *context;
};

/* Starts an empty allocator on nodes[capacity] (capacity > BUDDY_MAX_ROOTS; the array
 * need not be initialised). */
void buddy_init(struct buddy *b, struct buddy_node *nodes, uint32_t capacity,
                const struct buddy_operations *operations, void *context);
/* Adds a root untyped (all roots first, before any allocation). 0, -PECAN_ENOMEM when out
 * of root nodes, -PECAN_EINVAL for a size out of range, an unaligned address or a slot
 * from 2^BUDDY_SLOT_BITS. */
int buddy_add_root(struct buddy *b, uint32_t slot, uint32_t phys, unsigned bits);
/* Nodes for the roots added so far never to run out (see "Why nodes never run out"). */
uint32_t buddy_nodes_needed(const struct buddy *b);
/* Moves the nodes to nodes[capacity] (not initialised, capacity at least the current
 * one): every node keeps its index, the added ones are spare. The old array is no longer
 * used. 0, or -PECAN_EINVAL if capacity is smaller than the current one. */
int buddy_move_nodes(struct buddy *b, struct buddy_node *nodes, uint32_t capacity);
/* A node of exactly 2^bits bytes, now USED (the smallest free block that fits is split
 * down). Returns the node index, or -PECAN_ENOMEM (-PECAN_ERANGE for a bad size). */
int buddy_alloc(struct buddy *b, unsigned bits);
/* Returns a USED node (its untyped must have no children again) and merges buddies.
 * 0, or -PECAN_EINVAL if the node is not USED. */
int buddy_free(struct buddy *b, int node);

static inline const struct buddy_node *buddy_node(const struct buddy *b, int node)
{
    return &b->nodes[node];
}

/* The physical address of a node's block (a walk up to its root: at most
 * BUDDY_MAX_BITS - BUDDY_MIN_BITS steps). */
uint32_t buddy_phys(const struct buddy *b, int node);

/* Consistency check for tests and the memory report: 0 or the number of problems. Visits
 * the nodes ever used (below fresh), not the whole capacity. */
unsigned buddy_check(const struct buddy *b);

#endif
