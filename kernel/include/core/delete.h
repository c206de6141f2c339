/* SPDX-License-Identifier: MIT */
/*
 * Deleting capabilities and destroying objects (core/delete.c). Deleting the last
 * capability to an object destroys it: every in-kernel reference to it is removed first.
 * Containers (CNodes, thread objects) and address spaces are emptied without recursion and in
 * preemptible steps: the slot holding the last capability to one becomes a zombie, and
 * the zombies one deletion makes form a chain rooted in the slot that deletion named,
 * which holds its progress: repeating the deletion continues it.
 */
#ifndef PECAN_CORE_DELETE_H
#define PECAN_CORE_DELETE_H

#include <object/cap.h>

struct vspace;

/* Deletes the capability in slot (which may be empty), or continues the interrupted
 * deletion whose zombie it holds. Returns 0, or INVOCATION_RESTART if it stopped
 * (core/preempt.h; call again to continue). */
int cte_delete(struct cte *slot, bool preemptible);

/* Deletes every capability derived from slot's. Same return values. */
int cte_revoke(struct cte *slot, bool preemptible);

/* Hooks each object type provides: called when the last capability to an object goes,
 * before its memory can be reused. They must remove every in-kernel reference to it. */
void thread_destroy_begin(struct capability *cap);   /* container: slots are emptied after */
void gate_destroy(struct capability *cap);
void notification_destroy(struct capability *cap);
/* Destroys an address space in steps (object/vspace.c): *cursor (0 at first) records the
 * progress. 0 when done, or INVOCATION_RESTART. */
int vspace_teardown(struct vspace *vspace, word_t *cursor, bool preemptible);
void page_table_destroy(struct capability *cap);
void irq_handler_destroy(struct capability *cap);
/* Called for every frame or page-table capability that is deleted (each holds at most
 * one mapping of its own, which goes with it). */
void frame_cap_deleted(struct cte *slot);
void page_table_cap_deleted(struct capability *cap);
/* A capability moved to another slot: mappings and the page-table pool name slots. */
void frame_cap_moved(struct cte *from, struct cte *to);
void page_table_cap_moved(struct cte *from, struct cte *to);

#endif
