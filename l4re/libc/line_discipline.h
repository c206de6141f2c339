/* SPDX-License-Identifier: MIT */
/*
 * The line discipline of the console (line_discipline.c): what termios does to the bytes
 * typed at a console before read() gets them, and to the bytes written to it. Portable
 * (no system calls): l4re/libc/console.c feeds it the bytes a console READ gave and
 * writes what it echoes; the host unit test (tests/unit/test_line_discipline.c) drives it
 * directly.
 *
 * Cooked (ICANON): bytes collect in the line being edited (erase, kill, word erase);
 * a newline (or VEOL) or VEOF ends it and it becomes readable as a whole. A read returns
 * bytes of one line at most; VEOF on an empty line is a line of no bytes: that read
 * returns 0, end of file. Raw (no ICANON): every byte is readable at once.
 *
 * Invariants: line_length < LINE_DISCIPLINE_LINE_MAX; ready_count <=
 * LINE_DISCIPLINE_READY_MAX; in cooked mode the lengths queued add up to ready_count (each
 * queued line's bytes are in ready, in order); in raw mode no line is queued. When a
 * buffer is full the newest byte is dropped, as the console drops it.
 */
#ifndef PECAN_LIBC_LINE_DISCIPLINE_H
#define PECAN_LIBC_LINE_DISCIPLINE_H

#include <stdbool.h>
#include <termios.h>

#define LINE_DISCIPLINE_LINE_MAX 256u    /* bytes of the line being edited, newline included */
#define LINE_DISCIPLINE_READY_MAX 1024u  /* bytes readable */
#define LINE_DISCIPLINE_LINES_MAX 32u    /* completed lines not yet read */

struct line_discipline {
    tcflag_t iflag, oflag, lflag;
    cc_t cc[NCCS];
    /* Echo goes out through this (the console's write, with output processing). */
    void (*echo)(void *context, const char *bytes, unsigned length);
    void *echo_context;
    char line[LINE_DISCIPLINE_LINE_MAX];
    unsigned line_length;
    char ready[LINE_DISCIPLINE_READY_MAX];
    unsigned ready_first, ready_count;
    unsigned lengths[LINE_DISCIPLINE_LINES_MAX];   /* cooked: completed lines, oldest first */
    unsigned lines_first, lines_count;
};

/* The usual control characters, as an initializer of a cc_t[NCCS] (static data needs no
 * code to set it up). */
#define LINE_DISCIPLINE_DEFAULT_CHARACTERS {                                           \
        [VINTR] = 0x03, [VQUIT] = 0x1c, [VERASE] = 0x7f, [VKILL] = 0x15, [VEOF] = 0x04,  \
        [VTIME] = 0, [VMIN] = 1, [VSTART] = 0x11, [VSTOP] = 0x13, [VSUSP] = 0x1a,        \
        [VREPRINT] = 0x12, [VDISCARD] = 0x0f, [VWERASE] = 0x17, [VLNEXT] = 0x16 }
void line_discipline_default_characters(cc_t cc[NCCS]);
/* Empty, with these flags and control characters, echoing through echo. */
void line_discipline_init(struct line_discipline *ld, tcflag_t iflag, tcflag_t oflag,
                          tcflag_t lflag, const cc_t cc[NCCS],
                          void (*echo)(void *context, const char *bytes, unsigned length),
                          void *context);
/* New flags and control characters. Leaving cooked mode makes the line being edited
 * readable; entering it makes what is readable one line. */
void line_discipline_set(struct line_discipline *ld, tcflag_t iflag, tcflag_t oflag,
                         tcflag_t lflag, const cc_t cc[NCCS]);
/* One byte typed: returns the signal it raises (SIGINT, SIGQUIT with ISIG) or 0. */
int line_discipline_receive(struct line_discipline *ld, char c);
/* Can a read return now (cooked: a completed line or end of file; raw: a byte)? */
bool line_discipline_readable(const struct line_discipline *ld);
/* Raw: bytes readable now. */
unsigned line_discipline_ready(const struct line_discipline *ld);
/* Takes up to count readable bytes (cooked: of the first line only) into out. */
unsigned line_discipline_take(struct line_discipline *ld, char *out, unsigned count);
/* Forgets all input (tcflush TCIFLUSH, a signal character). */
void line_discipline_flush(struct line_discipline *ld);
/* Output processing by oflag (OPOST, ONLCR: NL to CR NL) of in[0..length) into out (at
 * most out_max bytes, at least 2): returns the bytes made, *consumed the input bytes used. */
unsigned line_discipline_output(tcflag_t oflag, const char *in, unsigned length, char *out,
                                unsigned out_max, unsigned *consumed);

#endif
