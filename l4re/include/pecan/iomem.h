/* SPDX-License-Identifier: MIT */
/*
 * IOMEM protocol client (l4re/client/iomem.c; opcodes in protocol/iomem.h): device memory
 * for drivers, as a dataspace mapped uncached, and narrower IOMEM views to hand on.
 */
#ifndef PECAN_IOMEM_H
#define PECAN_IOMEM_H

#include <pecan/protocol/iomem.h>
#include <pecan/syscall.h>

/* A dataspace of [phys, phys + size) (4 KiB aligned) into dest, an empty slot; its
 * record is paid for by factory (a moe FACTORY the caller may write: PECAN_ENV_FACTORY
 * for the program's own) and it goes with that factory. */
int pecan_iomem_dataspace(pecan_cap_t iomem, pecan_cap_t factory, pecan_word_t phys,
                          pecan_word_t size, pecan_cap_t dest);
/* An IOMEM object covering [phys, phys + size) only, into dest; paid for by factory. */
int pecan_iomem_view(pecan_cap_t iomem, pecan_cap_t factory, pecan_word_t phys,
                     pecan_word_t size, pecan_cap_t dest);
/* The range the object covers: its first and last address. */
int pecan_iomem_info(pecan_cap_t iomem, pecan_word_t *first, pecan_word_t *last);

#endif
