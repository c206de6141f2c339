/* SPDX-License-Identifier: MIT */
/*
 * moe's memory (memory.h): the capability work behind the buddy allocator (buddy.c), the
 * page pool of 4 KiB pages (page_pool.c), moe's CNode slots (slot_allocator.c), the
 * window in which moe sees every frame it hands out, and moe's tables sized from RAM
 * (memory_alloc_table).
 *
 * Start-up order: the buddy allocator begins on a small static array of nodes, enough for
 * the roots and the splits of the first two blocks (the window's page tables, then the
 * first table block); once the window is in place, the nodes move to a table sized by
 * buddy_nodes_needed (so no client can use up the nodes: buddy.h), and the page pool gets
 * its table of groups.
 *
 * Invariants: every RAM frame moe hands out is mapped at memory_local(phys) through moe's
 * own capability, so revoking that capability (or unmapping the page in moe's space)
 * takes it from every task it reached; the window's page tables are installed once at
 * start-up and never removed; tables are never freed.
 */
#include "memory.h"

#include <pecan/errors.h>
#include <pecan/sys.h>

#include "buddy.h"
#include "page_pool.h"
#include "slot_allocator.h"

#define MOE_CNODE PECAN_ROOT_CNODE
#define MOE_VSPACE PECAN_ROOT_VSPACE
#define SLOT_DEPTH 32
#define MIB_BITS 20
#define WINDOW_RIGHTS (PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_MAP_EXECUTE)
/* Splits before the nodes move: at most BUDDY_MAX_BITS - BUDDY_MIN_BITS for each of the
 * two blocks taken before (the window's page tables and the table block for the nodes). */
#define BOOTSTRAP_PAIRS (2 * (BUDDY_MAX_BITS - BUDDY_MIN_BITS) + 2)
#define BOOTSTRAP_NODES (BUDDY_MAX_ROOTS + 2 * BOOTSTRAP_PAIRS)
#define TABLE_BLOCK_MIN_BITS 16
#define TABLE_BLOCK_MAX_BITS 24     /* memory_alloc_contiguous's largest */
#define TABLE_ALIGN 8u

_Static_assert(PECAN_ROOT_CNODE_MAX_BITS <= BUDDY_SLOT_BITS, "a buddy node holds any slot");

uint32_t memory_ram_base;

static struct slot_allocator slots;
static struct buddy_node bootstrap_nodes[BOOTSTRAP_NODES];
static struct buddy buddy;
static struct page_pool pool;
static struct quota own_quota;
static struct memory_block window_tables;

/* The rest of the last table block: tables are cut from it until it is too small. */
static struct {
    uint8_t *next;
    uint32_t left;
} table_space;

/* ---- slots ---------------------------------------------------------------------------- */

/* Slots of the allocator itself: untyped of split blocks and the objects of blocks. */
static unsigned own_slots;

static pecan_cap_t own_slots_alloc(unsigned count)
{
    pecan_cap_t first = slot_allocator_alloc(&slots, count);
    if (first)
        own_slots += count;
    return first;
}

static void own_slots_free(pecan_cap_t first, unsigned count)
{
    slot_allocator_free(&slots, first, count);
    own_slots -= count;
}

/* Slots the rest of moe took (gates, received capabilities, ...). */
static unsigned other_slots;

pecan_cap_t moe_slot_alloc(void)
{
    return moe_slots_alloc(1);
}

void moe_slot_free(pecan_cap_t slot)
{
    moe_slots_free(slot, 1);
}

pecan_cap_t moe_slots_alloc(unsigned count)
{
    pecan_cap_t first = slot_allocator_alloc(&slots, count);
    if (first)
        other_slots += count;
    return first;
}

void moe_slots_free(pecan_cap_t first, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        if (slot_allocator_is_used(&slots, first + i) && other_slots > 0) {
            slot_allocator_free(&slots, first + i, 1);
            other_slots--;
        }
    }
}

unsigned moe_slot_free_count(void)
{
    return slots.free_count;
}

/* ---- the buddy allocator's capability work ------------------------------------------ */

