/* SPDX-License-Identifier: MIT */
/*
 * The terminal's screen (screen.h): libvterm's state layer (parsing, the cursor, the pen,
 * modes) with term's own cells, drawn with the PSF font, a scrollback, and the keyboard.
 * libvterm's screen layer is not used: it moves its whole cell buffer for every line
 * scrolled; here a line is a pointer, so a scroll moves rows' pointers, and the line that
 * leaves the top goes to the scrollback by a pointer swap.
 *
 * Invariants:
 *   - screen[r] (r < rows) is the line shown at row r of the live grid: primary[r] or,
 *     on the alternate screen, alternate[r]; every line is columns cells, and each of the
 *     2 x rows + TERM_SCROLLBACK_LINES lines of the pool is in exactly one of primary,
 *     alternate and the scrollback ring (one more line is blank_line);
 *   - a cell holds its glyph (PROTECTED may be or'ed in) and its two colours packed for
 *     the surface, the cell's reverse video applied (the screen's, DECSCNM, is applied
 *     when drawn);
 *   - the scrollback ring holds kept lines, the newest at next - 1 (mod the ring);
 *     view_offset <= kept; 0 is the live screen;
 *   - pixels: moving the pending scroll's rows by its distance, then drawing the cells of
 *     the dirty box, gives the view as the cells say, with the cursor inverted at the
 *     cursor's position if shown. The dirty box is in the grid's coordinates of now; a
 *     scroll shifts it. The pixels below (mag's copy) match ours outside the changed box;
 *   - rows and columns are libvterm's size, at least 1 each; grid_inside says whether
 *     the grid's cells all lie on the surface (else they are drawn clipped, and a scroll
 *     redraws instead of moving pixels).
 *
 * Resizing (term_screen_resize) makes a new pool and moves the lines over inside
 * libvterm's resize callback, so that libvterm's cursor moves with them (xterm's way:
 * on_resize says how).
 */
#include <stdlib.h>
#include <string.h>
#include <input/key_codes.h>
#include <input/keymap.h>
#include <input/ps2.h>
#include <pecan/errors.h>
#include <vterm.h>
#include <vterm_internal.h>   /* clamp_to_grid */
#include "screen.h"

#define PROTECTED 0x80000000u   /* in a cell's glyph: DECSCA, kept by a selective erase */

struct cell {
    uint32_t glyph;
    uint32_t foreground, background;
};

static VTerm *terminal;
static VTermState *state;
static struct surface surface;
static const struct psf_font *font;
static term_output_t output;
static uint32_t rows, columns;

static uint32_t latin_glyph[256];       /* glyphs of U+0000..U+00FF, found once */
static uint32_t space_glyph;
/* For a glyph row's byte, which halves of the four words of 8 pixels at 16 bpp are set:
 * a row is then four word stores. Used when the surface's lines are word aligned. */
static uint32_t row_mask16[256][4];
static bool word_aligned16;
/* Whether every cell of the grid lies wholly inside the surface: then a cell is drawn
 * without clipping and a scroll moves pixels. Not so for a window smaller than one cell
 * (its grid is 1 by 1, drawn clipped) nor for a terminal without a window (a surface of
 * 0 by 0: its grid stays, nothing is drawn). */
static bool grid_inside;
/* The whole surface changed (filled at a resize): the next flush says so. */
static bool surface_filled;

static struct cell *pool;               /* every line's cells, one allocation */
static struct cell **screen, **primary, **alternate;
static struct cell **scrollback;        /* the ring of TERM_SCROLLBACK_LINES lines */
static uint32_t kept, next, view_offset;
static bool global_reverse;             /* DECSCNM */

/* The pen as libvterm last set it, and its colours packed (reverse applied). */
static VTermColor pen_foreground, pen_background;
static bool pen_reverse;
static uint32_t pen_foreground_pixel, pen_background_pixel;

static bool cursor_visible = true, cursor_shown;
static VTermPos cursor_drawn;

/* A box of cells, [top, bottom) x [left, right); empty when !used. */
struct cell_box {
    bool used;
    uint32_t top, bottom, left, right;
};

/* The cells to draw, and the cells whose pixels changed since the last flush (drawn, or
 * moved there by a scroll): the caller refreshes the second. */
static struct cell_box dirty, changed;

/* Rows [top, bottom) of the view whose pixels are still to move by distance rows (up if
 * positive), as the scrolls since the last flush moved their cells. Scrolls of the same
 * rows the same way add up; any other scroll moves the pixels of this one first. */
static struct {
    bool used;
    uint32_t top, bottom;
    int32_t distance;
} pending;

static void box_add(struct cell_box *box, uint32_t top, uint32_t bottom, uint32_t left,
                    uint32_t right)
{
    if (bottom > rows)
        bottom = rows;
    if (right > columns)
        right = columns;
    if (top >= bottom || left >= right)
        return;
    if (!box->used) {
        *box = (struct cell_box){ true, top, bottom, left, right };
        return;
    }
    if (top < box->top)
        box->top = top;
    if (bottom > box->bottom)
        box->bottom = bottom;
    if (left < box->left)
        box->left = left;
    if (right > box->right)
        box->right = right;
}

