/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data. Each CPU finds its own struct cpu through TPIDRPRW (set once at start-up).
 * Fields are written only by their own CPU unless marked otherwise.
 */
#ifndef PECAN_CORE_CPU_H
#define PECAN_CORE_CPU_H

#include <arch/memory.h>
#include <arch/processor.h>
#include <compiler.h>
#include <types.h>

typedef void (*cpu_work_fn)(void *arg);
typedef void (*cpu_call_fn)(word_t a, word_t b);

struct thread;
struct vspace;
struct run_queue;

struct cpu {
    /* The top of this CPU's kernel stack: vectors.S loads it on every entry from user
     * mode (CPU_KERNEL_STACK_TOP_OFFSET). Set once at start-up. */
    uintptr_t kernel_stack_top;
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

    /* A call posted by the holder of the big kernel lock (smp_call_cpus): written by the
     * requester, run and cleared here at the next safe point (docs/smp.md). */
    volatile cpu_call_fn call_fn;
    volatile word_t call_arg[2];

    /* The thread this CPU runs in user mode, or whose trap into the kernel has not got
     * the kernel lock yet; NULL if none. While it is set, only this CPU touches the
     * thread's saved registers: every entry from user mode stores them straight into
     * thread->context, before it takes the lock (arch/armv6/vectors.S). Written by this
     * CPU: under the big kernel lock, or while it runs a call of the lock holder. */
    struct thread *volatile executing;
    unsigned user_trap;              /* enum trap_type of the trap from user mode in progress */

    /* The address space whose page directory and ASID this CPU has loaded (NULL: the
     * boot page directory). Written by this CPU (object/vspace.c). */
    struct vspace *active_vspace;
    /* This CPU's run queue (core/sched.h), and its byte in each ASID's shootdown mask
     * (&tlb_asid_cpus[0][index], arch/tlb.h). Set once at start-up; the IPC fast path
     * uses them instead of indexing by CPU number. */
    struct run_queue *run_queue;
    volatile uint8_t *asid_marks;

    /* Idle time (core/sched.c), under the big kernel lock. */
    bool idle;                       /* waiting for a thread since idle_since */
    uint64_t idle_since;
    uint64_t idle_ns;                /* finished idle periods */
};

/* vectors.S reads kernel_stack_top at this offset. */
#define CPU_KERNEL_STACK_TOP_OFFSET 0
_Static_assert(__builtin_offsetof(struct cpu, kernel_stack_top) == CPU_KERNEL_STACK_TOP_OFFSET,
               "vectors.S knows this offset");

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
