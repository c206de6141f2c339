/* SPDX-License-Identifier: MIT */
/*
 * moe's region maps (protocol/region_map.h, region_map.h): which dataspace backs which
 * range of a task's address space, and the task's pager. A page fault arrives through the
 * region map's gate as a call the kernel makes for the faulting thread; the reply carries
 * a memory item of the dataspace's page from moe's own mapping, so one fault is one IPC
 * round trip. Before replying, the task gets a page table for the fault's MiB (the kernel
 * takes page tables for received pages only from the receiver), charged to its quota.
 *
 * Invariants: regions are sorted and disjoint (region_tree.c) and lie below the UTCB area;
 * an attached dataspace counts the attachment (dataspace_attached) until it is detached;
 * mib_tables has bit m set exactly when the task has a page table for MiB m that moe
 * installed or found installed; the records of the ones moe installed are table_count
 * memory blocks in table_pages (TABLES_PER_PAGE per page, pages allocated as the count
 * grows, each charged to the task's quota like the tables), so a task gets page tables
 * for every MiB its quota pays for.
 *
 * Faults: only the kernel sends fault messages through the pager copy the task's threads
 * were configured with (task.c mints it with SERVER_RIGHT_FAULTS); the server loop
 * refuses a fault label through any other copy, and the handlers check it again. A fault
 * the map cannot resolve, and every exception, ends the whole task (task_crash): the
 * faulting thread is destroyed with it, so it gets no reply, and the region map itself is
 * gone when the handler returns.
 */
#include <lib/string.h>
#include <pecan/env.h>
#include <pecan/protocol/dataspace.h>
#include <pecan/protocol/region_map.h>
#include <pecan/protocol/task.h>

#include "dataspace.h"
#include "region_map.h"
#include "region_tree.h"
#include "record.h"

#define PAGE_SIZE 4096u
#define MIB_BITS 20
#define USER_LIMIT 0xBF000000u
#define MIB_COUNT (USER_LIMIT >> MIB_BITS)
#define TABLES_AT_ATTACH_LIMIT (16u << MIB_BITS)
#define RIGHTS (PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_MAP_EXECUTE)
#define NO_REGION_BEFORE PECAN_ENV_UTCB_AREA   /* the UTCB area and above are the task's */
#define TABLES_PER_PAGE (PAGE_SIZE / sizeof(struct memory_block))
#define TABLE_PAGES ((MIB_COUNT + TABLES_PER_PAGE - 1) / TABLES_PER_PAGE)

struct region_map {
    struct server_object server;
    struct memory_block gate;
    struct task *task;                  /* whose address space: it owns the map */
    struct quota *quota;
    pecan_cap_t vspace;
    struct region_tree tree;
    struct memory_block region_page;    /* holds tree's array */
    struct memory_block table_pages[TABLE_PAGES];   /* hold the page tables' records */
    unsigned table_count;
    uint32_t mib_tables[(MIB_COUNT + 31) / 32];
    bool used;
};

static const struct server_type region_map_type;

static struct region_map *of(struct server_object *object)
{
    return (struct region_map *)((char *)object - __builtin_offsetof(struct region_map, server));
}

struct server_object *region_map_object(struct region_map *rm) { return &rm->server; }

/* ---- page tables of the task ------------------------------------------------------- */

static bool has_table(const struct region_map *rm, uint32_t mib)
{
    return (rm->mib_tables[mib / 32] >> (mib % 32)) & 1u;
}

static void set_table(struct region_map *rm, uint32_t mib)
{
    rm->mib_tables[mib / 32] |= 1u << (mib % 32);
}

/* The record of the index-th page table moe installed (its page exists). */
static struct memory_block *table_record(struct region_map *rm, unsigned index)
{
    struct memory_block *page = memory_local(rm->table_pages[index / TABLES_PER_PAGE].phys);
    return &page[index % TABLES_PER_PAGE];
}