static int split_untyped(void *context, uint32_t parent, unsigned child_bits, uint32_t *first)
{
    (void)context;
    pecan_cap_t children = own_slots_alloc(2);
    if (!children)
        return -PECAN_ENOMEM;
    int err = pecan_untyped_retype(parent, PECAN_OBJ_UNTYPED, child_bits, 2, MOE_CNODE, children);
    if (err) {
        own_slots_free(children, 2);
        return err;
    }
    *first = children;
    return 0;
}

static int merge_untyped(void *context, uint32_t parent, uint32_t first_child)
{
    (void)context;
    int err = pecan_cnode_revoke(MOE_CNODE, parent, SLOT_DEPTH);
    if (err)
        return err;
    own_slots_free(first_child, 2);
    return 0;
}

static const struct buddy_operations buddy_capability_work = {
    .split = split_untyped,
    .merge = merge_untyped,
};

/* ---- sizes ----------------------------------------------------------------------------- */

/* log2 of the bytes an object takes, or -1 for a bad type or size. */
static int object_bits(unsigned type, unsigned size_bits)
{
    switch (type) {
    case PECAN_OBJ_UNTYPED:
        return size_bits >= 12 && size_bits <= BUDDY_MAX_BITS ? (int)size_bits : -1;
    case PECAN_OBJ_THREAD:
        return 10;
    case PECAN_OBJ_GATE:
    case PECAN_OBJ_NOTIFICATION:
        return 5;
    case PECAN_OBJ_CNODE:
        return size_bits >= 1 && size_bits <= 16 ? (int)size_bits + 5 : -1;
    case PECAN_OBJ_VSPACE:
        return 14;
    case PECAN_OBJ_PAGE_TABLE:
        return 12;
    case PECAN_OBJ_FRAME:
        return size_bits == 12 || size_bits == 16 || size_bits == 20 ? (int)size_bits : -1;
    default:
        return -1;
    }
}

static unsigned block_bits_for(int bits)
{
    return bits < BUDDY_MIN_BITS ? BUDDY_MIN_BITS : (unsigned)bits;
}

/* ---- blocks ---------------------------------------------------------------------------- */

/* Takes a buddy block charged to q and retypes count objects of (type, size_bits) into
 * fresh consecutive slots. */
static int alloc_block(struct quota *q, unsigned block_bits, unsigned type, unsigned size_bits,
                       unsigned count, struct memory_block *block)
{
    uint32_t bytes = 1u << block_bits;
    if (quota_charge(q, bytes))
        return -PECAN_ENOMEM;
    int node = buddy_alloc(&buddy, block_bits);
    if (node < 0) {
        quota_release(q, bytes);
        return -PECAN_ENOMEM;
    }
    pecan_cap_t first = own_slots_alloc(count);
    if (!first) {
        buddy_free(&buddy, node);
        quota_release(q, bytes);
        return -PECAN_ENOMEM;
    }
    const struct buddy_node *n = buddy_node(&buddy, node);
    uint32_t phys = buddy_phys(&buddy, node);
    int err = pecan_untyped_retype(n->slot, type, size_bits, count, MOE_CNODE, first);
    if (err) {
        own_slots_free(first, count);
        buddy_free(&buddy, node);
        quota_release(q, bytes);
        return err == -PECAN_ENOASID ? err : -PECAN_ENOMEM;
    }
    *block = (struct memory_block){
        .untyped = n->slot, .object = first, .phys = phys, .size_bits = (uint8_t)block_bits,
        .type = (uint8_t)type, .count = (uint16_t)count, .node = node,
        .charged_to = q,
    };
    return 0;
}

/* Destroys everything retyped from a block and gives the block back (not the quota). */
static void release_block(pecan_cap_t untyped, int node, pecan_cap_t first, unsigned count)
{
    /* Revoke deletes every object and every capability derived from them, wherever they
     * are; deleting a frame capability removes its mapping and all mappings made from it. */
    pecan_cnode_revoke(MOE_CNODE, untyped, SLOT_DEPTH);
    own_slots_free(first, count);
    buddy_free(&buddy, node);
}

int memory_alloc_object(struct quota *q, unsigned type, unsigned size_bits,
                        struct memory_block *block)
{
    int bits = object_bits(type, size_bits);
    if (bits < 0)
        return -PECAN_EINVAL;
    return alloc_block(q, block_bits_for(bits), type, size_bits, 1, block);
}

