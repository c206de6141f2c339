/* SPDX-License-Identifier: MIT */
/*
 * moe's dataspaces (protocol/dataspace.h, dataspace.h): anonymous memory backed page by
 * page as it is touched (4 KiB pool pages, zero-filled), boot modules (read-only, the
 * module's frames themselves: shared, no copy), physically contiguous memory, and device
 * memory. Pages of anonymous dataspaces are listed in a page table of their own: inline
 * for small ones, one pool page of 1024 entries up to 4 MiB, two levels beyond. Every page
 * and every table page is charged to the dataspace's quota.
 *
 * Invariants: an entry is phys | PAGE_PRESENT exactly while the page is backed (charged,
 * mapped in moe's window, possibly mapped in tasks through memory items); freeing a page
 * unmaps it from every task first (memory_free); bytes = 4 KiB x (backed pages + table
 * pages) for anonymous dataspaces.
 */
#include <lib/string.h>
#include <pecan/protocol/dataspace.h>

#include "dataspace.h"
#include "record.h"

#define PAGE_SIZE 4096u
#define PAGE_PRESENT 1u
#define INLINE_PAGES 8u
#define ENTRIES_PER_TABLE 1024u
#define MAX_SIZE 0x80000000u          /* 2 GiB: a two-level table covers it */
#define MAX_CONTIGUOUS_BITS 24

/* Work one request may do (issue 13, protocol/dataspace.h "Bounded work"): CLEAR,
 * COPY_IN and ALLOCATE back, free, zero or copy at most WORK_PAGES pages and look at most
 * WORK_LOOKS page entries or missing tables, then answer how far they got; the client
 * calls again for the rest. About 0.3 ms of moe's time at most. */
#define WORK_PAGES 64u
#define WORK_LOOKS 1024u

struct work {
    unsigned pages, looks;
};

static bool work_left(const struct work *w)
{
    return w->pages < WORK_PAGES && w->looks < WORK_LOOKS;
}

enum dataspace_kind { KIND_ANONYMOUS, KIND_ROM, KIND_CONTIGUOUS, KIND_DEVICE };

struct dataspace {
    struct server_object server;
    struct memory_block gate;
    struct moe_owned owned;
    struct quota *quota;
    uint32_t size;                     /* bytes (ROM: the file's; others: whole pages) */
    uint32_t flags;                    /* PECAN_DATASPACE_* */
    uint8_t kind;
    bool used;
    bool gone;                         /* destroyed while still attached */
    bool reaping;                      /* destroyed, pages still being freed (reap list) */
    uint16_t attachments;
    uint32_t reap_at;                  /* reaping: the next page index to free */
    struct dataspace *reap_next;
    uint32_t bytes;                    /* charged to quota */
    uint32_t local;                    /* ROM, contiguous, device: moe's address of byte 0 */
    uint32_t phys;                     /* contiguous, device, ROM: physical address */
    struct memory_block contiguous;
    union {
        uint32_t inline_pages[INLINE_PAGES];
        uint32_t table;                /* phys | PAGE_PRESENT of the top table page, or 0 */
    } pages;
};


static struct dataspace *of(struct server_object *object)
{
    return (struct dataspace *)((char *)object - __builtin_offsetof(struct dataspace, server));
}

struct server_object *dataspace_object(struct dataspace *ds) { return &ds->server; }
uint32_t dataspace_size(struct dataspace *ds) { return ds->size; }
uint32_t dataspace_flags(struct dataspace *ds) { return ds->flags; }
uint32_t dataspace_bytes(struct dataspace *ds) { return ds->bytes; }

uint32_t dataspace_physical(struct dataspace *ds)
{
    return ds->kind == KIND_CONTIGUOUS || ds->kind == KIND_DEVICE ? ds->phys : 0xFFFFFFFFu;
}

struct dataspace *dataspace_from_object(struct server_object *object)
{
    return object && object->type == &dataspace_type ? of(object) : 0;
}

/* ---- pages of anonymous dataspaces -------------------------------------------------- */

static uint32_t page_count(const struct dataspace *ds)
{
    return (ds->size + PAGE_SIZE - 1) / PAGE_SIZE;
}

