/* SPDX-License-Identifier: MIT */
/*
 * Run queues (include/core/sched.h): per CPU, one FIFO per priority and a bitmap of
 * non-empty priorities, so choosing is a find-first-set. The running thread is not in any
 * queue. A thread is in the queue of thread->cpu; only that CPU runs it. All under the big
 * kernel lock; how the CPUs tell each other is in docs/smp.md.
 *
 * Where a woken thread goes: to the back of its priority's FIFO (sched_enqueue), whatever
 * made it runnable: a message, a reply, a notification, a timeout. Only a thread that a
 * higher priority preempted goes to the front (sched_choose): it had the CPU and gets the
 * rest of its turn. A reply is a wake-up like the others, also on the IPC fast path,
 * which therefore declines when a thread of the partner's priority is queued
 * (arch/armv6/syscall.S). The reason is fairness among equal priorities: moe serves at
 * priority 200, above its clients, and a request's work is charged to moe, not to the
 * client (the tick charges whoever runs). If a client got the CPU back with its reply,
 * its quantum would run only while it runs itself, so a client that calls moe again and
 * again kept the CPU from the other threads of its priority for hundreds of ticks (a
 * victim waited 1.2 s behind three such flooders on one CPU, docs/runtime.md). Queued
 * behind them instead, each thread of a priority gets one request or one quantum in turn,
 * and what moe does per request is bounded. L4 kernels that donate the caller's time slice
 * to the server get the same bound by charging the server's time to the caller; here
 * the one FIFO rule does it, with no accounting on the IPC path.
 */
#include <core/clock.h>
#include <core/cpu.h>
#include <core/invariants.h>
#include <core/kernel_lock.h>
#include <core/panic.h>
#include <core/sched.h>
#include <core/smp.h>

#define PRIORITY_COUNT SCHED_PRIORITY_COUNT

struct run_queue sched_run_queues[CONFIG_MAX_CPUS] = {
    [0 ... CONFIG_MAX_CPUS - 1] = { .highest = -1 },
};
#define run_queues sched_run_queues

static struct run_queue *queue_of(const struct thread *thread)
{
    return &run_queues[thread->cpu];
}

static bool queued(const struct thread *thread)
{
    return thread->run_prev || queue_of(thread)->head[thread->priority] == thread;
}

struct thread *sched_current(void)
{
    return run_queues[this_cpu_index()].current;
}

static void mark_nonempty(struct run_queue *rq, unsigned p)
{
    rq->nonempty[p / 32] |= 1u << (p % 32);
    rq->nonempty_words |= 1u << (p / 32);
    if ((int)p > rq->highest)
        rq->highest = (int)p;
}

/* The highest priority with a queued thread, or -1, from the bitmap: two clz. */
static int highest_in_bitmap(const struct run_queue *rq)
{
    if (!rq->nonempty_words)
        return -1;
    int word = 31 - __builtin_clz(rq->nonempty_words);
    return word * 32 + 31 - __builtin_clz(rq->nonempty[word]);
}

static void append(struct run_queue *rq, struct thread *thread)
{
    unsigned p = thread->priority;
    thread->run_next = NULL;
    thread->run_prev = rq->tail[p];
    if (rq->tail[p])
        rq->tail[p]->run_next = thread;
    else
        rq->head[p] = thread;
    rq->tail[p] = thread;
    mark_nonempty(rq, p);
}

/* A thread preempted by a higher priority resumes first when its priority runs again. */
static void prepend(struct run_queue *rq, struct thread *thread)
{
    unsigned p = thread->priority;
    thread->run_prev = NULL;
    thread->run_next = rq->head[p];
    if (rq->head[p])
        rq->head[p]->run_prev = thread;
    else
        rq->tail[p] = thread;
    rq->head[p] = thread;
    mark_nonempty(rq, p);
}

