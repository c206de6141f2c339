/* SPDX-License-Identifier: MIT */
/*
 * The mapping database (include/core/mapping_db.h): memory items in messages, and removing
 * what they mapped, recursively, when the source goes.
 *
 * Design. Every page of an installed page table has a mapping record next to its entry
 * (struct page_table.records[i] for pte[i]). The records form one tree per page mapped
 * through a frame capability:
 *   root   a page a frame capability mapped (MAP_FRAME, the root-task builder): owner =
 *          the capability's slot. A 64 KiB frame is 16 roots, one per 4 KiB piece, all
 *          owned by the slot.
 *   child  a page a memory item mapped: owner = the record of the sender's mapping it was
 *          mapped from | MAPPING_DB_CHILD. Always a 4 KiB small page, with the parent's
 *          physical page and memory type and at most the parent's rights.
 * The children of a record form a singly linked list (first_child, next_sibling), newest
 * first. Records are word aligned and slots 32-byte aligned, so bit 0 of owner tells the
 * two kinds apart and bits [1:0] of next_sibling are free: in records 0-9 of each
 * installed table they hold the table's location, asid | MiB index << 8 (2 bits each),
 * which the TLB flush of a record in another address space needs. There is no room for
 * a fourth word: 1 KiB of entries and 256 records of 12 bytes fill the 4 KiB object.
 *
 * Sections (1 MiB frames) have no records: a memory item that names a page mapped by a
 * section in the sender fails with EINVAL, so nothing is ever derived from a section, and
 * UNMAP leaves sections alone (UNMAP_FRAME removes them). 64 KiB pages may be sent; the
 * receiver gets the 4 KiB pieces as small pages.
 *
 * Invariants (checked by mapping_db_check_table for every table of every live vspace):
 *   - a record's owner is non-zero iff its entry is valid; a zero record has no children
 *     and no sibling link;
 *   - the table's location bits name the ASID and MiB it is installed at;
 *   - a root's slot holds a frame capability whose live mapping covers the page; a root
 *     is in no child list;
 *   - a child's entry is a small page mapping the same physical page as its parent's
 *     entry, with no more rights and the same memory type; the parent is a record of an
 *     installed table of a live vspace and has the child on its list; following owners
 *     up ends at a root;
 *   - no record (owner, first_child, next_sibling) points into a table that is not
 *     installed in a live vspace: removing a table (page_table_uninstall, vspace_destroy)
 *     first removes every mapping derived from its pages and unlinks its children from
 *     their parents (mapping_db_clear_table).
 * So a frame's memory is mapped only while a capability to it holds a live mapping from
 * which all its other mappings descend: deleting the capability (frame_unmap) takes them
 * all.
 *
 * Removal never recurses on the kernel stack: it walks down first_child to a leaf,
 * removes it (it is its parent's first child: O(1) to unlink), and goes back up through
 * owner. Removing one mapping that is not a first child (UNMAP of a child, a table
 * leaving) searches its parent's list: O(siblings). Each removed entry is cleaned to
 * memory and flushed from the TLB by address and ASID.
 *
 * Memory items (mapping_db_map_item). w0 = PECAN_ITEM_MAP | rights << 4 | log2 size << 8 with
 * 12 <= log2 size <= 31, rights a non-empty set of PECAN_MAP_READ/WRITE/EXECUTE (READ is
 * implied: ARMv6 user pages are always readable); w1 = base, aligned to the size. The
 * window [window, window + 2^order) (12 <= order <= 32, window aligned to its size) must
 * be at least as large as the item: the item lands at
 *     target = window + (base & (window size - 1) & ~(size - 1)),
 * i.e. at its offset in the window when the window is larger, at the window when equal.
 * The target range must lie below VSPACE_USER_END. For each 4 KiB page of the item:
 *   - not mapped in the sender: skipped (if no page at all is mapped: ENOENT);
 *   - mapped by a section in the sender: EINVAL (see above);
 *   - else the receiver gets a small page with rights = item rights & the sender's
 *     (never more) and the sender's memory type, recorded as a child of the sender's
 *     record. If the target page is already mapped as a child of that same record, the
 *     rights are extended to the union (a repeated map is not an error); if it is mapped
 *     otherwise (or covered by a section): EMAPPED.
 * A target MiB without a page table takes one from the receiver's pool; if the item
 * needs more tables than the pool holds: ENOPAGETABLE. All of this is checked before
 * anything changes.
 *
 * Bounded latency: the work of an item grows with its pages, and a message carries up to
 * PECAN_MSG_MAX_ITEMS items. The pages the items of one kernel entry may cover are
 * bounded instead of made restartable (a message is delivered once, possibly in the
 * receiver's system call rather than the sender's, so there is no one caller to restart):
 * MAPPING_DB_ENTRY_PAGES 4 KiB pages in all (1 MiB). An item that would go past the allowance
 * fails with ERANGE in its result word, with nothing mapped; the items before it are
 * delivered. The allowance is per kernel entry, so a reply-and-wait that both replies
 * and receives shares it between the two messages. Larger ranges are mapped with more
 * messages (or MAP_FRAME of bigger frames).
 *
 * All under the big kernel lock.
 */
