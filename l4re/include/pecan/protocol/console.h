/* SPDX-License-Identifier: MIT */
/*
 * The console: the LOG protocol (PECAN_PROTO_LOG; L4Re's Vcon) with input. The opcodes
 * and attribute bits are in pecan/protocols.h (PECAN_LOG_*, PECAN_CONSOLE_*) because the
 * kernel log speaks it too; this header states the model every console server follows
 * (the kernel log, moe's log objects, pkg/term), so a program cannot tell them apart.
 *
 * Output: WRITE (object right WRITE) shows the bytes, in order, as they are: the console
 * adds nothing (no CR before NL: the writer's runtime does that when ONLCR is set). Two
 * consoles shared by many writers bend this: the kernel log puts a CR before a NL that
 * has none (moe and the kernel write bare NLs to the same serial line), and moe's logs
 * without input show whole lines with their tag (docs/runtime.md, "Console input").
 *
 * Input: the console keeps the bytes typed at it in a buffer of at least
 * PECAN_CONSOLE_INPUT_MIN bytes until its reader takes them; when the buffer is full it
 * drops the newest byte (never one already kept). READ (right READ) takes up to w1 bytes
 * (at most PECAN_LOG_READ_MAX; more is -PECAN_ERANGE) and never blocks: 0 bytes means none
 * is waiting. To wait, the reader BINDs a notification of its own (right READ; the
 * notification needs the kernel right WRITE): the console signals it with BIND's bits
 * whenever bytes arrive while it is bound. Bits stay set until taken, so a reader that
 * READs until 0 and then waits misses nothing. One notification per console object; BIND
 * replaces the one before; BIND without an item unbinds.
 *
 * Attributes: GET_ATTR / SET_ATTR carry the termios flag words (input, output, local:
 * PECAN_CONSOLE_*). The console stores them for its reader and keeps only the known bits;
 * the reader's runtime applies them (cooked or raw reading, echo, CR/NL mapping,
 * l4re/libc/console.c), as L4Re's libc does over Vcon. A console starts with
 * PECAN_CONSOLE_DEFAULT_*. SET_ATTR needs READ (it changes how the reader reads).
 *
 * WINDOW_SIZE: rows and columns of the console's screen, 0 and 0 when it has none (a
 * serial line). A terminal answers with its current size, which changes when its view is
 * resized. A reader that wants to hear of it gives BIND a second word (w2): bits the
 * console signals on the bound notification, as well, whenever its size changes (0 or
 * no w2: none). Consoles without a screen ignore w2: they never change size. The
 * runtime turns them into SIGWINCH (l4re/libc/console.c), as a Unix terminal does.
 *
 * Who reads: the kernel log's input is the UART's receive side; moe's log objects share
 * it: moe reads the kernel log and hands the bytes to the one log object that holds the
 * input focus (docs/runtime.md, "Console input"); only logs made with input
 * (PECAN_LOG_INPUT, pecan/protocol/factory.h) have READ, the others answer READ, BIND and
 * SET_ATTR with -PECAN_EPERM. A terminal's input is what is typed in its window.
 *
 * Errors, in order: -PECAN_EMSGTOOSHORT (no opcode, or fewer words than the operation
 * needs), -PECAN_ENOSYS (opcode), -PECAN_EPERM (right), then the operation's:
 * -PECAN_ERANGE (READ w1 above PECAN_LOG_READ_MAX), -PECAN_EINVALCAP (BIND: an item that
 * is no capability), -PECAN_ETYPE (not a notification), -PECAN_EPERM (a notification
 * without WRITE), -PECAN_EINVAL (BIND: bits 0 with an item).
 */
#ifndef PECAN_PROTOCOL_CONSOLE_H
#define PECAN_PROTOCOL_CONSOLE_H

#include <pecan/protocols.h>

#define PECAN_CONSOLE_INPUT_MIN 256u

#endif