static void mark_empty(struct run_queue *rq, unsigned p)
{
    rq->nonempty[p / 32] &= ~(1u << (p % 32));
    if (!rq->nonempty[p / 32])
        rq->nonempty_words &= ~(1u << (p / 32));
    if ((int)p == rq->highest)
        rq->highest = highest_in_bitmap(rq);
}

static void remove(struct run_queue *rq, struct thread *thread)
{
    unsigned p = thread->priority;
    if (thread->run_prev)
        thread->run_prev->run_next = thread->run_next;
    else
        rq->head[p] = thread->run_next;
    if (thread->run_next)
        thread->run_next->run_prev = thread->run_prev;
    else
        rq->tail[p] = thread->run_prev;
    if (!rq->head[p])
        mark_empty(rq, p);
    thread->run_next = thread->run_prev = NULL;
}

/* remove() of the first thread of FIFO p (non-empty), with fewer tests: the choice of
 * the next thread takes every thread out this way. */
static struct thread *pop_first(struct run_queue *rq, unsigned p)
{
    struct thread *first = rq->head[p];
    struct thread *second = first->run_next;
    rq->head[p] = second;
    if (second) {
        second->run_prev = NULL;
    } else {
        rq->tail[p] = NULL;
        mark_empty(rq, p);
    }
    first->run_next = NULL;   /* run_prev is NULL already: it was first */
    return first;
}

/* Should a thread of this priority, runnable on another CPU, interrupt what runs there? */
static void kick_if_preempts(unsigned cpu, unsigned priority)
{
    if (cpu == this_cpu_index())
        return;   /* this CPU chooses again on its way back to user mode */
    const struct thread *running = run_queues[cpu].current;
    if (!running || running->priority < priority)
        smp_send_ipi(1u << cpu, IPI_RESCHEDULE);
}

void sched_enqueue(struct thread *thread)
{
    assert(!thread->blocked_on);   /* a thread in a wait queue is not runnable */
    struct run_queue *rq = queue_of(thread);
    thread->state = THREAD_RUNNABLE;
    if (rq->current == thread || queued(thread))
        return;
    append(rq, thread);
    kick_if_preempts(thread->cpu, thread->priority);
}

void sched_stall(struct thread *thread)
{
    unsigned cpu = thread->cpu;
    if (cpu == this_cpu_index() || cpus[cpu].executing != thread)
        return;
    smp_call_cpus(1u << cpu, arch_let_go_of_thread, (word_t)(uintptr_t)thread, 0);
    assert(cpus[cpu].executing != thread);
}

void sched_dequeue(struct thread *thread)
{
    struct run_queue *rq = queue_of(thread);
    if (rq->current == thread) {
        rq->current = NULL;
        sched_stall(thread);   /* its CPU finds current gone and chooses again */
        return;
    }
    if (queued(thread))
        remove(rq, thread);
}

void sched_current_stops(void)
{
    run_queues[this_cpu_index()].current = NULL;
}

void sched_yield_current(void)
{
    struct run_queue *rq = &run_queues[this_cpu_index()];
    struct thread *current = rq->current;
    if (!current)
        return;
    rq->current = NULL;
    if (current->state == THREAD_RUNNABLE)
        append(rq, current);
}


struct thread *sched_choose(void)
{
    struct run_queue *rq = &run_queues[this_cpu_index()];
    struct thread *current = rq->current;
    if (current && current->state != THREAD_RUNNABLE)
        current = rq->current = NULL;
    int best = rq->highest;
    if (best < 0 || (current && current->priority >= best))
        return current;
    struct thread *next = pop_first(rq, (unsigned)best);
    if (current)
        prepend(rq, current);   /* preempted by a higher priority: first in its queue */
    rq->current = next;
    return next;
}

void sched_set_priority(struct thread *thread, unsigned priority)
{
    struct run_queue *rq = queue_of(thread);
    if (queued(thread)) {
        remove(rq, thread);
        thread->priority = (uint8_t)priority;
        append(rq, thread);
        kick_if_preempts(thread->cpu, priority);
        return;
    }
    bool lowered = priority < thread->priority;
    thread->priority = (uint8_t)priority;
    /* A running thread that was lowered may have to give way to a queued one. */
    if (rq->current == thread && lowered && thread->cpu != this_cpu_index())
        smp_send_ipi(1u << thread->cpu, IPI_RESCHEDULE);
}

