/* SPDX-License-Identifier: MIT */
/*
 * Entry of a program started by a loader (docs/runtime.md): sp is the top of the main
 * stack, r0 the environment page (struct pecan_env). No frame above this one; the C
 * start-up never returns.
 */
    .arm
    .section .text.start, "ax"
    .global _start
_start:
    mov fp, #0
    mov lr, #0
    bic sp, sp, #7          /* AAPCS: 8-byte aligned stack */
    bl pecan_runtime_start
1:  b 1b
