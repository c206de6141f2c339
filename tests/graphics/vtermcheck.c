/* SPDX-License-Identifier: MIT */
/*
 * vtermcheck: libvterm 0.1.4 (pkg/libvterm) and the graphics library (pkg/graphics) built
 * for the board with newlib, working together. It feeds a 6x24 terminal text with SGR
 * colours, bold, UTF-8 and cursor movement, and checks the screen cells through libvterm's
 * API: characters, colours as indices and as RGB, attributes, the cursor. It checks the
 * bytes libvterm sends back to the program (a device attributes reply, the Up arrow key).
 * Then it draws every cell with the Uni2-Terminus16 console font linked into the program
 * into an RGB565 surface in memory and checks a coloured cell pixel for pixel against the
 * font's glyph.
 *
 * Prints "vtermcheck: all checks passed" and exits with 0, or says what failed (FAILED).
 */
#include <graphics/pixel_format.h>
#include <graphics/psf_font.h>
#include <graphics/surface.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vterm.h>

#define ROWS 6
#define COLUMNS 24

extern const uint8_t console_font[];
extern const uint32_t console_font_size;

static int failures;

static void check(int ok, const char *format, ...)
{
    if (ok)
        return;
    failures++;
    va_list arguments;
    va_start(arguments, format);
    printf("vtermcheck: FAILED ");
    vprintf(format, arguments);
    printf("\n");
    va_end(arguments);
}

/* What libvterm sends towards the program: replies and key sequences. */
static char output[64];
static size_t output_length;

static void collect_output(const char *bytes, size_t length, void *user)
{
    (void)user;
    if (output_length + length > sizeof(output))
        length = sizeof(output) - output_length;
    memcpy(output + output_length, bytes, length);
    output_length += length;
}

static void write_text(VTerm *terminal, const char *text)
{
    size_t length = strlen(text);
    check(vterm_input_write(terminal, text, length) == length, "input of %u bytes not all taken",
          (unsigned)length);
}

static VTermScreenCell cell_at(VTermScreen *screen, int row, int column)
{
    VTermScreenCell cell;
    memset(&cell, 0, sizeof(cell));
    VTermPos position = {row, column};
    check(vterm_screen_get_cell(screen, position, &cell), "no cell at %d,%d", row, column);
    return cell;
}

static void check_cell(VTermScreen *screen, int row, int column, uint32_t code_point,
                       int foreground_index, int background_index, int bold)
{
    VTermScreenCell cell = cell_at(screen, row, column);
    check(cell.chars[0] == code_point, "cell %d,%d holds U+%04X, expected U+%04X", row, column,
          (unsigned)cell.chars[0], (unsigned)code_point);
    if (foreground_index < 0)
        check(VTERM_COLOR_IS_DEFAULT_FG(&cell.fg), "cell %d,%d: foreground not the default",
              row, column);
    else
        check(VTERM_COLOR_IS_INDEXED(&cell.fg) && cell.fg.indexed.idx == foreground_index,
              "cell %d,%d: foreground not colour %d", row, column, foreground_index);
    if (background_index < 0)
        check(VTERM_COLOR_IS_DEFAULT_BG(&cell.bg), "cell %d,%d: background not the default",
              row, column);
    else
        check(VTERM_COLOR_IS_INDEXED(&cell.bg) && cell.bg.indexed.idx == background_index,
              "cell %d,%d: background not colour %d", row, column, background_index);
    check(cell.attrs.bold == (unsigned)bold, "cell %d,%d: bold %u", row, column, cell.attrs.bold);
}

static void check_screen(VTerm *terminal, VTermScreen *screen)
{
    /* Row 0: plain, red on default, default; bold yellow on blue. */
    write_text(terminal, "plain \x1b[31mred\x1b[0m \x1b[1;33;44mbold\x1b[0m");
    check_cell(screen, 0, 0, 'p', -1, -1, 0);
    check_cell(screen, 0, 6, 'r', 1, -1, 0);
    check_cell(screen, 0, 8, 'd', 1, -1, 0);
    check_cell(screen, 0, 9, ' ', -1, -1, 0);
    check_cell(screen, 0, 10, 'b', 3, 4, 1);
    /* Row 1: UTF-8 (e acute, a box-drawing line), after CR LF. */
    write_text(terminal, "\r\n\xC3\xA9\xE2\x94\x80!");
    check_cell(screen, 1, 0, 0xE9, -1, -1, 0);
    check_cell(screen, 1, 1, 0x2500, -1, -1, 0);
    check_cell(screen, 1, 2, '!', -1, -1, 0);
    /* Cursor addressing: row 4, column 10 (one-based). */
    write_text(terminal, "\x1b[4;10HX");
    check_cell(screen, 3, 9, 'X', -1, -1, 0);
    VTermPos cursor;
    vterm_state_get_cursorpos(vterm_obtain_state(terminal), &cursor);
    check(cursor.row == 3 && cursor.col == 10, "cursor at %d,%d, expected 3,10", cursor.row,
          cursor.col);

    /* Colour 1 as RGB: libvterm's palette says red is 224,0,0. */
    VTermScreenCell red = cell_at(screen, 0, 6);
    vterm_screen_convert_color_to_rgb(screen, &red.fg);
    check(VTERM_COLOR_IS_RGB(&red.fg) && red.fg.rgb.red == 224 && red.fg.rgb.green == 0 &&
              red.fg.rgb.blue == 0,
          "red as RGB: %u,%u,%u", red.fg.rgb.red, red.fg.rgb.green, red.fg.rgb.blue);
}

