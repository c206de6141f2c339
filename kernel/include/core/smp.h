/* SPDX-License-Identifier: MIT */
/*
 * Bringing up the other CPUs and talking to them with inter-processor interrupts.
 * All waiting is done in WFI with the waker sending an IPI (platforms.md: under -icount a
 * spinning CPU can starve the others).
 */
#ifndef PECAN_CORE_SMP_H
#define PECAN_CORE_SMP_H

#include <compiler.h>
#include <core/cpu.h>

enum ipi {
    IPI_WAKE = 0,         /* only ends a WFI */
    IPI_WORK = 1,         /* struct cpu has work (boot, self-tests: smp_run_on_cpus) */
    IPI_STOP = 2,         /* halt now (panic) */
    IPI_RESCHEDULE = 3,   /* a thread that should preempt this CPU's one became runnable:
                             enter the kernel and choose again */
    IPI_CALL = 4,         /* struct cpu has a call from the kernel-lock holder */
};

/* CPU 0: starts the others and waits (bounded) until they report in. Returns how many
 * CPUs are online, itself included. */
unsigned smp_boot_secondaries(void);

/* Entry of each secondary CPU from head.S, running on its own stack. */
void secondary_main(unsigned index) __noreturn;

unsigned smp_online_count(void);
uint32_t smp_online_mask(void);

/* Runs fn(arg) on every online CPU in mask (the caller's too, if included) and returns
 * when all have finished. */
void smp_run_on_cpus(uint32_t mask, cpu_work_fn fn, void *arg);

/* Waits in WFI, interrupts enabled, until done(arg) is true or the clock passes
 * deadline_ns (0: no deadline). Returns done(arg). Whoever makes it true sends IPI_WAKE. */
bool smp_wait_for(bool (*done)(void *arg), void *arg, uint64_t deadline_ns);

/* The lock holder's synchronous calls (TLB shootdown, stopping a thread that runs on
 * another CPU): runs fn(a, b) on every online CPU in mask except the caller's, and returns
 * when all have run it. Only the holder of the big kernel lock calls this (or CPU 0 alone
 * during boot), so one call at a time is in flight. A target runs the call at its next
 * safe point: while it waits for the big kernel lock (kernel_lock_acquire) or in the
 * IPI_CALL interrupt when it is idle; so the wait cannot deadlock on the lock. */
void smp_call_cpus(uint32_t mask, cpu_call_fn fn, word_t a, word_t b);
/* Runs this CPU's pending call, if any (the safe points above). Interrupts masked. */
void smp_service_calls(void);

/* Lets the secondaries leave their idle loop for user scheduling (arch_start_user); CPU 0,
 * once the root task exists. */
void smp_start_user_scheduling(void);

void smp_send_ipi(uint32_t cpu_mask, enum ipi ipi);
void smp_handle_ipi(unsigned ipi);
void smp_stop_others(void);

/* The loop a CPU sits in when it has nothing to do. */
void cpu_idle_loop(void) __noreturn;

#endif