int memory_alloc_untyped(struct quota *q, unsigned size_bits, pecan_cap_t cnode,
                         pecan_word_t slot, struct memory_block *block)
{
    if (size_bits < BUDDY_MIN_BITS || size_bits > BUDDY_MAX_BITS)
        return -PECAN_ERANGE;
    uint32_t bytes = 1u << size_bits;
    if (quota_charge(q, bytes))
        return -PECAN_ENOMEM;
    int node = buddy_alloc(&buddy, size_bits);
    if (node < 0) {
        quota_release(q, bytes);
        return -PECAN_ENOMEM;
    }
    /* A same-sized untyped, child of the block's: revoking the block takes it back with
     * everything the client retyped from it. The client's errors (no CNode, a full or
     * missing slot) are its own: passed on as they are. */
    const struct buddy_node *n = buddy_node(&buddy, node);
    int err = pecan_untyped_retype(n->slot, PECAN_OBJ_UNTYPED, size_bits, 1, cnode, slot);
    if (err) {
        buddy_free(&buddy, node);
        quota_release(q, bytes);
        return err;
    }
    *block = (struct memory_block){
        .untyped = n->slot, .object = 0, .phys = buddy_phys(&buddy, node),
        .size_bits = (uint8_t)size_bits, .type = PECAN_OBJ_UNTYPED, .count = 0, .node = node,
        .charged_to = q,
    };
    return 0;
}

/* Maps frames first .. first + count - 1 of 2^frame_bits bytes from phys in the window. */
static int map_in_window(pecan_cap_t first, unsigned count, unsigned frame_bits, uint32_t phys)
{
    for (unsigned i = 0; i < count; i++) {
        uint32_t at = (uint32_t)(uintptr_t)memory_local(phys + (i << frame_bits));
        int err = pecan_vspace_map_frame(MOE_VSPACE, first + i, at, WINDOW_RIGHTS, 0);
        if (err)
            return err;
    }
    return 0;
}

static int alloc_mapped(struct quota *q, unsigned block_bits, unsigned frame_bits,
                        struct memory_block *block)
{
    unsigned count = 1u << (block_bits - frame_bits);
    int err = alloc_block(q, block_bits, PECAN_OBJ_FRAME, frame_bits, count, block);
    if (err)
        return err;
    err = map_in_window(block->object, count, frame_bits, block->phys);
    if (err) {
        memory_free(block);
        return err;
    }
    return 0;
}

/* ---- the page pool --------------------------------------------------------------------- */

/* A fresh 64 KiB group: a block retyped into one 64 KiB frame mapped in the window. Its
 * memory is moe's until pages are taken, so it is charged to nobody. */
static int grow_pool(void)
{
    int node = buddy_alloc(&buddy, PAGE_POOL_GROUP_BITS);
    if (node < 0)
        return -PECAN_ENOMEM;
    const struct buddy_node *n = buddy_node(&buddy, node);
    uint32_t phys = buddy_phys(&buddy, node);
    pecan_cap_t frame = own_slots_alloc(1);
    if (!frame) {
        buddy_free(&buddy, node);
        return -PECAN_ENOMEM;
    }
    int err = pecan_untyped_retype(n->slot, PECAN_OBJ_FRAME, PAGE_POOL_GROUP_BITS, 1, MOE_CNODE,
                                   frame);
    if (!err)
        err = map_in_window(frame, 1, PAGE_POOL_GROUP_BITS, phys);
    if (!err)
        err = page_pool_add_group(&pool, phys, node, frame);
    if (err) {
        release_block(n->slot, node, frame, 1);
        return -PECAN_ENOMEM;
    }
    return 0;
}

static int alloc_pool_page(struct quota *q, struct memory_block *block)
{
    if (quota_charge(q, 1u << 12))
        return -PECAN_ENOMEM;
    uint32_t phys;
    if (page_pool_take(&pool, &phys) != 0 && (grow_pool() != 0 || page_pool_take(&pool, &phys) != 0)) {
        quota_release(q, 1u << 12);
        return -PECAN_ENOMEM;
    }
    const struct page_group *group = page_pool_group(&pool, phys);
    *block = (struct memory_block){
        .untyped = buddy_node(&buddy, group->node)->slot, .object = 0, .phys = phys,
        .size_bits = 12, .type = PECAN_OBJ_FRAME, .count = 1, .node = -1, .charged_to = q,
    };
    return 0;
}

