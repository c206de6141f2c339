/* SPDX-License-Identifier: MIT */
/*
 * The register frame every exception entry (vectors.S) saves on the kernel stack, and
 * the trap types. frame.pc is where execution resumes: for aborts and undefined
 * instructions it is the faulting instruction, for SVC and IRQ the next one to run.
 */
#ifndef PECAN_ARCH_TRAP_H
#define PECAN_ARCH_TRAP_H

#include <types.h>

enum trap_type {
    TRAP_RESET = 0,
    TRAP_UNDEFINED = 1,
    TRAP_SVC = 2,
    TRAP_PREFETCH_ABORT = 3,
    TRAP_DATA_ABORT = 4,
    TRAP_UNUSED_VECTOR = 5,
    TRAP_IRQ = 6,
    TRAP_FIQ = 7,
};

struct trap_frame {
    word_t r[13];
    word_t sp_usr;
    word_t lr_usr;
    word_t sp_svc;      /* SVC-mode sp and lr at the time of the exception */
    word_t lr_svc;
    word_t pad;         /* keeps the frame a multiple of 8 bytes */
    word_t pc;
    word_t cpsr;
};

#define TRAP_FRAME_SIZE 80

void arch_handle_trap(struct trap_frame *frame, enum trap_type type);
/* Leaves the kernel for the first time on this CPU: runs the first runnable thread. */
void arch_start_user(void) __attribute__((noreturn));

/* Reads a word at va; returns false, and records the fault in struct cpu, if it faults. */
bool arch_probe_read_word(vaddr_t va, word_t *out);
/* Writes a word at va; returns false, and records the fault, if it faults. */
bool arch_probe_write_word(vaddr_t va, word_t value);

#endif