static int ensure_table(struct region_map *rm, uint32_t address)
{
    uint32_t mib = address >> MIB_BITS;
    if (mib >= MIB_COUNT)
        return -PECAN_ERANGE;
    if (has_table(rm, mib))
        return 0;
    /* A page for the record first (charged like the table), then the table. */
    struct memory_block *page = &rm->table_pages[rm->table_count / TABLES_PER_PAGE];
    bool new_page = rm->table_count % TABLES_PER_PAGE == 0;
    if (new_page) {
        int err = memory_alloc_frame(rm->quota, 12, page);
        if (err)
            return err;
    }
    struct memory_block table;
    int err = memory_alloc_object(rm->quota, PECAN_OBJ_PAGE_TABLE, 0, &table);
    if (!err) {
        err = pecan_vspace_map_page_table(rm->vspace, table.object, mib << MIB_BITS);
        if (err)
            memory_free(&table);
    }
    if (err == -PECAN_EMAPPED) {
        err = 0;   /* someone (the task's UTCB area) installed one already */
    } else if (!err) {
        *table_record(rm, rm->table_count) = table;
        rm->table_count++;
    }
    if (new_page && rm->table_count % TABLES_PER_PAGE == 0)
        memory_free(page);   /* the record did not go there after all */
    if (!err)
        set_table(rm, mib);
    return err;
}

/* ---- regions ------------------------------------------------------------------------- */

/* Removes every mapping of [start, start + size) from the task (page aligned). */
static void unmap_range(struct region_map *rm, uint32_t start, uint32_t size)
{
    while (size) {
        unsigned order = start ? (unsigned)__builtin_ctz(start) : 31;
        if (order > 31)
            order = 31;
        while ((1u << order) > size)
            order--;
        pecan_vspace_unmap(rm->vspace, start, order, PECAN_UNMAP_OWN);
        start += 1u << order;
        size -= 1u << order;
    }
}

/* Page tables for every MiB of the region at start, if it spans at most
 * TABLES_AT_ATTACH_LIMIT: the quota pays for them now, so a fault in the region never needs
 * memory for the task's side (a task at its quota keeps running in what it has). Larger
 * regions (the heap) get theirs at the first fault in each MiB. */
static int tables_for_region(struct region_map *rm, uint32_t start)
{
    int i = region_tree_find(&rm->tree, start);
    uint32_t size = rm->tree.regions[i].size;
    if (size > TABLES_AT_ATTACH_LIMIT)
        return 0;
    for (uint32_t mib = start >> MIB_BITS; mib <= (start + size - 1) >> MIB_BITS; mib++) {
        int err = ensure_table(rm, mib << MIB_BITS);
        if (err)
            return err;
    }
    return 0;
}

static int place(struct region_map *rm, uint32_t address, uint32_t size, unsigned flags,
                 uint32_t *at)
{
    if (flags & PECAN_RM_SEARCH_ADDRESS) {
        uint32_t lower = address > PECAN_ENV_FREE_BASE ? address : PECAN_ENV_FREE_BASE;
        unsigned align = size >= (1u << 16) ? 16 : 12;
        if (region_tree_search(&rm->tree, size, align, lower, PECAN_ENV_FREE_LIMIT, at))
            return -PECAN_ENOMEM;
        return 0;
    }
    if (address & (PAGE_SIZE - 1))
        return -PECAN_EALIGN;
    if (address >= NO_REGION_BEFORE || size > NO_REGION_BEFORE - address) {
        /* Above the UTCB area only the environment page's MiB is allowed. */
        if (address < PECAN_ENV_PAGE || address >= USER_LIMIT || size > USER_LIMIT - address)
            return -PECAN_ERANGE;
    }
    *at = address;
    return 0;
}

static int insert(struct region_map *rm, uint32_t address, uint32_t size, unsigned flags,
                  struct dataspace *ds, uint32_t offset, uint32_t *at)
{
    if (size == 0)
        return -PECAN_EINVAL;
    size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (size == 0)
        return -PECAN_ERANGE;
    int err = place(rm, address, size, flags, at);
    if (err)
        return err;
    struct region r = { .start = *at, .size = size, .offset = offset,
                        .flags = flags & (RIGHTS | REGION_RESERVED), .object = ds };
    err = region_tree_insert(&rm->tree, &r);
    return err < 0 ? err : 0;
}

