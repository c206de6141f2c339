/* SPDX-License-Identifier: MIT */
/*
 * Exception vectors and entry/exit. The vector page (mapped at 0xFFFF0000, SCTLR.V)
 * jumps through a table in the same page. Each entry stores the return address and SPSR
 * on the SVC stack with SRS, switches to SVC mode, completes a struct trap_frame and calls
 * arch_handle_trap(frame, type). Exit restores the frame and returns with RFE. So other
 * exception modes never need a stack of their own.
 */
#include <arch/memory.h>

#define MODE_SVC 0x13
#define FRAME_SLOTS 20          /* sp_usr, lr_usr, sp_svc, lr_svc, pad */
#define FRAME_REGS 52           /* r0-r12 */

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
    srsdb sp!, #MODE_SVC
    cps #MODE_SVC
    sub sp, sp, #FRAME_SLOTS
    push {r0-r12}
    mov r0, #\type
    b trap_common
.endm

    trap_entry entry_reset, 0, 0
    trap_entry entry_undefined, 4, 1
    trap_entry entry_svc, 0, 2
    trap_entry entry_prefetch_abort, 4, 3
    trap_entry entry_data_abort, 8, 4
    trap_entry entry_unused, 0, 5
    trap_entry entry_irq, 4, 6
    trap_entry entry_fiq, 4, 7

trap_common:
    add r1, sp, #FRAME_REGS
    stmia r1, {sp, lr}^         /* user-mode sp and lr */
    nop
    add r2, sp, #(FRAME_REGS + FRAME_SLOTS + 8)
    str r2, [r1, #8]            /* SVC sp before the exception */
    str lr, [r1, #12]           /* SVC lr before the exception */
    mov r1, r0
    mov r0, sp
    bl arch_handle_trap

    .global trap_return
trap_return:
    add r1, sp, #FRAME_REGS
    ldr lr, [r1, #12]
    ldmia r1, {sp, lr}^
    nop
    pop {r0-r12}
    add sp, sp, #FRAME_SLOTS
    rfeia sp!

/* void arch_enter_user(const struct trap_frame *frame, uintptr_t stack_top): copies the
 * frame to the top of this CPU's kernel stack (everything below is dead by now) and
 * returns through it, as if from an exception. */
    .global arch_enter_user
arch_enter_user:
    mov sp, r1
    add r0, r0, #80
    ldmdb r0!, {r2-r11}
    stmdb sp!, {r2-r11}
    ldmdb r0!, {r2-r11}
    stmdb sp!, {r2-r11}
    b trap_return
