/* SPDX-License-Identifier: MIT */
/*
 * Address spaces (include/object/vspace.h): the ASID table, creating, switching and
 * destroying page directories, weak links, lookups and the VSPACE protocol's decoder.
 *
 * Invariants:
 *   - asid_table[a].vspace is the one live vspace with ASID a, or NULL; ASID 0 is the
 *     kernel's (boot page directory) and never handed out. A generation only grows, so a
 *     weak link (generation, asid) taken before the ASID was freed never matches again.
 *   - A vspace's L1 entries 0xC00-0xFFF are the boot directory's, 0xBF0-0xBFF are fault
 *     entries holding its bookkeeping, the rest are fault, coarse (a page table object)
 *     or section (a 1 MiB frame) entries.
 *   - cpus[c].active_vspace is the vspace whose table TTBR0 of CPU c holds (NULL: boot
 *     directory); a vspace is never destroyed while it is active on this CPU.
 *   - the page tables installed in a live vspace are the only tables whose mapping
 *     records are in use (core/mapping_db.c): destroying a vspace cleans each of its tables'
 *     records before the ASID is freed.
 * All under the big kernel lock.
 */
#include <arch/memory.h>
#include <arch/memory_ops.h>
#include <arch/mmu.h>
#include <arch/page_table.h>
#include <arch/processor.h>
#include <arch/tlb.h>
#include <core/cpu.h>
#include <core/delete.h>
#include <core/invariants.h>
#include <core/invocation.h>
#include <core/mapping_db.h>
#include <core/panic.h>
#include <core/preempt.h>
#include <object/vspace.h>

#define ASID_GENERATION_MAX 0xFFFFFFu   /* 24 bits in capability.extra */
#define KERNEL_FIRST_ENTRY L1_INDEX(USER_SPACE_END)
#define CACHE_LINE 32u

static struct {
    struct vspace *vspace;
    uint32_t generation;
} asid_table[ASID_COUNT];

static unsigned asid_next = 1;                      /* where the search for a free one starts */

/* Takes a free ASID for vspace, or returns 0. An ASID whose generation would wrap is
 * retired instead, so that no old weak link can come back to life. */
static unsigned asid_alloc(struct vspace *vspace)
{
    for (unsigned i = 0; i < ASID_COUNT - 1; i++) {
        unsigned asid = 1 + (asid_next - 1 + i) % (ASID_COUNT - 1);
        if (asid_table[asid].vspace || asid_table[asid].generation == ASID_GENERATION_MAX)
            continue;
        asid_table[asid].generation++;
        asid_table[asid].vspace = vspace;
        asid_next = asid % (ASID_COUNT - 1) + 1;
        return asid;
    }
    return 0;
}

static void clean_range(const void *start, size_t bytes)
{
    /* For a whole page directory, cleaning the entire data cache (one operation on the
     * ARM11, c7 c10 0) is cheaper than 512 single lines. */
    if (bytes >= KIB(16)) {
        CP15_WRITE(0, c7, c10, 0, 0);
        barrier_data_sync();
        return;
    }
    for (uintptr_t va = (uintptr_t)start; va < (uintptr_t)start + bytes; va += CACHE_LINE)
        dcache_clean_line(va);
    barrier_data_sync();
}

int vspace_init(struct vspace *vspace)
{
    unsigned asid = asid_alloc(vspace);
    if (!asid)
        return -PECAN_ENOASID;
    arch_zero_blocks(vspace->pd, KERNEL_FIRST_ENTRY * sizeof(uint32_t));
    /* XXX: kernel entries are copied once; a device mapping added to the boot directory
     * later does not reach existing address spaces (all are made during boot so far). */
    arch_copy_blocks(&vspace->pd[KERNEL_FIRST_ENTRY], &boot_page_directory[KERNEL_FIRST_ENTRY],
                     (L1_ENTRIES - KERNEL_FIRST_ENTRY) * sizeof(uint32_t));
    vspace->pd[VSPACE_META_ASID] = asid << 2;
    /* The walker does not snoop the data cache: the whole table must be in memory. */
    clean_range(vspace->pd, sizeof(vspace->pd));
    return 0;
}

