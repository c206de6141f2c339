/* SPDX-License-Identifier: MIT */
/*
 * moe's memory (docs/runtime.md, "Memory and quotas in moe"): every untyped the kernel
 * gave moe, managed as a buddy allocator of untyped capabilities (buddy.c), and the quotas
 * every allocation is charged to. Frames handed out are mapped in moe's own address space
 * at memory_local(phys) (the window: MEMORY_WINDOW_BASE + phys - RAM base, its page tables
 * installed at start-up), so moe can zero, copy and send them with memory items.
 *
 * Invariants: a quota's used bytes are the sum of the sizes of the blocks charged to it
 * (its sub-quotas count with their whole limit); a free block's untyped capability has no
 * children; every allocated block is charged to exactly one quota; free pages of the page
 * pool are zero.
 */
#ifndef MOE_MEMORY_H
#define MOE_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include <pecan/bootinfo.h>
#include <pecan/syscall.h>

#define MEMORY_WINDOW_BASE 0x80000000u
#define MEMORY_WINDOW_LIMIT 0x90000000u     /* at most 256 MiB of RAM */
#define MEMORY_DEVICE_WINDOW_BASE 0x90000000u  /* device frames (iomem.c) */
#define MEMORY_DEVICE_WINDOW_LIMIT 0xA0000000u

/* Size classes of records (record.h): 32 bytes to a whole page. */
#define QUOTA_RECORD_CLASSES 8

struct record_page;

struct quota {
    uint32_t limit;           /* bytes this quota may hold */
    uint32_t used;            /* bytes held (blocks, slots, the limits of sub-quotas) */
    uint32_t objects;         /* blocks held */
    struct quota *parent;     /* charged with this quota's whole limit; NULL for a top one */
    /* record.c: per class the pages with a free record, then the full pages. */
    struct record_page *record_pages[QUOTA_RECORD_CLASSES + 1];
};

/* What a capability slot of moe's CNode costs the client moe keeps it for, when the slot
 * does not belong to a block the client already paid for (a namespace entry's
 * capability, a task's CNode and its threads' pager copies). The kernel gives moe one
 * slot per KiB of RAM; blocks need at most one slot per 2 KiB for the buddy tree and one
 * per 4 KiB for their objects, so pricing the other slots like the smallest block means
 * moe's CNode cannot fill before the quotas do (docs/runtime.md). */
#define MEMORY_SLOT_PRICE 4096u

/* A block of memory: an untyped capability of 2^size_bits bytes in moe's CNode, from which
 * count objects (or frames) were retyped into slots object .. object + count - 1.
 * A page of the page pool (memory_alloc_frame with size_bits 12) has no capability of its
 * own: object is 0 and node -1; it is only ever sent with memory items from
 * memory_local(phys). */
struct memory_block {
    pecan_cap_t untyped;
    pecan_cap_t object;       /* the first object's capability (moe's original), or 0 */
    uint32_t phys;
    uint8_t size_bits;
    uint8_t type;             /* PECAN_OBJ_* of the objects */
    uint16_t count;           /* objects in consecutive slots */
    int32_t node;             /* the allocator's handle: buddy node, -1 for a pool page */
    struct quota *charged_to;
};

/* Takes the RAM untyped capabilities listed in the boot info into the buddy allocator
 * (device untyped are iomem.c's), installs the window's page tables and allocates the
 * allocator's own tables sized from RAM (buddy nodes, page groups), charged to
 * memory_own_quota(). 0 or a negative error (moe cannot run then). */
int memory_init(const struct pecan_bootinfo *info);

/* moe's own quota (window page tables, its tables, its own objects). Unlimited. */
struct quota *memory_own_quota(void);

/* A zeroed table of bytes for moe's lifetime (never freed), in its window, charged to
 * memory_own_quota(): for tables sized from RAM at start-up. Tables share blocks (a new
 * block, at least 64 KiB, only when the last one has no room left). NULL if out of
 * memory. */
void *memory_alloc_table(uint32_t bytes);

/* Quotas. quota_init charges limit to parent (if any): 0 or -PECAN_ENOMEM. quota_fini
 * gives the limit back (-PECAN_EBUSY while the quota still holds something). */
int quota_init(struct quota *q, struct quota *parent, uint32_t limit);
int quota_fini(struct quota *q);
int quota_charge(struct quota *q, uint32_t bytes);      /* 0 or -PECAN_ENOMEM */
void quota_release(struct quota *q, uint32_t bytes);
/* A capability slot kept for q's client (MEMORY_SLOT_PRICE): 0 or -PECAN_ENOMEM. */
int quota_charge_slot(struct quota *q);
void quota_release_slot(struct quota *q);