uint32_t dataspace_mappable_size(struct dataspace *ds)
{
    return page_count(ds) * PAGE_SIZE;
}

/* A pool page charged to q (the same block memory_alloc_frame made). */
static struct memory_block pool_page(uint32_t phys, struct quota *q)
{
    return (struct memory_block){ .phys = phys, .size_bits = 12, .type = PECAN_OBJ_FRAME,
                                  .count = 1, .node = -1, .charged_to = q };
}

static int new_page(struct dataspace *ds, uint32_t *entry)
{
    struct memory_block block;
    int err = memory_alloc_frame(ds->quota, 12, &block);
    if (err)
        return err;
    ds->bytes += PAGE_SIZE;
    *entry = block.phys | PAGE_PRESENT;
    return 0;
}

static void free_page(struct dataspace *ds, uint32_t *entry)
{
    if (!(*entry & PAGE_PRESENT))
        return;
    struct memory_block block = pool_page(*entry & ~(PAGE_SIZE - 1), ds->quota);
    memory_free(&block);
    ds->bytes -= PAGE_SIZE;
    *entry = 0;
}

static uint32_t *table_entries(uint32_t entry)
{
    return memory_local(entry & ~(PAGE_SIZE - 1));
}

/* The entry of page index; with create, the tables leading to it are made as needed.
 * NULL: no table there (without create) or out of memory (with). */
static uint32_t *page_entry(struct dataspace *ds, uint32_t index, bool create)
{
    uint32_t pages = page_count(ds);
    if (pages <= INLINE_PAGES)
        return &ds->pages.inline_pages[index];
    if (!ds->pages.table && (!create || new_page(ds, &ds->pages.table)))
        return 0;
    uint32_t *top = table_entries(ds->pages.table);
    if (pages <= ENTRIES_PER_TABLE)
        return &top[index];
    uint32_t *leaf_entry = &top[index / ENTRIES_PER_TABLE];
    if (!*leaf_entry && (!create || new_page(ds, leaf_entry)))
        return 0;
    return &table_entries(*leaf_entry)[index % ENTRIES_PER_TABLE];
}

/* Pages from index on that have no entry because their table is missing (0 if the entry
 * exists): they read as zero and hold no memory. */
static uint32_t missing_table_run(struct dataspace *ds, uint32_t index)
{
    uint32_t pages = page_count(ds);
    if (pages <= INLINE_PAGES || (ds->pages.table && pages <= ENTRIES_PER_TABLE))
        return 0;
    if (!ds->pages.table)
        return pages - index;
    if (table_entries(ds->pages.table)[index / ENTRIES_PER_TABLE])
        return 0;
    uint32_t run = ENTRIES_PER_TABLE - index % ENTRIES_PER_TABLE;
    return run < pages - index ? run : pages - index;
}

/* Bytes from offset (< size) on that read as zero without holding memory: the rest of an
 * anonymous page never backed, or of a missing table's pages. 0: a backed page, or a
 * dataspace that is not anonymous. */
static uint32_t unbacked_run(struct dataspace *ds, uint32_t offset)
{
    if (ds->kind != KIND_ANONYMOUS)
        return 0;
    uint32_t index = offset / PAGE_SIZE, pages = missing_table_run(ds, index);
    if (!pages) {
        if (*page_entry(ds, index, false) & PAGE_PRESENT)
            return 0;
        pages = 1;
    }
    return pages * PAGE_SIZE - (offset & (PAGE_SIZE - 1));
}

/* ---- access ----------------------------------------------------------------------------- */

static bool range_ok(const struct dataspace *ds, uint32_t offset, uint32_t size)
{
    return offset <= ds->size && size <= ds->size - offset;
}

