/* SPDX-License-Identifier: MIT */
/*
 * Exception vectors, entry and exit. The vector page (mapped at 0xFFFF0000, SCTLR.V)
 * jumps through a table in the same page.
 *
 * Every entry stores the interrupted pc and cpsr with SRS on the SVC-mode stack, switches
 * to SVC mode and stores r0-r12 and the user-mode sp and lr (STM ^) right below them.
 * Where that lands depends on where sp_svc points, which is the whole trick:
 *
 *   - In user mode sp_svc points just past the running thread's struct user_context in
 *     its thread object ({r0-r12, sp, lr, pc, cpsr}): the return to user mode leaves it there.
 *     So an entry from user mode saves the user registers straight into the thread object, with
 *     no trap frame and no copy, and then takes this CPU's (empty) kernel stack from struct
 *     cpu. The C handler returns the context to enter, and arch_return_to_user loads it
 *     with LDM ^ and RFE, which leaves sp_svc past that context again.
 *   - In kernel mode (an interrupt while the CPU idles, a probe's data abort, a kernel
 *     bug) sp_svc is the kernel stack: the same stores build most of a struct
 *     trap_frame there, completed with the SVC-mode sp and lr.
 *
 * The SVC vector has an entry of its own (the system call is the hot path), entry_svc in
 * syscall.S with the IPC fast path: it is taken in SVC mode already and its type is known. The kernel itself executes svc only for the
 * semihosting exit (plat_poweroff), which QEMU intercepts; one that traps is a kernel bug
 * and panics through the kernel-mode path.
 *
 * A thread's context in its thread object always holds a valid user-mode cpsr (the trap stores
 * the user's, and every kernel writer masks it: WRITE_REGISTERS, fault replies, thread
 * creation), so RFE can load it unchanged. Interrupts stay masked from the entry to the
 * RFE, so sp_svc never points into a thread object while the CPU runs kernel code.
 */
#include <arch/memory.h>

#define MODE_SVC 0x13
#define TRAP_SVC 2
#define CPU_KERNEL_STACK_TOP_OFFSET 0   /* include/core/cpu.h */
#define USER_REGS_BYTES 60              /* r0-r12, sp, lr */
#define FRAME_KERNEL_SLOTS 12           /* pad, sp_svc, lr_svc below r0 (struct trap_frame) */

    .arm
    .section .vectors, "ax"
    .align 12
    .global vector_page
vector_page:
    ldr pc, [pc, #24]           /* each entry loads its target from the table below */
    ldr pc, [pc, #24]
    ldr pc, [pc, #24]
    ldr pc, [pc, #24]
    ldr pc, [pc, #24]
    ldr pc, [pc, #24]
    ldr pc, [pc, #24]
    ldr pc, [pc, #24]
vector_targets:
    .word entry_reset
    .word entry_undefined
    .word entry_svc
    .word entry_prefetch_abort
    .word entry_data_abort
    .word entry_unused
    .word entry_irq
    .word entry_fiq

    .text
.macro trap_entry name, lr_adjust, type
\name:
    .if \lr_adjust
    sub lr, lr, #\lr_adjust
    .endif
    srsdb sp!, #MODE_SVC        /* pc, cpsr: into the thread object (user mode) or the kernel
                                   stack */
    cps #MODE_SVC
    stmdb sp, {r0-r14}^         /* r0-r12, user sp and lr: right below them */
    mov r1, #\type
    b trap_common
.endm

    trap_entry entry_reset, 0, 0
    trap_entry entry_undefined, 4, 1
    trap_entry entry_prefetch_abort, 4, 3
    trap_entry entry_data_abort, 8, 4
    trap_entry entry_unused, 0, 5
    trap_entry entry_irq, 4, 6
    trap_entry entry_fiq, 4, 7

/* r1 = enum trap_type; sp = where pc and cpsr were stored. */
trap_common:
    ldr r0, [sp, #4]            /* the interrupted cpsr */
    tst r0, #0xf                /* user mode (0x10) is the only mode with bits 3:0 clear */
    bne kernel_trap
    mrc p15, 0, r0, c13, c0, 4  /* TPIDRPRW: this CPU's struct cpu */
    ldr sp, [r0, #CPU_KERNEL_STACK_TOP_OFFSET]
    mov r0, r1
    bl arch_handle_user_trap    /* returns the context to enter */
    b arch_return_to_user

/* struct user_context *r0 (in a thread object): enters user mode with it. Interrupts are
 * masked. (ARMv6 allows banked-register accesses right after LDM ^; earlier versions did
 * not.) */
    .global arch_return_to_user
arch_return_to_user:
    add sp, r0, #USER_REGS_BYTES
    ldmdb sp, {r0-r14}^
    rfeia sp!                   /* sp_svc is now just past the context: the next entry */

/* An svc executed in kernel mode (from syscall.S's entry_svc). */
    .global kernel_svc
kernel_svc:
    mov r1, #TRAP_SVC
    b kernel_trap

/* A trap taken in kernel mode. r1 = enum trap_type; sp = where pc and cpsr were stored,
 * r0-r12 are below them. Completes the struct trap_frame and returns through it. */
kernel_trap:
    add r2, sp, #8              /* SVC sp before the exception */
    sub sp, sp, #(USER_REGS_BYTES + FRAME_KERNEL_SLOTS)
    str r2, [sp, #4]
    str lr, [sp, #8]            /* SVC lr before the exception */
    mov r0, sp
    bl arch_handle_kernel_trap
    ldr lr, [sp, #8]
    add sp, sp, #FRAME_KERNEL_SLOTS
    ldmia sp, {r0-r12}
    add sp, sp, #USER_REGS_BYTES
    rfeia sp!
