/* SPDX-License-Identifier: MIT */
/*
 * Scheduling: per-CPU run queues of runnable threads by priority, round robin within a
 * priority with a per-thread quantum (in ticks). A thread belongs to the run queue of
 * thread->cpu; it runs only there and moves only through sched_migrate. The current thread
 * stays out of its queue while it runs. Under the big kernel lock; docs/smp.md.
 */
#ifndef PECAN_CORE_SCHED_H
#define PECAN_CORE_SCHED_H

#include <core/cpu.h>
#include <object/thread.h>

#define SCHED_MAX_PRIORITY 255
#define SCHED_DEFAULT_QUANTUM_TICKS 1           /* 10 ms at 100 Hz */
#define SCHED_MAX_QUANTUM_TICKS 0xFFFFu

/* The thread running on this CPU (NULL: idle). */
struct thread *sched_current(void);
/* Puts a thread into its CPU's run queue (state becomes RUNNABLE). If that is another CPU
 * and the thread should preempt what runs there, that CPU gets IPI_RESCHEDULE. */
void sched_enqueue(struct thread *thread);
/* Takes a thread out of its run queue if it is there. A thread that is running on another
 * CPU is stopped there first (sched_stall): it is not running anywhere on return. */
void sched_dequeue(struct thread *thread);
/* The current thread blocks or stops: the CPU must choose another one. */
void sched_current_stops(void);
/* Gives up the CPU to threads of the same priority (end of quantum). */
void sched_yield_current(void);
/* A CPU's run queue: one FIFO per priority and a two-level bitmap of the non-empty ones.
 * The current thread is in no FIFO. Visible here for the inline sched_keeps_running and
 * for the IPC fast path (arch/armv6/syscall.S), which makes its partner current when no
 * queued thread has the partner's priority or a higher one (current and highest: a woken
 * thread goes behind those of its priority, core/sched.c); everything else goes through
 * core/sched.c. */
#define SCHED_PRIORITY_COUNT 256
struct run_queue {
    struct thread *current;
    int highest;                                     /* highest queued priority, or -1 */
    uint32_t nonempty_words;                         /* bit w: nonempty[w] != 0 */
    uint32_t nonempty[SCHED_PRIORITY_COUNT / 32];    /* bit p % 32 of word p / 32: FIFO p */
    struct thread *head[SCHED_PRIORITY_COUNT];
    struct thread *tail[SCHED_PRIORITY_COUNT];
};
extern struct run_queue sched_run_queues[CONFIG_MAX_CPUS];

/* After a system call: does thread t, which trapped on this CPU, simply go on? True if
 * it is still this CPU's current thread, runnable, and no queued thread has a higher
 * priority: exactly when sched_choose would pick it again. Inline: most invocations of
 * kernel objects end here. */
static inline bool sched_keeps_running(const struct thread *t)
{
    const struct run_queue *rq = &sched_run_queues[this_cpu_index()];
    return rq->current == t && t->state == THREAD_RUNNABLE &&
           rq->highest <= (int)t->priority;
}
/* Picks the thread to run next on this CPU, or NULL; makes it current. */
struct thread *sched_choose(void);
/* Like sched_choose, but when nothing is runnable waits (WFI, kernel lock released,
 * interrupts on) until something is, counting the time as idle. Called and returns with
 * the kernel lock held. */
struct thread *sched_wait_for_thread(void);
/* Timer tick on this CPU: charges the running thread; at the end of its quantum it goes
 * to the back of its priority's queue. */
void sched_tick(void);
/* Calls fn for the current and every queued thread of a CPU (invariant checker). */
void sched_for_each(unsigned cpu, void (*fn)(const struct thread *thread, void *arg), void *arg);

/* If the thread's registers live on another CPU (it runs there, or is trapping into the
 * kernel there), makes that CPU save them into the thread object and let go of the thread, and
 * waits for it. Its scheduling state is unchanged (a current thread stays current and
 * runs again at that CPU's next choice). Needed before reading or writing the saved
 * registers of a thread that may run elsewhere. */
void sched_stall(struct thread *thread);
/* Changes a thread's priority, keeping its place in the scheduler (a queued thread goes to
 * the back of its new priority); the CPUs concerned choose again. */
void sched_set_priority(struct thread *thread, unsigned priority);
/* Moves a thread to CPU cpu's run queue with a new priority (a blocked or inactive one
 * only changes thread->cpu: it runs there when woken). A thread running on its old CPU is
 * stopped there first. */
void sched_migrate(struct thread *thread, unsigned cpu, unsigned priority);
/* Nanoseconds CPU cpu has spent with nothing to run since boot. */
uint64_t sched_idle_ns(unsigned cpu);
/* The quantum of a thread in ticks. */
static inline unsigned sched_quantum_ticks(const struct thread *thread)
{
    return thread->quantum_ticks ? thread->quantum_ticks : SCHED_DEFAULT_QUANTUM_TICKS;
}
/* Run-queue consistency for the invariant checker: reports through invariants_report. */
void sched_check_invariants(void);

/* Architecture hook (arch/armv6/trap.c), run on the CPU through smp_call_cpus: if this
 * CPU is executing thread (word a), save its registers and let go of it. */
void arch_let_go_of_thread(word_t thread, word_t unused);

#endif