int dataspace_page(struct dataspace *ds, uint32_t offset, uint32_t *local, unsigned *rights)
{
    if (ds->gone)
        return -PECAN_ENOENT;
    if (offset >= dataspace_mappable_size(ds))
        return -PECAN_ERANGE;
    offset &= ~(PAGE_SIZE - 1);
    switch (ds->kind) {
    case KIND_ANONYMOUS: {
        uint32_t *entry = page_entry(ds, offset / PAGE_SIZE, true);
        if (!entry || (!(*entry & PAGE_PRESENT) && new_page(ds, entry)))
            return -PECAN_ENOMEM;
        *local = (uint32_t)(uintptr_t)memory_local(*entry & ~(PAGE_SIZE - 1));
        *rights = PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_MAP_EXECUTE;
        return 0;
    }
    case KIND_ROM:
        *local = ds->local + offset;
        *rights = PECAN_MAP_READ | PECAN_MAP_EXECUTE;
        return 0;
    case KIND_CONTIGUOUS:
        *local = ds->local + offset;
        *rights = PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_MAP_EXECUTE;
        return 0;
    default:
        *local = ds->local + offset;
        *rights = PECAN_MAP_READ | PECAN_MAP_WRITE;
        return 0;
    }
}

void *dataspace_local(struct dataspace *ds, uint32_t offset)
{
    uint32_t local;
    unsigned rights;
    if (dataspace_page(ds, offset, &local, &rights))
        return 0;
    return (void *)(uintptr_t)(local + (offset & (PAGE_SIZE - 1)));
}

/* memmove and memset for moe's page work: word by word when everything is word aligned
 * (whole pages always are), eight words a round; lib/string's byte loops took about 16,000
 * instructions a page, which made a bounded COPY_IN take 1 ms. */
static void copy_bytes(char *to, const char *from, uint32_t size)
{
    if (to == from)
        return;
    if ((((uintptr_t)to | (uintptr_t)from | size) & 31) || (to > from && to < from + size)) {
        memmove(to, from, size);
        return;
    }
    uint32_t *d = (uint32_t *)(uintptr_t)to;
    const uint32_t *s = (const uint32_t *)(uintptr_t)from;
    for (uint32_t n = size / 32; n; n--, d += 8, s += 8) {
        uint32_t a = s[0], b = s[1], c = s[2], e = s[3], f = s[4], g = s[5], h = s[6], i = s[7];
        d[0] = a; d[1] = b; d[2] = c; d[3] = e; d[4] = f; d[5] = g; d[6] = h; d[7] = i;
    }
}

static void zero_bytes(char *to, uint32_t size)
{
    if (((uintptr_t)to | size) & 31) {
        memset(to, 0, size);
        return;
    }
    uint32_t *d = (uint32_t *)(uintptr_t)to;
    for (uint32_t n = size / 32; n; n--, d += 8) {
        d[0] = 0; d[1] = 0; d[2] = 0; d[3] = 0; d[4] = 0; d[5] = 0; d[6] = 0; d[7] = 0;
    }
}

/* Backs pages of [offset, offset + size) from the start on, at most WORK_PAGES new ones;
 * *done: the bytes from offset on that are backed now (size: all). Pages already backed
 * are passed over without counting: the walk over them costs what the quota paid for. */
int dataspace_allocate(struct dataspace *ds, uint32_t offset, uint32_t size, uint32_t *done)
{
    if (!range_ok(ds, offset, size))
        return -PECAN_ERANGE;
    struct work w = { 0 };
    uint32_t at = offset, end = offset + size;
    while (ds->kind == KIND_ANONYMOUS && at < end && work_left(&w)) {
        uint32_t page_end = (at & ~(PAGE_SIZE - 1)) + PAGE_SIZE;
        if (unbacked_run(ds, at)) {
            uint32_t local;
            unsigned rights;
            int err = dataspace_page(ds, at, &local, &rights);
            if (err)
                return err;
            w.pages++;
        }
        at = page_end < end ? page_end : end;
    }
    *done = ds->kind == KIND_ANONYMOUS ? at - offset : size;
    return 0;
}

/* Zeroes [offset, offset + size) from the start on, within one request's work: whole
 * pages of anonymous dataspaces are given back, missing tables and pages never backed are
 * skipped (they read as zero). *done: the bytes from offset on that are zero now. */
