/* SPDX-License-Identifier: MIT */
/*
 * The terminal's screen (screen.h): libvterm with its damage merged (VTERM_DAMAGE_SCROLL:
 * a run of scrolls becomes one move of pixels), cells drawn with the PSF font, a ring of
 * scrolled-off lines, and the keyboard.
 *
 * Invariants:
 *   - the pixels of every cell outside the dirty box show the view as libvterm and the
 *     scrollback last told us, with the cursor inverted at cursor_drawn if cursor_shown;
 *     the pixels below (mag's copy) match ours outside the changed box;
 *   - view_offset <= kept (lines in the scrollback); 0 is the live screen;
 *   - the scrollback ring holds kept lines, the newest at next - 1 (mod the ring), each of
 *     columns cells as libvterm gave them.
 */
#include <stdlib.h>
#include <string.h>
#include <input/key_codes.h>
#include <input/keymap.h>
#include <input/ps2.h>
#include <pecan/errors.h>
#include <vterm.h>
#include "screen.h"

/* A cell as drawn: its code point and its two colours, reverse video already applied. */
struct shown_cell {
    uint32_t code;
    uint32_t foreground, background;
};

static VTerm *terminal;
static VTermScreen *vterm_screen;
static struct surface surface;
static const struct psf_font *font;
static term_output_t output;
static uint32_t rows, columns;

static uint32_t latin_glyph[256];       /* glyphs of U+0000..U+00FF, found once */
/* For a glyph row's byte, which halves of the four words of 8 pixels at 16 bpp are set:
 * a row is then four word stores. Used when the surface's lines are word aligned. */
static uint32_t row_mask16[256][4];
static bool word_aligned16;

static VTermPos cursor, cursor_drawn;
static bool cursor_visible = true, cursor_shown;

/* A scrolled-off cell as libvterm gave it (reverse video applied), converted only when the
 * scrollback is shown: a line scrolls off at every newline, and is rarely looked at. */
struct kept_cell {
    uint32_t code;
    VTermColor foreground, background;
};

static struct kept_cell *scrollback;
static struct kept_cell blank;          /* a space in the default colours */
static uint32_t kept, next, view_offset;

/* The colour libvterm keeps in a cell, packed for the surface; cells of a run mostly have
 * the same colours, so the last conversion of each is kept. */
struct colour_cache {
    uint32_t key;                       /* the VTermColor's four bytes */
    uint32_t pixel;
    bool valid;
};
_Static_assert(sizeof(VTermColor) == sizeof(uint32_t), "a VTermColor is compared as a word");
static struct colour_cache foreground_cache, background_cache;

/* A box of cells, [top, bottom) x [left, right); empty when !used. */
struct cell_box {
    bool used;
    uint32_t top, bottom, left, right;
};

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

/* The cells to draw, and the cells whose pixels changed since the last flush (drawn, or
 * moved there by a scroll): the caller refreshes the second. */
static struct cell_box dirty, changed;

/* Cells to draw; what is drawn is also changed. */
static void mark(uint32_t top, uint32_t bottom, uint32_t left, uint32_t right)
{
    box_add(&dirty, top, bottom, left, right);
    box_add(&changed, top, bottom, left, right);
}

static void mark_all(void)
{
    mark(0, rows, 0, columns);
}

static void mark_cell(VTermPos p)
{
    if (p.row >= 0 && p.col >= 0)
        mark((uint32_t)p.row, (uint32_t)p.row + 1, (uint32_t)p.col, (uint32_t)p.col + 1);
}

static uint32_t pack(struct colour_cache *cache, VTermColor colour)
{
    uint32_t key;
    memcpy(&key, &colour, sizeof(key));
    if (cache->valid && cache->key == key)
        return cache->pixel;
    cache->key = key;
    vterm_screen_convert_color_to_rgb(vterm_screen, &colour);
    struct color c = { colour.rgb.red, colour.rgb.green, colour.rgb.blue };
    cache->pixel = pixel_format_pack(&surface.format, c);
    cache->valid = true;
    return cache->pixel;
}

static struct kept_cell keep(const VTermScreenCell *c)
{
    struct kept_cell k = { c->chars[0], c->fg, c->bg };
    if (c->attrs.reverse) {
        k.foreground = c->bg;
        k.background = c->fg;
    }
    return k;
}

/* A cell as drawn: the second half of a wide character and an empty cell are spaces;
 * anything that is no code point is the replacement character. */