static void zero_page(void *page)
{
    uint64_t *p = page;
    for (unsigned i = 0; i < 4096 / sizeof(*p); i += 4) {
        p[i] = 0;
        p[i + 1] = 0;
        p[i + 2] = 0;
        p[i + 3] = 0;
    }
}

static void free_pool_page(uint32_t phys)
{
    void *local = memory_local(phys);
    /* Every mapping memory items made from moe's page goes, in every task, recursively;
     * moe's own mapping (the 64 KiB frame's) stays. */
    pecan_vspace_unmap(MOE_VSPACE, (uint32_t)(uintptr_t)local, 12, 0);
    zero_page(local);
    if (page_pool_give(&pool, phys) != 1)
        return;
    /* The group is entirely free: give it back unless it is the only free memory in the
     * pool (so a task that takes and frees one page does not retype a group each time). */
    if (pool.free_pages < 2 * PAGE_POOL_PAGES_PER_GROUP)
        return;
    int node;
    uint32_t frame;
    uint32_t group_phys = phys & ~((1u << PAGE_POOL_GROUP_BITS) - 1);
    if (page_pool_remove_group(&pool, group_phys, &node, &frame) == 0)
        release_block(buddy_node(&buddy, node)->slot, node, frame, 1);
}

int memory_alloc_frame(struct quota *q, unsigned size_bits, struct memory_block *block)
{
    if (size_bits == 12)
        return alloc_pool_page(q, block);
    if (size_bits == 16)
        return alloc_mapped(q, 16, 16, block);
    return -PECAN_ERANGE;
}

unsigned memory_contiguous_frame_bits(unsigned size_bits)
{
    return size_bits >= 16 ? 16 : 12;
}

int memory_alloc_contiguous(struct quota *q, unsigned size_bits, struct memory_block *block)
{
    if (size_bits < 12 || size_bits > 24)
        return -PECAN_ERANGE;
    return alloc_mapped(q, size_bits, memory_contiguous_frame_bits(size_bits), block);
}

void memory_free(struct memory_block *block)
{
    if (!block->charged_to)
        return;   /* already freed (or never allocated) */
    if (block->node < 0)
        free_pool_page(block->phys);
    else
        release_block(block->untyped, block->node, block->object, block->count);
    quota_release(block->charged_to, 1u << block->size_bits);
    block->charged_to = 0;
    block->object = 0;
}

/* ---- tables ---------------------------------------------------------------------------- */

static int new_table_block(uint32_t bytes)
{
    unsigned bits = TABLE_BLOCK_MIN_BITS;
    while ((1u << bits) < bytes) {
        if (bits == TABLE_BLOCK_MAX_BITS)
            return -PECAN_ENOMEM;
        bits++;
    }
    /* The block is moe's for good: its record is not kept, it is never freed. */
    struct memory_block block;
    int err = memory_alloc_contiguous(&own_quota, bits, &block);
    if (err)
        return err;
    table_space.next = memory_local(block.phys);
    table_space.left = 1u << bits;
    return 0;
}

void *memory_alloc_table(uint32_t bytes)
{
    bytes = (bytes + TABLE_ALIGN - 1) & ~(TABLE_ALIGN - 1);
    if (bytes > table_space.left && new_table_block(bytes) != 0)
        return 0;
    void *table = table_space.next;
    table_space.next += bytes;
    table_space.left -= bytes;
    return table;
}

/* ---- start-up -------------------------------------------------------------------------- */

static uint32_t ram_base_of(const struct pecan_bootinfo *info)
{
    uint32_t base = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < info->cap_count && i < PECAN_BOOTINFO_MAX_CAPS; i++) {
        const struct pecan_bootinfo_cap *cap = &info->caps[i];
        if (cap->kind == PECAN_BOOTINFO_UNTYPED && cap->paddr < base)
            base = cap->paddr;
    }
    return base & ~((1u << MIB_BITS) - 1);
}