static int clear(struct dataspace *ds, uint32_t offset, uint32_t size, uint32_t *done)
{
    if (!range_ok(ds, offset, size))
        return -PECAN_ERANGE;
    if (ds->kind == KIND_ROM)
        return -PECAN_EPERM;
    if (ds->kind == KIND_DEVICE)
        return -PECAN_EINVAL;
    struct work w = { 0 };
    uint32_t at = offset, end = offset + size;
    while (at < end && work_left(&w)) {
        uint32_t page_end = (at & ~(PAGE_SIZE - 1)) + PAGE_SIZE;
        uint32_t chunk = (page_end < end ? page_end : end) - at;
        uint32_t skip = unbacked_run(ds, at);
        if (skip) {
            chunk = skip < end - at ? skip : end - at;
            w.looks++;
        } else if (ds->kind == KIND_ANONYMOUS) {
            uint32_t *entry = page_entry(ds, at / PAGE_SIZE, false);
            if (chunk == PAGE_SIZE)
                free_page(ds, entry);
            else
                zero_bytes((char *)memory_local(*entry & ~(PAGE_SIZE - 1)) +
                               (at & (PAGE_SIZE - 1)), chunk);
            w.pages++;
        } else {
            zero_bytes((char *)(uintptr_t)(ds->local + at), chunk);
            w.pages++;
        }
        at += chunk;
    }
    *done = at - offset;
    return 0;
}

/* The source byte range's page in moe's space, or NULL if it reads as zero (an anonymous
 * page never touched: it is not backed for a read). */
static const char *source_bytes(struct dataspace *src, uint32_t offset)
{
    if (src->kind != KIND_ANONYMOUS)
        return (const char *)(uintptr_t)(src->local + offset);
    uint32_t *entry = page_entry(src, offset / PAGE_SIZE, false);
    if (!entry || !(*entry & PAGE_PRESENT))
        return 0;
    return (const char *)memory_local(*entry & ~(PAGE_SIZE - 1)) + (offset & (PAGE_SIZE - 1));
}

/* Copies from the start of the range on, within one request's work; *done: the bytes
 * from the start on that are copied. Where the source reads as zero without memory and
 * the destination too, whole runs are skipped. */
static int copy_some(struct dataspace *dest, uint32_t dest_offset, struct dataspace *src,
                     uint32_t src_offset, uint32_t size, uint32_t *done)
{
    if (dest->gone || src->gone)
        return -PECAN_ENOENT;
    if (!range_ok(dest, dest_offset, size) || !range_ok(src, src_offset, size))
        return -PECAN_ERANGE;
    if (dest->kind == KIND_ROM)
        return -PECAN_EPERM;
    /* Registers are not memory: moe does not read or write them byte by byte for a
     * client (reads can have effects), as CLEAR does not. */
    if (dest->kind == KIND_DEVICE || src->kind == KIND_DEVICE)
        return -PECAN_EINVAL;
    struct work w = { 0 };
    uint32_t left = size;
    while (left && work_left(&w)) {
        uint32_t chunk = PAGE_SIZE - (dest_offset & (PAGE_SIZE - 1));
        uint32_t src_room = PAGE_SIZE - (src_offset & (PAGE_SIZE - 1));
        if (chunk > src_room)
            chunk = src_room;
        if (chunk > left)
            chunk = left;
        uint32_t src_zero = unbacked_run(src, src_offset);
        uint32_t dest_zero = src_zero ? unbacked_run(dest, dest_offset) : 0;
        if (dest_zero) {
            /* Zero onto zero: nothing to do for the whole run both have. */
            chunk = src_zero < dest_zero ? src_zero : dest_zero;
            if (chunk > left)
                chunk = left;
            w.looks++;
        } else if (src_zero) {
            /* Zeroes over a page that exists. */
            zero_bytes(dataspace_local(dest, dest_offset), chunk);
            w.pages++;
        } else {
            const char *from = source_bytes(src, src_offset);
            char *to = dataspace_local(dest, dest_offset);
            if (!to)
                return -PECAN_ENOMEM;
            copy_bytes(to, from, chunk);
            w.pages++;
        }
        dest_offset += chunk;
        src_offset += chunk;
        left -= chunk;
    }
    *done = size - left;
    return 0;
}

int dataspace_copy(struct dataspace *dest, uint32_t dest_offset, struct dataspace *src,
                   uint32_t src_offset, uint32_t size)
{
    /* moe's own app model (app_model.c): the whole range, in steps. */
    for (;;) {
        uint32_t done;
        int err = copy_some(dest, dest_offset, src, src_offset, size, &done);
        if (err || done == size)
            return err;
        dest_offset += done;
        src_offset += done;
        size -= done;
    }
}

