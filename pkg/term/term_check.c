/* SPDX-License-Identifier: MIT */
/*
 * term-check: term's drawing and cells checked (docs/graphics.md, "term"), a program test
 * on the board. term keeps its own cells on libvterm's state layer, draws only what
 * changed and moves pixels for scrolls, so a mistake in the cells, the damage, the
 * moves, the cursor or the scrollback's view leaves wrong or stale pixels. This program
 * feeds term's screen (screen.c, in this program, on a 640x480x16 surface in memory)
 * STEPS random pieces of terminal output from a vocabulary that reaches libvterm's paths:
 * text, UTF-8 (wide, invalid), CR, LF, BS, TAB, cursor motion and addressing, colours
 * (16, 256, true colour), reverse, the reverse screen (DECSCNM), erasing (selective too,
 * with protected cells), scroll regions (also from the top row, which feed the
 * scrollback), left and right margins, inserted and deleted lines and characters,
 * scrolling up and down, reverse index, double-width lines, a full reset, the cursor
 * hidden and shown, the alternate screen, and Shift+Page Up/Down and other keys.
 * After a random number of pieces it flushes, then copies the surface, has the whole
 * view drawn again and compares: every pixel must be the same. Every fourth flush it
 * also compares term's live cells (glyph, colours) with libvterm's own screen layer fed
 * the same output. On a difference it prints the pieces before it and what differs.
 * With libvterm's screen layer (before term kept its cells) it found the cursor's cell
 * overwritten by a scroll and two mistakes in libvterm's reported damage (docs).
 *
 * Then the same with the window resized at random (term_screen_resize, down to less than
 * a cell), every flush compared with a full redraw, and the heap back exactly at the end.
 *
 * Prints "term-check: N pieces, F flushes, C full redraws equal, G grids equal to
 * libvterm's screen layer", "term-check: N pieces with R resizes, C full redraws equal,
 * heap back exactly", or FAILED.
 */
#include <malloc.h>
#include <pecan/protocol/event.h>
#include <stdio.h>
#include <string.h>
#include <vterm.h>
#include "screen.h"

#define STEPS 40000u
#define RESIZE_STEPS 20000u
#define RESIZE_EVERY 200u
#define WIDTH 640u
#define HEIGHT 480u

extern const uint8_t console_font[];
extern const uint32_t console_font_size;

static uint16_t frame[WIDTH * HEIGHT], copy[WIDTH * HEIGHT];

static struct psf_font font;
static uint32_t state = 0x1B873593u;
static struct surface surface;

/* libvterm's own screen layer, fed the same output: term keeps its cells itself (on the
 * state layer), and they must say what libvterm's would. */
static VTerm *reference;
static VTermScreen *reference_screen;

