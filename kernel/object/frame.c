/* SPDX-License-Identifier: MIT */
/*
 * Frames (include/object/vspace.h): mapping, unmapping and remapping a frame capability's
 * one mapping, the FRAME protocol, and the delete hook.
 *
 * A frame is 4 KiB (one small-page entry), 64 KiB (16 identical large-page entries at a
 * 16-entry boundary of a page table) or 1 MiB (one section entry in the page directory).
 * Invariants:
 *   - a frame capability's mapping is live iff its weak link names a live vspace, the
 *     entry at the recorded vaddr still maps this frame's physical address with this
 *     frame's size, and (for pages in a page table) the page's mapping record names this
 *     capability's slot as its owner. Removing a page table (or its address space)
 *     therefore unmaps every frame in it without touching their capabilities, and a copy
 *     of the capability mapped later at the same place is not mistaken for the original.
 *     A moved capability takes its mapping along (frame_cap_moved).
 *   - pages in a page table are roots in the mapping database (core/mapping_db.c): each
 *     record of the mapping (1, or 16 for 64 KiB) is owned by the capability's slot, and
 *     removing the mapping (unmap, delete) first removes every mapping derived from it in
 *     any address space; narrowing its rights (remap) narrows theirs. Sections have no
 *     records and nothing is ever derived from them.
 *   - every entry write is cleaned to memory; an entry that held a valid mapping is also
 *     flushed from the TLB (by MVA and ASID) before the operation returns.
 */
#include <arch/memory.h>
#include <arch/page_table.h>
#include <arch/processor.h>
#include <arch/tlb.h>
#include <core/delete.h>
#include <core/invocation.h>
#include <core/mapping_db.h>
#include <core/panic.h>
#include <object/vspace.h>

#define CACHE_LINE 32u
#define NOT_MAPPED 0xFFFFFFFFu

static bool frame_size_valid(unsigned size_bits)
{
    return size_bits == FRAME_BITS_SMALL || size_bits == FRAME_BITS_LARGE ||
           size_bits == FRAME_BITS_SECTION;
}

static unsigned entry_count(unsigned size_bits)
{
    return size_bits == FRAME_BITS_LARGE ? LARGE_PAGE_ENTRIES : 1;
}

/* The first entry a frame of size_bits at vaddr uses: the section entry, or the page
 * table entry (NULL when no page table covers vaddr). */
static uint32_t *frame_entries(struct vspace *vspace, vaddr_t vaddr, unsigned size_bits)
{
    if (size_bits == FRAME_BITS_SECTION)
        return &vspace->pd[L1_INDEX(vaddr)];
    struct page_table *pt = vspace_page_table(vspace, vaddr);
    return pt ? &pt->pte[L2_INDEX(vaddr)] : NULL;
}

static bool entries_empty(const uint32_t *entry, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        if (entry[i] != 0)
            return false;
    return true;
}

static void write_entries(uint32_t *entry, unsigned count, uint32_t value)
{
    for (unsigned i = 0; i < count; i++)
        vspace_write_entry(&entry[i], value);
}

/* The first mapping record of the frame mapped at vaddr; entry_count(size_bits) records
 * follow. NULL for sections: a section entry can only be removed through its own
 * capability or with its whole address space. */
static struct mapping_record *frame_record(struct vspace *vspace, vaddr_t vaddr,
                                           unsigned size_bits)
{
    if (size_bits == FRAME_BITS_SECTION)
        return NULL;
    struct page_table *pt = vspace_page_table(vspace, vaddr);
    return pt ? &pt->records[L2_INDEX(vaddr)] : NULL;
}

struct vspace *frame_mapped_vspace(const struct cte *slot)
{
    const struct capability *frame = &slot->cap;
    if (!(frame->flags & CAP_FLAG_MAPPED) || frame->badge >= VSPACE_USER_END)
        return NULL;
    struct vspace *vspace = vspace_link_target(frame->extra);
    if (!vspace)
        return NULL;
    const uint32_t *entry = frame_entries(vspace, frame->badge, frame->size_bits);
    if (!entry || !pt_maps_frame(*entry, frame->size_bits, cap_object_phys(frame)))
        return NULL;
    const struct mapping_record *record = frame_record(vspace, frame->badge, frame->size_bits);
    if (record && record->owner != (word_t)(uintptr_t)slot)
        return NULL;
    return vspace;
}

int frame_map_check(struct vspace *vspace, const struct cte *slot, vaddr_t vaddr)
{
    const struct capability *frame = &slot->cap;
    assert(frame->type == CAP_FRAME && frame_size_valid(frame->size_bits));
    word_t size = 1u << frame->size_bits;

    if (!IS_ALIGNED(vaddr, size))
        return -PECAN_EALIGN;
    if (vaddr > VSPACE_USER_END - size)
        return -PECAN_ERANGE;
    if (frame_mapped_vspace(slot))
        return -PECAN_EMAPPED;
    const uint32_t *entry = frame_entries(vspace, vaddr, frame->size_bits);
    if (entry)
        return entries_empty(entry, entry_count(frame->size_bits)) ? 0 : -PECAN_EMAPPED;
    if (vspace->pd[L1_INDEX(vaddr)] != 0)   /* a section where a page table would go */
        return -PECAN_EMAPPED;
    if (vspace_meta_count(vspace, VSPACE_META_POOL_COUNT) == 0)
        return -PECAN_ENOPAGETABLE;
    return 0;
}

/* Mapping RAM uncached makes a second, cacheable alias through the kernel window: write
 * back and drop its lines first, or a later eviction would overwrite what the user wrote
 * (retype zeroed the frame through the cache). ARM11 does not fetch data speculatively,
 * so no new lines appear while the user mapping exists unless the kernel reads the frame. */