/* ---- life ------------------------------------------------------------------------------- */

/* A dataspace's record is charged to its quota like its pages (record.h). */
static int new_record(struct quota *q, struct dataspace **out)
{
    return RECORD_NEW(q, out);
}

static void destroy_owned(struct moe_owned *owned)
{
    dataspace_destroy((struct dataspace *)((char *)owned -
                                           __builtin_offsetof(struct dataspace, owned)));
}

static int start(struct dataspace *ds, struct factory *owner, struct quota *q)
{
    int err = moe_object_start(&ds->server, &ds->gate, &dataspace_type, q);
    if (err)
        return err;
    ds->used = true;
    moe_own(owner, &ds->owned, destroy_owned);
    return 0;
}

static unsigned bits_for(uint32_t size)
{
    unsigned bits = 12;
    while (bits < 32 && (1u << bits) < size)
        bits++;
    return bits;
}

int dataspace_create(struct factory *owner, struct quota *q, uint32_t size, uint32_t flags,
                     unsigned align_bits, struct dataspace **out)
{
    if (size == 0 || size > MAX_SIZE || (flags & ~PECAN_DATASPACE_CONTIGUOUS))
        return -PECAN_EINVAL;
    if (align_bits > MAX_CONTIGUOUS_BITS)
        return -PECAN_ERANGE;
    uint32_t pages_size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    unsigned bits = bits_for(pages_size);
    if (bits < align_bits)
        bits = align_bits;
    if ((flags & PECAN_DATASPACE_CONTIGUOUS) && bits > MAX_CONTIGUOUS_BITS)
        return -PECAN_ERANGE;
    struct dataspace *ds;
    int err = new_record(q, &ds);
    if (err)
        return err;
    *ds = (struct dataspace){ .quota = q, .size = pages_size, .flags = flags,
                              .kind = KIND_ANONYMOUS };
    if (flags & PECAN_DATASPACE_CONTIGUOUS) {
        err = memory_alloc_contiguous(q, bits, &ds->contiguous);
        if (err) {
            record_free(ds);
            return err;
        }
        ds->kind = KIND_CONTIGUOUS;
        ds->phys = ds->contiguous.phys;
        ds->local = (uint32_t)(uintptr_t)memory_local(ds->phys);
        ds->bytes = 1u << bits;
    }
    err = start(ds, owner, q);
    if (err) {
        if (ds->kind == KIND_CONTIGUOUS)
            memory_free(&ds->contiguous);
        record_free(ds);
        return err;
    }
    *out = ds;
    return 0;
}

int dataspace_create_rom(const struct pecan_bootinfo_module *module, struct dataspace **out)
{
    if (module->size == 0 || module->size > module->frame_count * PAGE_SIZE)
        return -PECAN_EINVAL;
    /* The kernel maps modules read-only; tasks run code from them, so moe's mapping (what
     * memory items are made from) gets EXECUTE too. */
    for (uint32_t i = 0; i < module->frame_count; i++) {
        int err = pecan_vspace_remap_frame(PECAN_ROOT_VSPACE, module->first_frame + i,
                                           PECAN_MAP_READ | PECAN_MAP_EXECUTE);
        if (err)
            return err;
    }
    struct dataspace *ds;
    int err = new_record(memory_own_quota(), &ds);
    if (err)
        return err;
    *ds = (struct dataspace){ .quota = memory_own_quota(), .size = module->size,
                              .flags = PECAN_DATASPACE_READ_ONLY, .kind = KIND_ROM,
                              .local = module->vaddr, .phys = module->paddr };
    err = start(ds, 0, memory_own_quota());
    if (err) {
        record_free(ds);
        return err;
    }
    *out = ds;
    return 0;
}

int dataspace_create_device(struct factory *owner, struct quota *q, uint32_t phys,
                            uint32_t size, struct dataspace **out)
{
    if (size == 0 || (phys | size) & (PAGE_SIZE - 1) || phys + size < phys)
        return -PECAN_EINVAL;
    uint32_t local;
    int err = memory_device_map(phys, size, &local);
    if (err)
        return err;
    struct dataspace *ds;
    if ((err = new_record(q, &ds)) != 0)
        return err;
    *ds = (struct dataspace){ .quota = q, .size = size, .flags = PECAN_DATASPACE_DEVICE,
                              .kind = KIND_DEVICE, .local = local, .phys = phys };
    err = start(ds, owner, q);
    if (err) {
        record_free(ds);
        return err;
    }
    *out = ds;
    return 0;
}