/* Cells of the view to draw; what is drawn is also changed. */
static void mark(uint32_t top, uint32_t bottom, uint32_t left, uint32_t right)
{
    box_add(&dirty, top, bottom, left, right);
    box_add(&changed, top, bottom, left, right);
}

static void mark_all(void)
{
    mark(0, rows, 0, columns);
}

/* Cells of the live grid: the view shows them view_offset rows lower. */
static void mark_live(uint32_t top, uint32_t bottom, uint32_t left, uint32_t right)
{
    mark(top + view_offset, bottom + view_offset, left, right);
}

static void mark_cell(VTermPos p)
{
    if (p.row >= 0 && p.col >= 0)
        mark((uint32_t)p.row, (uint32_t)p.row + 1, (uint32_t)p.col, (uint32_t)p.col + 1);
}

static uint32_t pack(VTermColor colour)
{
    vterm_state_convert_color_to_rgb(state, &colour);
    struct color c = { colour.rgb.red, colour.rgb.green, colour.rgb.blue };
    return pixel_format_pack(&surface.format, c);
}

/* The pen's colours for the cells it writes, converted once per change of the pen. */
static void pen_changed(void)
{
    uint32_t f = pack(pen_foreground), b = pack(pen_background);
    pen_foreground_pixel = pen_reverse ? b : f;
    pen_background_pixel = pen_reverse ? f : b;
}

/* The glyph a code point is drawn with: an empty cell and the second half of a wide
 * character are spaces, anything that is no code point the replacement character. */
static uint32_t glyph_of(uint32_t code)
{
    if (code < 256)
        return latin_glyph[code];
    if (code > 0x10FFFF)
        code = 0xFFFD;
    return psf_font_glyph_or_replacement(font, code);
}

/* The line at row of what the view shows: the scrollback above the live screen when
 * scrolled back; *reverse if the screen's reverse video (DECSCNM) applies to it. */
static const struct cell *view_line(uint32_t row, bool *reverse)
{
    *reverse = false;
    if (row >= view_offset) {
        *reverse = global_reverse;
        return screen[row - view_offset];
    }
    return scrollback[(next + TERM_SCROLLBACK_LINES - view_offset + row) % TERM_SCROLLBACK_LINES];
}

/* One cell's pixels; an 8-pixel wide glyph on 16 or 32 bits per pixel takes a loop with
 * no clipping (a cell of the grid lies wholly inside the surface). */
static void draw_cell(uint32_t row, uint32_t column, struct cell c, bool inverted)
{
    uint32_t fg = inverted ? c.background : c.foreground;
    uint32_t bg = inverted ? c.foreground : c.background;
    uint32_t glyph = c.glyph & ~PROTECTED;
    uint32_t x = column * font->width, y = row * font->height;
    if (font->width != 8 || glyph >= font->glyph_count || !grid_inside) {
        surface_draw_glyph(&surface, font, glyph, (int32_t)x, (int32_t)y, fg, bg);
        return;
    }
    const uint8_t *bits = psf_font_glyph_bitmap(font, glyph);
    uint8_t *line = surface.pixels + (size_t)y * surface.bytes_per_line;
    if (word_aligned16) {
        /* in locals: the stores could alias the font and the surface for the compiler */
        uint32_t fg2 = fg | fg << 16, bg2 = bg | bg << 16, change = fg2 ^ bg2;
        uint32_t height = font->height, stride = surface.bytes_per_line;
        for (uint32_t i = 0; i < height; i++, line += stride) {
            uint32_t *p = (uint32_t *)line + x / 2;
            const uint32_t *m = row_mask16[bits[i]];
            p[0] = bg2 ^ (change & m[0]);
            p[1] = bg2 ^ (change & m[1]);
            p[2] = bg2 ^ (change & m[2]);
            p[3] = bg2 ^ (change & m[3]);
        }
    } else if (surface.format.bits_per_pixel == 16) {
        for (uint32_t i = 0; i < font->height; i++, line += surface.bytes_per_line) {
            uint16_t *p = (uint16_t *)line + x;
            unsigned b = bits[i];
            for (unsigned k = 0; k < 8; k++, b <<= 1)
                p[k] = (uint16_t)((b & 0x80) ? fg : bg);
        }
    } else {
        for (uint32_t i = 0; i < font->height; i++, line += surface.bytes_per_line) {
            uint32_t *p = (uint32_t *)line + x;
            unsigned b = bits[i];
            for (unsigned k = 0; k < 8; k++, b <<= 1)
                p[k] = (b & 0x80) ? fg : bg;
        }
    }
}

/* ---- scrolling ---- */

static uint32_t shifted(uint32_t value, int32_t by)
{
    return (int64_t)value + by > 0 ? (uint32_t)((int64_t)value + by) : 0;
}