#include <arch/memory.h>
#include <arch/page_table.h>
#include <arch/processor.h>
#include <arch/tlb.h>
#include <core/invariants.h>
#include <core/invocation.h>
#include <core/mapping_db.h>
#include <core/panic.h>
#include <core/preempt.h>
#include <object/thread.h>
#include <object/vspace.h>
#include <pecan/errors.h>
#include <pecan/syscall.h>

#define LINK_BITS 3u              /* next_sibling bits [1:0]: location bits */
#define LOCATION_RECORDS 10u      /* 20 location bits, 2 per record */
#define TABLE_MASK ((uintptr_t)(1u << PAGE_TABLE_SIZE_BITS) - 1)
#define RIGHTS_RWX (PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_MAP_EXECUTE)

/* ---- records ------------------------------------------------------------------------ */

static struct mapping_record *as_record(word_t w)
{
    return (struct mapping_record *)(uintptr_t)(w & ~(word_t)LINK_BITS);
}

static word_t record_word(const struct mapping_record *r)
{
    return (word_t)(uintptr_t)r;
}

static bool is_child(const struct mapping_record *r)
{
    return (r->owner & MAPPING_DB_CHILD) != 0;
}

static struct mapping_record *parent_of(const struct mapping_record *r)
{
    return as_record(r->owner);
}

static struct mapping_record *first_child(const struct mapping_record *r)
{
    return as_record(r->first_child);
}

static struct mapping_record *next_of(const struct mapping_record *r)
{
    return as_record(r->next_sibling);
}

static void set_next(struct mapping_record *r, const struct mapping_record *next)
{
    r->next_sibling = (r->next_sibling & LINK_BITS) | record_word(next);
}

/* Back to an empty record (the location bits stay). */
static void clear_record(struct mapping_record *r)
{
    r->owner = 0;
    r->first_child = 0;
    r->next_sibling &= LINK_BITS;
}

static struct page_table *record_table(const struct mapping_record *r)
{
    return (struct page_table *)((uintptr_t)r & ~TABLE_MASK);
}

static unsigned record_index(const struct mapping_record *r)
{
    return (unsigned)(r - record_table(r)->records);
}

/* ---- where a table is installed ------------------------------------------------------ */

static word_t make_location(unsigned asid, vaddr_t base)
{
    return (word_t)asid | (word_t)L1_INDEX(base) << 8;
}

static word_t table_location(const struct page_table *pt)
{
    word_t location = 0;
    for (unsigned i = 0; i < LOCATION_RECORDS; i++)
        location |= (pt->records[i].next_sibling & LINK_BITS) << (2 * i);
    return location;
}

void mapping_db_table_installed(struct page_table *pt, unsigned asid, vaddr_t base)
{
    word_t location = make_location(asid, base);
    for (unsigned i = 0; i < LOCATION_RECORDS; i++)
        pt->records[i].next_sibling =
            (pt->records[i].next_sibling & ~(word_t)LINK_BITS) | ((location >> (2 * i)) & LINK_BITS);
}

static unsigned location_asid(word_t location)
{
    return location & 0xffu;
}

static vaddr_t location_base(word_t location)
{
    return (vaddr_t)(location >> 8) << SECTION_SHIFT;
}

/* ---- removing ------------------------------------------------------------------------ */

/* Clears the entry of a child record and drops it from the TLB; the record is not
 * touched. */
static void unmap_entry(const struct mapping_record *r)
{
    struct page_table *pt = record_table(r);
    unsigned i = record_index(r);
    word_t location = table_location(pt);
    vspace_write_entry(&pt->pte[i], 0);
    tlb_flush_page(location_asid(location), location_base(location) + i * PAGE_SIZE);
}