_Static_assert(KERNEL_FIRST_ENTRY * sizeof(uint32_t) % 4096 == 0 &&
               sizeof(((struct vspace *)0)->pd) - KERNEL_FIRST_ENTRY * sizeof(uint32_t) == 4096,
               "the kernel's entries are the last 4 KiB of a page directory");

void vspace_prepare(void *object_chunk, word_t offset)
{
    if (offset < KERNEL_FIRST_ENTRY * sizeof(uint32_t))
        arch_zero_blocks(object_chunk, 4096);
    else
        arch_copy_blocks(object_chunk, &boot_page_directory[KERNEL_FIRST_ENTRY], 4096);
}

int vspace_init_prepared(struct vspace *vspace)
{
    unsigned asid = asid_alloc(vspace);
    if (!asid)
        return -PECAN_ENOASID;
    vspace->pd[VSPACE_META_ASID] = asid << 2;   /* bookkeeping: the walker ignores it */
    return 0;
}

void vspace_clean_prepared(void)
{
    clean_range(NULL, KIB(16));   /* the whole data cache */
}

void vspace_switch(struct vspace *vspace)
{
    struct cpu *cpu = this_cpu();
    if (vspace) {
        vspace_load_on(cpu, vspace);
    } else {
        mmu_load_address_space(virt_to_phys(boot_page_directory), 0);
        cpu->active_vspace = NULL;
    }
    /* Out of the fast path the kernel may go on to reuse the old directory's memory
     * (vspace_destroy, an ASID flush): from here on no walk may read it. */
    barrier_instruction();
}

/* Estimated instructions of one page directory entry looked at while destroying. */
#define TEARDOWN_ENTRY_COST 8u

/* The last capability went: what other address spaces received from this one goes with
 * it and its received mappings leave their parents' lists, one page table at a time
 * (mapping_db_clear_table, itself in steps), then the ASID is freed. *cursor is the next page
 * directory entry; the tables before it are clear, and a table being cleared keeps its
 * progress in its records. Meanwhile the vspace is marked dying: nothing can reach it
 * but the weak links of frame and page-table capabilities (no thread has it: its last
 * capability is the zombie), and the invariant checker does not expect its records to
 * match its entries. */
int vspace_teardown(struct vspace *vspace, word_t *cursor, bool preemptible)
{
    unsigned asid = vspace_asid(vspace);

    /* Its memory is about to be reused: the table walker must not read it any more.
     * Other CPUs that have it active switch away in the ASID shootdown (arch/tlb.h). */
    if (this_cpu()->active_vspace == vspace)
        vspace_switch(NULL);
    if (asid == 0 || asid >= ASID_COUNT || asid_table[asid].vspace != vspace)
        return 0;   /* never initialised (retype undone) */
    vspace->pd[VSPACE_META_DYING] = 1u << 2;
    for (; *cursor < L1_INDEX(VSPACE_USER_END); (*cursor)++) {
        uint32_t e = vspace->pd[*cursor];
        if (!pt_is_coarse(e)) {
            /* Nothing to do: a step every 64 entries. */
            if ((*cursor & 63) == 63 && preemptible && preempt_step(64 * TEARDOWN_ENTRY_COST)) {
                (*cursor)++;
                return INVOCATION_RESTART;
            }
            continue;
        }
        if (mapping_db_clear_table(phys_to_virt(e & L1_COARSE_BASE_MASK), preemptible) != 0)
            return INVOCATION_RESTART;
    }
    tlb_flush_asid(asid);
    /* The generation stays: every weak link into this vspace is dead from now on. Page
     * tables installed or pooled here simply become free; their capabilities' links are
     * dead and the next install clears them. */
    asid_table[asid].vspace = NULL;
    vspace->pd[VSPACE_META_ASID] = 0;
    vspace->pd[VSPACE_META_DYING] = 0;
    vspace->pd[VSPACE_META_POOL_HEAD] = 0;
    vspace_meta_set_count(vspace, VSPACE_META_POOL_COUNT, 0);
    vspace_meta_set_count(vspace, VSPACE_META_PT_COUNT, 0);
    return 0;
}