static bool cursor_in_rows(uint32_t top, uint32_t bottom)
{
    return cursor_shown && cursor_drawn.row >= (int)top && cursor_drawn.row < (int)bottom;
}

/* Moves the pending scroll's pixels. The inverted cursor moved with its row, and what
 * landed where it was is not inverted: both cells are drawn again. */
static void move_pending_pixels(void)
{
    if (!pending.used)
        return;
    pending.used = false;
    uint32_t top = pending.top, bottom = pending.bottom;
    int32_t distance = pending.distance;
    uint32_t height = bottom - top, by = (uint32_t)(distance < 0 ? -distance : distance);
    if (by == 0)
        return;
    if (by >= height || !grid_inside) {
        mark(top, bottom, 0, columns);
        return;
    }
    size_t line = (size_t)font->height * surface.bytes_per_line;
    uint8_t *first = surface.pixels + top * line;
    if (distance > 0)
        memmove(first, first + by * line, (height - by) * line);
    else
        memmove(first + by * line, first, (height - by) * line);
    box_add(&changed, top, bottom, 0, columns);
    if (cursor_in_rows(top, bottom)) {
        int32_t landed = cursor_drawn.row - distance;
        if (landed >= (int32_t)top && landed < (int32_t)bottom)
            mark_cell((VTermPos){ landed, cursor_drawn.col });
        mark_cell(cursor_drawn);
    }
}

/* The pixels of view rows [top, bottom) are to move up by distance (down if negative):
 * added to the pending scroll when it is of the same rows and way, else that one's pixels
 * move first. Dirty cells move with the rows (the box grows over where they land), and
 * the rows that came in are drawn. */
static void scroll_pixels(uint32_t top, uint32_t bottom, int32_t distance)
{
    if (view_offset) {
        mark_all();   /* the view shows other lines; drawn whole */
        return;
    }
    if (pending.used && (pending.top != top || pending.bottom != bottom ||
                         (pending.distance > 0) != (distance > 0)))
        move_pending_pixels();
    if (!pending.used)
        pending.used = true, pending.top = top, pending.bottom = bottom, pending.distance = 0;
    pending.distance += distance;
    if (dirty.used)
        mark(shifted(dirty.top, -distance), shifted(dirty.bottom, -distance), dirty.left,
             dirty.right);
}

/* A line of blanks in the pen's colours, made again when they change: erasing a whole
 * line (one per line scrolled) is one copy. */
static struct cell *blank_line;
static bool blank_line_valid;

static void erase_line(struct cell *line)
{
    if (!blank_line_valid || blank_line[0].foreground != pen_foreground_pixel ||
        blank_line[0].background != pen_background_pixel) {
        for (uint32_t c = 0; c < columns; c++)
            blank_line[c] = (struct cell){ space_glyph, pen_foreground_pixel,
                                           pen_background_pixel };
        blank_line_valid = true;
    }
    memmove(line, blank_line, columns * sizeof(*line));   /* term's memmove.c: blocks of 64 */
}

static void erase_cells(struct cell *line, uint32_t left, uint32_t right, bool selective)
{
    if (left == 0 && right == columns && !selective) {
        erase_line(line);
        return;
    }
    for (uint32_t c = left; c < right; c++) {
        if (selective && (line[c].glyph & PROTECTED))
            continue;
        line[c] = (struct cell){ space_glyph, pen_foreground_pixel, pen_background_pixel };
    }
}

/* Reverse video as it was shown (DECSCNM) made the cells' own, or undone. */
static void swap_colours(struct cell *line, uint32_t count)
{
    for (uint32_t c = 0; c < count; c++) {
        uint32_t f = line[c].foreground;
        line[c].foreground = line[c].background;
        line[c].background = f;
    }
}

/* A line scrolled off the top of the primary screen: into the ring, whose oldest line
 * comes back as the free one. A view scrolled back stays on the same lines. */
static struct cell *push_line(struct cell *line)
{
    if (global_reverse)
        swap_colours(line, columns);   /* the scrollback keeps lines as they were shown */
    struct cell *free_line = scrollback[next];
    scrollback[next] = line;
    next = (next + 1) % TERM_SCROLLBACK_LINES;
    if (kept < TERM_SCROLLBACK_LINES)
        kept++;
    if (view_offset && view_offset < kept)
        view_offset++;
    return free_line;
}

/* Whole rows [top, bottom) scroll by distance (up if positive, less than the height):
 * pointers move; the lines that leave come back erased on the other side, or, leaving
 * the top row of the primary screen, go to the scrollback (as libvterm's screen layer
 * pushes them). */