int region_map_attach_flags(struct region_map *rm, uint32_t address, uint32_t size,
                            unsigned flags, struct dataspace *ds, uint32_t offset,
                            uint32_t *attached_at)
{
    if (flags & ~(RIGHTS | PECAN_RM_SEARCH_ADDRESS | PECAN_RM_EAGER_MAP))
        return -PECAN_EINVAL;
    if (offset & (PAGE_SIZE - 1))
        return -PECAN_EALIGN;
    uint32_t ds_size = dataspace_mappable_size(ds);
    if (offset >= ds_size || size > ds_size - offset)
        return -PECAN_ERANGE;
    if ((flags & PECAN_MAP_WRITE) && (dataspace_flags(ds) & PECAN_DATASPACE_READ_ONLY))
        return -PECAN_EPERM;
    if ((flags & RIGHTS) == 0)
        flags |= PECAN_MAP_READ;
    uint32_t at;
    int err = insert(rm, address, size, flags, ds, offset, &at);
    if (err)
        return err;
    dataspace_attached(ds);
    if ((err = tables_for_region(rm, at)) != 0) {
        uint32_t s, z;
        region_map_detach(rm, at, &s, &z);
        return err;
    }
    if (flags & PECAN_RM_EAGER_MAP) {
        /* moe cannot map into the task outside a fault reply: back every page now, so no
         * later fault in the region can fail for memory. Within one request's work: what
         * needs more is undone (the pages stay backed) and answered -PECAN_EAGAIN; the
         * client ALLOCATEs the range in steps and attaches again. */
        uint32_t done;
        err = dataspace_allocate(ds, offset, size, &done);
        if (!err && done < size)
            err = -PECAN_EAGAIN;
        if (err) {
            uint32_t s, z;
            region_map_detach(rm, at, &s, &z);
            return err;
        }
    }
    *attached_at = at;
    return 0;
}

int region_map_attach(struct region_map *rm, uint32_t vaddr, uint32_t size, unsigned rights,
                      struct dataspace *ds, uint32_t offset)
{
    uint32_t at;
    return region_map_attach_flags(rm, vaddr, size, rights & RIGHTS, ds, offset, &at);
}

static void remove_region(struct region_map *rm, int index)
{
    struct region r = rm->tree.regions[index];
    region_tree_remove(&rm->tree, (unsigned)index);
    unmap_range(rm, r.start, r.size);
    if (r.object)
        dataspace_detached(r.object);
}

int region_map_detach(struct region_map *rm, uint32_t address, uint32_t *start, uint32_t *size)
{
    int i = region_tree_find(&rm->tree, address);
    if (i < 0 || (rm->tree.regions[i].flags & REGION_RESERVED))
        return -PECAN_ENOENT;
    *start = rm->tree.regions[i].start;
    *size = rm->tree.regions[i].size;
    remove_region(rm, i);
    return 0;
}

static int reserve(struct region_map *rm, uint32_t address, uint32_t size, unsigned flags,
                   uint32_t *at)
{
    if (flags & ~(RIGHTS | PECAN_RM_SEARCH_ADDRESS))
        return -PECAN_EINVAL;
    int err = insert(rm, address, size, (flags & ~RIGHTS) | REGION_RESERVED, 0, 0, at);
    if (err)
        return err;
    /* The task maps other servers' pages here itself; received pages need page tables. */
    if ((err = tables_for_region(rm, *at)) != 0)
        region_tree_remove(&rm->tree, (unsigned)region_tree_find(&rm->tree, *at));
    return err;
}

/* ---- faults ------------------------------------------------------------------------------ */

/* The fault's kind from the kernel's flag bits (PECAN_PAGE_FAULT_*). */
static unsigned page_fault_kind(pecan_word_t fault)
{
    if (fault & PECAN_PAGE_FAULT_WRITE)
        return PECAN_TASK_FAULT_WRITE;
    if (fault & PECAN_PAGE_FAULT_EXECUTE)
        return PECAN_TASK_FAULT_EXECUTE;
    return PECAN_TASK_FAULT_READ;
}

