/* SPDX-License-Identifier: MIT */
/*
 * Scheduling: per-CPU run queues of runnable threads by priority, round robin within a
 * priority. The current thread stays out of its queue while it runs. Under the big kernel
 * lock.
 */
#ifndef PECAN_CORE_SCHED_H
#define PECAN_CORE_SCHED_H

#include <object/tcb.h>

/* The thread running on this CPU (NULL: idle). */
struct tcb *sched_current(void);
/* Puts a thread into its CPU's run queue (state becomes RUNNABLE). */
void sched_enqueue(struct tcb *tcb);
/* Takes a thread out of its run queue if it is there. */
void sched_dequeue(struct tcb *tcb);
/* The current thread blocks or stops: the CPU must choose another one. */
void sched_current_stops(void);
/* Gives up the CPU to threads of the same priority (end of quantum). */
void sched_yield_current(void);
/* Picks the thread to run next on this CPU, or NULL; makes it current. */
struct tcb *sched_choose(void);
/* Like sched_choose, but when nothing is runnable waits (WFI, kernel lock released,
 * interrupts on) until something is. Called and returns with the kernel lock held. */
struct tcb *sched_wait_for_thread(void);
/* Timer tick on this CPU: round robin among equal priorities. */
void sched_tick(void);
/* Calls fn for the current and every queued thread of a CPU (invariant checker). */
void sched_for_each(unsigned cpu, void (*fn)(const struct tcb *tcb, void *arg), void *arg);

#endif