static void scroll_rows(uint32_t top, uint32_t bottom, int32_t distance)
{
    uint32_t by = (uint32_t)(distance < 0 ? -distance : distance);
    struct cell *leaving[by];
    if (distance > 0) {
        for (uint32_t i = 0; i < by; i++)
            leaving[i] = screen[top + i];
        memmove(&screen[top], &screen[top + by], (bottom - top - by) * sizeof(*screen));
        bool to_scrollback = top == 0 && screen == primary;
        for (uint32_t i = 0; i < by; i++) {
            struct cell *line = to_scrollback ? push_line(leaving[i]) : leaving[i];
            erase_cells(line, 0, columns, false);
            screen[bottom - by + i] = line;
        }
    } else {
        for (uint32_t i = 0; i < by; i++)
            leaving[i] = screen[bottom - by + i];
        memmove(&screen[top + by], &screen[top], (bottom - top - by) * sizeof(*screen));
        for (uint32_t i = 0; i < by; i++) {
            erase_cells(leaving[i], 0, columns, false);
            screen[top + i] = leaving[i];
        }
    }
}

/* ---- libvterm's state callbacks ---- */

/* The most frequent call (every character): the cell, and the dirty box only when the
 * cells lie outside it (text streaming into a box already dirty costs a compare). */
static int on_putglyph(VTermGlyphInfo *info, VTermPos pos, void *user)
{
    (void)user;
    uint32_t row = (uint32_t)pos.row, column = (uint32_t)pos.col;   /* negatives too large */
    if (row >= rows || column >= columns)
        return 0;
    uint32_t code = info->chars[0];
    struct cell *line = screen[row];
    line[column].glyph = (code < 256 ? latin_glyph[code] : glyph_of(code)) |
                         (info->protected_cell ? PROTECTED : 0);
    line[column].foreground = pen_foreground_pixel;
    line[column].background = pen_background_pixel;
    uint32_t end = column + 1;
    /* The second half of a wide character shows a space in the colours it had. */
    for (; end < column + (uint32_t)info->width && end < columns; end++)
        line[end].glyph = space_glyph;
    uint32_t view_row = row + view_offset;
    if (!dirty.used || view_row < dirty.top || view_row >= dirty.bottom ||
        column < dirty.left || end > dirty.right)
        mark(view_row, view_row + 1, column, end);
    return 1;
}

/* Whole rows scroll by pointers and moved pixels; a part of a row (inserted or deleted
 * characters, left and right margins) is left to libvterm, which calls on_moverect and
 * on_erase. */
static int on_scrollrect(VTermRect rect, int downward, int rightward, void *user)
{
    (void)user;
    if (rightward != 0 || rect.start_col != 0 || (uint32_t)rect.end_col != columns ||
        rect.start_row < 0 || rect.end_row <= rect.start_row || (uint32_t)rect.end_row > rows)
        return 0;
    uint32_t top = (uint32_t)rect.start_row, bottom = (uint32_t)rect.end_row;
    uint32_t height = bottom - top;
    if (downward == 0)
        return 1;
    if ((uint32_t)abs(downward) >= height) {
        for (uint32_t r = top; r < bottom; r++)   /* all of it erased, nothing pushed */
            erase_cells(screen[r], 0, columns, false);
        mark_live(top, bottom, 0, columns);
        return 1;
    }
    scroll_rows(top, bottom, downward);
    scroll_pixels(top, bottom, downward);
    if (downward > 0)
        mark_live(bottom - (uint32_t)downward, bottom, 0, columns);
    else
        mark_live(top, top + (uint32_t)-downward, 0, columns);
    return 1;
}

/* Whether a rectangle of libvterm's lies in the grid and is not empty. */
static bool rectangle_valid(VTermRect r)
{
    return r.start_row >= 0 && r.start_col >= 0 && r.start_row < r.end_row &&
           r.start_col < r.end_col && (uint32_t)r.end_row <= rows && (uint32_t)r.end_col <= columns;
}

/* Cells of a part of rows moved (libvterm's vterm_scroll_rect): copied, and drawn. */
static int on_moverect(VTermRect dest, VTermRect src, void *user)
{
    (void)user;
    if (!rectangle_valid(dest) || !rectangle_valid(src))
        return 1;   /* never from libvterm on a grid it knows; nothing to move */
    size_t count = (size_t)(src.end_col - src.start_col);
    int downward = src.start_row - dest.start_row;
    int height = dest.end_row - dest.start_row;
    for (int i = 0; i < height; i++) {
        int row = downward < 0 ? dest.end_row - 1 - i : dest.start_row + i;
        memmove(&screen[row][dest.start_col], &screen[row + downward][src.start_col],
                count * sizeof(struct cell));
    }
    mark_live((uint32_t)dest.start_row, (uint32_t)dest.end_row, (uint32_t)dest.start_col,
              (uint32_t)dest.end_col);
    return 1;
}

static int on_erase(VTermRect rect, int selective, void *user)
{
    (void)user;
    for (int r = rect.start_row; r < rect.end_row && (uint32_t)r < rows; r++)
        erase_cells(screen[r], (uint32_t)rect.start_col,
                    (uint32_t)rect.end_col < columns ? (uint32_t)rect.end_col : columns,
                    selective != 0);
    mark_live((uint32_t)rect.start_row, (uint32_t)rect.end_row, (uint32_t)rect.start_col,
              (uint32_t)rect.end_col);
    return 1;
}

