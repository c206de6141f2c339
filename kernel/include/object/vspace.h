/* SPDX-License-Identifier: MIT */
/*
 * Address spaces (ARMv6 two-level page tables with ASIDs; object/vspace.c,
 * object/page_table.c, object/frame.c).
 *
 * A vspace object is the 16 KiB L1 page directory itself; its bookkeeping lives in the
 * global ASID table (kernel static data: one entry per hardware ASID). User mappings go
 * below VSPACE_USER_END; the kernel's entries are copied in at creation.
 *
 * A page table object is 4 KiB: the 1 KiB ARM coarse table (256 entries) followed by the
 * mapping records of its 256 pages (the mapping database, core/mapping_db.c).
 * Page tables are explicit objects: the caller installs one (MAP_PAGE_TABLE) or donates
 * spares to the address space's pool (DONATE_PAGE_TABLE), from which a mapping that
 * needs one takes it. With neither, a mapping fails with PECAN_ENOPAGETABLE.
 *
 * A frame capability holds at most one mapping (vaddr in badge, vspace in extra); to map
 * a frame twice, copy the capability. Deleting the capability removes its mapping.
 *
 * Weak links: a frame or page-table capability that holds a mapping has CAP_FLAG_MAPPED,
 * extra = (generation << 8) | asid and badge = the mapped vaddr (a donated page table:
 * PAGE_TABLE_POOLED). The link is live only while that ASID still belongs to a vspace of
 * that generation and (frames, installed page tables) the entry at vaddr still points at
 * the object. Deleting or unmapping through a dead link does nothing, so address spaces,
 * page tables and frames may be deleted in any order (thesis 1.4). Copies of a frame or
 * page-table capability must not carry CAP_FLAG_MAPPED (the copy code clears it):
 * otherwise deleting the copy would remove the original's mapping.
 */
#ifndef PECAN_OBJECT_VSPACE_H
#define PECAN_OBJECT_VSPACE_H

#include <arch/memory.h>
#include <arch/mmu.h>
#include <arch/tlb.h>
#include <core/cpu.h>
#include <object/cap.h>

#define VSPACE_SIZE_BITS 14
#define PAGE_TABLE_SIZE_BITS 12
#define ASID_COUNT 256

/* User mappings end here: the top 16 MiB below the kernel (L1 entries 0xBF0-0xBFF) hold
 * each vspace's bookkeeping in fault entries (bits[1:0] = 00, ignored by the MMU). */
#define VSPACE_USER_END 0xBF000000u

struct vspace;   /* the page directory: uint32_t[4096] */

/* Called on a fresh vspace object at retype: zeroes user entries, copies the kernel's,
 * takes a free ASID. Returns 0 or -PECAN_ENOASID (the caller then undoes the retype). */
int vspace_init(struct vspace *vspace);
/* Writes the 4 KiB at offset (a multiple of 4 KiB) of a future page directory at
 * object_chunk as vspace_init would: zero, or the kernel's entries. A retype prepares
 * its page directories so, in preemptible steps (object/untyped.c). */
void vspace_prepare(void *object_chunk, word_t offset);
/* vspace_init of a directory vspace_prepare wrote whole: takes an ASID. The caller
 * cleans the data cache once for all (vspace_clean_prepared) before any is used. */
int vspace_init_prepared(struct vspace *vspace);
void vspace_clean_prepared(void);
/* Undoes vspace_init of a vspace nobody has used (a retype that failed part way). */
void vspace_init_undo(struct vspace *vspace);
/* Loads vspace's page directory and ASID on this CPU (NULL: the kernel-only boot
 * directory); a non-NULL vspace also sets this CPU's bit in the ASID's TLB shootdown
 * mask (arch/tlb.h). Use vspace_activate. */
void vspace_switch(struct vspace *vspace);
/* Makes vspace the current address space of this CPU. Inline: on the way back to user
 * mode it is usually loaded already (same address space) and costs a compare. */
