/* SPDX-License-Identifier: MIT */
/*
 * The mapping database (core/mapping_db.c): a mapping record per page of every installed
 * page table (struct mapping_record, object/vspace.h) links each mapping a memory item
 * made to the one it was made from, so that removing a mapping removes everything
 * derived from it, in every address space. The rules are in core/mapping_db.c.
 */
#ifndef PECAN_CORE_MAPPING_DB_H
#define PECAN_CORE_MAPPING_DB_H

#include <object/vspace.h>

/*
 * Maps the pages a memory item names (w0, w1 as the sender wrote them: rights, log2
 * size, base in the sender's space) from sender's address space into receiver's, into
 * the window [window, window + 2^window_order) at the source's offset modulo the window
 * size, and records each new mapping as a child of the sender's. Returns 0 or a negative
 * PECAN_E*; *mapped_at is where the item's base landed (set once the item is valid,
 * even if it then fails). Nothing changes unless it returns 0. Errors: EINVAL (a thread
 * without an address space, bad rights, a page of the item mapped by a section in the
 * sender), ERANGE (sizes, the window, beyond VSPACE_USER_END), EALIGN (base or window
 * not aligned to its size), ENOENT (no page of the item is mapped in the sender),
 * EMAPPED (a target page is taken by another mapping, or by a section), ENOPAGETABLE
 * (the receiver's pool has fewer page tables than the item needs).
 */
struct thread;
int mapping_db_map_item(struct thread *sender, struct thread *receiver, word_t w0, word_t w1,
                        vaddr_t window, unsigned window_order, vaddr_t *mapped_at);

/* A page table was installed for the MiB at base in the address space with that ASID
 * (records zeroed): remembers where, for the TLB flushes of its records. */
void mapping_db_table_installed(struct page_table *pt, unsigned asid, vaddr_t base);
/* A frame capability in slot maps the page of record (empty until now): a root. */
void mapping_db_set_root(struct mapping_record *record, struct cte *slot);
/* Removes every mapping derived from record's, in every address space, then record's own
 * root entry in the database (the caller clears the page-table entry). */
void mapping_db_remove_root(struct mapping_record *record);
/* Removes every mapping derived from record's (not record's own). */
void mapping_db_remove_descendants(struct mapping_record *record);
/* The same in preemptible steps (core/preempt.h): false if it stopped (the mappings it
 * removed are gone, so calling it again goes on). */
bool mapping_db_remove_descendants_steps(struct mapping_record *record);
/* The same for every mapping of an installed page table (its own stay). */
bool mapping_db_remove_table_descendants(struct page_table *pt);
/* Reduces the rights of every mapping derived from record's to at most map_rights. */
bool mapping_db_restrict_descendants_steps(struct mapping_record *record, unsigned map_rights);
/* A page table leaves its address space (uninstalled, or the vspace is destroyed): each
 * of its mappings loses its descendants and leaves its parent's child list; the records
 * are zeroed. The entries stay (the caller makes the table unreachable). With
 * preemptible it may stop (INVOCATION_RESTART, core/preempt.h); calling it again goes on
 * (the records hold the progress). */
int mapping_db_clear_table(struct page_table *pt, bool preemptible);
/* VSPACE UNMAP: removes the descendants of every mapping in [*cursor, end) of vspace and,
 * with own, those mappings too (a root through its frame capability: frame_unmap, so a
 * 64 KiB frame goes as a whole). Sections are left alone. With preemptible it may stop
 * (INVOCATION_RESTART) with *cursor where to go on. */
int mapping_db_unmap(struct vspace *vspace, vaddr_t *cursor, vaddr_t end, bool own,
                     bool preemptible);
/* How many 4 KiB pages the memory items of one kernel entry may cover (mapping_db.c). */
#define MAPPING_DB_ENTRY_PAGES 256u
/* Invariant checks of one installed page table's records (vspace_check_invariants). */
void mapping_db_check_table(struct vspace *vspace, vaddr_t base, const struct page_table *pt);

#endif