/* Retypes one kernel object of the given type and size (size_bits as for untyped retype;
 * 0 where the type has a fixed size) from a fresh block charged to q. Small objects take a
 * whole 4 KiB block (the smallest untyped). On success *block describes it and
 * block->object holds moe's capability. -PECAN_ENOMEM if the quota or moe's memory is
 * exhausted (nothing is changed then), -PECAN_EINVAL/-PECAN_ERANGE for a bad type or size. */
int memory_alloc_object(struct quota *q, unsigned type, unsigned size_bits,
                        struct memory_block *block);

/* An untyped of 2^size_bits bytes (12..31) charged to q, retyped straight into slot of
 * the CNode cnode names in moe's space (a client's: FACTORY UNTYPED), not into moe's: the
 * block keeps no object slot (object 0, count 0), and memory_free revokes the client's
 * untyped with all it made. -PECAN_ERANGE (size), -PECAN_ENOMEM, or the retype's error
 * for the destination (EINVALCAP, ETYPE, EPERM, ERANGE, EEXIST). */
int memory_alloc_untyped(struct quota *q, unsigned size_bits, pecan_cap_t cnode,
                         pecan_word_t slot, struct memory_block *block);

/* A frame of 2^size_bits bytes (12 or 16), zeroed, mapped read-write-execute in moe's
 * space at memory_local(block->phys). 4 KiB frames come from the page pool (no capability:
 * see struct memory_block); 64 KiB ones are a block with their own frame capability. */
int memory_alloc_frame(struct quota *q, unsigned size_bits, struct memory_block *block);

/* Physically contiguous memory of 2^size_bits bytes (12..24), zeroed, as frames of
 * memory_contiguous_frame_bits(size_bits) in consecutive slots block->object ..
 * + block->count - 1, all mapped in moe's space. */
int memory_alloc_contiguous(struct quota *q, unsigned size_bits, struct memory_block *block);
unsigned memory_contiguous_frame_bits(unsigned size_bits);

/* Destroys the objects (revoking every capability derived from the block, wherever it
 * is: mappings of frames go too; a pool page is unmapped from every task it reached and
 * zeroed), returns the block to the allocator and the bytes to the quota it was charged
 * to. */
void memory_free(struct memory_block *block);

/* moe's address of a RAM frame it handed out. */
extern uint32_t memory_ram_base;
static inline void *memory_local(uint32_t phys)
{
    return (void *)(uintptr_t)(MEMORY_WINDOW_BASE + (phys - memory_ram_base));
}

/* Totals for the memory report: bytes of RAM free in the allocator (buddy blocks and free
 * pool pages), and in all. */
uint32_t memory_free_bytes(void);
/* Bytes on their way back (a destroyed dataspace's pages freed in steps): counted as free
 * by memory_free_bytes. delta: added now (positive) or freed since (negative). */
void memory_in_transit(int32_t delta);
uint32_t memory_total_bytes(void);
/* 0, or the number of broken invariants in the allocator's bookkeeping. */
unsigned memory_check(void);

/* A free slot in moe's CNode, and giving it back (the slot must be empty). 0: none left. */
pecan_cap_t moe_slot_alloc(void);
void moe_slot_free(pecan_cap_t slot);
/* count consecutive free slots (for retypes of several objects), and giving them back. */
pecan_cap_t moe_slots_alloc(unsigned count);
void moe_slots_free(pecan_cap_t first, unsigned count);
/* Empty slots left (for the memory report). */
unsigned moe_slot_free_count(void);

/* Device memory (iomem.c): every device untyped from the boot info is mapped uncached in
 * moe's device window at start-up (iomem_create), physically adjacent regions adjacent in
 * the window; *local receives moe's address of phys, valid to phys + size. Nothing is
 * allocated here (devices are not RAM and are not charged). 0, -PECAN_ENOENT (not device
 * memory moe holds in one run), -PECAN_EALIGN. */
int memory_device_map(uint32_t phys, uint32_t size, uint32_t *local);
/* Takes [local, local + size) of the device window back from every task it reached
 * through memory items (moe's own mapping stays): a destroyed device dataspace leaves no
 * mapping of its registers behind. The window is shared by every device dataspace of the
 * same registers, so their mappings go too; attached regions fault them back in. */
void memory_device_unmap(uint32_t local, uint32_t size);

#endif
