/* SPDX-License-Identifier: MIT */
/*
 * ARMv6 processor registers and instructions as inline functions: CP15 (ARM ARM B3/B4,
 * ARM1136/ARM11MPCore TRMs), barriers (CP15 c7 operations on v6), interrupt masking.
 */
#ifndef PECAN_ARCH_PROCESSOR_H
#define PECAN_ARCH_PROCESSOR_H

#include <types.h>

#define CPSR_MODE_MASK 0x1fu
#define CPSR_MODE_USR 0x10u
#define CPSR_MODE_FIQ 0x11u
#define CPSR_MODE_IRQ 0x12u
#define CPSR_MODE_SVC 0x13u
#define CPSR_MODE_ABT 0x17u
#define CPSR_MODE_UND 0x1bu
#define CPSR_MODE_SYS 0x1fu
#define CPSR_IRQ_MASKED (1u << 7)
#define CPSR_FIQ_MASKED (1u << 6)

#define SCTLR_MMU (1u << 0)
#define SCTLR_ALIGN (1u << 1)
#define SCTLR_DCACHE (1u << 2)
#define SCTLR_BRANCH_PREDICT (1u << 11)
#define SCTLR_ICACHE (1u << 12)
#define SCTLR_HIGH_VECTORS (1u << 13)
#define SCTLR_UNALIGNED (1u << 22)
#define SCTLR_EXTENDED_PT (1u << 23)

#define CP15_READ(op1, crn, crm, op2)                                               \
    ({                                                                              \
        word_t v_;                                                                  \
        __asm__ volatile("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2         \
                         : "=r"(v_));                                               \
        v_;                                                                         \
    })
#define CP15_WRITE(op1, crn, crm, op2, value)                                       \
    __asm__ volatile("mcr p15, " #op1 ", %0, " #crn ", " #crm ", " #op2             \
                     : : "r"((word_t)(value)) : "memory")

static inline word_t cpu_read_mpidr(void) { return CP15_READ(0, c0, c0, 5); }
static inline word_t cpu_read_midr(void) { return CP15_READ(0, c0, c0, 0); }
static inline word_t cpu_read_sctlr(void) { return CP15_READ(0, c1, c0, 0); }
static inline word_t cpu_read_ttbr0(void) { return CP15_READ(0, c2, c0, 0); }
static inline word_t cpu_read_dfsr(void) { return CP15_READ(0, c5, c0, 0); }
static inline word_t cpu_read_ifsr(void) { return CP15_READ(0, c5, c0, 1); }
static inline word_t cpu_read_dfar(void) { return CP15_READ(0, c6, c0, 0); }
static inline word_t cpu_read_ifar(void) { return CP15_READ(0, c6, c0, 2); }

/* TPIDRPRW: privileged-only thread ID register, holds this CPU's struct cpu pointer. */
static inline word_t cpu_read_tpidrprw(void) { return CP15_READ(0, c13, c0, 4); }
static inline void cpu_write_tpidrprw(word_t v) { CP15_WRITE(0, c13, c0, 4, v); }

/* TPIDRURO: user read-only thread ID register; holds the running thread's UTCB address. */
static inline void cpu_write_tpidruro(word_t v) { CP15_WRITE(0, c13, c0, 3, v); }

/* v6 barriers are CP15 c7 operations (DMB/DSB/ISB instructions arrived with v7). */
static inline void barrier_data_sync(void) { CP15_WRITE(0, c7, c10, 4, 0); }
static inline void barrier_data_memory(void) { CP15_WRITE(0, c7, c10, 5, 0); }
static inline void barrier_instruction(void) { CP15_WRITE(0, c7, c5, 4, 0); }

static inline void tlb_invalidate_all_local(void)
{
    barrier_data_sync();
    CP15_WRITE(0, c8, c7, 0, 0);
    barrier_data_sync();
    barrier_instruction();
}

static inline void tlb_invalidate_va_local(vaddr_t va)
{
    barrier_data_sync();
    CP15_WRITE(0, c8, c7, 1, va & ~0xfffu);
    barrier_data_sync();
    barrier_instruction();
}

/* Clean one data cache line so the table walker sees a page-table write (TRM 3.3.5). */
static inline void dcache_clean_line(vaddr_t va) { CP15_WRITE(0, c7, c10, 1, va & ~31u); }

static inline word_t irq_save_disable(void)
{
    word_t cpsr;
    __asm__ volatile("mrs %0, cpsr\n\tcpsid i" : "=r"(cpsr) : : "memory");
    return cpsr;
}

static inline void irq_restore(word_t cpsr)
{
    __asm__ volatile("msr cpsr_c, %0" : : "r"(cpsr) : "memory", "cc");
}

static inline void irq_enable(void) { __asm__ volatile("cpsie i" : : : "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cpsid i" : : : "memory"); }

/* Waits for an interrupt; a pending one ends the wait even while masked in the CPSR. */
static inline void cpu_wait_for_interrupt(void)
{
    barrier_data_sync();
    __asm__ volatile("wfi" : : : "memory");
}

static inline void cpu_send_event(void)
{
    barrier_data_sync();
    __asm__ volatile("sev" : : : "memory");
}
static inline void cpu_wait_for_event(void) { __asm__ volatile("wfe" : : : "memory"); }

#endif
