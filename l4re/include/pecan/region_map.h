/* SPDX-License-Identifier: MIT */
/*
 * REGION_MAP protocol client (l4re/client/region_map.c; opcodes in protocol/region_map.h).
 * pecan_rm_attach also handles dataspaces of other servers: when the region map answers
 * -PECAN_EXDEV it reserves the range and maps every page itself with the dataspace's MAP
 * (docs/runtime.md); pecan_rm_detach undoes either kind.
 */
#ifndef PECAN_REGION_MAP_H
#define PECAN_REGION_MAP_H

#include <pecan/protocol/region_map.h>
#include <pecan/protocols.h>
#include <pecan/syscall.h>

/* Attaches [offset, offset + size) of ds at *address (with PECAN_RM_SEARCH_ADDRESS: the
 * first free range from *address up); *address gets where it went. flags: PECAN_MAP_*
 * rights | PECAN_RM_SEARCH_ADDRESS | PECAN_RM_EAGER_MAP. */
int pecan_rm_attach(pecan_cap_t rm, pecan_word_t *address, pecan_word_t size, unsigned flags,
                    pecan_cap_t ds, pecan_word_t offset);
/* Detaches the region containing address; *start and *size (may be NULL) tell what it was. */
int pecan_rm_detach(pecan_cap_t rm, pecan_word_t address, pecan_word_t *start,
                    pecan_word_t *size);

struct pecan_rm_region {
    pecan_word_t start, size, offset, flags;
};
int pecan_rm_find(pecan_cap_t rm, pecan_word_t address, struct pecan_rm_region *region);
int pecan_rm_reserve(pecan_cap_t rm, pecan_word_t *address, pecan_word_t size, unsigned flags);
int pecan_rm_free_area(pecan_cap_t rm, pecan_word_t address);

#endif
