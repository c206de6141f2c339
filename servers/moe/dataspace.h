/* SPDX-License-Identifier: MIT */
/*
 * moe's dataspaces, beyond what moe.h declares: what the region map (region_map.c) and
 * the IOMEM object (iomem.c) need.
 *
 * Lifetime: a dataspace goes when its owner (factory) is destroyed, or when it has neither
 * a client capability nor an attachment left (checked when its last client copy goes and
 * when it is detached; a dataspace moe made for itself and attached counts as having no
 * client). While a region map still has it attached after it was destroyed, only its
 * record stays ("gone": no memory, faults in it fail) until the last detach.
 */
#ifndef MOE_DATASPACE_H
#define MOE_DATASPACE_H

#include "moe.h"

extern const struct server_type dataspace_type;

/* The page at offset (its index rounded down) for a fault or MAP: backs it if it is not
 * yet (charged to the dataspace's quota); *local receives moe's address of it and
 * *rights the PECAN_MAP_* rights the dataspace allows (never WRITE for read-only ones).
 * 0, -PECAN_ERANGE (beyond the end), -PECAN_ENOMEM (quota or memory), -PECAN_ENOENT (gone). */
int dataspace_page(struct dataspace *ds, uint32_t offset, uint32_t *local, unsigned *rights);
/* Backs [offset, offset + size) now, from the start on and within one request's work (at
 * most WORK_PAGES new pages, dataspace.c): *done gets the bytes from offset on that are
 * backed (size when all are). 0, -PECAN_ERANGE, -PECAN_ENOMEM. */
int dataspace_allocate(struct dataspace *ds, uint32_t offset, uint32_t size, uint32_t *done);
uint32_t dataspace_flags(struct dataspace *ds);   /* PECAN_DATASPACE_* */
/* The size rounded up to whole pages: what can be attached and mapped. */
uint32_t dataspace_mappable_size(struct dataspace *ds);
/* Bytes of memory the dataspace holds (pages and their tables). */
uint32_t dataspace_bytes(struct dataspace *ds);

/* Attachments by region maps (keep the record alive). */
void dataspace_attached(struct dataspace *ds);
void dataspace_detached(struct dataspace *ds);

/* Device memory [phys, phys + size) as a dataspace (iomem.c). */
int dataspace_create_device(struct factory *owner, struct quota *q, uint32_t phys,
                            uint32_t size, struct dataspace **out);

/* Destroys ds now (its owner's list or the no-clients hook). Its pages beyond one
 * request's work are freed later, in steps (dataspace_reap_step). */
void dataspace_destroy(struct dataspace *ds);
/* One step of freeing destroyed dataspaces' pages (moe's server loop runs it between
 * requests, config.background); true while more is left. */
bool dataspace_reap_step(void);
/* Frees every page still waiting (before moe compares its free memory with a baseline). */
void dataspace_reap_all(void);

#endif