static inline void vspace_activate(struct vspace *vspace)
{
    if (this_cpu()->active_vspace != vspace)
        vspace_switch(vspace);
}
/* The same for a vspace that is not NULL, on CPU cpu, which must be this CPU. All
 * inline (below): the switch on the way back to user mode (core/enter.h; the IPC fast
 * path in arch/armv6/syscall.S does the same in assembly). */
static inline void vspace_activate_on(struct cpu *cpu, struct vspace *vspace);
/* The hardware ASID of a vspace. */
static inline unsigned vspace_asid(const struct vspace *vspace);

/* Maps a frame (capability in slot) at vaddr. Used by the decoder and the root-task
 * builder; returns 0 or a negative PECAN_E* code. map_rights: PECAN_MAP_READ/WRITE/EXECUTE,
 * optionally | PECAN_MAP_UNCACHED; the frame capability's rights are not checked here.
 * Errors: -PECAN_EALIGN (vaddr not aligned to the frame size), -PECAN_ERANGE (beyond
 * VSPACE_USER_END), -PECAN_EMAPPED (the capability holds a live mapping, or the entries
 * are in use), -PECAN_ENOPAGETABLE (4 KiB / 64 KiB frame, no page table, empty pool). */
int vspace_map_frame(struct vspace *vspace, struct cte *frame_slot, vaddr_t vaddr,
                     unsigned map_rights);
/* Installs a page table (capability in slot) for the MiB containing vaddr. Errors:
 * -PECAN_ERANGE, -PECAN_EMAPPED (the page table is installed or pooled, or that MiB has
 * a page table or a section). */
int vspace_map_page_table(struct vspace *vspace, struct cte *page_table_slot, vaddr_t vaddr);

/* Looks up what a user address maps to (tests, fault handling): physical address and
 * PECAN_MAP_* rights (| PECAN_MAP_UNCACHED for device memory); false if nothing is
 * mapped. paddr and map_rights may be NULL. */
bool vspace_lookup(struct vspace *vspace, vaddr_t vaddr, paddr_t *paddr, unsigned *map_rights);

/*
 * Shared by object/vspace.c, object/page_table.c and object/frame.c only.
 */

struct vspace {
    uint32_t pd[4096];   /* the L1 table; 16 KiB aligned */
};

/* One page's entry in the mapping database (core/mapping_db.c has the rules):
 *   owner         0: no mapping; a frame slot (struct cte *, bit 0 clear): a root mapping
 *                 made through that frame capability; record address | MAPPING_DB_CHILD: a
 *                 mapping received in a memory item, child of that record;
 *   first_child   the first record mapped from this one (0: none);
 *   next_sibling  bits [31:2] the next child of the same parent (0: none); bits [1:0] of
 *                 records 0-9 hold the table's location (mapping_db.c), 0 in the others.
 * Record pointers are kernel VAs into page-table objects. */
struct mapping_record {
    word_t owner;
    word_t first_child;
    word_t next_sibling;
};
#define MAPPING_DB_CHILD 1u

struct page_table {
    uint32_t pte[256];                      /* the hardware coarse table (1 KiB) */
    struct mapping_record records[256];     /* while pooled, records[0] is the pool link */
};

_Static_assert(sizeof(struct vspace) == (1u << VSPACE_SIZE_BITS), "vspace object size");
_Static_assert(sizeof(struct page_table) == (1u << PAGE_TABLE_SIZE_BITS), "page table size");

/* The badge of a donated page table's capability (never a MiB-aligned address). */
#define PAGE_TABLE_POOLED 0xFFFFFFFFu

/* Bookkeeping entries (fault descriptors: values keep bits[1:0] = 00). */
#define VSPACE_META_ASID 0xBFFu         /* asid << 2; 0 before vspace_init */
#define VSPACE_META_POOL_HEAD 0xBFEu    /* kernel VA of the first pooled page table, or 0 */
#define VSPACE_META_POOL_COUNT 0xBFDu   /* pooled page tables << 2 */
#define VSPACE_META_PT_COUNT 0xBFCu     /* installed page tables << 2 */
#define VSPACE_META_DYING 0xBFBu        /* non-zero while it is destroyed (vspace_teardown) */

