/* SPDX-License-Identifier: MIT */
/* Scheduler client calls (SCHEDULER protocol, docs/abi.md), and the default placement of
 * programs' threads (pecan_sched_program_cpus). */
#include "call.h"

int pecan_sched_info(pecan_cap_t sched, unsigned *cpu_count, pecan_word_t *online_mask,
                     unsigned *max_priority)
{
    pecan_word_t w[] = { PECAN_SCHED_INFO }, r[3] = { 0, 0, 0 };
    int err = sys_call(sched, PECAN_PROTO_SCHEDULER, 1, w, r, 3);
    if (cpu_count)
        *cpu_count = r[0];
    if (online_mask)
        *online_mask = r[1];
    if (max_priority)
        *max_priority = r[2];
    return err;
}

int pecan_sched_run_thread(pecan_cap_t sched, pecan_cap_t thread, unsigned priority,
                           pecan_word_t cpu_mask, pecan_word_t quantum_us)
{
    pecan_word_t w[] = { PECAN_SCHED_RUN_THREAD, thread, priority, cpu_mask, quantum_us };
    return sys_call(sched, PECAN_PROTO_SCHEDULER, 5, w, 0, 0);
}

int pecan_sched_idle_time(pecan_cap_t sched, unsigned cpu, uint64_t *ns)
{
    pecan_word_t w[] = { PECAN_SCHED_IDLE_TIME, cpu }, r[2] = { 0, 0 };
    int err = sys_call(sched, PECAN_PROTO_SCHEDULER, 2, w, r, 2);
    if (ns)
        *ns = (uint64_t)r[0] | (uint64_t)r[1] << 32;
    return err;
}

int pecan_sched_cpu(pecan_cap_t sched)
{
    pecan_word_t w[] = { PECAN_SCHED_CPU }, r[1] = { 0 };
    int err = sys_call(sched, PECAN_PROTO_SCHEDULER, 1, w, r, 1);
    return err ? err : (int)r[0];
}

int pecan_sched_thread_info(pecan_cap_t sched, pecan_cap_t thread, unsigned *cpu,
                            unsigned *priority, pecan_word_t *quantum_us)
{
    pecan_word_t w[] = { PECAN_SCHED_THREAD_INFO, thread }, r[3] = { 0, 0, 0 };
    int err = sys_call(sched, PECAN_PROTO_SCHEDULER, 2, w, r, 3);
    if (cpu)
        *cpu = r[0];
    if (priority)
        *priority = r[1];
    if (quantum_us)
        *quantum_us = r[2];
    return err;
}

int pecan_sched_thread_mcp(pecan_cap_t sched, pecan_cap_t thread)
{
    pecan_word_t w[] = { PECAN_SCHED_THREAD_INFO, thread }, r[4] = { 0, 0, 0, 0 };
    int err = sys_call(sched, PECAN_PROTO_SCHEDULER, 2, w, r, 4);
    return err ? err : (int)r[3];
}

pecan_word_t pecan_sched_program_cpus(pecan_word_t online_mask)
{
    pecan_word_t others = online_mask & ~((pecan_word_t)1 << PECAN_ROOT_SERVER_CPU);
    return others ? others : online_mask;
}
