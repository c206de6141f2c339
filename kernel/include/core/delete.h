/* SPDX-License-Identifier: MIT */
/*
 * Deleting capabilities and destroying objects (core/delete.c). Deleting the last
 * capability to an object destroys it: every in-kernel reference to it is removed first.
 * Containers (CNodes, TCBs) are emptied without recursion: the slot holding the last
 * capability to one becomes a zombie on a stack threaded through the zombie slots, and
 * the zombie's slots are deleted one by one.
 */
#ifndef PECAN_CORE_DELETE_H
#define PECAN_CORE_DELETE_H

#include <object/cap.h>

/* Deletes the capability in slot (which may be empty). Returns 0, or INVOCATION_RESTART
 * if it stopped for a pending interrupt (call again to continue). */
int cte_delete(struct cte *slot, bool preemptible);

/* Deletes every capability derived from slot's. Same return values. */
int cte_revoke(struct cte *slot, bool preemptible);

/* Counters for tests: how often revoke/delete stopped for an interrupt. */
extern unsigned long delete_preemptions;

/* Hooks each object type provides: called when the last capability to an object goes,
 * before its memory can be reused. They must remove every in-kernel reference to it. */
void tcb_destroy_begin(struct capability *cap);   /* container: slots are emptied after */
void endpoint_destroy(struct capability *cap);
void notification_destroy(struct capability *cap);
void vspace_destroy(struct capability *cap);
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