/* Takes a child record off its parent's list. */
static void detach(struct mapping_record *r)
{
    struct mapping_record *parent = parent_of(r);
    struct mapping_record *c = first_child(parent);
    if (c == r) {
        parent->first_child = record_word(next_of(r));
        return;
    }
    while (next_of(c) != r) {
        c = next_of(c);
        assert(c);
    }
    set_next(c, next_of(r));
}

/* Estimated instructions: removing one leaf mapping (entry, TLB flush by address, the
 * record), and looking at one page of a range. */
#define REMOVE_LEAF_COST 250u
#define RANGE_PAGE_COST 50u
#define RECORD_COST 40u           /* a record cleared (or a root's mapping removed: x8) */
#define TABLE_SCAN_COST 1800u     /* looking at all 256 records of a table */

/* Removes top's descendants, leaves first. With preemptible, it stops when the entry's
 * budget is spent (false); the leaves it removed are gone, so calling it again goes on. */
static bool remove_descendants(struct mapping_record *top, bool preemptible)
{
    struct mapping_record *r = top;
    for (;;) {
        struct mapping_record *c = first_child(r);
        if (c) {
            r = c;
            continue;
        }
        if (r == top)
            return true;
        /* A leaf reached through first_child links: its parent's first child. */
        struct mapping_record *parent = parent_of(r);
        parent->first_child = record_word(next_of(r));
        unmap_entry(r);
        clear_record(r);
        r = parent;
        if (preemptible && preempt_step(REMOVE_LEAF_COST))
            return false;
    }
}

void mapping_db_remove_descendants(struct mapping_record *top)
{
    remove_descendants(top, false);
}

bool mapping_db_remove_descendants_steps(struct mapping_record *top)
{
    return remove_descendants(top, true);
}

bool mapping_db_remove_table_descendants(struct page_table *pt)
{
    if (preempt_step(TABLE_SCAN_COST))
        return false;
    for (unsigned i = 0; i < L2_ENTRIES; i++) {
        if (pt->records[i].owner && !remove_descendants(&pt->records[i], true))
            return false;
    }
    return true;
}

void mapping_db_set_root(struct mapping_record *record, struct cte *slot)
{
    assert(record->owner == 0 && record->first_child == 0);
    record->owner = (word_t)(uintptr_t)slot;
}

void mapping_db_remove_root(struct mapping_record *record)
{
    assert(record->owner && !is_child(record));
    mapping_db_remove_descendants(record);
    clear_record(record);
}

/* The rights a derived page keeps when its source is narrowed to map_rights. */
static unsigned narrowed_rights(uint32_t entry, unsigned map_rights)
{
    return pt_small_rights(entry) & (map_rights | PECAN_MAP_READ | PECAN_MAP_UNCACHED);
}

static bool entry_within(const struct mapping_record *r, unsigned map_rights)
{
    uint32_t e = record_table(r)->pte[record_index(r)];
    return narrowed_rights(e, map_rights) == pt_small_rights(e);
}

static void restrict_entry(struct mapping_record *r, unsigned map_rights)
{
    struct page_table *pt = record_table(r);
    unsigned i = record_index(r);
    uint32_t e = pt->pte[i];
    word_t location = table_location(pt);
    vspace_write_entry(&pt->pte[i], pt_small_page(e & L2_SMALL_BASE_MASK,
                                                  narrowed_rights(e, map_rights)));
    tlb_flush_page(location_asid(location), location_base(location) + i * PAGE_SIZE);
}

/* From r down its first children, as long as they still need narrowing: where the
 * post-order walk goes next. */
static struct mapping_record *first_to_narrow(struct mapping_record *r, unsigned map_rights)
{
    while (!entry_within(r, map_rights) && first_child(r))
        r = first_child(r);
    return r;
}

/* Estimated instructions: narrowing one derived page (entry, TLB flush by address), and
 * passing one that needs nothing. */
#define RESTRICT_COST 400u
#define RESTRICT_SKIP_COST 30u