static int on_setpenattr(VTermAttr attribute, VTermValue *value, void *user)
{
    (void)user;
    switch (attribute) {
    case VTERM_ATTR_FOREGROUND:
        pen_foreground = value->color;
        break;
    case VTERM_ATTR_BACKGROUND:
        pen_background = value->color;
        break;
    case VTERM_ATTR_REVERSE:
        pen_reverse = value->boolean != 0;
        break;
    default:
        return 1;   /* bold shows as the bright colour (libvterm's); no other is drawn */
    }
    pen_changed();
    return 1;
}

static int on_movecursor(VTermPos position, VTermPos old, int visible, void *user)
{
    (void)position, (void)old, (void)user;
    cursor_visible = visible != 0;
    return 1;
}

static int on_settermprop(VTermProp property, VTermValue *value, void *user)
{
    (void)user;
    switch (property) {
    case VTERM_PROP_CURSORVISIBLE:
        cursor_visible = value->boolean != 0;
        break;
    case VTERM_PROP_ALTSCREEN:
        /* libvterm erases the alternate screen when it is entered */
        screen = value->boolean ? alternate : primary;
        mark_live(0, rows, 0, columns);
        break;
    case VTERM_PROP_REVERSE:
        global_reverse = value->boolean != 0;
        mark_live(0, rows, 0, columns);
        break;
    default:
        break;
    }
    return 1;
}

/* A double-width line (DECDWL) shows its left half only: the right half is erased, as
 * libvterm's screen layer does. The glyphs themselves are drawn single width. */
static int on_setlineinfo(int row, const VTermLineInfo *new_info, const VTermLineInfo *old_info,
                          void *user)
{
    (void)user;
    if (row < 0 || (uint32_t)row >= rows)
        return 1;
    if (new_info->doublewidth && !old_info->doublewidth)
        erase_cells(screen[row], columns / 2, columns, false);
    if (new_info->doublewidth != old_info->doublewidth ||
        new_info->doubleheight != old_info->doubleheight)
        mark_live((uint32_t)row, (uint32_t)row + 1, 0, columns);
    return 1;
}

/* ---- resizing ---- */

/* The lines of a resize, made before libvterm is told, so that a resize that finds no
 * memory changes nothing; on_resize puts them in place. */
static struct {
    struct cell *pool;
    struct cell **pointers;
} incoming;

static size_t line_count(uint32_t grid_rows)
{
    return 2u * grid_rows + TERM_SCROLLBACK_LINES + 1u;   /* the last: blank_line */
}

/* The grid a surface holds: the cells that fit whole, at least 1 by 1. */
static void grid_for(const struct surface *s, uint32_t *grid_rows, uint32_t *grid_columns)
{
    *grid_columns = s->width / font->width ? s->width / font->width : 1;
    *grid_rows = s->height / font->height ? s->height / font->height : 1;
}

/* The pool of a grid and the array of its lines' pointers; -PECAN_ENOMEM (the heap). */
static int make_lines(uint32_t grid_rows, uint32_t grid_columns, struct cell **made_pool,
                      struct cell ***made_pointers)
{
    size_t lines = line_count(grid_rows);
    struct cell *cells = calloc(lines * grid_columns, sizeof(*cells));
    struct cell **pointers = calloc(lines, sizeof(*pointers));
    if (!cells || !pointers) {
        free(cells);
        free(pointers);
        return -PECAN_ENOMEM;
    }
    for (size_t i = 0; i < lines; i++)
        pointers[i] = cells + i * grid_columns;
    *made_pool = cells;
    *made_pointers = pointers;
    return 0;
}

/* A cell erased in the default colours: what a line gains when the grid widens. */
static struct cell default_blank(void)
{
    VTermColor foreground, background;
    vterm_state_get_default_colors(state, &foreground, &background);
    return (struct cell){ space_glyph, pack(foreground), pack(background) };
}

/* from (from_columns wide) into to (to_columns wide): cut on the right, or widened with
 * blanks; swapped if its colours are to change between the scrollback and the screen. */
static void copy_line(struct cell *to, uint32_t to_columns, const struct cell *from,
                      uint32_t from_columns, struct cell blank, bool swap)
{
    uint32_t n = from_columns < to_columns ? from_columns : to_columns;
    if (n)
        memcpy(to, from, n * sizeof(*to));
    for (uint32_t c = n; c < to_columns; c++)
        to[c] = blank;
    if (swap)
        swap_colours(to, n);
}

static const struct cell *kept_line(uint32_t oldest_first)
{
    return scrollback[(next + TERM_SCROLLBACK_LINES - kept + oldest_first) % TERM_SCROLLBACK_LINES];
}

/* libvterm's state resized (vterm_set_size from term_screen_resize): the cells move to
 * the incoming lines, as xterm keeps them: the content stays top left, cut or widened on
 * the right; on the primary screen, a height too small for the cursor's row pushes the
 * top lines into the scrollback (the cursor's row is then the last), and rows added take
 * lines back from the scrollback (the content moves down with them); the alternate screen
 * is cut or lengthened at the bottom. *delta says how far the cursor's row moved. */
