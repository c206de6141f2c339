/* SPDX-License-Identifier: MIT */
/* The per-CPU data and boot stacks (one kernel stack per CPU). */
#include <arch/tlb.h>
#include <core/cpu.h>
#include <core/sched.h>

struct cpu cpus[CONFIG_MAX_CPUS];
uint8_t cpu_boot_stacks[CONFIG_MAX_CPUS][KERNEL_STACK_SIZE] __aligned(8) __section(".stacks");

void cpu_init_local(unsigned index)
{
    cpus[index].index = index;
    cpus[index].kernel_stack_top = (uintptr_t)cpu_boot_stacks[index + 1];
    cpus[index].run_queue = &sched_run_queues[index];
    cpus[index].asid_marks = &tlb_asid_cpus[0][index];
    cpu_write_tpidrprw((word_t)(uintptr_t)&cpus[index]);
}