bool mapping_db_restrict_descendants_steps(struct mapping_record *top, unsigned map_rights)
{
    /* Post-order: a record is narrowed only after all its descendants. A derived page
     * never has more rights than its source, so a narrowed record's whole subtree is done,
     * and a restart passes it by with one look. Stopping after any narrowing leaves every
     * page with no more rights than its source. */
    struct mapping_record *r = first_child(top);
    if (!r)
        return true;
    r = first_to_narrow(r, map_rights);
    for (;;) {
        if (!entry_within(r, map_rights)) {
            restrict_entry(r, map_rights);
            if (preempt_step(RESTRICT_COST))
                return false;
        } else {
            /* Counted, but a stop comes only after a narrowing, so a restart that passes
             * many finished siblings again still makes progress. */
            preempt_work += RESTRICT_SKIP_COST;
        }
        struct mapping_record *next = next_of(r);
        if (next) {
            r = first_to_narrow(next, map_rights);
            continue;
        }
        r = parent_of(r);   /* all its children are done: its turn */
        if (r == top)
            return true;
    }
}

int mapping_db_clear_table(struct page_table *pt, bool preemptible)
{
    /* A record is cleared only when its descendants are gone, so a restart skips what is
     * done and continues inside the record it stopped in. */
    if (preemptible && preempt_step(TABLE_SCAN_COST))
        return INVOCATION_RESTART;
    for (unsigned i = 0; i < L2_ENTRIES; i++) {
        struct mapping_record *r = &pt->records[i];
        if (!r->owner)
            continue;
        if (!remove_descendants(r, preemptible))
            return INVOCATION_RESTART;
        if (is_child(r))
            detach(r);
        clear_record(r);
        if (preemptible && preempt_step(RECORD_COST))
            return INVOCATION_RESTART;
    }
    return 0;
}

/* The page's mappings as UNMAP asks: false if it stopped inside (the page's descendants
 * are partly removed; the call continues with this page). */
static bool unmap_page(struct vspace *vspace, struct page_table *pt, unsigned i, bool own,
                       bool preemptible)
{
    struct mapping_record *r = &pt->records[i];
    if (!r->owner)
        return true;
    if (!remove_descendants(r, preemptible))
        return false;
    if (!own)
        return true;
    if (is_child(r)) {
        detach(r);
        unmap_entry(r);
        clear_record(r);
    } else {
        /* A root goes through its capability, which then holds no mapping any more. */
        struct cte *slot = (struct cte *)(uintptr_t)r->owner;
        if (frame_mapped_vspace(slot) != vspace)
            panic("mapping database: root record %p names slot %p without its mapping", (void *)r,
                  (void *)slot);
        /* A 64 KiB frame's other pieces may have been passed on too. */
        if (preemptible && !frame_remove_derived(slot))
            return false;
        frame_unmap(slot);
    }
    return true;
}

int mapping_db_unmap(struct vspace *vspace, vaddr_t *cursor, vaddr_t end, bool own,
                     bool preemptible)
{
    assert(end <= VSPACE_USER_END);
    while (*cursor < end) {
        vaddr_t va = *cursor;
        vaddr_t stop = ALIGN_DOWN(va, SECTION_SIZE) + SECTION_SIZE;
        if (stop > end)
            stop = end;
        struct page_table *pt = vspace_page_table(vspace, va);
        unsigned cost = RANGE_PAGE_COST;
        if (!pt) {
            va = stop;   /* nothing of this MiB has records */
        } else {
            /* The pages of this MiB, a step each; one with a mapping counts more. */
            for (; va < stop; va += PAGE_SIZE) {
                bool mapped = pt->records[L2_INDEX(va)].owner != 0;
                if (!unmap_page(vspace, pt, L2_INDEX(va), own, preemptible)) {
                    *cursor = va;
                    return INVOCATION_RESTART;
                }
                cost += mapped ? RANGE_PAGE_COST + 8 * RECORD_COST : RANGE_PAGE_COST / 2;
                if (preemptible && cost >= PREEMPT_CHECK_INTERVAL / 4) {
                    if (preempt_step(cost)) {
                        *cursor = va + PAGE_SIZE;
                        return *cursor < end ? INVOCATION_RESTART : 0;
                    }
                    cost = 0;
                }
            }
        }
        *cursor = va;
        if (preemptible && preempt_step(cost))
            return *cursor < end ? INVOCATION_RESTART : 0;
    }
    return 0;
}

/* ---- memory items -------------------------------------------------------------------- */

/* Estimated instructions per page of an item (both passes), such that MAPPING_DB_ENTRY_PAGES
 * pages are one entry's budget. */
#define ITEM_PAGE_COST (PREEMPT_BUDGET / MAPPING_DB_ENTRY_PAGES)

