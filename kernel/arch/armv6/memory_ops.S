/* SPDX-License-Identifier: MIT */
/*
 * Block zeroing and copying for kernel objects: 32 bytes (eight registers) per store
 * multiple. Both take 32-byte aligned addresses and a multiple of 32 bytes, which every
 * object of 32 bytes and more satisfies.
 */
    .arm
    .text

/* void arch_zero_blocks(void *dst, size_t bytes) */
    .global arch_zero_blocks
arch_zero_blocks:
    push {r4-r9}
    mov r2, #0
    mov r3, #0
    mov r4, #0
    mov r5, #0
    mov r6, #0
    mov r7, #0
    mov r8, #0
    mov r9, #0
1:  subs r1, r1, #32
    stmhsia r0!, {r2-r9}
    bhi 1b
    pop {r4-r9}
    bx lr

/* void arch_copy_blocks(void *dst, const void *src, size_t bytes) */
    .global arch_copy_blocks
arch_copy_blocks:
    push {r4-r10}
1:  subs r2, r2, #32
    ldmhsia r1!, {r3-r10}
    stmhsia r0!, {r3-r10}
    bhi 1b
    pop {r4-r10}
    bx lr
