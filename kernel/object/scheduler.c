/* SPDX-License-Identifier: MIT */
/*
 * The Scheduler object (SCHEDULER protocol, docs/abi.md): the kernel's side of
 * scheduling policy. It reports the CPUs and their idle time, and runs a thread with
 * parameters: priority, the CPUs it may run on, its quantum. Balancing is left to user
 * space, which may re-issue RUN_THREAD with another CPU set at any time; a user-level
 * scheduler proxy can speak the same protocol. The priority RUN_THREAD gives is bounded
 * by the caller's MCP, exactly as THREAD SET_PRIORITY (object/thread.c).
 */
#include <core/clock.h>
#include <core/cpu.h>
#include <core/sched.h>
#include <core/smp.h>
#include <object/scheduler.h>
#include <object/thread.h>
#include <plat.h>

#define US_PER_TICK (1000000u / CONFIG_TICK_HZ)

static const char scheduler_object;   /* the singleton's identity */

struct capability scheduler_cap(void)
{
    return (struct capability){
        .type = CAP_SCHEDULER,
        .rights = PECAN_RIGHTS_ALL,
        .object = (uintptr_t)&scheduler_object,
    };
}

/* Every operation checks, in order: message length, the right it needs on the scheduler
 * capability (WRITE for RUN_THREAD, READ for the others), the other arguments. */
static bool may_read(const struct invocation *inv)
{
    return cap_has_rights(&inv->slot->cap, PECAN_RIGHT_READ);
}

static int decode_info(struct invocation *inv)
{
    if (!may_read(inv))
        return -PECAN_EPERM;
    invocation_reply(inv, 0, plat_cpu_count());
    invocation_reply(inv, 1, smp_online_mask());
    invocation_reply(inv, 2, SCHED_MAX_PRIORITY);
    return 0;
}

/* The CPU a thread goes to: where it is if allowed, else the lowest allowed one. */
static unsigned placement(const struct thread *thread, uint32_t allowed)
{
    if (allowed & (1u << thread->cpu))
        return thread->cpu;
    return (unsigned)__builtin_ctz(allowed);
}

static int decode_run_thread(struct invocation *inv)
{
    if (inv->length < 5)
        return -PECAN_EMSGTOOSHORT;
    if (!cap_has_rights(&inv->slot->cap, PECAN_RIGHT_WRITE))
        return -PECAN_EPERM;
    struct cte *thread_slot;
    int err = invocation_lookup_typed(inv, invocation_word(inv, 1), CAP_THREAD, PECAN_RIGHT_WRITE,
                                      &thread_slot);
    if (err)
        return err;
    word_t priority = invocation_word(inv, 2);
    uint32_t allowed = invocation_word(inv, 3) & smp_online_mask();
    word_t quantum_us = invocation_word(inv, 4);
    /* Bounded by the caller's MCP like SET_PRIORITY (object/thread.c says why): holding the
     * Scheduler capability, which every program does, gives no priority authority. */
    if ((err = thread_check_priority(inv->caller, priority)) != 0)
        return err;
    if (!allowed)
        return -PECAN_ERANGE;
    /* Rounded to the nearest tick, at least one; 0 is the default. */
    uint64_t ticks = quantum_us ? ((uint64_t)quantum_us + US_PER_TICK / 2) / US_PER_TICK : 0;
    if (quantum_us && ticks == 0)
        ticks = 1;
    if (ticks > SCHED_MAX_QUANTUM_TICKS)
        return -PECAN_ERANGE;

    struct thread *thread = (struct thread *)(uintptr_t)thread_slot->cap.object;
    thread->quantum_ticks = (uint16_t)ticks;
    if (thread->ticks_used >= sched_quantum_ticks(thread))
        thread->ticks_used = 0;
    sched_migrate(thread, placement(thread, allowed), priority);
    return 0;
}

static int decode_idle_time(struct invocation *inv)
{
    if (inv->length < 2)
        return -PECAN_EMSGTOOSHORT;
    if (!may_read(inv))
        return -PECAN_EPERM;
    word_t cpu = invocation_word(inv, 1);
    if (cpu >= CONFIG_MAX_CPUS || !(smp_online_mask() & (1u << cpu)))
        return -PECAN_ERANGE;
    uint64_t ns = sched_idle_ns(cpu);
    invocation_reply(inv, 0, (word_t)ns);
    invocation_reply(inv, 1, (word_t)(ns >> 32));
    return 0;
}

static int decode_cpu(struct invocation *inv)
{
    if (!may_read(inv))
        return -PECAN_EPERM;
    invocation_reply(inv, 0, this_cpu_index());
    return 0;
}

static int decode_thread_info(struct invocation *inv)
{
    if (inv->length < 2)
        return -PECAN_EMSGTOOSHORT;
    if (!may_read(inv))
        return -PECAN_EPERM;
    struct cte *thread_slot;
    int err = invocation_lookup_typed(inv, invocation_word(inv, 1), CAP_THREAD, 0, &thread_slot);
    if (err)
        return err;
    const struct thread *thread = (const struct thread *)(uintptr_t)thread_slot->cap.object;
    invocation_reply(inv, 0, thread->cpu);
    invocation_reply(inv, 1, thread->priority);
    invocation_reply(inv, 2, sched_quantum_ticks(thread) * US_PER_TICK);
    invocation_reply(inv, 3, thread->mcp);
    return 0;
}

int scheduler_decode(struct invocation *inv)
{
    switch (invocation_word(inv, 0)) {
    case PECAN_SCHED_INFO: return decode_info(inv);
    case PECAN_SCHED_RUN_THREAD: return decode_run_thread(inv);
    case PECAN_SCHED_IDLE_TIME: return decode_idle_time(inv);
    case PECAN_SCHED_CPU: return decode_cpu(inv);
    case PECAN_SCHED_THREAD_INFO: return decode_thread_info(inv);
    default: return -PECAN_ENOSYS;
    }
}