/* ---- reaping: freeing a destroyed dataspace's pages in bounded steps --------------------
 *
 * A dataspace may hold many pages (each paid for by its own fault or a bounded ALLOCATE),
 * but its destruction is one event (the last capability gone, the factory destroyed):
 * freeing them all at once would keep moe from every other client for as long. So a
 * destroy frees one request's work of pages; the rest waits on the reap list and moe frees
 * WORK_PAGES of it between requests (server_defer, the loop's background step). While
 * they wait the pages are on moe's own bill (the client's quota is free at once and its
 * factory may go before them) and count as free RAM (memory_in_transit), so every figure
 * of free memory and quotas is what it will be once they are back. */
static struct dataspace *reap_first, *reap_last;

/* Frees pages from ds->reap_at on, within one request's work, and each page table once
 * the pages it lists are gone. true when nothing is left. */
static bool reap_some(struct dataspace *ds)
{
    uint32_t pages = page_count(ds);
    struct work w = { 0 };
    while (ds->reap_at < pages && work_left(&w)) {
        uint32_t i = ds->reap_at, skip = missing_table_run(ds, i);
        if (skip) {
            ds->reap_at += skip;
            w.looks++;
            continue;
        }
        uint32_t *entry = page_entry(ds, i, false);
        if (*entry & PAGE_PRESENT) {
            free_page(ds, entry);
            w.pages++;
        } else {
            w.looks++;
        }
        ds->reap_at = ++i;
        if (pages > ENTRIES_PER_TABLE && (i % ENTRIES_PER_TABLE == 0 || i == pages)) {
            free_page(ds, &table_entries(ds->pages.table)[(i - 1) / ENTRIES_PER_TABLE]);
            w.pages++;
        }
    }
    if (ds->reap_at < pages)
        return false;
    if (pages > INLINE_PAGES)
        free_page(ds, &ds->pages.table);
    return true;
}

/* The record goes once nothing needs it: no attachment, no pages left to free. */
static void drop_record_if_done(struct dataspace *ds)
{
    if (!ds->attachments && !ds->reaping)
        record_free(ds);
}

static void reap_start(struct dataspace *ds)
{
    ds->reap_at = 0;
    if (reap_some(ds))
        return;
    struct quota *own = memory_own_quota();
    for (uint32_t b = 0; b < ds->bytes; b += PAGE_SIZE) {
        quota_release(ds->quota, PAGE_SIZE);
        own->used += PAGE_SIZE;
        own->objects++;
    }
    ds->quota = own;
    memory_in_transit((int32_t)ds->bytes);
    ds->reaping = true;
    ds->reap_next = 0;
    if (reap_last)
        reap_last->reap_next = ds;
    else
        reap_first = ds;
    reap_last = ds;
    server_defer(&moe_server);
}

bool dataspace_reap_step(void)
{
    struct dataspace *ds = reap_first;
    if (!ds)
        return false;
    uint32_t before = ds->bytes;
    bool done = reap_some(ds);
    memory_in_transit(-(int32_t)(before - ds->bytes));
    if (done) {
        reap_first = ds->reap_next;
        if (!reap_first)
            reap_last = 0;
        ds->reaping = false;
        drop_record_if_done(ds);
    }
    return reap_first != 0;
}

void dataspace_reap_all(void)
{
    while (dataspace_reap_step())
        ;
}

static void release_memory(struct dataspace *ds)
{
    if (ds->kind == KIND_ANONYMOUS) {
        reap_start(ds);
    } else if (ds->kind == KIND_CONTIGUOUS) {
        memory_free(&ds->contiguous);
        ds->bytes = 0;
    } else if (ds->kind == KIND_DEVICE) {
        /* The registers stay mapped in moe's window; every mapping sent from it goes. */
        memory_device_unmap(ds->local, ds->size);
    }
}

