/* SPDX-License-Identifier: MIT */
/* Start-up of screen_probe.c: CPU 0 gets a stack and runs probe_main, the other CPUs sleep.
 * Also the console font the probe draws with, PROBE_FONT_PATH given by the build. */
    .syntax unified
    .arm
    .section .text.start, "ax"
    .global _start
_start:
    mrc p15, 0, r0, c0, c0, 5
    ands r0, r0, #0xf
    bne 1f
    ldr sp, =stack_top
    bl probe_main
1:  wfi
    b 1b

    .section .rodata.probe_font, "a"
    .global probe_font
    .global probe_font_size
    .balign 4
probe_font:
    .incbin PROBE_FONT_PATH
2:
    .balign 4
probe_font_size:
    .word 2b - probe_font

    .bss
    .balign 8
    .space 16384
stack_top:
