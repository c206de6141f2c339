/* SPDX-License-Identifier: MIT */
/*
 * Page tables (include/object/vspace.h): installing and removing them, each address
 * space's pool of donated page tables, the PAGE_TABLE protocol, and the delete hooks.
 *
 * A page-table capability is in one of three states:
 *   free       no CAP_FLAG_MAPPED, or a dead weak link;
 *   installed  MAPPED, badge = the MiB it covers, link live, and that MiB's L1 entry is a
 *              coarse entry pointing at this object;
 *   pooled     MAPPED, badge = PAGE_TABLE_POOLED, link live. The object is then on its
 *              vspace's pool list: records[0].owner is the next pooled table (kernel VA,
 *              0 ends), records[0].first_child the slot holding this capability, which
 *              the pool updates when it installs the table (page_table_cap_moved keeps it
 *              right when the capability moves). The list head and count are bookkeeping
 *              entries of the vspace.
 * A table's entries and records are cleared when it is installed. When it leaves its
 * address space (uninstalled here, or the vspace destroyed) its mapping records are
 * cleaned up first (mapping_db_clear_table: what was mapped from its pages goes, and its own
 * received mappings leave their parents' child lists), so no record elsewhere points into
 * it; its entries are left as they are, unreachable once the L1 entry is gone.
 */
#include <arch/memory.h>
#include <arch/memory_ops.h>
#include <arch/page_table.h>
#include <arch/processor.h>
#include <arch/tlb.h>
#include <core/delete.h>
#include <core/invocation.h>
#include <core/mapping_db.h>
#include <core/panic.h>
#include <object/vspace.h>

#define CACHE_LINE 32u
#define NOT_INSTALLED 0xFFFFFFFFu

static struct page_table *page_table_of(const struct capability *cap)
{
    return (struct page_table *)cap->object;
}

static struct vspace *linked_vspace(const struct capability *cap)
{
    if (!(cap->flags & CAP_FLAG_MAPPED))
        return NULL;
    return vspace_link_target(cap->extra);
}

struct vspace *page_table_installed_vspace(const struct capability *cap)
{
    struct vspace *vspace = linked_vspace(cap);
    if (!vspace || cap->badge >= VSPACE_USER_END)
        return NULL;
    paddr_t table = virt_to_phys(page_table_of(cap));
    return vspace->pd[L1_INDEX(cap->badge)] == pt_coarse(table) ? vspace : NULL;
}

struct vspace *page_table_pooled_vspace(const struct capability *cap)
{
    struct vspace *vspace = linked_vspace(cap);
    return vspace && cap->badge == PAGE_TABLE_POOLED ? vspace : NULL;
}

static void set_link(struct capability *cap, struct vspace *vspace, word_t badge)
{
    cap->flags |= CAP_FLAG_MAPPED;
    cap->badge = badge;
    cap->extra = vspace_link(vspace);
}

/* Zeroes the table and its records; the hardware part is cleaned for the walker. */
static void page_table_reset(struct page_table *pt)
{
    arch_zero_blocks(pt, sizeof(*pt));
    for (size_t off = 0; off < sizeof(pt->pte); off += CACHE_LINE)
        dcache_clean_line((vaddr_t)(uintptr_t)pt->pte + off);
}

void page_table_install(struct vspace *vspace, struct cte *slot, vaddr_t vaddr)
{
    struct page_table *pt = page_table_of(&slot->cap);

    page_table_reset(pt);
    mapping_db_table_installed(pt, vspace_asid(vspace), ALIGN_DOWN(vaddr, SECTION_SIZE));
    vspace_write_entry(&vspace->pd[L1_INDEX(vaddr)], pt_coarse(virt_to_phys(pt)));
    barrier_data_sync();   /* the L1 entry was a fault: no TLB entry to drop */
    vspace_meta_set_count(vspace, VSPACE_META_PT_COUNT,
                          vspace_meta_count(vspace, VSPACE_META_PT_COUNT) + 1);
    set_link(&slot->cap, vspace, ALIGN_DOWN(vaddr, SECTION_SIZE));
}

void page_table_uninstall(struct capability *cap)
{
    struct vspace *vspace = page_table_installed_vspace(cap);
    assert(vspace);
    mapping_db_clear_table(page_table_of(cap), false);
    vspace_write_entry(&vspace->pd[L1_INDEX(cap->badge)], 0);
    /* Up to 256 pages of this MiB may be in the TLB: one flush of the ASID is cheaper
     * than 256 by address. The frames' capabilities keep their links, which are dead now
     * that the L1 entry is gone (and the records no longer name them). */
    tlb_flush_asid(vspace_asid(vspace));
    vspace_meta_set_count(vspace, VSPACE_META_PT_COUNT,
                          vspace_meta_count(vspace, VSPACE_META_PT_COUNT) - 1);
    cap->flags &= ~CAP_FLAG_MAPPED;
}