void sched_migrate(struct thread *thread, unsigned cpu, unsigned priority)
{
    if (thread->cpu == cpu) {
        sched_set_priority(thread, priority);
        return;
    }
    bool runnable = thread->state == THREAD_RUNNABLE;
    if (runnable)
        sched_dequeue(thread);   /* stops it if it runs on its old CPU */
    thread->cpu = (uint8_t)cpu;
    thread->priority = (uint8_t)priority;
    thread->ticks_used = 0;
    if (runnable)
        sched_enqueue(thread);
}

void sched_for_each(unsigned cpu, void (*fn)(const struct thread *thread, void *arg), void *arg)
{
    const struct run_queue *rq = &run_queues[cpu];
    if (rq->current)
        fn(rq->current, arg);
    for (unsigned p = 0; p < PRIORITY_COUNT; p++) {
        for (const struct thread *t = rq->head[p]; t; t = t->run_next)
            fn(t, arg);
    }
}

void sched_check_invariants(void)
{
    for (unsigned cpu = 0; cpu < CONFIG_MAX_CPUS; cpu++) {
        const struct run_queue *rq = &run_queues[cpu];
        const struct thread *executing = cpus[cpu].executing;
        if (executing && (executing->cpu != cpu || rq->current != executing))
            invariants_report("CPU %u executes thread %p of CPU %u that is not its current",
                              cpu, (const void *)executing, executing->cpu);
        if (rq->current && rq->current->cpu != cpu)
            invariants_report("CPU %u runs thread %p of CPU %u", cpu, (const void *)rq->current,
                              rq->current->cpu);
        if (rq->highest != highest_in_bitmap(rq))
            invariants_report("CPU %u: run queue's highest priority %d, bitmap says %d", cpu,
                              rq->highest, highest_in_bitmap(rq));
        for (unsigned p = 0; p < PRIORITY_COUNT; p++) {
            bool bit = rq->nonempty[p / 32] & (1u << (p % 32));
            if (bit != (rq->head[p] != NULL))
                invariants_report("CPU %u: run queue bitmap wrong at priority %u", cpu, p);
            for (const struct thread *t = rq->head[p]; t; t = t->run_next) {
                if (t->cpu != cpu || t->priority != p || t->state != THREAD_RUNNABLE ||
                    t == rq->current)
                    invariants_report("CPU %u queue %u holds thread %p (cpu %u, priority %u, "
                                      "state %u)", cpu, p, (const void *)t, t->cpu,
                                      t->priority, t->state);
            }
        }
    }
}

struct thread *sched_wait_for_thread(void)
{
    struct thread *next = sched_choose();
    if (next)
        return next;
    struct cpu *cpu = this_cpu();
    cpu->idle_since = clock_now_ns();
    cpu->idle = true;
    do {
        kernel_lock_release();
        cpu_wait_for_interrupt();
        irq_enable();     /* take what woke us: an IPI, the tick */
        irq_disable();
        kernel_lock_acquire();
    } while (!(next = sched_choose()));
    cpu->idle_ns += clock_now_ns() - cpu->idle_since;
    cpu->idle = false;
    return next;
}

uint64_t sched_idle_ns(unsigned cpu)
{
    const struct cpu *c = &cpus[cpu];
    uint64_t total = c->idle_ns;
    if (c->idle)
        total += clock_now_ns() - c->idle_since;
    return total;
}

void sched_tick(void)
{
    /* Only when the tick interrupted a user thread: the kernel lock is then ours. */
    if (!kernel_lock_held_here())
        return;
    struct thread *current = run_queues[this_cpu_index()].current;
    if (!current)
        return;
    if (++current->ticks_used < sched_quantum_ticks(current))
        return;
    current->ticks_used = 0;
    sched_yield_current();
}