static void frame_flush_kernel_alias(const struct capability *frame)
{
    vaddr_t start = (vaddr_t)(uintptr_t)phys_to_virt(cap_object_phys(frame));
    for (vaddr_t va = start; va < start + (1u << frame->size_bits); va += CACHE_LINE)
        CP15_WRITE(0, c7, c14, 1, va);   /* clean and invalidate D line by MVA */
    barrier_data_sync();
}

void frame_map(struct vspace *vspace, struct cte *frame_slot, vaddr_t vaddr,
               unsigned map_rights)
{
    struct capability *frame = &frame_slot->cap;
    unsigned size_bits = frame->size_bits;

    if (frame->flags & CAP_FLAG_DEVICE)
        map_rights |= PECAN_MAP_UNCACHED;
    else if (map_rights & PECAN_MAP_UNCACHED)
        frame_flush_kernel_alias(frame);
    if (size_bits != FRAME_BITS_SECTION && !vspace_page_table(vspace, vaddr))
        page_table_install_from_pool(vspace, vaddr);
    uint32_t descriptor = pt_frame_descriptor(size_bits, cap_object_phys(frame), map_rights);
    write_entries(frame_entries(vspace, vaddr, size_bits), entry_count(size_bits),
                  descriptor);
    /* The entries were empty, and ARMv6 TLBs do not hold faults: no flush needed. */
    barrier_data_sync();
    struct mapping_record *record = frame_record(vspace, vaddr, size_bits);
    for (unsigned i = 0; record && i < entry_count(size_bits); i++)
        mapping_db_set_root(&record[i], frame_slot);
    frame->flags |= CAP_FLAG_MAPPED;
    frame->badge = vaddr;
    frame->extra = vspace_link(vspace);
}

void frame_unmap(struct cte *slot)
{
    struct capability *frame = &slot->cap;
    struct vspace *vspace = frame_mapped_vspace(slot);
    assert(vspace);
    /* What was mapped from it goes first, in every address space. */
    struct mapping_record *record = frame_record(vspace, frame->badge, frame->size_bits);
    for (unsigned i = 0; record && i < entry_count(frame->size_bits); i++)
        mapping_db_remove_root(&record[i]);
    write_entries(frame_entries(vspace, frame->badge, frame->size_bits),
                  entry_count(frame->size_bits), 0);
    tlb_flush_page(vspace_asid(vspace), frame->badge);   /* one TLB entry per mapping */
    frame->flags &= ~CAP_FLAG_MAPPED;
}

bool frame_remap(struct cte *slot, unsigned map_rights)
{
    struct capability *frame = &slot->cap;
    struct vspace *vspace = frame_mapped_vspace(slot);
    assert(vspace);
    /* Mappings derived from it never have more rights than it: they are narrowed first,
     * in steps (a restart passes what is done), then its own entries. */
    struct mapping_record *record = frame_record(vspace, frame->badge, frame->size_bits);
    for (unsigned i = 0; record && i < entry_count(frame->size_bits); i++) {
        if (!mapping_db_restrict_descendants_steps(&record[i], map_rights))
            return false;
    }
    uint32_t *entry = frame_entries(vspace, frame->badge, frame->size_bits);
    unsigned memory_type = pt_descriptor_rights(frame->size_bits, *entry) & PECAN_MAP_UNCACHED;
    uint32_t descriptor =
        pt_frame_descriptor(frame->size_bits, cap_object_phys(frame), map_rights | memory_type);
    write_entries(entry, entry_count(frame->size_bits), descriptor);
    tlb_flush_page(vspace_asid(vspace), frame->badge);
    return true;
}

bool frame_remove_derived(const struct cte *slot)
{
    const struct capability *frame = &slot->cap;
    struct vspace *vspace = frame_mapped_vspace(slot);
    if (!vspace)
        return true;
    struct mapping_record *record = frame_record(vspace, frame->badge, frame->size_bits);
    for (unsigned i = 0; record && i < entry_count(frame->size_bits); i++) {
        if (!mapping_db_remove_descendants_steps(&record[i]))
            return false;
    }
    return true;
}

void frame_cap_deleted(struct cte *slot)
{
    if (frame_mapped_vspace(slot))
        frame_unmap(slot);
}

void frame_cap_moved(struct cte *from, struct cte *to)
{
    /* Called after the move: the capability is in to, the record still names from. */
    const struct capability *frame = &to->cap;
    if (!(frame->flags & CAP_FLAG_MAPPED) || frame->badge >= VSPACE_USER_END)
        return;
    struct vspace *vspace = vspace_link_target(frame->extra);
    if (!vspace)
        return;
    struct mapping_record *record = frame_record(vspace, frame->badge, frame->size_bits);
    for (unsigned i = 0; record && i < entry_count(frame->size_bits); i++)
        if (record[i].owner == (word_t)(uintptr_t)from)
            record[i].owner = (word_t)(uintptr_t)to;
}

/* INFO -> physical address, size_bits, mapped vaddr (or ~0). */
static int decode_frame_info(struct invocation *inv)
{
    const struct capability *frame = &inv->slot->cap;

    invocation_reply(inv, 0, cap_object_phys(frame));
    invocation_reply(inv, 1, frame->size_bits);
    invocation_reply(inv, 2, frame_mapped_vspace(inv->slot) ? frame->badge : NOT_MAPPED);
    return 0;
}

int frame_decode(struct invocation *inv)
{
    if (pecan_tag_label(inv->tag) != PECAN_PROTO_FRAME)
        return -PECAN_EBADPROTO;
    if (inv->length < 1)
        return -PECAN_EMSGTOOSHORT;
    switch (invocation_word(inv, 0)) {
    case PECAN_FRAME_INFO:
        return decode_frame_info(inv);
    default:
        return -PECAN_ENOSYS;
    }
}