static int on_resize(int new_rows, int new_columns, VTermPos *delta, void *user)
{
    (void)user;
    if (!incoming.pool || new_rows < 1 || new_columns < 1)
        return 1;
    uint32_t to_rows = (uint32_t)new_rows, to_columns = (uint32_t)new_columns;
    struct cell **to_primary = incoming.pointers, **to_alternate = to_primary + to_rows;
    struct cell **to_scrollback = to_alternate + to_rows;
    struct cell blank = default_blank();
    VTermPos cursor;
    vterm_state_get_cursorpos(state, &cursor);
    bool on_primary = screen == primary;
    uint32_t pushed = 0, pulled = 0;
    if (on_primary && cursor.row >= 0 && (uint32_t)cursor.row >= to_rows)
        pushed = (uint32_t)cursor.row + 1 - to_rows;
    if (on_primary && to_rows > rows)
        pulled = to_rows - rows < kept ? to_rows - rows : kept;
    /* The scrollback, oldest first: the kept lines but those taken back, then the pushed
     * lines; the oldest go if they are more than it holds. */
    uint32_t total = kept - pulled + pushed;
    uint32_t dropped = total > TERM_SCROLLBACK_LINES ? total - TERM_SCROLLBACK_LINES : 0;
    for (uint32_t i = dropped; i < total; i++) {
        bool from_screen = i >= kept - pulled;
        const struct cell *from = from_screen ? primary[i - (kept - pulled)] : kept_line(i);
        copy_line(to_scrollback[i - dropped], to_columns, from, columns, blank,
                  from_screen && global_reverse);
    }
    for (uint32_t i = total - dropped; i < TERM_SCROLLBACK_LINES; i++)
        copy_line(to_scrollback[i], to_columns, 0, 0, blank, false);
    for (uint32_t r = 0; r < to_rows; r++) {
        uint32_t from_row = r - pulled + pushed;
        if (r < pulled)
            copy_line(to_primary[r], to_columns, kept_line(kept - pulled + r), columns, blank,
                      global_reverse);
        else if (from_row < rows)
            copy_line(to_primary[r], to_columns, primary[from_row], columns, blank, false);
        else
            copy_line(to_primary[r], to_columns, 0, 0, blank, false);
        copy_line(to_alternate[r], to_columns, r < rows ? alternate[r] : 0, r < rows ? columns : 0,
                  blank, false);
    }
    free(pool);
    free(primary);   /* the array of every line's pointer starts with the primary screen's */
    pool = incoming.pool;
    primary = to_primary;
    alternate = to_alternate;
    scrollback = to_scrollback;
    blank_line = to_primary[line_count(to_rows) - 1];
    blank_line_valid = false;
    screen = on_primary ? primary : alternate;
    kept = total - dropped;
    next = kept % TERM_SCROLLBACK_LINES;
    view_offset = 0;
    rows = to_rows;
    columns = to_columns;
    incoming.pool = 0;
    incoming.pointers = 0;
    delta->row += (int)pulled - (int)pushed;
    return 1;
}

/* libvterm 0.1.4's resize leaves the position DECSC saved where it was, and the top
 * and left margins: restored after the grid shrank, the position would put the cursor
 * outside, where libvterm reads and writes its line attributes beyond their array, and
 * a margin beyond the grid makes rectangles that end before they start. Nothing in its
 * interface reaches them, so its own header does: the position comes inside, a margin
 * left with nothing between goes (the whole grid, as a reset has it). */
static void clamp_to_grid(void)
{
    if (state->saved.pos.row >= (int)rows)
        state->saved.pos.row = (int)rows - 1;
    if (state->saved.pos.col >= (int)columns)
        state->saved.pos.col = (int)columns - 1;
    int bottom = state->scrollregion_bottom > -1 ? state->scrollregion_bottom : (int)rows;
    if (state->scrollregion_top >= bottom) {
        state->scrollregion_top = 0;
        state->scrollregion_bottom = -1;
    }
    int right = state->scrollregion_right > -1 ? state->scrollregion_right : (int)columns;
    if (state->scrollregion_left >= right) {
        state->scrollregion_left = 0;
        state->scrollregion_right = -1;
    }
}

static const VTermStateCallbacks callbacks = {
    .putglyph = on_putglyph,
    .movecursor = on_movecursor,
    .scrollrect = on_scrollrect,
    .moverect = on_moverect,
    .erase = on_erase,
    .setpenattr = on_setpenattr,
    .settermprop = on_settermprop,
    .setlineinfo = on_setlineinfo,
    .resize = on_resize,
};

static void on_output(const char *bytes, size_t length, void *user)
{
    (void)user;
    if (output)
        output(bytes, length);
}

/* ---- the interface ---- */

/* Draws on s from now on: the whole of it filled with the default background (the part
 * right of and below the grid stays so) and every cell drawn at the next flush, which
 * reports the whole surface. */
