/* SPDX-License-Identifier: MIT */
/*
 * The terminal's screen (screen.c): libvterm's state layer (parsing, cursor, pen, modes)
 * with term's own cells, drawn with a PSF font into a surface (the pixels of term's
 * window), a scrollback of the lines that scrolled off the top, and the keyboard: key
 * events into the bytes a VT100/xterm sends.
 *
 * One terminal per program (the state is the file's). Nothing here makes a system call or
 * takes a lock: term.c calls it under its one lock, the benchmark and tests call it alone.
 *
 * Drawing is batched: term_screen_write only feeds libvterm, whose callbacks change the
 * cells and keep the damage (a run of scrolls merged); term_screen_flush draws what
 * changed since the last flush and says which pixels those were, for the caller to
 * refresh.
 */
#ifndef TERM_SCREEN_H
#define TERM_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <graphics/psf_font.h>
#include <graphics/surface.h>
#include <pecan/protocol/event.h>

#define TERM_SCROLLBACK_LINES 400u

/* Where the bytes the terminal sends to its program go (keys, answers to queries). */
typedef void (*term_output_t)(const char *bytes, size_t length);

/* A rectangle of pixels of the surface. */
struct term_rectangle {
    uint32_t x, y, width, height;
};

/* Sets the terminal up on surface (checked by the caller) with font (opened; an 8-pixel
 * wide font is drawn by a fast path, any other by pkg/graphics). The grid is the cells that
 * fit whole: surface width / font width by height / font height, at least 1 by 1 (a
 * surface smaller than a cell shows the part of it that fits). The scrollback takes
 * TERM_SCROLLBACK_LINES lines of that width from the heap.
 * 0, or -PECAN_ENOMEM (the heap), -PECAN_EINVAL (a font without size). */
int term_screen_init(const struct surface *surface, const struct psf_font *font,
                     term_output_t output);
/* The window changed size: draws on surface (the same pixel format) from now on, with
 * the grid resized to what it holds as term_screen_init counts it. Content stays top
 * left, cut or widened on the right; on the primary screen, a grid too short for the
 * cursor's row pushes the top lines into the scrollback, and rows added take lines back
 * from it; the alternate screen is cut or lengthened at the bottom. libvterm's state is
 * told (its cursor, margins, tab stops), the view goes back to the bottom, and the next
 * flush draws the whole surface. 0, or -PECAN_ENOMEM: no memory for the new grid, which
 * keeps its size (drawn clipped to the surface). */
int term_screen_resize(const struct surface *surface);
/* No window any more (its buffer is gone): the grid and libvterm go on, nothing is drawn
 * until term_screen_resize gives a surface again. */
void term_screen_detach(void);
/* The program's output: bytes into libvterm (UTF-8; escape sequences). */
void term_screen_write(const char *bytes, size_t length);
/* A key event (press, repeat; releases and other types are ignored): Shift+Page Up/Down
 * scroll the view through the scrollback, every other key goes to the program as its
 * bytes (and brings the view back to the bottom). */
void term_screen_key(const struct pecan_event *event);
/* Draws what changed; true and *drawn (the bounding box of the pixels drawn) if anything
 * was, false if nothing changed. */
bool term_screen_flush(struct term_rectangle *drawn);
/* The whole view is drawn again at the next flush (a window exposed; term-check compares
 * such a redraw with what the flushes before drew, cell by cell). */
void term_screen_damage_all(void);
void term_screen_size(uint32_t *rows, uint32_t *columns);
/* Where the cursor was drawn at the last flush, and whether it was (for term-check). */
bool term_screen_cursor(int32_t *row, int32_t *column);
/* The live grid's cell at (row, column) as drawn: its glyph and colours packed for the
 * surface, reverse video (the cell's and the screen's) applied; false outside the grid
 * (for term-check, which compares them with libvterm's own screen layer). */
bool term_screen_cell(uint32_t row, uint32_t column, uint32_t *glyph, uint32_t *foreground,
                      uint32_t *background);
/* Lines kept in the scrollback, and how many the view is scrolled back (0: the bottom). */
uint32_t term_screen_scrollback(uint32_t *view_offset);

#endif