void vspace_init_undo(struct vspace *vspace)
{
    /* Nothing was mapped, and no CPU has loaded it: only the ASID goes back. */
    asid_table[vspace_asid(vspace)].vspace = NULL;
    vspace->pd[VSPACE_META_ASID] = 0;
}

word_t vspace_link(const struct vspace *vspace)
{
    unsigned asid = vspace_asid(vspace);
    return asid_table[asid].generation << 8 | asid;
}

struct vspace *vspace_of_asid(unsigned asid)
{
    return asid < ASID_COUNT ? asid_table[asid].vspace : NULL;
}

struct vspace *vspace_link_target(word_t link)
{
    unsigned asid = link & 0xffu;
    if (asid == 0 || asid_table[asid].generation != link >> 8)
        return NULL;
    return asid_table[asid].vspace;
}

void vspace_write_entry(uint32_t *entry, uint32_t value)
{
    *entry = value;
    dcache_clean_line((vaddr_t)(uintptr_t)entry);
}

struct page_table *vspace_page_table(struct vspace *vspace, vaddr_t vaddr)
{
    uint32_t l1 = vspace->pd[L1_INDEX(vaddr)];
    if (!pt_is_coarse(l1))
        return NULL;
    return phys_to_virt(l1 & L1_COARSE_BASE_MASK);
}

int vspace_map_frame(struct vspace *vspace, struct cte *frame_slot, vaddr_t vaddr,
                     unsigned map_rights)
{
    int err = frame_map_check(vspace, frame_slot, vaddr);
    if (err)
        return err;
    frame_map(vspace, frame_slot, vaddr, map_rights);
    return 0;
}

static int map_page_table_check(struct vspace *vspace, const struct capability *pt,
                                vaddr_t vaddr)
{
    assert(pt->type == CAP_PAGE_TABLE);
    if (vaddr >= VSPACE_USER_END)
        return -PECAN_ERANGE;
    if (page_table_installed_vspace(pt) || page_table_pooled_vspace(pt))
        return -PECAN_EMAPPED;
    if (vspace->pd[L1_INDEX(vaddr)] != 0)   /* a page table or a section */
        return -PECAN_EMAPPED;
    return 0;
}

int vspace_map_page_table(struct vspace *vspace, struct cte *page_table_slot, vaddr_t vaddr)
{
    int err = map_page_table_check(vspace, &page_table_slot->cap, vaddr);
    if (err)
        return err;
    page_table_install(vspace, page_table_slot, vaddr);
    return 0;
}

bool vspace_lookup(struct vspace *vspace, vaddr_t vaddr, paddr_t *paddr, unsigned *map_rights)
{
    paddr_t pa;
    unsigned rights;

    if (vaddr >= VSPACE_USER_END)
        return false;
    uint32_t l1 = vspace->pd[L1_INDEX(vaddr)];
    if (pt_is_section(l1)) {
        pa = (l1 & L1_SECTION_BASE_MASK) | (vaddr & ~L1_SECTION_BASE_MASK);
        rights = pt_section_rights(l1);
    } else if (pt_is_coarse(l1)) {
        const struct page_table *pt = phys_to_virt(l1 & L1_COARSE_BASE_MASK);
        uint32_t l2 = pt->pte[L2_INDEX(vaddr)];
        if (pt_is_large(l2)) {
            pa = (l2 & L2_LARGE_BASE_MASK) | (vaddr & ~L2_LARGE_BASE_MASK);
            rights = pt_large_rights(l2);
        } else if (pt_is_small(l2)) {
            pa = (l2 & L2_SMALL_BASE_MASK) | (vaddr & ~L2_SMALL_BASE_MASK);
            rights = pt_small_rights(l2);
        } else {
            return false;
        }
    } else {
        return false;
    }
    if (paddr)
        *paddr = pa;
    if (map_rights)
        *map_rights = rights;
    return true;
}