static uint32_t random32(void)
{
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

static unsigned below(unsigned n)
{
    return random32() % n;
}

static void discard(const char *bytes, size_t length)
{
    (void)bytes, (void)length;
}

/* The last pieces, to print when a redraw differs. */
#define HISTORY 24u
static char history[HISTORY][48];
static unsigned history_next;

static void remember(const char *what)
{
    snprintf(history[history_next++ % HISTORY], sizeof(history[0]), "%s", what);
}

static void print_history(void)
{
    for (unsigned i = 0; i < HISTORY; i++) {
        const char *h = history[(history_next + i) % HISTORY];
        printf("term-check:   ");
        for (; *h; h++)
            printf((*h >= 0x20 && *h < 0x7F) ? "%c" : "\\x%02x", (unsigned char)*h);
        printf("\n");
    }
}

static void out(const char *text)
{
    remember(text);
    term_screen_write(text, strlen(text));
    vterm_input_write(reference, text, strlen(text));
}

static void reference_init(uint32_t rows, uint32_t columns)
{
    reference = vterm_new((int)rows, (int)columns);
    vterm_set_utf8(reference, 1);
    reference_screen = vterm_obtain_screen(reference);
    vterm_screen_enable_altscreen(reference_screen, 1);
    vterm_state_set_bold_highbright(vterm_obtain_state(reference), 1);
    vterm_screen_reset(reference_screen, 1);
}

static uint32_t reference_pack(VTermColor colour)
{
    vterm_screen_convert_color_to_rgb(reference_screen, &colour);
    return pixel_format_pack(&surface.format,
                             (struct color){ colour.rgb.red, colour.rgb.green, colour.rgb.blue });
}

/* The live grid's cells against the reference's, as drawn: the glyph (an empty cell and
 * the second half of a wide character a space, a non-code-point U+FFFD) and the colours
 * with reverse video applied. True if all agree; else prints the first that differs. */
static bool cells_agree(unsigned step)
{
    uint32_t rows, columns;
    term_screen_size(&rows, &columns);
    for (uint32_t row = 0; row < rows; row++)
        for (uint32_t column = 0; column < columns; column++) {
            VTermScreenCell c;
            vterm_screen_get_cell(reference_screen, (VTermPos){ (int)row, (int)column }, &c);
            uint32_t code = c.chars[0] == 0 || c.chars[0] == (uint32_t)-1 ? ' '
                            : c.chars[0] > 0x10FFFF ? 0xFFFD : c.chars[0];
            uint32_t glyph = psf_font_glyph_or_replacement(&font, code);
            uint32_t fg = reference_pack(c.attrs.reverse ? c.bg : c.fg);
            uint32_t bg = reference_pack(c.attrs.reverse ? c.fg : c.bg);
            uint32_t g, f, b;
            if (!term_screen_cell(row, column, &g, &f, &b) || g != glyph || f != fg || b != bg) {
                printf("term-check: after piece %u, cell (%lu, %lu): term has glyph %lu colours "
                       "%lx/%lx, libvterm's screen glyph %lu (U+%04lX) colours %lx/%lx (FAILED); "
                       "the last pieces, oldest first:\n", step, (unsigned long)row,
                       (unsigned long)column, (unsigned long)g, (unsigned long)f,
                       (unsigned long)b, (unsigned long)glyph, (unsigned long)code,
                       (unsigned long)fg, (unsigned long)bg);
                print_history();
                return false;
            }
        }
    return true;
}

static void key(uint32_t code, uint8_t modifiers)
{
    struct pecan_event e = { .type = PECAN_EVENT_PRESS, .code = code, .modifiers = modifiers };
    char what[32];
    snprintf(what, sizeof(what), "key %lu modifiers %u", (unsigned long)code, modifiers);
    remember(what);
    term_screen_key(&e);
}

/* One random piece of output (or a key). */
static void piece(void)
{
    static const char *const fixed[] = {
        "\r\n", "\n", "\r", "\b", "\t", "\033[K", "\033[1K", "\033[2K", "\033[J", "\033[1J",
        "\033[2J", "\033[0m", "\033[7m", "\033[1m", "\033[27m", "\033M", "\033D", "\033E",
        "\033[?25l", "\033[?25h", "\033[?1049h", "\033[?1049l", "\033[r", "\033[H",
        "\xc3\xa4", "\xe4\xb8\xad", "\xe2\x82\xac", "\xff", "\xe2\x94", "\033[?7l",
        "\033[?7h", "\0337", "\0338", "\033[4h", "\033[4l", "\033[?5h", "\033[?5l",
        "\033[1\"q", "\033[0\"q", "\033[?K", "\033[?1J", "\033#6", "\033#5", "\033c",
        "\033[?69h", "\033[?69l", "\033[5;60s", "\033[1;12r", "\033[2X",
    };
    static const char *const words[] = { "pecan ", "term", " libvterm", "x", "0123456789",
                                         "The quick brown fox jumps over the lazy dog. " };
    char text[48];
    switch (below(12)) {
    case 0: case 1: case 2:
        out(words[below(sizeof(words) / sizeof(words[0]))]);
        return;
    case 3: case 4:
        out(fixed[below(sizeof(fixed) / sizeof(fixed[0]))]);
        return;
    case 5:
        snprintf(text, sizeof(text), "\033[%u;%uH", below(34), below(84));
        break;
    case 6:
        snprintf(text, sizeof(text), "\033[%u%c", below(6), "ABCDLMPS@TX"[below(11)]);
        break;
    case 7:
        snprintf(text, sizeof(text), "\033[%u;%ur", 1 + below(30), 1 + below(30));
        break;
    case 8:
        snprintf(text, sizeof(text), "\033[%um", (unsigned[]){ 30, 31, 32, 33, 34, 35, 36, 37,
                                                              40, 41, 44, 47, 90, 97, 100,
                                                              39, 49 }[below(17)]);
        break;
    case 9:
        snprintf(text, sizeof(text), below(2) ? "\033[38;5;%um" : "\033[48;5;%um", below(256));
        break;
    case 10:
        snprintf(text, sizeof(text), "\033[38;2;%u;%u;%um", below(256), below(256), below(256));
        break;
    default:
        if (below(3) == 0)
            key(below(2) ? 104 : 109, 1);   /* Shift+Page Up, Shift+Page Down */
        else if (below(4) == 0)
            key(30 + below(10), 0);         /* a letter: the view back at the bottom */
        else
            out("\r\n");
        return;
    }
    out(text);
}

/* Has the whole view drawn again: every pixel must be as the flushes before drew it;
 * else prints what differs and the pieces before it. */
static bool redraw_equal(unsigned step)
{
    struct term_rectangle drawn;
    memcpy(copy, frame, sizeof(frame));
    term_screen_damage_all();
    term_screen_flush(&drawn);
    for (unsigned i = 0; i < WIDTH * HEIGHT; i++)
        if (copy[i] != frame[i]) {
            printf("term-check: after piece %u, pixel (%u, %u) drawn %04x, redrawn %04x "
                   "(FAILED); the last pieces, oldest first:\n", step, i % WIDTH,
                   i / WIDTH, copy[i], frame[i]);
            print_history();
            unsigned x0 = WIDTH, y0 = HEIGHT, x1 = 0, y1 = 0, count = 0;
            for (unsigned j = 0; j < WIDTH * HEIGHT; j++)
                if (copy[j] != frame[j]) {
                    unsigned x = j % WIDTH, y = j / WIDTH;
                    count++;
                    x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
                    y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
                }
            uint32_t offset, kept = term_screen_scrollback(&offset);
            int32_t cursor_row, cursor_column;
            bool shown = term_screen_cursor(&cursor_row, &cursor_column);
            printf("term-check: cursor %s at row %ld column %ld\n", shown ? "shown" : "hidden",
                   (long)cursor_row, (long)cursor_column);
            printf("term-check: %u pixels differ, cells %u..%u x %u..%u; scrollback %lu, "
                   "view %lu back\n", count, x0 / 8, x1 / 8, y0 / 16, y1 / 16,
                   (unsigned long)kept, (unsigned long)offset);
            return false;
        }
    return true;
}

/* The same pieces with the window resized every RESIZE_EVERY pieces on average, to a
 * random size up to 640x480 (a tenth of the time less than a cell): after every flush a
 * full redraw must change no pixel (the frame's lines stay WIDTH long; pixels outside the
 * surface are never touched by either). libvterm's screen layer keeps lines differently
 * on a resize, so the cells are not compared with it here. At the end, back at 640x480,
 * the heap holds exactly what it held before the first resize. */
static bool check_resizes(void)
{
    struct mallinfo before = mallinfo();
    unsigned resizes = 0, redraws = 0;
    struct term_rectangle drawn;
    for (unsigned step = 1; step <= RESIZE_STEPS; step++) {
        if (below(RESIZE_EVERY) == 0) {
            struct surface s = surface;
            bool tiny = below(10) == 0;
            s.width = 1 + below(tiny ? 8 : WIDTH);
            s.height = 1 + below(tiny ? 16 : HEIGHT);
            char what[48];
            snprintf(what, sizeof(what), "(resized to %lux%lu)", (unsigned long)s.width,
                     (unsigned long)s.height);
            remember(what);
            memset(frame, 0x5A, sizeof(frame));   /* a new buffer: nothing of the old */
            if (term_screen_resize(&s) != 0) {
                printf("term-check: no memory for a resize (FAILED)\n");
                return false;
            }
            uint32_t rows, columns;
            term_screen_size(&rows, &columns);
            if (rows != (s.height / 16 ? s.height / 16 : 1) ||
                columns != (s.width / 8 ? s.width / 8 : 1)) {
                printf("term-check: %s gave a grid of %lux%lu (FAILED)\n", what,
                       (unsigned long)columns, (unsigned long)rows);
                return false;
            }
            resizes++;
        }
        piece();
        if (below(8) != 0)
            continue;
        term_screen_flush(&drawn);
        remember("(flush)");
        if (!redraw_equal(STEPS + step))
            return false;
        redraws++;
    }
    term_screen_resize(&surface);
    term_screen_flush(&drawn);
    struct mallinfo after = mallinfo();
    if (after.uordblks != before.uordblks) {
        printf("term-check: after %u resizes the heap holds %lu bytes, not %lu (FAILED)\n",
               resizes, (unsigned long)after.uordblks, (unsigned long)before.uordblks);
        return false;
    }
    printf("term-check: %u pieces with %u resizes, %u full redraws equal, heap back exactly\n",
           RESIZE_STEPS, resizes, redraws);
    return true;
}

int main(void)
{
    surface = (struct surface){ (uint8_t *)frame, WIDTH, HEIGHT, WIDTH * 2, pixel_format_rgb565 };
    if (psf_font_open(&font, console_font, console_font_size) != PSF_OK ||
        term_screen_init(&surface, &font, discard) != 0) {
        printf("term-check: setting up (FAILED)\n");
        return 1;
    }
    uint32_t rows, columns;
    term_screen_size(&rows, &columns);
    reference_init(rows, columns);
    unsigned flushes = 0, redraws = 0, agreed = 0;
    struct term_rectangle drawn;
    for (unsigned step = 1; step <= STEPS; step++) {
        piece();
        if (below(8) != 0)
            continue;
        term_screen_flush(&drawn);
        remember("(flush)");
        flushes++;
        if (flushes % 4 == 0) {
            if (!cells_agree(step))
                return 1;
            agreed++;
        }
        if (!redraw_equal(step))
            return 1;
        redraws++;
    }
    printf("term-check: %u pieces, %u flushes, %u full redraws equal, %u grids equal to "
           "libvterm's screen layer\n", STEPS, flushes, redraws, agreed);
    return check_resizes() ? 0 : 1;
}
