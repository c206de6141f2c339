/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data. Each CPU finds its own struct cpu through TPIDRPRW (set once at start-up).
 * Fields are written only by their own CPU unless marked otherwise.
 */
#ifndef PECAN_CPU_H
#define PECAN_CPU_H

#include <arch/cpu.h>
#include <arch/memory.h>
#include <compiler.h>
#include <types.h>

typedef void (*cpu_work_fn)(void *arg);

struct cpu {
    unsigned index;
    volatile bool online;            /* set by the CPU itself, read by others */
    volatile uint64_t ticks;         /* timer interrupts taken */

    /* Work handed over by smp_run_on_cpus: written by the requester, cleared here. */
    volatile cpu_work_fn work;
    void *volatile work_arg;
    volatile unsigned work_requester;

    /* The last fault a probe (arch_probe_read_word) took on this CPU. */
    word_t probe_fault_status;
    word_t probe_fault_address;
};

extern struct cpu cpus[CONFIG_MAX_CPUS];
extern uint8_t cpu_boot_stacks[CONFIG_MAX_CPUS][KERNEL_STACK_SIZE];

static inline struct cpu *this_cpu(void)
{
    return (struct cpu *)cpu_read_tpidrprw();
}

static inline unsigned this_cpu_index(void)
{
    return this_cpu()->index;
}

/* Makes cpus[index] this CPU's struct cpu. */
void cpu_init_local(unsigned index);

#endif
