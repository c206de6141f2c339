/* SPDX-License-Identifier: MIT */
/*
 * TLB maintenance for user address spaces (arch/armv6/tlb.c). Every page-table change
 * that removes or changes a valid user entry is followed by one of these; new entries in
 * previously empty slots need none (ARMv6 TLBs never hold translation faults).
 *
 * For now only CPU 0 runs user threads, so the operations are local to this CPU. The SMP
 * work makes them reach every CPU (ARM11 MPCore has no broadcast TLB maintenance: it
 * needs an IPI); callers already go through these functions only.
 */
#ifndef PECAN_CORE_TLB_H
#define PECAN_CORE_TLB_H

#include <types.h>

/* Drops the translation of the page (or large page, or section) containing va in the
 * address space with hardware ASID asid. */
void tlb_flush_page(unsigned asid, vaddr_t va);

/* Drops every non-global translation of the address space with hardware ASID asid. */
void tlb_flush_asid(unsigned asid);

#endif