struct item {
    struct vspace *from, *to;
    vaddr_t base, target;
    word_t size;
    unsigned rights;          /* PECAN_MAP_*, READ included */
};

/* May the page at entry d of the receiver take a mapping from record parent? true if it
 * is empty or already a child of parent (then *upgrade). */
static bool target_free(uint32_t d, const struct mapping_record *target,
                        const struct mapping_record *parent, bool *upgrade)
{
    *upgrade = false;
    if (!pt_l2_valid(d))
        return true;
    if (target->owner != (record_word(parent) | MAPPING_DB_CHILD))
        return false;
    *upgrade = true;
    return true;
}

/* One MiB-or-smaller chunk of the item: pages [off, off + bytes). With install false it
 * only checks, counting mapped pages and the page tables needed; with install true it
 * maps (after a successful check), counting the pages too. Each page is checked before
 * anything is changed for it. */
static int walk_chunk(const struct item *it, word_t off, word_t bytes, bool install,
                      word_t *mapped, word_t *tables)
{
    vaddr_t src = it->base + off, dst = it->target + off;
    uint32_t sl1 = it->from->pd[L1_INDEX(src)];
    if (sl1 == 0)
        return 0;   /* nothing mapped in this MiB of the sender */
    if (!pt_is_coarse(sl1))
        return -PECAN_EINVAL;   /* a section: nothing may be derived from it */
    struct page_table *spt = phys_to_virt(sl1 & L1_COARSE_BASE_MASK);
    struct page_table *dpt = vspace_page_table(it->to, dst);
    bool any = false;

    for (word_t p = 0; p < bytes; p += PAGE_SIZE) {
        unsigned si = L2_INDEX(src + p), di = L2_INDEX(dst + p);
        uint32_t s = spt->pte[si];
        struct mapping_record *parent = &spt->records[si];
        if (!pt_l2_valid(s) || !parent->owner)
            continue;
        bool upgrade = false;
        if (dpt && !target_free(dpt->pte[di], &dpt->records[di], parent, &upgrade))
            return -PECAN_EMAPPED;
        any = true;
        (*mapped)++;
        if (!install)
            continue;
        if (!dpt) {
            page_table_install_from_pool(it->to, dst);
            dpt = vspace_page_table(it->to, dst);
        }
        unsigned parent_rights = pt_l2_rights(s);
        unsigned rights = (it->rights & parent_rights & RIGHTS_RWX) |
                          (parent_rights & PECAN_MAP_UNCACHED);
        struct mapping_record *child = &dpt->records[di];
        if (upgrade) {
            unsigned old = pt_small_rights(dpt->pte[di]);
            if ((old | rights) != old) {
                vspace_write_entry(&dpt->pte[di],
                                   pt_small_page(pt_l2_page(s, src + p), old | rights));
                tlb_flush_page(vspace_asid(it->to), dst + p);
            }
            continue;
        }
        vspace_write_entry(&dpt->pte[di], pt_small_page(pt_l2_page(s, src + p), rights));
        child->owner = record_word(parent) | MAPPING_DB_CHILD;
        child->first_child = 0;
        set_next(child, first_child(parent));
        parent->first_child = record_word(child);
    }
    if (install || !any || dpt)
        return 0;
    if (it->to->pd[L1_INDEX(dst)] != 0)
        return -PECAN_EMAPPED;   /* a section where the pages would go */
    (*tables)++;
    return 0;
}

static int walk_item(const struct item *it, bool install, word_t *mapped, word_t *tables)
{
    word_t chunk = it->size < SECTION_SIZE ? it->size : SECTION_SIZE;
    for (word_t off = 0; off < it->size; off += chunk) {
        int err = walk_chunk(it, off, chunk, install, mapped, tables);
        if (err)
            return err;
    }
    return 0;
}