static struct shown_cell shown(struct kept_cell k)
{
    struct shown_cell s = {
        .code = k.code,
        .foreground = pack(&foreground_cache, k.foreground),
        .background = pack(&background_cache, k.background),
    };
    if (s.code == 0 || s.code == (uint32_t)-1)
        s.code = ' ';
    else if (s.code > 0x10FFFF)
        s.code = 0xFFFD;
    return s;
}

static struct shown_cell live_cell(uint32_t row, uint32_t column)
{
    VTermScreenCell c;
    VTermPos p = { (int)row, (int)column };
    if (!vterm_screen_get_cell(vterm_screen, p, &c))
        memset(&c, 0, sizeof(c));
    return shown(keep(&c));
}

/* The cell at (row, column) of what the view shows: the scrollback above the live
 * screen when scrolled back. */
static struct shown_cell view_cell(uint32_t row, uint32_t column)
{
    if (row >= view_offset)
        return live_cell(row - view_offset, column);
    uint32_t line = (next + TERM_SCROLLBACK_LINES - view_offset + row) % TERM_SCROLLBACK_LINES;
    return shown(scrollback[(size_t)line * columns + column]);
}

static uint32_t glyph_of(uint32_t code)
{
    return code < 256 ? latin_glyph[code] : psf_font_glyph_or_replacement(font, code);
}

/* One cell's pixels; an 8-pixel wide glyph on 16 or 32 bits per pixel takes a loop with
 * no clipping (a cell of the grid lies wholly inside the surface). */
