/* SPDX-License-Identifier: MIT */
/*
 * TLB maintenance by ASID (include/arch/tlb.h): the CP15 c8 operations of the ARM ARM v6
 * (chapter B4, register 8) and the ARM11 MPCore TRM. Each operation is bracketed by
 * barriers: the DSB before it makes the page-table write (already cleaned to memory)
 * visible to the walker before the old entry is dropped, the DSB and prefetch flush after
 * it make sure no later instruction still uses the old translation.
 *
 * Shootdown: tlb_asid_cpus[a] has a byte for each CPU that may hold entries of ASID a. A
 * CPU sets its own byte when it returns to user mode in that ASID; an ASID flush clears
 * the bytes of the CPUs that flushed and no longer run it. Each byte is written only by
 * its CPU, so plain stores do. An operation runs here and, by
 * smp_call_cpus, on the other CPUs in the mask, and returns when they are all done.
 */
#include <arch/processor.h>
#include <arch/tlb.h>
#include <core/cpu.h>
#include <core/kernel_lock.h>
#include <core/smp.h>
#include <object/vspace.h>

volatile uint8_t tlb_asid_cpus[ASID_COUNT][CONFIG_MAX_CPUS];

static unsigned active_asid(void)
{
    return CP15_READ(0, c13, c0, 1) & 0xffu;   /* CONTEXTIDR */
}

static void flush_page_local(unsigned asid, vaddr_t va)
{
    barrier_data_sync();
    /* Invalidate unified TLB entry by MVA: bits[31:12] the page, bits[7:0] the ASID. */
    CP15_WRITE(0, c8, c7, 1, (va & ~0xfffu) | (asid & 0xffu));
    barrier_data_sync();
    barrier_instruction();
}

static void flush_asid_local(unsigned asid)
{
    barrier_data_sync();
    /* Invalidate unified TLB on ASID match: global (kernel) entries stay. */
    CP15_WRITE(0, c8, c7, 2, asid & 0xffu);
    barrier_data_sync();
    barrier_instruction();
}

static void forget_asid_here(unsigned asid)
{
    if (active_asid() != asid)
        tlb_asid_cpus[asid & 0xffu][this_cpu_index()] = 0;
}

/* The other CPUs that may hold entries of asid. */
static uint32_t others(unsigned asid)
{
    /* Only the lock holder sends calls; during boot CPU 0 is alone in the kernel. */
    uint32_t mask = 0;
    for (unsigned cpu = 0; cpu < CONFIG_MAX_CPUS; cpu++) {
        if (tlb_asid_cpus[asid & 0xffu][cpu] && cpu != this_cpu_index())
            mask |= 1u << cpu;
    }
    return mask;
}

static void remote_flush_asid(word_t asid, word_t unused)
{
    (void)unused;
    /* This CPU is in the kernel (waiting for the lock, or idle): it touches no user
     * address until its next return to user mode, which activates the right table. */
    if (active_asid() == asid)
        vspace_activate(NULL);
    flush_asid_local(asid);
    forget_asid_here(asid);
}

void tlb_flush_page(unsigned asid, vaddr_t va)
{
    flush_page_local(asid, va);
    uint32_t mask = others(asid);
    /* The other CPUs drop the whole ASID, so those not running it leave the mask: a server
     * unmapping page after page of one task (moe freeing a heap) then makes one round of
     * calls, not one per page. */
    if (mask)
        smp_call_cpus(mask, remote_flush_asid, asid, 0);
}

void tlb_flush_asid(unsigned asid)
{
    flush_asid_local(asid);
    forget_asid_here(asid);
    uint32_t mask = others(asid);
    if (mask)
        smp_call_cpus(mask, remote_flush_asid, asid, 0);
}