int mapping_db_map_item(struct thread *sender, struct thread *receiver, word_t w0, word_t w1,
                   vaddr_t window, unsigned window_order, vaddr_t *mapped_at)
{
    struct item it;
    *mapped_at = 0;
    it.from = thread_vspace(sender);
    it.to = thread_vspace(receiver);
    if (!it.from || !it.to)
        return -PECAN_EINVAL;

    unsigned rights = (w0 >> PECAN_ITEM_RIGHTS_SHIFT) & 0xfu;
    unsigned order = (w0 >> PECAN_ITEM_ORDER_SHIFT) & 0xffu;
    if (rights == 0 || (rights & ~RIGHTS_RWX))
        return -PECAN_EINVAL;
    it.rights = rights | PECAN_MAP_READ;
    if (order < PAGE_SHIFT || order > 31 || window_order < PAGE_SHIFT || window_order > 32 ||
        order > window_order)
        return -PECAN_ERANGE;
    it.size = (word_t)1 << order;
    word_t window_mask = window_order == 32 ? ~(word_t)0 : ((word_t)1 << window_order) - 1;
    it.base = w1;
    if ((it.base & (it.size - 1)) || (window & window_mask))
        return -PECAN_EALIGN;
    it.target = window + (it.base & window_mask & ~(it.size - 1));
    if (it.base >= VSPACE_USER_END || it.size > VSPACE_USER_END - it.base ||
        it.target >= VSPACE_USER_END || it.size > VSPACE_USER_END - it.target)
        return -PECAN_ERANGE;
    *mapped_at = it.target;
    /* Bounded latency (above): the pages this entry's items may cover. */
    if (!preempt_charge((it.size >> PAGE_SHIFT) * ITEM_PAGE_COST))
        return -PECAN_ERANGE;

    word_t mapped = 0, tables = 0;
    int err;
    /* One page into an existing page table (the usual answer to a page fault): one pass.
     * walk_chunk checks the page before it changes anything, and no page table has to
     * come from the pool, so the separate check pass has nothing to catch. */
    if (it.size == PAGE_SIZE && vspace_page_table(it.to, it.target)) {
        if ((err = walk_chunk(&it, 0, PAGE_SIZE, true, &mapped, &tables)) != 0)
            return err;
        if (mapped == 0)
            return -PECAN_ENOENT;
        barrier_data_sync();   /* the new entry was empty: no TLB entry to drop */
        return 0;
    }
    err = walk_item(&it, false, &mapped, &tables);
    if (err)
        return err;
    if (mapped == 0)
        return -PECAN_ENOENT;
    if (tables > vspace_meta_count(it.to, VSPACE_META_POOL_COUNT))
        return -PECAN_ENOPAGETABLE;
    err = walk_item(&it, true, &mapped, &tables);
    assert(err == 0);
    barrier_data_sync();   /* new entries were empty: no TLB entries to drop */
    return 0;
}

/* ---- invariant checks ---------------------------------------------------------------- */

#define CHECK_STEPS 65536u   /* bound for chains and lists, so a cycle cannot hang us */

static bool in_kernel_window(word_t w)
{
    return w >= KERNEL_VIRT_OFFSET && w - KERNEL_VIRT_OFFSET < KERNEL_WINDOW_SIZE;
}

/* Does w point at a record of a page table installed in a live vspace? */
static bool record_live(word_t w)
{
    if (!in_kernel_window(w))
        return false;
    const struct mapping_record *r = as_record(w);
    const struct page_table *pt = record_table(r);
    uintptr_t offset = (uintptr_t)r - (uintptr_t)pt->records;
    if ((uintptr_t)r < (uintptr_t)pt->records || offset % sizeof(*r) != 0 ||
        !invariants_object_live((word_t)(uintptr_t)pt, CAP_PAGE_TABLE))
        return false;
    word_t location = table_location(pt);
    struct vspace *vspace = vspace_of_asid(location_asid(location));
    return vspace && location_base(location) < VSPACE_USER_END &&
           vspace->pd[L1_INDEX(location_base(location))] == pt_coarse(virt_to_phys(pt));
}

static void check_root(struct vspace *vspace, vaddr_t va, uint32_t e,
                       const struct mapping_record *r)
{
    unsigned asid = vspace_asid(vspace);
    if (!in_kernel_window(r->owner) || (r->owner & ((1u << CTE_SIZE_BITS) - 1))) {
        invariants_report("asid %u: %08lx: root record owner %08lx is not a slot", asid,
                          (unsigned long)va, (unsigned long)r->owner);
        return;
    }
    const struct cte *slot = (const struct cte *)(uintptr_t)r->owner;
    const struct capability *frame = &slot->cap;
    if (frame->type != CAP_FRAME || frame_mapped_vspace(slot) != vspace ||
        va - frame->badge >= (1u << frame->size_bits) ||
        pt_l2_page(e, va) != cap_object_phys(frame) + (va - frame->badge))
        invariants_report("asid %u: %08lx: root record's slot %p holds no frame mapped here",
                          asid, (unsigned long)va, (const void *)slot);
    if (next_of(r))
        invariants_report("asid %u: %08lx: root record has a sibling", asid,
                          (unsigned long)va);
}