void dataspace_destroy(struct dataspace *ds)
{
    if (!ds->used || ds->gone || ds->kind == KIND_ROM)
        return;
    moe_disown(&ds->owned);
    release_memory(ds);
    moe_object_end(&ds->server, &ds->gate);
    ds->gone = true;   /* the record stays until the last detach and the last page freed */
    drop_record_if_done(ds);
}

/* No client capability and no attachment: nobody can reach it any more. */
static void destroy_if_unreachable(struct dataspace *ds)
{
    if (ds->attachments == 0 && pecan_gate_has_clients(ds->server.gate) != 1)
        dataspace_destroy(ds);
}

void dataspace_attached(struct dataspace *ds)
{
    ds->attachments++;
}

void dataspace_detached(struct dataspace *ds)
{
    if (ds->attachments)
        ds->attachments--;
    if (ds->attachments)
        return;
    if (ds->gone)
        drop_record_if_done(ds);
    else
        destroy_if_unreachable(ds);
}

/* ---- the DATASPACE protocol ------------------------------------------------------------- */

static int op_map(struct server_request *r, struct dataspace *ds)
{
    int err = server_need_words(r, 3);
    if (err)
        return err;
    unsigned want = r->in[2] & (PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_MAP_EXECUTE);
    if ((want & PECAN_MAP_WRITE) && !(r->rights & PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    uint32_t local;
    unsigned allowed;
    if ((err = dataspace_page(ds, r->in[1], &local, &allowed)) != 0)
        return err;
    if (want & ~allowed)
        return -PECAN_EPERM;
    return server_reply_map(r, local, 12, (want | PECAN_MAP_READ) & allowed);
}

static int op_clear(struct server_request *r, struct dataspace *ds)
{
    int err = server_need_writable(r, 3);
    if (err)
        return err;
    uint32_t done;
    if ((err = clear(ds, r->in[1], r->in[2], &done)) != 0)
        return err;
    server_reply_word(r, done);
    return 0;
}

static int op_info(struct server_request *r, struct dataspace *ds)
{
    server_reply_word(r, ds->size);
    server_reply_word(r, ds->flags);
    server_reply_word(r, dataspace_physical(ds));
    return 0;
}

static int op_copy_in(struct server_request *r, struct dataspace *ds)
{
    int err = server_need_writable(r, 4);
    if (err)
        return err;
    if (!server_peek_cap(r, 0))
        return -PECAN_EINVAL;
    struct dataspace *src = dataspace_from_object(server_received_object(r, 0, &dataspace_type, 0));
    if (!src)
        return -PECAN_EXDEV;
    uint32_t done;
    if ((err = copy_some(ds, r->in[1], src, r->in[2], r->in[3], &done)) != 0)
        return err;
    server_reply_word(r, done);
    return 0;
}

static int op_allocate(struct server_request *r, struct dataspace *ds)
{
    int err = server_need_writable(r, 3);
    if (err)
        return err;
    uint32_t done;
    if ((err = dataspace_allocate(ds, r->in[1], r->in[2], &done)) != 0)
        return err;
    server_reply_word(r, done);
    return 0;
}

static int handle(struct server_request *r)
{
    struct dataspace *ds = of(r->object);
    if (r->words < 1)
        return -PECAN_EMSGTOOSHORT;
    if (ds->gone)
        return -PECAN_ENOENT;
    switch (r->in[0]) {
    case PECAN_DATASPACE_MAP: return op_map(r, ds);
    case PECAN_DATASPACE_CLEAR: return op_clear(r, ds);
    case PECAN_DATASPACE_INFO: return op_info(r, ds);
    case PECAN_DATASPACE_COPY_IN: return op_copy_in(r, ds);
    case PECAN_DATASPACE_ALLOCATE: return op_allocate(r, ds);
    default: return -PECAN_ENOSYS;
    }
}

static void no_clients(struct server_object *object)
{
    destroy_if_unreachable(of(object));
}

static const struct server_protocol protocols[] = {
    { PECAN_PROTO_DATASPACE, handle },
};

const struct server_type dataspace_type = {
    .name = "dataspace",
    .protocols = protocols,
    .protocol_count = 1,
    .no_clients = no_clients,
};