/* The pool list, threaded through records[0] of each pooled table. */
static struct page_table *pool_next(const struct page_table *pt)
{
    return (struct page_table *)pt->records[0].owner;
}

static struct cte *pool_slot(const struct page_table *pt)
{
    return (struct cte *)pt->records[0].first_child;
}

static struct page_table *pool_head(const struct vspace *vspace)
{
    return (struct page_table *)vspace->pd[VSPACE_META_POOL_HEAD];
}

/* Bookkeeping entries stay fault entries (page tables are 4 KiB aligned, counts are
 * stored shifted) and the walker never uses them, so they need no cache clean. */
static void pool_set_head(struct vspace *vspace, struct page_table *pt)
{
    vspace->pd[VSPACE_META_POOL_HEAD] = (uint32_t)(uintptr_t)pt;
}

static void pool_count_add(struct vspace *vspace, int change)
{
    vspace_meta_set_count(vspace, VSPACE_META_POOL_COUNT,
                          vspace_meta_count(vspace, VSPACE_META_POOL_COUNT) + change);
}

void page_table_donate(struct vspace *vspace, struct cte *slot)
{
    struct page_table *pt = page_table_of(&slot->cap);

    pt->records[0].owner = (word_t)(uintptr_t)pool_head(vspace);
    pt->records[0].first_child = (word_t)(uintptr_t)slot;
    pool_set_head(vspace, pt);
    pool_count_add(vspace, 1);
    set_link(&slot->cap, vspace, PAGE_TABLE_POOLED);
}

/* Takes pt off vspace's pool if it is there (a dead or duplicated link may name a table
 * that is not). */
static void pool_remove(struct vspace *vspace, struct page_table *pt)
{
    struct page_table *prev = NULL;
    for (struct page_table *p = pool_head(vspace); p; prev = p, p = pool_next(p)) {
        if (p != pt)
            continue;
        if (prev)
            prev->records[0].owner = pt->records[0].owner;
        else
            pool_set_head(vspace, pool_next(pt));
        pool_count_add(vspace, -1);
        return;
    }
}

void page_table_undonate(struct capability *cap)
{
    struct vspace *vspace = page_table_pooled_vspace(cap);
    assert(vspace);
    pool_remove(vspace, page_table_of(cap));
    cap->flags &= ~CAP_FLAG_MAPPED;
}

void page_table_install_from_pool(struct vspace *vspace, vaddr_t vaddr)
{
    struct page_table *pt = pool_head(vspace);
    assert(pt);
    struct cte *slot = pool_slot(pt);
    /* The slot must still hold the capability that donated this table. */
    if (slot->cap.type != CAP_PAGE_TABLE || page_table_of(&slot->cap) != pt ||
        page_table_pooled_vspace(&slot->cap) != vspace)
        panic("page table pool: stale capability slot %p", (void *)slot);
    pool_set_head(vspace, pool_next(pt));
    pool_count_add(vspace, -1);
    page_table_install(vspace, slot, vaddr);
}

void page_table_cap_moved(struct cte *from, struct cte *to)
{
    /* Called for every move; only the slot the pool remembers is followed. */
    if (to->cap.type == CAP_PAGE_TABLE && page_table_pooled_vspace(&to->cap) &&
        pool_slot(page_table_of(&to->cap)) == from)
        page_table_of(&to->cap)->records[0].first_child = (word_t)(uintptr_t)to;
}

bool page_table_remove_derived(const struct capability *cap)
{
    return !page_table_installed_vspace(cap) ||
           mapping_db_remove_table_descendants(page_table_of(cap));
}

void page_table_cap_deleted(struct capability *cap)
{
    struct vspace *pooled_in = page_table_pooled_vspace(cap);

    if (page_table_installed_vspace(cap))
        page_table_uninstall(cap);
    else if (pooled_in)
        pool_remove(pooled_in, page_table_of(cap));
    cap->flags &= ~CAP_FLAG_MAPPED;
}

void page_table_destroy(struct capability *cap)
{
    /* page_table_cap_deleted has removed the table already; repeating it is harmless
     * and covers a caller that skipped it. */
    page_table_cap_deleted(cap);
}

/* INFO -> installed vaddr (or ~0). */
static int decode_page_table_info(struct invocation *inv)
{
    const struct capability *cap = &inv->slot->cap;
    invocation_reply(inv, 0, page_table_installed_vspace(cap) ? cap->badge : NOT_INSTALLED);
    return 0;
}

int page_table_decode(struct invocation *inv)
{
    if (pecan_tag_label(inv->tag) != PECAN_PROTO_PAGE_TABLE)
        return -PECAN_EBADPROTO;
    if (inv->length < 1)
        return -PECAN_EMSGTOOSHORT;
    switch (invocation_word(inv, 0)) {
    case PECAN_PAGE_TABLE_INFO:
        return decode_page_table_info(inv);
    default:
        return -PECAN_ENOSYS;
    }
}
