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
#ifndef PECAN_ARCH_TLB_H
#define PECAN_ARCH_TLB_H

#include <types.h>

/* Drops the translation of the page (or large page, or section) containing va in the
 * address space with hardware ASID asid. */
void tlb_flush_page(unsigned asid, vaddr_t va);

/* Drops every non-global translation of the address space with hardware ASID asid. A CPU
 * that has that address space active switches to the kernel-only directory first, so an
 * address space being destroyed is no longer walked anywhere. */
void tlb_flush_asid(unsigned asid);

/* Which CPUs may hold entries of each ASID: tlb_asid_cpus[asid][cpu] is 1 from the time
 * CPU cpu switches to the ASID to run user code until an ASID flush on that CPU finds it
 * no longer active there. A byte per CPU, so each CPU sets and clears its own with a
 * plain store (the switch: vspace_load_on, through cpu->asid_marks). */
extern volatile uint8_t tlb_asid_cpus[256][CONFIG_MAX_CPUS];

#endif