static void use_surface(const struct surface *s)
{
    surface = *s;
    word_aligned16 = s->format.bits_per_pixel == 16 &&
                     ((uintptr_t)s->pixels % 4 == 0) && s->bytes_per_line % 4 == 0;
    grid_inside = (uint64_t)columns * font->width <= s->width &&
                  (uint64_t)rows * font->height <= s->height;
    pending.used = false;
    dirty.used = changed.used = false;
    cursor_shown = false;
    VTermColor foreground, background;
    vterm_state_get_default_colors(state, &foreground, &background);
    surface_fill_rectangle(&surface, 0, 0, surface.width, surface.height, pack(background));
    surface_filled = true;
    mark_all();
}

int term_screen_init(const struct surface *s, const struct psf_font *f, term_output_t out)
{
    if (!f->width || !f->height)
        return -PECAN_EINVAL;
    surface = *s;
    font = f;
    output = out;
    grid_for(s, &rows, &columns);
    struct cell **pointers;
    if (make_lines(rows, columns, &pool, &pointers) != 0)
        return -PECAN_ENOMEM;
    terminal = vterm_new((int)rows, (int)columns);
    if (!terminal) {
        free(pool);
        free(pointers);
        return -PECAN_ENOMEM;
    }
    size_t lines = line_count(rows);
    blank_line = pointers[lines - 1];
    primary = pointers;
    alternate = pointers + rows;
    scrollback = pointers + 2u * rows;
    screen = primary;
    for (uint32_t c = 0; c < 256; c++)
        latin_glyph[c] = psf_font_glyph_or_replacement(f, c);
    latin_glyph[0] = latin_glyph[' '];   /* an erased cell */
    space_glyph = latin_glyph[' '];
    for (uint32_t b = 0; b < 256; b++)
        for (uint32_t j = 0; j < 4; j++)
            row_mask16[b][j] = ((b & (0x80u >> (2 * j))) ? 0x0000FFFFu : 0) |
                               ((b & (0x40u >> (2 * j))) ? 0xFFFF0000u : 0);
    vterm_set_utf8(terminal, 1);
    vterm_output_set_callback(terminal, on_output, 0);
    state = vterm_obtain_state(terminal);
    vterm_state_get_default_colors(state, &pen_foreground, &pen_background);
    pen_changed();
    for (size_t i = 0; i + 1 < lines; i++)
        erase_cells(pointers[i], 0, columns, false);
    vterm_state_set_bold_highbright(state, 1);
    vterm_state_set_callbacks(state, &callbacks, 0);
    vterm_state_reset(state, 1);
    use_surface(s);
    return 0;
}

int term_screen_resize(const struct surface *s)
{
    uint32_t to_rows, to_columns;
    grid_for(s, &to_rows, &to_columns);
    int err = 0;
    if (to_rows != rows || to_columns != columns) {
        err = make_lines(to_rows, to_columns, &incoming.pool, &incoming.pointers);
        if (!err) {
            vterm_set_size(terminal, (int)to_rows, (int)to_columns);
            clamp_to_grid();
        }
        free(incoming.pool);   /* still here only if libvterm did not call on_resize */
        free(incoming.pointers);
        incoming.pool = 0;
        incoming.pointers = 0;
    }
    use_surface(s);
    return err;
}

void term_screen_detach(void)
{
    struct surface none = surface;
    none.pixels = 0;
    none.width = none.height = 0;
    use_surface(&none);
}

void term_screen_write(const char *bytes, size_t length)
{
    vterm_input_write(terminal, bytes, length);
}

static void scroll_view(int64_t lines)
{
    int64_t offset = (int64_t)view_offset + lines;
    if (offset < 0)
        offset = 0;
    if (offset > kept)
        offset = kept;
    if ((uint32_t)offset != view_offset) {
        view_offset = (uint32_t)offset;
        mark_all();
    }
}

static VTermKey special_key(uint32_t code)
{
    switch (code) {
    case INPUT_KEY_ENTER: return VTERM_KEY_ENTER;
    case INPUT_KEY_TAB: return VTERM_KEY_TAB;
    case INPUT_KEY_BACKSPACE: return VTERM_KEY_BACKSPACE;
    case INPUT_KEY_ESCAPE: return VTERM_KEY_ESCAPE;
    case INPUT_KEY_UP: return VTERM_KEY_UP;
    case INPUT_KEY_DOWN: return VTERM_KEY_DOWN;
    case INPUT_KEY_LEFT: return VTERM_KEY_LEFT;
    case INPUT_KEY_RIGHT: return VTERM_KEY_RIGHT;
    case INPUT_KEY_INSERT: return VTERM_KEY_INS;
    case INPUT_KEY_DELETE: return VTERM_KEY_DEL;
    case INPUT_KEY_HOME: return VTERM_KEY_HOME;
    case INPUT_KEY_END: return VTERM_KEY_END;
    case INPUT_KEY_PAGE_UP: return VTERM_KEY_PAGEUP;
    case INPUT_KEY_PAGE_DOWN: return VTERM_KEY_PAGEDOWN;
    case INPUT_KEY_KEYPAD_ENTER: return VTERM_KEY_KP_ENTER;
    case INPUT_KEY_F11: return VTERM_KEY_FUNCTION(11);
    case INPUT_KEY_F12: return VTERM_KEY_FUNCTION(12);
    default:
        if (code >= INPUT_KEY_F1 && code <= INPUT_KEY_F10)
            return VTERM_KEY_FUNCTION(code - INPUT_KEY_F1 + 1);
        return VTERM_KEY_NONE;
    }
}

