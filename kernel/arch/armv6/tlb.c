/* SPDX-License-Identifier: MIT */
/*
 * TLB maintenance by ASID (include/core/tlb.h): the CP15 c8 operations of the ARM ARM v6
 * (chapter B4, register 8) and the ARM11 MPCore TRM. Each operation is bracketed by
 * barriers: the DSB before it makes the page-table write (already cleaned to memory)
 * visible to the walker before the old entry is dropped, the DSB and prefetch flush after
 * it make sure no later instruction still uses the old translation.
 *
 * XXX: local to this CPU; the SMP issue must broadcast these (IPI to the CPUs that may
 * hold entries of the ASID).
 */
#include <arch/cpu.h>
#include <core/tlb.h>

void tlb_flush_page(unsigned asid, vaddr_t va)
{
    barrier_data_sync();
    /* Invalidate unified TLB entry by MVA: bits[31:12] the page, bits[7:0] the ASID. */
    CP15_WRITE(0, c8, c7, 1, (va & ~0xfffu) | (asid & 0xffu));
    barrier_data_sync();
    barrier_instruction();
}

void tlb_flush_asid(unsigned asid)
{
    barrier_data_sync();
    /* Invalidate unified TLB on ASID match: global (kernel) entries stay. */
    CP15_WRITE(0, c8, c7, 2, asid & 0xffu);
    barrier_data_sync();
    barrier_instruction();
}
