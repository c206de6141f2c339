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
struct cpu;
struct cte;
struct thread;

/* From vectors.S, on the kernel stack with interrupts masked, the interrupted thread's
 * registers saved in its thread object. Returns the user context to enter
 * (arch_return_to_user). The system call enters at entry_svc (arch/armv6/syscall.S, then
 * arch_handle_syscall below). */
struct user_context *arch_handle_user_trap(enum trap_type type);
/* From vectors.S: a trap taken in kernel mode; returns through the frame. */
void arch_handle_kernel_trap(struct trap_frame *frame, enum trap_type type);
/* Loads a user context and enters user mode with it (vectors.S). */
void arch_return_to_user(const struct user_context *context) __attribute__((noreturn));
/* Leaves the kernel for the first time on this CPU: runs the first runnable thread. */
void arch_start_user(void) __attribute__((noreturn));

/* The system call starts in assembly (arch/armv6/syscall.S: the entry, the kernel lock
 * and the IPC fast path) and continues in one of these, on the kernel stack with the
 * caller's registers in its thread object. Each returns the context to enter.
 *
 * The general path, with the kernel lock held and current's capability looked up (slot,
 * or NULL if the lookup failed): runs syscall_invoke_general and enters the next thread. */
struct user_context *arch_handle_syscall(struct cpu *cpu, struct thread *current,
                                         struct cte *slot);
/* The same before the lookup. */
struct user_context *arch_handle_syscall_lookup(struct cpu *cpu, struct thread *current);
/* The system call when the kernel lock was taken: waits for it, then the general path. */
struct user_context *arch_handle_syscall_contended(struct cpu *cpu);

/* Reads a word at va; returns false, and records the fault in struct cpu, if it faults. */
bool arch_probe_read_word(vaddr_t va, word_t *out);
/* Writes a word at va; returns false, and records the fault, if it faults. */
bool arch_probe_write_word(vaddr_t va, word_t value);

#endif
