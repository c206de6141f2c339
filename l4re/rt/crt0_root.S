/* SPDX-License-Identifier: MIT */
/*
 * Start of a root task: the kernel enters here with sp at the top of the root's stack and
 * r0 pointing at the boot-info area (pecan/bootinfo.h). A returning root_main ends the
 * system with its result as the exit status.
 */
    .arm
    .section .text.start, "ax"
    .global _start
_start:
    bl root_main
    bl root_exit
1:  b 1b