static void check_child(struct vspace *vspace, vaddr_t va, uint32_t e,
                        const struct mapping_record *r)
{
    unsigned asid = vspace_asid(vspace);
    if (!pt_is_small(e))
        invariants_report("asid %u: %08lx: received mapping is not a small page", asid,
                          (unsigned long)va);
    if (!record_live(r->owner & ~(word_t)MAPPING_DB_CHILD)) {
        invariants_report("asid %u: %08lx: parent record %08lx is not in an installed table",
                          asid, (unsigned long)va, (unsigned long)r->owner);
        return;
    }
    const struct mapping_record *parent = parent_of(r);
    const struct page_table *ppt = record_table(parent);
    unsigned pi = record_index(parent);
    uint32_t pe = ppt->pte[pi];
    vaddr_t pva = location_base(table_location(ppt)) + pi * PAGE_SIZE;
    if (!pt_l2_valid(pe) || pt_l2_page(pe, pva) != (e & L2_SMALL_BASE_MASK))
        invariants_report("asid %u: %08lx maps %08lx, its parent another page", asid,
                          (unsigned long)va, (unsigned long)(e & L2_SMALL_BASE_MASK));
    else if ((pt_small_rights(e) & ~pt_l2_rights(pe)) ||
             ((pt_small_rights(e) ^ pt_l2_rights(pe)) & PECAN_MAP_UNCACHED))
        invariants_report("asid %u: %08lx has rights %x beyond its parent's %x", asid,
                          (unsigned long)va, pt_small_rights(e), pt_l2_rights(pe));
    /* On the parent's list. */
    const struct mapping_record *c = first_child(parent);
    unsigned steps = 0;
    while (c && c != r && ++steps < CHECK_STEPS)
        c = next_of(c);
    if (c != r)
        invariants_report("asid %u: %08lx: record is not on its parent's child list", asid,
                          (unsigned long)va);
    /* Up to a root. */
    const struct mapping_record *up = parent;
    for (steps = 0; is_child(up) && steps < CHECK_STEPS; steps++) {
        if (!record_live(up->owner & ~(word_t)MAPPING_DB_CHILD))
            break;
        up = parent_of(up);
    }
    if (is_child(up) || !up->owner)
        invariants_report("asid %u: %08lx: owner chain does not end at a root", asid,
                          (unsigned long)va);
}

void mapping_db_check_table(struct vspace *vspace, vaddr_t base, const struct page_table *pt)
{
    unsigned asid = vspace_asid(vspace);
    if (table_location(pt) != make_location(asid, base))
        invariants_report("asid %u: page table at %08lx records location %05lx", asid,
                          (unsigned long)base, (unsigned long)table_location(pt));
    for (unsigned i = 0; i < L2_ENTRIES; i++) {
        const struct mapping_record *r = &pt->records[i];
        uint32_t e = pt->pte[i];
        vaddr_t va = base + i * PAGE_SIZE;
        if (pt_l2_valid(e) != (r->owner != 0)) {
            invariants_report("asid %u: %08lx: entry %08lx but record owner %08lx", asid,
                              (unsigned long)va, (unsigned long)e, (unsigned long)r->owner);
            continue;
        }
        if (!r->owner) {
            if (r->first_child || next_of(r))
                invariants_report("asid %u: %08lx: empty record with links", asid,
                                  (unsigned long)va);
            continue;
        }
        if (is_child(r))
            check_child(vspace, va, e, r);
        else
            check_root(vspace, va, e, r);
        if (next_of(r) && !record_live(record_word(next_of(r))))
            invariants_report("asid %u: %08lx: sibling %p is not in an installed table", asid,
                              (unsigned long)va, (void *)next_of(r));
        unsigned steps = 0;
        for (const struct mapping_record *c = first_child(r); c && steps < CHECK_STEPS;
             c = next_of(c), steps++) {
            if (!record_live(record_word(c))) {
                invariants_report("asid %u: %08lx: child %p is not in an installed table",
                                  asid, (unsigned long)va, (const void *)c);
                break;
            }
            if (c->owner != (record_word(r) | MAPPING_DB_CHILD)) {
                invariants_report("asid %u: %08lx: child %p names another parent", asid,
                                  (unsigned long)va, (const void *)c);
                break;
            }
        }
    }
}