void term_screen_key(const struct pecan_event *e)
{
    if (e->type != PECAN_EVENT_PRESS && e->type != PECAN_EVENT_REPEAT)
        return;
    uint32_t modifiers = e->modifiers;
    bool shift = modifiers & PECAN_EVENT_MODIFIER_SHIFT;
    if (shift && (e->code == INPUT_KEY_PAGE_UP || e->code == INPUT_KEY_PAGE_DOWN)) {
        int64_t half = rows > 1 ? rows / 2 : 1;
        scroll_view(e->code == INPUT_KEY_PAGE_UP ? half : -half);
        return;
    }
    VTermModifier m = (shift ? VTERM_MOD_SHIFT : 0) |
                      ((modifiers & PECAN_EVENT_MODIFIER_CTRL) ? VTERM_MOD_CTRL : 0) |
                      ((modifiers & PECAN_EVENT_MODIFIER_ALT) ? VTERM_MOD_ALT : 0);
    VTermKey key = special_key(e->code);
    uint32_t c = key == VTERM_KEY_NONE ? input_keymap_us(e->code, modifiers) : 0;
    if (key == VTERM_KEY_NONE && !c)
        return;   /* a modifier, a lock, a key without a character */
    scroll_view(-(int64_t)view_offset);
    if (key != VTERM_KEY_NONE) {
        vterm_keyboard_key(terminal, key, m);
        return;
    }
    if ((m & VTERM_MOD_CTRL) && c >= 'A' && c <= 'Z')
        c += 'a' - 'A';   /* Ctrl with Shift or Caps Lock is still the control character */
    vterm_keyboard_unichar(terminal, c, m);
}

/* The part of box on the surface (cells of a grid that does not fit lie partly outside);
 * false if none is. */
static bool clip_to_surface(const struct term_rectangle *box, struct term_rectangle *clipped)
{
    if (box->x >= surface.width || box->y >= surface.height || !box->width || !box->height)
        return false;
    *clipped = *box;
    if (clipped->width > surface.width - box->x)
        clipped->width = surface.width - box->x;
    if (clipped->height > surface.height - box->y)
        clipped->height = surface.height - box->y;
    return true;
}

bool term_screen_flush(struct term_rectangle *drawn)
{
    move_pending_pixels();
    VTermPos cursor;
    vterm_state_get_cursorpos(state, &cursor);
    bool show = cursor_visible && view_offset == 0 && cursor.row >= 0 &&
                (uint32_t)cursor.row < rows && cursor.col >= 0 && (uint32_t)cursor.col < columns;
    if (show != cursor_shown || cursor.row != cursor_drawn.row ||
        cursor.col != cursor_drawn.col) {
        if (cursor_shown)
            mark_cell(cursor_drawn);
        if (show)
            mark_cell(cursor);
    }
    for (uint32_t row = dirty.top; dirty.used && row < dirty.bottom; row++) {
        bool reverse;
        const struct cell *line = view_line(row, &reverse);
        for (uint32_t column = dirty.left; column < dirty.right; column++)
            draw_cell(row, column, line[column],
                      reverse != (show && (int)row == cursor.row && (int)column == cursor.col));
    }
    cursor_drawn = cursor;
    cursor_shown = show;
    dirty.used = false;
    if (!changed.used && !surface_filled)
        return false;
    struct term_rectangle box = { 0, 0, surface.width, surface.height };
    if (!surface_filled)
        box = (struct term_rectangle){ changed.left * font->width, changed.top * font->height,
                                       (changed.right - changed.left) * font->width,
                                       (changed.bottom - changed.top) * font->height };
    changed.used = false;
    surface_filled = false;
    return clip_to_surface(&box, drawn);
}

void term_screen_damage_all(void)
{
    mark_all();
}

bool term_screen_cursor(int32_t *row, int32_t *column)
{
    *row = cursor_drawn.row;
    *column = cursor_drawn.col;
    return cursor_shown;
}

void term_screen_size(uint32_t *r, uint32_t *c)
{
    *r = rows;
    *c = columns;
}

bool term_screen_cell(uint32_t row, uint32_t column, uint32_t *glyph, uint32_t *foreground,
                      uint32_t *background)
{
    if (row >= rows || column >= columns)
        return false;
    struct cell c = screen[row][column];
    *glyph = c.glyph & ~PROTECTED;
    *foreground = global_reverse ? c.background : c.foreground;
    *background = global_reverse ? c.foreground : c.background;
    return true;
}

uint32_t term_screen_scrollback(uint32_t *offset)
{
    *offset = view_offset;
    return kept;
}
