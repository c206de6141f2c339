/* SPDX-License-Identifier: MIT */
/*
 * Memory accesses that may fault, for self-tests and (later) for reading user memory. The
 * data abort handler recognises the access's address (arch_probe_load/arch_probe_store)
 * and resumes at arch_probe_fixup, which returns false; see trap.c.
 *
 * bool arch_probe_read_word(vaddr_t va, word_t *out)
 */
    .arm
    .text
    .global arch_probe_read_word
    .global arch_probe_load
    .global arch_probe_fixup
arch_probe_read_word:
arch_probe_load:
    ldr r2, [r0]
    str r2, [r1]
    mov r0, #1
    bx lr
arch_probe_fixup:
    mov r0, #0
    bx lr

/* bool arch_probe_write_word(vaddr_t va, word_t value): a store that may fault. */
    .global arch_probe_write_word
    .global arch_probe_store
arch_probe_write_word:
arch_probe_store:
    str r1, [r0]
    mov r0, #1
    bx lr