static void check_output(VTerm *terminal)
{
    output_length = 0;
    write_text(terminal, "\x1b[c");           /* primary device attributes */
    check(output_length == 7 && memcmp(output, "\x1b[?1;2c", 7) == 0,
          "device attributes reply of %u bytes", (unsigned)output_length);
    output_length = 0;
    vterm_keyboard_key(terminal, VTERM_KEY_UP, VTERM_MOD_NONE);
    check(output_length == 3 && memcmp(output, "\x1b[A", 3) == 0, "Up key sent %u bytes",
          (unsigned)output_length);
}

static uint32_t pixel_of(const struct pixel_format *format, const VTermScreen *screen,
                         VTermColor color)
{
    vterm_screen_convert_color_to_rgb(screen, &color);
    return pixel_format_pack(format, (struct color){color.rgb.red, color.rgb.green,
                                                    color.rgb.blue});
}

/* Draws every cell as the terminal will: its first code point in its colours. */
static void draw_screen(VTermScreen *screen, const struct psf_font *font,
                        const struct surface *surface)
{
    for (int row = 0; row < ROWS; row++) {
        for (int column = 0; column < COLUMNS; column++) {
            VTermScreenCell cell = cell_at(screen, row, column);
            uint32_t code_point = cell.chars[0] ? cell.chars[0] : ' ';
            surface_draw_glyph(surface, font, psf_font_glyph_or_replacement(font, code_point),
                               column * (int32_t)font->width, row * (int32_t)font->height,
                               pixel_of(&surface->format, screen, cell.fg),
                               pixel_of(&surface->format, screen, cell.bg));
        }
    }
}

/* The cell's pixels are the glyph of its character in its colours. */
static void check_drawn_cell(const struct surface *surface, const struct psf_font *font,
                             int row, int column, uint32_t code_point, uint32_t foreground,
                             uint32_t background)
{
    uint32_t glyph = psf_font_glyph_or_replacement(font, code_point);
    unsigned wrong = 0, set = 0;
    for (uint32_t y = 0; y < font->height; y++) {
        for (uint32_t x = 0; x < font->width; x++) {
            int lit = psf_font_glyph_pixel(font, glyph, x, y);
            set += lit;
            uint32_t pixel = surface_read_pixel(surface, column * font->width + x,
                                                row * font->height + y);
            wrong += pixel != (lit ? foreground : background);
        }
    }
    check(wrong == 0 && set > 0, "cell %d,%d drawn with %u wrong pixels (%u set)", row, column,
          wrong, set);
}

static void check_drawing(VTermScreen *screen)
{
    struct psf_font font;
    enum psf_error error = psf_font_open(&font, console_font, console_font_size);
    check(error == PSF_OK, "console font: %s", psf_error_text(error));
    if (error != PSF_OK)
        return;
    struct psf_index_entry *index = calloc(font.unicode_entry_count, sizeof(*index));
    check(index && psf_font_build_index(&font, index, font.unicode_entry_count) == PSF_OK,
          "console font index");
    struct surface surface = {
        .width = COLUMNS * font.width, .height = ROWS * font.height,
        .bytes_per_line = COLUMNS * font.width * 2, .format = pixel_format_rgb565};
    size_t size = (size_t)surface.bytes_per_line * surface.height;
    surface.pixels = malloc(size);
    check(surface_check(&surface, size), "surface in memory");
    draw_screen(screen, &font, &surface);
    const uint32_t red = pixel_format_pack(&pixel_format_rgb565, (struct color){224, 0, 0});
    const uint32_t black = pixel_format_pack(&pixel_format_rgb565, (struct color){0, 0, 0});
    const uint32_t yellow = pixel_format_pack(&pixel_format_rgb565, (struct color){224, 224, 0});
    const uint32_t blue = pixel_format_pack(&pixel_format_rgb565, (struct color){0, 0, 224});
    check_drawn_cell(&surface, &font, 0, 6, 'r', red, black);
    check_drawn_cell(&surface, &font, 0, 10, 'b', yellow, blue);
    check_drawn_cell(&surface, &font, 1, 0, 0xE9, pixel_of(&pixel_format_rgb565, screen,
                     cell_at(screen, 1, 0).fg), black);
    printf("vtermcheck: drew %dx%d cells into %ux%u RGB565 pixels with a %ux%u font\n", COLUMNS,
           ROWS, (unsigned)surface.width, (unsigned)surface.height, (unsigned)font.width,
           (unsigned)font.height);
    free(surface.pixels);
    free(index);
}

int main(void)
{
    VTerm *terminal = vterm_new(ROWS, COLUMNS);
    if (terminal == NULL) {
        printf("vtermcheck: FAILED vterm_new\n");
        return 1;
    }
    vterm_set_utf8(terminal, 1);
    vterm_output_set_callback(terminal, collect_output, NULL);
    VTermScreen *screen = vterm_obtain_screen(terminal);
    vterm_screen_reset(screen, 1);

    check_screen(terminal, screen);
    check_output(terminal);
    check_drawing(screen);
    vterm_free(terminal);

    if (failures) {
        printf("vtermcheck: %d checks FAILED\n", failures);
        return 1;
    }
    printf("vtermcheck: all checks passed\n");
    return 0;
}
