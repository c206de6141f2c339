/* SPDX-License-Identifier: MIT */
/*
 * Run queues: per CPU, one FIFO per priority and a bitmap of non-empty priorities, so
 * choosing is a find-first-set. The running thread is not in any queue. All under the big
 * kernel lock.
 */
#include <core/kernel_lock.h>
#include <core/sched.h>
#include <cpu.h>
#include <panic.h>
#include <panic.h>

#define PRIORITY_COUNT 256

struct run_queue {
    struct tcb *current;
    struct tcb *head[PRIORITY_COUNT];
    struct tcb *tail[PRIORITY_COUNT];
    uint32_t nonempty[PRIORITY_COUNT / 32];   /* bit p % 32 of word p / 32: queue p has threads */
    uint32_t nonempty_words;                   /* bit w: nonempty[w] != 0 */
};

static struct run_queue run_queues[CONFIG_MAX_CPUS];

static struct run_queue *queue_of(const struct tcb *tcb)
{
    return &run_queues[tcb->cpu];
}

static bool queued(const struct tcb *tcb)
{
    return tcb->run_prev || queue_of(tcb)->head[tcb->priority] == tcb;
}

struct tcb *sched_current(void)
{
    return run_queues[this_cpu_index()].current;
}

static void append(struct run_queue *rq, struct tcb *tcb)
{
    unsigned p = tcb->priority;
    tcb->run_next = NULL;
    tcb->run_prev = rq->tail[p];
    if (rq->tail[p])
        rq->tail[p]->run_next = tcb;
    else
        rq->head[p] = tcb;
    rq->tail[p] = tcb;
    rq->nonempty[p / 32] |= 1u << (p % 32);
    rq->nonempty_words |= 1u << (p / 32);
}

void sched_enqueue(struct tcb *tcb)
{
    assert(!tcb->blocked_on);   /* a thread in a wait queue is not runnable */
    struct run_queue *rq = queue_of(tcb);
    tcb->state = THREAD_RUNNABLE;
    if (rq->current == tcb || queued(tcb))
        return;
    append(rq, tcb);
}

void sched_dequeue(struct tcb *tcb)
{
    struct run_queue *rq = queue_of(tcb);
    if (rq->current == tcb) {
        rq->current = NULL;
        return;
    }
    if (!queued(tcb))
        return;
    unsigned p = tcb->priority;
    if (tcb->run_prev)
        tcb->run_prev->run_next = tcb->run_next;
    else
        rq->head[p] = tcb->run_next;
    if (tcb->run_next)
        tcb->run_next->run_prev = tcb->run_prev;
    else
        rq->tail[p] = tcb->run_prev;
    if (!rq->head[p]) {
        rq->nonempty[p / 32] &= ~(1u << (p % 32));
        if (!rq->nonempty[p / 32])
            rq->nonempty_words &= ~(1u << (p / 32));
    }
    tcb->run_next = tcb->run_prev = NULL;
}

void sched_current_stops(void)
{
    run_queues[this_cpu_index()].current = NULL;
}

void sched_yield_current(void)
{
    struct run_queue *rq = &run_queues[this_cpu_index()];
    struct tcb *current = rq->current;
    if (!current)
        return;
    rq->current = NULL;
    if (current->state == THREAD_RUNNABLE)
        append(rq, current);
}

static int highest_priority(const struct run_queue *rq)
{
    if (!rq->nonempty_words)
        return -1;
    int word = 31 - __builtin_clz(rq->nonempty_words);
    return word * 32 + 31 - __builtin_clz(rq->nonempty[word]);
}

struct tcb *sched_choose(void)
{
    struct run_queue *rq = &run_queues[this_cpu_index()];
    struct tcb *current = rq->current;
    if (current && current->state != THREAD_RUNNABLE)
        current = rq->current = NULL;
    int best = highest_priority(rq);
    if (best < 0 || (current && current->priority >= best))
        return current;
    struct tcb *next = rq->head[best];
    sched_dequeue(next);
    if (current)
        append(rq, current);   /* preempted by a higher priority: back in its queue */
    rq->current = next;
    return next;
}

void sched_for_each(unsigned cpu, void (*fn)(const struct tcb *tcb, void *arg), void *arg)
{
    const struct run_queue *rq = &run_queues[cpu];
    if (rq->current)
        fn(rq->current, arg);
    for (unsigned p = 0; p < PRIORITY_COUNT; p++) {
        for (const struct tcb *t = rq->head[p]; t; t = t->run_next)
            fn(t, arg);
    }
}

struct tcb *sched_wait_for_thread(void)
{
    struct tcb *next;
    while (!(next = sched_choose())) {
        kernel_lock_release();
        cpu_wait_for_interrupt();
        irq_enable();
        irq_disable();
        kernel_lock_acquire();
    }
    return next;
}

void sched_tick(void)
{
    /* Only when the tick interrupted a user thread: the kernel lock is then ours. */
    if (kernel_lock_held_here())
        sched_yield_current();
}