/*
 * The VSPACE protocol. Every decoder checks, in order: message length, capability
 * arguments, the WRITE right on the vspace capability (all but INFO), the other
 * arguments; only then does it change anything.
 */

#define MAP_RIGHTS_VALID (PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_MAP_EXECUTE)

static struct vspace *invoked_vspace(const struct invocation *inv)
{
    return (struct vspace *)inv->slot->cap.object;
}

static bool may_modify(const struct invocation *inv)
{
    return cap_has_rights(&inv->slot->cap, PECAN_RIGHT_WRITE);
}

/* Requested PECAN_MAP_* rights against the frame capability's rights. ARMv6 user pages
 * are always readable, so every mapping needs READ; writable ones also need WRITE. */
static int check_map_rights(const struct capability *frame, word_t rights)
{
    if (rights == 0 || (rights & ~MAP_RIGHTS_VALID))
        return -PECAN_EINVAL;
    if (!cap_has_rights(frame, PECAN_RIGHT_READ))
        return -PECAN_EPERM;
    if ((rights & PECAN_MAP_WRITE) && !cap_has_rights(frame, PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    return 0;
}

static int lookup_arg(const struct invocation *inv, unsigned word, unsigned type,
                      struct cte **slot)
{
    return invocation_lookup_typed(inv, invocation_word(inv, word), type, 0, slot);
}

/* MAP_FRAME: frame cap, vaddr, rights, attributes. */
/* The start every changing VSPACE operation shares: enough words, the capability in
 * word 1 of the expected type, and WRITE on the vspace capability. */
static int decode_modify_args(struct invocation *inv, unsigned words, unsigned type,
                              struct cte **slot)
{
    if (inv->length < words)
        return -PECAN_EMSGTOOSHORT;
    int err = lookup_arg(inv, 1, type, slot);
    if (err)
        return err;
    return may_modify(inv) ? 0 : -PECAN_EPERM;
}

static int decode_vspace_map_frame(struct invocation *inv)
{
    struct vspace *vspace = invoked_vspace(inv);
    struct cte *frame;

    int err = decode_modify_args(inv, 5, CAP_FRAME, &frame);
    if (err)
        return err;
    vaddr_t vaddr = invocation_word(inv, 2);
    word_t rights = invocation_word(inv, 3);
    word_t attributes = invocation_word(inv, 4);
    if (attributes & ~PECAN_MAP_UNCACHED)
        return -PECAN_EINVAL;
    err = check_map_rights(&frame->cap, rights);
    if (!err)
        err = frame_map_check(vspace, frame, vaddr);
    if (err)
        return err;
    frame_map(vspace, frame, vaddr, rights | attributes);
    return 0;
}

/* UNMAP_FRAME: frame cap. Nothing to do if its mapping is gone already. */
static int decode_vspace_unmap_frame(struct invocation *inv)
{
    struct cte *frame;

    int err = decode_modify_args(inv, 2, CAP_FRAME, &frame);
    if (err)
        return err;
    struct vspace *mapped_in = frame_mapped_vspace(frame);
    if (mapped_in && mapped_in != invoked_vspace(inv))
        return -PECAN_EINVAL;
    if (!mapped_in)
        return 0;
    if (!frame_remove_derived(frame))
        return INVOCATION_RESTART;   /* what others derived goes in steps */
    frame_unmap(frame);
    return 0;
}

/* REMAP_FRAME: frame cap, rights. The memory type stays as mapped. */
static int decode_vspace_remap_frame(struct invocation *inv)
{
    struct cte *frame;

    int err = decode_modify_args(inv, 3, CAP_FRAME, &frame);
    if (err)
        return err;
    word_t rights = invocation_word(inv, 2);
    err = check_map_rights(&frame->cap, rights);
    if (err)
        return err;
    struct vspace *mapped_in = frame_mapped_vspace(frame);
    if (!mapped_in)
        return -PECAN_ENOENT;
    if (mapped_in != invoked_vspace(inv))
        return -PECAN_EINVAL;
    if (!frame_remap(frame, rights))
        return INVOCATION_RESTART;   /* what others derived is narrowed in steps */
    return 0;
}

/* MAP_PAGE_TABLE: page table cap, vaddr. */
static int decode_vspace_map_page_table(struct invocation *inv)
{
    struct cte *pt;

    int err = decode_modify_args(inv, 3, CAP_PAGE_TABLE, &pt);
    if (err)
        return err;
    vaddr_t vaddr = invocation_word(inv, 2);
    err = map_page_table_check(invoked_vspace(inv), &pt->cap, vaddr);
    if (err)
        return err;
    page_table_install(invoked_vspace(inv), pt, vaddr);
    return 0;
}

/* UNMAP_PAGE_TABLE: page table cap. Removes it with all its mappings, or takes it back
 * out of the pool; nothing to do if it is neither installed nor pooled any more. */
static int decode_vspace_unmap_page_table(struct invocation *inv)
{
    struct cte *pt;

    int err = decode_modify_args(inv, 2, CAP_PAGE_TABLE, &pt);
    if (err)
        return err;
    struct vspace *installed_in = page_table_installed_vspace(&pt->cap);
    struct vspace *pooled_in = page_table_pooled_vspace(&pt->cap);
    struct vspace *in = installed_in ? installed_in : pooled_in;
    if (in && in != invoked_vspace(inv))
        return -PECAN_EINVAL;
    if (installed_in && !page_table_remove_derived(&pt->cap))
        return INVOCATION_RESTART;   /* what others derived goes in steps */
    if (installed_in)
        page_table_uninstall(&pt->cap);
    else if (pooled_in)
        page_table_undonate(&pt->cap);
    return 0;
}

/* DONATE_PAGE_TABLE: page table cap. */
static int decode_vspace_donate_page_table(struct invocation *inv)
{
    struct cte *pt;

    int err = decode_modify_args(inv, 2, CAP_PAGE_TABLE, &pt);
    if (err)
        return err;
    if (page_table_installed_vspace(&pt->cap) || page_table_pooled_vspace(&pt->cap))
        return -PECAN_EMAPPED;
    page_table_donate(invoked_vspace(inv), pt);
    return 0;
}

/* UNMAP: vaddr, log2 size, flags. Removes what was mapped from the pages of the range
 * into other address spaces (recursively), and with PECAN_UNMAP_OWN the range's own
 * mappings too. Preemptible: an interrupted UNMAP rewrites its flags word to
 * PECAN_UNMAP_RESUME | where to go on, in the caller's registers, and the restarted call
 * continues from there (core/invocation.h). A caller may pass RESUME itself: that only
 * unmaps the rest of the range, which it may do anyway. */
static int decode_vspace_unmap(struct invocation *inv)
{
    if (inv->length < 4)
        return -PECAN_EMSGTOOSHORT;
    if (!may_modify(inv))
        return -PECAN_EPERM;
    vaddr_t vaddr = invocation_word(inv, 1);
    word_t order = invocation_word(inv, 2);
    word_t flags = invocation_word(inv, 3);
    vaddr_t from = vaddr;
    if (flags & PECAN_UNMAP_RESUME) {
        from = flags & ~(word_t)(PAGE_SIZE - 1);
        flags &= PAGE_SIZE - 1;
    }
    if (flags & ~(PECAN_UNMAP_OWN | PECAN_UNMAP_RESUME))
        return -PECAN_EINVAL;
    if (order < PAGE_SHIFT || order > 32)
        return -PECAN_ERANGE;
    word_t mask = order == 32 ? ~(word_t)0 : ((word_t)1 << order) - 1;
    if (vaddr & mask)
        return -PECAN_EALIGN;
    if (vaddr >= VSPACE_USER_END)
        return -PECAN_ERANGE;
    vaddr_t end = mask >= VSPACE_USER_END - vaddr ? VSPACE_USER_END : vaddr + mask + 1;
    if (from < vaddr || from > end)
        return -PECAN_EINVAL;
    bool own = (flags & PECAN_UNMAP_OWN) != 0;
    int err = mapping_db_unmap(invoked_vspace(inv), &from, end, own, true);
    if (err == INVOCATION_RESTART)
        invocation_rewrite(inv, 3, from | PECAN_UNMAP_RESUME | (own ? PECAN_UNMAP_OWN : 0));
    return err;
}

/* INFO -> asid, pool count, installed page tables. */
static int decode_vspace_info(struct invocation *inv)
{
    const struct vspace *vspace = invoked_vspace(inv);

    invocation_reply(inv, 0, vspace_asid(vspace));
    invocation_reply(inv, 1, vspace_meta_count(vspace, VSPACE_META_POOL_COUNT));
    invocation_reply(inv, 2, vspace_meta_count(vspace, VSPACE_META_PT_COUNT));
    return 0;
}

int vspace_decode(struct invocation *inv)
{
    if (pecan_tag_label(inv->tag) != PECAN_PROTO_VSPACE)
        return -PECAN_EBADPROTO;
    if (inv->length < 1)
        return -PECAN_EMSGTOOSHORT;
    switch (invocation_word(inv, 0)) {
    case PECAN_VSPACE_MAP_FRAME:
        return decode_vspace_map_frame(inv);
    case PECAN_VSPACE_UNMAP_FRAME:
        return decode_vspace_unmap_frame(inv);
    case PECAN_VSPACE_MAP_PAGE_TABLE:
        return decode_vspace_map_page_table(inv);
    case PECAN_VSPACE_UNMAP_PAGE_TABLE:
        return decode_vspace_unmap_page_table(inv);
    case PECAN_VSPACE_DONATE_PAGE_TABLE:
        return decode_vspace_donate_page_table(inv);
    case PECAN_VSPACE_REMAP_FRAME:
        return decode_vspace_remap_frame(inv);
    case PECAN_VSPACE_INFO:
        return decode_vspace_info(inv);
    case PECAN_VSPACE_UNMAP:
        return decode_vspace_unmap(inv);
    default:
        return -PECAN_ENOSYS;
    }
}

/*
 * Invariant checks (core/invariants.h): every live vspace's tables point only at live
 * page tables and frames, its bookkeeping agrees with its tables, and each table's
 * mapping records are consistent (mapping_db_check_table, core/mapping_db.c).
 */

static word_t key_of(const void *object)
{
    return (word_t)(uintptr_t)object;
}

static void check_frame_entry(unsigned asid, vaddr_t va, paddr_t frame)
{
    if (!invariants_object_live(frame, CAP_FRAME))
        invariants_report("asid %u: %08lx maps %08lx, which is not a live frame", asid,
                          (unsigned long)va, (unsigned long)frame);
}

static void check_page_table(struct vspace *vspace, vaddr_t base, const struct page_table *pt)
{
    unsigned asid = vspace_asid(vspace);
    if (!invariants_object_live(key_of(pt), CAP_PAGE_TABLE)) {
        invariants_report("asid %u: page table %p at %08lx is not a live object", asid,
                          (const void *)pt, (unsigned long)base);
        return;
    }
    for (unsigned i = 0; i < L2_ENTRIES; i++) {
        uint32_t e = pt->pte[i];
        vaddr_t va = base + i * PAGE_SIZE;
        if (pt_is_small(e)) {
            /* A received page may be a piece of a 64 KiB frame: mapping_db_check_table checks
             * it against its parent, and its root's entry is checked here. */
            if (!(pt->records[i].owner & MAPPING_DB_CHILD))
                check_frame_entry(asid, va, e & L2_SMALL_BASE_MASK);
        } else if (pt_is_large(e)) {
            check_frame_entry(asid, va, e & L2_LARGE_BASE_MASK);
            if (pt->pte[i & ~(LARGE_PAGE_ENTRIES - 1)] != e)
                invariants_report("asid %u: large page at %08lx is not 16 equal entries",
                                  asid, (unsigned long)va);
        }
    }
    mapping_db_check_table(vspace, base, pt);
}

static void check_pool(unsigned asid, const struct vspace *vspace)
{
    word_t count = vspace_meta_count(vspace, VSPACE_META_POOL_COUNT);
    const struct page_table *pt = (const struct page_table *)vspace->pd[VSPACE_META_POOL_HEAD];
    word_t seen = 0;
    /* At most count + 1 steps, so a cycle cannot hang the checker. */
    for (; pt && seen <= count; pt = (const struct page_table *)pt->records[0].owner, seen++) {
        if (!invariants_object_live(key_of(pt), CAP_PAGE_TABLE)) {
            invariants_report("asid %u: pooled page table %p is not a live object", asid,
                              (const void *)pt);
            return;
        }
    }
    if (seen != count)
        invariants_report("asid %u: pool holds %lu page tables, count says %lu", asid,
                          (unsigned long)seen, (unsigned long)count);
}

static void check_vspace(unsigned asid, struct vspace *vspace)
{
    word_t installed = 0;

    if (vspace->pd[VSPACE_META_DYING])
        return;   /* being destroyed (vspace_teardown): its records are going */
    if (!invariants_object_live(key_of(vspace), CAP_VSPACE))
        invariants_report("asid %u: vspace %p is not a live object", asid, (const void *)vspace);
    if (vspace_asid(vspace) != asid)
        invariants_report("asid %u: vspace %p says asid %u", asid, (const void *)vspace,
                          vspace_asid(vspace));
    for (unsigned i = L1_INDEX(VSPACE_USER_END); i < KERNEL_FIRST_ENTRY; i++)
        if ((vspace->pd[i] & PT_TYPE_MASK) != PT_TYPE_FAULT)
            invariants_report("asid %u: bookkeeping entry %03x is not a fault entry", asid, i);
    for (unsigned i = 0; i < L1_INDEX(VSPACE_USER_END); i++) {
        uint32_t e = vspace->pd[i];
        vaddr_t va = (vaddr_t)i << SECTION_SHIFT;
        if (pt_is_coarse(e)) {
            installed++;
            check_page_table(vspace, va, phys_to_virt(e & L1_COARSE_BASE_MASK));
        } else if (pt_is_section(e)) {
            check_frame_entry(asid, va, e & L1_SECTION_BASE_MASK);
        } else if (e != 0) {
            invariants_report("asid %u: L1 entry %03x holds %08lx", asid, i, (unsigned long)e);
        }
    }
    if (installed != vspace_meta_count(vspace, VSPACE_META_PT_COUNT))
        invariants_report("asid %u: %lu page tables installed, count says %lu", asid,
                          (unsigned long)installed,
                          (unsigned long)vspace_meta_count(vspace, VSPACE_META_PT_COUNT));
    check_pool(asid, vspace);
}

void vspace_check_invariants(void)
{
    if (asid_table[0].vspace)
        invariants_report("asid 0 (the kernel's) is assigned to %p", (void *)asid_table[0].vspace);
    for (unsigned asid = 1; asid < ASID_COUNT; asid++)
        if (asid_table[asid].vspace)
            check_vspace(asid, asid_table[asid].vspace);
}
