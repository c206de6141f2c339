/* SPDX-License-Identifier: MIT */
/*
 * TLB maintenance for user address spaces (arch/armv6/tlb.c). Every page-table change
 * that removes or changes a valid user entry is followed by one of these; new entries in
 * previously empty slots need none (ARMv6 TLBs never hold translation faults).
 *
 * The ARM11 MPCore has no broadcast TLB maintenance, so each operation runs on this CPU
 * and, through smp_call_cpus, on every other CPU that may hold entries of the ASID (one
 * that has run the address space since the ASID was last flushed there), and returns when
 * all are done (docs/smp.md). Callers hold the big kernel lock (or are alone, at boot).
 */
#ifndef PECAN_CORE_TLB_H
#define PECAN_CORE_TLB_H

#include <types.h>

/* Drops the translation of the page (or large page, or section) containing va in the
 * address space with hardware ASID asid. */
void tlb_flush_page(unsigned asid, vaddr_t va);

/* Drops every non-global translation of the address space with hardware ASID asid. A CPU
 * that has that address space active switches to the kernel-only directory first, so an
 * address space being destroyed is no longer walked anywhere. */
void tlb_flush_asid(unsigned asid);

/* This CPU (cpu_bit: 1 << its index) has switched to ASID asid to run user code (the
 * return to user mode). While an ASID is active on a CPU, the CPU's bit stays set. */
extern volatile uint32_t tlb_asid_cpus[256];
void tlb_note_asid_used_slow(unsigned asid, uint32_t cpu_bit);
static inline void tlb_note_asid_used(unsigned asid, uint32_t cpu_bit)
{
    if (!(tlb_asid_cpus[asid & 0xffu] & cpu_bit))
        tlb_note_asid_used_slow(asid, cpu_bit);
}

#endif
