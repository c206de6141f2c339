/* SPDX-License-Identifier: MIT */
/*
 * captest's allocators: root CNode slots for the running case (a bump pointer, reset per
 * case, below the pool slots and, for large runs, above them), slots the untyped pool keeps across cases (a bitmap at the top of the root
 * CNode), and the untyped pool itself: a buddy split of the boot-info RAM untyped. A split
 * retypes a free untyped into two halves (retype needs a leaf untyped, and a split one no
 * longer is); freeing revokes the block and merges free halves back by revoking their
 * parent, so after every case the pool is exactly the boot untyped again.
 */
#include "captest.h"

#define PERSISTENT_FIRST 3072u          /* pool slots: 3072 .. 4095 */
#define PERSISTENT_COUNT 1024u
#define HIGH_FIRST (PERSISTENT_FIRST + PERSISTENT_COUNT)   /* case slots 4096 .. the end */
#define HIGH_END ROOT_CNODE_SLOTS
#define POOL_MAX 512
#define CASE_OBJECTS 256

enum node_state { NODE_UNUSED, NODE_FREE, NODE_SPLIT, NODE_USED };

struct ut_node {
    pecan_cap_t slot;
    pecan_word_t paddr;
    uint8_t bits;
    uint8_t state;
    int16_t parent;
    int16_t child;              /* first of the two halves (child + 1 is the second) */
};

static struct ut_node pool[POOL_MAX];
static unsigned pool_roots;                       /* nodes 0 .. pool_roots-1: boot untyped */
static uint8_t persistent_used[PERSISTENT_COUNT];
static pecan_cap_t case_first_slot, case_next_slot, case_next_high = HIGH_FIRST;
static struct { pecan_cap_t slot, untyped; } case_objects[CASE_OBJECTS];
static unsigned case_object_count;

pecan_cap_t slot_alloc(void)
{
    return slots_alloc(1);
}

pecan_cap_t slots_alloc(unsigned count)
{
    pecan_cap_t first;
    if (case_next_slot + count <= PERSISTENT_FIRST) {
        first = case_next_slot;
        case_next_slot += count;
    } else if (case_next_high + count <= HIGH_END) {
        first = case_next_high;
        case_next_high += count;
    } else {
        ut_fail(__FILE__, __LINE__, "out of root CNode slots");
        return 0;
    }
    return first;
}

static pecan_cap_t persistent_pair(void)
{
    for (unsigned i = 0; i + 1 < PERSISTENT_COUNT; i += 2) {
        if (!persistent_used[i]) {
            persistent_used[i] = persistent_used[i + 1] = 1;
            return PERSISTENT_FIRST + i;
        }
    }
    return 0;
}

static void persistent_release_pair(pecan_cap_t slot)
{
    persistent_used[slot - PERSISTENT_FIRST] = 0;
    persistent_used[slot - PERSISTENT_FIRST + 1] = 0;
}

static int node_new(void)
{
    for (int i = (int)pool_roots; i < POOL_MAX - 1; i += 2) {
        if (pool[i].state == NODE_UNUSED)
            return i;
    }
    return -1;
}

/* Splits a free node into two free halves; returns the first or -1. */
static int split(int n)
{
    int c = node_new();
    pecan_cap_t slots = persistent_pair();
    if (c < 0 || !slots) {
        ut_fail(__FILE__, __LINE__, "untyped pool: out of nodes or slots");
        return -1;
    }
    unsigned half = pool[n].bits - 1u;
    int err = pecan_untyped_retype(pool[n].slot, PECAN_OBJ_UNTYPED, half, 2, ROOT, slots);
    if (err) {
        ut_fail(__FILE__, __LINE__, "untyped pool: split of slot %u failed: %s",
                (unsigned)pool[n].slot, err_name(err));
        persistent_release_pair(slots);
        return -1;
    }
    for (int k = 0; k < 2; k++) {
        pool[c + k] = (struct ut_node){
            .slot = slots + (pecan_cap_t)k, .paddr = pool[n].paddr + ((pecan_word_t)k << half),
            .bits = (uint8_t)half, .state = NODE_FREE, .parent = (int16_t)n, .child = -1,
        };
    }
    pool[n].state = NODE_SPLIT;
    pool[n].child = (int16_t)c;
    return c;
}

static int best_free(unsigned size_bits)
{
    int best = -1;
    for (int i = 0; i < POOL_MAX; i++) {
        if (pool[i].state == NODE_FREE && pool[i].bits >= size_bits &&
            (best < 0 || pool[i].bits < pool[best].bits))
            best = i;
    }
    return best;
}

pecan_cap_t ut_alloc(unsigned size_bits)
{
    int n = best_free(size_bits);
    if (n < 0) {
        ut_fail(__FILE__, __LINE__, "untyped pool: no block of 2^%u bytes left", size_bits);
        return 0;
    }
    while (n >= 0 && pool[n].bits > size_bits)
        n = split(n);
    if (n < 0)
        return 0;
    pool[n].state = NODE_USED;
    return pool[n].slot;
}

static int node_of(pecan_cap_t slot)
{
    for (int i = 0; i < POOL_MAX; i++) {
        if (pool[i].state != NODE_UNUSED && pool[i].slot == slot)
            return i;
    }
    return -1;
}

pecan_word_t ut_paddr(pecan_cap_t untyped)
{
    int n = node_of(untyped);
    return n < 0 ? 0 : pool[n].paddr;
}