static int take_untyped(const struct pecan_bootinfo *info)
{
    for (uint32_t i = 0; i < info->cap_count && i < PECAN_BOOTINFO_MAX_CAPS; i++) {
        const struct pecan_bootinfo_cap *cap = &info->caps[i];
        if (cap->kind != PECAN_BOOTINFO_UNTYPED)   /* device untyped are iomem.c's */
            continue;
        if (cap->paddr + (1u << cap->size_bits) - memory_ram_base >
            MEMORY_WINDOW_LIMIT - MEMORY_WINDOW_BASE)
            continue;   /* beyond the window: moe could not see it */
        int err = buddy_add_root(&buddy, cap->slot, cap->paddr, cap->size_bits);
        if (err)
            return err;
    }
    return 0;
}

/* Page tables for every MiB of the window that holds RAM, in one block. */
static int install_window(uint32_t ram_size)
{
    unsigned tables = (ram_size + (1u << MIB_BITS) - 1) >> MIB_BITS;
    unsigned bits = 12;
    while ((1u << (bits - 12)) < tables)
        bits++;
    int err = alloc_block(&own_quota, bits, PECAN_OBJ_PAGE_TABLE, 0, tables, &window_tables);
    if (err)
        return err;
    for (unsigned i = 0; i < tables; i++) {
        err = pecan_vspace_map_page_table(MOE_VSPACE, window_tables.object + i,
                                          MEMORY_WINDOW_BASE + (i << MIB_BITS));
        if (err)
            return err;
    }
    return 0;
}

/* The buddy's nodes from the bootstrap array to a table for the whole tree (buddy.h). */
static int move_buddy_nodes(void)
{
    uint32_t capacity = buddy_nodes_needed(&buddy);
    if (capacity <= BOOTSTRAP_NODES)
        return 0;   /* so little RAM that the bootstrap array holds every node */
    struct buddy_node *nodes = memory_alloc_table(capacity * (uint32_t)sizeof(*nodes));
    if (!nodes)
        return -PECAN_ENOMEM;
    return buddy_move_nodes(&buddy, nodes, capacity);
}

static int init_page_pool(uint32_t ram_size)
{
    uint32_t groups = page_pool_groups_for(ram_size);
    struct page_group *table = memory_alloc_table(groups * (uint32_t)sizeof(*table));
    if (!table)
        return -PECAN_ENOMEM;
    page_pool_init(&pool, table, memory_ram_base, ram_size);
    return 0;
}

int memory_init(const struct pecan_bootinfo *info)
{
    uint32_t cnode_slots = 1u << info->root_cnode_bits;
    if (cnode_slots > SLOT_ALLOCATOR_MAX_SLOTS)
        cnode_slots = SLOT_ALLOCATOR_MAX_SLOTS;
    slot_allocator_init(&slots, info->first_free_slot, cnode_slots);
    quota_init(&own_quota, 0, 0xFFFFFFFFu);
    buddy_init(&buddy, bootstrap_nodes, BOOTSTRAP_NODES, &buddy_capability_work, 0);
    memory_ram_base = ram_base_of(info);
    if (memory_ram_base == 0xFFFFFFFFu)
        return -PECAN_ENOMEM;
    uint32_t ram_size = info->ram_size;
    if (ram_size > MEMORY_WINDOW_LIMIT - MEMORY_WINDOW_BASE)
        ram_size = MEMORY_WINDOW_LIMIT - MEMORY_WINDOW_BASE;
    int err = take_untyped(info);
    if (!err)
        err = install_window(ram_size);
    if (!err)
        err = move_buddy_nodes();
    if (!err)
        err = init_page_pool(ram_size);
    return err;
}

struct quota *memory_own_quota(void)
{
    return &own_quota;
}

static uint32_t in_transit;

void memory_in_transit(int32_t delta)
{
    in_transit += (uint32_t)delta;
}

uint32_t memory_free_bytes(void)
{
    return buddy.free_bytes + pool.free_pages * 4096u + in_transit;
}

uint32_t memory_total_bytes(void)
{
    return buddy.total_bytes;
}

unsigned memory_check(void)
{
    unsigned problems = buddy_check(&buddy) + page_pool_check(&pool);
    /* Every slot in use is a boot capability or accounted for by someone. */
    unsigned in_use = slots.limit - slots.first - slots.free_count;
    if (in_use != own_slots + other_slots)
        problems++;
    /* The allocator's slots: the untyped of every split-off node, and the objects of
     * blocks (checked against the buddy: each non-root node in the tree has a slot). */
    if (buddy.used_nodes - (uint32_t)buddy.root_count > own_slots)
        problems++;
    return problems;
}