int region_map_resolve(struct region_map *rm, pecan_word_t fault, uint32_t *local,
                       unsigned *rights)
{
    uint32_t address = fault & ~(PAGE_SIZE - 1);
    int i = region_tree_find(&rm->tree, address);
    if (i < 0)
        return -PECAN_ENOENT;   /* nothing attached there */
    const struct region *r = &rm->tree.regions[i];
    if (r->flags & REGION_RESERVED)
        return -PECAN_EACCES;   /* the task maps other servers' pages there itself */
    if ((fault & PECAN_PAGE_FAULT_WRITE) && !(r->flags & PECAN_MAP_WRITE))
        return -PECAN_EACCES;
    if ((fault & PECAN_PAGE_FAULT_EXECUTE) && !(r->flags & PECAN_MAP_EXECUTE))
        return -PECAN_EACCES;
    unsigned allowed;
    int err = dataspace_page(r->object, address - r->start + r->offset, local, &allowed);
    if (err == -PECAN_ENOMEM)
        return err;             /* the quota cannot pay for the page */
    if (err)
        return -PECAN_ENOENT;   /* the dataspace is gone */
    if ((err = ensure_table(rm, address)) != 0)
        return err;             /* no page table: the quota again */
    *rights = (r->flags & allowed & RIGHTS) | PECAN_MAP_READ;
    return 0;
}

/* Ends the task for a fault nobody can resolve; the faulting thread goes with it. */
static int crash(struct region_map *rm, unsigned kind, pecan_word_t address, pecan_word_t pc,
                 int err)
{
    struct task_fault f = { .kind = kind, .address = address, .pc = pc,
                            .why = (unsigned)(err < 0 ? -err : err) };
    task_crash(rm->task, &f);   /* rm is gone now */
    return SERVER_NO_REPLY;
}

static int handle_fault(struct server_request *r)
{
    struct region_map *rm = of(r->object);
    if (!(r->rights & SERVER_RIGHT_FAULTS))
        return -PECAN_EPERM;   /* not from the kernel: a client's copy (the loop refuses it too) */
    if (r->words < 2)
        return -PECAN_EMSGTOOSHORT;
    uint32_t local;
    unsigned rights;
    int err = region_map_resolve(rm, r->in[0], &local, &rights);
    if (err)
        return crash(rm, page_fault_kind(r->in[0]), r->in[0] & ~7u, r->in[1], err);
    return server_reply_map(r, local, 12, rights);
}

/* An exception (undefined instruction, alignment) has no handler in moe: the task ends. */
static int handle_exception(struct server_request *r)
{
    struct region_map *rm = of(r->object);
    if (!(r->rights & SERVER_RIGHT_FAULTS))
        return -PECAN_EPERM;
    pecan_word_t code = r->words ? r->in[0] : 0;
    pecan_word_t pc = r->words >= 17 ? r->in[16] : 0;
    unsigned kind = code == PECAN_EXCEPTION_UNDEFINED   ? PECAN_TASK_FAULT_UNDEFINED
                    : code == PECAN_EXCEPTION_ALIGNMENT ? PECAN_TASK_FAULT_ALIGNMENT
                                                        : PECAN_TASK_FAULT_EXCEPTION;
    return crash(rm, kind, 0, pc, -PECAN_EINVAL);
}

/* ---- the REGION_MAP protocol ------------------------------------------------------------- */

