/* SPDX-License-Identifier: MIT */
/*
 * Records: the memory of moe's own bookkeeping for what a client made (a dataspace's,
 * namespace's or task's struct, a namespace entry), taken from pages charged to the
 * client's quota, so that no table of moe's can be filled by one client for the others
 * (issue 13, "whoever asks, pays"). Each quota has its own pages, one list per size class;
 * a page holds records of one class only and goes back to the page pool, and its 4 KiB to
 * the quota, when its last record is freed. Fragmentation stays inside the quota that
 * caused it: a client pays for whole pages, never for another client's.
 *
 * Invariants: a record page is charged to exactly one quota and is on one of its lists:
 * that of its class while it has a free record, else the full pages'; in_use is the
 * number of clear bits of free_mask below capacity.
 */
#ifndef MOE_RECORD_H
#define MOE_RECORD_H

#include <stdint.h>
#include "memory.h"

/* The largest record: a page less its header. */
#define RECORD_MAX_SIZE 3968u

/* A zeroed record of size bytes (at most RECORD_MAX_SIZE) charged to q, in *out.
 * 0, or -PECAN_ENOMEM when the quota or moe's memory is exhausted. */
int record_alloc(struct quota *q, unsigned size, void **out);
/* Gives a record back (NULL: nothing). Its page goes when it held the last record. */
void record_free(void *record);

/* Puts every page still charged to from on to's bill (records that outlive their
 * client's quota: a destroyed dataspace still attached somewhere). */
void record_move_pages(struct quota *from, struct quota *to);

/* Allocates a record of the type of *pointer. */
#define RECORD_NEW(q, pointer) record_alloc((q), sizeof(**(pointer)), (void **)(pointer))

#endif