static inline unsigned vspace_asid(const struct vspace *vspace)
{
    return vspace->pd[VSPACE_META_ASID] >> 2;
}

/* Loads vspace (not NULL) on cpu, this CPU (vspace_switch without the NULL case). */
static inline void vspace_load_on(struct cpu *cpu, struct vspace *vspace)
{
    unsigned asid = vspace_asid(vspace);
    mmu_load_address_space(virt_to_phys(vspace->pd), asid);
    cpu->active_vspace = vspace;
    /* The ASID active on a CPU always has the CPU's mark in the shootdown mask (tlb.c). */
    cpu->asid_marks[asid * CONFIG_MAX_CPUS] = 1;
}

static inline void vspace_activate_on(struct cpu *cpu, struct vspace *vspace)
{
    if (cpu->active_vspace != vspace)
        vspace_load_on(cpu, vspace);
}

static inline word_t vspace_meta_count(const struct vspace *vspace, unsigned entry)
{
    return vspace->pd[entry] >> 2;
}

static inline void vspace_meta_set_count(struct vspace *vspace, unsigned entry, word_t n)
{
    vspace->pd[entry] = n << 2;
}

/* The weak link naming vspace (for capability.extra), and the live vspace a link names
 * (NULL if its ASID was freed or reused since). */
word_t vspace_link(const struct vspace *vspace);
struct vspace *vspace_link_target(word_t link);
/* The live vspace holding a hardware ASID, or NULL. */
struct vspace *vspace_of_asid(unsigned asid);

/* Writes one page-table entry and cleans it from the data cache for the table walker.
 * The caller ends the update with a DSB (directly or through arch/tlb.h). */
void vspace_write_entry(uint32_t *entry, uint32_t value);
/* The page table installed for the MiB containing vaddr, or NULL. */
struct page_table *vspace_page_table(struct vspace *vspace, vaddr_t vaddr);

/* Frames (object/frame.c). */
int frame_map_check(struct vspace *vspace, const struct cte *frame_slot, vaddr_t vaddr);
void frame_map(struct vspace *vspace, struct cte *frame_slot, vaddr_t vaddr,
               unsigned map_rights);
/* The vspace the frame capability's mapping is live in, or NULL. */
struct vspace *frame_mapped_vspace(const struct cte *frame_slot);
void frame_unmap(struct cte *frame_slot);                   /* live mapping only */
/* Before a frame's or a page table's mappings go (unmap, delete): what other address
 * spaces derived from them goes first, in preemptible steps, as that may be a lot. false:
 * it stopped (return INVOCATION_RESTART; the call continues where it stopped). */
bool frame_remove_derived(const struct cte *frame_slot);
bool page_table_remove_derived(const struct capability *pt);
/* REMAP_FRAME: a mapped frame's rights become map_rights, and every mapping derived from
 * it keeps no more than those, narrowed in preemptible steps first. false: it stopped. */
bool frame_remap(struct cte *frame_slot, unsigned map_rights);

/* Page tables (object/page_table.c). */
struct vspace *page_table_installed_vspace(const struct capability *page_table);
struct vspace *page_table_pooled_vspace(const struct capability *page_table);
void page_table_install(struct vspace *vspace, struct cte *page_table_slot, vaddr_t vaddr);
void page_table_uninstall(struct capability *page_table);     /* installed and live only */
void page_table_donate(struct vspace *vspace, struct cte *page_table_slot);
void page_table_undonate(struct capability *page_table);      /* pooled and live only */
/* Installs the first pooled page table for the MiB containing vaddr (pool not empty). */
void page_table_install_from_pool(struct vspace *vspace, vaddr_t vaddr);

#endif
