/* SPDX-License-Identifier: MIT */
/*
 * Bringing up the other CPUs and talking to them with inter-processor interrupts.
 * All waiting is done in WFI with the waker sending an IPI (platforms.md: under -icount a
 * spinning CPU can starve the others).
 */
#ifndef PECAN_SMP_H
#define PECAN_SMP_H

#include <compiler.h>
#include <cpu.h>

enum ipi {
    IPI_WAKE = 0,   /* only ends a WFI */
    IPI_WORK = 1,   /* struct cpu has work */
    IPI_STOP = 2,   /* halt now (panic) */
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

void smp_send_ipi(uint32_t cpu_mask, enum ipi ipi);
void smp_handle_ipi(unsigned ipi);
void smp_stop_others(void);

/* The loop a CPU sits in when it has nothing to do. */
void cpu_idle_loop(void) __noreturn;

#endif
