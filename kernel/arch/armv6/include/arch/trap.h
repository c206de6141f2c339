/* SPDX-License-Identifier: MIT */
/*
 * The trap types, the register frame of a trap taken in kernel mode, and the entry
 * points vectors.S calls. A saved pc is where execution resumes: for aborts and
 * undefined instructions the faulting instruction, for SVC and IRQ the next one to run.
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

/* A trap taken in kernel mode, on the kernel stack (vectors.S). Traps from user mode
 * have no frame: their registers go straight into the thread's struct user_context. */
struct trap_frame {
    word_t pad;         /* keeps the frame a multiple of 8 bytes */
    word_t sp_svc;      /* SVC-mode sp and lr at the time of the exception */
    word_t lr_svc;
    word_t r[13];
    word_t sp_usr;
    word_t lr_usr;
    word_t pc;
    word_t cpsr;
};

#define TRAP_FRAME_SIZE 80

struct user_context;

/* From vectors.S, on the kernel stack with interrupts masked, the interrupted thread's
 * registers saved in its thread object. Returns the user context to enter
 * (arch_return_to_user). The system call enters at entry_svc (arch/armv6/syscall.S;
 * core/syscall.h). */
struct user_context *arch_handle_user_trap(enum trap_type type);
/* From vectors.S: a trap taken in kernel mode; returns through the frame. */
void arch_handle_kernel_trap(struct trap_frame *frame, enum trap_type type);
/* Loads a user context and enters user mode with it (vectors.S). */
void arch_return_to_user(const struct user_context *context) __attribute__((noreturn));
/* Leaves the kernel for the first time on this CPU: runs the first runnable thread. */
void arch_start_user(void) __attribute__((noreturn));

/* Reads a word at va; returns false, and records the fault in struct cpu, if it faults. */
bool arch_probe_read_word(vaddr_t va, word_t *out);
/* Writes a word at va; returns false, and records the fault, if it faults. */
bool arch_probe_write_word(vaddr_t va, word_t value);

#endif