static void draw_cell(uint32_t row, uint32_t column, struct shown_cell c, bool inverted)
{
    uint32_t fg = inverted ? c.background : c.foreground;
    uint32_t bg = inverted ? c.foreground : c.background;
    uint32_t glyph = glyph_of(c.code);
    uint32_t x = column * font->width, y = row * font->height;
    if (font->width != 8 || glyph >= font->glyph_count) {
        surface_draw_glyph(&surface, font, glyph, (int32_t)x, (int32_t)y, fg, bg);
        return;
    }
    const uint8_t *bits = psf_font_glyph_bitmap(font, glyph);
    uint8_t *line = surface.pixels + (size_t)y * surface.bytes_per_line;
    if (word_aligned16) {
        uint32_t fg2 = fg | fg << 16, bg2 = bg | bg << 16, change = fg2 ^ bg2;
        for (uint32_t i = 0; i < font->height; i++, line += surface.bytes_per_line) {
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

/* ---- libvterm's callbacks ---- */

static int on_damage(VTermRect rect, void *user)
{
    (void)user;
    if (view_offset) {
        mark_all();
        return 1;
    }
    mark((uint32_t)rect.start_row, (uint32_t)rect.end_row, (uint32_t)rect.start_col,
         (uint32_t)rect.end_col);
    return 1;
}

static bool inside(VTermPos p, VTermRect r)
{
    return p.row >= r.start_row && p.row < r.end_row && p.col >= r.start_col &&
           p.col < r.end_col;
}

static uint32_t shifted(uint32_t value, int by)
{
    return (int64_t)value + by > 0 ? (uint32_t)((int64_t)value + by) : 0;
}

/* Moves the pixels of src to dest (libvterm scrolled); what was dirty or showed the
 * cursor in src is dirty where it lands, and the cursor's cell if something landed on it. */
static int on_moverect(VTermRect dest, VTermRect src, void *user)
{
    (void)user;
    if (view_offset) {
        mark_all();
        return 1;
    }
    /* A part of a row (inserted or deleted characters): libvterm 0.1.4 does not move the
     * damage it holds when the rectangle does not span it ("TODO" in its scrollrect), so
     * moved pixels could be stale; it damages the destination instead when told no. */
    if (src.start_col != 0 || (uint32_t)src.end_col != columns)
        return 0;
    int drow = dest.start_row - src.start_row, dcol = dest.start_col - src.start_col;
    uint32_t bytes = surface.format.bits_per_pixel / 8;
    size_t width = (size_t)(src.end_col - src.start_col) * font->width * bytes;
    uint32_t lines = (uint32_t)(src.end_row - src.start_row) * font->height;
    uint8_t *from = surface.pixels + (size_t)src.start_row * font->height * surface.bytes_per_line +
                    (size_t)src.start_col * font->width * bytes;
    uint8_t *to = surface.pixels + (size_t)dest.start_row * font->height * surface.bytes_per_line +
                  (size_t)dest.start_col * font->width * bytes;
    if (width == surface.bytes_per_line) {
        memmove(to, from, (size_t)lines * width);
    } else if (to < from) {
        for (uint32_t i = 0; i < lines; i++)
            memmove(to + (size_t)i * surface.bytes_per_line,
                    from + (size_t)i * surface.bytes_per_line, width);
    } else {
        for (uint32_t i = lines; i-- > 0;)
            memmove(to + (size_t)i * surface.bytes_per_line,
                    from + (size_t)i * surface.bytes_per_line, width);
    }
    box_add(&changed, (uint32_t)dest.start_row, (uint32_t)dest.end_row, (uint32_t)dest.start_col,
            (uint32_t)dest.end_col);
    if (dirty.used)
        mark(shifted(dirty.top, drow), shifted(dirty.bottom, drow), shifted(dirty.left, dcol),
             shifted(dirty.right, dcol));
    /* The inverted cell moved with the rest, and what landed on it is not inverted. */
    if (cursor_shown && inside(cursor_drawn, src))
        mark_cell((VTermPos){ cursor_drawn.row + drow, cursor_drawn.col + dcol });
    if (cursor_shown && inside(cursor_drawn, dest))
        mark_cell(cursor_drawn);
    return 1;
}

static int on_movecursor(VTermPos position, VTermPos old, int visible, void *user)
{
    (void)old, (void)user;
    cursor = position;
    cursor_visible = visible != 0;
    return 1;
}

static int on_settermprop(VTermProp property, VTermValue *value, void *user)
{
    (void)user;
    if (property == VTERM_PROP_CURSORVISIBLE)
        cursor_visible = value->boolean != 0;
    return 1;
}

/* A line scrolled off the top: into the ring. A view scrolled back stays on the same
 * lines, so it moves one further back. */
static int on_pushline(int count, const VTermScreenCell *cells, void *user)
{
    (void)user;
    struct kept_cell *line = scrollback + (size_t)next * columns;
    uint32_t given = count < 0 ? 0 : (uint32_t)count < columns ? (uint32_t)count : columns;
    for (uint32_t i = 0; i < given; i++)
        line[i] = keep(&cells[i]);
    for (uint32_t i = given; i < columns; i++)
        line[i] = blank;
    next = (next + 1) % TERM_SCROLLBACK_LINES;
    if (kept < TERM_SCROLLBACK_LINES)
        kept++;
    if (view_offset) {
        if (view_offset < kept)
            view_offset++;
        mark_all();
    }
    return 1;
}

static const VTermScreenCallbacks callbacks = {
    .damage = on_damage,
    .moverect = on_moverect,
    .movecursor = on_movecursor,
    .settermprop = on_settermprop,
    .sb_pushline = on_pushline,
};

static void on_output(const char *bytes, size_t length, void *user)
{
    (void)user;
    if (output)
        output(bytes, length);
}

/* ---- the interface ---- */

int term_screen_init(const struct surface *s, const struct psf_font *f, term_output_t out)
{
    if (!f->width || !f->height || s->width < f->width || s->height < f->height)
        return -PECAN_EINVAL;
    surface = *s;
    font = f;
    output = out;
    columns = s->width / f->width;
    rows = s->height / f->height;
    scrollback = calloc((size_t)TERM_SCROLLBACK_LINES * columns, sizeof(*scrollback));
    terminal = scrollback ? vterm_new((int)rows, (int)columns) : 0;
    if (!terminal) {
        free(scrollback);
        scrollback = 0;
        return -PECAN_ENOMEM;
    }
    for (uint32_t c = 0; c < 256; c++)
        latin_glyph[c] = psf_font_glyph_or_replacement(f, c);
    for (uint32_t b = 0; b < 256; b++)
        for (uint32_t j = 0; j < 4; j++)
            row_mask16[b][j] = ((b & (0x80u >> (2 * j))) ? 0x0000FFFFu : 0) |
                               ((b & (0x40u >> (2 * j))) ? 0xFFFF0000u : 0);
    word_aligned16 = s->format.bits_per_pixel == 16 &&
                     ((uintptr_t)s->pixels % 4 == 0) && s->bytes_per_line % 4 == 0;
    vterm_set_utf8(terminal, 1);
    vterm_output_set_callback(terminal, on_output, 0);
    vterm_screen = vterm_obtain_screen(terminal);
    vterm_screen_set_callbacks(vterm_screen, &callbacks, 0);
    vterm_screen_set_damage_merge(vterm_screen, VTERM_DAMAGE_SCROLL);
    vterm_screen_enable_altscreen(vterm_screen, 1);
    vterm_state_set_bold_highbright(vterm_obtain_state(terminal), 1);
    vterm_screen_reset(vterm_screen, 1);
    /* The part of the window right of and below the grid stays in the background. */
    blank.code = ' ';
    vterm_state_get_default_colors(vterm_obtain_state(terminal), &blank.foreground,
                                   &blank.background);
    surface_fill_rectangle(&surface, 0, 0, surface.width, surface.height,
                           pack(&background_cache, blank.background));
    mark_all();
    return 0;
}

/*
 * libvterm 0.1.4 merges a pending scroll with the next one of the same rectangle by adding
 * their distances, even when they go opposite ways (screen.c, scrollrect): 5 lines down
 * then 3 up become one move of 2 down, and the rows the first erased and the second
 * brought back are neither moved nor damaged. Its cells are right, only what it tells us
 * is wrong. So term watches the output for what can scroll (LF, VT, FF, IND, NEL, RI, and
 * CSI S, T, L, M) and has libvterm emit what is pending before a scroll the other way.
 * The scanner only classifies; libvterm still parses everything.
 */
enum scroll_way { SCROLL_NONE, SCROLL_UP, SCROLL_DOWN };
enum scan_state { SCAN_GROUND, SCAN_ESCAPE, SCAN_CSI };
static enum scan_state scan;
static enum scroll_way pending_way;   /* of the scrolls libvterm holds since its last flush */

/* The way byte c can scroll, as the byte that ends a control or sequence; moves the scan. */
static enum scroll_way scan_byte(uint8_t c)
{
    switch (scan) {
    case SCAN_GROUND:
        if (c == 0x1B)
            scan = SCAN_ESCAPE;
        return (c == '\n' || c == 0x0B || c == 0x0C) ? SCROLL_UP : SCROLL_NONE;
    case SCAN_ESCAPE:
        scan = c == '[' ? SCAN_CSI : c == 0x1B ? SCAN_ESCAPE : SCAN_GROUND;
        return (c == 'D' || c == 'E') ? SCROLL_UP : c == 'M' ? SCROLL_DOWN : SCROLL_NONE;
    default:
        if (c >= 0x20 && c <= 0x3F)
            return SCROLL_NONE;   /* parameters and intermediates */
        scan = c == 0x1B ? SCAN_ESCAPE : SCAN_GROUND;
        return (c == 'S' || c == 'M') ? SCROLL_UP : (c == 'T' || c == 'L') ? SCROLL_DOWN
                                                                         : SCROLL_NONE;
    }
}

void term_screen_write(const char *bytes, size_t length)
{
    size_t start = 0;
    for (size_t i = 0; i < length; i++) {
        enum scroll_way way = scan_byte((uint8_t)bytes[i]);
        if (way == SCROLL_NONE)
            continue;
        if (pending_way != SCROLL_NONE && way != pending_way) {
            vterm_input_write(terminal, bytes + start, i - start);
            vterm_screen_flush_damage(vterm_screen);
            start = i;
        }
        pending_way = way;
    }
    vterm_input_write(terminal, bytes + start, length - start);
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

bool term_screen_flush(struct term_rectangle *drawn)
{
    vterm_screen_flush_damage(vterm_screen);
    pending_way = SCROLL_NONE;
    bool show = cursor_visible && view_offset == 0 && cursor.row >= 0 &&
                (uint32_t)cursor.row < rows && cursor.col >= 0 && (uint32_t)cursor.col < columns;
    if (show != cursor_shown || cursor.row != cursor_drawn.row ||
        cursor.col != cursor_drawn.col) {
        if (cursor_shown)
            mark_cell(cursor_drawn);
        if (show)
            mark_cell(cursor);
    }
    if (dirty.used)
        for (uint32_t row = dirty.top; row < dirty.bottom; row++)
            for (uint32_t column = dirty.left; column < dirty.right; column++)
                draw_cell(row, column, view_cell(row, column),
                          show && (int)row == cursor.row && (int)column == cursor.col);
    cursor_drawn = cursor;
    cursor_shown = show;
    dirty.used = false;
    if (!changed.used)
        return false;
    drawn->x = changed.left * font->width;
    drawn->y = changed.top * font->height;
    drawn->width = (changed.right - changed.left) * font->width;
    drawn->height = (changed.bottom - changed.top) * font->height;
    changed.used = false;
    return true;
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

uint32_t term_screen_scrollback(uint32_t *offset)
{
    *offset = view_offset;
    return kept;
}