static int op_attach(struct server_request *r, struct region_map *rm)
{
    int err = server_need_words(r, 5);
    if (err)
        return err;
    if (!server_peek_cap(r, 0))
        return -PECAN_EINVAL;
    unsigned ds_rights = 0;
    struct dataspace *ds = dataspace_from_object(
        server_received_object(r, 0, &dataspace_type, &ds_rights));
    if (!ds)
        return -PECAN_EXDEV;
    if ((r->in[3] & PECAN_MAP_WRITE) && !(ds_rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    uint32_t at;
    if ((err = region_map_attach_flags(rm, r->in[1], r->in[2], r->in[3], ds, r->in[4], &at)) != 0)
        return err;
    server_reply_word(r, at);
    return 0;
}

static int op_detach(struct server_request *r, struct region_map *rm)
{
    int err = server_need_words(r, 2);
    if (err)
        return err;
    uint32_t start, size;
    if ((err = region_map_detach(rm, r->in[1], &start, &size)) != 0)
        return err;
    server_reply_word(r, start);
    server_reply_word(r, size);
    return 0;
}

static int op_find(struct server_request *r, struct region_map *rm)
{
    int err = server_need_words(r, 2);
    if (err)
        return err;
    int i = region_tree_find(&rm->tree, r->in[1]);
    if (i < 0)
        return -PECAN_ENOENT;
    const struct region *region = &rm->tree.regions[i];
    server_reply_word(r, region->start);
    server_reply_word(r, region->size);
    server_reply_word(r, region->offset);
    server_reply_word(r, region->flags);
    return 0;
}

static int op_reserve(struct server_request *r, struct region_map *rm)
{
    int err = server_need_words(r, 4);
    if (err)
        return err;
    uint32_t at;
    if ((err = reserve(rm, r->in[1], r->in[2], r->in[3], &at)) != 0)
        return err;
    server_reply_word(r, at);
    return 0;
}

static int op_free_area(struct server_request *r, struct region_map *rm)
{
    int err = server_need_words(r, 2);
    if (err)
        return err;
    int i = region_tree_find(&rm->tree, r->in[1]);
    if (i < 0 || !(rm->tree.regions[i].flags & REGION_RESERVED))
        return -PECAN_ENOENT;
    remove_region(rm, i);
    return 0;
}

static int handle(struct server_request *r)
{
    struct region_map *rm = of(r->object);
    if (r->words < 1)
        return -PECAN_EMSGTOOSHORT;
    bool changes = r->in[0] != PECAN_RM_FIND;
    if (changes && !(r->rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    switch (r->in[0]) {
    case PECAN_RM_ATTACH: return op_attach(r, rm);
    case PECAN_RM_DETACH: return op_detach(r, rm);
    case PECAN_RM_FIND: return op_find(r, rm);
    case PECAN_RM_RESERVE: return op_reserve(r, rm);
    case PECAN_RM_FREE_AREA: return op_free_area(r, rm);
    default: return -PECAN_ENOSYS;
    }
}

/* ---- life --------------------------------------------------------------------------------- */

int region_map_create(struct quota *q, pecan_cap_t vspace, struct task *task,
                      struct region_map **out)
{
    struct region_map *rm;
    int err = RECORD_NEW(q, &rm);
    if (err)
        return err;
    *rm = (struct region_map){ .quota = q, .vspace = vspace, .task = task };
    err = memory_alloc_frame(q, 12, &rm->region_page);
    if (err) {
        record_free(rm);
        return err;
    }
    region_tree_init(&rm->tree, memory_local(rm->region_page.phys),
                     PAGE_SIZE / sizeof(struct region));
    err = moe_object_start(&rm->server, &rm->gate, &region_map_type, q);
    if (err) {
        memory_free(&rm->region_page);
        record_free(rm);
        return err;
    }
    rm->used = true;
    *out = rm;
    return 0;
}

void region_map_destroy(struct region_map *rm)
{
    if (!rm->used)
        return;
    moe_object_end(&rm->server, &rm->gate);
    /* Last region first: removal then never shifts the array. */
    while (rm->tree.count)
        remove_region(rm, (int)rm->tree.count - 1);
    for (unsigned i = 0; i < rm->table_count; i++)
        memory_free(table_record(rm, i));
    for (unsigned i = 0; i < (rm->table_count + TABLES_PER_PAGE - 1) / TABLES_PER_PAGE; i++)
        memory_free(&rm->table_pages[i]);
    memory_free(&rm->region_page);
    rm->used = false;
    record_free(rm);
}

static void no_clients(struct server_object *object)
{
    (void)object;   /* the task owns its region map: it goes with the task */
}

static const struct server_protocol protocols[] = {
    { PECAN_PROTO_REGION_MAP, handle },
    { PECAN_LABEL_PAGE_FAULT, handle_fault },
    { PECAN_LABEL_EXCEPTION, handle_exception },
};

static const struct server_type region_map_type = {
    .name = "region map",
    .protocols = protocols,
    .protocol_count = 3,
    .no_clients = no_clients,
};
