/* SPDX-License-Identifier: MIT */
/*
 * Bounded kernel work (core/preempt.c). Interrupts are masked on every kernel path, so
 * an operation whose work grows with a size the caller chooses (retype zeroing, deleting
 * a container, destroying an address space, a range unmap) is cut into steps: after each
 * step it reports what the step cost, and stops with INVOCATION_RESTART once this kernel
 * entry has done PREEMPT_BUDGET of such work, or earlier when an interrupt is pending.
 * The caller's svc runs again and continues from progress the operation recorded in the
 * objects it works on (never in a global), so the thread whose operation it is pays for
 * it. core/invocation.h describes the restart itself.
 *
 * Costs are estimates in instructions; the budget leaves room under the 100,000
 * instructions any kernel entry may take with interrupts masked (docs/kernel.md) for the
 * entry, decoding and an operation's last, non-preemptible step. The measurement that
 * checks this is below (latency_*).
 */
#ifndef PECAN_CORE_PREEMPT_H
#define PECAN_CORE_PREEMPT_H

#include <types.h>

#define PREEMPT_BUDGET 40000u           /* estimated instructions of steps per entry */
#define PREEMPT_CHECK_INTERVAL 2048u    /* look for a pending interrupt this often */

extern unsigned preempt_work;           /* this entry's steps so far (big kernel lock) */
extern unsigned long preempt_stops;     /* how often an operation stopped (DEBUG_STATS) */

/* A new kernel entry: nothing done yet. */
static inline void preempt_begin(void)
{
    preempt_work = 0;
}

bool preempt_step_check(unsigned before);

/* A step of cost (estimated instructions) was done. true: stop now, return
 * INVOCATION_RESTART (the progress must already be recorded). Inline: most steps only
 * add (deleting an empty slot is a step). */
static inline bool preempt_step(unsigned cost)
{
    unsigned before = preempt_work;
    preempt_work = before + cost;
    /* Below the budget and no PREEMPT_CHECK_INTERVAL boundary crossed: go on. */
    if (preempt_work < PREEMPT_BUDGET && (before ^ preempt_work) < PREEMPT_CHECK_INTERVAL)
        return false;
    return preempt_step_check(before);
}

/* A non-preemptible step of cost comes next. false (a stop, counted): this entry has
 * done steps already and both would not fit in the budget; return INVOCATION_RESTART and
 * do it first thing in the next entry (where this returns true). */
bool preempt_room_for_check(unsigned cost);
static inline bool preempt_room_for(unsigned cost)
{
    return preempt_work == 0 || preempt_room_for_check(cost);
}

/* Work that cannot be cut (a memory item) asks for cost of the entry's budget up front:
 * false if it does not fit (the caller fails it), else it is counted. */
bool preempt_charge(unsigned cost);

/*
 * The measurement: the longest kernel entry from user mode, from the C handler's start
 * (after the entry's first instructions and, for a system call, the kernel lock) to the
 * choice of the thread to enter, read on the board's 24 MHz counter (under QEMU -icount
 * one nanosecond is one instruction). Off until a test turns it on (LOG
 * DEBUG_LATENCY), so that the trap path pays one load and branch.
 */
extern bool latency_on;
struct thread;
void latency_begin_measured(const struct thread *thread);
void latency_end_measured(void);

static inline void latency_begin(const struct thread *thread)
{
    if (latency_on)
        latency_begin_measured(thread);
}

static inline void latency_end(void)
{
    if (latency_on)
        latency_end_measured();
}

/* This entry is not measured (the invariant checker, a debugging aid). */
void latency_exclude(void);
/* Starts a new measurement (reset) or reads it: longest entry in ns, its invocation tag
 * and word 0, and how many entries were measured. */
void latency_reset(void);
struct latency_report {
    uint64_t longest_ns;
    word_t tag, word0;
    word_t entries;
};
void latency_read(struct latency_report *report);

#endif
