/* SPDX-License-Identifier: MIT */
/*
 * moe's region maps, beyond what moe.h declares (region_map.c).
 */
#ifndef MOE_REGION_MAP_H
#define MOE_REGION_MAP_H

#include "moe.h"

/* Region flags beyond the rights (PECAN_MAP_* in PECAN_RM_RIGHTS_MASK). */
#define REGION_RESERVED 0x1000u

/* Attach with the protocol's flags (PECAN_RM_SEARCH_ADDRESS, PECAN_RM_EAGER_MAP, rights):
 * *address receives where. 0, -PECAN_EINVAL (size 0, bad flags), -PECAN_EALIGN, -PECAN_ERANGE
 * (outside the dataspace or the address space), -PECAN_EEXIST (taken), -PECAN_EPERM (write
 * to a read-only dataspace), -PECAN_ENOMEM (no room, or the quota). */
int region_map_attach_flags(struct region_map *rm, uint32_t address, uint32_t size,
                            unsigned flags, struct dataspace *ds, uint32_t offset,
                            uint32_t *attached_at);
/* Detaches the region containing address, removing its pages from the task.
 * 0 (*start, *size: the region) or -PECAN_ENOENT. */
int region_map_detach(struct region_map *rm, uint32_t address, uint32_t *start, uint32_t *size);
/* Resolves a page fault (address | PECAN_PAGE_FAULT_* flags) as the fault protocol does,
 * without IPC: the page's moe address and the rights to map it with. -PECAN_ENOENT
 * (nothing attached, or its dataspace gone), -PECAN_EACCES (the region forbids the
 * access, or is reserved), -PECAN_ENOMEM (the quota cannot pay for the page or its page
 * table). */
int region_map_resolve(struct region_map *rm, pecan_word_t fault, uint32_t *local,
                       unsigned *rights);

#endif