/* Both halves free: revoke the parent (deleting the halves) and free it in turn. */
static void merge(int n)
{
    int p = pool[n].parent;
    if (p < 0)
        return;
    int c = pool[p].child;
    if (pool[c].state != NODE_FREE || pool[c + 1].state != NODE_FREE)
        return;
    int err = cap_revoke(pool[p].slot);
    if (err) {
        ut_fail(__FILE__, __LINE__, "untyped pool: merge revoke failed: %s", err_name(err));
        return;
    }
    persistent_release_pair(pool[c].slot);
    pool[c].state = pool[c + 1].state = NODE_UNUSED;
    pool[p].state = NODE_FREE;
    pool[p].child = -1;
    merge(p);
}

void ut_free(pecan_cap_t untyped)
{
    int n = node_of(untyped);
    if (n < 0 || pool[n].state != NODE_USED) {
        ut_fail(__FILE__, __LINE__, "ut_free: slot %u is not an allocated untyped",
                (unsigned)untyped);
        return;
    }
    int err = cap_revoke(untyped);
    if (err)
        ut_fail(__FILE__, __LINE__, "ut_free: revoke of slot %u failed: %s",
                (unsigned)untyped, err_name(err));
    pool[n].state = NODE_FREE;
    merge(n);
}

unsigned untyped_leaf_snapshot(uint8_t *leaf, unsigned max)
{
    unsigned n = 0;
    for (int i = 0; i < POOL_MAX && n < max; i++) {
        if (pool[i].state == NODE_UNUSED)
            continue;
        int is_leaf = -1;
        if (pecan_untyped_info(pool[i].slot, 0, 0, 0, &is_leaf) != 0)
            is_leaf = 2;   /* gone: also a difference */
        leaf[n++] = (uint8_t)is_leaf;
    }
    return n;
}

unsigned obj_size_bits(unsigned type, unsigned size_bits)
{
    switch (type) {
    case PECAN_OBJ_UNTYPED: return size_bits;
    case PECAN_OBJ_THREAD: return 10;
    case PECAN_OBJ_GATE: return 5;
    case PECAN_OBJ_NOTIFICATION: return 5;
    case PECAN_OBJ_CNODE: return size_bits + 5;
    case PECAN_OBJ_VSPACE: return 14;
    case PECAN_OBJ_PAGE_TABLE: return 12;
    case PECAN_OBJ_FRAME: return size_bits;
    default: return 0;
    }
}

pecan_cap_t obj_new(unsigned type, unsigned size_bits)
{
    unsigned bits = obj_size_bits(type, size_bits);
    pecan_cap_t untyped = ut_alloc(bits < 12 ? 12 : bits);
    pecan_cap_t slot = slot_alloc();
    if (!untyped || !slot)
        return 0;
    int err = pecan_untyped_retype(untyped, type, size_bits, 1, ROOT, slot);
    if (err) {
        ut_fail(__FILE__, __LINE__, "obj_new: retype of type %u/%u failed: %s", type,
                size_bits, err_name(err));
        ut_free(untyped);
        return 0;
    }
    if (case_object_count < CASE_OBJECTS) {
        case_objects[case_object_count].slot = slot;
        case_objects[case_object_count++].untyped = untyped;
    }
    return slot;
}

void obj_free(pecan_cap_t slot)
{
    for (unsigned i = 0; i < case_object_count; i++) {
        if (case_objects[i].slot == slot && case_objects[i].untyped) {
            ut_free(case_objects[i].untyped);
            case_objects[i].untyped = 0;
            return;
        }
    }
    ut_fail(__FILE__, __LINE__, "obj_free: slot %u was not made by obj_new", (unsigned)slot);
}

void alloc_init(void)
{
    for (unsigned i = 0; i < bootinfo->cap_count && pool_roots < POOL_MAX / 4; i++) {
        const struct pecan_bootinfo_cap *c = &bootinfo->caps[i];
        if (c->kind != PECAN_BOOTINFO_UNTYPED || c->size_bits < 12)
            continue;
        pool[pool_roots++] = (struct ut_node){
            .slot = c->slot, .paddr = c->paddr, .bits = (uint8_t)c->size_bits,
            .state = NODE_FREE, .parent = -1, .child = -1,
        };
    }
    case_first_slot = case_next_slot = bootinfo->first_free_slot;
}

void alloc_case_begin(void)
{
    case_next_slot = case_first_slot;
    case_next_high = HIGH_FIRST;
    case_object_count = 0;
}

/* Revokes every block still in use, then checks the slots of the case are empty. */
static void release_leftovers(void)
{
    for (int i = 0; i < POOL_MAX; i++) {
        if (pool[i].state == NODE_USED)
            ut_free(pool[i].slot);
    }
}

static void check_slots_empty(void)
{
    for (pecan_cap_t s = case_first_slot; s < case_next_high; s++) {
        if (s == case_next_slot)
            s = HIGH_FIRST;
        if (s >= case_next_high)
            break;
        unsigned type = cap_type(s);
        if (type == CAPK_NULL)
            continue;
        ut_fail(__FILE__, __LINE__, "case left a capability (type %u) in root slot %u", type,
                (unsigned)s);
        cap_delete(s);
    }
}

static void check_pool_whole(void)
{
    for (unsigned i = 0; i < pool_roots; i++) {
        int leaf = 0;
        if (pool[i].state != NODE_FREE ||
            pecan_untyped_info(pool[i].slot, 0, 0, 0, &leaf) != 0 || !leaf)
            ut_fail(__FILE__, __LINE__, "boot untyped in slot %u is not whole and free again",
                    (unsigned)pool[i].slot);
    }
}

void alloc_case_end(void)
{
    release_leftovers();
    check_slots_empty();
    check_pool_whole();
}
